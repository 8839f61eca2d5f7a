"""Record Keras 3's numbers for BatchNormalization and LayerNormalization as test data.

Run it in an environment that has Keras 3 and PyTorch (not kerasbook's own), e.g.

    python -m venv /tmp/kerasref && /tmp/kerasref/bin/pip install keras torch
    KERAS_BACKEND=torch /tmp/kerasref/bin/python tools/record_keras_reference_normalization.py

It writes tests/data/keras_reference/normalization.npz: for each case the inputs,
the weights set before the call, and what Keras computed (outputs, gradients along a
fixed direction, moving statistics after a training call; for a small model, the
loss and the weights after one `train_on_batch`). tests/test_layers_normalization.py
reads the inputs and weights from the file and compares kerasbook's results.
"""
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_reference" / "normalization.npz"
record = {}


def values(shape, seed, low=-2.0, high=2.0):
    """Fixed float32 numbers: Keras 3 normalizes in float32 even for float64 inputs, so that is what is recorded."""
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype("float32")


def gradients(make_layer, x, direction, training):
    """The output and the gradients of sum(output * direction) for the input and the trainable weights."""
    layer = make_layer()
    tensor = torch.tensor(x, requires_grad=True)
    output = layer(tensor, training=training)
    (output * torch.tensor(direction)).sum().backward()
    weight_grads = [w.value.grad.numpy().copy() for w in layer.trainable_weights]
    return output.detach().numpy(), tensor.grad.numpy(), weight_grads, layer


def batch_normalization_case(name, x_shape, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, seed=0):
    x = values(x_shape, seed) * 1.5 + 0.7
    channels = x_shape[axis]
    weights = []
    if scale:
        weights.append(values((channels,), seed + 1, 0.5, 1.5))
    if center:
        weights.append(values((channels,), seed + 2, -0.5, 0.5))
    weights += [values((channels,), seed + 3, -0.3, 0.3), values((channels,), seed + 4, 0.5, 2.0)]
    direction = values(x_shape, seed + 5, -1.0, 1.0)

    def make():
        layer = keras.layers.BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon, center=center,
                                                scale=scale)
        layer.build(x_shape)
        layer.set_weights(weights)
        return layer

    record.update({f"{name}.x": x, f"{name}.direction": direction,
                   f"{name}.config": np.array([axis, momentum, epsilon, center, scale], dtype=np.float64)})
    for index, w in enumerate(weights):
        record[f"{name}.weight{index}"] = w
    for mode, training in (("training", True), ("inference", False)):
        output, grad_x, weight_grads, layer = gradients(make, x, direction, training)
        record[f"{name}.{mode}.output"] = output
        record[f"{name}.{mode}.grad_x"] = grad_x
        for index, g in enumerate(weight_grads):
            record[f"{name}.{mode}.grad_weight{index}"] = g
        record[f"{name}.{mode}.weights_after"] = np.concatenate([w.ravel() for w in layer.get_weights()])


def layer_normalization_case(name, x_shape, axis=-1, epsilon=1e-3, center=True, scale=True, seed=10):
    x = values(x_shape, seed) * 2.0 + 0.3
    if isinstance(axis, int) and axis % len(x_shape) != len(x_shape) - 1:
        return moved_axis_layer_normalization_case(name, x, axis, epsilon, seed)
    axes = [axis] if isinstance(axis, int) else axis
    shape = tuple(x_shape[a] for a in sorted(a % len(x_shape) for a in axes))
    weights = []
    if scale:
        weights.append(values(shape, seed + 1, 0.5, 1.5))
    if center:
        weights.append(values(shape, seed + 2, -0.5, 0.5))
    direction = values(x_shape, seed + 5, -1.0, 1.0)

    def make():
        layer = keras.layers.LayerNormalization(axis=axis, epsilon=epsilon, center=center, scale=scale)
        layer.build(x_shape)
        layer.set_weights(weights)
        return layer

    output, grad_x, weight_grads, _ = gradients(make, x, direction, training=False)
    record.update({f"{name}.x": x, f"{name}.direction": direction, f"{name}.output": output,
                   f"{name}.grad_x": grad_x, f"{name}.axis": np.array(axes),
                   f"{name}.config": np.array([epsilon, center, scale], dtype=np.float64)})
    for index, (w, g) in enumerate(zip(weights, weight_grads)):
        record[f"{name}.weight{index}"] = w
        record[f"{name}.grad_weight{index}"] = g


