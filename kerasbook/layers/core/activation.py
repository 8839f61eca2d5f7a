"""`Activation`: apply an activation function as a layer of its own."""
from ... import activations
from ...engine.layer import Layer


class Activation(Layer):
    """Example: ``model.add(Activation('relu'))``."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
