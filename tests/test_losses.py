"""Each loss against Keras 3's formula, computed again here in NumPy, and its gradient."""
import numpy as np
import pytest

import kerasbook
from kerasbook import losses
from kerasbook.ops import GradientTape, Tensor
from kerasbook.ops.gradient_check import check_gradients

EPS = 1e-7


@pytest.fixture(autouse=True)
def float64():
    kerasbook.backend.set_floatx("float64")
    kerasbook.utils.set_random_seed(0)
    yield
    kerasbook.backend.set_floatx("float32")


# Keras 3, keras/src/losses/losses.py and backend/numpy/nn.py, written out again.

def keras_mse(y_true, y_pred):
    return np.mean(np.square(y_pred - y_true), axis=-1)


def keras_mae(y_true, y_pred):
    return np.mean(np.abs(y_pred - y_true), axis=-1)


def keras_bce(y_true, y_pred):
    p = np.clip(y_pred, EPS, 1 - EPS)
    return np.mean(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)), axis=-1)


def keras_cce(y_true, y_pred):
    p = y_pred / np.sum(y_pred, axis=-1, keepdims=True)
    p = np.clip(p, EPS, 1 - EPS)
    return -np.sum(y_true * np.log(p), axis=-1)


def keras_sparse_cce(y_true, y_pred):
    y_true = np.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = np.squeeze(y_true, axis=-1)
    one_hot = np.eye(y_pred.shape[-1])[y_true.astype(int)]
    return keras_cce(one_hot, y_pred)


RNG = np.random.default_rng(0)


def probabilities(*shape):
    p = RNG.uniform(0.05, 1.0, size=shape)
    return p / p.sum(axis=-1, keepdims=True)


def one_hot(labels, classes):
    return np.eye(classes)[labels]


def value(fn, y_true, y_pred):
    return fn(Tensor(np.asarray(y_true)), Tensor(np.asarray(y_pred))).numpy()


def test_mean_squared_error():
    y_true, y_pred = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    result = value(losses.mean_squared_error, y_true, y_pred)
    assert result.shape == (4,)
    np.testing.assert_allclose(result, keras_mse(y_true, y_pred))
    check_gradients(losses.mean_squared_error, [y_true, y_pred])


def test_mean_absolute_error():
    y_true, y_pred = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    result = value(losses.mean_absolute_error, y_true, y_pred)
    assert result.shape == (4,)
    np.testing.assert_allclose(result, keras_mae(y_true, y_pred))
    check_gradients(losses.mean_absolute_error, [y_true, y_pred])


def test_binary_crossentropy():
    y_true = RNG.integers(0, 2, size=(5, 2)).astype("float64")
    y_pred = RNG.uniform(0.05, 0.95, size=(5, 2))
    result = value(losses.binary_crossentropy, y_true, y_pred)
    assert result.shape == (5,)
    np.testing.assert_allclose(result, keras_bce(y_true, y_pred))
    check_gradients(losses.binary_crossentropy, [y_true, y_pred])


def test_binary_crossentropy_clips_saturated_outputs_like_keras():
    y_true = np.array([[1.0, 0.0, 1.0, 0.0]])
    y_pred = np.array([[0.0, 1.0, 1.0, 0.0]])  # two confidently wrong, two exactly right
    result = value(losses.binary_crossentropy, y_true, y_pred)
    assert np.isfinite(result).all()
    np.testing.assert_allclose(result, keras_bce(y_true, y_pred))
    np.testing.assert_allclose(result, [-(2 * np.log(EPS) + 2 * np.log(1 - EPS)) / 4])


def test_binary_crossentropy_soft_labels():
    y_true, y_pred = RNG.uniform(size=(3, 4)), RNG.uniform(0.1, 0.9, size=(3, 4))
    np.testing.assert_allclose(value(losses.binary_crossentropy, y_true, y_pred), keras_bce(y_true, y_pred))


def test_categorical_crossentropy():
    y_true, y_pred = one_hot(RNG.integers(0, 4, size=5), 4), probabilities(5, 4)
    result = value(losses.categorical_crossentropy, y_true, y_pred)
    assert result.shape == (5,)
    np.testing.assert_allclose(result, keras_cce(y_true, y_pred))
    check_gradients(losses.categorical_crossentropy, [y_true, y_pred])


def test_categorical_crossentropy_normalises_by_the_sum_first():
    y_true = np.array([[0.0, 1.0, 0.0]])
    y_pred = np.array([[1.0, 2.0, 1.0]])  # not a distribution: Keras divides by the row sum (4)
    np.testing.assert_allclose(value(losses.categorical_crossentropy, y_true, y_pred), [-np.log(0.5)])
    scores = RNG.uniform(0.5, 3.0, size=(3, 4))
    check_gradients(losses.categorical_crossentropy, [one_hot([0, 3, 1], 4), scores])


