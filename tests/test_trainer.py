"""The public training step (kerasbook/models/trainer.py), as the Keras guide
"Customizing what happens in fit()" uses it: override `train_step`, `test_step`
or `predict_step` and keep fit's loop; or write the loop by hand with a
`GradientTape` and `optimizer.apply_gradients`.
"""
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
