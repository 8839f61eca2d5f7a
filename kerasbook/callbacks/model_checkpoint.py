"""Save the model (or its weights) at the end of each epoch, or only when it improves."""
import os

import numpy

from .callback import Callback, monitored_value


class ModelCheckpoint(Callback):
    """Keras's checkpoint: `filepath` may name the epoch and any log, e.g. ``'ckpt-{epoch:02d}-{val_loss:.2f}.keras'``.

    With `save_best_only`, a file is written only when `monitor` improves on the
    best value so far (`mode` 'min', 'max', or 'auto': 'max' for accuracies).
    `save_weights_only` writes `model.save_weights` (a '.weights.h5' name), else
    `model.save` (a '.keras' or legacy '.h5' name). Every write is atomic.

    Example:
        model.fit(x, y, validation_split=0.2,
                  callbacks=[ModelCheckpoint('best.keras', monitor='val_loss', save_best_only=True)])
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__()
        filepath = os.fspath(filepath)
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"ModelCheckpoint mode must be 'auto', 'min' or 'max', received {mode!r}.")
        if save_freq != "epoch":
            raise NotImplementedError(f"ModelCheckpoint saves once an epoch (save_freq='epoch'), received "
                                      f"save_freq={save_freq!r}.")
        if save_weights_only and not filepath.endswith((".weights.h5", ".h5", ".npz")):
            raise ValueError(f"When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must "
                             f"end in `.weights.h5` (Keras weights format). Received: filepath={filepath}")
        if not save_weights_only and not filepath.endswith((".keras", ".h5")):
            raise ValueError(f"The filepath provided must end in `.keras` (Keras model format), or `.h5` (legacy). "
                             f"Received: filepath={filepath}")
        if mode == "auto":
            mode = "max" if ("acc" in monitor or monitor.startswith("fmeasure")) else "min"
        self.filepath, self.monitor, self.verbose = filepath, monitor, verbose
        self.save_best_only, self.save_weights_only = save_best_only, save_weights_only
        self.better = numpy.greater if mode == "max" else numpy.less
        self.initial_value_threshold = initial_value_threshold
        self.best = self._start()

    def _start(self):
        if self.initial_value_threshold is not None:
            return self.initial_value_threshold
        return -numpy.inf if self.better is numpy.greater else numpy.inf

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = monitored_value("ModelCheckpoint", self.monitor, logs)
            if current is None:
                return
            if not self.better(current, self.best):
                if self.verbose:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {self.best:.5f}")
                return
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to {current:.5f}, "
                      f"saving model to {path}")
            self.best = current
        elif self.verbose:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
