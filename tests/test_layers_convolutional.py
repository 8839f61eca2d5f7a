"""Conv1D, Conv2D and ZeroPadding2D: Keras's shapes and parameter counts, gradients, config, errors."""
import numpy as np
import pytest

from kerasbook import Input
from kerasbook.layers import Dense, Flatten
from kerasbook.layers.convolutional import Conv1D, Conv2D, Convolution1D, Convolution2D, ZeroPadding2D
from kerasbook.layers.pooling import GlobalAveragePooling1D, MaxPooling1D, MaxPooling2D
from kerasbook.models import Model, Sequential
from kerasbook.ops.activations import relu
from kerasbook.ops.convolution import conv1d, conv2d
from kerasbook.ops.gradient_check import check_gradients


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def test_vgg_like_convnet_has_keras_shapes_and_parameter_counts():
    model = Sequential([
        Conv2D(32, (3, 3), activation="relu", input_shape=(100, 100, 3)),
        Conv2D(32, (3, 3), activation="relu"),
        MaxPooling2D(pool_size=(2, 2)),
        Conv2D(64, (3, 3), activation="relu"),
        Conv2D(64, (3, 3), activation="relu"),
        MaxPooling2D(pool_size=(2, 2)),
        Flatten(),
        Dense(256, activation="relu"),
        Dense(10, activation="softmax"),
    ])
    shapes = [layer.output_shape for layer in model.layers]
    assert shapes == [(None, 98, 98, 32), (None, 96, 96, 32), (None, 48, 48, 32), (None, 46, 46, 64),
                      (None, 44, 44, 64), (None, 22, 22, 64), (None, 30976), (None, 256), (None, 10)]
    # A kernel holds kh * kw * in * out weights, plus one bias per filter:
    # 3*3*3*32 + 32 = 896, 3*3*32*32 + 32 = 9248, 3*3*32*64 + 64 = 18496, 3*3*64*64 + 64 = 36928.
    assert [layer.count_params() for layer in model.layers[:5]] == [896, 9248, 0, 18496, 36928]


def test_conv1d_sequence_classifier_has_keras_shapes_and_parameter_counts():
    model = Sequential([
        Conv1D(64, 3, activation="relu", input_shape=(100, 100)),
        Conv1D(64, 3, activation="relu"),
        MaxPooling1D(3),
        Conv1D(128, 3, activation="relu"),
        Conv1D(128, 3, activation="relu"),
        GlobalAveragePooling1D(),
        Dense(1, activation="sigmoid"),
    ])
    assert [layer.output_shape for layer in model.layers] == [
        (None, 98, 64), (None, 96, 64), (None, 32, 64), (None, 30, 128), (None, 28, 128), (None, 128), (None, 1)]
    # k * in * out + out: 3*100*64 + 64 = 19264, 3*64*64 + 64 = 12352, 3*64*128 + 128 = 24704, 3*128*128 + 128 = 49280.
    assert [layer.count_params() for layer in model.layers[:5]] == [19264, 12352, 0, 24704, 49280]


def test_e31_model_output_shape():
    inputs = Input(shape=(64, 64, 1))
    x = Conv2D(32, kernel_size=4, activation="relu")(inputs)  # (61, 61, 32)
    x = MaxPooling2D(pool_size=(2, 2))(x)  # (30, 30, 32)
    x = Conv2D(16, kernel_size=4, activation="relu")(x)  # (27, 27, 16)
    x = MaxPooling2D(pool_size=(2, 2))(x)  # (13, 13, 16)
    x = Dense(10, activation="relu")(x)  # Dense acts on the last axis
    outputs = Dense(1, activation="sigmoid")(x)
    model = Model(inputs, outputs)
    assert model.output_shape == (None, 13, 13, 1)
    assert model.predict(rand(2, 64, 64, 1).astype(np.float32), verbose=0).shape == (2, 13, 13, 1)


@pytest.mark.parametrize("kwargs, expected", [
    ({"padding": "same"}, (None, 9, 7, 4)),
    ({"padding": "same", "strides": 2}, (None, 5, 4, 4)),
    ({"padding": "valid", "strides": (2, 1)}, (None, 4, 5, 4)),
    ({"padding": "valid", "dilation_rate": 2}, (None, 5, 3, 4)),
    ({"padding": "SAME", "dilation_rate": (2, 1)}, (None, 9, 7, 4)),
])
def test_conv2d_symbolic_and_eager_shapes_agree(kwargs, expected):
    layer = Conv2D(4, 3, **kwargs)
    assert layer.compute_output_shape((None, 9, 7, 2)) == expected
    assert layer(rand(2, 9, 7, 2)).shape == (2,) + expected[1:]


