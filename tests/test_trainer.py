"""The public training step (kerasbook/models/trainer.py), as the Keras guide
"Customizing what happens in fit()" uses it: override `train_step`, `test_step`
or `predict_step` and keep fit's loop; or write the loop by hand with a
`GradientTape` and `optimizer.apply_gradients`.
"""
import pathlib
import re

import numpy as np
import pytest

import kerasbook as keras
from kerasbook.callbacks import Callback, LivePlot
from kerasbook.models import data_adapter
from kerasbook.ops import GradientTape


def regression_data(samples=256, features=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, features)).astype("float32")
    y = (x @ rng.normal(size=(features, 1)) + 0.1).astype("float32")
    return x, y


def build(model_class=keras.Model, features=8):
    keras.backend.clear_session()
    keras.utils.set_random_seed(7)
    inputs = keras.Input(shape=(features,))
    hidden = keras.layers.Dense(16, activation="relu")(inputs)
    outputs = keras.layers.Dense(1)(hidden)
    return model_class(inputs, outputs)


class GuideModel(keras.Model):
    """The guide's first example, word for word but for the tape's import."""

    def train_step(self, data):
        x, y = data
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply(gradients, trainable_vars)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


class RecordLogs(Callback):
    def on_train_begin(self, logs=None):
        self.batches, self.epochs = [], []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(dict(logs))

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(dict(logs))


def test_an_overridden_train_step_trains_through_fit_with_callbacks_and_the_live_plot():
    x, y = regression_data()
    model = build(GuideModel)
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    record, plot = RecordLogs(), LivePlot(save_to=None)
    history = model.fit(x, y, epochs=4, batch_size=32, verbose=0, callbacks=[record, plot])
    assert list(history.history) == ["loss", "mae"]
    losses = history.history["loss"]
    assert all(later < earlier for earlier, later in zip(losses, losses[1:]))
    assert len(record.batches) == 4 * 8 and record.epochs[-1].keys() == {"loss", "mae"}
    assert plot.panels() == ["loss", "mae"] and plot.values["loss"] == history.history["loss"]


def test_the_guide_train_step_computes_exactly_what_the_built_in_one_does():
    x, y = regression_data()
    results = []
    for model_class in (keras.Model, GuideModel):
        model = build(model_class)
        model.compile(optimizer="adam", loss="mse", metrics=["mae"])
        history = model.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0)
        results.append((history.history, model.get_weights()))
    (built_in, weights), (overridden, overridden_weights) = results
    assert built_in == overridden
    for a, b in zip(weights, overridden_weights):
        np.testing.assert_array_equal(a, b)


class OwnMetricsModel(keras.Model):
    """The guide's lower-level example: its own loss, trackers and `metrics` property."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")
        self.loss_fn = keras.losses.MeanSquaredError()

    def train_step(self, data):
        x, y = data
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.loss_fn(y, y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


def test_a_model_with_its_own_loss_and_metrics_compiles_without_a_loss_and_resets_them_each_epoch():
    x, y = regression_data(samples=100)
    model = build(OwnMetricsModel)
    model.compile(optimizer="adam")
    history = model.fit(x, y, epochs=3, batch_size=32, verbose=0)
    assert list(history.history) == ["loss", "mae"]
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.mae_metric.count == 100  # reset at each epoch's start: one epoch's samples
    assert model.loss_tracker.count == 4  # one scalar loss per batch of the last epoch


def test_the_default_train_step_without_a_loss_is_refused_before_any_weight_changes():
    x, y = regression_data(samples=32)
    model = build()
    model.compile(optimizer="adam")
    before = model.get_weights()
    with pytest.raises(ValueError, match="no loss to compute.*give compile\\(\\) a loss"):
        model.fit(x, y, verbose=0)
    assert model.optimizer.iterations == 0
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


class WeightedModel(keras.Model):
    """The guide's sample-weight example: data arrives as (x, y, sample_weight)."""

    def train_step(self, data):
        if len(data) == 3:
            x, y, sample_weight = data
        else:
            sample_weight = None
            x, y = data
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}


