"""Activation functions as fused ops: one forward, one hand-written backward each.

Formulas follow Keras 3 (e.g. ``hard_sigmoid`` is ``relu6(x + 3) / 6``). At the
end, the in-place forms the fused recurrent ops run inside their loops.
"""
from ..runtime.array_module import xp_of
from .function import Function


class ReLU(Function):
    def forward(self, x):
        self.positive = x > 0
        return x * self.positive

    def backward(self, g):
        return (g * self.positive,)


class Sigmoid(Function):
    def forward(self, x):
        xp = xp_of(x)
        # tanh form: exact and never overflows, unlike 1 / (1 + exp(-x)).
        self.y = 0.5 * xp.tanh(0.5 * x) + 0.5
        return self.y

    def backward(self, g):
        return (g * self.y * (1 - self.y),)


class Tanh(Function):
    def forward(self, x):
        self.y = xp_of(x).tanh(x)
        return self.y

    def backward(self, g):
        return (g * (1 - self.y * self.y),)


class Softmax(Function):
    def __init__(self, axis=-1):
        self.axis = axis

    def forward(self, x):
        xp = xp_of(x)
        e = xp.exp(x - x.max(axis=self.axis, keepdims=True))
        self.y = e / e.sum(axis=self.axis, keepdims=True)
        return self.y

    def backward(self, g):
        gy = g * self.y
        return (gy - self.y * gy.sum(axis=self.axis, keepdims=True),)


class ELU(Function):
    def __init__(self, alpha=1.0, scale=1.0):
        self.alpha, self.scale = alpha, scale

    def forward(self, x):
        xp = xp_of(x)
        self.positive = x > 0
        self.negative_part = self.alpha * xp.expm1(xp.minimum(x, 0))
        return self.scale * xp.where(self.positive, x, self.negative_part)

    def backward(self, g):
        xp = xp_of(g)
        return (g * self.scale * xp.where(self.positive, 1, self.negative_part + self.alpha),)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class Softplus(Function):
    def forward(self, x):
        xp = xp_of(x)
        self.x = x
        return xp.logaddexp(x, 0).astype(x.dtype, copy=False)

    def backward(self, g):
        xp = xp_of(g)
        return (g * (0.5 * xp.tanh(0.5 * self.x) + 0.5),)


class Softsign(Function):
    def forward(self, x):
        self.denominator = 1 + abs(x)
        return x / self.denominator

    def backward(self, g):
        return (g / (self.denominator * self.denominator),)


class HardSigmoid(Function):
    def forward(self, x):
        self.inside = (x > -3) & (x < 3)
        return xp_of(x).clip(x / 6 + 0.5, 0, 1)

    def backward(self, g):
        return (g * self.inside / 6,)


class LeakyReLU(Function):
    def __init__(self, negative_slope=0.2):
        self.negative_slope = negative_slope

    def forward(self, x):
        self.positive = x > 0
        return xp_of(x).where(self.positive, x, self.negative_slope * x)

    def backward(self, g):
        return (xp_of(g).where(self.positive, g, self.negative_slope * g),)


def relu(x):
    return ReLU()(x)


def sigmoid(x):
    return Sigmoid()(x)


def tanh(x):
    return Tanh()(x)


def softmax(x, axis=-1):
    return Softmax(axis)(x)


def elu(x, alpha=1.0):
    return ELU(alpha)(x)


def selu(x):
    return ELU(SELU_ALPHA, SELU_SCALE)(x)


def softplus(x):
    return Softplus()(x)


def softsign(x):
    return Softsign()(x)


def hard_sigmoid(x):
    return HardSigmoid()(x)


def leaky_relu(x, negative_slope=0.2):
    return LeakyReLU(negative_slope)(x)


def linear(x):
    return x


# In-place forms for the fused recurrent ops, which run them inside their loops over
# time. Each activation writes into `out` (which may be `x` itself), and so does its
# derivative, written in terms of the activation's output, the value forward keeps
# anyway: backward chooses where results go (a reused buffer, a slice).

def _tanh_in_place(x, out):
    xp_of(x).tanh(x, out=out)


def _tanh_derivative_in_place(y, out):
    xp = xp_of(y)
    xp.multiply(y, y, out=out)
    xp.subtract(1, out, out=out)


def _sigmoid_in_place(x, out):
    # the tanh form, as in Sigmoid: exact and never overflows
    xp = xp_of(x)
    xp.multiply(x, 0.5, out=out)
    xp.tanh(out, out=out)
    out *= 0.5
    out += 0.5


def _sigmoid_derivative_in_place(y, out):
    xp = xp_of(y)
    xp.subtract(1, y, out=out)
    out *= y


def _hard_sigmoid_in_place(x, out):
    xp = xp_of(x)
    xp.divide(x, 6, out=out)
    out += 0.5
    xp.clip(out, 0, 1, out=out)


def _hard_sigmoid_derivative_in_place(y, out):
    out[...] = (y > 0) & (y < 1)
    out /= 6


def _relu_in_place(x, out):
    xp_of(x).maximum(x, 0, out=out)


def _relu_derivative_in_place(y, out):
    out[...] = y > 0


def _linear_in_place(x, out):
    out[...] = x


def _linear_derivative_in_place(y, out):
    out[...] = 1


# The activations the fused recurrent ops (`ops/recurrent.py`) run: name -> (activation, derivative).
IN_PLACE = {
    "tanh": (_tanh_in_place, _tanh_derivative_in_place),
    "sigmoid": (_sigmoid_in_place, _sigmoid_derivative_in_place),
    "hard_sigmoid": (_hard_sigmoid_in_place, _hard_sigmoid_derivative_in_place),
    "relu": (_relu_in_place, _relu_derivative_in_place),
    "linear": (_linear_in_place, _linear_derivative_in_place),
}
