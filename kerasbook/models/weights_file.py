"""Save and load a model's weights as an .npz archive: data only, never code.

Loading uses ``allow_pickle=False`` and checks every array's name count and
shape before writing any weight, so a wrong or damaged file is reported and
the model is left exactly as it was.
"""
import zipfile

import numpy


def save_weights(model, filepath):
    weights = model.weights
    arrays = {f"{index:04d}": w.numpy() for index, w in enumerate(weights)}
    names = numpy.array([w.path for w in weights], dtype=str)
    with open(filepath, "wb") as file:
        numpy.savez(file, __paths__=names, **arrays)


def load_weights(model, filepath):
    try:
        with numpy.load(filepath, allow_pickle=False) as archive:
            paths = list(archive["__paths__"])
            arrays = [archive[f"{index:04d}"] for index in range(len(paths))]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as error:
        raise ValueError(f"Could not read weights from {filepath!r}: the file is not a kerasbook weights file or "
                         f"is damaged ({type(error).__name__}: {error}).") from error
    weights = model.weights
    if len(arrays) != len(weights):
        raise ValueError(f"{filepath!r} holds {len(arrays)} weight arrays, but model '{model.name}' has "
                         f"{len(weights)} weights.")
    for path, array, weight in zip(paths, arrays, weights):
        if tuple(array.shape) != tuple(weight.shape):
            raise ValueError(f"{filepath!r}: weight {path!r} has shape {array.shape}, but model '{model.name}' "
                             f"expects shape {tuple(weight.shape)} for '{weight.path}'.")
    model.set_weights(arrays)
