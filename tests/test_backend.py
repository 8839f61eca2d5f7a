"""`kerasbook.backend` as `K`: Keras's backend functions, custom losses written with them, settings."""
import pathlib

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
        np.testing.assert_allclose(K.get_value(loss), [[-np.log(1e-3)]], rtol=1e-6)  # per element, as in Keras 2
        loss = kerasbook.losses.binary_crossentropy(Tensor(np.array([[1.0]])), Tensor(np.array([[0.0]])))
        np.testing.assert_allclose(K.get_value(loss), [-np.log(1e-3)], rtol=1e-6)  # the loss averages the last axis
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


# --- every backend function: forward against NumPy, gradient against finite differences ----------

def softmax_np(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


X3 = RNG.uniform(-1.0, 1.0, size=(2, 3, 4))
COLUMN = RNG.uniform(-1.0, 1.0, size=(3, 1))
MIXED = np.array([[-1.5, -0.2, 0.3, 0.8], [1.2, 0.6, -0.6, 2.5], [0.1, -0.3, 0.7, 1.7]])  # away from the kinks

SHAPE_FUNCTIONS = [
    ("cast", lambda x: K.cast(x, "float64"), lambda x: x, X),
    ("flatten", K.flatten, lambda x: x.reshape(-1), X3),
    ("batch_flatten", K.batch_flatten, lambda x: x.reshape(2, -1), X3),
    ("expand_dims default", K.expand_dims, lambda x: x[..., None], X),
    ("expand_dims 1", lambda x: K.expand_dims(x, 1), lambda x: x[:, None], X),
    ("squeeze", lambda x: K.squeeze(x, 1), lambda x: x[:, 0], COLUMN),
    ("permute_dimensions", lambda x: K.permute_dimensions(x, (0, 2, 1)), lambda x: x.transpose(0, 2, 1), X3),
    ("repeat_elements", lambda x: K.repeat_elements(x, 3, axis=1), lambda x: np.repeat(x, 3, axis=1), X3),
    ("repeat_elements -1", lambda x: K.repeat_elements(x, 2, axis=-1), lambda x: np.repeat(x, 2, axis=-1), X),
    ("tile", lambda x: K.tile(x, (2, 3)), lambda x: np.tile(x, (2, 3)), X),
    ("tile int", lambda x: K.tile(x, 2), lambda x: np.tile(x, 2), X),
    ("tile longer", lambda x: K.tile(x, (2, 1, 2)), lambda x: np.tile(x, (2, 1, 2)), X),
    ("transpose 3-D", K.transpose, np.transpose, X3),
    ("reshape -1", lambda x: K.reshape(x, (-1, 6)), lambda x: x.reshape(-1, 6), X3),
    ("var", lambda x: K.var(x), np.var, X),
    ("var axis=0 keepdims", lambda x: K.var(x, axis=0, keepdims=True), lambda x: np.var(x, 0, keepdims=True), X),
    ("std axes", lambda x: K.std(x, axis=(0, 2)), lambda x: np.std(x, axis=(0, 2)), X3),
    ("max keepdims", lambda x: K.max(x, axis=1, keepdims=True), lambda x: x.max(1, keepdims=True), X3),
    ("min axis=0", lambda x: K.min(x, axis=0), lambda x: x.min(0), X),
    ("sum axes", lambda x: K.sum(x, axis=[0, 2]), lambda x: x.sum((0, 2)), X3),
    ("l2_normalize all", K.l2_normalize, lambda x: x / np.sqrt((x ** 2).sum()), X),
    ("l2_normalize axis=-1", lambda x: K.l2_normalize(x, axis=-1),
     lambda x: x / np.sqrt((x ** 2).sum(-1, keepdims=True)), X),
    ("tanh", K.tanh, np.tanh, X),
    ("softmax axis=1", lambda x: K.softmax(x, axis=1), lambda x: softmax_np(x, 1), X3),
    ("relu alpha", lambda x: K.relu(x, alpha=0.1), lambda x: np.where(x > 0, x, 0.1 * x), MIXED),
    ("relu max_value", lambda x: K.relu(x, max_value=1.0), lambda x: np.clip(x, 0, 1), MIXED),
    ("relu threshold", lambda x: K.relu(x, threshold=0.5), lambda x: np.where(x > 0.5, x, 0), MIXED),
    ("relu all", lambda x: K.relu(x, alpha=0.2, max_value=1.5, threshold=0.4),
     lambda x: np.where(x > 0.4, np.minimum(x, 1.5), 0.2 * (x - 0.4)), MIXED),
    ("clip no upper bound", lambda x: K.clip(x, -0.5, None), lambda x: np.maximum(x, -0.5), X),
    ("clip no lower bound", lambda x: K.clip(x, None, 0.5), lambda x: np.minimum(x, 0.5), X),
    ("clip max below min", lambda x: K.clip(x, 0.2, -0.3), lambda x: np.full_like(x, 0.2), X),
    ("elu", K.elu, lambda x: np.where(x > 0, x, np.expm1(x)), MIXED),
    ("softplus", K.softplus, lambda x: np.log1p(np.exp(x)), X),
    ("ones_like times x", lambda x: K.ones_like(x) * x, lambda x: x, X),
    ("zeros_like plus x", lambda x: K.zeros_like(x) + x, lambda x: x, X),
    ("getitem", lambda x: x[:, 1:3], lambda x: x[:, 1:3], X),
]


@pytest.mark.parametrize("fn, reference, x", [u[1:] for u in SHAPE_FUNCTIONS], ids=[u[0] for u in SHAPE_FUNCTIONS])
def test_shape_reduction_and_activation_functions(float64, fn, reference, x):
    result = fn(Tensor(x))
    assert isinstance(result, Tensor)
    np.testing.assert_allclose(K.get_value(result), reference(x), rtol=1e-12, atol=1e-15)
    check_gradients(fn, [x.copy()])


MANY = [
    ("stack", lambda a, b: K.stack([a, b]), lambda a, b: np.stack([a, b]), (3, 4), (3, 4)),
    ("stack axis=-1", lambda a, b: K.stack([a, b], axis=-1), lambda a, b: np.stack([a, b], -1), (3, 4), (3, 4)),
    ("concatenate axis=0", lambda a, b: K.concatenate([a, b], axis=0), lambda a, b: np.concatenate([a, b]),
     (3, 4), (2, 4)),
    ("dot 3-D . 3-D", K.dot, np.dot, (2, 3, 4), (5, 4, 2)),
    ("dot 2-D . 4-D", K.dot, np.dot, (3, 4), (2, 3, 4, 2)),
    ("batch_dot 2-D", lambda a, b: K.batch_dot(a, b, axes=1), lambda a, b: (a * b).sum(1, keepdims=True),
     (4, 5), (4, 5)),
    ("batch_dot 3-D matmul", K.batch_dot, lambda a, b: a @ b, (4, 2, 5), (4, 5, 3)),
    ("batch_dot 3-D axes 1", lambda a, b: K.batch_dot(a, b, axes=1), lambda a, b: np.einsum("bij,bik->bjk", a, b),
     (4, 5, 2), (4, 5, 3)),
    ("batch_dot 3-D . 2-D", lambda a, b: K.batch_dot(a, b, axes=(2, 1)), lambda a, b: np.einsum("bij,bj->bi", a, b),
     (4, 3, 5), (4, 5)),
    ("maximum broadcast", K.maximum, np.maximum, (3, 4), (1, 4)),
    ("binary_crossentropy from logits", lambda t, p: K.binary_crossentropy(t, p, from_logits=True),
     lambda t, p: np.logaddexp(0, p) - p * t, (3, 4), (3, 4)),
    ("categorical_crossentropy from logits", lambda t, p: K.categorical_crossentropy(t, p, from_logits=True),
     lambda t, p: -(t * np.log(softmax_np(p))).sum(-1), (3, 4), (3, 4)),
]


@pytest.mark.parametrize("fn, reference, shape_a, shape_b", [m[1:] for m in MANY], ids=[m[0] for m in MANY])
def test_functions_of_two_tensors(float64, fn, reference, shape_a, shape_b):
    a, b = RNG.normal(size=shape_a), RNG.normal(size=shape_b)
    np.testing.assert_allclose(K.get_value(fn(Tensor(a), Tensor(b))), reference(a, b), rtol=1e-12, atol=1e-14)
    check_gradients(fn, [a, b])


def test_probability_losses_per_element(float64):
    target = np.array([[1.0, 0.0, 1.0], [0.0, 0.3, 1.0]])
    output = np.array([[0.9, 0.2, 0.6], [0.1, 0.5, 0.99]])
    expected = -(target * np.log(output) + (1 - target) * np.log(1 - output))
    np.testing.assert_allclose(K.get_value(K.binary_crossentropy(Tensor(target), Tensor(output))), expected)
    check_gradients(K.binary_crossentropy, [target, output])
    onehot = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    scaled = output / output.sum(-1, keepdims=True)  # Keras scales the outputs to sum to 1 first
    np.testing.assert_allclose(K.get_value(K.categorical_crossentropy(Tensor(onehot), Tensor(output))),
                               -(onehot * np.log(scaled)).sum(-1))
    check_gradients(K.categorical_crossentropy, [onehot, output])


def test_sqrt_clamps_negative_values_to_zero_as_keras_2():
    np.testing.assert_array_equal(K.get_value(K.sqrt(Tensor(np.array([-4.0, 0.0, 9.0])))), [0.0, 0.0, 3.0])


def test_l2_normalize_keeps_a_zero_vector_zero():
    np.testing.assert_array_equal(K.get_value(K.l2_normalize(Tensor(np.zeros((2, 3))), axis=1)), np.zeros((2, 3)))
    tiny = np.full((1, 2), 1e-8)  # the squared length 2e-16 is raised to 1e-12, as Keras 2 does
    np.testing.assert_allclose(K.get_value(K.l2_normalize(Tensor(tiny), axis=1)), tiny / 1e-6)


def test_shape_ndim_dtype_of_tensors_and_arrays():
    x = Tensor(np.zeros((2, 3), dtype="float32"))
    shape = K.shape(x)
    assert isinstance(shape, Tensor) and shape.dtype == np.int32
    np.testing.assert_array_equal(K.get_value(shape), [2, 3])
    assert K.int_shape(x) == (2, 3) and K.ndim(x) == 2 and K.dtype(x) == "float32"
    assert K.dtype(K.variable([1, 2], dtype="float64")) == "float64"
    assert K.int_shape(kerasbook.Input(shape=(None, 5))) == (None, None, 5)
    assert K.ndim(kerasbook.Input(shape=(4,))) == 2 and K.dtype(kerasbook.Input(shape=(4,))) == "float32"
    assert K.is_keras_tensor(kerasbook.Input(shape=(4,))) and not K.is_keras_tensor(x)


def test_indices_comparisons_and_rounding_have_no_gradient():
    x = Tensor(np.array([[0.5, -1.5, 2.5], [3.0, 0.2, -0.7]]))
    np.testing.assert_array_equal(K.get_value(K.argmin(x)), [1, 2])
    np.testing.assert_array_equal(K.get_value(K.argmax(x, axis=0)), [1, 1, 0])
    np.testing.assert_array_equal(K.get_value(K.round(x)), [[0.0, -2.0, 2.0], [3.0, 0.0, -1.0]])  # halves to even
    np.testing.assert_array_equal(K.get_value(K.not_equal(x, 0.5)), [[False, True, True], [True, True, True]])
    np.testing.assert_array_equal(K.get_value(K.greater(x, 0.0)), [[True, False, True], [True, True, False]])
    accuracy = K.mean(K.equal(K.round(Tensor(np.array([0.2, 0.7, 0.9]))), Tensor(np.array([0.0, 1.0, 0.0]))))
    assert K.dtype(accuracy) == "float32" and float(accuracy) == pytest.approx(2 / 3)  # a boolean mean is floatx


def test_random_tensors_follow_the_seed_and_their_parameters():
    kerasbook.utils.set_random_seed(5)
    first = K.get_value(K.random_normal((1000, 20), mean=2.0, stddev=0.5))
    kerasbook.utils.set_random_seed(5)
    np.testing.assert_array_equal(K.get_value(K.random_normal((1000, 20), mean=2.0, stddev=0.5)), first)
    assert first.dtype == np.float32 and abs(first.mean() - 2.0) < 0.01 and abs(first.std() - 0.5) < 0.01
    uniform = K.get_value(K.random_uniform((1000, 20), minval=-1.0, maxval=3.0, dtype="float64"))
    assert uniform.dtype == np.float64 and uniform.min() >= -1.0 and uniform.max() < 3.0
    assert abs(uniform.mean() - 1.0) < 0.05
    coins = K.get_value(K.random_binomial((1000, 20), p=0.3))
    assert set(np.unique(coins)) == {0.0, 1.0} and abs(coins.mean() - 0.3) < 0.01
    seeded = [K.get_value(K.random_uniform((3,), seed=1)) for _ in range(2)]
    np.testing.assert_array_equal(seeded[0], seeded[1])
    batch = K.shape(Tensor(np.zeros((7, 2))))[0]  # a size read from K.shape, as the VAE's sampling does
    assert K.int_shape(K.random_normal(shape=(batch, 4))) == (7, 4)
    assert K.random_bernoulli is K.random_binomial


def test_zeros_ones_are_variables_and_likes_are_tensors():
    zeros, ones = K.zeros((2, 3)), K.ones((2,), dtype="float64")
    assert isinstance(zeros, kerasbook.ops.Variable) and zeros.trainable  # Keras 2 makes them variables
    assert ones.dtype == np.float64
    x = Tensor(np.arange(6.0).reshape(2, 3))
    np.testing.assert_array_equal(K.get_value(K.ones_like(x)), np.ones((2, 3)))
    assert K.zeros_like(x, dtype="int32").dtype == np.int32
    np.testing.assert_array_equal(K.get_value(K.constant(2.5, shape=(2, 2))), np.full((2, 2), 2.5))
    assert K.constant([1, 2], dtype="int32").dtype == np.int32


def test_get_value_of_a_symbolic_tensor_is_a_clear_error():
    with pytest.raises(TypeError, match="symbolic tensor has no values yet.*K.function"):
        K.get_value(kerasbook.Input(shape=(3,)))


def test_gradients_points_to_gradient_tape():
    x = kerasbook.Input(shape=(3,))
    with pytest.raises(NotImplementedError, match="GradientTape"):
        K.gradients(K.sum(x), [x])


# --- K.function ------------------------------------------------------------------------

def test_function_reads_a_hidden_layer_of_a_model():
    kerasbook.utils.set_random_seed(2)
    model = Sequential([Dense(5, activation="relu", input_dim=3), Dense(2)])
    get_hidden = K.function([model.input], [model.layers[0].output])
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    hidden = get_hidden([x])
    assert isinstance(hidden, list) and isinstance(hidden[0], np.ndarray)
    kernel, bias = model.layers[0].get_weights()
    np.testing.assert_allclose(hidden[0], np.maximum(x @ kernel + bias, 0), rtol=1e-6)
    both = K.function(model.input, [model.layers[0].output, model.output])(x)
    np.testing.assert_allclose(both[1], model.predict(x, verbose=0), rtol=1e-6)
    single = K.function([model.input], model.output)([x])
    assert isinstance(single, np.ndarray)


def test_function_over_symbolic_operations_and_from_a_middle_tensor():
    inputs = kerasbook.Input(shape=(4,))
    doubled = inputs * 2
    total = K.sum(doubled, axis=-1)
    x = np.arange(8.0).reshape(2, 4)
    np.testing.assert_allclose(K.function([inputs], [total])([x])[0], [12.0, 44.0])
    np.testing.assert_allclose(K.function([doubled], [total])([x])[0], [6.0, 22.0])  # fed in the middle


def test_function_refuses_what_it_cannot_do():
    inputs, other = kerasbook.Input(shape=(4,)), kerasbook.Input(shape=(4,))
    with pytest.raises(ValueError, match="Graph disconnected"):
        K.function([inputs], [other * 2])
    with pytest.raises(TypeError, match="symbolic tensors"):
        K.function([inputs], [np.zeros(3)])
    f = K.function([inputs], [inputs + 1])
    with pytest.raises(ValueError, match="expects 1 input value"):
        f([np.zeros((1, 4)), np.zeros((1, 4))])


# --- Keras's numbers -----------------------------------------------------------------------
# tests/data/keras_reference/backend.npz, recorded from Keras 3 by tools/record_keras_reference_backend.py

REFERENCE = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "backend.npz")
REFERENCE_FUNCTIONS = {
    "var": K.var,
    "var_axis1": lambda x: K.var(x, axis=1),
    "var_axis0_keepdims": lambda x: K.var(x, axis=0, keepdims=True),
    "std": K.std,
    "std_axis_last": lambda x: K.std(x, axis=-1),
    "std_axes_01": lambda x: K.std(x, axis=(0, 1)),
    "l2_normalize_all": K.l2_normalize,
    "l2_normalize_axis1": lambda x: K.l2_normalize(x, axis=1),
    "l2_normalize_axis0": lambda x: K.l2_normalize(x, axis=0),
    "binary_crossentropy": K.binary_crossentropy,
    "binary_crossentropy_soft": K.binary_crossentropy,
    "binary_crossentropy_logits": lambda t, p: K.binary_crossentropy(t, p, from_logits=True),
    "categorical_crossentropy": K.categorical_crossentropy,
    "categorical_crossentropy_logits": lambda t, p: K.categorical_crossentropy(t, p, from_logits=True),
    "categorical_crossentropy_axis1": lambda t, p: K.categorical_crossentropy(t, p, axis=1),
    "dot_3d_2d": K.dot,
    "dot_3d_3d": K.dot,
    "dot_2d_4d": K.dot,
    "batch_dot_2d_2d": lambda x, y: K.batch_dot(x, y, axes=1),
    "batch_dot_3d_3d": lambda x, y: K.batch_dot(x, y, axes=(2, 1)),
    "batch_dot_3d_3d_default": K.batch_dot,
    "batch_dot_3d_3d_axes_1_1": lambda x, y: K.batch_dot(x, y, axes=1),
    "batch_dot_3d_2d": lambda x, y: K.batch_dot(x, y, axes=(2, 1)),
    "batch_dot_2d_3d": lambda x, y: K.batch_dot(x, y, axes=(1, 1)),
    "batch_dot_4d_3d": lambda x, y: K.batch_dot(x, y, axes=(3, 2)),
    "batch_dot_3d_4d": lambda x, y: K.batch_dot(x, y, axes=(1, 3)),
    "repeat_elements_axis1": lambda x: K.repeat_elements(x, 3, axis=1),
    "repeat_elements_axis0": lambda x: K.repeat_elements(x, 2, axis=0),
    "tile": lambda x: K.tile(x, (2, 3)),
    "tile_3d": lambda x: K.tile(x, (1, 2, 2)),
    "relu_alpha": lambda x: K.relu(x, alpha=0.3),
    "relu_max_value": lambda x: K.relu(x, max_value=1.0),
    "relu_threshold": lambda x: K.relu(x, threshold=0.5),
    "relu_all": lambda x: K.relu(x, alpha=0.2, max_value=1.5, threshold=0.4),
    "softmax_axis0": lambda x: K.softmax(x, axis=0),
}


