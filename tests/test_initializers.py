"""Initializers against Keras 3's recorded numbers: what does not depend on the random draws.

tests/data/keras_reference/regularization.npz (tools/record_keras_reference_regularization.py)
holds Identity and Constant values, the Gram matrices of Orthogonal draws, `compute_fans`, and
the largest magnitude and standard deviation of large draws from each VarianceScaling family
member and TruncatedNormal; kerasbook's own draws must show the same limits and spreads.
"""
import json
import math
import pathlib

import numpy as np
import pytest

from kerasbook import Input, initializers, layers
from kerasbook import initializers as I
from kerasbook.backend import to_numpy
from kerasbook.models import Sequential
from kerasbook.saving import deserialize_keras_object, serialize_keras_object

REFERENCE = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "regularization.npz")
KERAS_CONFIGS = json.loads(str(REFERENCE["configs"]))


def draw(initializer, shape, dtype="float64"):
    return to_numpy(initializer(shape, dtype))


# --- deterministic values ---------------------------------------------------------

@pytest.mark.parametrize("name, initializer, shape, dtype", [
    ("identity_3x5", I.Identity(gain=0.5), (3, 5), "float32"),
    ("identity_4x4", "identity", (4, 4), "float32"),
    ("identity_4x2_float64", I.Identity(gain=2.0), (4, 2), "float64"),
    ("constant", I.Constant(0.3), (2, 3), "float32"),
    ("constant_matrix", I.Constant(REFERENCE["init.constant_matrix_value"]), (3, 4), "float32"),
])
def test_values_equal_keras(name, initializer, shape, dtype):
    values = draw(I.get(initializer), shape, dtype)
    assert values.dtype == dtype
    np.testing.assert_array_equal(values, REFERENCE[f"init.{name}"])


@pytest.mark.parametrize("shape, gain", [((4, 6), 1.0), ((6, 4), 1.0), ((3, 3, 2, 4), 0.5), ((5, 5), 2.0)])
def test_orthogonal_is_orthogonal_like_keras(shape, gain):
    w = draw(I.Orthogonal(gain=gain), shape).reshape(-1, shape[-1])
    gram = w @ w.T if w.shape[0] < w.shape[1] else w.T @ w
    keras_gram = REFERENCE[f"init.orthogonal_gram_{'x'.join(map(str, shape))}"]
    np.testing.assert_allclose(keras_gram, gain ** 2 * np.eye(len(keras_gram)), atol=1e-12)
    np.testing.assert_allclose(gram, keras_gram, atol=1e-12)


def test_compute_fans_equal_keras():
    shapes = [tuple(shape) for shape in json.loads(str(REFERENCE["fan_shapes"]))]
    assert [initializers.compute_fans(shape) for shape in shapes] == [tuple(fans) for fans in REFERENCE["fans"]]


# --- the random families: Keras's limits and spreads ---------------------------------

def expected_spread(class_name, config, shape):
    """(largest magnitude allowed, standard deviation) from Keras 3's formulas."""
    fan_in, fan_out = initializers.compute_fans(shape)
    family = {"LecunNormal": (1.0, "fan_in", "truncated_normal"), "LecunUniform": (1.0, "fan_in", "uniform"),
              "HeNormal": (2.0, "fan_in", "truncated_normal"), "HeUniform": (2.0, "fan_in", "uniform"),
              "GlorotNormal": (1.0, "fan_avg", "truncated_normal"), "GlorotUniform": (1.0, "fan_avg", "uniform")}
    if class_name == "TruncatedNormal":
        return 2 * config["stddev"], config["stddev"] * 0.87962566103423978
    scale, mode, distribution = family.get(class_name) or (config["scale"], config["mode"], config["distribution"])
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    variance = scale / max(1.0, fan)
    if distribution == "uniform":
        return math.sqrt(3 * variance), math.sqrt(variance)
    if distribution == "untruncated_normal":
        return math.inf, math.sqrt(variance)
    # the truncated normal's stddev is divided by its own spread at ±2, 0.8796…, so the draws have `variance`
    return 2 * math.sqrt(variance) / 0.87962566103423978, math.sqrt(variance)


@pytest.mark.parametrize("name", [str(n) for n in REFERENCE["scaling_cases"]])
def test_random_draws_have_keras_limits_and_spread(name):
    class_name = str(REFERENCE[f"scaling.{name}.class"])
    config = json.loads(str(REFERENCE[f"scaling.{name}.config"]))
    shape = tuple(int(n) for n in REFERENCE[f"scaling.{name}.shape"])
    limit, std = expected_spread(class_name, config, shape)
    keras_max, keras_std = float(REFERENCE[f"scaling.{name}.max_abs_deviation"]), float(REFERENCE[f"scaling.{name}.std"])
    assert keras_std == pytest.approx(std, rel=0.015) and keras_max <= limit * (1 + 1e-12)  # the formulas are Keras's
    w = draw(getattr(I, class_name)(**config), shape)
    mean = config.get("mean", 0.0)
    assert w.std() == pytest.approx(keras_std, rel=0.02)
    assert w.mean() == pytest.approx(float(REFERENCE[f"scaling.{name}.mean"]), abs=0.05 * std)
    assert np.abs(w - mean).max() <= limit * (1 + 1e-12)
    if math.isfinite(limit):  # uniform and truncated draws reach close to their bound, as Keras's do
        assert np.abs(w - mean).max() == pytest.approx(keras_max, rel=0.01)


