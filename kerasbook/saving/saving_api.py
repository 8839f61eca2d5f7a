"""`save_model`, `load_model`, `save_weights`, `load_weights`: which file format, by the file's name.

``.keras`` is Keras 3's archive (`keras_archive`); ``.weights.h5`` Keras 3's
weights file (`weights_h5`); any other ``.h5`` the legacy HDF5 model file of
Keras 2 tutorials (`legacy_h5`), which Keras 3 still reads and writes.
"""
import json
import os
import zipfile

import h5py

from . import keras_archive, legacy_h5, serialization_lib, weights_h5


def save_model(model, filepath, overwrite=True, **kwargs):
    """Save a whole model: 'm.keras' (Keras 3's archive) or 'm.h5' (legacy HDF5)."""
    path = os.fspath(filepath)
    unknown = set(kwargs) - {"save_format", "include_optimizer", "zipped"}
    if unknown:
        raise TypeError(f"save() got unexpected keyword argument(s) {sorted(unknown)}.")
    if path.endswith((".h5", ".hdf5")) or kwargs.get("save_format") == "h5":
        return legacy_h5.save_model(model, path, overwrite, include_optimizer=kwargs.get("include_optimizer", True))
    if not path.endswith(".keras"):
        raise ValueError(f"Invalid filepath extension for saving {path!r}. Please add a `.keras` extension (Keras "
                         f"3's format) or `.h5` (the legacy HDF5 format).")
    keras_archive.save_model(model, path, overwrite)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model saved by `model.save` (here or by Keras 3): its layers, weights, compile settings, optimizer state.

    `custom_objects` maps names in the file to your own classes and functions;
    ``safe_mode=False`` allows Python code saved in the file (a lambda) to load.

    Example:
        model = keras.models.load_model('model.keras')
    """
    path = os.fspath(filepath)
    if not os.path.exists(path):
        raise ValueError(f"File not found: filepath={path}. Please ensure the file is an accessible `.keras` zip "
                         f"file.")
    if zipfile.is_zipfile(path):
        return keras_archive.load_model(path, custom_objects, compile, safe_mode)
    if h5py.is_hdf5(path):
        return legacy_h5.load_model(path, custom_objects, compile, safe_mode)
    raise ValueError(f"{path!r} is neither a .keras archive nor an HDF5 file (or it is damaged).")


def is_keras_weights_file(filepath):
    """Whether `save_weights`/`load_weights` should use a Keras format (HDF5 or .keras) for this name."""
    return os.fspath(filepath).endswith((".h5", ".hdf5", ".keras"))


def save_weights(model, filepath, overwrite=True):
    """'m.weights.h5': Keras 3's layout; another '.h5' name: the legacy layout of Keras 2's `save_weights`."""
    path = os.fspath(filepath)
    if path.endswith(".weights.h5"):
        return weights_h5.save_weights(model, path, overwrite)
    if path.endswith(".keras"):
        raise ValueError("save_weights writes weights only: name the file 'name.weights.h5', or use model.save() "
                         "for a .keras file.")
    legacy_h5.save_weights(model, path, overwrite)


def load_weights(model, filepath):
    """Weights from a `.weights.h5`, a `.keras` archive or a legacy `.h5` file; all checked before any is set."""
    path = os.fspath(filepath)
    if zipfile.is_zipfile(path):
        return keras_archive.load_weights(model, path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No weights file at {path!r}.")
    if legacy_h5.is_legacy_file(path):
        return legacy_h5.load_weights(model, path)
    weights_h5.load_weights(model, path)


def model_from_json(json_string, custom_objects=None):
    """A model (fresh weights, compiled if the JSON says how) from `model.to_json()`'s text or Keras's."""
    try:
        config = json.loads(json_string)
    except json.JSONDecodeError as error:
        raise ValueError(f"model_from_json needs the text of model.to_json(); this is not JSON ({error}).") from error
    return serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects, category="models")
