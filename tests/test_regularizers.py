"""Regularizers, `Layer.losses` and `ActivityRegularization` against Keras 3's recorded numbers.

tests/data/keras_reference/regularization.npz was written by
tools/record_keras_reference_regularization.py with Keras 3 (torch backend): penalties and
their gradients, and three small models with weight and activity regularizers and
constraints, their penalties, one SGD step, and the losses Keras reports.
"""
import json
import pathlib

import numpy as np
import pytest

import kerasbook as keras
from kerasbook import Input, layers, optimizers, regularizers
from kerasbook import constraints as C
from kerasbook import regularizers as R
from kerasbook.backend import to_device, to_numpy
from kerasbook.models import Model, Sequential
from kerasbook.ops import GradientTape, Tensor
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.indexed_slices import to_dense
from kerasbook.saving import deserialize_keras_object, serialize_keras_object

REFERENCE = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "regularization.npz")
KERAS_CONFIGS = json.loads(str(REFERENCE["configs"]))
L = layers


def keras_config(name):
    """A fresh copy of the config Keras wrote for `name`."""
    return json.loads(json.dumps(KERAS_CONFIGS[name]))


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


# --- the penalties: Keras's values and gradients, float64 -------------------------

@pytest.mark.parametrize("name", [str(n) for n in REFERENCE["regularizer_cases"]])
def test_penalty_and_gradient_equal_keras(float64, name):
    config = json.loads(str(REFERENCE[f"{name}.config"]))
    regularizer = getattr(regularizers, str(REFERENCE[f"{name}.class"]))(**config)
    x = Tensor(to_device(REFERENCE[f"{name}.x"]), requires_grad=True)
    with GradientTape() as tape:
        penalty = regularizer(x)
    # Keras 3 keeps L1's factor as a float32 tensor, so its float64 penalty uses 0.0299999993 for 0.03
    rtol = 1e-7 if REFERENCE[f"{name}.class"] == "L1" else 1e-13
    np.testing.assert_allclose(float(penalty), REFERENCE[f"{name}.penalty"], rtol=rtol)
    np.testing.assert_allclose(to_numpy(tape.gradient(penalty, [x])[0]), REFERENCE[f"{name}.grad"], rtol=rtol)
    assert penalty.dtype == np.float64 and penalty.shape == ()


@pytest.mark.parametrize("regularizer", [R.L1(0.3), R.L2(0.2), R.L1L2(0.1, 0.4), R.l1_l2()],
                         ids=["L1", "L2", "L1L2", "l1_l2"])
def test_penalty_gradients_match_finite_differences(float64, regularizer):
    x = rand(3, 4, seed=1)
    x[np.abs(x) < 0.05] = 0.3  # |x| has a kink at 0
    check_gradients(lambda t: regularizer(t).reshape((1,)), [x])


def test_penalties_keep_float32():
    x = Tensor(to_device(rand(4, 3).astype(np.float32)))
    for regularizer in (R.L1(0.01), R.L2(0.01), R.L1L2(0.01, 0.02), R.L1L2()):
        assert regularizer(x).dtype == np.float32


def test_the_keras_docstring_examples():
    layer = L.Dense(5, input_dim=5, kernel_initializer="ones", kernel_regularizer=R.L1(0.01),
                    activity_regularizer=R.L2(0.01))
    layer(np.ones((5, 5), np.float32) * 2.0)
    assert float(sum(layer.losses)) == pytest.approx(5.25)  # 0.25 kernel + 25 * 4 * 0.01 * 5 / 5 activity
    assert float(R.L2(2.0)(Tensor(to_device(np.ones((5, 5), np.float32))))) == 50.0


# --- by name, defaults, configs ---------------------------------------------------

