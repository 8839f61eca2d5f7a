"""Pooling against direct loops over windows, and its gradients in float64."""
import itertools
import math

import numpy as np
import pytest

from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.pooling import (
    average_pool1d, average_pool2d, global_average_pool, global_max_pool, max_pool1d, max_pool2d,
)
from kerasbook.ops.tape import GradientTape
from kerasbook.ops.tensor import Tensor

rng = np.random.default_rng(0)
CASES = list(itertools.product(["valid", "same"], [(2, 2), (3, 2), (3, 3)], [None, (1, 1), (2, 1)]))
CASES_1D = list(itertools.product(["valid", "same"], [2, 3], [None, 1, 2]))
POOLS = {"max": (max_pool2d, np.max), "average": (average_pool2d, np.mean)}


def reference_pool2d(x, pool, strides, padding, reduce):
    """Reduce the real pixels of each window; padding pixels take no part (TensorFlow's rule)."""
    n, h, w, channels = x.shape
    strides = strides or pool
    if padding == "same":
        out_h, out_w = math.ceil(h / strides[0]), math.ceil(w / strides[1])
        top = max((out_h - 1) * strides[0] + pool[0] - h, 0) // 2
        left = max((out_w - 1) * strides[1] + pool[1] - w, 0) // 2
    else:
        out_h, out_w = (h - pool[0]) // strides[0] + 1, (w - pool[1]) // strides[1] + 1
        top = left = 0
    y = np.zeros((n, out_h, out_w, channels))
    for r in range(out_h):
        for q in range(out_w):
            rows = [r * strides[0] + i - top for i in range(pool[0]) if 0 <= r * strides[0] + i - top < h]
            cols = [q * strides[1] + j - left for j in range(pool[1]) if 0 <= q * strides[1] + j - left < w]
            y[:, r, q] = reduce(x[:, rows][:, :, cols], axis=(1, 2))
    return y


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("padding, pool, strides", CASES)
def test_pool2d_matches_direct_loops_and_gradients(kind, padding, pool, strides):
    pool2d, reduce = POOLS[kind]
    x = rng.standard_normal((2, 7, 6, 3))
    y = pool2d(x, pool, strides, padding)
    np.testing.assert_allclose(y.data, reference_pool2d(x, pool, strides, padding, reduce), atol=1e-12)
    check_gradients(lambda t: pool2d(t, pool, strides, padding), [x])


@pytest.mark.parametrize("kind", POOLS)
@pytest.mark.parametrize("padding, pool, stride", CASES_1D)
def test_pool1d_matches_direct_loops_and_gradients(kind, padding, pool, stride):
    pool2d, reduce = POOLS[kind]
    pool1d = {"max": max_pool1d, "average": average_pool1d}[kind]
    x = rng.standard_normal((2, 9, 3))
    y = pool1d(x, pool, stride, padding)
    expected = reference_pool2d(x[:, None], (1, pool), stride and (1, stride), padding, reduce)[:, 0]
    np.testing.assert_allclose(y.data, expected, atol=1e-12)
    check_gradients(lambda t: pool1d(t, pool, stride, padding), [x])


def test_max_pool_sends_a_tie_to_the_first_maximum_only():
    x = Tensor(np.array([[1.0, 5.0], [5.0, 0.0]]).reshape(1, 2, 2, 1), requires_grad=True)
    with GradientTape() as tape:
        y = max_pool2d(x, (2, 2))
    (grad,) = tape.gradient(y, [x])
    np.testing.assert_array_equal(grad.reshape(2, 2), [[0.0, 1.0], [0.0, 0.0]])


def test_average_pool_same_leaves_padding_out_of_the_count():
    x = np.ones((1, 3, 3, 1))
    np.testing.assert_array_equal(average_pool2d(x, (2, 2), padding="same").data, np.ones((1, 2, 2, 1)))


def test_overlapping_windows_add_their_gradients():
    x = rng.standard_normal((1, 5, 5, 2))
    check_gradients(lambda t: max_pool2d(t, (3, 3), (1, 1), "same"), [x])
    check_gradients(lambda t: average_pool2d(t, (3, 3), (1, 1), "same"), [x])


@pytest.mark.parametrize("shape", [(2, 5, 3), (2, 4, 5, 3)])
def test_global_pooling_reduces_every_step_or_pixel(shape):
    x = rng.standard_normal(shape)
    axes = tuple(range(1, len(shape) - 1))
    np.testing.assert_allclose(global_max_pool(x).data, x.max(axis=axes))
    np.testing.assert_allclose(global_average_pool(x).data, x.mean(axis=axes))
    assert global_average_pool(x, keepdims=True).shape == x.mean(axis=axes, keepdims=True).shape
    check_gradients(global_max_pool, [x])
    check_gradients(global_average_pool, [x])


def test_float32_stays_float32_and_integer_pixels_become_floats():
    x = rng.standard_normal((2, 6, 6, 3)).astype(np.float32)
    assert max_pool2d(x, padding="same").dtype == np.float32
    assert average_pool2d(x, padding="same").dtype == np.float32
    pixels = np.array([[3, 200], [0, 7]], dtype=np.uint8).reshape(1, 2, 2, 1)
    assert max_pool2d(pixels, (3, 3), padding="same").numpy().ravel().tolist() == [200.0]
    assert average_pool2d(pixels, padding="same").dtype == np.float32


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match="padding 'valid' or 'same'"):
        max_pool2d(np.zeros((1, 4, 4, 1)), padding="full")
    with pytest.raises(ValueError, match=r"MaxPool2D expected input \(batch, h, w, channels\).*\(4, 4, 1\)"):
        max_pool2d(np.zeros((4, 4, 1)))
    with pytest.raises(ValueError, match=r"1-D pooling expected input \(batch, steps, channels\)"):
        average_pool1d(np.zeros((1, 4, 4, 1)))
    with pytest.raises(ValueError, match="smaller than the pool"):
        average_pool2d(np.zeros((1, 1, 4, 1)), (2, 2))
