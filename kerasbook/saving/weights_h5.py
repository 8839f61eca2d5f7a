"""Keras 3's HDF5 weights layout: `.weights.h5` files, and the weights inside a `.keras` archive.

Each layer's own weights are datasets ``<path>/vars/0 … n-1`` (trainable ones
first, in creation order). Paths follow the model's structure, not layer
names: ``layers/<snake_case class>``, then ``_1``, ``_2`` for later layers of
the same class (``layers/dense``, ``layers/dropout``, ``layers/dense_1``); a
nested model recurses (``layers/sequential/layers/dense``), a wrapper keeps
its layer under ``layer``, an RNN its cell under ``cell``; a shared layer is
written once. The optimizer's state follows at ``optimizer/vars``.

Loading reads and checks everything first, then assigns: a missing or
wrong-shaped weight is an error that names the layer, and leaves the model as
it was.
"""
import warnings

import h5py
import numpy

from ..runtime.naming import snake_case
from .atomic_file import atomic_write


def weight_groups(model):
    """[(path, layer, its own variables)] for every layer reachable from `model`, in Keras's order."""
    groups, seen = [], set()

    def visit(layer, path):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        own = [w for w in layer._own_weights if w.trainable] + [w for w in layer._own_weights if not w.trainable]
        owner = getattr(layer, "weights_path", None)
        groups.append((f"{path}/{owner}" if owner else path, layer, own))
        for name, child in _children(layer):
            if isinstance(child, list):
                for child_path, item in zip(_names_by_class(child), child):
                    visit(item, f"{path}/{name}/{child_path}".lstrip("/"))
            else:
                visit(child, f"{path}/{name}".lstrip("/"))

    visit(model, "")
    return groups


def _children(layer):
    """The layers inside `layer` with the attribute names Keras files use, in Keras's order."""
    if hasattr(layer, "layers") and hasattr(layer, "_init_graph"):  # a model: Keras saves `layers` first
        return [("layers", layer.layers)]
    def is_sublayer(value):
        return any(value is sublayer for sublayer in layer._sublayers)

    found = []
    for name, value in sorted(vars(layer).items()):
        if name.startswith("_"):
            continue
        if is_sublayer(value) or (isinstance(value, list) and value and all(map(is_sublayer, value))):
            found.append((name, value))
    return found


def _names_by_class(layers):
    """'dense', 'dropout', 'dense_1': Keras's names for a list of layers, counted per class."""
    counts, names = {}, []
    for layer in layers:
        base = snake_case(layer.type_name)
        names.append(base if base not in counts else f"{base}_{counts[base]}")
        counts[base] = counts.get(base, 0) + 1
    return names


def write_weights(model, file):
    """Write `model`'s weights (and its optimizer's state, if it has one) into the open h5py `file`."""
    for path, layer, variables in weight_groups(model):
        group = file.require_group(f"{path}/vars" if path else "vars")
        group.attrs["name"] = layer.name
        for index, variable in enumerate(variables):
            group.create_dataset(str(index), data=variable.numpy())
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None:
        group = file.require_group("optimizer/vars")
        group.attrs["name"] = optimizer.name
        for index, array in enumerate(optimizer.saved_variables(model.trainable_weights)):
            group.create_dataset(str(index), data=array)


def read_weights(model, file, source):
    """Read every weight of `model` from the open h5py `file`, check it, then assign it.

    `source` names the file in errors. The optimizer's state is loaded too when
    the model has an optimizer and the file a matching state; a mismatch there
    only warns, as in Keras.
    """
    assignments = []
    for path, layer, variables in weight_groups(model):
        arrays = _datasets(file, f"{path}/vars" if path else "vars")
        label = f"Layer '{layer.name}' ({layer.type_name}, saved at '{path or '/'}')"
        if len(arrays) != len(variables):
            raise ValueError(f"{label} expected {len(variables)} variables {[v.name for v in variables]}, but "
                             f"{source} holds {len(arrays)} for it.")
        for variable, array in zip(variables, arrays):
            if tuple(array.shape) != tuple(variable.shape):
                raise ValueError(f"{label}: weight '{variable.name}' has shape {tuple(variable.shape)}, but "
                                 f"{source} holds shape {tuple(array.shape)}.")
            assignments.append((variable, array))
    optimizer_arrays = _datasets(file, "optimizer/vars")
    for variable, array in assignments:
        variable.assign(array)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and optimizer_arrays:
        try:
            optimizer.load_saved_variables(model.trainable_weights, optimizer_arrays)
        except ValueError as error:
            warnings.warn(f"The optimizer's state in {source} was not loaded: {error}", stacklevel=3)


def _datasets(file, path):
    """The arrays ``path/0 … n-1`` of the open file (none if the group is absent), read into memory."""
    group = file.get(path)
    if group is None:
        return []
    if not isinstance(group, h5py.Group):
        raise ValueError(f"'{path}' in the file is not a group of weights.")
    count = len(group)
    arrays = []
    for index in range(count):
        dataset = group.get(str(index))
        if not isinstance(dataset, h5py.Dataset) or dataset.dtype.kind not in "fiub":
            raise ValueError(f"'{path}' in the file should hold numeric datasets 0…{count - 1}; "
                             f"'{path}/{index}' is missing or not numeric.")
        arrays.append(numpy.asarray(dataset[()]))
    return arrays


def save_weights(model, filepath, overwrite=True):
    """Write a `.weights.h5` file in Keras 3's layout, atomically."""
    with atomic_write(filepath, overwrite) as temporary:
        with h5py.File(temporary, "w") as file:
            write_weights(model, file)


def load_weights(model, filepath):
    """Read a `.weights.h5` file in Keras 3's layout into `model` (all checked first)."""
    try:
        file = h5py.File(filepath, "r")
    except OSError as error:
        raise ValueError(f"Could not read weights from {str(filepath)!r}: not an HDF5 file, or damaged "
                         f"({error}).") from error
    with file:
        read_weights(model, file, repr(str(filepath)))
