"""Turn `compile`'s flexible arguments into one entry per model output.

Keras lets a user give one loss for every output, a list in output order, or a
dict keyed by output name; the same for `loss_weights` and `metrics`.
"""
import numbers

from .. import losses, metrics as metrics_module


def per_output(value, output_names, argument, default=None):
    """Spread `value` (single, list or dict) over the outputs, checking names and lengths."""
    count = len(output_names)
    if isinstance(value, dict):
        unknown = [key for key in value if key not in output_names]
        if unknown:
            raise ValueError(f"`{argument}` has keys {unknown} that name no output; the model's outputs are "
                             f"{output_names}.")
        return [value.get(name, default) for name in output_names]
    if isinstance(value, (list, tuple)) and argument != "metrics":
        if len(value) != count:
            raise ValueError(f"`{argument}` has {len(value)} entries, but the model has {count} outputs "
                             f"{output_names}.")
        return list(value)
    return [value if value is not None else default] * count


def resolve_losses(loss, output_names):
    """One loss function (or None) per output; no loss at all is fine for a model with its own `train_step`."""
    return [None if entry is None else losses.get(entry) for entry in per_output(loss, output_names, "loss")]


def resolve_loss_weights(loss_weights, output_names):
    weights = per_output(loss_weights, output_names, "loss_weights", default=1.0)
    for weight, name in zip(weights, output_names):
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real):
            raise TypeError(f"`loss_weights` for output '{name}' must be a number, received {weight!r}.")
    return [float(w) for w in weights]


def metric_identifiers(metrics, output_names):
    """A list of metric identifiers for each output."""
    if metrics is None:
        return [[] for _ in output_names]
    if isinstance(metrics, dict):
        entries = per_output(metrics, output_names, "metrics", default=[])
        return [entry if isinstance(entry, (list, tuple)) else [entry] for entry in entries]
    if not isinstance(metrics, (list, tuple)):
        metrics = [metrics]
    if len(output_names) > 1 and len(metrics) == len(output_names) and all(
            isinstance(entry, (list, tuple)) for entry in metrics):
        return [list(entry) for entry in metrics]
    return [list(metrics) for _ in output_names]


def check_metric_identifiers(identifiers):
    """Refuse an unknown metric at compile; the function is chosen later, from the first data's shapes."""
    for names in identifiers:
        for identifier in names:
            metrics_module.resolve(identifier, (None, 1), (None, 1))  # any shapes will do to check a name


def metric_name(identifier):
    if isinstance(identifier, str):
        return identifier
    return getattr(identifier, "name", None) or getattr(identifier, "__name__", type(identifier).__name__)


def build_metrics(identifiers, output_names, target_shapes, output_shapes):
    """(name, output index, function or metric object) for every metric, named the way Keras names them."""
    built = []
    for index, (names, target_shape, output_shape) in enumerate(zip(identifiers, target_shapes, output_shapes)):
        for identifier in names:
            fn = metrics_module.resolve(identifier, target_shape, output_shape)
            name = metric_name(identifier)
            if len(output_names) > 1:
                name = f"{output_names[index]}_{name}"
            built.append((name, index, fn))
    return built