def test_sample_weights_reach_train_step_and_weigh_the_loss_as_the_built_in_step_does():
    x, y = regression_data(samples=64)
    weights = np.random.default_rng(1).uniform(0.1, 2.0, size=64).astype("float32")
    results = []
    for model_class in (keras.Model, WeightedModel):
        model = build(model_class)
        model.compile(optimizer="sgd", loss="mse")
        model.fit(x, y, sample_weight=weights, epochs=1, batch_size=16, shuffle=False, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_a_weighted_metric_is_the_weighted_mean_of_its_values():
    metric = keras.metrics.MeanAbsoluteError()
    y_true = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], dtype="float32")
    y_pred = np.array([[1.0, 3.0], [2.0, 2.0], [5.0, 5.0]], dtype="float32")  # per sample: 2, 2, 5
    metric.update_state(y_true, y_pred, sample_weight=np.array([1.0, 3.0, 0.0], dtype="float32"))
    assert metric.result() == pytest.approx((2 * 1 + 2 * 3 + 5 * 0) / 4)
    metric.reset_state()
    metric.update_state(y_true, y_pred)
    assert metric.result() == pytest.approx(3.0)


class HalfLossEvaluation(keras.Model):
    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        self.metrics[0].update_state(float(loss.data) / 2, len(x))
        return {"half_loss": self.metrics[0].result()}


class DoublingPrediction(keras.Model):
    def predict_step(self, data):
        (x,) = data
        return self(x, training=False) * 2.0


def test_evaluate_and_predict_run_overridden_test_and_predict_steps():
    x, y = regression_data(samples=40)
    plain, halved = build(), build(HalfLossEvaluation)
    for model in (plain, halved):
        model.compile(optimizer="sgd", loss="mse")
    full = plain.evaluate(x, y, batch_size=8, verbose=0)
    assert halved.evaluate(x, y, batch_size=8, verbose=0, return_dict=True) == {"half_loss": pytest.approx(full / 2)}
    doubling = build(DoublingPrediction)
    np.testing.assert_allclose(doubling.predict(x, verbose=0), 2 * plain.predict(x, verbose=0), rtol=1e-6)


