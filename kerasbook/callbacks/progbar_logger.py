"""Print Keras-style progress during fit, evaluate and predict."""
from .callback import Callback
from .progbar import Progbar


class ProgbarLogger(Callback):
    """`verbose=1`: a redrawn progress line per epoch; `2`: one line per epoch; `0`: silence."""

    def __init__(self, verbose=1):
        super().__init__()
        self.verbose = verbose
        self.progbar = None

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose:
            print(f"Epoch {epoch + 1}/{self.params['epochs']}")
        self.progbar = Progbar(self.params["steps"], self.verbose)

    def on_train_batch_end(self, batch, logs=None):
        self.progbar.update(batch + 1, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.verbose:
            self.progbar.update(self.params["steps"], logs, finalize=True)

    def on_test_begin(self, logs=None):
        if not self.params.get("epochs"):  # evaluate() on its own, not validation inside fit
            self.progbar = Progbar(self.params["steps"], self.verbose)

    def on_test_batch_end(self, batch, logs=None):
        if not self.params.get("epochs"):
            self.progbar.update(batch + 1, logs)

    def on_test_end(self, logs=None):
        if not self.params.get("epochs") and self.verbose:
            self.progbar.update(self.params["steps"], logs, finalize=True)

    def on_predict_begin(self, logs=None):
        self.progbar = Progbar(self.params["steps"], self.verbose)

    def on_predict_batch_end(self, batch, logs=None):
        self.progbar.update(batch + 1)

    def on_predict_end(self, logs=None):
        if self.verbose:
            self.progbar.update(self.params["steps"], finalize=True)