def test_by_name_and_defaults():
    assert isinstance(R.get("l2"), R.L2) and R.get("l2").l2 == 0.01
    assert isinstance(R.get("L1"), R.L1) and R.get("L1").l1 == 0.01
    assert R.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}  # Keras 2's (and Keras 3's documented) meaning
    assert R.get("l1l2").get_config() == {"l1": 0.0, "l2": 0.0}  # Keras 3's own name for L1L2()
    assert R.l1_l2().get_config() == {"l1": 0.01, "l2": 0.01}  # Keras 2's function and defaults
    assert R.l1_l2(l1=1e-5, l2=1e-4).get_config() == {"l1": 1e-5, "l2": 1e-4}
    assert R.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert R.l2(l=0.3).l2 == 0.3 and R.l1(l=0.2).l1 == 0.2  # Keras 2's argument name
    assert R.l2(1e-4).l2 == 1e-4 and R.l2 is R.L2 and R.l1 is R.L1
    assert R.get(None) is None and isinstance(R.get(R.L2), R.L2)
    own = R.L1(0.5)
    assert R.get(own) is own

    def custom(w):
        return 0.1 * keras.ops.sum(w)
    assert R.get(custom) is custom


@pytest.mark.parametrize("name", ["L1", "L2", "L1L2", "l2_by_name"])
def test_serialize_writes_keras_config(name):
    made = {"L1": R.L1(0.03), "L2": R.L2(0.02), "L1L2": R.L1L2(0.01, 0.04), "l2_by_name": R.get("l2")}[name]
    expected = keras_config(name)
    written = R.serialize(made)
    if name == "L1":  # Keras writes its float32 factor back as 0.029999999329447746
        expected["config"]["l1"] = pytest.approx(expected["config"]["l1"], rel=1e-7)
    assert written == expected
    again = R.get(written)
    assert type(again) is type(made) and again.get_config() == made.get_config()
    assert R.deserialize(KERAS_CONFIGS[name]).get_config() == pytest.approx(made.get_config(), rel=1e-7)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="Unknown regularizer 'l3'.*'l1', 'l2', 'l1_l2'"):
        R.get("l3")
    with pytest.raises(ValueError, match=r"L2: l2 must be a non-negative float, received l2=-0.1"):
        R.L2(-0.1)
    with pytest.raises(ValueError, match=r"L1L2: l1 must be a non-negative float, received l1=nan"):
        R.L1L2(l1=float("nan"))
    with pytest.raises(ValueError, match=r"L1: l1 must be a non-negative float, received l1='0.1'"):
        R.l1("0.1")
    with pytest.raises(ValueError, match="Could not interpret regularizer 3"):
        R.get(3)
    with pytest.raises(ValueError, match="Unknown regularizer 'l3'"):
        L.Dense(2, kernel_regularizer="l3")


# --- Layer.losses: Keras 3's rules ----------------------------------------------------

def test_weight_penalties_are_computed_on_the_current_weights():
    layer = L.Dense(2, kernel_regularizer=R.L2(0.5), bias_regularizer=R.L1(0.1), kernel_initializer="ones",
                    bias_initializer="ones")
    assert layer.losses == []  # not built yet: no weights
    layer.build((None, 3))
    assert [float(p) for p in layer.losses] == [3.0, pytest.approx(0.2)]
    layer.kernel.assign(np.full((3, 2), 2.0))
    assert [float(p) for p in layer.losses] == [12.0, pytest.approx(0.2)]


def test_activity_penalty_is_divided_by_the_batch_and_kept_from_the_last_call_only():
    layer = L.Dense(2, kernel_initializer="ones", use_bias=False, activity_regularizer=R.L1(1.0))
    layer(np.ones((4, 3), np.float32))
    assert [float(p) for p in layer.losses] == [6.0]  # sum |3| over (4, 2) = 24, over a batch of 4
    layer(np.ones((2, 3), np.float32) * 2)
    assert [float(p) for p in layer.losses] == [12.0]