@pytest.mark.parametrize("name", sorted(REFERENCE_FUNCTIONS))
def test_outputs_and_gradients_equal_keras(float64, name):
    fn = REFERENCE_FUNCTIONS[name]
    inputs = [REFERENCE[f"{name}/input{i}"] for i in range(2) if f"{name}/input{i}" in REFERENCE]
    tensors = [Tensor(x, requires_grad=True) for x in inputs]
    with GradientTape() as tape:
        output = fn(*tensors)
        projected = K.sum(output * Tensor(REFERENCE[f"{name}/direction"]))
    expected = REFERENCE[f"{name}/output"]
    # Keras computes some of these in float32 even for float64 inputs; those agree to float32's precision
    in_float32 = expected.dtype == np.float32 or name.startswith("l2_normalize")
    rtol, atol = (1e-6, 1e-6) if in_float32 else (1e-12, 1e-14)
    np.testing.assert_allclose(K.get_value(output), expected, rtol=rtol, atol=atol)
    for i, grad in enumerate(tape.gradient(projected, tensors)):
        np.testing.assert_allclose(grad, REFERENCE[f"{name}/grad{i}"], rtol=100 * rtol, atol=10 * atol)


def test_every_reference_case_is_checked():
    recorded = {key.split("/")[0] for key in REFERENCE.files if "/" in key}
    assert recorded == set(REFERENCE_FUNCTIONS)
