"""Depthwise and separable convolutions, channels last.

A depthwise convolution gives every input channel kernels of its own
(`depth_multiplier` of them) and never mixes channels: a (kh, kw, in,
multiplier) kernel instead of a full convolution's (kh, kw, in, out). A
separable convolution follows it with a 1x1 convolution that mixes the
channels; MobileNet and Xception use the pair for much of a convolution's
effect with a fraction of its weights and multiplications.

With no sum over channels there is no patch-matrix product to hand to BLAS:
forward and backward loop over the few taps of the kernel (9 for 3x3), as
pooling loops over the offsets of its window, on the same strided view of the
padded image. Padding follows Keras/TensorFlow, as in `convolution`.
"""
from ..runtime.array_module import xp_of
from .convolution import as_pair, conv2d, padding_amounts, sliding_windows
from .function import Function


class DepthwiseConv2D(Function):
    """Each channel of (batch, h, w, in) convolved with its own (kh, kw) kernels, plus a bias.

    Output channel ``c * multiplier + m`` is input channel c convolved with
    ``kernel[:, :, c, m]``, the order Keras (and TensorFlow) use.
    """

    def __init__(self, strides=(1, 1), padding="valid", dilation_rate=(1, 1)):
        self.strides, self.dilation = as_pair(strides, "strides"), as_pair(dilation_rate, "dilation_rate")
        if padding not in ("valid", "same"):
            raise ValueError(f"depthwise_conv2d expected padding 'valid' or 'same', received {padding!r}.")
        self.padding = padding

    def forward(self, x, kernel, bias=None):
        if x.ndim != 4 or kernel.ndim != 4 or kernel.shape[2] != x.shape[3]:
            raise ValueError("depthwise_conv2d expected input (batch, h, w, in) and kernel (kh, kw, in, multiplier) "
                             f"with the same `in`, received shapes {x.shape} and {kernel.shape}.")
        xp = xp_of(x)
        self.pads = tuple(padding_amounts(x.shape[1 + a], kernel.shape[a], self.strides[a], self.padding,
                                          self.dilation[a]) for a in range(2))
        padded = xp.pad(x, ((0, 0), *self.pads, (0, 0))) if any(map(any, self.pads)) else x
        if any(padded.shape[1 + a] < (kernel.shape[a] - 1) * self.dilation[a] + 1 for a in range(2)):
            raise ValueError(f"depthwise_conv2d input of size {x.shape[1:3]} is smaller than the kernel "
                             f"{kernel.shape[:2]} with dilation {self.dilation} and padding '{self.padding}'.")
        self.x_shape, self.padded_shape, self.kernel, self.has_bias = x.shape, padded.shape, kernel, bias is not None
        self.windows = sliding_windows(padded, kernel.shape[:2], self.strides, self.dilation)
        n, out_h, out_w, _, _, channels = self.windows.shape
        y = xp.zeros((n, out_h, out_w, channels, kernel.shape[3]), dtype=xp.result_type(x.dtype, kernel.dtype))
        for i, j in self.taps():
            y += self.windows[:, :, :, i, j, :, None] * kernel[i, j]
        y = y.reshape(n, out_h, out_w, -1)
        if bias is not None:
            y += bias
        return y

    def taps(self):
        """The (row, column) of each weight in the kernel."""
        kh, kw = self.kernel.shape[:2]
        return [(i, j) for i in range(kh) for j in range(kw)]

    def backward(self, g):
        xp = xp_of(g)
        grad_bias = g.reshape(-1, g.shape[-1]).sum(axis=0) if self.has_bias else None
        g = g.reshape(*g.shape[:3], *self.kernel.shape[2:])  # (batch, out_h, out_w, in, multiplier)
        grad_kernel = xp.empty(self.kernel.shape, dtype=g.dtype)
        grad_padded = xp.zeros(self.padded_shape, dtype=g.dtype)
        grad_windows = sliding_windows(grad_padded, self.kernel.shape[:2], self.strides, self.dilation)
        for i, j in self.taps():
            grad_kernel[i, j] = xp.einsum("nhwc,nhwcm->cm", self.windows[:, :, :, i, j], g)
            grad_windows[:, :, :, i, j] += (g * self.kernel[i, j]).sum(axis=-1)
        (top, _), (left, _) = self.pads
        grad_x = grad_padded[:, top: top + self.x_shape[1], left: left + self.x_shape[2]]
        return grad_x, grad_kernel, grad_bias


def depthwise_conv2d(x, kernel, bias=None, strides=(1, 1), padding="valid", dilation_rate=(1, 1)):
    """Depthwise 2-D convolution: (batch, h, w, in) * (kh, kw, in, multiplier) -> (batch, h', w', in * multiplier).

    Example:
        y = depthwise_conv2d(images, kernel, strides=2, padding="same")
    """
    function = DepthwiseConv2D(strides, padding, dilation_rate)
    return function(x, kernel) if bias is None else function(x, kernel, bias)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, bias=None, strides=(1, 1), padding="valid",
                     dilation_rate=(1, 1)):
    """A depthwise convolution, then a 1x1 convolution (1, 1, in * multiplier, filters) that mixes its
    channels and adds the bias: Keras's separable convolution, composed from the two."""
    return conv2d(depthwise_conv2d(x, depthwise_kernel, None, strides, padding, dilation_rate), pointwise_kernel, bias)
