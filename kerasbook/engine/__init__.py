"""The graph engine: symbolic tensors and nodes, `Layer`, `Model`, `Sequential`, the training loop."""
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .keras_tensor import KerasTensor
from .layer import Layer
from .model import Model
from .sequential import Sequential
