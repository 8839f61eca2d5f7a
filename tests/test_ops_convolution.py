"""Convolutions against a direct nested-loop reference, and their gradients in float64."""
import itertools
import math

import numpy as np
import pytest

from kerasbook.backend import to_device
from kerasbook.ops import convolution
from kerasbook.ops.convolution import Conv2D, conv1d, conv2d, output_length, padding_amounts, zero_pad2d
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.tape import GradientTape
from kerasbook.ops.tensor import Tensor, Variable

rng = np.random.default_rng(0)
CASES = list(itertools.product(["valid", "same"], [(1, 1), (2, 2), (2, 1)], [(1, 1), (2, 2), (1, 2)]))
CASES_1D = list(itertools.product(["valid", "same", "causal"], [1, 2], [1, 2]))


def reference_conv2d(x, kernel, bias, strides, padding, dilation):
    """Sum over every output pixel and kernel tap, skipping taps that land in the padding."""
    n, h, w, _ = x.shape
    kh, kw, _, filters = kernel.shape
    span_h, span_w = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    if padding == "same":  # TensorFlow: ceil(size / stride) outputs, the odd padding pixel after
        out_h, out_w = math.ceil(h / strides[0]), math.ceil(w / strides[1])
        top = max((out_h - 1) * strides[0] + span_h - h, 0) // 2
        left = max((out_w - 1) * strides[1] + span_w - w, 0) // 2
    else:
        out_h, out_w = (h - span_h) // strides[0] + 1, (w - span_w) // strides[1] + 1
        top = left = 0
    y = np.zeros((n, out_h, out_w, filters)) + bias
    for r in range(out_h):
        for q in range(out_w):
            for i in range(kh):
                for j in range(kw):
                    row = r * strides[0] + i * dilation[0] - top
                    col = q * strides[1] + j * dilation[1] - left
                    if 0 <= row < h and 0 <= col < w:
                        y[:, r, q] += x[:, row, col] @ kernel[i, j]
    return y


@pytest.mark.parametrize("padding, strides, dilation", CASES)
def test_conv2d_matches_direct_loops(padding, strides, dilation):
    x = rng.standard_normal((2, 9, 8, 3))
    kernel, bias = rng.standard_normal((3, 2, 3, 4)), rng.standard_normal(4)
    y = conv2d(x, kernel, bias, strides, padding, dilation)
    np.testing.assert_allclose(y.data, reference_conv2d(x, kernel, bias, strides, padding, dilation), atol=1e-10)


@pytest.mark.parametrize("padding, strides, dilation", CASES)
def test_conv2d_gradients(padding, strides, dilation):
    x = rng.standard_normal((2, 5, 7, 2))
    kernel, bias = rng.standard_normal((3, 2, 2, 3)), rng.standard_normal(3)
    check_gradients(lambda *a: conv2d(*a, strides=strides, padding=padding, dilation_rate=dilation),
                    [x, kernel, bias])


def test_conv2d_without_bias_gradients():
    check_gradients(lambda x, k: conv2d(x, k, padding="same"),
                    [rng.standard_normal((1, 4, 4, 2)), rng.standard_normal((2, 2, 2, 3))])


@pytest.mark.parametrize("padding, stride, dilation", CASES_1D)
def test_conv1d_matches_direct_loops_and_gradients(padding, stride, dilation):
    x = rng.standard_normal((2, 11, 3))
    kernel, bias = rng.standard_normal((3, 3, 4)), rng.standard_normal(4)
    y = conv1d(x, kernel, bias, stride, padding, dilation)
    if padding == "causal":  # zeros before only, then a valid convolution
        padded, reference_padding = np.pad(x, ((0, 0), (2 * dilation, 0), (0, 0))), "valid"
    else:
        padded, reference_padding = x, padding
    expected = reference_conv2d(padded[:, None], kernel[None], bias, (1, stride), reference_padding, (1, dilation))
    np.testing.assert_allclose(y.data, expected[:, 0], atol=1e-10)
    check_gradients(lambda *a: conv1d(*a, strides=stride, padding=padding, dilation_rate=dilation),
                    [x, kernel, bias])


