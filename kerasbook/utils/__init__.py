"""Helpers users reach for: ``to_categorical``, ``pad_sequences``, ``set_random_seed``, ``plot_model``, ``Sequence``."""
from ..runtime.random import set_random_seed
from .numerical_utils import to_categorical
from .plot_model import plot_model
from .sequence import pad_sequences
from ..models.generator_adapter import Sequence
