"""Save and load a model's weights as an .npz archive: data only, never code.

`save_weights` writes a temporary file beside the target and renames it over
the target once it is complete, so an interrupted save leaves the previous file
whole. `load_weights` first reads every array's header (its name, shape, dtype
and size: an absurd size is refused before anything is allocated), then reads
and converts every array, and only then assigns any: a wrong or damaged file
is reported and the model is left exactly as it was.
"""
import errno
import math
import os
import uuid
import zipfile
import zlib

import numpy
from numpy.lib import format as npy_format

NPY_MAGIC = b"\x93NUMPY"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")  # a zip archive with files in it, or an empty one


def save_weights(model, filepath):
    weights = model.weights
    arrays = {f"{index:04d}": w.numpy() for index, w in enumerate(weights)}
    names = numpy.array([w.path for w in weights], dtype=str)
    target = os.fspath(filepath)
    folder, name = os.path.split(os.path.abspath(target))
    temporary = os.path.join(folder, f".{name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temporary, "xb") as file:
            numpy.savez(file, __paths__=names, **arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def load_weights(model, filepath):
    path = os.fspath(filepath)
    if not model.built:
        raise ValueError(f"Model '{model.name}' has not been built yet, so it has no weights to load into: give its "
                         f"first layer an `input_shape`, or call model.build((None, …)) first.")
    if not os.path.isfile(path):
        raise FileNotFoundError(errno.ENOENT, "No weights file", path)
    weights = model.weights
    arrays = read_weights(path, weights, model.name)
    for weight, array in zip(weights, arrays):
        weight.assign(array)


def read_weights(path, weights, model_name):
    """Every array in the archive at `path`, checked against `weights` and converted to their dtypes."""
    with open(path, "rb") as file:
        magic = file.read(6)
    if magic.startswith(NPY_MAGIC):
        raise ValueError(_unreadable(path, "it is a NumPy .npy file holding one array, not a weights archive"))
    if not magic.startswith(ZIP_MAGICS):
        raise ValueError(_unreadable(path, "it is not a weights archive (an .npz zip file)"))
    try:
        with zipfile.ZipFile(path) as archive:
            paths = _read_array(archive, "__paths__", path, kinds="U")
            if paths.ndim != 1:
                raise ValueError(_unreadable(path, "its list of weight names is damaged"))
            if len(paths) != len(weights):
                raise ValueError(f"{path!r} holds {len(paths)} weight arrays, but model '{model_name}' has "
                                 f"{len(weights)} weights.")
            for index, (stored, weight) in enumerate(zip(paths, weights)):
                shape, dtype = _header(archive, f"{index:04d}", path)
                _check_against(weight, str(stored), shape, dtype, path, model_name)
            arrays = [_read_array(archive, f"{index:04d}", path) for index in range(len(weights))]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise ValueError(_unreadable(path, f"the archive is damaged ({type(error).__name__}: {error})")) from error
    return [array.astype(weight.dtype, copy=False) for array, weight in zip(arrays, weights)]


def _header(archive, key, path, kinds="biuf"):
    """(shape, dtype) from the header of the archive's array `key`, checked against the bytes it holds."""
    try:
        info = archive.getinfo(f"{key}.npy")
    except KeyError:
        raise ValueError(_unreadable(path, f"it is a zip archive without the array '{key}' of a weights "
                                           f"file")) from None
    with archive.open(info) as stream:
        try:
            version = npy_format.read_magic(stream)
            read_header = {(1, 0): npy_format.read_array_header_1_0, (2, 0): npy_format.read_array_header_2_0}
            shape, _, dtype = read_header[version](stream)
        except (ValueError, KeyError) as error:
            raise ValueError(_unreadable(path, f"the header of array '{key}' is damaged ({error})")) from None
        header_bytes = stream.tell()
    if dtype.kind not in kinds:
        raise ValueError(_unreadable(path, f"array '{key}' holds {dtype}, not numbers"))
    declared, held = math.prod(shape) * dtype.itemsize, info.file_size - header_bytes
    if declared != held:
        raise ValueError(_unreadable(path, f"the header of array '{key}' declares shape {shape} of {dtype} "
                                           f"({declared:,} bytes), but the archive holds {held:,} bytes for it"))
    return shape, dtype


def _read_array(archive, key, path, kinds="biuf"):
    _header(archive, key, path, kinds)  # checked before read_array allocates what the header declares
    with archive.open(f"{key}.npy") as stream:
        return npy_format.read_array(stream, allow_pickle=False)


def _check_against(weight, stored, shape, dtype, path, model_name):
    """The stored array must fit `weight`: the same name after the layer's, the same shape."""
    if stored.rpartition("/")[2] != weight.path.rpartition("/")[2]:
        raise ValueError(f"{path!r} holds {stored!r} where model '{model_name}' has '{weight.path}': the file's "
                         f"weights are of another architecture, or in another order.")
    if tuple(shape) != tuple(weight.shape):
        raise ValueError(f"{path!r}: weight {stored!r} has shape {tuple(shape)}, but model '{model_name}' "
                         f"expects shape {tuple(weight.shape)} for '{weight.path}'.")


def _unreadable(path, reason):
    return (f"Could not read weights from {path!r}: {reason}. A weights file is the .npz archive that "
            f"model.save_weights(path) writes.")
