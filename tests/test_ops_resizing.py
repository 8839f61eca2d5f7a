"""Repeating and bilinear resizing against NumPy and a direct formula, and their gradients in float64."""
import numpy as np
import pytest

from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.resizing import interpolation_matrix, repeat, resize_bilinear

rng = np.random.default_rng(0)


def reference_resize_bilinear(images, size):
    """Each new pixel from the four old ones around its centre (half-pixel centres, edges held)."""
    n, h, w, channels = images.shape
    y = np.zeros((n, size[0], size[1], channels))
    for r in range(size[0]):
        for q in range(size[1]):
            row = min(max((r + 0.5) * h / size[0] - 0.5, 0), h - 1)
            col = min(max((q + 0.5) * w / size[1] - 0.5, 0), w - 1)
            top, left = int(row), int(col)
            bottom, right = min(top + 1, h - 1), min(left + 1, w - 1)
            a, b = row - top, col - left
            y[:, r, q] = ((1 - a) * (1 - b) * images[:, top, left] + (1 - a) * b * images[:, top, right]
                          + a * (1 - b) * images[:, bottom, left] + a * b * images[:, bottom, right])
    return y


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_repeat_matches_numpy_and_its_gradient_sums_the_copies(axis):
    x = rng.standard_normal((2, 3, 4))
    np.testing.assert_array_equal(repeat(x, 3, axis).data, x.repeat(3, axis=axis))
    check_gradients(lambda t: repeat(t, 3, axis), [x])


@pytest.mark.parametrize("size", [(6, 8), (9, 4), (3, 4), (5, 7)])
def test_resize_bilinear_matches_the_direct_formula(size):
    x = rng.standard_normal((2, 3, 4, 2))
    np.testing.assert_allclose(resize_bilinear(x, size).data, reference_resize_bilinear(x, size), atol=1e-12)
    check_gradients(lambda t: resize_bilinear(t, size), [x])


def test_interpolation_matrix_rows_sum_to_one():
    np.testing.assert_allclose(interpolation_matrix(3, 6).sum(axis=1), 1.0)
    np.testing.assert_allclose(interpolation_matrix(2, 4), [[1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]])
