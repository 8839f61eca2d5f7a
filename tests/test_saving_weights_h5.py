"""`.weights.h5` in Keras 3's layout: the same paths and order as Keras, both ways, and checked before any change."""
import h5py
import numpy as np
import pytest

import kerasbook
from kerasbook import layers
from kerasbook.models import model_from_json
from kerasbook.saving import weights_h5
from saving_guide_models import GUIDE_MODELS, as_list, real_keras


def datasets(path):
    found = {}
    with h5py.File(path, "r") as file:
        file.visititems(lambda name, item: found.__setitem__(name, item.shape)
                        if isinstance(item, h5py.Dataset) else None)
    return found


@pytest.mark.parametrize("build", GUIDE_MODELS, ids=[b.__name__ for b in GUIDE_MODELS])
def test_the_file_has_keras_paths_shapes_and_optimizer_slots(build, tmp_path):
    keras = real_keras()
    x_rng = np.random.default_rng(0)
    files = {}
    for lib in (kerasbook, keras):
        model, inputs = build(lib)
        model.compile(optimizer="adam", loss="mse")
        x = inputs(x_rng)
        y = [np.zeros(o.shape, dtype="float32") for o in as_list(model.predict(x[0] if len(x) == 1 else x,
                                                                               verbose=0))]
        model.train_on_batch(x[0] if len(x) == 1 else x, y[0] if len(y) == 1 else y)
        model.save_weights(tmp_path / f"{lib.__name__}.weights.h5")
        files[lib.__name__] = datasets(tmp_path / f"{lib.__name__}.weights.h5")
    assert files["kerasbook"] == files["keras"]


@pytest.mark.parametrize("build", GUIDE_MODELS, ids=[b.__name__ for b in GUIDE_MODELS])
def test_weights_travel_both_ways(build, tmp_path):
    keras = real_keras()
    ours, inputs = build(kerasbook)
    theirs, _ = build(keras)  # the same architecture (Keras's model_from_json copies a shared nested model)
    x = inputs(np.random.default_rng(1))
    x = x[0] if len(x) == 1 else x
    ours.save_weights(tmp_path / "ours.weights.h5")
    theirs.load_weights(tmp_path / "ours.weights.h5")
    for a, b in zip(as_list(ours.predict(x, verbose=0)), as_list(theirs.predict(x, verbose=0))):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    fresh, _ = build(keras)
    fresh.save_weights(tmp_path / "theirs.weights.h5")
    ours.load_weights(tmp_path / "theirs.weights.h5")
    for a, b in zip(as_list(fresh.predict(x, verbose=0)), as_list(ours.predict(x, verbose=0))):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def model(units=3):
    inputs = kerasbook.Input((4,))
    hidden = layers.Dense(5, activation="relu")(inputs)
    return kerasbook.Model(inputs, layers.Dense(units)(layers.BatchNormalization()(hidden)))


def test_missing_or_wrong_shaped_weights_name_the_layer_and_change_nothing(tmp_path):
    model(units=2).save_weights(tmp_path / "other.weights.h5")
    target = model()
    before = target.get_weights()
    with pytest.raises(ValueError, match=r"Layer 'dense_\d+' \(Dense, saved at 'layers/dense_1'\): weight 'kernel' "
                                         r"has shape \(5, 3\), but .* holds shape \(5, 2\)"):
        target.load_weights(tmp_path / "other.weights.h5")
    with h5py.File(tmp_path / "other.weights.h5", "a") as file:
        del file["layers/batch_normalization/vars/3"]
    with pytest.raises(ValueError, match=r"Layer 'batch_normalization\w*' \(BatchNormalization, saved at "
                                         r"'layers/batch_normalization'\) expected 4 variables .* holds 3"):
        target.load_weights(tmp_path / "other.weights.h5")
    for a, b in zip(before, target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_file_that_is_not_hdf5_is_a_clear_error(tmp_path):
    (tmp_path / "bad.weights.h5").write_bytes(b"not hdf5 at all")
    with pytest.raises(ValueError, match="Could not read weights from .*bad.weights.h5"):
        model().load_weights(tmp_path / "bad.weights.h5")


def test_the_optimizer_state_is_saved_and_restored(tmp_path):
    source = model()
    source.compile(optimizer="adam", loss="mse")
    x, y = np.ones((4, 4), dtype="float32"), np.zeros((4, 3), dtype="float32")
    source.train_on_batch(x, y)
    source.save_weights(tmp_path / "m.weights.h5")
    target = model_from_json(source.to_json())
    target.load_weights(tmp_path / "m.weights.h5")
    assert target.optimizer.iterations == 1
    source.train_on_batch(x, y)
    target.train_on_batch(x, y)
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_npz_weights_files_keep_working(tmp_path):
    source, target = model(), model()
    source.save_weights(tmp_path / "m.npz")
    target.load_weights(tmp_path / "m.npz")
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_an_interrupted_save_keeps_the_old_file(tmp_path, monkeypatch):
    source = model()
    source.save_weights(tmp_path / "m.weights.h5")
    old = (tmp_path / "m.weights.h5").read_bytes()
    monkeypatch.setattr(weights_h5, "write_weights", lambda *args: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        source.save_weights(tmp_path / "m.weights.h5")
    assert (tmp_path / "m.weights.h5").read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["m.weights.h5"]
