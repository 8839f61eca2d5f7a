"""The axes a layer works along, checked against the input's shape once, when it builds."""


def canonical_axes(layer, axes, input_shape, sizes_known=False):
    """`axes` as sorted non-negative positions in `input_shape`, refusing any out of range or repeated
    (and, with `sizes_known`, any of unknown size: a weight's shape must be known)."""
    rank = len(input_shape)
    shape = tuple(input_shape)
    for axis in axes:
        if not isinstance(axis, int) or not -rank <= axis < rank:
            raise ValueError(f"{type(layer).__name__} '{layer.name}' expected axis in [{-rank}, {rank}) for input "
                             f"shape {shape}, received axis={layer.axis!r}.")
    canonical = sorted(axis % rank for axis in axes)
    if len(set(canonical)) != len(canonical):
        raise ValueError(f"{type(layer).__name__} '{layer.name}' expected distinct axes, received axis={layer.axis!r}.")
    for axis in canonical if sizes_known else []:
        if input_shape[axis] is None:
            raise ValueError(f"{type(layer).__name__} '{layer.name}' needs the size of axis {axis} to be known, "
                             f"received input shape {shape}.")
    return canonical


def broadcast_shape(input_shape, axes):
    """The shape that lines a weight over `axes` up with the input: 1 everywhere else."""
    return tuple(input_shape[axis] if axis in axes else 1 for axis in range(len(input_shape)))
