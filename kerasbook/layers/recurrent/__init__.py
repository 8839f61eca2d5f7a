from .gru import GRU
from .lstm import LSTM
from .simple_rnn import SimpleRNN
