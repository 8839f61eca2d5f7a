"""The convolution family against Keras 3's recorded numbers: transposed convolutions, up-sampling,
cropping, 1-D zero padding, depthwise and separable convolutions.

tests/data/keras_reference/convolution_family.npz was written by
tools/record_keras_reference_convolution.py with Keras 3 (torch backend); these tests read the
inputs and weights from it and compare kerasbook's outputs, gradients, shapes and one training step.
"""
import json
import pathlib

import numpy as np
import pytest

from kerasbook import Input, layers, optimizers
from kerasbook.backend import to_device, to_numpy
from kerasbook.layers import convolutional, reshaping
from kerasbook.models import Model, Sequential
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.tape import GradientTape
from kerasbook.ops.tensor import Tensor

REFERENCE = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "convolution_family.npz")
CASES = [str(name) for name in REFERENCE["cases"]]


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def reference_weights(name):
    count = sum(1 for key in REFERENCE.files if key.startswith(f"{name}.weight") and key[len(name) + 7:].isdigit())
    return [REFERENCE[f"{name}.weight{i}"] for i in range(count)]


def reference_layer(name):
    config = json.loads(str(REFERENCE[f"{name}.config"]))
    return getattr(layers, str(REFERENCE[f"{name}.class"]))(**config)


# --- Keras 3's numbers --------------------------------------------------------------

@pytest.mark.parametrize("name", CASES)
def test_output_and_gradients_equal_keras(float64, name):
    layer = reference_layer(name)
    x = Tensor(to_device(REFERENCE[f"{name}.x"]), requires_grad=True)
    layer(x)
    weights = reference_weights(name)
    assert [w.name for w in layer.weights] == [str(n) for n in REFERENCE[f"{name}.weight_names"] if str(n)]
    layer.set_weights(weights)
    with GradientTape() as tape:
        y = layer(x)
        loss = (y * to_device(REFERENCE[f"{name}.direction"])).sum()
    grads = [to_numpy(g) for g in tape.gradient(loss, [x] + layer.trainable_weights)]
    np.testing.assert_allclose(y.numpy(), REFERENCE[f"{name}.output"], rtol=1e-12, atol=1e-12)
    assert layer.compute_output_shape((None,) + x.shape[1:]) == (None,) + REFERENCE[f"{name}.output"].shape[1:]
    np.testing.assert_allclose(grads[0], REFERENCE[f"{name}.grad_x"], rtol=1e-12, atol=1e-12)
    for index, grad in enumerate(grads[1:]):
        np.testing.assert_allclose(grad, REFERENCE[f"{name}.grad_weight{index}"], rtol=1e-12, atol=1e-12)


def test_transposed_output_lengths_equal_keras():
    """Keras's shape rule and a real call, over lengths, kernels, strides, paddings, output paddings, dilations."""
    for length, kernel, stride, same, extra, dilation, predicted, actual in REFERENCE["transpose_lengths"]:
        kwargs = {"strides": int(stride), "padding": "same" if same else "valid", "dilation_rate": int(dilation),
                  "output_padding": None if extra < 0 else int(extra)}
        layer = layers.Conv1DTranspose(1, int(kernel), **kwargs)
        if predicted < 1:  # Keras would make an empty output; kerasbook says why
            with pytest.raises(ValueError, match="Conv1DTranspose .* gives an empty output"):
                layer.compute_output_shape((None, int(length), 1))
            continue
        assert layer.compute_output_shape((None, int(length), 1)) == (None, predicted, 1), kwargs
        assert layer(np.ones((1, int(length), 1))).shape == (1, actual, 1), kwargs


def test_transposed_2d_shapes_equal_keras():
    for h, w, kh, kw, sh, sw, same, oph, opw, out_h, out_w in REFERENCE["transpose_shapes_2d"]:
        layer = layers.Conv2DTranspose(2, (int(kh), int(kw)), strides=(int(sh), int(sw)),
                                       padding="same" if same else "valid",
                                       output_padding=None if oph < 0 else (int(oph), int(opw)))
        assert layer.compute_output_shape((None, int(h), int(w), 1)) == (None, out_h, out_w, 2)
        assert layer(np.ones((1, int(h), int(w), 1))).shape == (1, out_h, out_w, 2)


