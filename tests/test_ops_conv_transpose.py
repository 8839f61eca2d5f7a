"""Transposed convolutions against a direct scatter loop, the adjoint of conv2d, and their gradients in float64."""
import itertools

import numpy as np
import pytest

from kerasbook.backend import to_device
from kerasbook.ops.convolution import (
    Conv2DTranspose, conv1d_transpose, conv2d, conv2d_transpose, padding_amounts, transpose_output_length,
    transpose_padding_amounts,
)
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.tape import GradientTape
from kerasbook.ops.tensor import Tensor, Variable

rng = np.random.default_rng(0)
# (padding, strides, output_padding, dilation); strides > 1 with dilation > 1 is refused by Keras's layers
CASES = [(p, s, op, (1, 1)) for p, s, op in itertools.product(
    ["valid", "same"], [(1, 1), (2, 2), (3, 2)], [None, (0, 0), (1, 1)]) if op is None or max(op) < min(s)]
CASES += [("valid", (1, 1), None, (2, 2)), ("same", (1, 1), None, (2, 1)), ("same", (1, 1), (0, 0), (1, 3))]


def keras_lead(span, stride, padding, output_padding):
    """Zeros before the spread input, as Keras 3 writes it (backend_utils, the JAX conversion)."""
    if padding == "valid":
        return span - 1
    pad_len = stride + span - 2 if output_padding is None else span + span % 2 - 2 + output_padding
    return min(pad_len // 2 + pad_len % 2, span - 1)


def keras_length(size, span, stride, padding, output_padding):
    """Keras 3's output length (_get_output_shape_given_tf_padding)."""
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (size - 1) * stride + span + extra
    return size * stride if output_padding is None else (size - 1) * stride + span % 2 + output_padding


def reference_conv2d_transpose(x, kernel, bias, strides, padding, output_padding, dilation):
    """Every input pixel adds its value times the kernel into the output, tap by tap (a scatter)."""
    n, h, w, _ = x.shape
    kh, kw, filters, _ = kernel.shape
    spans = [(kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1]
    ops = output_padding or (None, None)
    size = [keras_length(x.shape[1 + a], spans[a], strides[a], padding, ops[a]) for a in range(2)]
    # the full scatter starts span - 1 - lead pixels before the output's first pixel
    offset = [spans[a] - 1 - keras_lead(spans[a], strides[a], padding, ops[a]) for a in range(2)]
    y = np.zeros((n, size[0], size[1], filters)) + bias
    for r in range(h):
        for q in range(w):
            for i in range(kh):
                for j in range(kw):
                    row = r * strides[0] + i * dilation[0] - offset[0]
                    col = q * strides[1] + j * dilation[1] - offset[1]
                    if 0 <= row < size[0] and 0 <= col < size[1]:
                        y[:, row, col] += x[:, r, q] @ kernel[i, j].T
    return y


@pytest.mark.parametrize("padding, strides, output_padding, dilation", CASES)
def test_conv2d_transpose_matches_a_direct_scatter(padding, strides, output_padding, dilation):
    x = rng.standard_normal((2, 4, 3, 3))
    kernel, bias = rng.standard_normal((3, 2, 4, 3)), rng.standard_normal(4)
    y = conv2d_transpose(x, kernel, bias, strides, padding, output_padding, dilation)
    expected = reference_conv2d_transpose(x, kernel, bias, strides, padding, output_padding, dilation)
    np.testing.assert_allclose(y.data, expected, atol=1e-10)


@pytest.mark.parametrize("padding, strides, output_padding, dilation", CASES)
def test_conv2d_transpose_gradients(padding, strides, output_padding, dilation):
    x = rng.standard_normal((2, 3, 2, 2))
    kernel, bias = rng.standard_normal((2, 3, 3, 2)), rng.standard_normal(3)
    check_gradients(lambda *a: conv2d_transpose(*a, strides=strides, padding=padding, output_padding=output_padding,
                                                dilation_rate=dilation), [x, kernel, bias])


def test_it_is_the_adjoint_of_the_convolution():
    """<conv_transpose(x), z> == <x, conv(z)>: the transposed convolution is conv2d's input gradient."""
    x, kernel = rng.standard_normal((2, 4, 5, 3)), rng.standard_normal((3, 3, 2, 3))
    y = conv2d_transpose(x, kernel, strides=2, padding="same").data
    z = rng.standard_normal(y.shape)
    np.testing.assert_allclose((y * z).sum(), (x * conv2d(z, kernel, strides=2, padding="same").data).sum())


@pytest.mark.parametrize("padding, stride, output_padding, dilation",
                         [("valid", 1, None, 1), ("same", 2, None, 1), ("valid", 3, 1, 1), ("same", 2, 1, 1),
                          ("same", 1, None, 2)])
def test_conv1d_transpose_is_a_one_pixel_tall_2d_one(padding, stride, output_padding, dilation):
    x, kernel, bias = rng.standard_normal((2, 5, 3)), rng.standard_normal((3, 4, 3)), rng.standard_normal(4)
    y = conv1d_transpose(x, kernel, bias, stride, padding, output_padding, dilation)
    expected = reference_conv2d_transpose(x[:, None], kernel[None], bias, (1, stride), padding,
                                          None if output_padding is None else (0, output_padding), (1, dilation))
    np.testing.assert_allclose(y.data, expected[:, 0], atol=1e-10)
    check_gradients(lambda *a: conv1d_transpose(*a, strides=stride, padding=padding, output_padding=output_padding,
                                                dilation_rate=dilation), [x, kernel, bias])


def test_output_lengths_and_paddings():
    assert [transpose_output_length(7, 3, 2, "same"), transpose_output_length(7, 3, 2, "valid"),
            transpose_output_length(7, 1, 3, "valid"), transpose_output_length(7, 3, 2, "same", 0),
            transpose_output_length(None, 3, 2, "same")] == [14, 15, 21, 13, None]
    # with no output_padding, 'same' reverses conv2d's 'same' padding of the output
    assert transpose_padding_amounts(3, 2, "same") == padding_amounts(14, 3, 2, "same") == (0, 1)
    assert transpose_padding_amounts(2, 3, "valid", 2) == (0, -2)  # the convolution never reads the last two


def test_float32_stays_float32_and_only_needed_gradients_are_computed():
    x = Tensor(to_device(rng.standard_normal((2, 3, 3, 2)), dtype="float32"))
    kernel = Variable(rng.standard_normal((3, 3, 4, 2)), dtype="float32")
    function = Conv2DTranspose(strides=2, padding="same")
    with GradientTape() as tape:
        y = function(x, kernel)
        loss = (y * y).sum()
    assert y.dtype == np.float32 and tape.gradient(loss, [kernel])[0].dtype == np.float32
    grad_x, grad_kernel, _ = function.backward(y.data)
    assert grad_x is None and grad_kernel.shape == (3, 3, 4, 2)


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match=r"conv2d_transpose expected input .* kernel \(kh, kw, filters, in\)"):
        conv2d_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 2, 4)))
    with pytest.raises(ValueError, match=r"conv1d_transpose expected input \(batch, steps, in\)"):
        conv1d_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match=r"output_padding smaller than strides \(2, 2\).*received 2"):
        conv2d_transpose(np.zeros((1, 3, 3, 2)), np.zeros((3, 3, 2, 2)), strides=2, output_padding=2)
    with pytest.raises(ValueError, match="would be empty"):
        conv2d_transpose(np.zeros((1, 1, 1, 1)), np.zeros((2, 2, 1, 1)), padding="same", output_padding=0)
    with pytest.raises(ValueError, match="padding 'valid' or 'same'"):
        conv2d_transpose(np.zeros((1, 3, 3, 1)), np.zeros((3, 3, 1, 1)), padding="causal")