def test_categorical_crossentropy_clips_a_zero_probability():
    y_true, y_pred = np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])
    np.testing.assert_allclose(value(losses.categorical_crossentropy, y_true, y_pred), [-np.log(EPS)])


def test_categorical_crossentropy_on_sequences():
    y_true, y_pred = one_hot(RNG.integers(0, 3, size=(2, 4)), 3), probabilities(2, 4, 3)
    result = value(losses.categorical_crossentropy, y_true, y_pred)
    assert result.shape == (2, 4)
    np.testing.assert_allclose(result, keras_cce(y_true, y_pred))


@pytest.mark.parametrize("label_shape", [(6,), (6, 1)], ids=["(n,)", "(n,1)"])
def test_sparse_categorical_crossentropy(label_shape):
    labels = RNG.integers(0, 4, size=6)
    y_pred = probabilities(6, 4)
    result = value(losses.sparse_categorical_crossentropy, labels.reshape(label_shape), y_pred)
    assert result.shape == (6,)
    np.testing.assert_allclose(result, keras_sparse_cce(labels.reshape(label_shape), y_pred))
    np.testing.assert_allclose(result, keras_cce(one_hot(labels, 4), y_pred))
    check_gradients(lambda p: losses.sparse_categorical_crossentropy(Tensor(labels.reshape(label_shape)), p), [y_pred])


def test_sparse_categorical_crossentropy_accepts_float_labels():
    labels, y_pred = np.array([2.0, 0.0, 1.0]), probabilities(3, 3)
    np.testing.assert_allclose(value(losses.sparse_categorical_crossentropy, labels, y_pred),
                               keras_cce(one_hot([2, 0, 1], 3), y_pred))


def test_sparse_categorical_crossentropy_on_sequences():
    labels, y_pred = RNG.integers(0, 3, size=(2, 5)), probabilities(2, 5, 3)
    result = value(losses.sparse_categorical_crossentropy, labels, y_pred)
    assert result.shape == (2, 5)
    np.testing.assert_allclose(result, keras_sparse_cce(labels, y_pred))


def test_sparse_categorical_crossentropy_on_length_one_sequences():
    # Output (batch, 1 step, classes) with labels (batch, 1): the 1 is the time axis, not a
    # trailing axis to drop, because the labels already have one axis fewer than the output.
    labels, y_pred = RNG.integers(0, 3, size=(4, 1)), probabilities(4, 1, 3)
    result = value(losses.sparse_categorical_crossentropy, labels, y_pred)
    assert result.shape == (4, 1)
    np.testing.assert_allclose(result, keras_sparse_cce(labels, y_pred))


def test_sparse_equals_categorical_on_one_hot_labels():
    labels, y_pred = RNG.integers(0, 5, size=8), probabilities(8, 5)
    np.testing.assert_allclose(value(losses.sparse_categorical_crossentropy, labels, y_pred),
                               value(losses.categorical_crossentropy, one_hot(labels, 5), y_pred))


@pytest.mark.parametrize("fn", [losses.mean_squared_error, losses.mean_absolute_error, losses.binary_crossentropy,
                                losses.categorical_crossentropy])
def test_float32_in_float32_out(fn):
    y_true = np.array([[0.0, 1.0, 0.0]], dtype="float32")
    y_pred = np.array([[0.2, 0.5, 0.3]], dtype="float32")
    assert value(fn, y_true, y_pred).dtype == np.float32


def test_gradient_is_zero_where_bce_clips():
    y_true = Tensor(np.array([[1.0, 1.0]]))
    y_pred = Tensor(np.array([[0.0, 0.5]]), requires_grad=True)
    with GradientTape() as tape:
        loss = losses.binary_crossentropy(y_true, y_pred).sum()
    grad = tape.gradient(loss, [y_pred])[0]
    np.testing.assert_allclose(grad, [[0.0, -1.0 / (2 * 0.5)]])


@pytest.mark.parametrize("name, fn", [
    ("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error),
    ("mean_squared_error", losses.mean_squared_error),
    ("mae", losses.mean_absolute_error), ("mean_absolute_error", losses.mean_absolute_error),
    ("binary_crossentropy", losses.binary_crossentropy),
    ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
])
def test_get_by_name(name, fn):
    assert losses.get(name) is fn


def test_get_passes_a_callable_through():
    def my_loss(y_true, y_pred):
        return y_pred - y_true
    assert losses.get(my_loss) is my_loss


@pytest.mark.parametrize("bad", ["categorical_cross_entropy", "", None, 3])
def test_get_unknown_names_the_loss_and_lists_the_choices(bad):
    with pytest.raises(ValueError) as error:
        losses.get(bad)
    message = str(error.value)
    assert f"Unknown loss {bad!r}" in message
    assert "categorical_crossentropy" in message and "mse" in message
