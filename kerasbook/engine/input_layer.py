"""`Input()`: where a functional graph starts."""
from ..runtime.naming import unique_name
from .keras_tensor import KerasTensor
from .layer import Layer
from .node import Node


class InputLayer(Layer):
    """A layer with no computation whose one node has no inputs: the graph's entry point."""

    def __init__(self, shape=None, batch_size=None, dtype=None, name=None, batch_shape=None):
        super().__init__(name=name or unique_name("input_layer"), dtype=dtype)
        if batch_shape is None:
            if shape is None:
                raise ValueError("Input needs a `shape`, e.g. Input(shape=(784,)).")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        self.batch_shape = tuple(batch_shape)
        self.built = True
        Node(self, [], KerasTensor(self.batch_shape, self.dtype, name=self.name))

    @property
    def output_tensor(self):
        return self.inbound_nodes[0].outputs

    def get_config(self):
        return {"batch_shape": self.batch_shape, "dtype": self.dtype, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, name=None, batch_shape=None):
    """A symbolic input of the given shape (without the batch axis).

    Example:
        inputs = Input(shape=(784,))
        outputs = Dense(10, activation='softmax')(inputs)
        model = Model(inputs, outputs)
    """
    return InputLayer(shape, batch_size, dtype, name, batch_shape).output_tensor