def test_a_hand_written_loop_with_apply_gradients_equals_fit():
    x, y = regression_data(samples=64)
    fitted = build()
    fitted.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    fitted.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)

    model = build()
    optimizer = keras.optimizers.Adam(0.01)
    loss_fn = keras.losses.MeanSquaredError()
    for epoch in range(2):
        for start in range(0, 64, 16):
            x_batch, y_batch = x[start:start + 16], y[start:start + 16]
            with GradientTape() as tape:
                loss = loss_fn(y_batch, model(x_batch, training=True))
            grads = tape.gradient(loss, model.trainable_weights)
            optimizer.apply_gradients(zip(grads, model.trainable_weights))
    assert optimizer.iterations == 8
    for a, b in zip(fitted.get_weights(), model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_loss_objects_average_weighted_per_sample_losses():
    y_true = np.zeros((4, 2), dtype="float32")
    y_pred = np.array([[1, 1], [2, 2], [3, 3], [4, 4]], dtype="float32")
    assert float(keras.losses.MeanSquaredError()(y_true, y_pred)) == pytest.approx((1 + 4 + 9 + 16) / 4)
    weighted = keras.losses.MeanAbsoluteError()(y_true, y_pred, sample_weight=np.array([1, 0, 0, 1], "float32"))
    assert float(weighted) == pytest.approx((1 + 4) / 4)  # Keras's sum over the batch size


def test_a_compiled_metric_may_be_a_metric_object():
    x, y = regression_data(samples=32)
    model = build()
    model.compile(optimizer="sgd", loss="mse", metrics=[keras.metrics.MeanAbsoluteError(name="mae")])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    expected = np.abs(model.predict(x, verbose=0) - y).mean()
    assert logs["mae"] == pytest.approx(expected, rel=1e-5)


def test_the_tape_gives_gradients_of_intermediate_tensors():
    w = keras.ops.Variable(np.array([1.0, 2.0, 3.0]))
    with GradientTape() as tape:
        h = w * 2.0
        loss = (h * h).sum()
    grad_h, grad_w = tape.gradient(loss, [h, w])
    np.testing.assert_allclose(grad_h, [4.0, 8.0, 12.0])
    np.testing.assert_allclose(grad_w, [8.0, 16.0, 24.0])


def test_the_data_adapter_checks_data_against_shapes_and_names_alone():
    arrays = [np.zeros((5, 3), dtype="float32")]
    data_adapter.check_input_shapes(arrays, [(None, 3)], ["pixels"], [None], "m")
    with pytest.raises(ValueError, match="Model 'm' expects input 'pixels' of shape \\(None, 4\\), read by its "
                                         "first layer 'dense' \\(Dense\\).*Axis 1 should be 4, not 3"):
        data_adapter.check_input_shapes(arrays, [(None, 4)], ["pixels"], ["'dense' (Dense)"], "m")
    assert data_adapter.unpack_x_y_sample_weight((1, 2)) == (1, 2, None)
    assert data_adapter.pack_x_y_sample_weight(1, 2, None) == (1, 2)


# --- what a user passes is checked before the first step (issue 12) --------------------------------

def trained(optimizer="adam", features=8):
    """A model one Adam step into training, so that its optimizer slots exist."""
    model = build(features=features)
    model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
    x, y = regression_data(samples=32, features=features)
    model.fit(x, y, batch_size=32, verbose=0)
    return model


CALLS = {
    "fit": lambda model, x, y: model.fit(x, y, batch_size=8, verbose=0),
    "train_on_batch": lambda model, x, y: model.train_on_batch(x, y),
    "evaluate": lambda model, x, y: model.evaluate(x, y, verbose=0),
    "test_on_batch": lambda model, x, y: model.test_on_batch(x, y),
    "fit's validation_data": lambda model, x, y: model.fit(*regression_data(samples=16), validation_data=(x, y),
                                                           verbose=0),
}


@pytest.mark.parametrize("call", sorted(CALLS))
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["x", "y"])
def test_nan_or_inf_in_the_data_is_refused_with_its_first_position(refuses, call, bad, where):
    model = trained()
    x, y = regression_data(samples=40)
    data = {"x": x.copy(), "y": y.copy()}
    data[where][37, 0] = bad
    data[where][39, 0] = bad
    role = "input 'input_layer'" if where == "x" else "target 'dense_1'"
    if call == "fit's validation_data":
        role = "validation " + role
    refuses(model, lambda: CALLS[call](model, data["x"], data["y"]), ValueError,
            rf"{role} holds {re.escape(str(np.float32(bad)))} at index \(37, 0\).*finite", train_on=(x, y))


def test_predict_passes_nan_through_as_keras_does():
    model = trained()
    x, _ = regression_data(samples=4)
    x[1, 0] = np.nan
    prediction = model.predict(x, verbose=0)
    assert np.isnan(prediction[1]).all() and np.isfinite(prediction[[0, 2, 3]]).all()


@pytest.mark.parametrize("call", ["fit", "train_on_batch", "evaluate", "test_on_batch"])
def test_no_samples_are_refused_for_training_and_evaluating(refuses, call):
    model = trained()
    x, y = regression_data(samples=32)
    refuses(model, lambda: CALLS[call](model, x[:0], y[:0]), ValueError,
            r"received no samples \(the inputs have shape \(0, 8\)\)", train_on=(x, y))


