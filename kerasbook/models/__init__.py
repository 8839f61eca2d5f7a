"""Models: `Model` (a graph of layers), `Sequential` (a stack), and everything that trains them.

A model is a layer (from `kerasbook.engine`) that also knows how to learn:
`compile`, `fit`, `evaluate`, `predict`, the training step, saving its weights
and showing its summary. This is also the Keras-2 path ``keras.models``.
"""
from ..saving import load_model, model_from_json, save_model
from ..saving.object_registration import register_builtins
from .cloning import clone_model
from .model import Model
from .sequential import Sequential

register_builtins("models", {"Functional": Model, "Model": Model, "Sequential": Sequential})
