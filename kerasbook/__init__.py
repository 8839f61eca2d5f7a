"""kerasbook: a compact deep-learning library on NumPy and CuPy that speaks Keras.

The parts, each importing only the ones before it: `config` → `runtime` (NumPy
or CuPy, random numbers, names) → `ops` (differentiable primitives and the tape)
→ `engine` (symbolic tensors, nodes, `Layer`) → `layers`, `optimizers`,
`losses`, `metrics`, `callbacks`, `backend` (Keras's ``K`` functions) →
`models` (Model, Sequential, the training loop) → `widgets`, `utils`.

Example:
    import kerasbook as keras
    model = keras.Sequential([keras.layers.Dense(10, activation='softmax', input_shape=(784,))])
"""
from . import (
    activations, backend, callbacks, config, constraints, datasets, initializers, layers, losses, metrics, models,
    ops, optimizers, preprocessing, regularizers, runtime, saving, testing, utils, widgets,
)
from .engine import Input
from .models import Model, Sequential

runtime.start()  # last: the backend KERASBOOK_BACKEND names may be one `testing` registers

__version__ = "0.1.0"
