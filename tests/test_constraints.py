"""Weight constraints against Keras 3's recorded numbers, and their place after each optimizer update.

tests/data/keras_reference/regularization.npz was written by
tools/record_keras_reference_regularization.py with Keras 3 (torch backend); the models that
train with constraints are in tests/test_regularizers.py.
"""
import json
import pathlib

import numpy as np
import pytest

import kerasbook.backend as K
from kerasbook import Input, layers, optimizers
from kerasbook import constraints as C
from kerasbook.backend import to_device, to_numpy
from kerasbook.models import Sequential
from kerasbook.ops import GradientTape, Tensor, Variable

REFERENCE = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "regularization.npz")
KERAS_CONFIGS = json.loads(str(REFERENCE["configs"]))


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


@pytest.mark.parametrize("name", [str(n) for n in REFERENCE["constraint_cases"]])
def test_projection_equals_keras(name):
    config = json.loads(str(REFERENCE[f"{name}.config"]))
    constraint = getattr(C, str(REFERENCE[f"{name}.class"]))(**config)
    projected = constraint(Tensor(to_device(REFERENCE[f"{name}.w"])))
    assert projected.dtype == np.float32
    np.testing.assert_allclose(to_numpy(projected.data), REFERENCE[f"{name}.projected"], rtol=1e-6, atol=1e-7)


def test_what_each_constraint_guarantees():
    w = Tensor(to_device(rand(6, 4, seed=1) * 3))
    norms = lambda v, axis=0: np.sqrt((to_numpy(v.data) ** 2).sum(axis=axis))  # noqa: E731
    assert norms(C.max_norm(1.5)(w)).max() <= 1.5 + 1e-6
    small = Tensor(to_device(rand(6, 4, seed=1) * 0.01))
    # below the bound only Keras's epsilon in norm / (epsilon + norm) moves it: 1e-7 / 0.01
    np.testing.assert_allclose(to_numpy(C.max_norm(1.5)(small).data), to_numpy(small.data), rtol=2e-5)
    np.testing.assert_allclose(norms(C.unit_norm()(w)), 1.0, rtol=1e-6)
    np.testing.assert_allclose(norms(C.unit_norm(axis=1)(w), axis=1), 1.0, rtol=1e-6)
    assert (to_numpy(C.non_neg()(w).data) >= 0).all()
    bounded = norms(C.min_max_norm(0.5, 0.8)(w))
    assert bounded.min() >= 0.5 - 1e-6 and bounded.max() <= 0.8 + 1e-6


def test_by_name_and_spellings():
    assert isinstance(C.get("max_norm"), C.MaxNorm) and C.get("max_norm").get_config() == {"max_value": 2, "axis": 0}
    assert isinstance(C.get("MaxNorm"), C.MaxNorm) and isinstance(C.get("maxnorm"), C.MaxNorm)
    assert isinstance(C.get("non_neg"), C.NonNeg) and isinstance(C.get("NonNeg"), C.NonNeg)
    assert isinstance(C.get("unit_norm"), C.UnitNorm) and isinstance(C.get("min_max_norm"), C.MinMaxNorm)
    assert C.min_max_norm().get_config() == {"min_value": 0.0, "max_value": 1.0, "rate": 1.0, "axis": 0}
    assert C.max_norm is C.MaxNorm and C.non_neg is C.NonNeg and C.unit_norm is C.UnitNorm
    assert C.get(None) is None and isinstance(C.get(C.UnitNorm), C.UnitNorm)

    def clip(w):
        return w
    assert C.get(clip) is clip
    with pytest.raises(ValueError, match="Unknown constraint 'max'.*'max_norm'"):
        C.get("max")
    with pytest.raises(ValueError, match="Could not interpret constraint 2"):
        C.get(2)
    with pytest.raises(ValueError, match="Unknown constraint 'positive'"):
        layers.Dense(2, kernel_constraint="positive")


