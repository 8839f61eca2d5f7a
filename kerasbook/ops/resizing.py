"""Making sequences and images bigger: repeat each step or pixel, or interpolate between them.

Nearest-neighbour upsampling repeats every pixel; its gradient adds up the
gradients of the copies. Bilinear upsampling is linear in the image along each
axis, so it is a product with a small interpolation matrix per axis (a row per
new pixel, a column per old one), and its gradient the product with their transposes.
"""
import numpy

from ..runtime.array_module import xp_of
from .function import Function


class Repeat(Function):
    """Each element `repeats` times in a row along `axis` (NumPy's and Keras's `repeat`)."""

    def __init__(self, repeats, axis):
        self.repeats, self.axis = repeats, axis

    def forward(self, x):
        self.axis %= x.ndim
        return xp_of(x).repeat(x, self.repeats, axis=self.axis)

    def backward(self, g):
        a = self.axis
        copies = g.reshape(g.shape[:a] + (g.shape[a] // self.repeats, self.repeats) + g.shape[a + 1:])
        return (copies.sum(axis=a + 1),)


def repeat(x, repeats, axis):
    """Repeat every element `repeats` times along `axis`: [a, b] -> [a, a, b, b] for 2."""
    return Repeat(repeats, axis)(x)


def interpolation_matrix(old, new):
    """The (new, old) weights of bilinear interpolation along one axis, as Keras 3 resizes images.

    Pixels are squares with centres at i + 0.5 (half-pixel centres): new pixel i
    lies at old position ``(i + 0.5) * old / new - 0.5``, held inside the image,
    and mixes the two old pixels either side of it by how near each is.
    """
    matrix = numpy.zeros((new, old))
    for i in range(new):
        position = min(max((i + 0.5) * old / new - 0.5, 0.0), old - 1.0)
        left = int(position)
        right = min(left + 1, old - 1)
        matrix[i, left] += 1.0 - (position - left)
        matrix[i, right] += position - left
    return matrix


class ResizeBilinear(Function):
    """Bilinear resizing of (batch, h, w, channels) images: ``rows @ image @ columns.T`` for each channel.

    Linear in the image, so the gradient is the same product with the matrices transposed.
    """

    def __init__(self, size):
        self.size = size

    def forward(self, x):
        xp = xp_of(x)
        n, h, w, channels = x.shape
        dtype = xp.result_type(x.dtype, xp.float32)  # integer pixels are interpolated as floats
        self.rows = xp.asarray(interpolation_matrix(h, self.size[0]), dtype=dtype)
        self.columns = xp.asarray(interpolation_matrix(w, self.size[1]), dtype=dtype)
        tall = (self.rows @ x.reshape(n, h, w * channels)).reshape(n, self.size[0], w, channels)
        return self.columns @ tall

    def backward(self, g):
        n, _, _, channels = g.shape
        narrow = self.columns.T @ g  # (batch, new_h, w, channels)
        w = narrow.shape[2]
        grad = self.rows.T @ narrow.reshape(n, self.size[0], w * channels)
        return (grad.reshape(n, -1, w, channels),)


def resize_bilinear(images, size):
    """Bilinear resizing of (batch, h, w, channels) images to `size` (height, width), as Keras 3 resizes.

    Example:
        resize_bilinear(images, (56, 56))  # 28x28 -> 56x56
    """
    return ResizeBilinear(tuple(size))(images)
