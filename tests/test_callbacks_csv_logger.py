"""CSVLogger: one row an epoch, Keras's header and columns, appending for a resumed fit."""
import csv

import numpy as np
import pytest

import kerasbook
from kerasbook import layers
from kerasbook.callbacks import Callback, CSVLogger


def model():
    m = kerasbook.Sequential([kerasbook.Input((4,)), layers.Dense(3, activation="softmax")])
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def data():
    rng = np.random.default_rng(0)
    x = rng.random((40, 4), dtype="float32")
    return x, x.argmax(axis=1) % 3


def rows(path, separator=","):
    with open(path, newline="") as file:
        return list(csv.reader(file, delimiter=separator))


def test_one_row_an_epoch_with_the_logs_of_history(tmp_path):
    (x, y), path = data(), tmp_path / "log.csv"
    history = model().fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[CSVLogger(path)])
    table = rows(path)
    assert table[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [row[0] for row in table[1:]] == ["0", "1", "2"]
    for name in table[0][1:]:
        column = [float(row[table[0].index(name)]) for row in table[1:]]
        np.testing.assert_allclose(column, history.history[name], rtol=1e-6)


def test_without_validation_the_val_columns_say_na_as_in_keras(tmp_path):
    (x, y), path = data(), tmp_path / "log.csv"
    model().fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(path)])
    table = rows(path)
    assert table[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert table[1][3:] == ["NA", "NA"]


def test_a_separator_and_a_second_fit_that_overwrites(tmp_path):
    (x, y), path, m = data(), tmp_path / "log.tsv", model()
    logger = CSVLogger(path, separator="\t")
    m.fit(x, y, epochs=3, verbose=0, callbacks=[logger])
    m.fit(x, y, epochs=2, verbose=0, callbacks=[logger])
    assert len(rows(path, "\t")) == 3 and rows(path, "\t")[0][:2] == ["epoch", "accuracy"]


def test_append_continues_the_file_under_one_header(tmp_path):
    (x, y), path, m = data(), tmp_path / "log.csv", model()
    m.fit(x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path, append=True)])
    m.fit(x, y, epochs=4, initial_epoch=2, verbose=0, callbacks=[CSVLogger(path, append=True)])
    table = rows(path)
    assert table[0][0] == "epoch" and [row[0] for row in table[1:]] == ["0", "1", "2", "3"]


def test_the_rows_written_before_an_interruption_are_in_the_file(tmp_path):
    (x, y), path = data(), tmp_path / "log.csv"

    class Stop(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        model().fit(x, y, epochs=4, verbose=0, callbacks=[CSVLogger(path), Stop()])
    assert [row[0] for row in rows(path)[1:]] == ["0", "1"]


def test_lists_are_written_as_keras_writes_them(tmp_path):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 0.5, "per_class": np.array([1, 2]), "val_loss": np.float32(0.25)})
    logger.on_train_end()
    assert path.read_text().splitlines() == ["epoch,loss,per_class,val_loss", '0,0.5,"""[1, 2]""",0.25']
