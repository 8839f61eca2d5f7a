"""`GRUCell`: one step of `GRU`, its two gates written as algebra the tape differentiates."""
from ... import activations, constraints, initializers, regularizers
from ...engine.layer import Layer


class GRUCell(Layer):
    """One step of a gated recurrent unit, Keras 3's ``reset_after=True``, with `GRU`'s weights.

    The update gate z says how much of h_{t-1} to keep; the rest of h_t is a
    candidate built from x_t and the recurrent product, which the reset gate r
    scales (after the matrix product, as in Keras 3 and cuDNN). Gates z, r, h
    sit side by side in `kernel` and `recurrent_kernel`; the bias's two rows
    go to the input projection and to the recurrent one.
    ``RNN(GRUCell(n))`` and ``GRU(n)`` trade weights and compute the same thing.

    Example:
        layer = RNN(GRUCell(32), return_sequences=True)
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 reset_after=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"GRUCell '{self.name}': units must be a positive integer, received {units!r}.")
        if not reset_after:
            raise NotImplementedError(f"GRUCell '{self.name}': reset_after=False (Keras 2's first GRU) is not "
                                      f"implemented; Keras 3's default reset_after=True is.")
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.state_size = units  # one state, h
        self.output_size = units

    def build(self, input_shape):
        features, units = input_shape[-1], self.units
        self.kernel = self.add_weight("kernel", (features, 3 * units), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (units, 3 * units), self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (2, 3 * units), self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def call(self, inputs, states, training=False):
        """`inputs` (batch, features) is x_t, `states` is ``[h_{t-1}]``; returns ``h_t, [h_t]``."""
        h = states[0]
        from_input = inputs @ self.kernel
        from_state = h @ self.recurrent_kernel
        if self.use_bias:
            from_input = from_input + self.bias[0]
            from_state = from_state + self.bias[1]
        u = self.units
        z = self.recurrent_activation(from_input[:, :u] + from_state[:, :u])
        r = self.recurrent_activation(from_input[:, u:2 * u] + from_state[:, u:2 * u])
        candidate = self.activation(from_input[:, 2 * u:] + r * from_state[:, 2 * u:])
        h = z * h + (1 - z) * candidate
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint), "reset_after": True}
