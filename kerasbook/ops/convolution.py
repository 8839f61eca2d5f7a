"""Convolutions as matrix products, channels last.

A convolution slides a small kernel over an image and takes a dot product at
every position. Gathering the pixels under the kernel at every position into
the rows of one matrix ("im2col") turns the whole convolution into a single
matrix product that BLAS runs at full speed:

    patches (positions, kh * kw * in)  @  kernel (kh * kw * in, out)

The patch matrix repeats every pixel kh * kw times, so it is built a piece at a
time (a few images, or a few output rows of one large image): each piece stays
in the CPU's cache while the product reads it, and memory stays small.

The gradients are matrix products too: the kernel's is ``patches.T @ grad``,
and the input's is another convolution, of the output gradient with the kernel
flipped (a "transposed convolution"). Run forward, that same computation is the
op of Conv2DTranspose, a learnable upsampling, whose own backward is in turn a
convolution's forward pass.

Padding follows Keras/TensorFlow: 'valid' adds none; 'same' adds just enough
that the output has ``ceil(size / stride)`` positions, with the odd pixel (if
any) added after rather than before.
"""
import math

from ..runtime.array_module import xp_of
from .function import Function
from .math import reshape

# Unfold this many patch values at a time. On the CPU 4 MB of float32 is still in
# the cache when the product reads it, and big enough for fast BLAS, so a large
# image is unfolded a block of output rows at a time rather than whole
# (benchmarks/README.md has the timings). A GPU wants few, large products (512 MB).
_PATCH_VALUES_PER_PIECE = {"cpu": 2 ** 20, "gpu": 2 ** 27}


