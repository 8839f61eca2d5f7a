"""Max and average pooling, channels last, and their global forms.

Pooling summarises each window of an image by one number per channel. The
windows come from the same strided view that convolution uses, so the forward
pass is one reduction over the window axes. Backward loops over the few
offsets inside a window (4 for a 2x2 pool) and adds each window's share of the
gradient to the pixel at that offset; overlapping windows simply add up.

Padding follows Keras: 'same' pads max pooling with -inf and average pooling
with zeros that are left out of the count.
"""
from ..config import floatx
from ..runtime.array_module import xp_of
from .convolution import as_pair, as_single, padding_amounts, sliding_windows
from .function import Function
from .math import cast, max as reduce_max, mean, reshape


class _Pool2D(Function):
    """What max and average pooling share: padding, windows, and sending gradients back."""

    def __init__(self, pool_size, strides=None, padding="valid"):
        if padding not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__} expected padding 'valid' or 'same', received {padding!r}.")
        self.pool_size = as_pair(pool_size, "pool_size")
        self.strides = self.pool_size if strides is None else as_pair(strides, "strides")
        self.padding = padding

    def plan(self, x):
        """Work out the padding for images shaped like `x`."""
        if x.ndim != 4:
            raise ValueError(f"{type(self).__name__} expected input (batch, h, w, channels), received shape {x.shape}.")
        self.x_shape = x.shape
        self.pads = tuple(padding_amounts(x.shape[1 + a], self.pool_size[a], self.strides[a], self.padding)
                          for a in range(2))
        if any(x.shape[1 + a] + sum(self.pads[a]) < self.pool_size[a] for a in range(2)):
            raise ValueError(f"{type(self).__name__} input of size {x.shape[1:3]} is smaller than "
                             f"the pool {self.pool_size} with padding '{self.padding}'.")

    def windows(self, x, fill):
        """Pad `x` with `fill` and view it as (batch, out_h, out_w, pool_h, pool_w, channels)."""
        if any(any(pair) for pair in self.pads):
            x = xp_of(x).pad(x, ((0, 0), *self.pads, (0, 0)), constant_values=fill)
        return sliding_windows(x, self.pool_size, self.strides)

    def offsets(self):
        """The (row, column) of each pixel inside a window."""
        return [(i, j) for i in range(self.pool_size[0]) for j in range(self.pool_size[1])]

    def gradient_windows(self, g):
        """A zero gradient for the padded input, and its window view to add shares into."""
        n, h, w, channels = self.x_shape
        (top, bottom), (left, right) = self.pads
        grad = xp_of(g).zeros((n, h + top + bottom, w + left + right, channels), dtype=g.dtype)
        return grad, sliding_windows(grad, self.pool_size, self.strides)

    def crop(self, grad):
        """Drop the padding's rows and columns from a padded-input gradient."""
        (top, _), (left, _) = self.pads
        return grad[:, top: top + self.x_shape[1], left: left + self.x_shape[2]]


class MaxPool2D(_Pool2D):
    """The largest value in each window; its gradient goes to where that value was."""

    def forward(self, x):
        self.plan(x)
        self.x_windows = windows = self.windows(x, -float("inf"))
        # One maximum per offset is faster than NumPy's max over the two window axes.
        (first_i, first_j), *others = self.offsets()
        self.y = windows[:, :, :, first_i, first_j].copy()
        for i, j in others:
            xp_of(x).maximum(self.y, windows[:, :, :, i, j], out=self.y)
        return self.y

    def backward(self, g):
        grad, grad_windows = self.gradient_windows(g)
        # Like TensorFlow, a tie goes to the first maximum in the window, row by row.
        unclaimed = xp_of(g).ones(g.shape, dtype=bool)
        for i, j in self.offsets():
            hit = unclaimed & (self.x_windows[:, :, :, i, j] == self.y)
            unclaimed &= ~hit
            grad_windows[:, :, :, i, j] += g * hit
        return (self.crop(grad),)


class AveragePool2D(_Pool2D):
    """The mean of each window, counting only real pixels, never padding."""

    def forward(self, x):
        self.plan(x)
        pixels = xp_of(x).ones((1, *x.shape[1:3], 1), dtype=x.dtype)
        self.count = self.windows(pixels, 0).sum(axis=(3, 4))
        return self.windows(x, 0).sum(axis=(3, 4)) / self.count

    def backward(self, g):
        grad, grad_windows = self.gradient_windows(g)
        share = g / self.count
        for i, j in self.offsets():
            grad_windows[:, :, :, i, j] += share
        return (self.crop(grad),)


def _floats(x):
    """Integer images (uint8 pixels, say) are pooled as floatx, as Keras layers cast them."""
    return x if x.dtype.kind == "f" else cast(x, floatx())


def max_pool2d(x, pool_size=(2, 2), strides=None, padding="valid"):
    """Max pooling of (batch, h, w, channels); `strides` defaults to `pool_size`, as in Keras."""
    return MaxPool2D(pool_size, strides, padding)(_floats(x))


def average_pool2d(x, pool_size=(2, 2), strides=None, padding="valid"):
    """Average pooling of (batch, h, w, channels); 'same' padding is left out of each mean."""
    return AveragePool2D(pool_size, strides, padding)(_floats(x))


def _pool1d(pool2d, x, pool_size, strides, padding):
    """A 1-D pool of (batch, steps, channels) is a 2-D pool of an image one pixel tall."""
    if len(x.shape) != 3:
        raise ValueError(f"1-D pooling expected input (batch, steps, channels), received shape {tuple(x.shape)}.")
    pool_size = as_single(pool_size, "pool_size")
    strides = pool_size if strides is None else as_single(strides, "strides")
    n, steps, channels = x.shape
    y = pool2d(reshape(x, (n, 1, steps, channels)), (1, pool_size), (1, strides), padding)
    return reshape(y, (n, y.shape[2], channels))


def max_pool1d(x, pool_size=2, strides=None, padding="valid"):
    return _pool1d(max_pool2d, x, pool_size, strides, padding)


def average_pool1d(x, pool_size=2, strides=None, padding="valid"):
    return _pool1d(average_pool2d, x, pool_size, strides, padding)


def _spatial_axes(x):
    return tuple(range(1, x.ndim - 1))


def global_max_pool(x, keepdims=False):
    """The largest value of each channel over all steps or pixels (1-D or 2-D)."""
    return reduce_max(x, axis=_spatial_axes(x), keepdims=keepdims)


def global_average_pool(x, keepdims=False):
    """The mean of each channel over all steps or pixels (1-D or 2-D)."""
    return mean(x, axis=_spatial_axes(x), keepdims=keepdims)
