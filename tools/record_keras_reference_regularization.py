"""Record Keras 3's numbers for regularizers, constraints and initializers as test data.

Run it in an environment that has Keras 3 and PyTorch (not kerasbook's own), e.g.

    python -m venv /tmp/kerasref6 && /tmp/kerasref6/bin/pip install keras torch==2.13.0
    KERAS_BACKEND=torch /tmp/kerasref6/bin/python tools/record_keras_reference_regularization.py

It writes tests/data/keras_reference/regularization.npz:
- for each regularizer case, its class and arguments (JSON), a float64 input, the penalty
  and its gradient;
- for each constraint case, its class and arguments, a float32 weight and the projected one;
- for three small models (Dense with kernel, bias and activity regularizers, a max_norm and a
  non_neg constraint and ActivityRegularization; a Conv2D with a max_norm over [0, 1, 2]; an
  Embedding and an LSTM with their regularizers and constraints), the weights before, each
  entry of `model.losses` after a forward pass, the loss `train_on_batch` reports after one
  SGD step, the weights after it, and the loss `evaluate` reports after it;
- deterministic facts about the initializers: Identity and Constant values, the Gram matrix of
  Orthogonal draws (gain² times the identity), `compute_fans`, and the largest magnitude and
  the standard deviation of large VarianceScaling and TruncatedNormal draws;
- the configs Keras writes (`serialize`) for each object, as JSON.
tests/test_regularizers.py, tests/test_constraints.py and tests/test_initializers.py compare.
"""
import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from keras.src.initializers.random_initializers import compute_fans  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_reference" / "regularization.npz"
record = {}
R, C, I, L = keras.regularizers, keras.constraints, keras.initializers, keras.layers


