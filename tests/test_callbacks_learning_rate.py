"""LearningRateScheduler and ReduceLROnPlateau change the optimizer's step size as Keras's do."""
import numpy as np
import pytest

import kerasbook as keras
from kerasbook.callbacks import LearningRateScheduler, ReduceLROnPlateau

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 3)).astype("float32")
Y = X @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")


def regression():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01), loss="mse")
    return model


def test_the_schedule_sets_each_epochs_rate_and_history_records_it():
    model = regression()
    history = model.fit(X, Y, epochs=3, verbose=0,
                        callbacks=[LearningRateScheduler(lambda epoch, lr: 0.1 * (epoch + 1))])
    np.testing.assert_allclose(history.history["learning_rate"], [0.1, 0.2, 0.3])
    assert model.optimizer.learning_rate == pytest.approx(0.3)


def test_a_schedule_of_the_epoch_alone_works_too_and_a_zero_rate_freezes_the_weights():
    model = regression()
    before = model.get_weights()
    model.fit(X, Y, epochs=2, verbose=0, callbacks=[LearningRateScheduler(lambda epoch: 0.0)])
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_schedule_that_returns_no_number_is_named_before_training():
    model = regression()
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"must return a number, it returned 'fast' for epoch 0"):
        model.fit(X, Y, epochs=2, verbose=0, callbacks=[LearningRateScheduler(lambda epoch, lr: "fast")])
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


class Stub:
    """Just enough of a model for a callback that reads and sets the learning rate."""

    def __init__(self, learning_rate):
        self.optimizer = keras.optimizers.SGD(learning_rate=learning_rate)


def rates_after(callback, values, learning_rate=0.01):
    callback.set_model(Stub(learning_rate))
    callback.on_train_begin()
    rates = []
    for epoch, value in enumerate(values):
        logs = {"val_loss": value}
        callback.on_epoch_end(epoch, logs)
        rates.append(callback.model.optimizer.learning_rate)
    return rates


def test_plateau_waits_patience_epochs_then_cooldown_epochs():
    losses = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9]
    rates = rates_after(ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1), losses)
    np.testing.assert_allclose(rates, [0.01, 0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025])


def test_plateau_counts_only_improvements_bigger_than_min_delta_and_stops_at_min_lr():
    losses = [1.0, 0.99995, 0.9999, 0.99985, 0.9998]  # each better by less than 1e-4
    rates = rates_after(ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.0005), losses)
    np.testing.assert_allclose(rates, [0.01, 0.001, 0.0005, 0.0005, 0.0005])


def test_plateau_on_accuracy_waits_for_it_to_rise():
    callback = ReduceLROnPlateau(monitor="val_accuracy", factor=0.5, patience=1)
    callback.set_model(Stub(0.01))
    callback.on_train_begin()
    for epoch, accuracy in enumerate([0.5, 0.6, 0.7]):
        callback.on_epoch_end(epoch, {"val_accuracy": accuracy})
    assert callback.model.optimizer.learning_rate == 0.01
    callback.on_epoch_end(3, {"val_accuracy": 0.7})
    assert callback.model.optimizer.learning_rate == 0.005


def test_plateau_in_fit_records_the_rate_and_refuses_a_factor_of_one():
    model = regression()
    history = model.fit(X, Y, epochs=3, verbose=0, callbacks=[ReduceLROnPlateau(monitor="loss", patience=5)])
    assert history.history["learning_rate"] == [0.01] * 3
    with pytest.raises(ValueError, match="factor between 0 and 1, received 1.0"):
        ReduceLROnPlateau(factor=1.0)


def test_plateau_names_a_misspelt_metric_and_leaves_the_rate(capsys):
    callback = ReduceLROnPlateau(monitor="val_los", patience=0)
    callback.set_model(Stub(0.01))
    callback.on_train_begin()
    callback.on_epoch_end(0, {"loss": 1.0, "val_loss": 1.0})
    assert "metric 'val_los' is not available; available metrics are: learning_rate, loss, val_loss" in \
        capsys.readouterr().out
    assert callback.model.optimizer.learning_rate == 0.01
