"""Set the learning rate at the start of each epoch from a schedule you write."""
import inspect

from .callback import Callback


class LearningRateScheduler(Callback):
    """Keras's semantics: ``schedule(epoch, lr)`` (or ``schedule(epoch)``) returns the new rate.

    The rate in use is added to the epoch's logs as 'learning_rate', so it shows in
    `History`.

    Example:
        def halve_every_ten(epoch, lr):
            return lr / 2 if epoch and epoch % 10 == 0 else lr
        model.fit(x, y, epochs=30, callbacks=[LearningRateScheduler(halve_every_ten)])
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if _takes_one_argument(self.schedule):
            learning_rate = self.schedule(epoch)  # the Keras 1 form, still common in tutorials
        else:
            learning_rate = self.schedule(epoch, optimizer.learning_rate)
        try:
            optimizer.learning_rate = float(learning_rate)
        except (TypeError, ValueError):
            raise ValueError(f"LearningRateScheduler: the schedule must return a number, it returned "
                             f"{learning_rate!r} for epoch {epoch}.") from None
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {optimizer.learning_rate}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.model.optimizer.learning_rate


def _takes_one_argument(function):
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):  # a builtin without a signature: call it the Keras 2 way
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    takes_more = any(p.kind == p.VAR_POSITIONAL for p in parameters)
    return len(positional) == 1 and not takes_more