def output_length(length, window, stride, padding, dilation=1):
    """How many positions a window fits in `length` (None stays None, as in shapes)."""
    if length is None:
        return None
    if padding in ("same", "causal"):
        return math.ceil(length / stride)
    return max((length - _span(window, dilation)) // stride + 1, 0)


def padding_amounts(length, window, stride, padding, dilation=1):
    """Zeros to add (before, after) along one axis for 'valid', 'same' or 'causal'."""
    if padding == "valid":
        return 0, 0
    span = _span(window, dilation)
    if padding == "causal":
        return span - 1, 0
    total = max((math.ceil(length / stride) - 1) * stride + span - length, 0)
    return total // 2, total - total // 2


def transpose_padding_amounts(window, stride, padding, output_padding=None, dilation=1):
    """The padding (before, after) of the convolution that a transposed convolution reverses.

    Keras 3 (``_convert_conv_transpose_padding_args_from_keras_to_jax`` in
    keras/src/backend/common/backend_utils.py) spreads the input by the stride
    and pads it with (lead, trail) zeros before sliding the flipped kernel over
    it; the convolution going the other way pads by ``span - 1 - lead`` and
    ``span - 1 - trail``. A negative `after` means that convolution never reads
    the last pixels of its input, so the transposed output is zero there.
    """
    span = _span(window, dilation)
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return 0, -extra
    if output_padding is None:
        total = stride + span - 2  # gives an output `stride` times the input
    else:
        total = span + span % 2 - 2 + output_padding
    lead = min(total // 2 + total % 2, span - 1)
    return span - 1 - lead, span - 1 - (total - lead)


def transpose_output_length(length, window, stride, padding, output_padding=None, dilation=1):
    """How long a transposed convolution's output is (None stays None), as Keras computes it:
    'same' gives ``length * stride``, 'valid' ``(length - 1) * stride + max(span, stride)``,
    and an `output_padding` adds that many pixels to the smallest length instead."""
    if length is None:
        return None
    before, after = transpose_padding_amounts(window, stride, padding, output_padding, dilation)
    return (length - 1) * stride + _span(window, dilation) - before - after


def _span(window, dilation):
    """How many pixels a window covers once dilation spreads its taps apart."""
    return (window - 1) * dilation + 1


def sliding_windows(x, window, strides=(1, 1), dilation=(1, 1)):
    """Every window of a padded image as a view, (batch, out_h, out_w, kh, kw, channels).

    No data is copied: the view's strides say how far to step in memory. Moving
    to the next output position steps `strides` pixels; moving to the next tap
    of the window steps `dilation` pixels.
    """
    n, h, w, channels = x.shape
    out_h = (h - _span(window[0], dilation[0])) // strides[0] + 1
    out_w = (w - _span(window[1], dilation[1])) // strides[1] + 1
    step_n, step_h, step_w, step_c = x.strides
    shape = (n, out_h, out_w, window[0], window[1], channels)
    steps = (step_n, step_h * strides[0], step_w * strides[1],
             step_h * dilation[0], step_w * dilation[1], step_c)
    return xp_of(x).lib.stride_tricks.as_strided(x, shape, steps)


def _pieces(windows):
    """(images, output rows) slices whose patch matrices stay under the size budget:
    several whole images at a time, or a block of output rows of one image."""
    budget = _PATCH_VALUES_PER_PIECE["gpu" if xp_of(windows).__name__ == "cupy" else "cpu"]
    n, out_h = windows.shape[:2]
    values_per_row = windows[0, 0].size
    rows = max(1, budget // values_per_row)
    if rows >= out_h:
        images = rows // out_h
        return [(slice(start, start + images), slice(None)) for start in range(0, n, images)]
    return [(slice(image, image + 1), slice(start, start + rows))
            for image in range(n) for start in range(0, out_h, rows)]


def _patch_matrix(windows):
    """Copy a (batch, out_h, out_w, kh, kw, in) window view into a 2-D patch matrix."""
    rows = windows.shape[0] * windows.shape[1] * windows.shape[2]
    return xp_of(windows).ascontiguousarray(windows).reshape(rows, -1)


def _correlate(x, kernel, strides, dilation):
    """The convolution of an already padded `x`: one patch matrix product per piece."""
    xp = xp_of(x)
    kh, kw, _, filters = kernel.shape
    windows = sliding_windows(x, (kh, kw), strides, dilation)
    n, out_h, out_w = windows.shape[:3]
    y = xp.empty((n, out_h, out_w, filters), dtype=xp.result_type(x.dtype, kernel.dtype))
    matrix = kernel.reshape(-1, filters)
    for piece in _pieces(windows):
        y[piece] = (_patch_matrix(windows[piece]) @ matrix).reshape(y[piece].shape)
    return y


def _sum_over_positions(g):
    """The bias gradient: `g` summed over images and positions, written as
    ``ones @ g``, which BLAS runs faster than NumPy's ``sum``."""
    rows = g.reshape(-1, g.shape[-1])
    return xp_of(g).ones(rows.shape[0], dtype=g.dtype) @ rows


def as_pair(value, name):
    """An int or a pair of ints as a pair (Keras accepts both for sizes and strides)."""
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2:
        raise ValueError(f"Expected {name} to be an int or a pair of ints, received {value!r}.")
    return pair


class Conv2D(Function):
    """2-D convolution of (batch, h, w, in) with a (kh, kw, in, out) kernel, plus a bias.

    `padding` is 'valid', 'same', or explicit ((top, bottom), (left, right)).
    """

    def __init__(self, strides=(1, 1), padding="valid", dilation_rate=(1, 1)):
        self.strides, self.dilation = as_pair(strides, "strides"), as_pair(dilation_rate, "dilation_rate")
        if isinstance(padding, str) and padding not in ("valid", "same"):
            raise ValueError(f"conv2d expected padding 'valid' or 'same', received {padding!r}.")
        self.padding = padding

    def forward(self, x, kernel, bias=None):
        if x.ndim != 4 or kernel.ndim != 4 or kernel.shape[2] != x.shape[3]:
            raise ValueError("conv2d expected input (batch, h, w, in) and kernel (kh, kw, in, out) "
                             f"with the same `in`, received shapes {x.shape} and {kernel.shape}.")
        self.pads = self._padding_amounts(x.shape[1:3], kernel.shape[:2])
        self.x_shape, self.kernel, self.has_bias = x.shape, kernel, bias is not None
        self.padded = xp_of(x).pad(x, ((0, 0), *self.pads, (0, 0))) if any(map(any, self.pads)) else x
        y = _correlate(self.padded, kernel, self.strides, self.dilation)
        if bias is not None:
            y += bias
        return y

    def _padding_amounts(self, size, window):
        if not isinstance(self.padding, str):
            return tuple(tuple(pair) for pair in self.padding)
        pads = tuple(padding_amounts(size[a], window[a], self.strides[a], self.padding, self.dilation[a])
                     for a in range(2))
        for a in range(2):
            if size[a] + sum(pads[a]) < _span(window[a], self.dilation[a]):
                raise ValueError(f"conv2d input of size {size} is smaller than the kernel {window} "
                                 f"with dilation {self.dilation} and padding '{self.padding}'.")
        return pads

    def backward(self, g):
        # The first layer's input is data: skipping its gradient saves a whole convolution.
        needs_x, needs_kernel = self.needs_input_grad[:2]
        grad_x = self._input_gradient(g) if needs_x else None
        grad_kernel = self._kernel_gradient(g) if needs_kernel else None
        grad_bias = _sum_over_positions(g) if self.has_bias else None
        return grad_x, grad_kernel, grad_bias

    def _kernel_gradient(self, g):
        """``patches.T @ grad``: each tap's weight times the pixels it saw, summed."""
        kh, kw, channels, filters = self.kernel.shape
        windows = sliding_windows(self.padded, (kh, kw), self.strides, self.dilation)
        grad = xp_of(g).zeros((kh * kw * channels, filters), dtype=g.dtype)
        for piece in _pieces(windows):
            grad += _patch_matrix(windows[piece]).T @ g[piece].reshape(-1, filters)
        return grad.reshape(self.kernel.shape)

    def _input_gradient(self, g):
        """The transposed convolution of the output gradient, cropped to the unpadded input."""
        grad_padded = _correlate_transposed(g, self.kernel, self.strides, self.dilation, self.padded.shape[1:3])
        (top, _), (left, _) = self.pads
        return grad_padded[:, top: top + self.x_shape[1], left: left + self.x_shape[2]]


def _correlate_transposed(g, kernel, strides, dilation, padded_size):
    """A convolution's input gradient for a (padded_h, padded_w) padded input: a "transposed convolution".

    Each output pixel sent ``kernel[i, j]`` times the input pixel at tap
    (i, j); running that backwards means spreading the output gradient out
    by the strides (zeros between), padding it by the kernel's span, and
    correlating it with the kernel turned 180 degrees, inputs and outputs swapped.
    """
    xp = xp_of(g)
    kh, kw = kernel.shape[:2]
    span_h, span_w = _span(kh, dilation[0]), _span(kw, dilation[1])
    n, out_h, out_w, filters = g.shape
    spread = xp.zeros((n, padded_size[0] + span_h - 1, padded_size[1] + span_w - 1, filters), dtype=g.dtype)
    spread[:, span_h - 1: span_h - 1 + (out_h - 1) * strides[0] + 1: strides[0],
           span_w - 1: span_w - 1 + (out_w - 1) * strides[1] + 1: strides[1]] = g
    flipped = kernel[::-1, ::-1].transpose(0, 1, 3, 2)
    return _correlate(spread, flipped, (1, 1), dilation)


class ZeroPad2D(Function):
    """Add rows and columns of zeros around (batch, h, w, channels) images."""

    def __init__(self, padding):
        self.padding = padding

    def forward(self, x):
        (top, bottom), (left, right) = self.padding
        self.crop = (slice(None), slice(top, top + x.shape[1]), slice(left, left + x.shape[2]))
        return xp_of(x).pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))

    def backward(self, g):
        return (g[self.crop],)


class Conv2DTranspose(Function):
    """The transposed convolution: a convolution's input gradient, run as a forward pass.

    A stride-2 convolution maps an image to one half its size; its input
    gradient maps a half-size image back up to the full size, which makes a
    learnable upsampling for decoders. The kernel is that convolution's, laid
    out (kh, kw, filters, in) as in Keras: it reads `filters` channels and
    writes `in`, so this op turns `in` channels into `filters`.

    Backward runs the other way: the convolution's forward pass gives the input
    gradient, and its kernel gradient (with this op's input as the output
    gradient) gives the kernel's.
    """

    def __init__(self, strides=(1, 1), padding="valid", output_padding=None, dilation_rate=(1, 1)):
        self.strides, self.dilation = as_pair(strides, "strides"), as_pair(dilation_rate, "dilation_rate")
        if padding not in ("valid", "same"):
            raise ValueError(f"conv2d_transpose expected padding 'valid' or 'same', received {padding!r}.")
        self.output_padding = (None, None) if output_padding is None else as_pair(output_padding, "output_padding")
        if any(p is not None and not 0 <= p < s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"conv2d_transpose expected output_padding smaller than strides {self.strides} "
                             f"(and not negative), received {output_padding!r}.")
        self.padding = padding

    def forward(self, x, kernel, bias=None):
        if x.ndim != 4 or kernel.ndim != 4 or kernel.shape[3] != x.shape[3]:
            raise ValueError("conv2d_transpose expected input (batch, h, w, in) and kernel (kh, kw, filters, in) "
                             f"with the same `in`, received shapes {x.shape} and {kernel.shape}.")
        self.pads = tuple(transpose_padding_amounts(kernel.shape[a], self.strides[a], self.padding,
                                                    self.output_padding[a], self.dilation[a]) for a in range(2))
        size = tuple((x.shape[1 + a] - 1) * self.strides[a] + _span(kernel.shape[a], self.dilation[a])
                     - sum(self.pads[a]) for a in range(2))
        if min(size) < 1:
            raise ValueError(f"conv2d_transpose of input size {x.shape[1:3]} with kernel {kernel.shape[:2]}, "
                             f"padding '{self.padding}' and output_padding {self.output_padding} would be empty.")
        self.x, self.kernel, self.has_bias = x, kernel, bias is not None
        (top, after_h), (left, after_w) = self.pads
        padded_size = (top + size[0] + max(after_h, 0), left + size[1] + max(after_w, 0))
        y = _correlate_transposed(x, kernel, self.strides, self.dilation, padded_size)
        y = xp_of(y).ascontiguousarray(y[:, top: top + size[0], left: left + size[1]])
        if bias is not None:
            y += bias
        return y

    def backward(self, g):
        needs_x, needs_kernel = self.needs_input_grad[:2]
        (top, after_h), (left, after_w) = self.pads
        convolution = Conv2D(self.strides, ((top, max(after_h, 0)), (left, max(after_w, 0))), self.dilation)
        grad_x = convolution.forward(g, self.kernel)
        convolution.needs_input_grad = (False, needs_kernel)
        grad_kernel = convolution.backward(self.x)[1]
        grad_bias = _sum_over_positions(g) if self.has_bias else None
        return grad_x if needs_x else None, grad_kernel, grad_bias


def conv2d(x, kernel, bias=None, strides=(1, 1), padding="valid", dilation_rate=(1, 1)):
    """2-D convolution, channels last: (batch, h, w, in) * (kh, kw, in, out) -> (batch, h', w', out).

    Example:
        y = conv2d(images, kernel, bias, strides=2, padding="same")
    """
    function = Conv2D(strides, padding, dilation_rate)
    return function(x, kernel) if bias is None else function(x, kernel, bias)


def conv1d(x, kernel, bias=None, strides=1, padding="valid", dilation_rate=1):
    """1-D convolution of (batch, steps, in) with a (k, in, out) kernel: a 2-D one, one pixel tall.

    `padding` is 'valid', 'same', or 'causal' (zeros only before, so that step
    t sees no step after t).
    """
    if len(x.shape) != 3 or len(kernel.shape) != 3:
        raise ValueError("conv1d expected input (batch, steps, in) and kernel (k, in, out), "
                         f"received shapes {tuple(x.shape)} and {tuple(kernel.shape)}.")
    strides, dilation_rate = as_single(strides, "strides"), as_single(dilation_rate, "dilation_rate")
    n, steps, channels = x.shape
    k, _, filters = kernel.shape
    if padding == "causal":
        padding = ((0, 0), padding_amounts(steps, k, strides, "causal", dilation_rate))
    function = Conv2D((1, strides), padding, (1, dilation_rate))
    inputs = [reshape(x, (n, 1, steps, channels)), reshape(kernel, (1, k, channels, filters))]
    y = function(*inputs) if bias is None else function(*inputs, bias)
    return reshape(y, (n, y.shape[2], filters))


def conv2d_transpose(x, kernel, bias=None, strides=(1, 1), padding="valid", output_padding=None,
                     dilation_rate=(1, 1)):
    """Transposed 2-D convolution: (batch, h, w, in) * (kh, kw, filters, in) -> (batch, h', w', filters).

    With padding='same' and no output_padding the output is `strides` times bigger.

    Example:
        y = conv2d_transpose(codes, kernel, bias, strides=2, padding="same")  # 7x7 -> 14x14
    """
    function = Conv2DTranspose(strides, padding, output_padding, dilation_rate)
    return function(x, kernel) if bias is None else function(x, kernel, bias)


def conv1d_transpose(x, kernel, bias=None, strides=1, padding="valid", output_padding=None, dilation_rate=1):
    """Transposed 1-D convolution of (batch, steps, in) with a (k, filters, in) kernel: a 2-D one, one pixel tall."""
    if len(x.shape) != 3 or len(kernel.shape) != 3:
        raise ValueError("conv1d_transpose expected input (batch, steps, in) and kernel (k, filters, in), "
                         f"received shapes {tuple(x.shape)} and {tuple(kernel.shape)}.")
    strides, dilation_rate = as_single(strides, "strides"), as_single(dilation_rate, "dilation_rate")
    if output_padding is not None:
        output_padding = (0, as_single(output_padding, "output_padding"))
    n, steps, channels = x.shape
    k, filters, _ = kernel.shape
    function = Conv2DTranspose((1, strides), padding, output_padding, (1, dilation_rate))
    inputs = [reshape(x, (n, 1, steps, channels)), reshape(kernel, (1, k, filters, channels))]
    y = function(*inputs) if bias is None else function(*inputs, bias)
    return reshape(y, (n, y.shape[2], filters))


def as_single(value, name):
    """An int or a 1-tuple as an int, as Keras's 1-D layers accept."""
    if isinstance(value, int):
        return value
    if len(value) != 1:
        raise ValueError(f"Expected {name} to be an int or a 1-tuple, received {value!r}.")
    return value[0]


def zero_pad2d(x, padding):
    """Pad (batch, h, w, channels) with ((top, bottom), (left, right)) rows and columns of zeros."""
    return ZeroPad2D(padding)(x)