def images_model():
    return Sequential([
        layers.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu", input_shape=(4, 4, 2)),
        layers.UpSampling2D(2, interpolation="bilinear"),
        layers.Cropping2D(1),
        layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
        layers.SeparableConv2D(2, 3, activation="tanh"),
        layers.UpSampling2D((1, 2)),
    ])


def sequence_model():
    return Sequential([
        layers.ZeroPadding1D(1, input_shape=(5, 3)),
        layers.Conv1DTranspose(4, 3, strides=2, output_padding=1, activation="tanh"),
        layers.UpSampling1D(2),
        layers.Cropping1D((1, 2)),
        layers.Conv1DTranspose(2, 2, padding="same"),
    ])


@pytest.mark.parametrize("name, build", [("images_step", images_model), ("sequence_step", sequence_model)])
def test_one_training_step_equals_keras(name, build):
    model = build()
    assert [layer.output_shape[1:] for layer in model.layers] == [tuple(s) for s in REFERENCE[f"{name}.output_shapes"]]
    assert [layer.count_params() for layer in model.layers] == list(REFERENCE[f"{name}.params"])
    before = [REFERENCE[f"{name}.before{i}"] for i in range(len(model.weights))]
    model.set_weights(before)
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(REFERENCE[f"{name}.x"], REFERENCE[f"{name}.y"])
    np.testing.assert_allclose(loss, REFERENCE[f"{name}.loss"], rtol=1e-5)
    for index, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, REFERENCE[f"{name}.after{index}"], rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.predict(REFERENCE[f"{name}.x"], verbose=0), REFERENCE[f"{name}.predict_after"],
                               rtol=1e-4, atol=1e-6)


# --- gradients, float64 finite differences ------------------------------------------

GRADIENT_CASES = [
    (lambda: layers.Conv2DTranspose(2, 3, strides=2, padding="same", activation="tanh"), (2, 3, 2, 2)),
    (lambda: layers.Conv2DTranspose(2, (2, 3), strides=(3, 2), output_padding=(1, 0)), (1, 2, 3, 2)),
    (lambda: layers.Conv2DTranspose(1, 3, padding="same", dilation_rate=2, use_bias=False), (1, 4, 3, 2)),
    (lambda: layers.Conv1DTranspose(2, 3, strides=2, padding="same", output_padding=1), (2, 3, 2)),
    (lambda: layers.Conv1DTranspose(3, 2, strides=3), (1, 3, 2)),
    (lambda: layers.UpSampling1D(3), (2, 3, 2)),
    (lambda: layers.UpSampling2D((2, 3)), (1, 2, 3, 2)),
    (lambda: layers.UpSampling2D(2, interpolation="bilinear"), (1, 3, 2, 2)),
    (lambda: layers.Cropping1D((2, 1)), (2, 5, 2)),
    (lambda: layers.Cropping2D(((1, 0), (0, 2))), (1, 3, 4, 2)),
    (lambda: layers.ZeroPadding1D((1, 2)), (2, 3, 2)),
    (lambda: layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="tanh"), (2, 4, 3, 2)),
    (lambda: layers.DepthwiseConv2D((2, 3), strides=2), (1, 5, 5, 3)),
    (lambda: layers.SeparableConv2D(3, 3, depth_multiplier=2, padding="same"), (1, 4, 3, 2)),
    (lambda: layers.SeparableConv2D(2, 2, strides=2, dilation_rate=1, use_bias=False), (2, 4, 5, 2)),
]


@pytest.mark.parametrize("make_layer, shape", GRADIENT_CASES,
                         ids=[f"{type(make()).__name__}-{i}" for i, (make, _) in enumerate(GRADIENT_CASES)])
def test_gradients_match_finite_differences(float64, make_layer, shape):
    layer = make_layer()
    x = rand(*shape, seed=3)
    layer(x)
    check_gradients(layer, [x], params=layer.weights)


# --- shapes in Sequential and Model, weights, config --------------------------------

