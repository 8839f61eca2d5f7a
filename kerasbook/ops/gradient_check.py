"""Check an op's backward against central finite differences, in float64.

Following Chainer's ``check_backward``: project the output onto a random
direction so one scalar summarises it, then compare the analytic gradient with
``(f(x + h) - f(x - h)) / 2h`` for every input element.
"""
import numpy

from .tape import GradientTape
from .tensor import Tensor


def numerical_gradients(scalar_fn, arrays, step=1e-6):
    grads = []
    for array in arrays:
        grad = numpy.zeros_like(array)
        flat, flat_grad = array.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            saved = flat[i]
            flat[i] = saved + step
            plus = scalar_fn()
            flat[i] = saved - step
            minus = scalar_fn()
            flat[i] = saved
            flat_grad[i] = (plus - minus) / (2 * step)
        grads.append(grad)
    return grads


def check_gradients(fn, inputs, params=(), rtol=1e-5, atol=1e-6, seed=0):
    """Assert that the tape's gradients of `fn(*inputs)` match finite differences.

    `inputs` are float64 NumPy arrays (perturbed in place while checking);
    `params` are extra tensors (e.g. a layer's variables) whose gradients are
    checked too. Returns the analytic gradients.
    """
    tensors = [Tensor(x, requires_grad=True) for x in inputs]
    targets = tensors + list(params)
    with GradientTape() as tape:
        output = fn(*tensors)
    direction = numpy.random.default_rng(seed).standard_normal(output.shape)

    def scalar():
        return float((numpy.asarray(fn(*[Tensor(t.data) for t in tensors]).data) * direction).sum())

    with GradientTape() as tape:
        output = fn(*tensors)
        projected = (output * Tensor(direction)).sum()
    analytic = tape.gradient(projected, targets)
    numeric = numerical_gradients(scalar, [t.data for t in targets])
    for index, (a, n) in enumerate(zip(analytic, numeric)):
        a = numpy.zeros_like(n) if a is None else numpy.asarray(a)
        if not numpy.allclose(a, n, rtol=rtol, atol=atol):
            worst = numpy.abs(a - n).max()
            raise AssertionError(f"gradient {index} differs from finite differences (max error {worst:.3g})\n"
                                 f"analytic:\n{a}\nnumeric:\n{n}")
    return analytic
