"""Pooling layers: Keras's output shapes, values, gradients, config, short names and errors."""
import numpy as np
import pytest

from kerasbook import Input
from kerasbook.layers.pooling import (
    AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D, GlobalAveragePooling1D, GlobalAveragePooling2D,
    GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
    MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D,
)
from kerasbook.ops.gradient_check import check_gradients


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


@pytest.mark.parametrize("layer, input_shape, expected", [
    (MaxPooling2D(), (None, 96, 96, 32), (None, 48, 48, 32)),
    (MaxPooling2D((2, 2)), (None, 27, 27, 16), (None, 13, 13, 16)),  # the odd row and column are dropped
    (MaxPooling2D((2, 2), padding="same"), (None, 5, 5, 3), (None, 3, 3, 3)),
    (AveragePooling2D((3, 3), strides=(1, 2)), (None, 7, 8, 2), (None, 5, 3, 2)),
    (AveragePooling2D(2, strides=1, padding="same"), (None, 7, 8, 2), (None, 7, 8, 2)),
    (MaxPooling1D(3), (None, 96, 64), (None, 32, 64)),
    (AveragePooling1D(2, strides=1), (None, 9, 3), (None, 8, 3)),
    (MaxPooling1D(2, padding="same"), (None, 9, 3), (None, 5, 3)),
])
def test_output_shapes_match_keras_symbolic_and_eager(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape) == expected
    assert layer(rand(2, *input_shape[1:])).shape == (2,) + expected[1:]
    assert layer.count_params() == 0


@pytest.mark.parametrize("layer, input_shape, expected", [
    (GlobalMaxPooling2D(), (None, 7, 7, 512), (None, 512)),
    (GlobalAveragePooling2D(keepdims=True), (None, 7, 7, 512), (None, 1, 1, 512)),
    (GlobalAveragePooling1D(), (None, 28, 128), (None, 128)),
    (GlobalMaxPooling1D(keepdims=True), (None, 28, 128), (None, 1, 128)),
])
def test_global_pooling_shapes(layer, input_shape, expected):
    assert layer.compute_output_shape(input_shape) == expected
    assert layer(rand(2, *input_shape[1:])).shape == (2,) + expected[1:]


def test_values_of_non_overlapping_windows():
    x = rand(2, 4, 6, 3).astype(np.float32)
    windows = x.reshape(2, 2, 2, 3, 2, 3)  # (batch, out_h, 2, out_w, 2, channels)
    np.testing.assert_allclose(MaxPooling2D()(x).numpy(), windows.max(axis=(2, 4)))
    np.testing.assert_allclose(AveragePooling2D()(x).numpy(), windows.mean(axis=(2, 4)), rtol=1e-6)
    np.testing.assert_allclose(MaxPooling1D(3)(x[:, 0]).numpy(), x[:, 0].reshape(2, 2, 3, 3).max(axis=2))
    np.testing.assert_allclose(GlobalAveragePooling2D()(x).numpy(), x.mean(axis=(1, 2)), rtol=1e-6)
    np.testing.assert_allclose(GlobalMaxPooling1D()(x[:, 0]).numpy(), x[:, 0].max(axis=1))


@pytest.mark.parametrize("layer, shape", [
    (MaxPooling2D((3, 2), strides=(2, 1), padding="same"), (2, 5, 4, 2)),
    (AveragePooling2D((2, 2), padding="same"), (2, 5, 5, 2)),
    (MaxPooling1D(3, strides=2), (2, 9, 2)),
    (AveragePooling1D(2, padding="same"), (2, 7, 2)),
    (GlobalMaxPooling2D(), (2, 3, 4, 2)),
    (GlobalAveragePooling1D(), (2, 5, 3)),
])
def test_gradients(float64, layer, shape):
    check_gradients(layer, [rand(*shape)])


def test_config_round_trip_and_short_names():
    layer = MaxPooling2D((3, 3), strides=2, padding="same", name="pool")
    config = layer.get_config()
    assert (config["pool_size"], config["strides"], config["padding"]) == ((3, 3), (2, 2), "same")
    assert MaxPooling2D.from_config(config).get_config() == config
    assert GlobalAveragePooling1D.from_config(GlobalAveragePooling1D(keepdims=True).get_config()).keepdims
    assert (MaxPool1D, MaxPool2D, AvgPool1D, AvgPool2D) == (MaxPooling1D, MaxPooling2D, AveragePooling1D,
                                                            AveragePooling2D)
    assert (GlobalMaxPool1D, GlobalMaxPool2D, GlobalAvgPool1D, GlobalAvgPool2D) == (
        GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D)


def test_errors_name_the_layer_and_say_expected_and_received():
    with pytest.raises(ValueError, match=r"layer 'pool'.*expected ndim=4, found ndim=3"):
        MaxPooling2D(name="pool")(rand(2, 8, 8))
    with pytest.raises(ValueError, match=r"layer 'seq'.*expected ndim=3, found ndim=4"):
        GlobalAveragePooling1D(name="seq")(rand(2, 8, 8, 1))
    with pytest.raises(ValueError, match="MaxPooling2D 'cf' supports only data_format='channels_last'"):
        MaxPooling2D(data_format="channels_first", name="cf")
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same', received 'causal'"):
        AveragePooling1D(padding="causal")
    with pytest.raises(ValueError, match=r"pool_size must be a positive int or a tuple of 2"):
        MaxPooling2D((2, 2, 2))
    with pytest.raises(ValueError, match=r"'tiny': input of shape \(None, 1, 5, 3\) is smaller than the pool"):
        MaxPooling2D(name="tiny")(Input(shape=(1, 5, 3)))
