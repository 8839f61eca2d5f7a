"""Layers that wrap another layer (the Keras-2 path ``keras.layers.wrappers``)."""
from .bidirectional import Bidirectional
from .time_distributed import TimeDistributed
