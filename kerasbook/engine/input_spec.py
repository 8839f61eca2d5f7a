"""What a layer accepts, checked on every call so mistakes surface with the layer's name."""


class InputSpec:
    """Expected rank (`ndim`, `min_ndim`, `max_ndim`) and fixed axis sizes (`axes={-1: 784}`)."""

    def __init__(self, ndim=None, min_ndim=None, max_ndim=None, axes=None, dtype=None):
        self.ndim, self.min_ndim, self.max_ndim = ndim, min_ndim, max_ndim
        self.axes = axes or {}
        self.dtype = dtype


def check_input_compatibility(layer, specs, shapes):
    """Raise a ValueError naming `layer` if an input shape breaks its spec."""
    for index, (spec, shape) in enumerate(zip(specs, shapes)):
        if spec is None:
            continue
        prefix = f"Input {index} of layer '{layer.name}' is incompatible with the layer:"
        rank = len(shape)
        if spec.ndim is not None and rank != spec.ndim:
            raise ValueError(f"{prefix} expected ndim={spec.ndim}, found ndim={rank}. Full shape received: {shape}")
        if spec.min_ndim is not None and rank < spec.min_ndim:
            raise ValueError(f"{prefix} expected min_ndim={spec.min_ndim}, found ndim={rank}. "
                             f"Full shape received: {shape}")
        if spec.max_ndim is not None and rank > spec.max_ndim:
            raise ValueError(f"{prefix} expected max_ndim={spec.max_ndim}, found ndim={rank}. "
                             f"Full shape received: {shape}")
        for axis, size in spec.axes.items():
            actual = shape[axis] if -rank <= axis < rank else None
            if size is not None and actual is not None and actual != size:
                raise ValueError(f"{prefix} expected axis {axis} of input shape to have value {size}, "
                                 f"but received input with shape {shape}")


def shapes_compatible(expected, received):
    """Same rank, and every axis the same size where both know it (None is any size)."""
    return len(expected) == len(received) and all(
        e is None or r is None or e == r for e, r in zip(expected, received))
