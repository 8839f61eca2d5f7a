"""The legacy HDF5 model file of Keras 2 tutorials (``model.save('m.h5')``), as Keras 3 reads and writes it.

One HDF5 file whose attributes hold JSON: ``model_config`` (the model's config)
and ``training_config`` (compile's arguments, the optimizer's under
``optimizer_config``). Weights are grouped by layer name, not by structure:
``model_weights/<layer>/<weight name>``, the layer's ``weight_names`` attribute
listing them in order (trainable, then non-trainable); on loading they are
matched to the model's layers with weights in order. The optimizer's state is in
``optimizer_weights``, in Keras's order. Keras 2's own ``save_weights('m.h5')``
wrote the ``model_weights`` part alone, at the top of the file.
"""
import json
import warnings

import h5py
import numpy

from . import serialization_lib
from .atomic_file import atomic_write
from .keras_archive import KERAS_FORMAT_VERSION


def is_legacy_file(filepath):
    """Whether `filepath` is an HDF5 file in the legacy layout (False for anything else, damaged files too)."""
    try:
        with h5py.File(filepath, "r") as file:
            return "model_weights" in file or "layer_names" in file.attrs
    except OSError:
        return False


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Write config, weights, compile settings and optimizer state as one legacy HDF5 file, atomically."""
    with atomic_write(filepath, overwrite) as temporary, h5py.File(temporary, "w") as file:
        file.attrs["keras_version"] = KERAS_FORMAT_VERSION
        file.attrs["backend"] = "numpy"
        file.attrs["model_config"] = json.dumps({"class_name": model.type_name, "config": model.get_config()})
        compile_config = model.get_compile_config() if include_optimizer else None
        if compile_config is not None:
            optimizer = compile_config.pop("optimizer")
            compile_config["optimizer_config"] = {"class_name": optimizer["class_name"], "config": optimizer["config"]}
            file.attrs["training_config"] = json.dumps(compile_config)
        _write_layer_weights(model, file.create_group("model_weights"))
        if compile_config is not None:
            arrays = model.optimizer.saved_variables(model.trainable_weights)
            names = [f"{model.optimizer.name}/{name}" for name in ("iteration", "learning_rate")]
            names += [f"{model.optimizer.name}/slot_{index}" for index in range(len(arrays) - 2)]
            group = file.create_group("optimizer_weights")
            group.attrs["weight_names"] = numpy.array([name.encode("utf8") for name in names])
            for name, array in zip(names, arrays):
                group.create_dataset(name, data=array)


def save_weights(model, filepath, overwrite=True):
    """Keras 2's `save_weights('m.h5')`: the weights by layer name, at the top of the file."""
    with atomic_write(filepath, overwrite) as temporary, h5py.File(temporary, "w") as file:
        _write_layer_weights(model, file)


def _layer_weights(layer):
    return layer.trainable_weights + layer.non_trainable_weights


def _write_layer_weights(model, group):
    group.attrs["layer_names"] = numpy.array([layer.name.encode("utf8") for layer in model.layers])
    group.attrs["backend"] = "numpy"
    group.attrs["keras_version"] = KERAS_FORMAT_VERSION
    for layer in sorted(model.layers, key=lambda layer: layer.name):
        layer_group = group.create_group(layer.name)
        weights = _layer_weights(layer)
        names = _unique([weight.path for weight in weights])
        layer_group.attrs["weight_names"] = numpy.array([name.encode("utf8") for name in names])
        for name, weight in zip(names, weights):
            layer_group.create_dataset(name, data=weight.numpy())
    group.create_group("top_level_model_weights").attrs["weight_names"] = numpy.array([])


def _unique(names):
    """The names, with '_1', '_2' added to repeats (a nested model may hold two weights of one path)."""
    seen, unique = {}, []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}_{count}")
    return unique


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild a model from a legacy HDF5 file (written here or by Keras 3), weights, compile and optimizer too."""
    with _open(filepath) as file:
        model_config = _json_attribute(file, "model_config", filepath)
        if model_config is None:
            raise ValueError(f"No model config found in the file at {str(filepath)!r}.")
        model = serialization_lib.deserialize_keras_object(model_config, custom_objects=custom_objects,
                                                           safe_mode=safe_mode, category="models")
        _read_layer_weights(model, file["model_weights"], filepath)
        training_config = _json_attribute(file, "training_config", filepath) if compile else None
        if training_config is not None:
            optimizer = training_config.pop("optimizer_config", None) or "rmsprop"
            model.compile_from_config({**training_config, "optimizer": optimizer})
            if "optimizer_weights" in file:
                group = file["optimizer_weights"]
                arrays = [numpy.asarray(group[_text(name)]) for name in group.attrs.get("weight_names", [])]
                try:
                    model.optimizer.load_saved_variables(model.trainable_weights, arrays)
                except ValueError as error:  # as in Keras: the model loads, with a fresh optimizer
                    warnings.warn(f"The optimizer's state in {str(filepath)!r} was not loaded: {error}", stacklevel=2)
    return model


def load_weights(model, filepath):
    """Weights from a legacy file (a whole model's, or Keras 2's `save_weights`) into `model`, checked first."""
    with _open(filepath) as file:
        _read_layer_weights(model, file["model_weights"] if "model_weights" in file else file, filepath)


def _read_layer_weights(model, group, filepath):
    """Match the file's layers with weights to the model's, in order; check every array, then assign."""
    saved = []
    for name in group.attrs.get("layer_names", []):
        layer_group = group[_text(name)]
        arrays = [numpy.asarray(layer_group[_text(weight)]) for weight in layer_group.attrs.get("weight_names", [])]
        if arrays:
            saved.append((_text(name), arrays))
    layers = [layer for layer in model.layers if _layer_weights(layer)]
    if len(saved) != len(layers):
        raise ValueError(f"{str(filepath)!r} holds weights for {len(saved)} layers {[n for n, _ in saved]}, but "
                         f"model '{model.name}' has {len(layers)} layers with weights {[l.name for l in layers]}.")
    assignments = []
    for layer, (saved_name, arrays) in zip(layers, saved):
        weights = _layer_weights(layer)
        if len(arrays) != len(weights):
            raise ValueError(f"Layer '{layer.name}' expects {len(weights)} weights, but {str(filepath)!r} holds "
                             f"{len(arrays)} for layer '{saved_name}'.")
        for weight, array in zip(weights, arrays):
            if tuple(array.shape) != tuple(weight.shape):
                raise ValueError(f"Layer '{layer.name}': weight '{weight.name}' has shape {tuple(weight.shape)}, "
                                 f"but {str(filepath)!r} holds shape {tuple(array.shape)} for layer '{saved_name}'.")
            assignments.append((weight, array))
    for weight, array in assignments:
        weight.assign(array)


def _open(filepath):
    try:
        return h5py.File(filepath, "r")
    except OSError as error:
        raise ValueError(f"Could not read {str(filepath)!r}: not an HDF5 file, or damaged ({error}).") from error


def _json_attribute(file, name, filepath):
    text = file.attrs.get(name)
    if text is None:
        return None
    try:
        return json.loads(_text(text))
    except json.JSONDecodeError as error:
        raise ValueError(f"{str(filepath)!r}: the {name} attribute is not valid JSON ({error}).") from error


def _text(value):
    return value.decode("utf8") if isinstance(value, bytes) else str(value)