def test_a_model_collects_its_layers_losses_and_a_shared_layer_adds_one_per_call():
    shared = L.Dense(2, kernel_initializer="ones", use_bias=False, activity_regularizer=R.L1(1.0),
                     kernel_regularizer=R.L2(1.0))
    a, b = Input((3,)), Input((3,))
    model = Model([a, b], L.Add()([shared(a), shared(b)]))
    model([np.ones((1, 3), np.float32), 2 * np.ones((1, 3), np.float32)])
    assert sorted(float(p) for p in model.losses) == [6.0, 6.0, 12.0]  # two calls' activity, the kernel once
    model([np.ones((1, 3), np.float32), np.ones((1, 3), np.float32)])
    assert sorted(float(p) for p in model.losses) == [6.0, 6.0, 6.0]  # the model's call cleared the last ones


def test_nested_models_and_custom_layers_report_inner_penalties():
    class Block(L.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.inner = L.Dense(2, kernel_regularizer=R.L2(1.0), kernel_initializer="ones", use_bias=False,
                                 activity_regularizer=R.L1(1.0))

        def call(self, inputs):
            self.add_loss(keras.ops.sum(inputs) * 0.0 + 0.5)
            return self.inner(inputs)

        def compute_output_shape(self, input_shape):
            return input_shape[:-1] + (2,)

    block = Block()
    inner_model = Sequential([Input((3,)), block])
    outer = Sequential([Input((3,)), inner_model, L.Dense(1, kernel_regularizer=R.L1(1.0), kernel_initializer="ones",
                                                          use_bias=False)])
    outer(np.ones((2, 3), np.float32))
    assert sorted(float(p) for p in outer.losses) == [0.5, 2.0, 6.0, 6.0]  # add_loss, L1 kernel, activity, L2


def test_a_frozen_layer_has_no_weight_penalty():
    layer = L.Dense(2, kernel_regularizer=R.L2(1.0), activity_regularizer=R.L2(1.0))
    layer(np.ones((1, 3), np.float32))
    layer.trainable = False
    assert len(layer.losses) == 1  # the activity penalty stays, as in Keras 3


def test_symbolic_calls_add_no_losses():
    inputs = Input((3,))
    L.Dense(2, activity_regularizer="l2")(inputs)
    model = Model(inputs, L.Dense(2, activity_regularizer="l2")(inputs))
    assert model.losses == []


# --- training: the penalty in the gradient and in the reported loss (Keras 3's numbers) --

def reference_models():
    return {
        "dense_step": Sequential([
            Input((6,)),
            L.Dense(5, activation="tanh", kernel_regularizer=R.L2(0.01), bias_regularizer=R.L1(0.02),
                    activity_regularizer=R.L1L2(l1=0.001, l2=0.002), kernel_constraint=C.MaxNorm(0.8)),
            L.ActivityRegularization(l1=0.003, l2=0.004),
            L.Dense(3, kernel_regularizer=R.L1L2(l1=0.005, l2=0.01), activity_regularizer=R.L2(0.003),
                    kernel_constraint=C.MaxNorm(1.0), bias_constraint=C.NonNeg()),
        ]),
        "conv_step": Sequential([
            Input((5, 5, 2)),
            L.Conv2D(3, 3, activation="relu", kernel_regularizer=R.L1L2(l1=0.002, l2=0.003),
                     bias_regularizer=R.L2(0.01), activity_regularizer=R.L2(0.001),
                     kernel_constraint=C.MaxNorm(0.9, axis=[0, 1, 2]), bias_constraint=C.UnitNorm(axis=0)),
            L.Flatten(),
            L.Dense(2, kernel_regularizer=R.L2(0.02), kernel_constraint=C.MinMaxNorm(0.2, 0.6, rate=0.5)),
        ]),
        "sequence_step": Sequential([
            Input((4,), dtype="int32"),
            L.Embedding(7, 3, embeddings_regularizer=R.L2(0.01), embeddings_constraint=C.UnitNorm(axis=1)),
            L.LSTM(4, kernel_regularizer=R.L2(0.01), recurrent_regularizer=R.L1(0.005), bias_regularizer=R.L2(0.02),
                   kernel_constraint=C.MaxNorm(1.0), recurrent_constraint=C.MaxNorm(0.7), bias_constraint=C.NonNeg(),
                   activity_regularizer=R.L1(0.01)),
            L.Dense(1, kernel_regularizer=R.L1(0.01)),
        ]),
    }


def sequence_model_over_a_cell():
    """The sequence model with RNN(LSTMCell(...)) in place of LSTM(...): the cell takes the same arguments."""
    return Sequential([
        Input((4,), dtype="int32"),
        L.Embedding(7, 3, embeddings_regularizer=R.L2(0.01), embeddings_constraint=C.UnitNorm(axis=1)),
        L.RNN(L.LSTMCell(4, kernel_regularizer=R.L2(0.01), recurrent_regularizer=R.L1(0.005),
                         bias_regularizer=R.L2(0.02), kernel_constraint=C.MaxNorm(1.0),
                         recurrent_constraint=C.MaxNorm(0.7), bias_constraint=C.NonNeg()),
              activity_regularizer=R.L1(0.01)),
        L.Dense(1, kernel_regularizer=R.L1(0.01)),
    ])


@pytest.mark.parametrize("name", [str(n) for n in REFERENCE["model_cases"]] + ["sequence_step over a cell"])
def test_one_training_step_equals_keras(name):
    if name == "sequence_step over a cell":
        model, name = sequence_model_over_a_cell(), "sequence_step"
    else:
        model = reference_models()[name]
    model.set_weights([REFERENCE[f"{name}.before{i}"] for i in range(len(model.weights))])
    x, y = REFERENCE[f"{name}.x"], REFERENCE[f"{name}.y"]
    model(x, training=True)
    np.testing.assert_allclose([float(p) for p in model.losses], REFERENCE[f"{name}.penalties"], rtol=2e-6)
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    assert model.train_on_batch(x, y) == pytest.approx(float(REFERENCE[f"{name}.loss"]), rel=1e-6)
    for index, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, REFERENCE[f"{name}.after{index}"], rtol=1e-5, atol=1e-7)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(float(REFERENCE[f"{name}.evaluate_after"]), rel=1e-6)
    np.testing.assert_allclose(model.predict(x, verbose=0), REFERENCE[f"{name}.predict_after"], rtol=1e-5, atol=1e-7)


