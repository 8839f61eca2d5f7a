"""Weights files (kerasbook/models/weights_file.py): an interrupted save keeps the old file; a load
checks the whole file (names, shapes, dtypes, sizes from the headers) before it assigns any weight."""
import io
import os
import zipfile

import numpy as np
import pytest

import kerasbook as keras
from kerasbook.layers import Dense
from kerasbook.models import Sequential, weights_file


def model_and_data():
    keras.backend.clear_session()
    model = Sequential([Dense(4, activation="relu", input_dim=3), Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 2)).astype("float32")
    model.fit(x, y, verbose=0)
    return model, (x, y)


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def archive(path, members):
    """A zip archive whose members are given as {name: bytes}."""
    with zipfile.ZipFile(path, "w") as file:
        for name, content in members.items():
            file.writestr(name, content)
    return path


def good_members(model):
    members = {f"{index:04d}.npy": npy_bytes(w) for index, w in enumerate(model.get_weights())}
    members["__paths__.npy"] = npy_bytes(np.array([w.path for w in model.weights]))
    return members


def test_save_writes_a_temporary_file_beside_the_target_and_renames_it(tmp_path, monkeypatch):
    model, _ = model_and_data()
    renames = []
    real_replace = os.replace
    monkeypatch.setattr(weights_file.os, "replace", lambda a, b: (renames.append((a, b)), real_replace(a, b)))
    model.save_weights(tmp_path / "m.weights.npz")
    (temporary, target), = renames
    assert os.path.dirname(temporary) == str(tmp_path) and target == str(tmp_path / "m.weights.npz")
    assert os.listdir(tmp_path) == ["m.weights.npz"]


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_an_interrupted_save_leaves_the_previous_file_whole(tmp_path, monkeypatch, error):
    model, (x, y) = model_and_data()
    path = tmp_path / "m.weights.npz"
    model.save_weights(path)
    saved = path.read_bytes()

    def savez_interrupted(file, **arrays):
        file.write(b"PK\x03\x04 half an archive")
        raise error("interrupted")

    monkeypatch.setattr(weights_file.numpy, "savez", savez_interrupted)
    model.fit(x, y, verbose=0)
    with pytest.raises(error):
        model.save_weights(path)
    assert path.read_bytes() == saved and os.listdir(tmp_path) == ["m.weights.npz"]


def test_a_missing_file_is_a_file_not_found_error_naming_the_path(refuses, tmp_path):
    model, data = model_and_data()
    missing = tmp_path / "nowhere.weights.npz"
    info = refuses(model, lambda: model.load_weights(missing), FileNotFoundError, "No weights file", data)
    assert info.value.filename == str(missing) and str(missing) in str(info.value)


@pytest.mark.parametrize("kind, content, message", [
    ("npy", npy_bytes(np.zeros(3)), "it is a NumPy .npy file holding one array, not a weights archive"),
    ("text", b"dense/kernel 0.1 0.2\n", r"it is not a weights archive \(an .npz zip file\)"),
    ("empty", b"", r"it is not a weights archive"),
])
def test_a_file_that_is_not_a_weights_archive_says_so(refuses, tmp_path, kind, content, message):
    model, data = model_and_data()
    path = tmp_path / f"weights.{kind}"
    path.write_bytes(content)
    refuses(model, lambda: model.load_weights(path), ValueError, "Could not read weights from .*" + message, data)


def test_a_zip_without_the_weights_lists_says_so(refuses, tmp_path):
    model, data = model_and_data()
    path = archive(tmp_path / "other.zip", {"readme.txt": b"hello"})
    refuses(model, lambda: model.load_weights(path), ValueError, "without the array '__paths__'", data)


def test_a_string_array_in_third_place_is_refused_before_any_weight_is_assigned(refuses, tmp_path):
    model, data = model_and_data()
    members = good_members(model)
    members["0002.npy"] = npy_bytes(np.array([["a", "b"]] * 4))
    path = archive(tmp_path / "strings.npz", members)
    refuses(model, lambda: model.load_weights(path), ValueError, r"array '0002' holds <U1, not numbers", data)


def test_an_absurd_size_in_a_header_is_refused_without_allocating_it(refuses, tmp_path):
    model, data = model_and_data()
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (10 ** 9, 10 ** 9)})  # 4 exabytes
    members = good_members(model)
    members["0001.npy"] = header.getvalue() + b"\0" * 16
    path = archive(tmp_path / "absurd.npz", members)
    refuses(model, lambda: model.load_weights(path), ValueError,
            r"array '0001' declares shape \(1000000000, 1000000000\) of float32 \(4,000,000,000,000,000,000 bytes\), "
            r"but the archive holds 16 bytes", data)


def test_weights_of_another_name_or_shape_are_refused_naming_both(refuses, tmp_path):
    model, data = model_and_data()
    members = good_members(model)
    members["__paths__.npy"] = npy_bytes(np.array(["a/kernel", "a/gamma", "b/kernel", "b/bias"]))
    path = archive(tmp_path / "names.npz", members)
    refuses(model, lambda: model.load_weights(path), ValueError, r"holds 'a/gamma' where model .* has 'dense/bias'",
            data)
    other = Sequential([Dense(5, input_dim=3), Dense(2)])
    other.save_weights(tmp_path / "shapes.npz")
    refuses(model, lambda: model.load_weights(tmp_path / "shapes.npz"), ValueError,
            r"weight 'dense_2/kernel' has shape \(3, 5\), but model .* expects shape \(3, 4\)", data)


def test_float64_arrays_are_converted_and_loaded(tmp_path):
    model, _ = model_and_data()
    members = good_members(model)
    members["0000.npy"] = npy_bytes(np.full((3, 4), 0.25, dtype="float64"))
    model.load_weights(archive(tmp_path / "float64.npz", members))
    assert model.get_weights()[0].dtype == np.float32 and (model.get_weights()[0] == 0.25).all()


def test_a_round_trip_is_exact(tmp_path):
    model, _ = model_and_data()
    model.save_weights(tmp_path / "w.npz")
    copy = Sequential([Dense(4, activation="relu", input_dim=3), Dense(2)])
    copy.load_weights(tmp_path / "w.npz")
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), copy.get_weights()))