def test_convolutional_autoencoder_shapes_and_parameter_counts():
    """The Keras blog's denoising autoencoder, decoded both ways: UpSampling2D and Conv2DTranspose."""
    inputs = Input(shape=(28, 28, 1))
    x = layers.Conv2D(32, 3, activation="relu", padding="same")(inputs)
    x = layers.MaxPooling2D(2, padding="same")(x)
    x = layers.Conv2D(32, 3, activation="relu", padding="same")(x)
    encoded = layers.MaxPooling2D(2, padding="same")(x)  # (7, 7, 32)
    x = layers.Conv2D(32, 3, activation="relu", padding="same")(encoded)
    x = layers.UpSampling2D((2, 2))(x)
    x = layers.Conv2DTranspose(32, 3, strides=2, activation="relu", padding="same")(x)
    decoded = layers.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
    model = Model(inputs, decoded)
    assert [layer.output_shape for layer in model.layers[5:]] == [
        (None, 7, 7, 32), (None, 14, 14, 32), (None, 28, 28, 32), (None, 28, 28, 1)]
    # Conv2DTranspose: 3*3*32*32 + 32, its kernel (3, 3, filters, channels)
    assert model.layers[7].count_params() == 9248 and model.layers[7].kernel.shape == (3, 3, 32, 32)
    assert model.predict(rand(2, 28, 28, 1).astype(np.float32), verbose=0).shape == (2, 28, 28, 1)


def test_sequential_shapes_with_unknown_lengths():
    model = Sequential([
        layers.ZeroPadding1D((2, 1), input_shape=(None, 3)),
        layers.Conv1DTranspose(4, 3, strides=2, padding="same"),
        layers.UpSampling1D(2),
        layers.Cropping1D(1),
    ])
    assert [layer.output_shape for layer in model.layers] == [(None, None, 3), (None, None, 4), (None, None, 4),
                                                               (None, None, 4)]
    assert model.predict(rand(2, 5, 3), verbose=0).shape == (2, (5 + 3) * 2 * 2 - 2, 4)


def test_depthwise_and_separable_shapes_and_parameter_counts():
    model = Sequential([
        layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", input_shape=(9, 8, 4)),
        layers.SeparableConv2D(16, 3, strides=2),
        layers.DepthwiseConv2D((2, 3), use_bias=False),
        layers.UpSampling2D((2, 1), interpolation="bilinear"),
        layers.Cropping2D(((1, 0), (0, 0))),
    ])
    assert [layer.output_shape for layer in model.layers] == [
        (None, 9, 8, 8), (None, 4, 3, 16), (None, 3, 1, 16), (None, 6, 1, 16), (None, 5, 1, 16)]
    assert model.predict(rand(2, 9, 8, 4), verbose=0).shape == (2, 5, 1, 16)
    # depthwise 3*3*4*2 + 8; separable 3*3*8*1 + 8*16 + 16; depthwise 2*3*16, no bias
    assert [layer.count_params() for layer in model.layers[:3]] == [80, 216, 96]
    kernel, bias = model.layers[0].get_weights()
    assert kernel.shape == (3, 3, 4, 2) and bias.shape == (8,)
    assert [w.shape for w in model.layers[1].get_weights()] == [(3, 3, 8, 1), (1, 1, 8, 16), (16,)]


@pytest.mark.parametrize("layer", [
    layers.Conv2DTranspose(8, 3, strides=2, padding="same", output_padding=1, activation="relu", name="up"),
    layers.Conv1DTranspose(4, 5, strides=(3,), output_padding=2, use_bias=False),
    layers.UpSampling1D(3),
    layers.UpSampling2D((2, 3), interpolation="bilinear"),
    layers.Cropping1D((1, 2)),
    layers.Cropping2D((1, 2)),
    layers.ZeroPadding1D((0, 3)),
    layers.DepthwiseConv2D(3, strides=2, depth_multiplier=3, activation="tanh", depthwise_initializer="he_normal"),
    layers.SeparableConv2D(6, (3, 1), padding="same", depth_multiplier=2, pointwise_initializer="zeros"),
], ids=lambda layer: type(layer).__name__)
def test_config_round_trip(layer):
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config


def test_config_holds_keras_arguments():
    config = layers.Conv2DTranspose(8, 3, strides=2, output_padding=1).get_config()
    assert config["kernel_size"] == (3, 3) and config["strides"] == (2, 2) and config["output_padding"] == (1, 1)
    assert layers.Conv1DTranspose(2, 3).get_config()["output_padding"] is None
    assert layers.Cropping2D(2).get_config()["cropping"] == ((2, 2), (2, 2))
    assert layers.ZeroPadding1D(2).get_config()["padding"] == (2, 2)
    assert layers.UpSampling2D().get_config()["size"] == (2, 2)
    config = layers.SeparableConv2D(4, 3, depth_multiplier=2).get_config()
    assert (config["filters"], config["depth_multiplier"], config["kernel_size"]) == (4, 2, (3, 3))


