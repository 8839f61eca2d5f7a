"""Each activation against Keras 3's formula, written out again here, and its gradient."""
import numpy as np
import pytest

import kerasbook
from kerasbook import activations, ops
from kerasbook.ops import Tensor
from kerasbook.ops.gradient_check import check_gradients

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@pytest.fixture(autouse=True)
def float64():
    kerasbook.backend.set_floatx("float64")
    kerasbook.utils.set_random_seed(0)
    yield
    kerasbook.backend.set_floatx("float32")


def relu6(x):
    return np.minimum(np.maximum(x, 0.0), 6.0)


def elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1.0))


# Keras 3 (keras/src/activations/activations.py and the NumPy backend's nn.py).
KERAS = {
    "relu": lambda x: np.maximum(x, 0.0),
    "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "tanh": np.tanh,
    "softmax": lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True),
    "elu": elu,
    "selu": lambda x: SELU_SCALE * elu(x, SELU_ALPHA),
    "softplus": lambda x: np.log(1.0 + np.exp(x)),
    "softsign": lambda x: x / (1.0 + np.abs(x)),
    "hard_sigmoid": lambda x: relu6(x + 3.0) / 6.0,
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "linear": lambda x: x,
}

# Away from every kink (0 for relu/elu/leaky_relu, ±3 for hard_sigmoid), so finite differences are valid.
X = np.array([[-5.0, -3.5, -2.9, -1.3, -0.4, -0.01],
              [0.02, 0.3, 1.1, 2.5, 2.95, 4.2]])


@pytest.mark.parametrize("name", sorted(KERAS))
def test_forward_matches_keras(name):
    np.testing.assert_allclose(activations.get(name)(Tensor(X)).numpy(), KERAS[name](X), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(KERAS))
def test_gradient(name):
    check_gradients(activations.get(name), [X.copy()])


@pytest.mark.parametrize("name", sorted(KERAS))
def test_float32_in_float32_out(name):
    x = Tensor(X.astype("float32"))
    assert activations.get(name)(x).dtype == np.float32


def test_hard_sigmoid_is_keras_3s_not_keras_2s():
    # Keras 2 used 0.2 * x + 0.5; Keras 3 uses relu6(x + 3) / 6 = x / 6 + 0.5 inside [-3, 3].
    x = np.array([-3.0, -1.0, 0.0, 1.5, 3.0])
    np.testing.assert_allclose(ops.hard_sigmoid(Tensor(x)).numpy(), [0.0, 1 / 3, 0.5, 0.75, 1.0])


def test_selu_constants():
    x = np.array([-1.0, 1.0])
    np.testing.assert_allclose(ops.selu(Tensor(x)).numpy(),
                               [1.0507009873554805 * 1.6732632423543772 * (np.exp(-1.0) - 1.0), 1.0507009873554805])


@pytest.mark.parametrize("alpha", [0.5, 2.0])
def test_elu_alpha(alpha):
    np.testing.assert_allclose(ops.elu(Tensor(X), alpha=alpha).numpy(), elu(X, alpha))
    check_gradients(lambda t: ops.elu(t, alpha=alpha), [X.copy()])


@pytest.mark.parametrize("slope", [0.01, 0.3])
def test_leaky_relu_slope(slope):
    np.testing.assert_allclose(ops.leaky_relu(Tensor(X), negative_slope=slope).numpy(), np.where(X > 0, X, slope * X))
    check_gradients(lambda t: ops.leaky_relu(t, negative_slope=slope), [X.copy()])


@pytest.mark.parametrize("axis", [0, 1, -1, 2])
def test_softmax_along_an_axis(axis):
    x = np.random.default_rng(1).normal(size=(2, 3, 4))
    e = np.exp(x)
    expected = e / e.sum(axis=axis, keepdims=True)
    result = ops.softmax(Tensor(x), axis=axis).numpy()
    np.testing.assert_allclose(result, expected)
    np.testing.assert_allclose(result.sum(axis=axis), 1.0)
    check_gradients(lambda t: ops.softmax(t, axis=axis), [x])


def test_saturated_inputs_stay_finite():
    big = np.array([-1000.0, 1000.0])
    np.testing.assert_array_equal(ops.sigmoid(Tensor(big)).numpy(), [0.0, 1.0])
    np.testing.assert_array_equal(ops.softplus(Tensor(big)).numpy(), [0.0, 1000.0])
    np.testing.assert_array_equal(ops.tanh(Tensor(big)).numpy(), [-1.0, 1.0])
    np.testing.assert_allclose(ops.softmax(Tensor(np.array([[1000.0, 1000.0, -1000.0]]))).numpy(), [[0.5, 0.5, 0.0]])
    np.testing.assert_array_equal(ops.elu(Tensor(big)).numpy(), [-1.0, 1000.0])


def test_relu_gradient_is_zero_at_and_below_zero():
    with ops.GradientTape() as tape:
        x = Tensor(np.array([-1.0, 0.0, 2.0]), requires_grad=True)
        y = ops.relu(x).sum()
    np.testing.assert_array_equal(tape.gradient(y, [x])[0], [0.0, 0.0, 1.0])


def test_get_by_name_callable_and_none():
    assert activations.get("relu") is activations.relu
    assert activations.get(None) is activations.linear
    custom = lambda x: x * 2.0  # noqa: E731
    assert activations.get(custom) is custom
    for name in KERAS:
        assert activations.serialize(activations.get(name)) == name


@pytest.mark.parametrize("bad", ["rellu", "Relu", 3])
def test_get_unknown_lists_the_names(bad):
    with pytest.raises(ValueError) as error:
        activations.get(bad)
    message = str(error.value)
    assert repr(bad) in message
    for name in KERAS:
        assert name in message
