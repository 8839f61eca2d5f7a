"""`GRU`: gated recurrent unit, an LSTM with one state and two gates."""
from ... import activations
from ...ops.recurrent import gru
from .base_rnn import BaseRNN


class GRU(BaseRNN):
    """Keras 3's GRU (``reset_after=True``): weights kernel, recurrent_kernel and a (2, 3 * units) bias.

    The bias's two rows are added to the input projection and to the
    recurrent one; the reset gate scales the recurrent candidate after the
    matrix product, as in Keras 3 and cuDNN. Gates are ordered z, r, h.

    Example:
        model = Sequential([Embedding(10000, 64), GRU(32), Dense(1, activation="sigmoid")])
    """

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 reset_after=True, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         **kwargs)
        if not reset_after:
            raise NotImplementedError(f"GRU '{self.name}': reset_after=False (Keras 2's first GRU) is not "
                                      f"implemented; Keras 3's default reset_after=True is.")
        self.recurrent_activation = self.fused_activation(recurrent_activation, "recurrent_activation")

    def build_weights(self, features):
        self.add_recurrent_weights(features, gates=3, bias_shape=(2, 3 * self.units))

    def run(self, sequences, initial_state, recurrent_mask, return_state):
        return gru(sequences, self.kernel, self.recurrent_kernel, self.bias, initial_state,
                   activations.serialize(self.activation), activations.serialize(self.recurrent_activation),
                   recurrent_mask=recurrent_mask, **self.op_options(return_state))

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": True}
