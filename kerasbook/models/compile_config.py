"""`compile`'s arguments as Keras 3's ``compile_config``, and back, so a loaded model trains on.

A saved model keeps its optimizer, losses, loss weights and metrics; loading
calls `compile` again with them. Written in Keras's shape (one loss or metric
list for one output, a dict by output name for several), so Keras reads it too.
"""
from .. import optimizers
from ..saving.object_registration import builtin_name
from ..saving.serialization_lib import deserialize_keras_object, serialize_keras_object


def get_compile_config(model):
    """The compile arguments of `model` as a JSON-ready dict, or None when it is not compiled."""
    if not model.compiled:
        return None
    names = model.output_names
    losses = [_identifier(fn) for fn in model.loss_functions]
    metrics = [[_identifier(identifier) for identifier in entry] for entry in model._metric_identifiers]
    if len(names) == 1:
        loss, metrics = losses[0], metrics[0] or None
    else:
        loss = dict(zip(names, losses))
        metrics = {name: entry for name, entry in zip(names, metrics) if entry} or None
    weights = model.loss_weights
    return {"optimizer": optimizers.serialize(model.optimizer), "loss": loss,
            "loss_weights": None if all(w == 1.0 for w in weights) else dict(zip(names, weights)),
            "metrics": metrics, "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1,
            "jit_compile": False}


def _identifier(obj):
    """A built-in loss or metric function by its name ('mean_squared_error'), as Keras writes and reads it."""
    builtin = builtin_name(obj) if callable(obj) and not hasattr(obj, "get_config") else None
    return builtin[1] if builtin else serialize_keras_object(obj)


def compile_from_config(model, config):
    """Compile `model` as `config` (ours or Keras's) says."""
    optimizer = config.get("optimizer", "rmsprop")
    if isinstance(optimizer, dict):
        optimizer = optimizers.deserialize(optimizer)
    model.compile(optimizer=optimizer, loss=deserialize_keras_object(config.get("loss"), category="losses"),
                  metrics=deserialize_keras_object(config.get("metrics"), category="metrics"),
                  loss_weights=config.get("loss_weights"))
