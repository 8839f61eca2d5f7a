"""Find a computation's output shape by running it on placeholder arrays (Keras 3's `compute_output_spec`).

A subclassed layer that does not write `compute_output_shape`, and every
operation on symbolic tensors (``x * 2``, ``K.mean(x)``), learns its output
shape this way: run the computation on small arrays of ones, once with every
unknown size (None) set to 2 and once set to 3. An output axis whose size
changes with them is unknown (None) too.
"""
import numpy

from ..config import floatx
from ..ops.tape import stop_recording
from ..ops.tensor import Tensor
from ..runtime.array_module import xp
from .keras_tensor import flatten


def infer_output(call, input_shape, dtypes, who):
    """(output shape, dtype) of `call` on inputs of `input_shape` (a shape or a list of them; None: unknown size).

    Runs `call` on arrays of ones twice, unknown sizes set to 2 and then to 3;
    an output size that differs between the runs is unknown. A call that returns
    a list gives a list of shapes.
    """
    single = not isinstance(input_shape, list)
    shapes = [input_shape] if single else input_shape
    dtypes = dtypes or [None] * len(shapes)
    outputs = []
    for size in (2, 3):
        inputs = [Tensor(xp().ones(tuple(size if d is None else d for d in shape), dtype=dtype or floatx()))
                  for shape, dtype in zip(shapes, dtypes)]
        try:
            with stop_recording(), numpy.errstate(all="ignore"):
                outputs.append(call(inputs[0] if single else inputs))
        except Exception as error:
            raise ValueError(f"{who} cannot be applied to inputs of shape {_shapes_text(shapes)}: "
                             f"{type(error).__name__}: {error}") from error
    first, second = [flatten(output) for output in outputs]
    output_shapes = [_known_sizes(who, a, b) for a, b in zip(first, second)]
    dtype = str(getattr(first[0], "dtype", floatx()))
    return (output_shapes if isinstance(outputs[0], (list, tuple)) else output_shapes[0]), dtype


def _known_sizes(who, a, b):
    a, b = tuple(getattr(a, "shape", ())), tuple(getattr(b, "shape", ()))
    if len(a) != len(b):
        raise ValueError(f"{who}: the rank of its output depends on the batch size ({a} and {b}); "
                         f"kerasbook cannot build a graph over it.")
    return tuple(x if x == y else None for x, y in zip(a, b))


def _shapes_text(shapes):
    return ", ".join(str(tuple(shape)) for shape in shapes)
