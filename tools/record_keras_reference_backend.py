"""Record Keras 3's numbers for the backend functions whose formulas could differ, as test data.

Run it in an environment that has Keras 3 and PyTorch (not kerasbook's own), e.g.

    python -m venv /tmp/kerasref4 && /tmp/kerasref4/bin/pip install keras torch==2.13.0
    /tmp/kerasref4/bin/python tools/record_keras_reference_backend.py

It writes tests/data/keras_reference/backend.npz: for each case the float64 inputs,
Keras's output, and (for the differentiable ones) the gradient of
``sum(output * direction)`` from PyTorch's autograd. Some of Keras 3's ops
compute in float32 even for float64 inputs (its dtype rules: ``var``, ``batch_dot``
and a 2-D ``dot`` return float32; ``normalize`` clamps its inverse norm in
float32 and returns float64); the tests compare those to float32 precision. Keras 3 dropped
``keras.backend``'s functions; the numbers come from what replaced them:
``keras.ops.var``/``std``, ``keras.ops.normalize`` (Keras 2's ``l2_normalize``
away from vectors of near-zero length), ``keras.ops.binary_crossentropy`` and
``categorical_crossentropy`` (element by element, as ``K.`` had them),
Keras 2's ``K.dot`` (kept by Keras 3 in ``keras.src.legacy.backend``, which needs
TensorFlow; `legacy_dot` below is its reshape-transpose-matmul steps in PyTorch:
numpy.dot's rule, where ``keras.ops.dot`` is a matmul), the Dot layer's
``batch_dot`` (Keras 2's rules), ``keras.ops.repeat``/``tile`` and
``keras.activations.relu`` (Keras 2's ``alpha`` is its ``negative_slope``).
tests/test_backend.py reads this file.
"""
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from keras import ops  # noqa: E402
from keras.src.layers.merging.dot import batch_dot  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_reference" / "backend.npz"
record = {}


