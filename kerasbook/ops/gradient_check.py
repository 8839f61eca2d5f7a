"""Check an op's backward against central finite differences, in float64.

Following Chainer's ``check_backward``: project the output onto a random
direction so one scalar summarises it, then compare the analytic gradient with
``(f(x + h) - f(x - h)) / 2h`` for every input element. Inputs move to the
backend's device, so the same check runs on NumPy, CuPy and the strict backend.
"""
import numpy

from ..runtime.array_module import to_device, to_numpy
from .indexed_slices import to_dense
from .tape import GradientTape
from .tensor import Tensor


def numerical_gradients(scalar_fn, arrays, step=1e-6):
    """Central differences of `scalar_fn()` for each element of each array (perturbed in place)."""
    grads = []
    for array in arrays:
        grad = numpy.zeros(array.shape, dtype=numpy.float64)
        flat, flat_grad = array.reshape(-1), grad.reshape(-1)
        for i in range(flat.size):
            saved = float(flat[i])  # a number, not a view: on CuPy flat[i] is a view
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

    `inputs` are float64 NumPy arrays; `params` are extra tensors (e.g. a
    layer's variables) whose gradients are checked too. Returns the analytic
    gradients as NumPy arrays.
    """
    tensors = [Tensor(to_device(x), requires_grad=True) for x in inputs]
    targets = tensors + list(params)
    output_shape = fn(*tensors).shape
    direction = Tensor(to_device(numpy.random.default_rng(seed).standard_normal(output_shape)))

    def scalar():
        return float((fn(*[Tensor(t.data) for t in tensors]) * direction).sum().data)

    with GradientTape() as tape:
        projected = (fn(*tensors) * direction).sum()
    analytic = [None if grad is None else to_numpy(to_dense(grad)) for grad in tape.gradient(projected, targets)]
    numeric = numerical_gradients(scalar, [t.data for t in targets])
    for index, (a, n) in enumerate(zip(analytic, numeric)):
        a = numpy.zeros_like(n) if a is None else a
        if not numpy.allclose(a, n, rtol=rtol, atol=atol):
            worst = numpy.abs(a - n).max()
            raise AssertionError(f"gradient {index} differs from finite differences (max error {worst:.3g})\n"
                                 f"analytic:\n{a}\nnumeric:\n{n}")
    return analytic
