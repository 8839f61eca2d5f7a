"""Record Keras 3's numbers for the activation layers as test data.

Run it in an environment that has Keras 3 and PyTorch (not kerasbook's own), e.g.

    python -m venv /tmp/kerasref && /tmp/kerasref/bin/pip install keras torch
    KERAS_BACKEND=torch /tmp/kerasref/bin/python tools/record_keras_reference_activations.py

It writes tests/data/keras_reference/activations.npz: for each layer configuration
the input (with values exactly at the kinks: 0, thresholds, max values), the output,
the gradient of sum(output * direction), and for a small model one `train_on_batch`.
Keras 3 has no ThresholdedReLU (a Keras 2 layer, ``x if x > theta else 0``); its
numbers are Keras 3's ``ReLU(threshold=theta)``, which is that formula.
tests/test_layers_activations.py reads this file.
"""
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_reference" / "activations.npz"
KINKS = [0.0, 0.5, 1.0, 1.5, 2.0, -0.5, -1.0, 3.0]
record = {}


def values(shape, seed, low=-3.0, high=3.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype("float32")


def inputs(shape, seed):
    """Random values in [-3, 3] with the kinks of every layer below among them."""
    x = values(shape, seed).reshape(-1)
    x[:len(KINKS)] = KINKS
    return x.reshape(shape)


# name: (constructor, keyword arguments, input shape, the weights to set or None)
CASES = {
    "leaky_relu": (keras.layers.LeakyReLU, {}, (4, 6), None),
    "leaky_relu_slope": (keras.layers.LeakyReLU, {"negative_slope": 0.1}, (4, 6), None),
    "elu": (keras.layers.ELU, {}, (4, 6), None),
    "elu_alpha": (keras.layers.ELU, {"alpha": 0.5}, (4, 6), None),
    "relu": (keras.layers.ReLU, {}, (4, 6), None),
    "relu_max": (keras.layers.ReLU, {"max_value": 1.5}, (4, 6), None),
    "relu_slope": (keras.layers.ReLU, {"negative_slope": 0.2}, (4, 6), None),
    "relu_threshold": (keras.layers.ReLU, {"threshold": 0.5}, (4, 6), None),
    "relu_all": (keras.layers.ReLU, {"max_value": 2.0, "negative_slope": 0.1, "threshold": 0.5}, (4, 6), None),
    "relu6": (keras.layers.ReLU, {"max_value": 6.0}, (4, 6), None),
    "softmax": (keras.layers.Softmax, {}, (4, 6), None),
    "softmax_axis0": (keras.layers.Softmax, {"axis": 0}, (4, 6), None),
    "softmax_3d_axis1": (keras.layers.Softmax, {"axis": 1}, (2, 3, 4), None),
    "softmax_two_axes": (keras.layers.Softmax, {"axis": [1, 2]}, (2, 3, 4), None),
    "thresholded_relu": (keras.layers.ReLU, {"threshold": 1.0}, (4, 6), None),
    "thresholded_relu_theta": (keras.layers.ReLU, {"threshold": 0.5}, (4, 6), None),
    "prelu": (keras.layers.PReLU, {}, (4, 6), [values((6,), 1, -0.5, 0.5)]),
    "prelu_shared": (keras.layers.PReLU, {"shared_axes": [1]}, (2, 3, 4), [values((1, 4), 2, -0.5, 0.5)]),
    "prelu_images": (keras.layers.PReLU, {"shared_axes": [1, 2]}, (2, 3, 3, 2), [values((1, 1, 2), 3, -0.5, 0.5)]),
}


def layer_case(name, make, kwargs, shape, weights, seed):
    x = inputs(shape, seed)
    direction = values(shape, seed + 100, -1.0, 1.0)
    layer = make(**kwargs)
    layer.build(shape)
    if weights is not None:
        layer.set_weights(weights)
    tensor = torch.tensor(x, requires_grad=True)
    output = layer(tensor)
    (output * torch.tensor(direction)).sum().backward()
    record.update({f"{name}.x": x, f"{name}.direction": direction, f"{name}.output": output.detach().numpy(),
                   f"{name}.grad_x": tensor.grad.numpy()})
    for index, (w, variable) in enumerate(zip(weights or [], layer.trainable_weights)):
        record[f"{name}.weight{index}"] = w
        record[f"{name}.grad_weight{index}"] = variable.value.grad.numpy().copy()


def training_step_case(name, make_middle, seed):
    """Dense(6) -> the layer -> Dense(2), SGD(0.1) on MSE: one train_on_batch."""
    x = values((8, 5), seed)
    y = values((8, 2), seed + 1, -1.0, 1.0)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(6), make_middle(), keras.layers.Dense(2)])
    before = [values(w.shape, seed + 2 + i, -0.8, 0.8) for i, w in enumerate(model.weights)]
    model.set_weights(before)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(x, y)
    record.update({f"{name}.x": x, f"{name}.y": y, f"{name}.loss": np.array(loss),
                   f"{name}.params": np.array([model.count_params(),
                                               sum(int(np.prod(w.shape)) for w in model.trainable_weights)])})
    for index, (w0, w1) in enumerate(zip(before, model.get_weights())):
        record[f"{name}.before{index}"] = w0
        record[f"{name}.after{index}"] = w1


for seed, (name, (make, kwargs, shape, weights)) in enumerate(CASES.items()):
    layer_case(name, make, kwargs, shape, weights, seed)
training_step_case("leaky_relu_step", lambda: keras.layers.LeakyReLU(), 200)
training_step_case("prelu_step", lambda: keras.layers.PReLU(), 210)
training_step_case("elu_step", lambda: keras.layers.ELU(), 220)
training_step_case("relu_step", lambda: keras.layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2), 230)
training_step_case("softmax_step", lambda: keras.layers.Softmax(), 240)

OUT.parent.mkdir(parents=True, exist_ok=True)
np.savez_compressed(OUT, keras_version=np.array(keras.__version__), torch_version=np.array(torch.__version__),
                    **record)
print(f"wrote {len(record)} arrays to {OUT} (Keras {keras.__version__}, torch {torch.__version__})")
