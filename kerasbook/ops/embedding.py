"""Embedding lookup: rows of a matrix picked by integer indices, and its gradient.

The gradient of a lookup adds each output row's gradient into the row it came
from, and an index used twice collects both. NumPy's ``add.at`` does exactly
that but one row at a time at Python-like speed; `scatter_add_rows` gets the same
sums from a few whole-array operations instead, several times faster
(``benchmarks/recurrent_ops.py`` measures both).
"""
from ..backend.array_module import xp_of
from .function import Function


def scatter_add_rows(indices, rows, shape):
    """A zero matrix of `shape` with each of `rows` added into row ``indices[k]``.

    On a GPU, ``add.at``'s atomic adds are the fast way. On the CPU, rows are
    sorted by index so equal indices form runs; each pass adds every
    odd-placed row of a run into the row before it and drops it, halving every
    run, so after log2(longest run) passes each run is one row holding its sum.
    """
    xp = xp_of(rows)
    if xp.__name__ == "cupy":
        grad = xp.zeros(shape, dtype=rows.dtype)
        xp.add.at(grad, indices, rows)
        return grad
    order = xp.argsort(indices)
    indices, rows = indices[order], rows[order]
    while True:
        place_in_run = xp.arange(indices.size) - xp.searchsorted(indices, indices)
        odd = place_in_run % 2 == 1
        if not odd.any():
            break
        later = xp.flatnonzero(odd)
        rows[later - 1] += rows[later]
        indices, rows = indices[~odd], rows[~odd]
    grad = xp.zeros(shape, dtype=rows.dtype)
    grad[indices] = rows
    return grad


class Embedding(Function):
    """``embeddings[indices]`` for integer `indices` of any shape.

    `name` is the layer's, for the error an out-of-range index raises.
    """

    def __init__(self, name=None):
        self.name = name

    def forward(self, indices, embeddings):
        indices = xp_of(embeddings).asarray(indices)  # to the device the table is on
        self.check_range(indices, embeddings.shape[0])
        self.indices, self.shape = indices, embeddings.shape
        return embeddings[indices]

    def backward(self, g):
        rows = g.reshape(-1, self.shape[1])
        return None, scatter_add_rows(self.indices.reshape(-1), rows, self.shape)

    def check_range(self, indices, count):
        if indices.dtype.kind not in "iu":
            raise TypeError(f"{self.owner()} expected integer indices, received dtype {indices.dtype}.")
        if indices.size == 0:
            return
        low, high = int(indices.min()), int(indices.max())
        if low < 0 or high >= count:
            bad = low if low < 0 else high
            raise ValueError(f"{self.owner()} expected indices in [0, {count - 1}], received {bad}.")

    def owner(self):
        return "Embedding" if self.name is None else f"Embedding {self.name!r}"


def embedding(indices, embeddings, name=None):
    """Look up rows of `embeddings` (count, dim) at integer `indices`: shape ``indices.shape + (dim,)``.

    Example:
        vectors = ops.embedding(token_ids, embeddings)   # (batch, time) -> (batch, time, dim)
    """
    return Embedding(name)(indices, embeddings)
