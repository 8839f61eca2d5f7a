"""Check the data a user passes to fit/evaluate/predict, then cut it into batches.

Every check here runs before training starts, so a mistake (wrong shape,
wrong count, an unknown input name, a NaN, an index outside an embedding, a
batch size of 0) is reported before any weight changes.
"""
import numpy

from ..config import floatx
from ..engine.input_spec import shapes_compatible
from ..runtime.array_module import to_numpy
from ..runtime.random import permutation
from ..losses import categorical_crossentropy, sparse_categorical_crossentropy


def check_count(value, argument, minimum=1):
    """A count such as `batch_size` or `epochs` as an int (Python's or NumPy's), at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, (int, numpy.integer)):
        raise TypeError(f"`{argument}` must be an integer, received {value!r} of type {type(value).__name__}.")
    if value < minimum:
        expected = "a positive integer" if minimum == 1 else f"an integer of at least {minimum}"
        raise ValueError(f"`{argument}` must be {expected}, received {value}.")
    return int(value)


def to_arrays(data, names, model_name, role):
    """Data given as an array, a list or a dict keyed by name, as one array per name."""
    if data is None:
        raise ValueError(f"Model '{model_name}' received no {role} data (None); pass the {role}s as an array, "
                         f"a list of arrays or a dict keyed by name.")
    if isinstance(data, dict):
        unknown = [key for key in data if key not in names]
        missing = [name for name in names if name not in data]
        if unknown or missing:
            raise ValueError(f"Model '{model_name}': the {role} dict has keys {list(data)}, but the model's {role}s "
                             f"are named {names} (unknown: {unknown}, missing: {missing}).")
        data = [data[name] for name in names]
    elif not isinstance(data, (list, tuple)) or (data and numpy.isscalar(data[0])):
        data = [data]
    if len(data) != len(names):
        raise ValueError(f"Model '{model_name}' has {len(names)} {role}(s) {names}, but received {len(data)} arrays.")
    return [_as_numbers(array, name, model_name, role) for array, name in zip(data, names)]


def _as_numbers(array, name, model_name, role):
    """The data as a host array: batches are cut on the host and moved to the device one at a time."""
    array = array.numpy() if hasattr(array, "numpy") else to_numpy(array)  # to_numpy: CuPy arrays too
    if array.dtype.kind not in "biuf":
        raise TypeError(f"Model '{model_name}': {role} '{name}' must hold numbers, received an array of dtype "
                        f"{array.dtype}.")
    if array.ndim == 0:
        raise ValueError(f"Model '{model_name}': {role} '{name}' must have a batch axis, received a scalar.")
    return array


def cast_inputs(arrays, dtypes, names):
    """Floats to floatx (once, not per batch); integer inputs stay integers for Embedding."""
    cast = []
    for array, dtype, name in zip(arrays, dtypes, names):
        if numpy.dtype(dtype).kind in "iu":
            if array.dtype.kind == "f" and not numpy.array_equal(array, numpy.round(array)):
                raise TypeError(f"Input '{name}' expects integers ({dtype}), received non-integer floats.")
            cast.append(array.astype(dtype, copy=False))
        else:
            cast.append(array.astype(floatx(), copy=False))
    return cast


def check_cardinality(*groups):
    sizes = [[len(array) for array in group] for group in groups if group]
    flat = {size for group in sizes for size in group}
    if len(flat) > 1:
        described = ", ".join(f"{label} sizes: {', '.join(map(str, group))}"
                              for label, group in zip(("x", "y"), sizes))
        raise ValueError(f"Data cardinality is ambiguous: {described}. "
                         f"Make sure all arrays contain the same number of samples.")


def check_not_empty(arrays, model_name, role=""):
    if not len(arrays[0]):
        raise ValueError(f"Model '{model_name}' received no {role}samples (the {role}inputs have shape "
                         f"{arrays[0].shape}): training and evaluating need at least one.")


def check_finite(arrays, names, model_name, role):
    """A NaN or inf in the data would make every weight NaN at the first step: refused up front."""
    for array, name in zip(arrays, names):
        if array.dtype.kind == "f" and not numpy.isfinite(array).all():
            position = tuple(int(i) for i in numpy.argwhere(~numpy.isfinite(array))[0])
            raise ValueError(f"Model '{model_name}': {role} '{name}' holds {array[position]!s} at index "
                             f"{position}; training and evaluating need finite numbers (a NaN or inf makes the "
                             f"loss and then every weight NaN). Drop or fill in those values first.")


def check_indices(arrays, tables, names):
    """Every index an Embedding will look up must be a row of its table: checked in all the data at once.

    `tables` holds, per input, the (layer name, input_dim) of each Embedding that reads it.
    """
    for array, readers, name in zip(arrays, tables, names):
        for layer_name, input_dim in readers:
            outside = ~((array > -1) & (array < input_dim))  # float indices are truncated toward 0, as in Keras
            if outside.any():
                position = tuple(int(i) for i in numpy.argwhere(outside)[0])
                raise ValueError(f"Embedding '{layer_name}' has input_dim={input_dim}, so it expects indices in "
                                 f"[0, {input_dim - 1}], but input '{name}' holds {array[position]!s} at index "
                                 f"{position}.")


def check_input_shapes(arrays, shapes, names, readers, model_name):
    """Compare each input's shape with the model's, naming the first layer that reads it.

    `readers` holds, per input, a description of that layer ("'dense' (Dense)") or None.
    """
    for array, expected, name, reader in zip(arrays, shapes, names, readers):
        received = array.shape
        if not shapes_compatible(expected[1:], received[1:]):
            read_by = f", read by its first layer {reader}" if reader else ""
            raise ValueError(f"Model '{model_name}' expects input '{name}' of shape {expected}"
                             f"{read_by}, but received data of shape {received}.{_axis_hint(expected, received)}")


def _axis_hint(expected, received):
    if len(expected) != len(received):
        return f" Expected {len(expected)} axes (the batch first), received {len(received)}."
    for axis, (e, r) in enumerate(zip(expected, received)):
        if axis and e is not None and e != r:
            return f" Axis {axis} should be {e}, not {r}."
    return ""


def check_targets(targets, output_shapes, output_names, loss_fns):
    """A target must have the output's shape (or class ids for sparse losses)."""
    for target, shape, name, loss_fn in zip(targets, output_shapes, output_names, loss_fns):
        if loss_fn is None:
            continue
        sparse = loss_fn is sparse_categorical_crossentropy
        expected = shape[1:-1] if sparse else shape[1:]
        received = _aligned_target_shape(target.shape, shape, sparse)[1:]
        if not shapes_compatible(expected, received):
            loss_name = getattr(loss_fn, "__name__", "the loss")
            raise ValueError(
                f"Target for output '{name}' has shape {target.shape}, but the model's output has shape {shape}; "
                f"{loss_name} needs targets of shape {(None,) + tuple(expected)}."
                f"{_target_hint(loss_fn, expected, received)}")
        if sparse:
            _check_class_ids(target, shape[-1], name)


