"""`Sequential`: a plain stack of layers, each feeding the next.

It is a functional model whose graph is a chain. As soon as the input shape is
known (the first layer's `input_shape`, an `Input`, or the first batch of data)
every layer is called on the previous one's output, so shapes are checked and
weights exist straight away.
"""
from ..engine.input_layer import InputLayer
from ..engine.keras_tensor import KerasTensor
from ..engine.layer import Layer
from ..runtime.naming import unique_name
from .model import Model
from .trainer import Trainer


class Sequential(Model):
    """Example:
        model = Sequential([Dense(32, input_shape=(784,)), Activation('relu')])
        model.add(Dense(10, activation='softmax'))
    """

    def __init__(self, layers=None, name=None, trainable=True):
        Layer.__init__(self, name=name or unique_name("sequential"), trainable=trainable)
        Trainer.__init__(self)
        self._stack = []
        self._input_layer = None
        self.built = False
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Append a layer; with a known input shape it is called (and checked) at once."""
        if isinstance(layer, KerasTensor) and isinstance(layer.history[0], InputLayer):
            layer = layer.history[0]
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ValueError(f"Sequential '{self.name}': an Input can only be the first thing added.")
            self._input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential '{self.name}' can only add layers; received {layer!r} "
                            f"of type {type(layer).__name__}.")
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(f"All layers added to a Sequential model should have unique names. Name "
                             f"'{layer.name}' is already the name of a layer in this model.")
        if not self._stack and self._input_layer is None and layer._batch_input_shape is not None:
            self._input_layer = InputLayer(batch_shape=layer._batch_input_shape, name=f"{layer.name}_input")
        self._stack.append(layer)
        if self.built:
            self._init_graph(self.inputs[0], layer(self.outputs[0]))
        elif self._input_layer is not None:
            self._build_graph()

    def pop(self):
        """Remove the last layer."""
        if not self._stack:
            raise TypeError(f"There are no layers in Sequential '{self.name}' to pop.")
        layer = self._stack.pop()
        if self.built:
            if layer.inbound_nodes and layer.inbound_nodes[-1].outputs is self.outputs[0]:
                layer.inbound_nodes.pop()
            if self._stack:
                self._init_graph(self.inputs[0], self._stack[-1].inbound_nodes[-1].outputs)
            else:
                self.built = False
        return layer

    def build(self, input_shape=None):
        """Build from a shape including the batch axis, e.g. ``model.build((None, 784))``."""
        if input_shape is not None and self._input_layer is None:
            self._input_layer = InputLayer(batch_shape=tuple(input_shape), name=f"{self.name}_input")
        if self._input_layer is None:
            raise ValueError(f"Sequential '{self.name}' cannot be built without an input shape: give the first "
                             f"layer `input_shape=…`, or call model.build((None, …)).")
        if not self.built:
            self._build_graph()

    def _build_graph(self):
        tensor = self._input_layer.output_tensor
        inputs = tensor
        for layer in self._stack:
            tensor = layer(tensor)
        if self._stack:
            self._init_graph(inputs, tensor)

    def _build_from_data(self, arrays):
        if not self.built:
            self.build((None,) + arrays[0].shape[1:])

    def _data_input_names(self, x):
        return self.input_names if self.built else ["input"]

    @property
    def output_names(self):
        return super().output_names if self.built else [self._stack[-1].name] if self._stack else []

    @property
    def layers(self):
        return list(self._stack)

    def call(self, inputs, training=False):
        if not self.built:
            self.build((None,) + tuple(inputs.shape[1:]))
        return super().call(inputs, training=training)

    def compute_output_shape(self, input_shape):
        if not self.built:
            self.build((None,) + tuple(input_shape[1:]))
        return super().compute_output_shape(input_shape)

    def _check_and_build(self, input_shapes):
        if not self.built:
            self.build((None,) + tuple(input_shapes[1:]))

    def _layers_with_weights(self):
        return self._stack

    def count_params(self):
        if not self.built:
            raise ValueError(f"Sequential '{self.name}' isn't built yet, so its weights don't exist: give its first "
                             f"layer an `input_shape`, or call model.build((None, …)).")
        return super().count_params()
