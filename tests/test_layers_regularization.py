"""Noise layers: active only in training, identity at inference; Keras 3's formulas, gradients, shapes, errors."""
import math

import numpy as np
import pytest

import kerasbook
from kerasbook.layers import (
    AlphaDropout, Conv2D, Dense, Embedding, GaussianDropout, GaussianNoise, Input, SpatialDropout1D, SpatialDropout2D,
)
from kerasbook.models import Model, Sequential
from kerasbook.ops.activations import SELU_ALPHA, SELU_SCALE
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.runtime import random

LAYERS = {
    "GaussianNoise": (lambda: GaussianNoise(0.3), (4, 5)),
    "GaussianDropout": (lambda: GaussianDropout(0.4), (4, 5)),
    "AlphaDropout": (lambda: AlphaDropout(0.3), (4, 5)),
    "AlphaDropout noise_shape": (lambda: AlphaDropout(0.3, noise_shape=(None, 1, 3)), (4, 2, 3)),
    "SpatialDropout1D": (lambda: SpatialDropout1D(0.5), (3, 4, 5)),
    "SpatialDropout2D": (lambda: SpatialDropout2D(0.5), (3, 2, 2, 4)),
    "SpatialDropout2D channels_first": (lambda: SpatialDropout2D(0.5, data_format="channels_first"), (3, 4, 2, 2)),
}


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def normal(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(size=shape)


# --- inference: the identity -----------------------------------------------------------------

@pytest.mark.parametrize("make, shape", LAYERS.values(), ids=LAYERS.keys())
def test_inference_passes_inputs_through(make, shape):
    layer = make()
    x = rand(*shape).astype("float32")
    np.testing.assert_array_equal(layer(x).numpy(), x)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    model = Sequential([Input(shape[1:]), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


@pytest.mark.parametrize("make, shape", LAYERS.values(), ids=LAYERS.keys())
def test_training_changes_the_inputs_and_differs_between_calls(make, shape):
    layer = make()
    x = rand(*shape) + 2.0
    first, second = layer(x, training=True).numpy(), layer(x, training=True).numpy()
    assert not np.allclose(first, x) and not np.allclose(first, second)


# --- Keras 3's formulas ----------------------------------------------------------------------

def test_gaussian_noise_adds_normal_noise_of_stddev():
    x = rand(400, 500)
    noise = GaussianNoise(0.2)(x, training=True).numpy() - x
    assert abs(noise.mean()) < 3e-3 and abs(noise.std() - 0.2) < 3e-3
    kerasbook.utils.set_random_seed(3)
    y = GaussianNoise(0.2)(x, training=True).numpy()
    kerasbook.utils.set_random_seed(3)
    np.testing.assert_allclose(y, x + random.normal(x.shape, 0.0, 0.2, dtype="float32"), rtol=1e-6, atol=1e-7)


def test_gaussian_dropout_multiplies_by_noise_centred_on_one():
    rate = 0.3
    x = np.ones((400, 500))
    noise = GaussianDropout(rate)(x, training=True).numpy()
    assert abs(noise.mean() - 1) < 3e-3 and abs(noise.std() - math.sqrt(rate / (1 - rate))) < 3e-3


def test_alpha_dropout_keeps_a_standard_normal_input_standard():
    rate = 0.2
    x = normal(400, 500, seed=1)
    y = AlphaDropout(rate)(x, training=True).numpy()
    assert abs(y.mean()) < 1e-2 and abs(y.var() - 1) < 1e-2
    saturation = -SELU_ALPHA * SELU_SCALE
    a = ((1 - rate) * (1 + rate * saturation ** 2)) ** -0.5
    b = -a * saturation * rate
    dropped = np.isclose(y, a * saturation + b, rtol=1e-6)
    assert abs(dropped.mean() - rate) < 5e-3
    np.testing.assert_allclose(y[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-6)


def test_alpha_dropout_noise_shape_drops_along_the_broadcast_axes():
    x = normal(6, 10, 3, seed=2)
    y = AlphaDropout(0.5, noise_shape=(None, 1, None))(x, training=True).numpy()
    dropped = np.isclose(y, y.min(axis=1, keepdims=True)) & np.isclose(y, y.max(axis=1, keepdims=True))
    assert dropped.any() and (~dropped).any()
    assert (dropped.all(axis=1) | (~dropped).all(axis=1)).all()  # a feature is dropped at every step or at none


@pytest.mark.parametrize("make, shape, kept_axes", [
    (lambda: SpatialDropout1D(0.5), (8, 6, 5), (0, 2)),
    (lambda: SpatialDropout2D(0.5), (8, 3, 4, 5), (0, 3)),
    (lambda: SpatialDropout2D(0.5, data_format="channels_first"), (8, 5, 3, 4), (0, 1)),
], ids=["1D", "2D", "2D channels_first"])
def test_spatial_dropout_drops_whole_feature_maps(make, shape, kept_axes):
    x = np.ones(shape)
    y = make()(x, training=True).numpy()
    assert set(np.unique(y)) == {0.0, 2.0}  # dropped, or kept and scaled by 1 / (1 - rate)
    spread = tuple(axis for axis in range(len(shape)) if axis not in kept_axes)
    np.testing.assert_array_equal(y.min(axis=spread), y.max(axis=spread))


# --- gradients ----------------------------------------------------------------------------

@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("make, shape", LAYERS.values(), ids=LAYERS.keys())
def test_gradients(float64, backend, make, shape, training):
    layer = make()

    def same_noise_every_call(x):
        kerasbook.utils.set_random_seed(5)  # finite differences need the same draw on every call
        return layer(x, training=training)

    check_gradients(same_noise_every_call, [rand(*shape, seed=1)])


# --- in models ------------------------------------------------------------------------------

def test_symbolic_in_sequential_and_functional_models_and_fit():
    model = Sequential([Embedding(20, 4, input_length=6), SpatialDropout1D(0.2), GaussianNoise(0.1),
                        GaussianDropout(0.1), AlphaDropout(0.1), Dense(1)])
    assert model.output_shape == (None, 6, 1)
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(3).integers(0, 20, size=(16, 6))
    history = model.fit(x, np.zeros((16, 6, 1)), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    inputs = Input((5, 5, 1))
    outputs = SpatialDropout2D(0.3)(Conv2D(2, 3)(inputs))
    assert Model(inputs, outputs).output_shape == (None, 3, 3, 2)


CONFIGS = [
    (GaussianNoise, {"stddev": 0.1, "seed": 7}),
    (GaussianDropout, {"rate": 0.2, "seed": None}),
    (AlphaDropout, {"rate": 0.1, "noise_shape": (None, 1, 3), "seed": 3}),
    (SpatialDropout1D, {"rate": 0.25, "seed": 1}),
    (SpatialDropout2D, {"rate": 0.25, "data_format": "channels_first", "seed": None}),
]


@pytest.mark.parametrize("cls, kwargs", CONFIGS, ids=[cls.__name__ for cls, _ in CONFIGS])
def test_get_config_holds_the_constructor_arguments(cls, kwargs):
    config = cls(**kwargs).get_config()
    assert {key: config[key] for key in kwargs} == kwargs
    assert cls.from_config(config).get_config() == config


def test_spatial_dropout_2d_default_data_format_is_channels_last():
    assert SpatialDropout2D(0.1).get_config()["data_format"] == "channels_last"


# --- mistakes, named ----------------------------------------------------------------------

@pytest.mark.parametrize("cls", [GaussianDropout, AlphaDropout, SpatialDropout1D, SpatialDropout2D])
@pytest.mark.parametrize("rate", [1.0, -0.1])
def test_rate_outside_zero_to_one_names_the_layer(cls, rate):
    name = kerasbook.runtime.naming.snake_case(cls.__name__)
    with pytest.raises(ValueError, match=rf"{cls.__name__} '{name}'.* \[0, 1\), received (rate=)?{rate}"):
        cls(rate)


@pytest.mark.parametrize("stddev", [-0.1, 1.5])
def test_gaussian_noise_stddev_outside_zero_to_one_names_the_layer(stddev):
    with pytest.raises(ValueError, match=rf"GaussianNoise 'gaussian_noise' expected stddev in \[0, 1\], "
                                         rf"received stddev={stddev}"):
        GaussianNoise(stddev)


@pytest.mark.parametrize("make, shape, expected", [
    (lambda: SpatialDropout1D(0.1), (None, 4), 3),
    (lambda: SpatialDropout2D(0.1), (None, 4, 3), 4),
], ids=["1D", "2D"])
def test_spatial_dropout_of_the_wrong_rank_names_the_layer(make, shape, expected):
    layer = make()
    with pytest.raises(ValueError, match=rf"layer '{layer.name}'.*expected ndim={expected}, found ndim={len(shape)}"):
        Sequential([Input(shape[1:]), layer])


def test_spatial_dropout_2d_refuses_an_unknown_data_format():
    with pytest.raises(ValueError, match=r"SpatialDropout2D expected data_format 'channels_last' or 'channels_first', "
                                         r"received data_format='nhwc'"):
        SpatialDropout2D(0.1, data_format="nhwc")


def test_keras_2_module_path():
    from kerasbook.layers.noise import AlphaDropout as A, GaussianDropout as D, GaussianNoise as N
    assert (A, D, N) == (AlphaDropout, GaussianDropout, GaussianNoise)