def test_keras2_names_and_paths():
    assert convolutional.Deconvolution2D is convolutional.Deconv2D is layers.Conv2DTranspose
    assert convolutional.Convolution2DTranspose is layers.Conv2DTranspose
    assert convolutional.Convolution1DTranspose is layers.Conv1DTranspose
    assert convolutional.SeparableConvolution2D is layers.SeparableConv2D
    for name in ("UpSampling1D", "UpSampling2D", "Cropping1D", "Cropping2D", "ZeroPadding1D", "ZeroPadding2D"):
        assert getattr(convolutional, name) is getattr(reshaping, name) is getattr(layers, name)


def test_nearest_upsampling_repeats_and_cropping_slices():
    x = rand(2, 3, 4, 2).astype(np.float32)
    np.testing.assert_array_equal(layers.UpSampling2D((2, 3))(x).numpy(), x.repeat(2, axis=1).repeat(3, axis=2))
    np.testing.assert_array_equal(layers.UpSampling1D(2)(x[:, 0]).numpy(), x[:, 0].repeat(2, axis=1))
    np.testing.assert_array_equal(layers.Cropping2D(((1, 0), (1, 2)))(x).numpy(), x[:, 1:, 1:2])
    np.testing.assert_array_equal(layers.ZeroPadding1D((1, 2))(x[:, 0]).numpy(),
                                  np.pad(x[:, 0], ((0, 0), (1, 2), (0, 0))))


# --- mistakes, named -----------------------------------------------------------------

def test_errors_name_the_layer_and_say_expected_and_received():
    with pytest.raises(ValueError, match=r"Conv2DTranspose 'up': output_padding must be .* smaller than strides "
                                         r"\(2, 2\), received 2"):
        layers.Conv2DTranspose(4, 3, strides=2, output_padding=2, name="up")
    with pytest.raises(ValueError, match=r"Conv1DTranspose '.*': output_padding .* received \(1, 1\)"):
        layers.Conv1DTranspose(4, 3, strides=2, output_padding=(1, 1))
    with pytest.raises(ValueError, match="strides > 1 is not supported together with dilation_rate > 1"):
        layers.Conv2DTranspose(4, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"Cropping1D 'crop': cropping \(2, 2\) must leave at least one step, "
                                         r"received input of shape \(None, 4, 3\)"):
        layers.Cropping1D(2, name="crop")(Input(shape=(4, 3)))
    with pytest.raises(ValueError, match=r"Cropping2D 'crop2': cropping .* must be smaller .* \(2, 5, 3, 1\)"):
        layers.Cropping2D((1, 2), name="crop2")(rand(2, 5, 3, 1))
    with pytest.raises(ValueError, match=r"Cropping2D '.*': cropping must be an int.*received -1"):
        layers.Cropping2D(-1)
    with pytest.raises(ValueError, match=r"ZeroPadding1D '.*': padding must be an int or a pair"):
        layers.ZeroPadding1D((1, 2, 3))
    with pytest.raises(ValueError, match=r"UpSampling1D 'u': size must be a positive integer, received 0"):
        layers.UpSampling1D(0, name="u")
    with pytest.raises(ValueError, match=r"UpSampling2D '.*': interpolation must be one of \('nearest', "
                                         r"'bilinear'\), received 'bicubic'"):
        layers.UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match=r"DepthwiseConv2D 'dw': depth_multiplier must be a positive integer"):
        layers.DepthwiseConv2D(3, depth_multiplier=0, name="dw")
    with pytest.raises(ValueError, match=r"DepthwiseConv2D 'small': input of shape \(None, 2, 9, 1\) is smaller"):
        layers.DepthwiseConv2D(3, name="small")(Input(shape=(2, 9, 1)))
    with pytest.raises(ValueError, match=r"SeparableConv2D '.*': filters must be a positive integer"):
        layers.SeparableConv2D(0, 3)
    with pytest.raises(ValueError, match=r"layer 'sep'.*axis -1.*value 3.*\(2, 8, 8, 1\)"):
        layer = layers.SeparableConv2D(4, 3, name="sep")
        layer(rand(2, 8, 8, 3))
        layer(rand(2, 8, 8, 1))
    with pytest.raises(ValueError, match="supports only data_format='channels_last'"):
        layers.UpSampling2D(data_format="channels_first")
