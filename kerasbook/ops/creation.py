"""Arrays made from numbers, not from other tensors (no gradient flows into them), and a tensor's shape.

Keras 3's ``ops.arange`` and ``ops.shape``, so a layer written with them runs as
written, e.g. the position indices of a Transformer's position embedding::

    positions = ops.arange(start=0, stop=ops.shape(x)[-1], step=1)
"""
from ..runtime.array_module import xp
from .tensor import Tensor


def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced numbers in [start, stop), as Keras's: int32 for integer arguments, else float32."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        dtype = "int32" if all(isinstance(n, int) for n in (start, stop, step)) else "float32"
    return Tensor(xp().arange(start, stop, step, dtype=dtype))


def shape(x):
    """The shape as a tuple of ints (None for a symbolic tensor's unknown sizes)."""
    return tuple(x.shape)
