"""`kerasbook.backend` as `K`: Keras's backend functions, custom losses written with them, settings."""
import numpy as np
import pytest

import kerasbook
import kerasbook.backend as K
from kerasbook.layers import Dense
from kerasbook.models import Sequential
from kerasbook.ops import GradientTape, Tensor
from kerasbook.ops.gradient_check import check_gradients

RNG = np.random.default_rng(0)
X = RNG.uniform(-1.0, 1.0, size=(3, 4))
POSITIVE = RNG.uniform(0.5, 2.0, size=(3, 4))


@pytest.fixture
def float64():
    K.set_floatx("float64")
    kerasbook.utils.set_random_seed(0)
    yield
    K.set_floatx("float32")


UNARY = [
    ("mean", lambda x: K.mean(x), np.mean, X),
    ("mean axis=-1", lambda x: K.mean(x, axis=-1), lambda x: np.mean(x, axis=-1), X),
    ("mean axis=0 keepdims", lambda x: K.mean(x, axis=0, keepdims=True), lambda x: np.mean(x, 0, keepdims=True), X),
    ("sum", lambda x: K.sum(x), np.sum, X),
    ("sum axis=1", lambda x: K.sum(x, axis=1), lambda x: np.sum(x, axis=1), X),
    ("square", K.square, np.square, X),
    ("abs", K.abs, np.abs, X),
    ("sqrt", K.sqrt, np.sqrt, POSITIVE),
    ("exp", K.exp, np.exp, X),
    ("log", K.log, np.log, POSITIVE),
    ("clip", lambda x: K.clip(x, -0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), X),
    ("max axis=-1", lambda x: K.max(x, axis=-1), lambda x: np.max(x, axis=-1), X),
    ("min", lambda x: K.min(x), np.min, X),
    ("pow", lambda x: K.pow(x, 3), lambda x: x ** 3, X),
    ("std", lambda x: K.std(x, axis=-1), lambda x: np.std(x, axis=-1), X),
    ("reshape", lambda x: K.reshape(x, (4, 3)), lambda x: x.reshape(4, 3), X),
    ("transpose", K.transpose, np.transpose, X),
    ("relu", K.relu, lambda x: np.maximum(x, 0), X),
    ("sigmoid", K.sigmoid, lambda x: 1 / (1 + np.exp(-x)), X),
    ("softmax", K.softmax, lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True), X),
]


@pytest.mark.parametrize("fn, reference, x", [u[1:] for u in UNARY], ids=[u[0] for u in UNARY])
def test_unary_functions(float64, fn, reference, x):
    result = fn(Tensor(x))
    assert isinstance(result, Tensor)
    np.testing.assert_allclose(K.get_value(result), reference(x))
    check_gradients(fn, [x.copy()])


BINARY = [
    ("maximum", K.maximum, np.maximum, (3, 4), (3, 4)),
    ("minimum", K.minimum, np.minimum, (3, 4), (4,)),
    ("dot 2-D", K.dot, np.dot, (3, 4), (4, 2)),
    ("dot 3-D . 2-D", K.dot, np.dot, (2, 3, 4), (4, 5)),
]


@pytest.mark.parametrize("fn, reference, shape_a, shape_b", [b[1:] for b in BINARY], ids=[b[0] for b in BINARY])
def test_binary_functions(float64, fn, reference, shape_a, shape_b):
    a, b = RNG.normal(size=shape_a), RNG.normal(size=shape_b)
    np.testing.assert_allclose(K.get_value(fn(Tensor(a), Tensor(b))), reference(a, b))
    check_gradients(fn, [a, b])


def test_functions_accept_plain_arrays():
    np.testing.assert_allclose(K.get_value(K.mean(np.array([1.0, 2.0, 6.0]))), 3.0)
    np.testing.assert_allclose(K.get_value(K.maximum(np.array([1.0, -1.0]), 0.0)), [1.0, 0.0])


def test_settings_have_keras_defaults():
    assert K.epsilon() == 1e-7
    assert K.floatx() == "float32"
    assert K.image_data_format() == "channels_last"
    assert K.backend() == "numpy"


def test_set_floatx_rejects_unknown_types():
    with pytest.raises(ValueError, match="Unknown floatx 'float8'"):
        K.set_floatx("float8")
    assert K.floatx() == "float32"


def test_set_epsilon_changes_the_losses_clipping():
    try:
        K.set_epsilon(1e-3)
        assert K.epsilon() == 1e-3
        loss = K.binary_crossentropy(Tensor(np.array([[1.0]])), Tensor(np.array([[0.0]])))
        np.testing.assert_allclose(K.get_value(loss), [-np.log(1e-3)], rtol=1e-6)
    finally:
        K.set_epsilon(1e-7)


