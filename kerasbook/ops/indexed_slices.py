"""A gradient that is zero outside a few rows: what an embedding lookup produces.

A batch of 16 sentences of 100 tokens reads at most 1,600 rows of a 10,000-word
table. Its gradient as a dense array is 10,000 rows, nearly all zeros, and an
optimizer handed that array updates every row, every step. TensorFlow passes such
gradients around as ``tf.IndexedSlices``, and so does kerasbook: ``values[k]`` is
the gradient of row ``indices[k]``; every other row's gradient is zero.

The indices here are always unique (`sum_duplicates` merges an index's rows into
one), so the rows can be written with one fancy-indexed assignment:
``array[indices] += values`` would add a repeated index only once.
"""
from ..runtime.array_module import xp_of


def sum_duplicates(indices, rows):
    """``(unique_indices, sums)``: each index once, with the sum of its rows.

    On a GPU, ``add.at``'s atomic adds are the fast way; on the CPU, NumPy's
    ``add.at`` goes one row at a time, and sorting is faster.
    """
    if xp_of(rows).__name__ == "cupy":
        return sum_by_adding_at(indices, rows)
    return sum_by_sorting(indices, rows)


def sum_by_adding_at(indices, rows):
    """Number the distinct indices, then add each row into its index's sum."""
    xp = xp_of(rows)
    unique, position = xp.unique(indices, return_inverse=True)
    sums = xp.zeros((unique.size,) + rows.shape[1:], dtype=rows.dtype)
    xp.add.at(sums, position.reshape(-1), rows)
    return unique, sums


def sum_by_sorting(indices, rows):
    """Sort the rows by index so equal indices form runs; then each pass adds every
    odd-placed row of a run into the row before it and drops it, halving every run:
    after log2(longest run) passes each run is one row holding its sum."""
    xp = xp_of(rows)
    order = xp.argsort(indices)
    indices, rows = indices[order], rows[order]
    while True:
        place_in_run = xp.arange(indices.size) - xp.searchsorted(indices, indices)
        odd = place_in_run % 2 == 1
        if not odd.any():
            return indices, rows
        later = xp.flatnonzero(odd)
        rows[later - 1] += rows[later]
        indices, rows = indices[~odd], rows[~odd]


class IndexedSlices:
    """The rows `values` of an array of shape `dense_shape` at `indices`; zero elsewhere.

    Example:
        grad = IndexedSlices(values, indices, dense_shape=(10000, 256))
        table[grad.indices] -= learning_rate * grad.values
    """

    __array_ufunc__ = None  # so ``array + slices`` comes to __radd__, not element by element

    def __init__(self, values, indices, dense_shape):
        self.values, self.indices, self.dense_shape = values, indices, tuple(dense_shape)

    @classmethod
    def from_rows(cls, rows, indices, dense_shape):
        """The slices of `rows` added into rows `indices`, repeated indices summed."""
        unique, sums = sum_duplicates(indices, rows)
        return cls(sums, unique, dense_shape)

    @property
    def shape(self):
        return self.dense_shape

    @property
    def dtype(self):
        return self.values.dtype

    def with_values(self, values):
        """The same rows holding other values (a scaled or clipped gradient, say)."""
        return IndexedSlices(values, self.indices, self.dense_shape)

    def to_dense(self):
        dense = xp_of(self.values).zeros(self.dense_shape, dtype=self.values.dtype)
        dense[self.indices] = self.values
        return dense

    def __add__(self, other):
        if isinstance(other, IndexedSlices):
            xp = xp_of(self.values)
            return IndexedSlices.from_rows(xp.concatenate([self.values, other.values]),
                                           xp.concatenate([self.indices, other.indices]), self.dense_shape)
        xp = xp_of(self.values)
        total = other.astype(xp.result_type(other.dtype, self.values.dtype), copy=True)
        total[self.indices] += self.values
        return total

    __radd__ = __add__

    def __repr__(self):
        return (f"IndexedSlices({len(self.indices)} of {self.dense_shape[0]} rows, "
                f"dense_shape={self.dense_shape}, dtype={self.values.dtype})")


def to_dense(gradient):
    """`gradient` as an array, whether it came as one or as `IndexedSlices`."""
    return gradient.to_dense() if isinstance(gradient, IndexedSlices) else gradient