@pytest.mark.parametrize("name", ["MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "max_norm_by_name"])
def test_serialize_writes_keras_config(name):
    made = {"MaxNorm": C.MaxNorm(0.8, axis=[0, 1, 2]), "NonNeg": C.NonNeg(), "UnitNorm": C.UnitNorm(axis=1),
            "MinMaxNorm": C.MinMaxNorm(0.1, 2.0, rate=0.5, axis=0), "max_norm_by_name": C.get("max_norm")}[name]
    assert C.serialize(made) == KERAS_CONFIGS[name]
    again = C.get(KERAS_CONFIGS[name])
    assert type(again) is type(made) and again.get_config() == made.get_config()
    assert C.deserialize(C.serialize(made)).get_config() == made.get_config()


# --- applied after each update ----------------------------------------------------

@pytest.mark.parametrize("optimizer", [lambda: optimizers.SGD(0.5), lambda: optimizers.Adam(0.5),
                                       lambda: optimizers.RMSprop(0.5)], ids=["SGD", "Adam", "RMSprop"])
def test_optimizer_applies_the_constraint_after_the_update(optimizer):
    optimizer = optimizer()
    w = Variable(np.full((3, 2), 0.5, np.float32), constraint=C.MaxNorm(1.0))
    free = Variable(np.full((3, 2), 0.5, np.float32))
    grad = to_device(np.full((3, 2), -1.0, np.float32))
    optimizer.apply([grad, grad], [w, free])
    expected = to_numpy(C.MaxNorm(1.0)(Tensor(free.data)).data)
    np.testing.assert_allclose(w.numpy(), expected, rtol=1e-6)
    assert np.sqrt((w.numpy() ** 2).sum(axis=0)).max() <= 1.0 + 1e-6
    assert np.sqrt((free.numpy() ** 2).sum(axis=0)).max() > 1.0  # no constraint, not projected


def test_a_variable_without_a_gradient_is_left_alone():
    optimizer = optimizers.SGD(0.1)
    w = Variable(np.full((2, 2), 5.0, np.float32), constraint=C.MaxNorm(1.0))
    other = Variable(np.ones((2,), np.float32))
    optimizer.apply([None, to_device(np.ones((2,), np.float32))], [w, other])
    np.testing.assert_array_equal(w.numpy(), 5.0)


def test_the_constraint_is_not_recorded_on_an_open_tape():
    w = Variable(np.full((2, 2), 5.0, np.float32), constraint=C.UnitNorm())
    with GradientTape() as tape:
        loss = (w * w).sum()
        optimizers.SGD(0.0).apply([to_device(np.zeros((2, 2), np.float32))], [w])
    np.testing.assert_allclose(np.sqrt((w.numpy() ** 2).sum(axis=0)), 1.0, rtol=1e-6)
    assert tape.gradient(loss, [w])[0] is not None


def test_fit_leaves_weights_that_obey_the_constraints():
    x, y = rand(32, 4, seed=2).astype(np.float32) * 10, rand(32, 3, seed=3).astype(np.float32) * 10
    model = Sequential([Input((4,)),
                        layers.Dense(8, activation="relu", kernel_constraint=C.max_norm(0.5), bias_constraint="non_neg"),
                        layers.Dense(3, kernel_constraint=C.unit_norm())])
    model.compile(optimizer=optimizers.SGD(0.2), loss="mse")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    first, second = model.layers
    assert np.sqrt((first.kernel.numpy() ** 2).sum(axis=0)).max() <= 0.5 + 1e-6
    assert (first.bias.numpy() >= 0).all()
    np.testing.assert_allclose(np.sqrt((second.kernel.numpy() ** 2).sum(axis=0)), 1.0, rtol=1e-5)


def test_embedding_constraint_after_sparse_update():
    model = Sequential([Input((3,), dtype="int32"), layers.Embedding(10, 4, embeddings_constraint=C.UnitNorm(axis=1),
                                                                   embeddings_initializer="ones"),
                        layers.Flatten(), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    model.train_on_batch(np.array([[1, 2, 3]]), np.ones((1, 1), np.float32))
    np.testing.assert_allclose(np.sqrt((model.layers[0].embeddings.numpy() ** 2).sum(axis=1)), 1.0, rtol=1e-6)


def test_backend_variable_takes_a_constraint():
    v = K.variable(np.full((2, 2), 0.5), constraint="non_neg")
    optimizers.SGD(1.0).apply([to_device(np.array([[1.0, 0.0], [0.0, 1.0]], np.float32))], [v])
    np.testing.assert_array_equal(v.numpy(), [[0.0, 0.5], [0.5, 0.0]])