def test_predict_on_no_samples_gives_an_empty_array_per_output():
    model = trained()
    empty = model.predict(np.zeros((0, 8), "float32"), verbose=0)
    assert type(empty) is np.ndarray and empty.shape == (0, 1) and empty.dtype == np.float32
    inputs = keras.Input(shape=(3, 4))
    two = keras.Model(inputs, [keras.layers.Dense(2)(inputs), keras.layers.Flatten()(inputs)])
    first, second = two.predict(np.zeros((0, 3, 4)), verbose=0)
    assert first.shape == (0, 3, 2) and second.shape == (0, 12)


BAD_ARGUMENTS = [
    ("batch_size", 0, ValueError), ("batch_size", -4, ValueError), ("batch_size", 2.5, TypeError),
    ("batch_size", "32", TypeError), ("batch_size", True, TypeError),
    ("epochs", -1, ValueError), ("epochs", 2.0, TypeError), ("epochs", "3", TypeError),
    ("steps_per_epoch", 0, ValueError), ("steps_per_epoch", -2, ValueError), ("steps_per_epoch", 1.5, TypeError),
    ("validation_batch_size", 0, ValueError), ("validation_batch_size", -8, ValueError),
    ("validation_batch_size", 8.0, TypeError),
    ("initial_epoch", -1, ValueError), ("initial_epoch", 0.5, TypeError), ("initial_epoch", "0", TypeError),
]


@pytest.mark.parametrize("argument, value, error", BAD_ARGUMENTS)
def test_fit_refuses_a_count_argument_that_is_not_one_naming_it(refuses, argument, value, error):
    model = trained()
    x, y = regression_data(samples=32)
    refuses(model, lambda: model.fit(x, y, validation_split=0.25, verbose=0, **{argument: value}), error,
            rf"`{argument}` must be", train_on=(x, y))


@pytest.mark.parametrize("value, error", [(0, ValueError), (-1, ValueError), (4.0, TypeError), ("4", TypeError)])
def test_evaluate_and_predict_refuse_a_bad_batch_size(refuses, value, error):
    model = trained()
    x, y = regression_data(samples=32)
    refuses(model, lambda: model.evaluate(x, y, batch_size=value, verbose=0), error, "`batch_size` must be",
            train_on=(x, y))
    with pytest.raises(error, match="`batch_size` must be"):
        model.predict(x, batch_size=value, verbose=0)


def test_initial_epoch_past_epochs_is_refused(refuses):
    model = trained()
    x, y = regression_data(samples=32)
    refuses(model, lambda: model.fit(x, y, epochs=2, initial_epoch=3, verbose=0), ValueError,
            r"`initial_epoch` \(3\) is past `epochs` \(2\)", train_on=(x, y))


def test_numpy_integers_are_counts_too():
    model = trained()
    x, y = regression_data(samples=32)
    history = model.fit(x, y, batch_size=np.int64(8), epochs=np.int32(3), initial_epoch=np.int64(1),
                        validation_split=0.25, validation_batch_size=np.int16(4), verbose=0)
    assert history.epoch == [1, 2] and model.optimizer.iterations == 1 + 2 * 3
    model.fit(x, y, batch_size=np.int64(8), steps_per_epoch=np.uint8(2), verbose=0)
    assert model.optimizer.iterations == 7 + 2
    assert model.evaluate(x, y, batch_size=np.int64(5), verbose=0)[0] > 0
    assert model.predict(x, batch_size=np.int32(5), verbose=0).shape == (32, 1)
    history = model.fit(x, y, epochs=0, verbose=0)
    assert history.epoch == [] and model.optimizer.iterations == 9  # Keras allows 0 epochs: nothing runs


class RecordBatches(keras.Model):
    def train_step(self, data):
        x, _ = data
        self.seen.append([int(row) for row in x.data[:, 0]])
        return super().train_step(data)


