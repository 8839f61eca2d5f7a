"""`LSTMCell`: one step of `LSTM`, its four gates written as algebra the tape differentiates."""
from ... import activations, constraints, initializers, regularizers
from ...engine.layer import Layer


class LSTMCell(Layer):
    """One step of long short-term memory, with `LSTM`'s weights (gates i, f, c, o side by side).

    Four gates read x_t and h_{t-1}: the input gate i says how much of the
    candidate g to write into the cell state, the forget gate f how much of
    c_{t-1} to keep, the output gate o how much of the cell state to show as h_t.
    ``RNN(LSTMCell(n))`` and ``LSTM(n)`` trade weights and compute the same
    thing; the fused layer is faster, this cell is the one to read.

    Example:
        layer = RNN(LSTMCell(32), return_state=True)   # [output, h, c]
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"LSTMCell '{self.name}': units must be a positive integer, received {units!r}.")
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
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]  # h and c
        self.output_size = units

    def build(self, input_shape):
        features, units = input_shape[-1], self.units
        self.kernel = self.add_weight("kernel", (features, 4 * units), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (units, 4 * units), self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (4 * units,), self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
            if self.unit_forget_bias:  # start by remembering: the forget gate's bias at 1
                self.bias.data[units:2 * units] = 1

    def call(self, inputs, states, training=False):
        """`inputs` (batch, features) is x_t, `states` is ``[h_{t-1}, c_{t-1}]``; returns ``h_t, [h_t, c_t]``."""
        h, c = states
        z = inputs @ self.kernel + h @ self.recurrent_kernel
        if self.use_bias:
            z = z + self.bias
        u = self.units
        i = self.recurrent_activation(z[:, :u])
        f = self.recurrent_activation(z[:, u:2 * u])
        g = self.activation(z[:, 2 * u:3 * u])
        o = self.recurrent_activation(z[:, 3 * u:])
        c = f * c + i * g
        h = o * self.activation(c)
        return h, [h, c]

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
                "bias_constraint": constraints.serialize(self.bias_constraint), "unit_forget_bias": self.unit_forget_bias}
