"""Losses by Keras name. Each returns one value per sample; training averages them.

A custom loss is any ``fn(y_true, y_pred)`` written with `kerasbook.backend`
functions or tensor operators; its gradient is derived for it.
"""
from .ops.losses import (
    binary_crossentropy, categorical_crossentropy, mean_absolute_error, mean_squared_error,
    sparse_categorical_crossentropy,
)

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

_BY_NAME = {
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}


def get(identifier):
    """A loss name or a callable ``fn(y_true, y_pred)`` to the loss function."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in _BY_NAME:
            return _BY_NAME[key]
    raise ValueError(f"Unknown loss {identifier!r}. Expected a callable fn(y_true, y_pred) or one of: "
                     f"{', '.join(sorted(_BY_NAME))}.")
