"""Embedding lookup: rows of a matrix picked by integer indices, and its gradient.

The gradient of a lookup adds each output row's gradient into the row it came
from, and an index used twice collects both. It is returned as `IndexedSlices`:
only the rows the batch used, so an optimizer can leave the rest of a large
table alone (``benchmarks/recurrent_ops.py`` measures the sums against NumPy's
``add.at``).
"""
from ..runtime.array_module import xp_of
from .function import Function
from .indexed_slices import IndexedSlices


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
        return None, IndexedSlices.from_rows(rows, self.indices.reshape(-1), self.shape)

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
