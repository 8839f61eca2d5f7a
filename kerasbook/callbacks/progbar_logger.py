"""Print Keras-style progress during fit, evaluate and predict."""
from .callback import Callback
from .progbar import Progbar, in_notebook


class ProgbarLogger(Callback):
    """`verbose=1`: a redrawn progress line per epoch; `2`: one line per epoch; `0`: silence.

    `one_line=True` (set by `fit` when a `LivePlot` shows every epoch): in a notebook, one
    line for the whole run, ``Epoch 3/10 15/15 ━━━━ … - loss: …``, updated in place under the plot.
    """

    def __init__(self, verbose=1, one_line=False):
        super().__init__()
        self.verbose, self.one_line = verbose, one_line
        self.progbar = None

    def on_train_begin(self, logs=None):
        self.progbar = None

    def on_epoch_begin(self, epoch, logs=None):
        header = f"Epoch {epoch + 1}/{self.params['epochs']}"
        if self.one_line and in_notebook():
            handle = self.progbar.handle if self.progbar else None
            self.progbar = Progbar(self.params["steps"], self.verbose, prefix=header + " ", handle=handle)
            return
        if self.verbose:
            print(header)
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