def test_fit_reports_the_loss_with_the_penalty_and_the_gradient_carries_it():
    x, y = rand(8, 3, seed=2).astype(np.float32), rand(8, 1, seed=3).astype(np.float32)

    def model(regularizer):
        keras.utils.set_random_seed(5)
        m = Sequential([Input((3,)), L.Dense(1, kernel_regularizer=regularizer)])
        m.compile(optimizer=optimizers.SGD(0.1), loss="mse")
        return m

    plain, penalised = model(None), model(R.L2(0.5))
    kernel_before = plain.layers[0].kernel.numpy()
    np.testing.assert_array_equal(penalised.layers[0].kernel.numpy(), kernel_before)
    data_loss = plain.evaluate(x, y, verbose=0)
    penalty = 0.5 * float((kernel_before ** 2).sum())
    assert penalised.evaluate(x, y, verbose=0) == pytest.approx(data_loss + penalty, rel=1e-6)
    history = penalised.fit(x, y, batch_size=8, epochs=1, verbose=0).history
    assert history["loss"][0] == pytest.approx(data_loss + penalty, rel=1e-6)
    plain.fit(x, y, batch_size=8, epochs=1, verbose=0)
    # the same data gradient, plus the penalty's 2 * 0.5 * kernel, times the learning rate
    np.testing.assert_allclose(penalised.layers[0].kernel.numpy(),
                               plain.layers[0].kernel.numpy() - 0.1 * kernel_before, rtol=1e-5, atol=1e-7)


def test_a_hand_written_loop_adds_model_losses_like_compute_loss():
    model = Sequential([Input((3,)), L.Dense(2, kernel_regularizer="l2", activity_regularizer="l1")])
    x = rand(4, 3, seed=6).astype(np.float32)
    with GradientTape() as tape:
        y = model(x, training=True)
        loss = keras.ops.mean(keras.ops.square(y)) + sum(model.losses)
    grads = tape.gradient(loss, model.trainable_weights)
    assert all(g is not None for g in grads)


