"""Losses by Keras name. Each returns one value per sample; training averages them.

A custom loss is any ``fn(y_true, y_pred)`` written with `kerasbook.backend`
functions or tensor operators; its gradient is derived for it.
"""
from .layers.core.operation_layer import operation
from .ops import losses as _losses
from .ops.tensor import Tensor, as_array
from .saving.object_registration import register_builtins
from .saving.serialization_lib import constructor_arguments, deserialize_keras_object

# Each loss also takes symbolic tensors: in a functional model it becomes a node of the graph.
mean_squared_error = operation(_losses.mean_squared_error)
mean_absolute_error = operation(_losses.mean_absolute_error)
binary_crossentropy = operation(_losses.binary_crossentropy)
categorical_crossentropy = operation(_losses.categorical_crossentropy)
sparse_categorical_crossentropy = operation(_losses.sparse_categorical_crossentropy)

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error

_BY_NAME = {
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}


class LossFunctionWrapper:
    """A loss as an object: calling it gives the batch's mean loss, as Keras's loss classes do.

    Each sample's loss is multiplied by its `sample_weight` (if given), then the
    batch's losses are averaged (Keras's 'sum_over_batch_size').

    Example:
        loss_fn = keras.losses.MeanSquaredError()
        loss = loss_fn(y, y_pred)
    """

    def __init__(self, fn, name):
        self.fn, self.name = fn, name

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        """A loss object from `get_config`'s dict, or Keras's (its options kerasbook lacks must be off)."""
        return cls(**constructor_arguments(cls, config))

    def __call__(self, y_true, y_pred, sample_weight=None):
        losses = self.fn(y_true, y_pred)
        if sample_weight is not None:
            weight = sample_weight if isinstance(sample_weight, Tensor) else Tensor(as_array(sample_weight))
            losses = losses * weight.reshape((-1,) + (1,) * (len(losses.shape) - 1))
        return losses.mean()


class MeanSquaredError(LossFunctionWrapper):
    def __init__(self, name="mean_squared_error"):
        super().__init__(mean_squared_error, name)


class MeanAbsoluteError(LossFunctionWrapper):
    def __init__(self, name="mean_absolute_error"):
        super().__init__(mean_absolute_error, name)


class BinaryCrossentropy(LossFunctionWrapper):
    def __init__(self, name="binary_crossentropy"):
        super().__init__(binary_crossentropy, name)


class CategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, name="categorical_crossentropy"):
        super().__init__(categorical_crossentropy, name)


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    def __init__(self, name="sparse_categorical_crossentropy"):
        super().__init__(sparse_categorical_crossentropy, name)


register_builtins("losses", {**_BY_NAME, **{cls.__name__: cls for cls in (
    MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy)}})


def get(identifier):
    """A loss name, a loss object, a saved config or a callable ``fn(y_true, y_pred)`` to the per-sample loss."""
    if isinstance(identifier, dict):
        identifier = deserialize_keras_object(identifier, category="losses")
    if isinstance(identifier, LossFunctionWrapper):
        return identifier.fn  # compile weights and averages the per-sample losses itself
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        key = identifier.lower()
        if key in _BY_NAME:
            return _BY_NAME[key]
    raise ValueError(f"Unknown loss {identifier!r}. Expected a callable fn(y_true, y_pred) or one of: "
                     f"{', '.join(sorted(_BY_NAME))}.")
