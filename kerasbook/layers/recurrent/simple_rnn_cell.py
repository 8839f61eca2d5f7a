"""`SimpleRNNCell`: one step of `SimpleRNN`, written as algebra the tape differentiates."""
from ... import activations
from ...engine.layer import Layer
from .recurrent_weights import RecurrentWeights


class SimpleRNNCell(RecurrentWeights, Layer):
    """One step of the plainest recurrence: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias)``.

    The weights are `SimpleRNN`'s, in its layout and order, so ``RNN(SimpleRNNCell(n))``
    and ``SimpleRNN(n)`` trade weights and compute the same thing: the fused
    layer runs the whole sequence in one op with a hand-written backward, this
    cell one step at a time, with no backward of its own.

    Example:
        layer = RNN(SimpleRNNCell(32), return_sequences=True)
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.set_recurrent_arguments(units, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                                     kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                     kernel_constraint, recurrent_constraint, bias_constraint)
        self.activation = activations.get(activation)
        self.state_size = units  # one state, h
        self.output_size = units

    def build(self, input_shape):
        self.add_recurrent_weights(input_shape[-1], gates=1)

    def call(self, inputs, states, training=False):
        """`inputs` (batch, features) is x_t, `states` is ``[h_{t-1}]``; returns ``h_t, [h_t]``."""
        h = states[0]
        z = inputs @ self.kernel + h @ self.recurrent_kernel
        if self.use_bias:
            z = z + self.bias
        h = self.activation(z)
        return h, [h]

    def get_config(self):
        return {**super().get_config(), **self.recurrent_arguments_config(),
                "activation": activations.serialize(self.activation)}
