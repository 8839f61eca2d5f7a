"""The graph engine: symbolic tensors and nodes, `Layer`, `Input` and `InputSpec`.

Calling a layer on a symbolic tensor records a `Node`; a model (in
`kerasbook.models`) is the graph those nodes make.
"""
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .keras_tensor import KerasTensor
from .layer import Layer
