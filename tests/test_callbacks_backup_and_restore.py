"""BackupAndRestore: an interrupted fit, called again, ends with the weights of a fit never interrupted."""
import json

import numpy as np
import pytest

import kerasbook
from kerasbook import layers
from kerasbook.callbacks import BackupAndRestore, Callback


def model(optimizer="adam"):
    kerasbook.utils.set_random_seed(0)
    m = kerasbook.Sequential([kerasbook.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    m.compile(optimizer=optimizer, loss="mse")
    return m


def data():
    rng = np.random.default_rng(0)
    x = rng.random((32, 4), dtype="float32")
    return x, x.sum(axis=1, keepdims=True)


class InterruptAt(Callback):
    def __init__(self, epoch, error=RuntimeError):
        super().__init__()
        self.epoch, self.error = epoch, error

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise self.error("interrupted")


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_a_resumed_fit_ends_with_the_weights_of_an_uninterrupted_one(tmp_path, error, optimizer):
    (x, y) = data()
    straight = model(optimizer)
    straight.fit(x, y, epochs=5, batch_size=8, shuffle=False, verbose=0)

    m, backup = model(optimizer), BackupAndRestore(tmp_path / "backup")
    with pytest.raises(error):
        m.fit(x, y, epochs=5, batch_size=8, shuffle=False, verbose=0, callbacks=[backup, InterruptAt(3, error)])
    assert json.loads((tmp_path / "backup" / "training_metadata.json").read_text())["epoch"] == 3
    kerasbook.utils.set_random_seed(1)  # a fresh model in a new session: the backup brings the weights
    fresh = model(optimizer)
    history = fresh.fit(x, y, epochs=5, batch_size=8, shuffle=False, verbose=0, callbacks=[backup])
    assert history.epoch == [3, 4]
    for a, b in zip(straight.get_weights(), fresh.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert fresh.optimizer.iterations == straight.optimizer.iterations == 20
    assert not (tmp_path / "backup").exists()  # a fit that ends deletes the backup


def test_the_same_model_resumes_too_and_a_later_fit_starts_afresh(tmp_path):
    (x, y), m, backup = data(), model(), BackupAndRestore(tmp_path / "b")
    with pytest.raises(RuntimeError):
        m.fit(x, y, epochs=4, verbose=0, callbacks=[backup, InterruptAt(2)])
    assert m.fit(x, y, epochs=4, verbose=0, callbacks=[backup]).epoch == [2, 3]
    assert m.fit(x, y, epochs=2, verbose=0, callbacks=[backup]).epoch == [0, 1]
    assert m.fit(x, y, epochs=2, verbose=0).epoch == [0, 1]


def test_delete_checkpoint_false_keeps_the_backup(tmp_path):
    (x, y), m = data(), model()
    m.fit(x, y, epochs=2, verbose=0, callbacks=[BackupAndRestore(tmp_path, delete_checkpoint=False)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest.weights.h5", "training_metadata.json"]
    assert json.loads((tmp_path / "training_metadata.json").read_text()) == {"epoch": 2, "batch": 0}
    restored = model()
    restored.load_weights(tmp_path / "latest.weights.h5")
    for a, b in zip(m.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_save_freq_in_batches_backs_up_inside_an_epoch(tmp_path):
    (x, y), m = data(), model()
    saved = []

    class Spy(Callback):
        def on_train_batch_end(self, batch, logs=None):
            path = tmp_path / "training_metadata.json"
            saved.append(json.loads(path.read_text()) if path.exists() else None)

    m.fit(x, y, epochs=2, batch_size=8, verbose=0,
          callbacks=[BackupAndRestore(tmp_path, save_freq=3, delete_checkpoint=False), Spy()])
    assert saved[2] == {"epoch": 0, "batch": 2} and saved[5] == {"epoch": 1, "batch": 1}


@pytest.mark.parametrize("save_freq", ["batch", 0, 1.5, True])
def test_a_bad_save_freq_is_refused(tmp_path, save_freq):
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore(tmp_path, save_freq=save_freq)


def test_an_empty_backup_dir_is_refused():
    with pytest.raises(ValueError, match="backup_dir"):
        BackupAndRestore("")