def test_variable_get_value_set_value():
    v = K.variable(np.array([[1.0, 2.0], [3.0, 4.0]]), name="v")
    assert v.dtype == np.float32 and v.name == "v"
    assert K.int_shape(v) == (2, 2) and K.ndim(v) == 2
    values = K.get_value(v)
    assert isinstance(values, np.ndarray)
    np.testing.assert_array_equal(values, [[1, 2], [3, 4]])
    K.set_value(v, np.array([[5.0, 6.0], [7.0, 8.0]]))
    np.testing.assert_array_equal(K.get_value(v), [[5, 6], [7, 8]])
    np.testing.assert_array_equal(values, [[1, 2], [3, 4]])  # an earlier get_value is a copy
    assert K.variable([1, 2], dtype="float64").dtype == np.float64
    np.testing.assert_array_equal(K.eval(K.constant([1.5, 2.5])), [1.5, 2.5])


def test_set_value_with_the_wrong_shape_is_refused():
    v = K.variable(np.zeros((2, 2)), name="v")
    with pytest.raises(ValueError, match=r"\(2, 2\).*\(2,\)|\(2,\).*\(2, 2\)"):
        K.set_value(v, np.array([1.0, 2.0]))
    np.testing.assert_array_equal(K.get_value(v), np.zeros((2, 2)))


def test_variable_is_trainable():
    v = K.variable(np.array([1.0, 2.0]))
    with GradientTape() as tape:
        y = K.sum(K.square(v))
    np.testing.assert_allclose(tape.gradient(y, [v])[0], [2.0, 4.0])


def test_int_shape_and_argmax():
    x = Tensor(np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3]]))
    assert K.int_shape(x) == (2, 3)
    assert K.int_shape(np.zeros((4, 1, 2))) == (4, 1, 2)
    np.testing.assert_array_equal(K.get_value(K.argmax(x)), [1, 0])
    np.testing.assert_array_equal(K.get_value(K.argmax(x, axis=0)), [1, 0, 1])


def test_zeros_ones_equal_concatenate():
    assert K.get_value(K.zeros((2, 3))).dtype == np.float32
    np.testing.assert_array_equal(K.get_value(K.ones((2,))), [1.0, 1.0])
    np.testing.assert_array_equal(K.get_value(K.equal(Tensor(np.array([1, 2])), Tensor(np.array([1, 3])))),
                                  [True, False])
    joined = K.concatenate([Tensor(np.zeros((2, 1))), Tensor(np.ones((2, 2)))], axis=-1)
    assert K.int_shape(joined) == (2, 3)


# --- custom losses and metrics written with K -----------------------------------

def my_loss(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true), axis=-1)


def regression_data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = (x @ rng.normal(size=(5, 2))).astype("float32")
    return x, y


def trained(loss, epochs=5):
    kerasbook.utils.set_random_seed(7)
    model = Sequential([Dense(8, activation="tanh", input_dim=5), Dense(2)])
    model.compile(optimizer=kerasbook.optimizers.SGD(learning_rate=0.05), loss=loss)
    x, y = regression_data()
    history = model.fit(x, y, epochs=epochs, batch_size=16, verbose=0)
    return model, history.history["loss"]


def test_custom_loss_written_with_K_trains():
    _, losses = trained(my_loss, epochs=10)
    assert losses[-1] < 0.5 * losses[0]


def test_custom_loss_matches_mse_step_for_step():
    custom_model, custom_losses = trained(my_loss)
    mse_model, mse_losses = trained("mse")
    assert custom_losses == mse_losses
    for a, b in zip(custom_model.get_weights(), mse_model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_custom_loss_with_operators_and_K_functions():
    def weighted(y_true, y_pred):
        return K.mean(K.abs(y_pred - y_true) * 2.0 + K.maximum(y_pred - y_true, 0.0), axis=-1)
    _, losses = trained(weighted, epochs=8)
    assert np.isfinite(losses).all() and losses[-1] < losses[0]


def test_custom_metric_written_with_K():
    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)
    kerasbook.utils.set_random_seed(3)
    model = Sequential([Dense(1, activation="sigmoid", input_dim=4)])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy", mean_pred])
    x = np.random.default_rng(0).normal(size=(20, 4))
    y = (x[:, :1] > 0).astype("float32")
    logs = model.evaluate(x, y, batch_size=20, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["mean_pred"], model.predict(x, verbose=0).mean(), rtol=1e-6)


# --- seeds and backends ---------------------------------------------------------

def initial_weights():
    model = Sequential([Dense(6, activation="relu", input_dim=4), Dense(3)])
    return model.get_weights()


def test_set_random_seed_repeats_initial_weights():
    kerasbook.utils.set_random_seed(42)
    first = initial_weights()
    kerasbook.utils.set_random_seed(42)
    second = initial_weights()
    kerasbook.utils.set_random_seed(43)
    other = initial_weights()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])
    assert K.set_random_seed is kerasbook.utils.set_random_seed


def test_set_backend_rejects_an_unknown_name_clearly():
    with pytest.raises(ValueError) as error:
        K.set_backend("bogus")
    message = str(error.value)
    assert "'bogus'" in message and "numpy" in message and "cupy" in message
    assert K.backend() == "numpy"
    assert K.xp() is np


def test_clear_session_restarts_layer_names():
    K.clear_session()
    assert Dense(1).name == "dense"
    assert Dense(1).name == "dense_1"
    K.clear_session()
    assert Dense(1).name == "dense"
