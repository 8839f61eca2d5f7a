"""`Sequential`: a plain stack of layers, each feeding the next.

It is a functional model whose graph is a chain. As soon as the input shape is
known (the first layer's `input_shape`, an `Input`, or the first batch of data)
every layer is called on the previous one's output, so shapes are checked and
weights exist straight away. A build that fails (data of the wrong shape) is
undone, so the model builds afresh from the next data.
"""
import warnings

from ..engine.input_layer import InputLayer
from ..engine.keras_tensor import KerasTensor
from ..engine.layer import Layer
from ..runtime.naming import unique_name
from ..saving.serialization_lib import deserialize_keras_object, dtype_policy, serialize_keras_object
from ..runtime.traceback_filtering import filter_traceback
from .model import Model
from .trainer import Trainer


class Sequential(Model):
    """Example:
        model = Sequential([Dense(32, input_shape=(784,)), Activation('relu')])
        model.add(Dense(10, activation='softmax'))
    """

    @filter_traceback
    def __init__(self, layers=None, name=None, trainable=True):
        Layer.__init__(self, name=name or unique_name("sequential"), trainable=trainable)
        Trainer.__init__(self)
        self._stack = []
        self._input_layer = None
        self.built = False
        for layer in layers or []:
            self.add(layer)

    @filter_traceback
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

    @filter_traceback
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

    @filter_traceback
    def build(self, input_shape=None):
        """Build from a shape including the batch axis, e.g. ``model.build((None, 784))``."""
        new_input = input_shape is not None and self._input_layer is None
        if new_input:
            self._input_layer = InputLayer(batch_shape=tuple(input_shape), name=f"{self.name}_input")
        if self._input_layer is None:
            raise ValueError(f"Sequential '{self.name}' cannot be built without an input shape: give the first "
                             f"layer `input_shape=…`, or call model.build((None, …)).")
        if not self.built:
            try:
                self._build_graph()
            except Exception:
                if new_input:  # the shape came with this call: forget it with the failed build
                    self._input_layer = None
                raise

    def _build_graph(self):
        """Call each layer on the previous one's output; if one refuses, undo every call made here."""
        saved = _saved_state(self._stack)
        try:
            tensor = self._input_layer.output_tensor
            inputs = tensor
            for layer in self._stack:
                tensor = layer(tensor)
            if self._stack:
                self._init_graph(inputs, tensor)
        except Exception:
            _restore(saved)
            raise

    def _build_from_data(self, arrays):
        if not self._stack:
            raise ValueError(f"Sequential '{self.name}' has no layers yet: add some with model.add(…) before "
                             f"giving it data.")
        if not self.built:
            self.build((None,) + arrays[0].shape[1:])

    def _not_built(self, what):
        return ValueError(f"Sequential '{self.name}' has not been built yet, so it has no {what}: give its first "
                          f"layer an `input_shape`, call model.build((None, …)), or pass it data first.")

    @property
    def inputs(self):
        if not self.built:
            raise self._not_built("inputs")
        return self._inputs

    @inputs.setter
    def inputs(self, tensors):
        self._inputs = tensors

    @property
    def outputs(self):
        if not self.built:
            raise self._not_built("outputs")
        return self._outputs

    @outputs.setter
    def outputs(self, tensors):
        self._outputs = tensors

    @property
    def input(self):
        return self.inputs[0]

    @property
    def output(self):
        return self.outputs[0]

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

    def get_config(self):
        """Keras's config of the stack: its layers, an InputLayer first once the input shape is known."""
        layers = [serialize_keras_object(layer) for layer in self._stack]
        if self._input_layer is not None:
            layers.insert(0, serialize_keras_object(self._input_layer))
        config = {"name": self.name, "trainable": self.trainable, "dtype": dtype_policy(self.dtype), "layers": layers}
        if self.built:
            config["build_input_shape"] = self.input_shape
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new stack (fresh weights) from `get_config`'s dict or Keras's."""
        layers = [deserialize_keras_object(entry, custom_objects=custom_objects, category="layers")
                  for entry in config["layers"]]
        model = cls(layers=layers, name=config.get("name"), trainable=config.get("trainable", True))
        if not model.built and config.get("build_input_shape"):
            model.build(tuple(config["build_input_shape"]))
        return model

    def count_params(self):
        if not self.built:
            raise self._not_built("weights")
        return super().count_params()

    # --- Keras 2's Sequential methods, removed in Keras 3 but called by the classic scripts ---

    def predict_proba(self, x, batch_size=32, verbose=0):
        """Keras 2's `predict_proba`: `predict`, with a warning if the outputs are not probabilities."""
        probabilities = self.predict(x, batch_size=batch_size, verbose=verbose)
        if probabilities.min() < 0.0 or probabilities.max() > 1.0:
            warnings.warn(f"Sequential '{self.name}' returns values outside [0, 1]: its last layer might not "
                          f"make probabilities (as softmax or sigmoid would).", stacklevel=2)
        return probabilities

    def predict_classes(self, x, batch_size=32, verbose=0):
        """Keras 2's `predict_classes`: the argmax of each prediction, or `> 0.5` for one sigmoid unit.

        With one output unit the classes keep its axis, shape ``(n, 1)``, as in Keras 2.

        Example:
            labels = model.predict_classes(x_test)   # same as predict(x_test).argmax(axis=-1)
        """
        probabilities = self.predict(x, batch_size=batch_size, verbose=verbose)
        if probabilities.shape[-1] > 1:
            return probabilities.argmax(axis=-1)
        return (probabilities > 0.5).astype("int32")


def _saved_state(layers):
    """Each layer's attributes (lists copied), its sub-layers' too: enough to undo a failed build."""
    saved = []
    for layer in layers:
        saved.append((layer, {key: list(value) if isinstance(value, list) else value
                              for key, value in vars(layer).items()}))
        saved += _saved_state(layer._sublayers)
    return saved


def _restore(saved):
    for layer, attributes in saved:
        vars(layer).clear()
        vars(layer).update(attributes)
