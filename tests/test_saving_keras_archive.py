"""The `.keras` archive: kerasbook and Keras 3 open each other's files; training resumes exactly;
bad files fail clearly."""
import json
import zipfile

import numpy as np
import pytest

import kerasbook
from kerasbook import layers
from kerasbook.models import load_model
from kerasbook.saving import keras_archive
from saving_guide_models import GUIDE_MODELS, as_list, nested_sequential_with_time_distributed, real_keras

RNG = np.random.default_rng(0)


def names(model):
    return [layer.name for layer in model.layers]


def assert_same_outputs(a, b, x):
    x = x[0] if len(x) == 1 else x
    for left, right in zip(as_list(a.predict(x, verbose=0)), as_list(b.predict(x, verbose=0))):
        np.testing.assert_allclose(left, right, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("build", GUIDE_MODELS, ids=[b.__name__ for b in GUIDE_MODELS])
def test_a_file_saved_here_opens_in_keras_and_predicts_the_same(build, tmp_path):
    keras = real_keras()
    model, inputs = build(kerasbook)
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert names(loaded) == names(model)
    assert_same_outputs(model, loaded, inputs(RNG))


@pytest.mark.parametrize("build", GUIDE_MODELS, ids=[b.__name__ for b in GUIDE_MODELS])
def test_a_file_saved_by_keras_opens_here_and_predicts_the_same(build, tmp_path):
    keras = real_keras()
    model, inputs = build(keras)
    model.compile(optimizer="adam", loss="mse")
    if build is nested_sequential_with_time_distributed:
        # Keras 3.15 marks only the second mention of the shared Sequential as shared, so not even Keras
        # reopens this .keras file; its weights file is fine, and loads into the same model built here.
        model.save_weights(tmp_path / "m.weights.h5")
        loaded, _ = build(kerasbook)
        loaded.load_weights(tmp_path / "m.weights.h5")
    else:
        model.save(tmp_path / "m.keras")
        loaded = load_model(tmp_path / "m.keras")
        assert names(loaded) == names(model)
    assert_same_outputs(model, loaded, inputs(RNG))


def mlp():
    model = kerasbook.Sequential([kerasbook.Input((6,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
    model.compile(optimizer=kerasbook.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    return model


def data():
    rng = np.random.default_rng(1)
    return rng.random((16, 6), dtype="float32"), rng.random((16, 3), dtype="float32")


def test_training_resumes_exactly_where_it_stopped(tmp_path):
    model = mlp()
    x, y = data()
    model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.optimizer.iterations == model.optimizer.iterations == 12
    assert loaded.optimizer.learning_rate == 0.01
    assert model.train_on_batch(x, y) == loaded.train_on_batch(x, y)  # [loss, mae]
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_keras_takes_the_same_next_step_from_a_file_saved_here(tmp_path):
    keras = real_keras()
    model = mlp()
    x, y = data()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert int(loaded.optimizer.iterations.numpy()) == 8
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_a_keras_trained_model_resumes_here_with_its_optimizer_state(tmp_path):
    keras = real_keras()
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.RMSprop(0.01, momentum=0.5), loss="mse")
    x, y = data()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras")
    assert loaded.optimizer.iterations == 8 and loaded.optimizer.momentum == 0.5
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_compile_false_loads_an_uncompiled_model(tmp_path):
    mlp().save(tmp_path / "m.keras")
    assert not load_model(tmp_path / "m.keras", compile=False).compiled


def test_the_archive_holds_keras_members_and_config(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")
    assert config["compile_config"]["loss"] == "mean_squared_error"
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["build_config"] == {"input_shape": [None, 6]}


def rewrite(source, target, change):
    """Copy a .keras archive, passing each member's (name, bytes) through `change`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            for new_name, content in change(name, old.read(name)):
                new.writestr(new_name, content)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_archive_is_a_clear_error(tmp_path, damage):
    mlp().save(tmp_path / "good.keras")
    good = (tmp_path / "good.keras").read_bytes()
    (tmp_path / "bad.keras").write_bytes({"garbage": b"PK\x03\x04 not really", "truncated": good[:len(good) // 2],
                                          "empty": b""}[damage])
    with pytest.raises(ValueError, match="bad.keras"):
        load_model(tmp_path / "bad.keras")


def test_a_member_name_that_climbs_out_of_the_folder_is_refused(tmp_path):
    mlp().save(tmp_path / "good.keras")
    rewrite(tmp_path / "good.keras", tmp_path / "evil.keras",
            lambda name, content: [(name, content)] + ([("../../evil.txt", b"x")] if name == "config.json" else []))
    with pytest.raises(ValueError, match=r"unsafe member name '\.\./\.\./evil\.txt'"):
        load_model(tmp_path / "evil.keras")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_a_pickled_object_in_place_of_the_weights_is_never_unpickled(tmp_path):
    import pickle

    class Bomb:
        def __reduce__(self):
            return (exec, ("raise SystemExit('unpickled!')",))

    mlp().save(tmp_path / "good.keras")
    rewrite(tmp_path / "good.keras", tmp_path / "pickled.keras",
            lambda name, content: [(name, pickle.dumps(Bomb()) if name == "model.weights.h5" else content)])
    with pytest.raises(ValueError, match="model.weights.h5 is not a readable HDF5 file"):
        load_model(tmp_path / "pickled.keras")


def test_a_lambda_in_the_config_loads_only_with_safe_mode_off(tmp_path):
    model = kerasbook.Sequential([kerasbook.Input((3,)), layers.Dense(2, activation=lambda x: x * 2)])
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="safe_mode=False"):
        load_model(tmp_path / "m.keras")
    loaded = load_model(tmp_path / "m.keras", safe_mode=False)
    x = np.ones((1, 3), dtype="float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_wrong_shaped_weights_name_the_layer_and_change_nothing(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.keras")
    other = kerasbook.Sequential([kerasbook.Input((6,)), layers.Dense(8, activation="relu"), layers.Dense(4)])
    other.compile(optimizer="adam", loss="mse")
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"Layer 'dense_\d+' \(Dense, saved at 'layers/dense_1'\): weight 'kernel' "
                                         r"has shape \(8, 4\), but .* holds shape \(8, 3\)"):
        other.load_weights(tmp_path / "m.keras")
    for a, b in zip(before, other.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_an_interrupted_save_keeps_the_old_file(tmp_path, monkeypatch):
    model = mlp()
    model.save(tmp_path / "m.keras")
    old = (tmp_path / "m.keras").read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(keras_archive.weights_h5, "write_weights", interrupted)
    with pytest.raises(KeyboardInterrupt):
        model.save(tmp_path / "m.keras")
    assert (tmp_path / "m.keras").read_bytes() == old
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]  # no temporary file left behind


def test_overwrite_false_refuses_to_replace_a_file(tmp_path):
    model = mlp()
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        model.save(tmp_path / "m.keras", overwrite=False)


def test_an_unknown_extension_is_refused(tmp_path):
    with pytest.raises(ValueError, match="`.keras` extension"):
        mlp().save(tmp_path / "m.model")


def test_load_model_is_also_in_kerasbook_saving(tmp_path):
    mlp().save(tmp_path / "m.keras")
    assert isinstance(kerasbook.saving.load_model(tmp_path / "m.keras"), kerasbook.Sequential)
