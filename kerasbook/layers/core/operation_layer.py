"""Operations on symbolic tensors become nodes of the graph: ``x * 2``, ``x[:, 0]``, ``K.mean(x)``.

In a functional model, a backend function, a Python operator or a loss applied
to `KerasTensor`s computes nothing yet. Like a layer call, it adds a node to the
graph, whose layer is an `OperationLayer`: the function, and the arguments that
are not tensors (the ``axis=-1``, the 2 of ``x * 2``). Keras 3 makes its
operations nodes in the same way (Keras 2 had ``TFOpLambda`` layers); the
summary shows each as ``multiply (OperationLayer)``, named after its function.
When the model runs, the node calls the function on real tensors, so gradients
come from the tape as for any other code.

The output shape is found by running the function on small arrays of ones
(`engine/output_inference.py`, shared with subclassed layers).
"""
import functools

import numpy

from ...engine.keras_tensor import KerasTensor, flatten, is_symbolic, map_structure
from ...engine.layer import Layer
from ...engine.output_inference import infer_output
from ...ops import math
from ...ops.tensor import Tensor
from ...runtime.array_module import to_numpy
from ...runtime.naming import unique_name

OPERATIONS = {}  # 'module.name' -> function: the only functions `OperationLayer.from_config` will call


def operation(function):
    """Let `function` take symbolic tensors too: called on KerasTensors, it adds a node to the graph.

    Example (as in kerasbook/backend.py):
        @operation
        def mean(x, axis=None, keepdims=False):
            ...
        y = mean(Input(shape=(4,)), axis=-1)   # a KerasTensor (None,), made by an OperationLayer
    """
    OPERATIONS[function_name(function)] = function

    @functools.wraps(function)
    def compute_or_add_node(*args, **kwargs):
        if is_symbolic([args, kwargs]):
            return symbolic_call(function, args, kwargs)
        return function(*args, **kwargs)

    return compute_or_add_node


def symbolic_call(function, args, kwargs=None):
    """``function(*args, **kwargs)`` where some arguments are KerasTensors: the output of a new node."""
    kwargs = kwargs or {}
    tensors = [leaf for leaf in flatten([list(args), kwargs]) if isinstance(leaf, KerasTensor)]
    slots = iter(range(len(tensors)))
    args, kwargs = map_structure(lambda value: InputSlot(next(slots)) if isinstance(value, KerasTensor) else value,
                                 (tuple(args), kwargs))
    return OperationLayer(function, args, kwargs)(tensors)


class InputSlot:
    """Where the node's input number `index` goes among the function's arguments."""

    def __init__(self, index):
        self.index = index

    def __repr__(self):
        return f"InputSlot({self.index})"


class OperationLayer(Layer):
    """One call of `function` in a graph: its tensor arguments are the node's inputs, the rest are kept here.

    `args` and `kwargs` are the function's arguments with an `InputSlot` where
    each input goes; without them the inputs are the arguments, in order.

    Example:
        OperationLayer(K.mean, kwargs={'axis': -1})(x)     # what K.mean(x, axis=-1) makes
    """

    def __init__(self, function, args=None, kwargs=None, **layer_kwargs):
        if not layer_kwargs.get("name"):
            layer_kwargs["name"] = unique_name(function.__name__)
        super().__init__(**layer_kwargs)
        self.function = getattr(function, "__wrapped__", function)  # the computation, not the graph-adding wrapper
        self.args, self.kwargs = args, kwargs or {}
        self.input_dtypes = self.result_dtype = None  # known once the layer is called on symbolic tensors

    def __call__(self, inputs, *args, **kwargs):
        if is_symbolic(inputs):
            self.input_dtypes = [tensor.dtype for tensor in flatten(inputs)]
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs):
        inputs = inputs if isinstance(inputs, list) else [inputs]
        if self.args is None:
            return self.function(*inputs, **self.kwargs)

        def fill(value):
            return inputs[value.index] if isinstance(value, InputSlot) else value

        return self.function(*map_structure(fill, self.args), **map_structure(fill, self.kwargs))

    def compute_output_shape(self, input_shape):
        shape, self.result_dtype = infer_output(self.call, input_shape, self.input_dtypes,
                                                f"Operation '{self.name}' ({self.function.__name__})")
        return shape

    @property
    def output_dtype(self):
        return self.result_dtype or self.dtype

    def get_config(self):
        return {**super().get_config(), "function": function_name(self.function),
                "args": to_config(self.args), "kwargs": to_config(self.kwargs)}

    @classmethod
    def from_config(cls, config):
        """Rebuild from `get_config`: the function is looked up among kerasbook's operations, never loaded."""
        config = dict(config)
        name = config.pop("function")
        if name not in OPERATIONS:
            raise ValueError(f"Unknown operation {name!r}: an OperationLayer calls only kerasbook's own operations "
                             f"(kerasbook.backend functions, losses and tensor operators).")
        if isinstance(config.get("dtype"), dict):  # Keras's DTypePolicy
            config["dtype"] = config["dtype"]["config"]["name"]
        return cls(OPERATIONS[name], from_config(config.pop("args")), from_config(config.pop("kwargs")), **config)


