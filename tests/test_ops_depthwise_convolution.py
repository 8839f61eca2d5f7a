"""Depthwise and separable convolutions against direct loops, and their gradients in float64."""
import itertools

import numpy as np
import pytest

from kerasbook.ops.convolution import conv2d
from kerasbook.ops.depthwise_convolution import depthwise_conv2d, separable_conv2d
from kerasbook.ops.gradient_check import check_gradients
from test_ops_convolution import reference_conv2d

rng = np.random.default_rng(0)
CASES = list(itertools.product(["valid", "same"], [(1, 1), (2, 2), (2, 1)], [(1, 1), (2, 2), (1, 2)]))


def reference_depthwise_conv2d(x, kernel, bias, strides, padding, dilation):
    """Each channel on its own: a one-channel convolution per (channel, multiplier), output c * multiplier + m."""
    channels, multiplier = kernel.shape[2:]
    outputs = [reference_conv2d(x[..., c:c + 1], kernel[:, :, c:c + 1, m:m + 1], 0.0, strides, padding, dilation)
               for c in range(channels) for m in range(multiplier)]
    return np.concatenate(outputs, axis=-1) + bias


@pytest.mark.parametrize("padding, strides, dilation", CASES)
def test_depthwise_conv2d_matches_direct_loops_and_gradients(padding, strides, dilation):
    x = rng.standard_normal((2, 7, 6, 3))
    kernel, bias = rng.standard_normal((3, 2, 3, 2)), rng.standard_normal(6)
    y = depthwise_conv2d(x, kernel, bias, strides, padding, dilation)
    np.testing.assert_allclose(y.data, reference_depthwise_conv2d(x, kernel, bias, strides, padding, dilation),
                               atol=1e-10)
    check_gradients(lambda *a: depthwise_conv2d(*a, strides=strides, padding=padding, dilation_rate=dilation),
                    [x[:, :5, :4].copy(), kernel, bias])


def test_separable_conv2d_is_depthwise_then_pointwise():
    x = rng.standard_normal((2, 5, 6, 2))
    depthwise, pointwise, bias = rng.standard_normal((3, 3, 2, 2)), rng.standard_normal((1, 1, 4, 3)), \
        rng.standard_normal(3)
    y = separable_conv2d(x, depthwise, pointwise, bias, strides=2, padding="same")
    middle = reference_depthwise_conv2d(x, depthwise, 0.0, (2, 2), "same", (1, 1))
    np.testing.assert_allclose(y.data, conv2d(middle, pointwise, bias).data, atol=1e-10)
    check_gradients(lambda *a: separable_conv2d(*a, strides=2, padding="same"), [x, depthwise, pointwise, bias])


def test_without_bias_gradients():
    check_gradients(lambda x, k: depthwise_conv2d(x, k, padding="same"),
                    [rng.standard_normal((1, 4, 4, 2)), rng.standard_normal((2, 2, 2, 1))])


def test_errors_say_what_was_expected():
    with pytest.raises(ValueError, match=r"depthwise_conv2d expected input .* \(kh, kw, in, multiplier\).*"
                                         r"\(1, 5, 5, 3\) and \(3, 3, 2, 1\)"):
        depthwise_conv2d(np.zeros((1, 5, 5, 3)), np.zeros((3, 3, 2, 1)))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        depthwise_conv2d(np.zeros((1, 2, 5, 1)), np.zeros((3, 3, 1, 1)))
    with pytest.raises(ValueError, match="padding 'valid' or 'same'"):
        depthwise_conv2d(np.zeros((1, 5, 5, 1)), np.zeros((3, 3, 1, 1)), padding="causal")
