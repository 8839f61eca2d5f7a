"""Sequential (kerasbook/models/sequential.py): an unbuilt model says how to build it, and a build that
failed on bad data is undone, so the next data builds the model afresh."""
import numpy as np
import pytest

import kerasbook as keras
from kerasbook.layers import Conv1D, Conv2D, Dense, Flatten
from kerasbook.models import Sequential

BUILD_ADVICE = r"has not been built yet.*`input_shape`.*model\.build\(\(None, …\)\)"


def unbuilt():
    model = Sequential([Dense(4), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


@pytest.mark.parametrize("attribute", ["inputs", "outputs", "input_shape", "output_shape", "input", "output"])
def test_an_unbuilt_model_says_how_to_build_it_instead_of_an_attribute_error(attribute):
    with pytest.raises(ValueError, match=BUILD_ADVICE):
        getattr(unbuilt(), attribute)


def test_summary_count_params_and_load_weights_of_an_unbuilt_model_say_how_to_build_it(tmp_path):
    model = unbuilt()
    with pytest.raises(ValueError, match=r"not yet been built.*`input_shape`.*model\.build\(\(None, …\)\)"):
        model.summary()
    with pytest.raises(ValueError, match=BUILD_ADVICE):
        model.count_params()
    built = Sequential([Dense(4, input_dim=3), Dense(1)])
    built.save_weights(tmp_path / "w.npz")
    with pytest.raises(ValueError, match=r"has not been built yet.*`input_shape`.*model\.build"):
        model.load_weights(tmp_path / "w.npz")
    assert not model.built and model.get_weights() == []


def test_predict_and_evaluate_without_data_or_layers_say_what_is_missing():
    model = unbuilt()
    with pytest.raises(ValueError, match=r"received no input data \(None\)"):
        model.predict(None, verbose=0)
    with pytest.raises(ValueError, match=r"needs targets `y`"):
        model.evaluate(verbose=0)
    with pytest.raises(ValueError, match=r"received no input data \(None\)"):
        model.evaluate(None, np.zeros((2, 1)), verbose=0)
    with pytest.raises(ValueError, match=r"has no layers yet: add some with model\.add"):
        Sequential().predict(np.zeros((2, 3)), verbose=0)
    assert model.predict(np.ones((2, 3)), verbose=0).shape == (2, 1)  # data builds it


def test_a_build_that_failed_on_bad_data_is_undone_and_good_data_builds_the_model():
    model = Sequential([Conv2D(2, 3), Flatten(), Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=2"):
        model.predict(np.zeros((3, 4)), verbose=0)
    assert not model.built and all(not layer.built for layer in model.layers)
    images = np.random.default_rng(0).normal(size=(8, 5, 5, 1))
    assert model.predict(images, verbose=0).shape == (8, 1)
    assert [w.shape for w in model.get_weights()] == [(3, 3, 1, 2), (2,), (18, 1), (1,)]
    model.fit(images, np.ones((8, 1)), verbose=0)
    assert model.optimizer.iterations == 1


def test_a_layer_built_for_the_bad_data_is_built_again_for_the_good_data():
    model = Sequential([Dense(8), Conv1D(2, 3)])  # Dense builds on 2-D data, then Conv1D refuses it
    with pytest.raises(ValueError, match="conv1d"):
        model.predict(np.zeros((3, 5)), verbose=0)
    assert not model.layers[0].built and model.layers[0].inbound_nodes == []
    assert model.predict(np.zeros((3, 4, 3)), verbose=0).shape == (3, 2, 2)
    assert model.layers[0].kernel.shape == (3, 8) and len(model.layers[0].weights) == 2
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((3, 4, 3)), np.ones((3, 2, 2)), verbose=0)


def test_an_explicit_build_that_fails_forgets_its_shape():
    model = Sequential([Conv2D(2, 3), Flatten(), Dense(1)])
    with pytest.raises(ValueError):
        model.build((None, 4))
    model.build((None, 5, 5, 1))
    assert model.output_shape == (None, 1)
    keras.backend.clear_session()