def test_conv2d_is_activation_of_the_convolution_with_its_weights():
    layer = Conv2D(3, (2, 3), strides=2, padding="same", activation="relu")
    x = rand(2, 5, 6, 4).astype(np.float32)
    y = layer(x)
    kernel, bias = layer.get_weights()
    assert kernel.shape == (2, 3, 4, 3) and bias.shape == (3,)  # Keras's (kh, kw, in, out)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), relu(conv2d(x, kernel, bias, 2, "same")).numpy(), rtol=1e-6)


def test_conv2d_gradients_with_weights(float64):
    layer = Conv2D(3, (3, 2), strides=(2, 1), padding="same", activation="tanh")
    x = rand(2, 5, 4, 2)
    layer(x)
    check_gradients(layer, [x], params=layer.weights)


def test_conv1d_causal_gradients_with_weights(float64):
    layer = Conv1D(3, 3, padding="causal", dilation_rate=2, activation="tanh")
    x = rand(2, 7, 2)
    y = layer(x)
    kernel, bias = layer.get_weights()
    np.testing.assert_allclose(y.numpy(), np.tanh(conv1d(x, kernel, bias, 1, "causal", 2).numpy()))
    check_gradients(layer, [x], params=layer.weights)


def test_conv_without_bias_has_only_a_kernel(float64):
    layer = Conv1D(4, 2, use_bias=False)
    x = rand(2, 5, 3)
    layer(x)
    assert [w.name for w in layer.weights] == ["kernel"] and layer.count_params() == 2 * 3 * 4
    check_gradients(layer, [x], params=layer.weights)


def test_zero_padding2d_shapes_values_and_gradients(float64):
    x = rand(2, 3, 4, 2)
    for padding, expected in [(1, ((1, 1), (1, 1))), ((1, 2), ((1, 1), (2, 2))), (((1, 0), (0, 3)), ((1, 0), (0, 3)))]:
        layer = ZeroPadding2D(padding)
        (top, bottom), (left, right) = expected
        np.testing.assert_array_equal(layer(x).numpy(), np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0))))
        assert layer.compute_output_shape((None, 3, None, 2)) == (None, 3 + top + bottom, None, 2)
        check_gradients(layer, [x])


def test_config_round_trip_and_keras2_names():
    layer = Conv2D(8, 3, strides=2, padding="same", activation="relu", name="features")
    config = layer.get_config()
    assert config["kernel_size"] == (3, 3) and config["strides"] == (2, 2) and config["activation"] == "relu"
    assert Conv2D.from_config(config).get_config() == config
    assert ZeroPadding2D.from_config(ZeroPadding2D(2).get_config()).padding == ((2, 2), (2, 2))
    assert Convolution1D is Conv1D and Convolution2D is Conv2D


def test_errors_name_the_layer_and_say_expected_and_received():
    with pytest.raises(ValueError, match=r"layer 'flat'.*expected ndim=4, found ndim=3"):
        Conv2D(4, 3, name="flat")(rand(2, 8, 8))
    with pytest.raises(ValueError, match=r"layer 'rgb'.*axis -1.*value 3.*\(2, 8, 8, 1\)"):
        layer = Conv2D(4, 3, name="rgb")
        layer(rand(2, 8, 8, 3))
        layer(rand(2, 8, 8, 1))
    with pytest.raises(ValueError, match="Conv2D 'cf' supports only data_format='channels_last'"):
        Conv2D(4, 3, data_format="channels_first", name="cf")
    with pytest.raises(ValueError, match="strides > 1 is not supported together with dilation_rate > 1"):
        Conv2D(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"padding must be one of \('valid', 'same'\), received 'causal'"):
        Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match="filters must be a positive integer, received 0"):
        Conv1D(0, 3)
    with pytest.raises(ValueError, match=r"kernel_size must be a positive int or a tuple of 2.*\(3, 3, 3\)"):
        Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match=r"Conv2D 'small': input of shape \(None, 2, 9, 1\) is smaller than"):
        Conv2D(4, 3, name="small")(Input(shape=(2, 9, 1)))