def test_penalty_gradients_through_a_layer_match_finite_differences(float64):
    layer = L.Dense(3, activation="tanh", kernel_regularizer=R.L1L2(0.1, 0.2), bias_regularizer=R.L2(0.3),
                    activity_regularizer=R.L1L2(0.05, 0.1))
    x = rand(4, 2, seed=7)
    layer(x)

    def total(t):
        out = layer(t)
        return (out.sum() + sum(layer.losses)).reshape((1,))

    check_gradients(total, [x], params=layer.weights)


# --- ActivityRegularization ----------------------------------------------------------

def test_activity_regularization_passes_inputs_and_adds_the_penalty():
    layer = L.ActivityRegularization(l1=0.1, l2=0.2)
    x = rand(4, 3, seed=8).astype(np.float32)
    out = layer(x)
    np.testing.assert_array_equal(out.numpy(), x)
    expected = (0.1 * np.abs(x).sum() + 0.2 * (x ** 2).sum()) / 4
    assert [float(p) for p in layer.losses] == [pytest.approx(expected, rel=1e-6)]
    assert layer.compute_output_shape((None, 3)) == (None, 3) and layer.count_params() == 0


def test_activity_regularization_config_equals_keras():
    layer = L.ActivityRegularization(l1=0.1, l2=0.2, name="activity_regularization")
    assert layer.get_config() == KERAS_CONFIGS["ActivityRegularization"]
    again = L.ActivityRegularization.from_config(KERAS_CONFIGS["ActivityRegularization"])
    assert (again.l1, again.l2, again.activity_regularizer.get_config()) == (0.1, 0.2, {"l1": 0.1, "l2": 0.2})
    with pytest.raises(ValueError, match="l1 must be a non-negative float"):
        L.ActivityRegularization(l1=-1.0)


# --- layer configs ------------------------------------------------------------------

