"""Traceback filtering (kerasbook/runtime/traceback_filtering.py): an error from a public call shows the
user's frames and kerasbook's message, not kerasbook's own frames; the config switch shows them all."""
import os
import subprocess
import sys
import traceback

import numpy as np
import pytest

import kerasbook as keras
from kerasbook import config
from kerasbook.layers import Dense, Layer
from kerasbook.models import Model, Sequential

PACKAGE = os.path.dirname(keras.__file__) + os.sep


def frame_files(error):
    return [frame.filename for frame in traceback.extract_tb(error.__traceback__)]


def kerasbook_frames(error):
    return [name for name in frame_files(error) if name.startswith(PACKAGE)]


def compiled():
    model = Sequential([Dense(2, input_dim=3)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def wrong_layer_call():
    layer = Dense(2)
    layer(np.ones((2, 3)))
    layer(np.ones((2, 4)))


def duplicate_names():
    inputs = keras.Input(shape=(3,))
    Model(inputs, Dense(1, name="d")(Dense(2, name="d")(inputs)))


MISTAKES = {
    "fit with a bad batch size": lambda: compiled().fit(np.ones((4, 3)), np.ones((4, 2)), batch_size=0, verbose=0),
    "fit on data of the wrong shape": lambda: compiled().fit(np.ones((4, 5)), np.ones((4, 2)), verbose=0),
    "evaluate with NaN": lambda: compiled().evaluate(np.full((4, 3), np.nan), np.ones((4, 2)), verbose=0),
    "predict on the wrong shape": lambda: compiled().predict(np.ones((4, 5)), verbose=0),
    "a layer called on the wrong shape": lambda: wrong_layer_call(),
    "compile with an unknown loss": lambda: compiled().compile(optimizer="sgd", loss="msee"),
    "Model with two layers of one name": duplicate_names,
    "load_weights of a missing file": lambda: compiled().load_weights("/nonexistent/weights.npz"),
}


@pytest.fixture
def filtering():
    yield
    config.enable_traceback_filtering()


@pytest.mark.parametrize("mistake", sorted(MISTAKES))
def test_the_filtered_traceback_holds_no_kerasbook_frame_and_the_full_one_does(filtering, mistake):
    assert config.is_traceback_filtering_enabled()
    keras.backend.clear_session()
    with pytest.raises(Exception) as filtered:
        MISTAKES[mistake]()
    assert frame_files(filtered.value) and not kerasbook_frames(filtered.value)
    assert frame_files(filtered.value)[-1] == __file__  # the last frame shown is the user's own line
    config.disable_traceback_filtering()
    keras.backend.clear_session()  # the same default names, so the same message
    with pytest.raises(type(filtered.value)) as full:
        MISTAKES[mistake]()
    assert str(full.value) == str(filtered.value)
    assert kerasbook_frames(full.value)


class Broken(Layer):
    """Declares its output shape, so the mistake in `call` shows when the model runs, not when it is built."""

    def call(self, inputs):
        return inputs.undefined_method()

    def compute_output_shape(self, input_shape):
        return input_shape


def test_the_users_own_frames_inside_a_kerasbook_call_stay(filtering):
    model = Sequential([Dense(2, input_dim=3), Broken()])
    with pytest.raises(AttributeError) as error:
        model.predict(np.ones((2, 3)), verbose=0)
    names = [frame.name for frame in traceback.extract_tb(error.value.__traceback__)]
    assert names[-1] == "call" and "test_the_users_own_frames_inside_a_kerasbook_call_stay" in names
    assert not kerasbook_frames(error.value)


def test_the_errors_a_kerasbook_error_was_raised_from_are_filtered_too(filtering, tmp_path):
    path = tmp_path / "damaged.npz"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="damaged") as error:
        compiled().load_weights(path)
    assert error.value.__cause__ is not None and not kerasbook_frames(error.value.__cause__)


def test_ipython_shows_a_few_lines_without_a_kerasbook_path(filtering):
    ultratb = pytest.importorskip("IPython.core.ultratb")
    try:
        compiled().fit(np.ones((4, 5)), np.ones((4, 2)), verbose=0)
    except ValueError:
        text = ultratb.VerboseTB(color_scheme="NoColor").text(*sys.exc_info())
    assert "expects input" in text and PACKAGE not in text and "kerasbook/models" not in text
    assert len(text.splitlines()) < 20


@pytest.mark.parametrize("value, enabled", [("0", False), ("1", True)])
def test_the_environment_variable_sets_the_default(value, enabled):
    code = "import kerasbook; print(kerasbook.config.is_traceback_filtering_enabled())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "KERASBOOK_TRACEBACK_FILTERING": value})
    assert result.stdout.strip() == str(enabled)
