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
        units = self.units
        self.kernel = self.add_weight("kernel", (features, units), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (units, units), self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (units,), self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def run(self, sequences, initial_state, recurrent_mask, return_state):
        return simple_rnn(sequences, self.kernel, self.recurrent_kernel, self.bias, initial_state,
                          activations.serialize(self.activation), recurrent_mask=recurrent_mask,
                          **self.op_options(return_state))