def function_name(function):
    """'kerasbook.backend.mean': where the function is defined, the name a config records."""
    return f"{function.__module__}.{function.__qualname__}"


# --- arguments in a config --------------------------------------------------------
# JSON has no tuples, slices or arrays; these are marked as Keras 3 marks them.

def to_config(value):
    """`value` as JSON-ready data, tuples, slices, arrays and input slots marked so `from_config` rebuilds them."""
    if isinstance(value, InputSlot):
        return {"class_name": "__input__", "config": {"index": value.index}}
    if isinstance(value, tuple):
        return {"class_name": "__tuple__", "config": {"value": [to_config(item) for item in value]}}
    if isinstance(value, list):
        return [to_config(item) for item in value]
    if isinstance(value, dict):
        return {key: to_config(item) for key, item in value.items()}
    if isinstance(value, slice):
        return {"class_name": "__slice__", "config": {"start": to_config(value.start), "stop": to_config(value.stop),
                                                      "step": to_config(value.step)}}
    if value is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    if isinstance(value, numpy.generic):
        return value.item()
    if isinstance(value, Tensor) or hasattr(value, "__array__") and hasattr(value, "dtype"):
        array = to_numpy(value.data if isinstance(value, Tensor) else value)
        return {"class_name": "__numpy__", "config": {"value": array.tolist(), "dtype": str(array.dtype)}}
    if isinstance(value, numpy.dtype) or isinstance(value, type) and issubclass(value, numpy.generic):
        return numpy.dtype(value).name
    return value


def from_config(value):
    """The inverse of `to_config`."""
    if isinstance(value, list):
        return [from_config(item) for item in value]
    if not isinstance(value, dict):
        return value
    kind, config = value.get("class_name"), value.get("config")
    if kind == "__input__":
        return InputSlot(config["index"])
    if kind == "__tuple__":
        return tuple(from_config(item) for item in config["value"])
    if kind == "__slice__":
        return slice(from_config(config["start"]), from_config(config["stop"]), from_config(config["step"]))
    if kind == "__ellipsis__":
        return Ellipsis
    if kind == "__numpy__":
        return numpy.array(config["value"], dtype=config["dtype"])
    return {key: from_config(item) for key, item in value.items()}


# --- Python's operators on symbolic tensors ----------------------------------------
# Each one is a node whose function is the op the same operator runs on a Tensor.

for _function in (math.add, math.subtract, math.multiply, math.divide, math.negative, math.power, math.matmul,
                  math.abs, math.get_item, math.less, math.less_equal, math.greater, math.greater_equal):
    OPERATIONS[function_name(_function)] = _function

KerasTensor.__add__ = lambda self, other: symbolic_call(math.add, (self, other))
KerasTensor.__radd__ = lambda self, other: symbolic_call(math.add, (other, self))
KerasTensor.__sub__ = lambda self, other: symbolic_call(math.subtract, (self, other))
KerasTensor.__rsub__ = lambda self, other: symbolic_call(math.subtract, (other, self))
KerasTensor.__mul__ = lambda self, other: symbolic_call(math.multiply, (self, other))
KerasTensor.__rmul__ = lambda self, other: symbolic_call(math.multiply, (other, self))
KerasTensor.__truediv__ = lambda self, other: symbolic_call(math.divide, (self, other))
KerasTensor.__rtruediv__ = lambda self, other: symbolic_call(math.divide, (other, self))
KerasTensor.__neg__ = lambda self: symbolic_call(math.negative, (self,))
KerasTensor.__pow__ = lambda self, exponent: symbolic_call(math.power, (self, exponent))
KerasTensor.__matmul__ = lambda self, other: symbolic_call(math.matmul, (self, other))
KerasTensor.__rmatmul__ = lambda self, other: symbolic_call(math.matmul, (other, self))
KerasTensor.__abs__ = lambda self: symbolic_call(math.abs, (self,))
KerasTensor.__getitem__ = lambda self, key: symbolic_call(math.get_item, (self, key))
KerasTensor.__lt__ = lambda self, other: symbolic_call(math.less, (self, other))
KerasTensor.__le__ = lambda self, other: symbolic_call(math.less_equal, (self, other))
KerasTensor.__gt__ = lambda self, other: symbolic_call(math.greater, (self, other))
KerasTensor.__ge__ = lambda self, other: symbolic_call(math.greater_equal, (self, other))
