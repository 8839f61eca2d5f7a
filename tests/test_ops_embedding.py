"""The embedding op: lookups, the scatter-add gradient against np.add.at, range errors."""
import numpy as np
import pytest

from kerasbook.ops.embedding import embedding, scatter_add_rows
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.tape import GradientTape
from kerasbook.ops.tensor import Tensor


def test_lookup_of_any_index_shape():
    table = np.arange(12.0).reshape(4, 3)
    for indices in [np.array(2), np.array([3, 0]), np.array([[1, 1, 2], [0, 3, 3]])]:
        result = embedding(indices, table)
        assert result.shape == indices.shape + (3,)
        np.testing.assert_array_equal(result.numpy(), table[indices])


@pytest.mark.parametrize("runs", [[1], [1, 2, 3, 4, 5, 8, 37], [64], [2] * 10])
def test_scatter_add_matches_add_at(runs):
    rng = np.random.default_rng(len(runs))
    indices = rng.permutation(np.repeat(rng.choice(100, size=len(runs), replace=False), runs))
    rows = rng.normal(size=(indices.size, 6))
    expected = np.zeros((100, 6))
    np.add.at(expected, indices, rows)
    np.testing.assert_allclose(scatter_add_rows(indices, rows.copy(), (100, 6)), expected, rtol=1e-12)


def test_gradient_adds_repeated_indices():
    rng = np.random.default_rng(0)
    indices = rng.integers(0, 5, size=(3, 7))
    table = rng.normal(size=(5, 4))
    check_gradients(lambda t: embedding(indices, t), [table])


def test_gradient_leaves_unused_rows_zero_and_float32_stays_float32():
    table = Tensor(np.ones((6, 2), dtype="float32"), requires_grad=True)
    with GradientTape() as tape:
        loss = embedding(np.array([[1, 4, 1]]), table).sum()
    (grad,) = tape.gradient(loss, [table])
    assert grad.dtype == np.float32
    np.testing.assert_array_equal(grad[:, 0], [0, 2, 0, 0, 1, 0])


@pytest.mark.parametrize("bad", [10, -1])
def test_out_of_range_index_names_range_and_value(bad):
    with pytest.raises(ValueError, match=rf"Embedding 'words' expected indices in \[0, 9\], received {bad}\."):
        embedding(np.array([[0, bad, 3]]), np.zeros((10, 2)), name="words")


def test_float_indices_are_refused():
    with pytest.raises(TypeError, match="integer indices"):
        embedding(np.array([0.0, 1.0]), np.zeros((3, 2)))


def test_no_indices_gives_empty_result_and_zero_gradient():
    table = Tensor(np.ones((3, 2)), requires_grad=True)
    with GradientTape() as tape:
        result = embedding(np.zeros((2, 0), dtype=int), table)
        loss = result.sum()
    assert result.shape == (2, 0, 2)
    np.testing.assert_array_equal(tape.gradient(loss, [table])[0], np.zeros((3, 2)))
