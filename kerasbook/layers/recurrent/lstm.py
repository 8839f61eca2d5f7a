"""`LSTM`: long short-term memory, a recurrent layer that learns what to keep and what to forget."""
from ... import activations
from ...ops.recurrent import lstm
from .base_rnn import BaseRNN


class LSTM(BaseRNN):
    """Keras 3's LSTM: arguments, weights (kernel, recurrent_kernel, bias; gates i, f, c, o) and outputs.

    With ``return_state=True`` it returns ``[output, h, c]``; `initial_state`
    takes ``[h, c]``. `unit_forget_bias` starts the forget gate's bias at 1, so
    the cell remembers by default until it learns otherwise.

    Example:
        model = Sequential([Embedding(10000, 256), LSTM(128), Dense(1, activation="sigmoid")])
    """

    state_count = 2

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         **kwargs)
        self.recurrent_activation = self.fused_activation(recurrent_activation, "recurrent_activation")
        self.unit_forget_bias = unit_forget_bias

    def build_weights(self, features):
        self.add_recurrent_weights(features, gates=4)
        if self.use_bias and self.unit_forget_bias:
            self.bias.data[self.units:2 * self.units] = 1

    def run(self, sequences, initial_state, recurrent_mask, return_state):
        return lstm(sequences, self.kernel, self.recurrent_kernel, self.bias, initial_state,
                    activations.serialize(self.activation), activations.serialize(self.recurrent_activation),
                    recurrent_mask=recurrent_mask, **self.op_options(return_state))

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
