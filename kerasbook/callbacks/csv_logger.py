"""Write each epoch's logs as a row of a CSV file, a log a spreadsheet or pandas can open."""
import collections.abc
import csv
import os

import numpy

from .callback import Callback


class CSVLogger(Callback):
    """Keras's CSV log: a header ``epoch,<log names>``, then one row an epoch (epochs counted from 0).

    The file is flushed after every row, so it is complete up to the last
    epoch even when training is interrupted. ``append=True`` adds to an
    existing file (its header kept), for a `fit` that resumes. Without
    validation the ``val_`` columns are still there, filled with ``NA``, as
    Keras writes them, so the logs of runs with and without validation line up.

    Example:
        model.fit(x, y, epochs=10, callbacks=[CSVLogger('training.csv')])
        pandas.read_csv('training.csv')
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.sep, self.append = os.fspath(filename), separator, append
        self.csv_file, self.writer, self.keys = None, None, None
        self.append_header = True

    def on_train_begin(self, logs=None):
        if self.append and os.path.exists(self.filename):
            with open(self.filename) as file:
                self.append_header = not file.readline()
        else:
            self.append_header = True
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer, self.keys = None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys += [f"val_{key}" for key in self.keys]
        if self.writer is None:
            dialect = type("Dialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys, dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _cell(value):
    """A number or string as it is; a list or array as Keras writes one: ``"[1, 2]"``."""
    if isinstance(value, str) or (isinstance(value, numpy.ndarray) and value.ndim == 0):
        return value
    if isinstance(value, collections.abc.Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value