def test_truncated_normal_cuts_at_two_standard_deviations():
    w = draw(I.TruncatedNormal(mean=1.0, stddev=0.5), (200, 300))
    assert np.abs(w - 1.0).max() <= 1.0 and np.abs(w - 1.0).max() > 0.99


# --- by name, configs, errors -------------------------------------------------------

@pytest.mark.parametrize("name, cls", [
    ("identity", I.Identity), ("Identity", I.Identity), ("IdentityInitializer", I.Identity),
    ("orthogonal", I.Orthogonal), ("OrthogonalInitializer", I.Orthogonal), ("constant", I.Constant),
    ("truncated_normal", I.TruncatedNormal), ("TruncatedNormal", I.TruncatedNormal),
    ("variance_scaling", I.VarianceScaling), ("lecun_normal", I.LecunNormal), ("lecun_uniform", I.LecunUniform),
    ("LecunNormal", I.LecunNormal), ("he_normal", I.HeNormal), ("he_uniform", I.HeUniform),
    ("glorot_normal", I.GlorotNormal), ("glorot_uniform", I.GlorotUniform), ("zero", I.Zeros), ("one", I.Ones),
])
def test_by_name(name, cls):
    assert type(I.get(name)) is cls


@pytest.mark.parametrize("name", ["Constant", "TruncatedNormal", "VarianceScaling", "Orthogonal", "LecunNormal",
                                  "Identity", "identity_by_name"])
def test_configs_read_and_write_as_keras(name):
    made = {"Identity": I.Identity(gain=0.5), "Constant": I.Constant(0.3), "TruncatedNormal": I.TruncatedNormal(0.1, 0.2),
            "VarianceScaling": I.VarianceScaling(2.0, "fan_avg", "uniform"), "Orthogonal": I.Orthogonal(gain=1.5),
            "LecunNormal": I.LecunNormal(), "identity_by_name": I.get("identity")}[name]
    keras_config = KERAS_CONFIGS[name]
    written = I.serialize(made)
    assert {key: written[key] for key in ("module", "class_name", "registered_name")} == \
        {key: keras_config[key] for key in ("module", "class_name", "registered_name")}
    # Keras writes input_axes/output_axes (None: kerasbook has not got them) and no gain for Identity
    shared = set(written["config"]) & set(keras_config["config"])
    assert {key: written["config"][key] for key in shared} == {key: keras_config["config"][key] for key in shared}
    assert I.get(keras_config).get_config() == {**made.get_config(), **({"gain": 1.0} if "Identity" in name else {})}
    assert I.get(written).get_config() == made.get_config()


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"Identity initializer can only be used for 2D matrices, received "
                                         r"shape=\(2, 2, 2\)"):
        I.Identity()((2, 2, 2))
    with pytest.raises(ValueError, match=r"Orthogonal initializer needs a weight of at least 2 dimensions, received "
                                         r"shape=\(4,\)"):
        I.Orthogonal()((4,))
    with pytest.raises(ValueError, match="VarianceScaling: scale must be a positive float, received scale=0"):
        I.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match="VarianceScaling: mode must be one of .* received mode='fan'"):
        I.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="VarianceScaling: distribution must be one of .* received "
                                         "distribution='cauchy'"):
        I.VarianceScaling(distribution="cauchy")
    assert I.VarianceScaling(distribution="normal").distribution == "truncated_normal"  # Keras 2's name
    with pytest.raises(ValueError, match="Unknown initializer 'identiti'"):
        I.get("identiti")


# --- in layers: the classic examples ---------------------------------------------

def test_irnn_identity_recurrent_kernel():
    """Keras's mnist_irnn: SimpleRNN(recurrent_initializer=Identity(gain=1.0), kernel RandomNormal(stddev=0.001))."""
    layer = layers.SimpleRNN(5, kernel_initializer=I.RandomNormal(stddev=0.001),
                             recurrent_initializer=I.Identity(gain=1.0), activation="relu")
    layer(np.zeros((1, 3, 2), np.float32))
    np.testing.assert_array_equal(layer.recurrent_kernel.numpy(), np.eye(5))
    assert layers.Dense(4, kernel_initializer="identity")(np.ones((1, 4), np.float32)).numpy().tolist() == [[1.0] * 4]


def test_pretrained_embeddings_through_constant_and_back_through_a_config():
    """Keras's pretrained_word_embeddings: Embedding(..., embeddings_initializer=Constant(matrix), trainable=False)."""
    matrix = np.random.default_rng(0).standard_normal((6, 3)).astype(np.float32)
    model = Sequential([Input((4,), dtype="int32"),
                        layers.Embedding(6, 3, embeddings_initializer=I.Constant(matrix), trainable=False)])
    np.testing.assert_array_equal(model.layers[0].embeddings.numpy(), matrix)
    config = json.loads(json.dumps(serialize_keras_object(model.layers[0])))
    again = deserialize_keras_object(config)
    again.build((None, 4))
    np.testing.assert_array_equal(again.embeddings.numpy(), matrix)
