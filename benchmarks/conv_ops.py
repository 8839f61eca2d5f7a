"""Time conv2d and max pooling forward + backward, against NumPy's matmul rate.

A 3x3 convolution does ``2 * outputs * 9 * in`` flops forward and twice that
backward (kernel and input gradients); the plain matrix product of the same
size bounds its rate. Shapes are the Keras guide's VGG-like convnet (batch 32,
100x100x3) and its 1-D sequence classifier (batch 16 and 64, 100 steps x 100),
a 1-D convolution being a 2-D one on an image one pixel tall. The other way to
write a convolution, a sum of one matmul per kernel tap on shifted images, is
timed beside im2col's forward pass.

    python benchmarks/conv_ops.py
"""
import time

import numpy as np

from kerasbook.ops.convolution import Conv2D
from kerasbook.ops.pooling import MaxPool2D

SHAPES = [  # batch, height, width, in, out
    (32, 100, 100, 3, 32), (32, 98, 98, 32, 32), (32, 48, 48, 32, 64), (32, 46, 46, 64, 64),
    (16, 1, 100, 100, 64), (16, 1, 98, 64, 64), (64, 1, 100, 100, 64), (64, 1, 32, 64, 128),
]


def best_of(repeats, run):
    """The fastest of a few runs, in milliseconds: other processes only ever add time."""
    run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * min(times)


def shifted_matmuls(x, kernel):
    """A 'valid' convolution as one matmul per kernel tap, on the image shifted by that tap."""
    kh, kw, _, filters = kernel.shape
    n, h, w, _ = x.shape
    y = np.zeros((n, h - kh + 1, w - kw + 1, filters), x.dtype)
    for i in range(kh):
        for j in range(kw):
            y += x[:, i: i + h - kh + 1, j: j + w - kw + 1] @ kernel[i, j]
    return y


def main():
    rng = np.random.default_rng(0)
    a, b = np.ones((32 * 96 * 96, 288), np.float32), np.ones((288, 32), np.float32)
    print(f"NumPy float32 matmul (294912 x 288) @ (288 x 32): {2 * a.size * 32 / best_of(5, lambda: a @ b) / 1e6:.0f} GFLOP/s")
    print("shape (n, h, w, in, out)     im2col fwd  shifted fwd   fwd+bwd   GFLOP/s")
    for index, (n, h, w, channels, filters) in enumerate(SHAPES):
        kh = 1 if h == 1 else 3
        x = rng.standard_normal((n, h, w, channels), dtype=np.float32)
        kernel = rng.standard_normal((kh, 3, channels, filters), dtype=np.float32)
        bias = np.zeros(filters, np.float32)
        first_layer = index == 0  # its input is data: no input gradient
        conv = Conv2D(input_needs_gradient=not first_layer)
        grad = np.ones_like(conv.forward(x, kernel, bias))
        forward = best_of(5, lambda: conv.forward(x, kernel, bias))
        shifted = best_of(5, lambda: shifted_matmuls(x, kernel))
        both = best_of(5, lambda: (conv.forward(x, kernel, bias), conv.backward(grad)))
        flops = (2 if first_layer else 3) * 2 * grad.size * kh * 3 * channels
        print(f"{str((n, h, w, channels, filters)):28} {forward:8.1f} ms {shifted:8.1f} ms {both:8.1f} ms {flops / both / 1e6:7.1f}")
    x = rng.standard_normal((32, 96, 96, 32), dtype=np.float32)
    pool = MaxPool2D((2, 2))
    grad = np.ones_like(pool.forward(x))
    print(f"max_pool2d (32, 96, 96, 32) 2x2: forward+backward {best_of(5, lambda: (pool.forward(x), pool.backward(grad))):.1f} ms")


if __name__ == "__main__":
    main()
