"""The `.keras` file: Keras 3's zip archive of a whole model.

Three members, stored uncompressed as Keras stores them:

- ``config.json``: the model's config (`serialization_lib`), with its compile
  settings, so loading rebuilds and recompiles it;
- ``model.weights.h5``: every weight and the optimizer's state, in the layout
  of `weights_h5`;
- ``metadata.json``: which format version wrote it, and when.

Loading reads the members into memory and extracts nothing, so a hostile
member name cannot write anywhere; names are checked all the same, and a
damaged archive is reported as such.
"""
import datetime
import io
import json
import zipfile

import h5py

from . import serialization_lib, weights_h5
from .atomic_file import atomic_write

KERAS_FORMAT_VERSION = "3.15.1"  # the Keras release whose files these are written (and tested) like
_CONFIG, _METADATA, _WEIGHTS = "config.json", "metadata.json", "model.weights.h5"
_MAX_CONFIG_BYTES = 64 * 2**20


def save_model(model, filepath, overwrite=True):
    """Write `model` as a `.keras` archive, atomically."""
    config = serialization_lib.serialize_keras_object(model)
    metadata = {"keras_version": KERAS_FORMAT_VERSION, "written_by": "kerasbook",
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    weights = io.BytesIO()
    with h5py.File(weights, "w") as file:
        weights_h5.write_weights(model, file)
    with atomic_write(filepath, overwrite) as temporary:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(_METADATA, json.dumps(metadata))
            archive.writestr(_CONFIG, json.dumps(config))
            archive.writestr(_WEIGHTS, weights.getvalue())


def read_archive(filepath):
    """(config dict, weights file bytes) of a `.keras` archive, checked."""
    try:
        with zipfile.ZipFile(filepath, "r") as archive:
            infos = archive.infolist()
            for info in infos:
                check_member_name(info.filename, filepath)
            names = {info.filename: info for info in infos}
            for required in (_CONFIG, _WEIGHTS):
                if required not in names:
                    raise ValueError(f"{str(filepath)!r} is not a complete .keras file: it has no {required} "
                                     f"(members: {sorted(names)}).")
            if names[_CONFIG].file_size > _MAX_CONFIG_BYTES:
                raise ValueError(f"{str(filepath)!r}: config.json is {names[_CONFIG].file_size} bytes, too large "
                                 f"for a model config.")
            config_text = archive.read(_CONFIG)
            weights = archive.read(_WEIGHTS)
    except (zipfile.BadZipFile, EOFError) as error:
        raise ValueError(f"{str(filepath)!r} is not a readable .keras file: the zip archive is damaged or "
                         f"truncated ({error}).") from error
    try:
        config = json.loads(config_text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{str(filepath)!r}: config.json is not valid JSON ({error}).") from error
    if not isinstance(config, dict) or "class_name" not in config or "config" not in config:
        raise ValueError(f"{str(filepath)!r}: config.json does not describe a model (no class_name and config).")
    return config, weights


def check_member_name(name, filepath):
    """Refuse a member whose name would point outside a folder it was extracted into."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
        raise ValueError(f"{str(filepath)!r} has an unsafe member name {name!r} (an absolute path or '..'); "
                         f"refusing to read it.")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Rebuild, recompile and fill a model from a `.keras` archive."""
    config, weights = read_archive(filepath)
    if not compile:
        config = {key: value for key, value in config.items() if key != "compile_config"}
    model = serialization_lib.deserialize_keras_object(config, custom_objects=custom_objects, safe_mode=safe_mode,
                                                       category="models")
    load_weights_bytes(model, weights, filepath)
    return model


def load_weights_bytes(model, weights, filepath):
    try:
        file = h5py.File(io.BytesIO(weights), "r")
    except OSError as error:
        raise ValueError(f"{str(filepath)!r}: its model.weights.h5 is not a readable HDF5 file ({error}).") from error
    with file:
        weights_h5.read_weights(model, file, f"{str(filepath)!r}")


def load_weights(model, filepath):
    """Only the weights (and optimizer state) of a `.keras` archive, into an existing model."""
    _, weights = read_archive(filepath)
    load_weights_bytes(model, weights, filepath)
