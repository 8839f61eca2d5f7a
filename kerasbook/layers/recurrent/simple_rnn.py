"""`SimpleRNN`: the plainest recurrence, ``h_t = activation(x_t @ kernel + h @ recurrent_kernel + bias)``."""
from ... import activations
from ...ops.recurrent import simple_rnn
from .base_rnn import BaseRNN


class SimpleRNN(BaseRNN):
    """Keras 3's SimpleRNN: weights kernel (features, units), recurrent_kernel (units, units), bias (units).

    Example:
        model = Sequential([Embedding(10000, 32), SimpleRNN(32), Dense(1, activation="sigmoid")])
    """

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         **kwargs)

    def build_weights(self, features):
        self.add_recurrent_weights(features, gates=1)

    def run(self, sequences, initial_state, recurrent_mask, return_state):
        return simple_rnn(sequences, self.kernel, self.recurrent_kernel, self.bias, initial_state,
                          activations.serialize(self.activation), recurrent_mask=recurrent_mask,
                          **self.op_options(return_state))