def moved_axis_layer_normalization_case(name, x, axis, epsilon, seed):
    """LayerNormalization over one inner axis.

    Keras's torch backend hands a single inner axis to F.layer_norm, which accepts
    only trailing axes, and fails. The same formula over that axis moved last is
    what Keras's other backends compute, so it is recorded that way and moved back.
    """
    moved = np.moveaxis(x, axis, -1)
    weights = [values((x.shape[axis],), seed + 1, 0.5, 1.5), values((x.shape[axis],), seed + 2, -0.5, 0.5)]
    direction = values(x.shape, seed + 5, -1.0, 1.0)

    def make():
        layer = keras.layers.LayerNormalization(axis=-1, epsilon=epsilon)
        layer.build(moved.shape)
        layer.set_weights(weights)
        return layer

    output, grad_x, weight_grads, _ = gradients(make, moved, np.moveaxis(direction, axis, -1), training=False)
    record.update({f"{name}.x": x, f"{name}.direction": direction, f"{name}.output": np.moveaxis(output, -1, axis),
                   f"{name}.grad_x": np.moveaxis(grad_x, -1, axis), f"{name}.axis": np.array([axis]),
                   f"{name}.config": np.array([epsilon, True, True], dtype=np.float64)})
    for index, (w, g) in enumerate(zip(weights, weight_grads)):
        record[f"{name}.weight{index}"] = w
        record[f"{name}.grad_weight{index}"] = g


def training_step_case(name, make_middle, seed=20):
    """Dense(4) -> the layer -> Dense(2), SGD(0.1) on MSE: one train_on_batch."""
    x = values((8, 5), seed)
    y = values((8, 2), seed + 1)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4), make_middle(), keras.layers.Dense(2)])
    before = [values(w.shape, seed + 2 + i, -0.8, 0.8) for i, w in enumerate(model.weights)]
    for layer in model.layers:
        for w in layer.weights:
            if w.name == "gamma" or w.name == "moving_variance":  # keep them positive, like real ones
                index = [id(v) for v in model.weights].index(id(w))
                before[index] = np.abs(before[index]) + 0.5
    model.set_weights(before)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(x, y)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    non_trainable = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    record.update({f"{name}.x": x, f"{name}.y": y, f"{name}.loss": np.array(loss),
                   f"{name}.predict_after": model.predict(x, verbose=0),
                   f"{name}.params": np.array([model.count_params(), trainable, non_trainable]),
                   f"{name}.weight_names": np.array([f"{type(layer).__name__}/{w.name}"
                                                     for layer in model.layers for w in layer.weights])})
    for index, (w0, w1) in enumerate(zip(before, model.get_weights())):
        record[f"{name}.before{index}"] = w0
        record[f"{name}.after{index}"] = w1


batch_normalization_case("bn_last", (6, 4), momentum=0.9)
batch_normalization_case("bn_images", (3, 4, 3, 5), seed=30)
batch_normalization_case("bn_axis1", (4, 3, 5), axis=1, momentum=0.5, epsilon=0.01, seed=40)
batch_normalization_case("bn_plain", (7, 3), center=False, scale=False, seed=50)
batch_normalization_case("bn_scale_only", (5, 3), center=False, epsilon=0.1, seed=60)
layer_normalization_case("ln_last", (4, 6))
layer_normalization_case("ln_sequence", (2, 3, 5), seed=70)
layer_normalization_case("ln_axes", (3, 4, 5), axis=[1, 2], seed=80)
layer_normalization_case("ln_axis1", (3, 4, 2), axis=1, epsilon=1e-5, seed=90)
layer_normalization_case("ln_plain", (3, 7), center=False, scale=False, epsilon=0.01, seed=100)
training_step_case("bn_step", lambda: keras.layers.BatchNormalization(momentum=0.8))
training_step_case("ln_step", lambda: keras.layers.LayerNormalization())

OUT.parent.mkdir(parents=True, exist_ok=True)
np.savez_compressed(OUT, keras_version=np.array(keras.__version__), torch_version=np.array(torch.__version__),
                    **record)
print(f"wrote {len(record)} arrays to {OUT} (Keras {keras.__version__}, torch {torch.__version__})")