def test_dense_config_equals_keras_and_round_trips():
    dense = L.Dense(3, kernel_regularizer=R.L2(0.01), bias_regularizer="l1", activity_regularizer=R.L1L2(0.1, 0.2),
                    kernel_constraint="max_norm", bias_constraint=C.NonNeg(), name="dense")
    config = dense.get_config()
    expected = keras_config("Dense")
    expected.pop("quantization_config")
    expected["bias_regularizer"]["config"]["l1"] = pytest.approx(0.01, rel=1e-7)  # Keras's float32 factor
    expected["kernel_initializer"]["config"] = {"seed": None}  # kerasbook has no input_axes/output_axes
    assert config == expected
    again = L.Dense.from_config(KERAS_CONFIGS["Dense"])
    for attribute in ("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                      "bias_constraint"):
        assert getattr(again, attribute).get_config() == pytest.approx(getattr(dense, attribute).get_config())
    copy = deserialize_keras_object(serialize_keras_object(dense))
    assert copy.get_config() == config


@pytest.mark.parametrize("make", [
    lambda: L.Conv1D(2, 3, kernel_regularizer="l2", bias_regularizer=R.L1(0.1), kernel_constraint="unit_norm",
                     bias_constraint="non_neg", activity_regularizer="l1"),
    lambda: L.Conv2D(2, 3, kernel_regularizer="l2", kernel_constraint=C.MaxNorm(2, axis=[0, 1, 2])),
    lambda: L.Conv2DTranspose(2, 3, kernel_regularizer="l2", bias_constraint="non_neg"),
    lambda: L.Conv1DTranspose(2, 3, bias_regularizer="l1", kernel_constraint="max_norm"),
    lambda: L.Embedding(5, 2, embeddings_regularizer="l2", embeddings_constraint="unit_norm"),
    lambda: L.LSTM(2, kernel_regularizer="l2", recurrent_regularizer="l1", bias_regularizer="l2",
                   kernel_constraint="max_norm", recurrent_constraint="unit_norm", bias_constraint="non_neg"),
    lambda: L.GRU(2, recurrent_regularizer="l2", recurrent_constraint="max_norm"),
    lambda: L.SimpleRNN(2, kernel_regularizer="l1", bias_constraint="non_neg"),
    lambda: L.LSTMCell(2, kernel_regularizer="l2", recurrent_constraint="unit_norm", bias_regularizer="l1"),
    lambda: L.GRUCell(2, recurrent_regularizer="l2", bias_constraint="non_neg"),
    lambda: L.SimpleRNNCell(2, kernel_constraint="max_norm", recurrent_regularizer="l1"),
], ids=["Conv1D", "Conv2D", "Conv2DTranspose", "Conv1DTranspose", "Embedding", "LSTM", "GRU", "SimpleRNN",
        "LSTMCell", "GRUCell", "SimpleRNNCell"])
def test_every_layer_with_regularizers_round_trips_its_config(make):
    layer = make()
    config = layer.get_config()
    again = type(layer).from_config(json.loads(json.dumps(config)))
    assert again.get_config() == config
    regularized = [key for key, value in config.items() if key.endswith(("regularizer", "constraint")) and value]
    assert regularized and all(getattr(again, key) is not None for key in regularized)


@pytest.mark.parametrize("make, shape, count", [
    (lambda: L.Conv1D(2, 3, kernel_regularizer="l2", bias_regularizer="l1"), (2, 5, 3), 2),
    (lambda: L.Conv2D(2, 3, kernel_regularizer="l2", activity_regularizer="l2"), (2, 5, 5, 1), 2),
    (lambda: L.Conv2DTranspose(2, 3, kernel_regularizer="l2", bias_regularizer="l2"), (1, 3, 3, 2), 2),
    (lambda: L.Embedding(5, 2, embeddings_regularizer="l2"), (2, 3), 1),
    (lambda: L.LSTM(2, kernel_regularizer="l2", recurrent_regularizer="l1", bias_regularizer="l2"), (2, 3, 4), 3),
    (lambda: L.GRU(2, recurrent_regularizer="l2", activity_regularizer="l1"), (2, 3, 4), 2),
    (lambda: L.SimpleRNN(2, kernel_regularizer="l1"), (2, 3, 4), 1),
    (lambda: L.RNN(L.GRUCell(2, kernel_regularizer="l2", recurrent_regularizer="l1", bias_regularizer="l2")),
     (2, 3, 4), 3),
    (lambda: L.RNN(L.SimpleRNNCell(2, recurrent_regularizer="l2"), activity_regularizer="l2"), (2, 3, 4), 2),
], ids=["Conv1D", "Conv2D", "Conv2DTranspose", "Embedding", "LSTM", "GRU", "SimpleRNN", "RNN GRUCell",
        "RNN SimpleRNNCell"])
def test_each_layer_puts_its_penalties_in_losses(make, shape, count):
    layer = make()
    x = np.random.default_rng(0).integers(0, 5, size=shape) if isinstance(layer, L.Embedding) else rand(*shape)
    layer(x)
    assert len(layer.losses) == count and all(float(p) >= 0 for p in layer.losses)


def test_embedding_penalty_and_sparse_gradient_add_up(float64):
    """The embedding's gradient is a few rows (IndexedSlices); the penalty's is dense: the tape adds them."""
    layer = L.Embedding(6, 2, embeddings_regularizer=R.L2(0.5))
    ids = np.array([[1, 1, 4]])
    layer(ids)
    with GradientTape() as tape:
        loss = layer(ids).sum() + sum(layer.losses)
    grad = to_numpy(to_dense(tape.gradient(loss, layer.weights)[0]))
    expected = layer.embeddings.numpy() * 1.0  # 2 * 0.5 * embeddings
    expected[1] += 2
    expected[4] += 1
    np.testing.assert_allclose(grad, expected)
