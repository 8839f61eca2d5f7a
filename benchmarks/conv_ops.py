"""Speed of conv2d and max pooling, forward and forward + backward, against NumPy's matmul.

A 3x3 convolution does ``2 * outputs * 9 * in`` flops forward and as many for
each gradient (kernel, and input unless the input is data); NumPy's matmul of
the same size is the ceiling. Shapes: the Keras guide's VGG-like convnet
(batch 32, 100x100x3) and its 1-D sequence classifier (batch 16 and 64, 100
steps x 100), a 1-D convolution being a 2-D one on an image one pixel tall.
The other way to write a convolution, one matmul per kernel tap on the shifted
image, is timed beside im2col's forward pass.

Run: python benchmarks/conv_ops.py
"""
import numpy

from kerasbook.ops.convolution import conv2d
from kerasbook.ops.pooling import max_pool2d
from kerasbook.ops.tape import GradientTape
from kerasbook.ops.tensor import Tensor, Variable
from harness import alternate, matmul_gflops, print_table

SHAPES = [  # batch, height, width, in, out
    (32, 100, 100, 3, 32), (32, 98, 98, 32, 32), (32, 48, 48, 32, 64), (32, 46, 46, 64, 64),
    (16, 1, 100, 100, 64), (16, 1, 98, 64, 64), (64, 1, 100, 100, 64), (64, 1, 32, 64, 128),
]


def shifted_matmuls(x, kernel):
    """A 'valid' convolution as one matmul per kernel tap, on the image shifted by that tap."""
    kh, kw, _, filters = kernel.shape
    n, h, w, _ = x.shape
    y = numpy.zeros((n, h - kh + 1, w - kw + 1, filters), x.dtype)
    for i in range(kh):
        for j in range(kw):
            y += x[:, i: i + h - kh + 1, j: j + w - kw + 1] @ kernel[i, j]
    return y


def forward_backward(op, x, *weights):
    """One training step's worth: the op, then the gradients of everything that needs one."""
    with GradientTape() as tape:
        y = op(x, *weights)
    tape.gradient(y, [x, *weights])


def milliseconds(rates):
    return {name: f"{1000 / rate:.1f}" for name, rate in rates.items()}


def main():
    rng = numpy.random.default_rng(0)
    rows = []
    for index, (n, h, w, channels, filters) in enumerate(SHAPES):
        kh = 1 if h == 1 else 3
        x = Tensor(rng.standard_normal((n, h, w, channels), dtype=numpy.float32), requires_grad=index > 0)
        kernel = Variable(rng.standard_normal((kh, 3, channels, filters)), dtype="float32")
        bias = Variable(numpy.zeros(filters), dtype="float32")
        times = milliseconds(alternate({
            "im2col": lambda: conv2d(x, kernel, bias),
            "shifted": lambda: shifted_matmuls(x.data, kernel.data),
            "both": lambda: forward_backward(conv2d, x, kernel, bias),
        }, samples=1))
        outputs = n * (h - kh + 1) * (w - 2)
        flops = (3 if x.requires_grad else 2) * 2 * outputs * kh * 3 * channels * filters
        rows.append([(n, h, w, channels, filters), times["im2col"], times["shifted"], times["both"],
                     f"{flops / float(times['both']) / 1e6:.0f}",
                     f"{matmul_gflops(outputs, kh * 3 * channels, filters):.0f}"])
    print_table(rows, ["shape (n, h, w, in, out)", "im2col fwd ms", "shifted-matmul fwd ms",
                       "im2col fwd+bwd ms", "GFLOP/s", "matmul GFLOP/s"])
    x = Tensor(rng.standard_normal((32, 96, 96, 32), dtype=numpy.float32), requires_grad=True)
    times = milliseconds(alternate({"pool": lambda: forward_backward(max_pool2d, x)}, samples=1))
    print(f"\nmax_pool2d 2x2 of (32, 96, 96, 32), forward + backward: {times['pool']} ms")


if __name__ == "__main__":
    main()
