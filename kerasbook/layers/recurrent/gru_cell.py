"""`GRUCell`: one step of `GRU`, its two gates written as algebra the tape differentiates."""
from ... import activations
from ...engine.layer import Layer
from .recurrent_weights import RecurrentWeights


class GRUCell(RecurrentWeights, Layer):
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
        self.set_recurrent_arguments(units, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                                     kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                     kernel_constraint, recurrent_constraint, bias_constraint)
        if not reset_after:
            raise NotImplementedError(f"GRUCell '{self.name}': reset_after=False (Keras 2's first GRU) is not "
                                      f"implemented; Keras 3's default reset_after=True is.")
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.state_size = units  # one state, h
        self.output_size = units

    def build(self, input_shape):
        self.add_recurrent_weights(input_shape[-1], gates=3, bias_shape=(2, 3 * self.units))  # z, r, h

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
        return {**super().get_config(), **self.recurrent_arguments_config(),
                "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation), "reset_after": True}
