"""The legacy `.h5` model file: written here and read by Keras 3, written by Keras 3 and read here."""
import h5py
import numpy as np
import pytest

import kerasbook
from kerasbook import layers
from kerasbook.models import load_model
from saving_guide_models import GUIDE_MODELS, as_list, real_keras

RNG = np.random.default_rng(0)
BOTH_WAYS = GUIDE_MODELS[:-1]  # Keras 3.15 writes the nested shared Sequential's optimizer state inconsistently


def assert_same_outputs(a, b, x):
    x = x[0] if len(x) == 1 else x
    for left, right in zip(as_list(a.predict(x, verbose=0)), as_list(b.predict(x, verbose=0))):
        np.testing.assert_allclose(left, right, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("build", BOTH_WAYS, ids=[b.__name__ for b in BOTH_WAYS])
def test_h5_files_travel_both_ways(build, tmp_path):
    keras = real_keras()
    ours, inputs = build(kerasbook)
    ours.compile(optimizer="adam", loss="mse")
    ours.save(tmp_path / "ours.h5")
    loaded = keras.saving.load_model(tmp_path / "ours.h5")
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in ours.layers]
    assert_same_outputs(ours, loaded, inputs(RNG))
    theirs, _ = build(keras)
    theirs.compile(optimizer="adam", loss="mse")
    theirs.save(tmp_path / "theirs.h5")
    read = load_model(tmp_path / "theirs.h5")
    assert [layer.name for layer in read.layers] == [layer.name for layer in theirs.layers]
    assert_same_outputs(theirs, read, inputs(RNG))


def mlp():
    model = kerasbook.Sequential([kerasbook.Input((6,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
    model.compile(optimizer=kerasbook.optimizers.SGD(0.1, momentum=0.9), loss="mse", metrics=["mae"])
    return model


def test_training_resumes_exactly_from_an_h5_file(tmp_path):
    model = mlp()
    x, y = np.random.default_rng(1).random((8, 6), dtype="float32"), np.zeros((8, 3), dtype="float32")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "m.h5")
    loaded = load_model(tmp_path / "m.h5")
    assert loaded.optimizer.iterations == 4 and loaded.optimizer.momentum == 0.9
    assert model.train_on_batch(x, y) == loaded.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_the_file_has_keras_legacy_layout(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as file:
        assert {"model_config", "training_config", "keras_version"} <= set(file.attrs)
        names = [name.decode() for name in file["model_weights"].attrs["layer_names"]]
        assert names == [layer.name for layer in model.layers]
        dense = model.layers[0].name
        assert [n.decode() for n in file[f"model_weights/{dense}"].attrs["weight_names"]] == \
            [f"{dense}/kernel", f"{dense}/bias"]


def test_keras_2_style_save_weights_h5_round_trip_and_errors(tmp_path):
    source, target = mlp(), mlp()
    source.save_weights(tmp_path / "w.h5")
    target.load_weights(tmp_path / "w.h5")
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)
    other = kerasbook.Sequential([kerasbook.Input((6,)), layers.Dense(8), layers.Dense(4)])
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"weight 'kernel' has shape \(8, 4\), but .* holds shape \(8, 3\)"):
        other.load_weights(tmp_path / "w.h5")
    for a, b in zip(before, other.get_weights()):
        np.testing.assert_array_equal(a, b)
