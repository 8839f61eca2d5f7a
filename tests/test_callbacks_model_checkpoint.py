"""ModelCheckpoint: files named by epoch and logs, only the best kept when asked, weights or whole models."""
import numpy as np
import pytest

import kerasbook
from kerasbook import layers
from kerasbook.callbacks import ModelCheckpoint
from kerasbook.models import load_model


def model():
    m = kerasbook.Sequential([kerasbook.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    m.compile(optimizer=kerasbook.optimizers.SGD(0.05), loss="mse")
    return m


def data():
    rng = np.random.default_rng(0)
    x = rng.random((32, 4), dtype="float32")
    return x, x.sum(axis=1, keepdims=True)


def test_each_epoch_is_saved_under_its_number_and_validation_loss(tmp_path):
    m, (x, y) = model(), data()
    history = m.fit(x, y, epochs=3, validation_split=0.25, verbose=0,
                    callbacks=[ModelCheckpoint(str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.keras"))])
    losses = history.history["val_loss"]
    expected = sorted(f"ckpt-{epoch + 1:02d}-{loss:.2f}.keras" for epoch, loss in enumerate(losses))
    assert sorted(p.name for p in tmp_path.iterdir()) == expected
    last = load_model(tmp_path / expected[-1])
    np.testing.assert_array_equal(last.predict(x, verbose=0), m.predict(x, verbose=0))


@pytest.mark.parametrize("mode, monitor", [("min", "val_loss"), ("max", "val_loss"), ("auto", "loss")])
def test_save_best_only_keeps_the_best_epoch(tmp_path, mode, monitor):
    m, (x, y) = model(), data()
    best = {}

    class Remember(kerasbook.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            value = logs[monitor]
            better = (value > best["value"]) if mode == "max" else (value < best["value"])
            if not best or better:
                best.update(value=value, weights=self.model.get_weights())

    best["value"] = -np.inf if mode == "max" else np.inf
    path = tmp_path / "best.weights.h5"
    m.fit(x, y, epochs=4, validation_split=0.25, verbose=0,
          callbacks=[Remember(), ModelCheckpoint(path, monitor=monitor, mode=mode, save_best_only=True,
                                                 save_weights_only=True)])
    restored = model()
    restored.load_weights(path)
    for a, b in zip(best["weights"], restored.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_missing_monitor_saves_nothing_and_says_so(tmp_path, capsys):
    m, (x, y) = model(), data()
    m.fit(x, y, epochs=1, verbose=0, callbacks=[ModelCheckpoint(tmp_path / "m.keras", save_best_only=True)])
    assert not (tmp_path / "m.keras").exists()
    assert "metric 'val_loss' is not available" in capsys.readouterr().out


def test_the_file_name_must_fit_what_is_saved(tmp_path):
    with pytest.raises(ValueError, match="must end in `.weights.h5`"):
        ModelCheckpoint(tmp_path / "m.keras", save_weights_only=True)
    with pytest.raises(ValueError, match="must end in `.keras`"):
        ModelCheckpoint(tmp_path / "m.weights")
