"""Record Keras 3's numbers for the convolution family as test data.

Run it in an environment that has Keras 3 and PyTorch (not kerasbook's own), e.g.

    python -m venv /tmp/kerasref2 && /tmp/kerasref2/bin/pip install keras torch==2.13.0
    KERAS_BACKEND=torch /tmp/kerasref2/bin/python tools/record_keras_reference_convolution.py

It writes tests/data/keras_reference/convolution_family.npz:
- for each layer case (Conv1DTranspose, Conv2DTranspose, UpSampling1D/2D, Cropping1D/2D,
  ZeroPadding1D, DepthwiseConv2D, SeparableConv2D), its class and constructor arguments
  (as JSON), the float64 input and weights, and what Keras computed: the output and the
  gradients of sum(output * direction) for the input and each weight;
- the output lengths Keras gives transposed convolutions over a grid of input lengths,
  kernels, strides, paddings, output paddings and dilations (its shape rule and a real call);
- for two small models, the weights before, the loss of one `train_on_batch` (SGD, MSE),
  the weights after, each layer's parameter count and the predictions after.
tests/test_layers_convolution_family.py reads the inputs and weights from the file and
compares kerasbook's results with these.
"""
import itertools
import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_reference" / "convolution_family.npz"
record = {}


def values(shape, seed, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def layer_case(name, class_name, config, x_shape, seed):
    """One layer in float64: the output and the gradients of sum(output * direction)."""
    x = values(x_shape, seed)
    layer = getattr(keras.layers, class_name)(**config, dtype="float64")
    layer.build(x_shape)
    weights = [values(w.shape, seed + 1 + i) for i, w in enumerate(layer.weights)]
    layer.set_weights(weights)
    tensor = torch.tensor(x, requires_grad=True)
    output = layer(tensor)
    direction = values(tuple(output.shape), seed + 9)
    (output * torch.tensor(direction)).sum().backward()
    record.update({f"{name}.class": np.array(class_name), f"{name}.config": np.array(json.dumps(config)),
                   f"{name}.x": x, f"{name}.direction": direction, f"{name}.output": output.detach().numpy(),
                   f"{name}.grad_x": tensor.grad.numpy(),
                   f"{name}.weight_names": np.array([w.name for w in layer.weights] or [""])})
    for index, (w, variable) in enumerate(zip(weights, layer.weights)):
        record[f"{name}.weight{index}"] = w
        record[f"{name}.grad_weight{index}"] = variable.value.grad.numpy().copy()
    return name


CASES = [
    layer_case("t2d_same_s2", "Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
               (2, 3, 4, 2), 0),
    layer_case("t2d_valid_s21", "Conv2DTranspose", {"filters": 2, "kernel_size": [3, 2], "strides": [2, 1]},
               (2, 3, 3, 3), 10),
    layer_case("t2d_same_op1", "Conv2DTranspose",
               {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1,
                "activation": "tanh"}, (1, 3, 2, 2), 20),
    layer_case("t2d_same_even_op0", "Conv2DTranspose",
               {"filters": 2, "kernel_size": [2, 4], "strides": 2, "padding": "same", "output_padding": 0},
               (2, 2, 3, 2), 30),
    layer_case("t2d_valid_s3_op2", "Conv2DTranspose",
               {"filters": 1, "kernel_size": 2, "strides": 3, "output_padding": [2, 1], "use_bias": False},
               (1, 2, 3, 2), 40),
    layer_case("t2d_dilated", "Conv2DTranspose",
               {"filters": 2, "kernel_size": 3, "padding": "same", "dilation_rate": [2, 1]}, (2, 4, 3, 2), 50),
    layer_case("t1d_same_s2", "Conv1DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
               (2, 4, 2), 60),
    layer_case("t1d_valid_s3_op1", "Conv1DTranspose",
               {"filters": 2, "kernel_size": 4, "strides": 3, "output_padding": 1, "activation": "relu"},
               (2, 3, 3), 70),
    layer_case("t1d_dilated", "Conv1DTranspose",
               {"filters": 2, "kernel_size": 2, "padding": "same", "dilation_rate": 2}, (1, 5, 2), 80),
    layer_case("up1d", "UpSampling1D", {"size": 3}, (2, 3, 2), 90),
    layer_case("up2d_nearest", "UpSampling2D", {"size": [2, 3]}, (2, 2, 3, 2), 100),
    layer_case("up2d_bilinear", "UpSampling2D", {"size": 2, "interpolation": "bilinear"}, (2, 3, 4, 2), 110),
    layer_case("up2d_bilinear_32", "UpSampling2D", {"size": [3, 2], "interpolation": "bilinear"}, (1, 2, 5, 3), 120),
    layer_case("crop1d", "Cropping1D", {"cropping": [1, 2]}, (2, 6, 3), 130),
    layer_case("crop2d", "Cropping2D", {"cropping": [[1, 0], [2, 1]]}, (2, 4, 5, 2), 140),
    layer_case("crop2d_int", "Cropping2D", {"cropping": 1}, (1, 4, 4, 3), 150),
    layer_case("pad1d", "ZeroPadding1D", {"padding": [2, 1]}, (2, 3, 2), 160),
    layer_case("pad1d_int", "ZeroPadding1D", {"padding": 3}, (1, 2, 3), 170),
    layer_case("depthwise_same_m2", "DepthwiseConv2D", {"kernel_size": 3, "padding": "same", "depth_multiplier": 2},
               (2, 4, 5, 3), 180),
    layer_case("depthwise_valid_s2", "DepthwiseConv2D", {"kernel_size": [2, 3], "strides": 2}, (2, 5, 6, 2), 190),
    layer_case("depthwise_dilated_m3", "DepthwiseConv2D",
               {"kernel_size": 3, "padding": "same", "dilation_rate": 2, "depth_multiplier": 3,
                "activation": "tanh", "use_bias": False}, (1, 5, 4, 2), 200),
    layer_case("separable_same_m2", "SeparableConv2D",
               {"filters": 4, "kernel_size": 3, "padding": "same", "depth_multiplier": 2}, (2, 4, 4, 3), 210),
    layer_case("separable_valid_s2", "SeparableConv2D",
               {"filters": 3, "kernel_size": [3, 2], "strides": 2, "activation": "relu"}, (2, 6, 5, 2), 220),
]
record["cases"] = np.array(CASES)


def transpose_lengths():
    """Rows (input length, kernel, stride, padding 0 valid / 1 same, output_padding or -1, dilation,
    Keras's compute_output_shape length, the length of a real call or -1 where the output is empty)."""
    rows = []
    for length, kernel, stride, padding in itertools.product([1, 2, 5], [1, 2, 3, 4], [1, 2, 3], ["valid", "same"]):
        for dilation in ([1, 2] if stride == 1 else [1]):
            for output_padding in [None] + list(range(stride)):
                layer = keras.layers.Conv1DTranspose(1, kernel, strides=stride, padding=padding,
                                                     output_padding=output_padding, dilation_rate=dilation)
                predicted = layer.compute_output_shape((1, length, 1))[1]
                actual = -1
                if predicted > 0:
                    actual = layer(np.ones((1, length, 1), dtype="float32")).shape[1]
                rows.append([length, kernel, stride, padding == "same",
                             -1 if output_padding is None else output_padding, dilation, predicted, actual])
    return np.array(rows)


def transpose_shapes_2d():
    """Rows (h, w, kh, kw, sh, sw, padding, oph or -1, opw or -1, out_h, out_w) of real Conv2DTranspose calls."""
    rows = []
    for (h, w), (kh, kw), (sh, sw), padding, output_padding in itertools.product(
            [(3, 4)], [(3, 2), (1, 4)], [(2, 1), (3, 2)], ["valid", "same"], [None, (1, 0)]):
        layer = keras.layers.Conv2DTranspose(2, (kh, kw), strides=(sh, sw), padding=padding,
                                             output_padding=output_padding)
        shape = layer(np.ones((1, h, w, 1), dtype="float32")).shape
        assert tuple(shape) == tuple(layer.compute_output_shape((1, h, w, 1)))
        ops = (-1, -1) if output_padding is None else output_padding
        rows.append([h, w, kh, kw, sh, sw, padding == "same", *ops, shape[1], shape[2]])
    return np.array(rows)


record["transpose_lengths"] = transpose_lengths()
record["transpose_shapes_2d"] = transpose_shapes_2d()


def training_step_case(name, model, x, y, seed):
    """One SGD(0.1) step on MSE, float32: weights before and after, the loss, the predictions after."""
    before = [values(w.shape, seed + i, -0.5, 0.5).astype("float32") for i, w in enumerate(model.weights)]
    model.set_weights(before)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(x, y)
    record.update({f"{name}.x": x, f"{name}.y": y, f"{name}.loss": np.array(loss),
                   f"{name}.predict_after": model.predict(x, verbose=0),
                   f"{name}.params": np.array([layer.count_params() for layer in model.layers]),
                   f"{name}.output_shapes": np.array([layer.output.shape[1:] for layer in model.layers])})
    for index, (w0, w1) in enumerate(zip(before, model.get_weights())):
        record[f"{name}.before{index}"] = w0
        record[f"{name}.after{index}"] = w1


L = keras.layers
training_step_case("images_step", keras.Sequential([
    keras.Input((4, 4, 2)),
    L.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu"),
    L.UpSampling2D(2, interpolation="bilinear"),
    L.Cropping2D(1),
    L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
    L.SeparableConv2D(2, 3, activation="tanh"),
    L.UpSampling2D((1, 2)),
]), values((3, 4, 4, 2), 300).astype("float32"), values((3, 12, 24, 2), 301).astype("float32"), 310)
training_step_case("sequence_step", keras.Sequential([
    keras.Input((5, 3)),
    L.ZeroPadding1D(1),
    L.Conv1DTranspose(4, 3, strides=2, output_padding=1, activation="tanh"),
    L.UpSampling1D(2),
    L.Cropping1D((1, 2)),
    L.Conv1DTranspose(2, 2, padding="same"),
]), values((3, 5, 3), 400).astype("float32"), values((3, 29, 2), 401).astype("float32"), 410)

OUT.parent.mkdir(parents=True, exist_ok=True)
np.savez_compressed(OUT, keras_version=np.array(keras.__version__), torch_version=np.array(torch.__version__),
                    **record)
print(f"wrote {len(record)} arrays to {OUT} (Keras {keras.__version__}, torch {torch.__version__})")
