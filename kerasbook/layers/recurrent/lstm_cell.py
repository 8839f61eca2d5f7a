"""`LSTMCell`: one step of `LSTM`, its four gates written as algebra the tape differentiates."""
from ... import activations
from ...engine.layer import Layer
from .recurrent_weights import RecurrentWeights


class LSTMCell(RecurrentWeights, Layer):
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
        self.set_recurrent_arguments(units, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                                     kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                     kernel_constraint, recurrent_constraint, bias_constraint)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [units, units]  # h and c
        self.output_size = units

    def build(self, input_shape):
        self.add_recurrent_weights(input_shape[-1], gates=4)  # i, f, c, o
        if self.use_bias and self.unit_forget_bias:  # start by remembering: the forget gate's bias at 1
            self.bias.data[self.units:2 * self.units] = 1

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
        return {**super().get_config(), **self.recurrent_arguments_config(),
                "activation": activations.serialize(self.activation),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