def test_same_padding_puts_the_odd_pixel_after():
    assert padding_amounts(6, 3, 2, "same") == (0, 1)
    assert padding_amounts(5, 3, 2, "same") == (1, 1)
    assert padding_amounts(4, 2, 1, "same") == (0, 1)
    assert padding_amounts(7, 3, 1, "same", dilation=2) == (2, 2)
    assert padding_amounts(5, 3, 1, "causal", dilation=2) == (4, 0)
    assert [output_length(100, 3, 1, "valid"), output_length(7, 3, 2, "same"), output_length(None, 3, 1, "valid")] \
        == [98, 4, None]


def test_float32_stays_float32():
    x = Tensor(to_device(rng.standard_normal((2, 6, 6, 3)), dtype="float32"), requires_grad=True)
    kernel = Variable(rng.standard_normal((3, 3, 3, 5)), dtype="float32")
    bias = Variable(np.zeros(5), dtype="float32")
    with GradientTape() as tape:
        y = conv2d(x, kernel, bias, padding="same")
        loss = (y * y).sum()
    assert y.dtype == np.float32
    assert [g.dtype for g in tape.gradient(loss, [x, kernel, bias])] == [np.float32] * 3


def test_processing_the_batch_in_pieces_changes_nothing(monkeypatch):
    x = rng.standard_normal((5, 6, 6, 2))
    kernel, bias = rng.standard_normal((3, 3, 2, 3)), rng.standard_normal(3)
    whole = check_gradients(lambda *a: conv2d(*a, strides=2, padding="same"), [x, kernel, bias])
    # 54 patch values per output row, 3 rows per image: 2 images per piece (the last piece 1),
    # 1 image per piece, and blocks of 2 output rows of one image (the last block 1 row).
    for budget in (324, 162, 108):
        monkeypatch.setattr(convolution, "_PATCH_VALUES_PER_PIECE", {"cpu": budget, "gpu": budget})
        pieces = check_gradients(lambda *a: conv2d(*a, strides=2, padding="same"), [x, kernel, bias])
        for a, b in zip(whole, pieces):
            np.testing.assert_allclose(a, b, atol=1e-12)


def test_only_the_gradients_needed_are_computed():
    """The first layer's input is data: its gradient would cost a whole extra convolution."""
    data, kernel = Tensor(to_device(rng.standard_normal((1, 4, 4, 2)))), Variable(rng.standard_normal((3, 3, 2, 2)))
    function = Conv2D()
    with GradientTape():
        y = function(data, kernel)
    grad_x, grad_kernel = function.backward(y.data * 0 + 1)[:2]
    assert grad_x is None and grad_kernel.shape == (3, 3, 2, 2)


def test_zero_pad2d_and_its_gradient():
    x = rng.standard_normal((2, 3, 4, 2))
    y = zero_pad2d(x, ((1, 2), (0, 3)))
    np.testing.assert_array_equal(y.data, np.pad(x, ((0, 0), (1, 2), (0, 3), (0, 0))))
    check_gradients(lambda t: zero_pad2d(t, ((1, 2), (0, 3))), [x])


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match=r"expected input \(batch, h, w, in\).*\(2, 5, 3\)"):
        conv2d(np.zeros((2, 5, 3)), np.zeros((3, 3, 3, 4)))
    with pytest.raises(ValueError, match=r"conv1d expected input \(batch, steps, in\).*\(2, 5, 5, 3\)"):
        conv1d(np.zeros((2, 5, 5, 3)), np.zeros((3, 3, 4)))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        conv2d(np.zeros((1, 2, 5, 1)), np.zeros((3, 3, 1, 1)))
    with pytest.raises(ValueError, match="padding 'valid' or 'same'"):
        conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="causal")
