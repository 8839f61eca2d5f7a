from .activation import Activation
from .dense import Dense
from .dropout import Dropout
from .embedding import Embedding
from .lambda_layer import Lambda
from .operation_layer import OperationLayer