def values(shape, seed, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


# --- regularizers: penalty and gradient, float64 ----------------------------------

def regularizer_case(name, class_name, config, shape, seed):
    x = values(shape, seed)
    tensor = torch.tensor(x, requires_grad=True)
    penalty = getattr(R, class_name)(**config)(tensor)
    penalty.backward()
    record.update({f"{name}.class": np.array(class_name), f"{name}.config": np.array(json.dumps(config)),
                   f"{name}.x": x, f"{name}.penalty": penalty.detach().numpy(), f"{name}.grad": tensor.grad.numpy()})
    return name


record["regularizer_cases"] = np.array([
    regularizer_case("l1", "L1", {"l1": 0.03}, (4, 3), 0),
    regularizer_case("l2", "L2", {"l2": 0.02}, (4, 3), 1),
    regularizer_case("l2_default", "L2", {}, (5,), 2),
    regularizer_case("l1_default", "L1", {}, (2, 3, 2), 3),
    regularizer_case("l1l2", "L1L2", {"l1": 0.01, "l2": 0.04}, (3, 3, 2, 2), 4),
    regularizer_case("l1l2_only_l2", "L1L2", {"l2": 0.5}, (6,), 5),
])


# --- constraints: the projected weight, float32 -----------------------------------

def constraint_case(name, class_name, config, shape, seed, scale=1.0):
    w = (values(shape, seed) * scale).astype("float32")
    projected = getattr(C, class_name)(**config)(torch.tensor(w))
    record.update({f"{name}.class": np.array(class_name), f"{name}.config": np.array(json.dumps(config)),
                   f"{name}.w": w, f"{name}.projected": projected.numpy()})
    return name


record["constraint_cases"] = np.array([
    constraint_case("max_norm", "MaxNorm", {"max_value": 0.8}, (5, 4), 10),
    constraint_case("max_norm_default", "MaxNorm", {}, (6, 3), 11, scale=2.0),
    constraint_case("max_norm_conv", "MaxNorm", {"max_value": 1.5, "axis": [0, 1, 2]}, (3, 3, 2, 4), 12),
    constraint_case("max_norm_axis1", "MaxNorm", {"max_value": 0.5, "axis": 1}, (4, 5), 13),
    constraint_case("non_neg", "NonNeg", {}, (4, 3), 14),
    constraint_case("unit_norm", "UnitNorm", {}, (5, 3), 15),
    constraint_case("unit_norm_axis1", "UnitNorm", {"axis": 1}, (3, 5), 16),
    constraint_case("min_max_norm", "MinMaxNorm", {"min_value": 0.6, "max_value": 1.1, "rate": 0.7}, (4, 6), 17),
    constraint_case("min_max_norm_default", "MinMaxNorm", {}, (5, 4), 18, scale=0.3),
])


# --- models: penalties, one SGD step, the reported losses -------------------------

def training_step_case(name, model, x, y, seed, loss="mse"):
    """One SGD(0.1) step, float32: weights before and after, the losses, the reported loss."""
    before = [values(w.shape, seed + i, -0.5, 0.5).astype("float32") for i, w in enumerate(model.weights)]
    model.set_weights(before)
    model(x, training=True)
    penalties = np.array([float(p) for p in model.losses], dtype="float32")
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
    data_loss = model.compute_loss(y=keras.ops.convert_to_tensor(y), y_pred=model(x), training=False)
    reported = model.train_on_batch(x, y)
    record.update({f"{name}.x": x, f"{name}.y": y, f"{name}.penalties": penalties,
                   f"{name}.loss_with_penalties": np.array(float(data_loss)),
                   f"{name}.loss": np.array(reported),
                   f"{name}.evaluate_after": np.array(model.evaluate(x, y, verbose=0)),
                   f"{name}.predict_after": model.predict(x, verbose=0),
                   f"{name}.weight_names": np.array([w.path for w in model.weights])})
    for index, (w0, w1) in enumerate(zip(before, model.get_weights())):
        record[f"{name}.before{index}"] = w0
        record[f"{name}.after{index}"] = w1
    return name


record["model_cases"] = np.array([
    training_step_case("dense_step", keras.Sequential([
        keras.Input((6,)),
        L.Dense(5, activation="tanh", kernel_regularizer=R.L2(0.01), bias_regularizer=R.L1(0.02),
                activity_regularizer=R.L1L2(l1=0.001, l2=0.002), kernel_constraint=C.MaxNorm(0.8)),
        L.ActivityRegularization(l1=0.003, l2=0.004),
        L.Dense(3, kernel_regularizer=R.L1L2(l1=0.005, l2=0.01), activity_regularizer=R.L2(0.003),
                kernel_constraint=C.MaxNorm(1.0), bias_constraint=C.NonNeg()),
    ]), values((4, 6), 100).astype("float32"), values((4, 3), 101).astype("float32"), 110),
    training_step_case("conv_step", keras.Sequential([
        keras.Input((5, 5, 2)),
        L.Conv2D(3, 3, activation="relu", kernel_regularizer=R.L1L2(l1=0.002, l2=0.003),
                 bias_regularizer=R.L2(0.01), activity_regularizer=R.L2(0.001),
                 kernel_constraint=C.MaxNorm(0.9, axis=[0, 1, 2]), bias_constraint=C.UnitNorm(axis=0)),
        L.Flatten(),
        L.Dense(2, kernel_regularizer=R.L2(0.02), kernel_constraint=C.MinMaxNorm(0.2, 0.6, rate=0.5)),
    ]), values((3, 5, 5, 2), 200).astype("float32"), values((3, 2), 201).astype("float32"), 210),
    training_step_case("sequence_step", keras.Sequential([
        keras.Input((4,), dtype="int32"),
        L.Embedding(7, 3, embeddings_regularizer=R.L2(0.01), embeddings_constraint=C.UnitNorm(axis=1)),
        L.LSTM(4, kernel_regularizer=R.L2(0.01), recurrent_regularizer=R.L1(0.005), bias_regularizer=R.L2(0.02),
               kernel_constraint=C.MaxNorm(1.0), recurrent_constraint=C.MaxNorm(0.7), bias_constraint=C.NonNeg(),
               activity_regularizer=R.L1(0.01)),
        L.Dense(1, kernel_regularizer=R.L1(0.01)),
    ]), np.random.default_rng(300).integers(0, 7, size=(3, 4)).astype("int32"),
        values((3, 1), 301).astype("float32"), 310),
])


# --- initializers: what does not depend on the random numbers ---------------------

def initializer_values(name, initializer, shape, dtype="float32"):
    record[f"init.{name}"] = keras.ops.convert_to_numpy(initializer(shape, dtype=dtype))


initializer_values("identity_3x5", I.Identity(gain=0.5), (3, 5))
initializer_values("identity_4x4", I.get("identity"), (4, 4))
initializer_values("identity_4x2_float64", I.Identity(gain=2.0), (4, 2), dtype="float64")
initializer_values("constant", I.Constant(0.3), (2, 3))
record["init.constant_matrix_value"] = values((3, 4), 400).astype("float32")
initializer_values("constant_matrix", I.Constant(record["init.constant_matrix_value"]), (3, 4))

for shape, gain in [((4, 6), 1.0), ((6, 4), 1.0), ((3, 3, 2, 4), 0.5), ((5, 5), 2.0)]:
    w = keras.ops.convert_to_numpy(I.Orthogonal(gain=gain, seed=1)(shape, dtype="float64")).reshape(-1, shape[-1])
    gram = w @ w.T if w.shape[0] < w.shape[1] else w.T @ w
    record[f"init.orthogonal_gram_{'x'.join(map(str, shape))}"] = gram

FAN_SHAPES = [(), (7,), (3, 5), (3, 4, 5), (3, 3, 2, 8), (2, 3, 4, 5, 6)]
record["fans"] = np.array([compute_fans(shape) for shape in FAN_SHAPES])
record["fan_shapes"] = np.array(json.dumps(FAN_SHAPES))

SCALING = [  # (name, class, arguments, shape)
    ("vs_uniform_fan_in", "VarianceScaling", {"scale": 2.0, "mode": "fan_in", "distribution": "uniform"}, (300, 400)),
    ("vs_uniform_fan_out", "VarianceScaling", {"scale": 0.5, "mode": "fan_out", "distribution": "uniform"},
     (3, 3, 40, 30)),
    ("vs_uniform_fan_avg", "VarianceScaling", {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform"},
     (200, 600)),
    ("vs_truncated", "VarianceScaling", {"scale": 1.5, "mode": "fan_in", "distribution": "truncated_normal"},
     (250, 480)),
    ("vs_normal_alias", "VarianceScaling", {"scale": 1.0, "mode": "fan_avg", "distribution": "normal"}, (300, 400)),
    ("vs_untruncated", "VarianceScaling", {"scale": 3.0, "mode": "fan_out", "distribution": "untruncated_normal"},
     (400, 300)),
    ("lecun_normal", "LecunNormal", {}, (256, 512)),
    ("lecun_uniform", "LecunUniform", {}, (256, 512)),
    ("he_normal", "HeNormal", {}, (3, 3, 32, 64)),
    ("he_uniform", "HeUniform", {}, (3, 3, 32, 64)),
    ("glorot_normal", "GlorotNormal", {}, (300, 500)),
    ("glorot_uniform", "GlorotUniform", {}, (300, 500)),
    ("truncated_normal", "TruncatedNormal", {"mean": 0.5, "stddev": 0.2}, (400, 500)),
]
for name, class_name, config, shape in SCALING:
    w = keras.ops.convert_to_numpy(getattr(I, class_name)(**config, seed=7)(shape, dtype="float64"))
    record.update({f"scaling.{name}.class": np.array(class_name), f"scaling.{name}.config": np.array(json.dumps(config)),
                   f"scaling.{name}.shape": np.array(shape), f"scaling.{name}.max_abs_deviation":
                   np.array(np.abs(w - config.get("mean", 0.0)).max()), f"scaling.{name}.std": np.array(w.std()),
                   f"scaling.{name}.mean": np.array(w.mean())})
record["scaling_cases"] = np.array([name for name, *_ in SCALING])


# --- configs Keras writes ----------------------------------------------------------

CONFIGS = {
    "L1": R.L1(0.03), "L2": R.L2(0.02), "L1L2": R.L1L2(0.01, 0.04), "l2_by_name": R.get("l2"),
    "MaxNorm": C.MaxNorm(0.8, axis=[0, 1, 2]), "NonNeg": C.NonNeg(), "UnitNorm": C.UnitNorm(axis=1),
    "MinMaxNorm": C.MinMaxNorm(0.1, 2.0, rate=0.5, axis=0), "max_norm_by_name": C.get("max_norm"),
    "Identity": I.Identity(gain=0.5), "Constant": I.Constant(0.3), "TruncatedNormal": I.TruncatedNormal(0.1, 0.2),
    "VarianceScaling": I.VarianceScaling(2.0, "fan_avg", "uniform"), "Orthogonal": I.Orthogonal(gain=1.5),
    "LecunNormal": I.LecunNormal(), "identity_by_name": I.get("identity"),
}
configs = {name: keras.saving.serialize_keras_object(obj) for name, obj in CONFIGS.items()}
dense = L.Dense(3, kernel_regularizer=R.L2(0.01), bias_regularizer="l1", activity_regularizer=R.L1L2(0.1, 0.2),
                kernel_constraint="max_norm", bias_constraint=C.NonNeg(), name="dense")
configs["Dense"] = dense.get_config()
configs["ActivityRegularization"] = L.ActivityRegularization(l1=0.1, l2=0.2, name="activity_regularization").get_config()
record["configs"] = np.array(json.dumps(configs))

OUT.parent.mkdir(parents=True, exist_ok=True)
np.savez_compressed(OUT, keras_version=np.array(keras.__version__), torch_version=np.array(torch.__version__),
                    **record)
print(f"wrote {len(record)} arrays to {OUT} (Keras {keras.__version__}, torch {torch.__version__})")