def _check_class_ids(target, classes, name):
    """Class ids outside [0, classes) would pick the wrong row: NumPy wraps negative ones, CuPy wraps all."""
    if not target.size or classes is None:
        return
    low, high = int(target.min()), int(target.max())
    if low < 0 or high >= classes:
        raise ValueError(f"Target for output '{name}' holds class ids from {low} to {high}, but the output has "
                         f"{classes} classes: sparse_categorical_crossentropy needs ids in [0, {classes - 1}].")


def _aligned_target_shape(target_shape, output_shape, sparse):
    """Keras's leniency: class ids may carry a trailing axis of 1, and labels (n,) fit an output (n, 1)."""
    if sparse and len(target_shape) == len(output_shape) and target_shape[-1] == 1:
        return target_shape[:-1]
    if not sparse and output_shape[-1] == 1 and len(target_shape) == len(output_shape) - 1:
        return tuple(target_shape) + (1,)
    return tuple(target_shape)


def _target_hint(loss_fn, expected, received):
    if loss_fn is categorical_crossentropy and tuple(received) in (tuple(expected[:-1]), tuple(expected[:-1]) + (1,)):
        return (" These look like class ids: one-hot encode them with keras.utils.to_categorical(y, "
                f"num_classes={expected[-1]}), or use loss='sparse_categorical_crossentropy'.")
    if len(received) == len(expected) and tuple(received[:-1]) == tuple(expected[:-1]):
        return (f" The last layer gives {expected[-1]} values per sample but each target has {received[-1]}: "
                f"give the last layer {received[-1]} unit{'s' if received[-1] != 1 else ''}, or change the targets.")
    return ""


def cast_targets(targets, loss_fns, output_shapes):
    """Targets to floatx (class ids stay integers), shaped like the outputs."""
    cast = []
    for target, loss_fn, shape in zip(targets, loss_fns, output_shapes):
        sparse = loss_fn is sparse_categorical_crossentropy
        if not sparse:
            target = target.reshape(_aligned_target_shape(target.shape, shape, sparse)).astype(floatx(), copy=False)
        cast.append(target)
    return cast


def split_validation(groups, fraction):
    """Keras's `validation_split`: the last `fraction` of the samples, taken before shuffling.

    `groups` are lists of arrays with one row per sample (inputs, targets, sample
    weights; None stays None); returns the groups for training and for validation.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"validation_split must be between 0 and 1, received {fraction}.")
    count = len(groups[0][0])
    split = int(count * (1 - fraction))
    if split in (0, count):
        raise ValueError(f"validation_split={fraction} leaves no samples for training or for validation "
                         f"({count} samples in all).")
    return take_rows(groups, slice(None, split)), take_rows(groups, slice(split, None))


def take_rows(groups, rows):
    """The same `rows` (a slice or indices) of each array in each group; None stays None."""
    return [[None if array is None else array[rows] for array in group] for group in groups]


def batch_indices(count, batch_size, shuffle):
    """Index arrays (or slices) that cover `count` samples in batches."""
    if shuffle:
        order = permutation(count)
        return [order[start:start + batch_size] for start in range(0, count, batch_size)]
    return [slice(start, start + batch_size) for start in range(0, count, batch_size)]


def batch_stream(count, batch_size, shuffle):
    """Batches without end: pass after pass over the data, each pass shuffled anew.

    `fit` takes one pass's worth per epoch, or `steps_per_epoch` batches, so the
    data cycles: the next epoch goes on where the last one stopped.
    """
    while True:
        yield from batch_indices(count, batch_size, shuffle)


def unpack_x_y_sample_weight(data):
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` as three values, None for what is missing (Keras's)."""
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) not in (1, 2, 3):
        raise ValueError(f"Data should be (x,), (x, y) or (x, y, sample_weight); received a tuple of {len(data)}.")
    return tuple(data) + (None,) * (3 - len(data))


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch a step receives: ``(x, y)``, or ``(x, y, sample_weight)`` when there are weights."""
    if y is None:
        return (x,)
    return (x, y) if sample_weight is None else (x, y, sample_weight)