def values(shape, seed, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def probabilities(shape, seed):
    return values(shape, seed, 0.02, 0.98)


def legacy_dot(x, y):
    """keras.src.legacy.backend.dot for inputs of more than 2 axes, its TensorFlow calls as PyTorch's."""
    y_permute_dim = list(range(y.ndim))
    y_permute_dim = [y_permute_dim.pop(-2)] + y_permute_dim
    xt = torch.reshape(x, [-1, x.shape[-1]])
    yt = torch.reshape(torch.permute(y, y_permute_dim), [y.shape[-2], -1])
    return torch.reshape(torch.matmul(xt, yt), tuple(x.shape[:-1]) + tuple(y.shape[:-2]) + tuple(y.shape[-1:]))


# name: (function of torch tensors via keras.ops, inputs, differentiable)
CASES = {
    "var": (lambda x: ops.var(x), [values((3, 4), 1)], True),
    "var_axis1": (lambda x: ops.var(x, axis=1), [values((3, 4), 2)], True),
    "var_axis0_keepdims": (lambda x: ops.var(x, axis=0, keepdims=True), [values((3, 4), 3)], True),
    "std": (lambda x: ops.std(x), [values((3, 4), 4)], True),
    "std_axis_last": (lambda x: ops.std(x, axis=-1), [values((2, 3, 4), 5)], True),
    "std_axes_01": (lambda x: ops.std(x, axis=(0, 1)), [values((2, 3, 4), 6)], True),
    "l2_normalize_all": (lambda x: ops.normalize(x, axis=None), [values((3, 4), 7)], True),
    "l2_normalize_axis1": (lambda x: ops.normalize(x, axis=1), [values((3, 4), 8)], True),
    "l2_normalize_axis0": (lambda x: ops.normalize(x, axis=0), [values((3, 4), 9)], True),
    "binary_crossentropy": (lambda t, p: ops.binary_crossentropy(t, p),
                            [np.round(values((3, 4), 10, 0, 1)), probabilities((3, 4), 11)], True),
    "binary_crossentropy_soft": (lambda t, p: ops.binary_crossentropy(t, p),
                                 [values((3, 4), 12, 0, 1), probabilities((3, 4), 13)], True),
    "binary_crossentropy_logits": (lambda t, p: ops.binary_crossentropy(t, p, from_logits=True),
                                   [values((3, 4), 14, 0, 1), values((3, 4), 15, -4, 4)], True),
    "categorical_crossentropy": (lambda t, p: ops.categorical_crossentropy(t, p),
                                 [np.eye(4)[[0, 2, 3]], probabilities((3, 4), 16)], True),
    "categorical_crossentropy_logits": (lambda t, p: ops.categorical_crossentropy(t, p, from_logits=True),
                                        [np.eye(4)[[1, 1, 3]], values((3, 4), 17, -4, 4)], True),
    "categorical_crossentropy_axis1": (lambda t, p: ops.categorical_crossentropy(t, p, axis=1),
                                       [np.eye(3)[[[0, 1], [2, 0]]].transpose(0, 2, 1), probabilities((2, 3, 2), 18)],
                                       True),
    "dot_3d_2d": (lambda x, y: ops.dot(x, y), [values((2, 3, 4), 19), values((4, 5), 20)], True),
    "dot_3d_3d": (lambda x, y: legacy_dot(x, y), [values((2, 3, 4), 21), values((5, 4, 2), 22)], True),
    "dot_2d_4d": (lambda x, y: legacy_dot(x, y), [values((3, 4), 23), values((2, 3, 4, 2), 24)], True),
    "batch_dot_2d_2d": (lambda x, y: batch_dot(x, y, axes=1), [values((4, 5), 25), values((4, 5), 26)], True),
    "batch_dot_3d_3d": (lambda x, y: batch_dot(x, y, axes=(2, 1)), [values((4, 2, 5), 27), values((4, 5, 3), 28)],
                        True),
    "batch_dot_3d_3d_default": (lambda x, y: batch_dot(x, y), [values((4, 2, 5), 29), values((4, 5, 3), 30)], True),
    "batch_dot_3d_3d_axes_1_1": (lambda x, y: batch_dot(x, y, axes=1), [values((4, 5, 2), 31), values((4, 5, 3), 32)],
                                 True),
    "batch_dot_3d_2d": (lambda x, y: batch_dot(x, y, axes=(2, 1)), [values((4, 3, 5), 33), values((4, 5), 34)], True),
    "batch_dot_2d_3d": (lambda x, y: batch_dot(x, y, axes=(1, 1)), [values((4, 5), 35), values((4, 5, 3), 36)], True),
    "batch_dot_4d_3d": (lambda x, y: batch_dot(x, y, axes=(3, 2)), [values((2, 3, 2, 4), 37), values((2, 5, 4), 38)],
                        True),
    "batch_dot_3d_4d": (lambda x, y: batch_dot(x, y, axes=(1, 3)), [values((2, 4, 3), 39), values((2, 2, 5, 4), 40)],
                        True),
    "repeat_elements_axis1": (lambda x: ops.repeat(x, 3, axis=1), [values((2, 3, 2), 41)], True),
    "repeat_elements_axis0": (lambda x: ops.repeat(x, 2, axis=0), [values((2, 3), 42)], True),
    "tile": (lambda x: ops.tile(x, (2, 3)), [values((2, 3), 43)], True),
    "tile_3d": (lambda x: ops.tile(x, (1, 2, 2)), [values((2, 1, 3), 44)], True),
    "relu_alpha": (lambda x: keras.activations.relu(x, negative_slope=0.3), [values((3, 4), 45)], True),
    "relu_max_value": (lambda x: keras.activations.relu(x, max_value=1.0), [values((3, 4), 46)], True),
    "relu_threshold": (lambda x: keras.activations.relu(x, threshold=0.5), [values((3, 4), 47)], True),
    "relu_all": (lambda x: keras.activations.relu(x, negative_slope=0.2, max_value=1.5, threshold=0.4),
                 [values((3, 4), 48)], True),
    "softmax_axis0": (lambda x: ops.softmax(x, axis=0), [values((3, 4), 49)], True),
}


def main():
    keras.config.set_floatx("float64")
    for name, (function, inputs, differentiable) in CASES.items():
        tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=differentiable) for x in inputs]
        output = function(*tensors)
        direction = np.random.default_rng(1000).standard_normal(tuple(output.shape))
        for i, x in enumerate(inputs):
            record[f"{name}/input{i}"] = x
        record[f"{name}/output"] = output.detach().numpy()
        if differentiable:
            (output * torch.tensor(direction)).sum().backward()
            record[f"{name}/direction"] = direction
            for i, tensor in enumerate(tensors):
                record[f"{name}/grad{i}"] = tensor.grad.numpy()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, keras_version=np.array(keras.__version__), **record)
    print(f"wrote {len(CASES)} cases to {OUT} (Keras {keras.__version__})")


if __name__ == "__main__":
    main()
