"""Fused ops for the dense layer and dropout, the hot path of every MLP; the cross-entropies element by element."""
from ..config import epsilon
from ..runtime import random
from . import math as m
from .activations import softplus
from .function import Function


class Dense(Function):
    """``x @ kernel + bias`` on the last axis of an input of any rank."""

    def forward(self, x, kernel, bias=None):
        if x.dtype.kind != "f":  # integer data gives the kernel's float type, not NumPy's float64
            x = x.astype(kernel.dtype)
        self.x, self.kernel, self.has_bias = x, kernel, bias is not None
        y = x @ kernel
        if bias is not None:
            y += bias
        return y

    def backward(self, g):
        x2d = self.x.reshape(-1, self.x.shape[-1])
        g2d = g.reshape(-1, g.shape[-1])
        grad_x = g @ self.kernel.T if self.needs_input_grad[0] else None
        grad_kernel = x2d.T @ g2d
        grad_bias = g2d.sum(axis=0) if self.has_bias else None
        return grad_x, grad_kernel, grad_bias


class Dropout(Function):
    """Zero a random fraction `rate` of units and scale the rest by 1/(1-rate)."""

    def __init__(self, rate, noise_shape=None):
        self.rate, self.noise_shape = rate, noise_shape

    def forward(self, x):
        self.mask = random.dropout_mask(self.noise_shape or x.shape, self.rate, dtype=x.dtype)
        return x * self.mask

    def backward(self, g):
        return (g * self.mask,)


def dense(x, kernel, bias=None):
    if bias is None:
        return Dense()(x, kernel)
    return Dense()(x, kernel, bias)


def dropout(x, rate, noise_shape=None):
    return Dropout(rate, noise_shape)(x)


def binary_crossentropy(target, output, from_logits=False):
    """Keras 3's ``ops.binary_crossentropy``: one loss per element, not averaged.

    Probabilities are clipped to [epsilon, 1 - epsilon] so ``log`` stays finite.
    From logits it is ``softplus(x) - x * target``, which never overflows.
    """
    if from_logits:
        return softplus(output) - output * target
    output = m.clip(output, epsilon(), 1.0 - epsilon())
    return -(target * m.log(output) + (1 - target) * m.log(1 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Keras 3's ``ops.categorical_crossentropy``: ``-sum(target * log(output))`` along `axis`.

    The outputs are first scaled to sum to 1 and clipped to [epsilon, 1 - epsilon];
    from logits, ``log(output)`` is the log-softmax.
    """
    if from_logits:
        shifted = output - m.max(output, axis=axis, keepdims=True)
        log_probabilities = shifted - m.log(m.sum(m.exp(shifted), axis=axis, keepdims=True))
    else:
        output = output / m.sum(output, axis=axis, keepdims=True)
        log_probabilities = m.log(m.clip(output, epsilon(), 1.0 - epsilon()))
    return -m.sum(target * log_probabilities, axis=axis)
