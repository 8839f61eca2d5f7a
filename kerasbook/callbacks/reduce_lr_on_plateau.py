"""Lower the learning rate when a monitored quantity has stopped improving."""
import numpy

from .callback import Callback, monitored_value


class ReduceLROnPlateau(Callback):
    """Keras's semantics: after `patience` epochs without an improvement bigger than
    `min_delta`, multiply the learning rate by `factor` (not below `min_lr`), then
    wait `cooldown` epochs before watching again.

    A step size that was right at the start is often too big near a minimum, where
    the loss then bounces instead of falling; a smaller one lets it settle.

    Example:
        model.fit(x, y, validation_split=0.2, callbacks=[ReduceLROnPlateau(factor=0.5, patience=2)])
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0):
        super().__init__()
        if not 0 < factor < 1:
            raise ValueError(f"ReduceLROnPlateau expected a factor between 0 and 1, received {factor}.")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"ReduceLROnPlateau mode must be 'auto', 'min' or 'max', received {mode!r}.")
        self.monitor, self.factor, self.patience, self.verbose = monitor, factor, patience, verbose
        self.maximize = mode == "max" or (mode == "auto" and "acc" in monitor)
        self.min_delta, self.cooldown, self.min_lr = abs(min_delta), cooldown, min_lr

    def on_train_begin(self, logs=None):
        self.best = -numpy.inf if self.maximize else numpy.inf
        self.wait = self.cooldown_counter = 0

    def improved(self, current):
        if self.maximize:
            return current > self.best + self.min_delta
        return current < self.best - self.min_delta

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = self.model.optimizer.learning_rate
        current = monitored_value("ReduceLROnPlateau", self.monitor, logs)
        if current is None:
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.improved(current):
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience:
                self.reduce(epoch)

    def reduce(self, epoch):
        optimizer = self.model.optimizer
        if optimizer.learning_rate <= self.min_lr:
            return
        optimizer.learning_rate = max(optimizer.learning_rate * self.factor, self.min_lr)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {optimizer.learning_rate}.")
        self.cooldown_counter, self.wait = self.cooldown, 0