def test_steps_per_epoch_takes_that_many_batches_and_cycles_through_the_data():
    model = build(RecordBatches, features=1)
    model.seen = []
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.arange(10, dtype="float32")[:, None], np.zeros((10, 1), "float32")
    history = model.fit(x, y, batch_size=4, epochs=2, steps_per_epoch=5, shuffle=False, verbose=0)
    assert model.seen == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3], [4, 5, 6, 7],  # epoch 0
                          [8, 9], [0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3]]  # epoch 1 goes on
    assert history.epoch == [0, 1] and model.optimizer.iterations == 10
    model.seen = []
    model.fit(x, y, batch_size=4, epochs=1, steps_per_epoch=2, shuffle=True, verbose=0)
    assert [len(rows) for rows in model.seen] == [4, 4] and len(set(sum(model.seen, []))) == 8


def embedding_model():
    keras.backend.clear_session()
    keras.utils.set_random_seed(3)
    inputs = keras.Input(shape=(5,), dtype="int32", name="words")
    hidden = keras.layers.Flatten()(keras.layers.Embedding(10, 4)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(1)(hidden))
    model.compile(optimizer="adam", loss="mse")
    words = np.random.default_rng(0).integers(0, 10, size=(40, 5))
    targets = np.random.default_rng(1).normal(size=(40, 1)).astype("float32")
    model.fit(words, targets, batch_size=8, verbose=0)
    return model, words, targets


@pytest.mark.parametrize("bad", [10, 57, -1])
def test_an_embedding_index_out_of_range_anywhere_is_found_before_the_first_step(refuses, bad):
    model, words, targets = embedding_model()
    poisoned = words.copy()
    poisoned[38, 2] = bad  # in the last batch: no earlier batch may train
    message = rf"Embedding 'embedding' has input_dim=10, so it expects indices in \[0, 9\], but input 'words' " \
              rf"holds {bad} at index \(38, 2\)"
    refuses(model, lambda: model.fit(poisoned, targets, batch_size=8, verbose=0), ValueError, message,
            train_on=(words, targets))
    refuses(model, lambda: model.evaluate(poisoned, targets, verbose=0), ValueError, message,
            train_on=(words, targets))
    refuses(model, lambda: model.predict(poisoned, verbose=0), ValueError, message, train_on=(words, targets))


