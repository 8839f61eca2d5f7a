"""`TimeDistributed`: apply one layer (or model) to every timestep of a sequence.

The time axis is folded into the batch axis, the wrapped layer runs once on
the big batch, and the result is unfolded: one call, the same weights for
every step.
"""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops import math as ops
from ...saving.serialization_lib import deserialize_keras_object, serialize_keras_object


class TimeDistributed(Layer):
    """Example: ``TimeDistributed(Dense(8), input_shape=(10, 16))`` maps (batch, 10, 16) to (batch, 10, 8)."""

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(layer, Layer):
            raise TypeError(f"TimeDistributed '{self.name}' wraps a layer or a model; received {layer!r}.")
        self.layer = layer
        self.input_spec = InputSpec(min_ndim=3)

    @staticmethod
    def _step_shape(input_shape):
        return (input_shape[0],) + tuple(input_shape[2:])

    def build(self, input_shape):
        self.layer._check_and_build(self._step_shape(input_shape))

    def call(self, inputs, training=False):
        batch, steps = inputs.shape[:2]
        folded = ops.reshape(inputs, (batch * steps,) + tuple(inputs.shape[2:]))
        outputs = self.layer(folded, training=training)
        return ops.reshape(outputs, (batch, steps) + tuple(outputs.shape[1:]))

    def compute_output_shape(self, input_shape):
        step_output = self.layer.compute_output_shape(self._step_shape(input_shape))
        return (input_shape[0], input_shape[1]) + tuple(step_output[1:])

    def get_config(self):
        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        layer = deserialize_keras_object(config["layer"], custom_objects=custom_objects, category="layers")
        return super().from_config({**config, "layer": layer})
