"""Metrics: per-sample scores, averaged over every sample an epoch has seen.

``'accuracy'`` means different things for different models; like Keras,
`resolve` picks binary, categorical or sparse categorical accuracy from the
loss and the shapes of the targets and outputs.
"""
from . import losses
from .ops.tensor import Tensor, as_array
from .runtime.array_module import xp_of
from .saving.object_registration import register_builtins
from .saving.serialization_lib import constructor_arguments


def _arrays(y_true, y_pred):
    return (y_true.data if isinstance(y_true, Tensor) else y_true,
            y_pred.data if isinstance(y_pred, Tensor) else y_pred)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    y_true, y_pred = _arrays(y_true, y_pred)
    return ((y_pred > threshold).astype(y_pred.dtype) == y_true).mean(axis=-1)


def categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _arrays(y_true, y_pred)
    return (y_true.argmax(axis=-1) == y_pred.argmax(axis=-1)).astype(y_pred.dtype)


def sparse_categorical_accuracy(y_true, y_pred):
    y_true, y_pred = _arrays(y_true, y_pred)
    if y_true.ndim == y_pred.ndim:
        y_true = y_true.reshape(y_true.shape[:-1])
    return (y_true.astype("int64") == y_pred.argmax(axis=-1)).astype(y_pred.dtype)


_BY_NAME = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "mse": losses.mean_squared_error, "mean_squared_error": losses.mean_squared_error,
    "mae": losses.mean_absolute_error, "mean_absolute_error": losses.mean_absolute_error,
    "binary_crossentropy": losses.binary_crossentropy,
    "categorical_crossentropy": losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": losses.sparse_categorical_crossentropy,
}


def resolve(identifier, target_shape, output_shape):
    """The metric function for `identifier`; for 'accuracy' Keras 3's choice from the shapes."""
    if callable(identifier) or isinstance(identifier, Mean):
        return identifier
    if not isinstance(identifier, str):
        raise ValueError(f"Unknown metric {identifier!r}: expected a name or a function fn(y_true, y_pred).")
    if identifier.lower() in ("accuracy", "acc"):
        if output_shape[-1] == 1:
            return binary_accuracy
        if len(target_shape) < len(output_shape) or target_shape[-1] == 1:
            return sparse_categorical_accuracy
        return categorical_accuracy
    if identifier.lower() in _BY_NAME:
        return _BY_NAME[identifier.lower()]
    raise ValueError(f"Unknown metric {identifier!r}. Expected 'accuracy', a function fn(y_true, y_pred), or one of: "
                     f"{', '.join(sorted(_BY_NAME))}.")


class Mean:
    """The running mean of a metric's values: a per-sample vector counts each sample once.

    Example:
        loss_tracker = keras.metrics.Mean(name="loss")
        loss_tracker.update_state(loss)
    """

    def __init__(self, name="mean"):
        self.name = name
        self.reset_state()

    def reset_state(self):
        self.total, self.count = 0.0, 0

    def update_state(self, values, weight=None):
        values = values.data if isinstance(values, Tensor) else values
        if weight is None:
            self.total += float(values.sum())
            self.count += int(getattr(values, "size", 1))
        else:
            self.total += float(values) * weight
            self.count += weight

    def result(self):
        return self.total / self.count if self.count else 0.0

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        """A metric from `get_config`'s dict, or Keras's (its options kerasbook lacks must be off)."""
        return cls(**constructor_arguments(cls, config))


class MeanMetricWrapper(Mean):
    """A metric function's per-sample values, averaged over every sample seen.

    With `sample_weight`, each sample's value counts by its weight (Keras's weighted mean).

    Example:
        mae = keras.metrics.MeanAbsoluteError(name="mae")
        mae.update_state(y, y_pred)
    """

    def __init__(self, fn, name=None):
        super().__init__(name or getattr(fn, "__name__", "mean_metric_wrapper"))
        self.fn = fn

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = as_array(self.fn(y_true, y_pred))
        if sample_weight is None:
            return super().update_state(values)
        weight = as_array(sample_weight).reshape((-1,) + (1,) * (values.ndim - 1))
        weight = xp_of(values).broadcast_to(weight, values.shape)  # a sample's weight for each of its values
        self.total += float((values * weight).sum())
        self.count += float(weight.sum())


class MeanSquaredError(MeanMetricWrapper):
    def __init__(self, name="mean_squared_error"):
        super().__init__(losses.mean_squared_error, name)


class MeanAbsoluteError(MeanMetricWrapper):
    def __init__(self, name="mean_absolute_error"):
        super().__init__(losses.mean_absolute_error, name)


class BinaryAccuracy(MeanMetricWrapper):
    def __init__(self, name="binary_accuracy"):
        super().__init__(binary_accuracy, name)


class CategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="categorical_accuracy"):
        super().__init__(categorical_accuracy, name)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    def __init__(self, name="sparse_categorical_accuracy"):
        super().__init__(sparse_categorical_accuracy, name)


register_builtins("metrics", {**_BY_NAME, **{cls.__name__: cls for cls in (
    Mean, MeanSquaredError, MeanAbsoluteError, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy)}})