def test_float_indices_are_truncated_as_keras_does_and_checked_the_same_way():
    keras.backend.clear_session()
    model = keras.models.Sequential([keras.layers.Embedding(10, 4, input_length=3), keras.layers.Flatten(),
                                     keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert model.predict(np.array([[0.0, 9.7, -0.5]]), verbose=0).shape == (1, 1)
    with pytest.raises(ValueError, match=r"holds 10.2 at index \(0, 1\)"):
        model.predict(np.array([[0.0, 10.2, 3.0]]), verbose=0)


def test_a_failed_compile_leaves_the_previous_one_in_force(refuses):
    model = trained()
    optimizer, losses, metric_names = model.optimizer, model.loss_functions, model.metrics_names
    x, y = regression_data(samples=32)
    cases = [({"optimizer": "sgd", "loss": "msee"}, ValueError, "Unknown loss 'msee'"),
             ({"optimizer": "sgd", "loss": "mse", "metrics": ["acuracy"]}, ValueError, "Unknown metric 'acuracy'"),
             ({"optimizer": "sgd", "loss": "mse", "loss_weights": ["a"]}, TypeError, "`loss_weights`.*'a'"),
             ({"optimizer": "sgd", "loss": {"dense_9": "mse"}}, ValueError, r"`loss` has keys \['dense_9'\]"),
             ({"optimizer": "sgdd", "loss": "mse"}, ValueError, "sgdd")]
    for arguments, error, message in cases:
        refuses(model, lambda: model.compile(**arguments), error, message, train_on=(x, y))
        assert model.optimizer is optimizer and model.loss_functions == losses
        assert model.metrics_names == metric_names


# --- what fit reports -------------------------------------------------------------------------------

KERAS = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "loss_weights.npz")


def guide_model_with_an_auxiliary_output(loss, loss_weights):
    """tools/record_keras_reference_loss_weights.py's model, with Keras's starting weights."""
    keras.backend.clear_session()
    main_input = keras.Input(shape=(20,), dtype="int32", name="main_input")
    lstm_out = keras.layers.LSTM(4)(keras.layers.Embedding(output_dim=8, input_dim=50)(main_input))
    auxiliary_output = keras.layers.Dense(1, activation="sigmoid", name="aux_output")(lstm_out)
    auxiliary_input = keras.Input(shape=(5,), name="aux_input")
    hidden = keras.layers.concatenate([lstm_out, auxiliary_input])
    for _ in range(3):
        hidden = keras.layers.Dense(6, activation="relu")(hidden)
    main_output = keras.layers.Dense(1, activation="sigmoid", name="main_output")(hidden)
    model = keras.Model(inputs=[main_input, auxiliary_input], outputs=[main_output, auxiliary_output])
    model.set_weights([KERAS[f"initial{index}"] for index in range(len(model.weights))])
    model.compile(optimizer="rmsprop", loss=loss, loss_weights=loss_weights)
    return model


COMPILE_FORMS = {
    "dicts": ({"main_output": "binary_crossentropy", "aux_output": "binary_crossentropy"},
              {"main_output": 1.0, "aux_output": 0.2}),
    "the guide's one loss and a list": ("binary_crossentropy", [1.0, 0.2]),
}


def keras_logs(name):
    return dict(zip(KERAS[f"{name}.names"], KERAS[name]))


@pytest.mark.parametrize("form", sorted(COMPILE_FORMS))
def test_loss_weights_weigh_the_total_but_each_output_is_reported_unweighted_as_in_keras_3(form):
    x = [KERAS["headline"], KERAS["additional"]]
    y = [KERAS["labels"], KERAS["labels"]]
    first_x, first_y = [a[:16] for a in x], [a[:16] for a in y]
    model = guide_model_with_an_auxiliary_output(*COMPILE_FORMS[form])
    assert model.metrics_names == ["loss", "main_output_loss", "aux_output_loss"]
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=16, verbose=0), KERAS["evaluate.list"], rtol=1e-6)
    logs = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)
    assert logs == pytest.approx(keras_logs("evaluate"), rel=1e-6)
    assert logs["loss"] == pytest.approx(logs["main_output_loss"] + 0.2 * logs["aux_output_loss"], rel=1e-6)
    assert model.test_on_batch(first_x, first_y, return_dict=True) == pytest.approx(keras_logs("test_on_batch"),
                                                                                    rel=1e-6)
    assert model.train_on_batch(first_x, first_y, return_dict=True) == pytest.approx(
        keras_logs("train_on_batch"), rel=1e-6)
    for index, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, KERAS[f"after_train_on_batch{index}"], rtol=1e-6, atol=1e-7)
    model = guide_model_with_an_auxiliary_output(*COMPILE_FORMS[form])
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history
    keras_history = dict(zip(KERAS["fit.names"], KERAS["fit"].tolist()))
    assert history.keys() == keras_history.keys()
    for name, values in keras_history.items():
        np.testing.assert_allclose(history[name], values, rtol=1e-6)


class FailAtEpochEnd(Callback):
    def __init__(self, epoch, error):
        super().__init__()
        self.epoch, self.error = epoch, error

    def on_epoch_end(self, epoch, logs=None):
        logs["learning_rate"] = 0.001  # what a callback adds before it fails is kept too
        if epoch == self.epoch:
            raise self.error


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_an_epoch_whose_end_fails_in_a_callback_is_kept_in_the_history(error):
    model = trained()
    x, y = regression_data(samples=32)
    with pytest.raises(type(error)):
        model.fit(x, y, batch_size=8, epochs=5, verbose=0, callbacks=[FailAtEpochEnd(1, error)])
    assert model.optimizer.iterations == 1 + 2 * 4  # two whole epochs ran
    assert model.history.epoch == [0, 1]
    assert len(model.history.history["loss"]) == 2 and model.history.history["learning_rate"] == [0.001] * 2
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[FailAtEpochEnd(9, error)])
    assert history.epoch == [0, 1] and model.optimizer.iterations == 9 + 8
