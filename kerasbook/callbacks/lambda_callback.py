"""A callback made of functions: for a quick hook without writing a class."""
from .callback import Callback


class LambdaCallback(Callback):
    """Keras's callback of functions, each called where the hook of the same name would be.

    `on_epoch_begin` and `on_epoch_end` take ``(epoch, logs)``; `on_train_begin`
    and `on_train_end` take ``(logs)``; the batch hooks take ``(batch, logs)``.
    `on_batch_begin` and `on_batch_end` are Keras 2's names for the training
    batch hooks. Any other hook of `Callback` may be passed by its name.

    Example:
        print_loss = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs['loss']))
        model.fit(x, y, epochs=5, callbacks=[print_loss])
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None, on_train_end=None,
                 on_train_batch_begin=None, on_train_batch_end=None, **kwargs):
        super().__init__()
        on_batch_begin, on_batch_end = kwargs.pop("on_batch_begin", None), kwargs.pop("on_batch_end", None)
        on_train_batch_begin = on_train_batch_begin or on_batch_begin  # Keras 2's names for the same hooks
        on_train_batch_end = on_train_batch_end or on_batch_end
        unknown = sorted(name for name in kwargs if not (name.startswith("on_") and hasattr(Callback, name)))
        if unknown:
            raise TypeError(f"LambdaCallback received {', '.join(map(repr, unknown))}, which is not a callback hook; "
                            f"the hooks are the on_... methods of Callback, e.g. 'on_epoch_end'.")
        hooks = dict(kwargs, on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)
