"""`inspect(model, x)`: activations, weights and gradient norms per layer, and a static picture."""
import base64

import numpy
import pytest

import kerasbook.widgets
from kerasbook import Model
from kerasbook.backend import clear_session
from kerasbook.layers import Dense, Dropout, Flatten, Input, Reshape

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def model():
    clear_session()
    inputs = Input(shape=(16,), name="pixels")
    hidden = Dense(32, activation="relu", name="hidden")(inputs)
    maps = Reshape((4, 4, 2), name="maps")(hidden)
    outputs = Dense(3, activation="softmax", name="classes")(Dropout(0.5)(Flatten()(maps)))
    return Model(inputs, outputs)


@pytest.fixture
def data():
    rng = numpy.random.default_rng(0)
    return rng.random((40, 16)).astype("float32"), numpy.eye(3)[numpy.arange(40) % 3]


def test_activations_and_gradients_without_compile(model, data):
    x, _ = data
    inspector = kerasbook.widgets.inspect(model, x, samples=8)
    assert [a.shape for a in inspector.activations] == [(8, 16), (8, 32), (8, 4, 4, 2), (8, 32), (8, 32), (8, 3)]
    norms = dict(zip([layer.name for layer in inspector.layers], inspector.gradient_norms))
    assert norms["pixels"] is None and norms["maps"] is None
    assert norms["hidden"] > 0 and norms["classes"] > 0
    assert "mean of the outputs" in inspector.gradient_source and "not compiled" in inspector.gradient_source
    assert inspector.layers[inspector.index].name == "hidden"  # the first layer with weights
    # Dropout is off: the dropout layer's output equals its input.
    numpy.testing.assert_array_equal(inspector.activations[4], inspector.activations[3])


def test_compiled_loss_with_targets(model, data):
    x, y = data
    model.compile("sgd", "categorical_crossentropy")
    inspector = kerasbook.widgets.inspect(model, x, y)
    assert inspector.gradient_source == "the compiled loss on 16 samples"
    # The gradient of the output layer's bias under softmax + cross-entropy is mean(p - y) per class.
    probabilities = inspector.activations[-1]
    expected_bias = (probabilities - y[:16]).mean(axis=0)
    kernel_grad = inspector.activations[4].T @ (probabilities - y[:16]) / 16
    expected = numpy.sqrt((expected_bias ** 2).sum() + (kernel_grad ** 2).sum())
    assert inspector.gradient_norms[-1] == pytest.approx(expected, rel=1e-4)
    without_y = kerasbook.widgets.inspect(model, x)
    assert "pass y for the compiled loss" in without_y.gradient_source


def test_figures_for_every_kind_of_output(model, data):
    x, _ = data
    inspector = kerasbook.widgets.inspect(model, x)
    for index in range(len(inspector.layers)):
        assert inspector.png(index)[:8] == PNG
    maps = inspector.figure(2)
    assert sum(1 for axes in maps.axes if axes.images) == 2  # a picture per channel
    hidden = inspector.figure(1)
    assert "Weights of 'hidden'" in [axes.get_title() for axes in hidden.axes]


def test_widget_and_static_picture(model, data, monkeypatch):
    x, _ = data
    shown = []

    class Handle:
        def update(self, bundle, raw=False):
            shown.append(bundle)

    def fake_display(obj, raw=False, display_id=False):
        shown.append(obj)
        return Handle() if display_id else None

    monkeypatch.setattr("IPython.display.display", fake_display)
    inspector = kerasbook.widgets.inspect(model, x)
    inspector._ipython_display_()
    widget, picture = shown
    assert widget.children[0].value == 1 and "(None, 32)" in widget.children[1].value
    assert base64.b64decode(picture["image/png"])[:8] == PNG
    assert picture["text/plain"] == "<Inspector of 'functional': layer 'hidden'>"
    inspector.dropdown.value = 2  # what a user picking 'maps' does
    assert shown[-1]["text/plain"] == "<Inspector of 'functional': layer 'maps'>"
    assert "maps (Reshape)" in widget.children[1].value and "(None, 4, 4, 2)" in widget.children[1].value
