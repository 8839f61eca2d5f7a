"""The embedding op: lookups, its row-sparse gradient against np.add.at, range errors."""
import numpy as np
import pytest

from kerasbook.ops.embedding import embedding
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.indexed_slices import IndexedSlices, sum_by_adding_at, sum_by_sorting
from kerasbook.ops.tape import GradientTape
from kerasbook.ops.tensor import Tensor


def test_lookup_of_any_index_shape():
    table = np.arange(12.0).reshape(4, 3)
    for indices in [np.array(2), np.array([3, 0]), np.array([[1, 1, 2], [0, 3, 3]])]:
        result = embedding(indices, table)
        assert result.shape == indices.shape + (3,)
        np.testing.assert_array_equal(result.numpy(), table[indices])


@pytest.mark.parametrize("runs", [[1], [1, 2, 3, 4, 5, 8, 37], [64], [2] * 10])
def test_summed_rows_match_add_at_with_each_index_once(runs):
    rng = np.random.default_rng(len(runs))
    indices = rng.permutation(np.repeat(rng.choice(100, size=len(runs), replace=False), runs))
    rows = rng.normal(size=(indices.size, 6))
    expected = np.zeros((100, 6))
    np.add.at(expected, indices, rows)
    slices = IndexedSlices.from_rows(rows.copy(), indices, (100, 6))
    assert np.unique(slices.indices).size == slices.indices.size == len(runs)
    np.testing.assert_allclose(slices.to_dense(), expected, rtol=1e-12)


@pytest.mark.parametrize("sum_rows", [sum_by_sorting, sum_by_adding_at], ids=["cpu", "gpu"])
def test_both_ways_of_summing_rows_agree_with_add_at(sum_rows):
    rng = np.random.default_rng(9)
    indices = rng.integers(0, 20, size=50)
    rows = rng.normal(size=(50, 3))
    unique, sums = sum_rows(indices, rows.copy())
    expected = np.zeros((20, 3))
    np.add.at(expected, indices, rows)
    np.testing.assert_array_equal(unique, np.unique(indices))
    np.testing.assert_allclose(sums, expected[unique], rtol=1e-12)


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
    assert isinstance(grad, IndexedSlices) and grad.dtype == np.float32
    np.testing.assert_array_equal(sorted(grad.indices), [1, 4])
    np.testing.assert_array_equal(grad.to_dense()[:, 0], [0, 2, 0, 0, 1, 0])


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
    np.testing.assert_array_equal(tape.gradient(loss, [table])[0].to_dense(), np.zeros((3, 2)))


def test_two_lookups_of_one_table_give_one_set_of_summed_rows():
    table = Tensor(np.arange(10.0).reshape(5, 2), requires_grad=True)
    with GradientTape() as tape:
        loss = embedding(np.array([0, 3]), table).sum() + 2 * embedding(np.array([3, 4, 4]), table).sum()
    (grad,) = tape.gradient(loss, [table])
    assert isinstance(grad, IndexedSlices)
    assert sorted(grad.indices) == [0, 3, 4]
    np.testing.assert_array_equal(grad.to_dense()[:, 0], [1, 0, 0, 3, 4])


def test_a_table_also_used_densely_gets_a_dense_gradient():
    table = Tensor(np.ones((4, 2)), requires_grad=True)
    with GradientTape() as tape:
        loss = embedding(np.array([1, 1]), table).sum() + (table * 3).sum()
    (grad,) = tape.gradient(loss, [table])
    assert isinstance(grad, np.ndarray)
    np.testing.assert_array_equal(grad[:, 0], [3, 5, 3, 3])


def test_a_table_computed_by_an_op_passes_a_dense_gradient_back():
    rng = np.random.default_rng(1)
    indices = rng.integers(0, 4, size=(2, 5))
    check_gradients(lambda t: embedding(indices, t * t), [rng.normal(size=(4, 3))])
