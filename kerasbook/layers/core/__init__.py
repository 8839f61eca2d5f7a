from .activation import Activation
from .dense import Dense
from .dropout import Dropout
from .embedding import Embedding
