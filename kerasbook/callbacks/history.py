"""`History`: what `fit` returns, every epoch's losses and metrics by name."""
from .callback import Callback


class History(Callback):
    """``history.history['loss']`` lists the loss of each epoch; ``history.epoch`` their numbers."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(value)
