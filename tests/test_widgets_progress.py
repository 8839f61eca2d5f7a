"""The progress line inside a (fake) Jupyter kernel: one display per epoch, updated in place."""
import numpy
import pytest

from kerasbook import Sequential
from kerasbook.backend import clear_session
from kerasbook.layers import Dense


class ZMQInteractiveShell:  # what in_notebook() looks for
    pass


class Recorder:
    def __init__(self):
        self.displays = []

    def __call__(self, bundle, raw=False, display_id=False):
        assert raw and display_id
        updates = [bundle]
        self.displays.append(updates)

        class Handle:
            def update(self, bundle, raw=False):
                assert raw
                updates.append(bundle)
        return Handle()


@pytest.fixture
def kernel(monkeypatch):
    import IPython
    recorder = Recorder()
    monkeypatch.setattr(IPython, "get_ipython", lambda: ZMQInteractiveShell())
    monkeypatch.setattr("IPython.display.display", recorder)
    return recorder


def test_fit_shows_one_updated_display_per_epoch(kernel, capsys):
    clear_session()
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile("sgd", "mse")
    x, y = numpy.ones((40, 3), "float32"), numpy.zeros((40, 1), "float32")
    model.fit(x, y, epochs=2, batch_size=8, verbose=1)
    assert capsys.readouterr().out == "Epoch 1/2\nEpoch 2/2\n"  # no carriage returns in a notebook
    assert len(kernel.displays) == 2
    for updates in kernel.displays:
        assert len(updates) >= 2  # shown, then updated in place
        final = updates[-1]["text/plain"]
        assert final.startswith("5/5 ━━━━━━━━━━━━━━━━━━━━ ") and " - loss: " in final
        assert "ETA" not in final and "\r" not in final


def test_evaluate_and_predict_in_a_notebook(kernel, capsys):
    clear_session()
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile("sgd", "mse")
    x, y = numpy.ones((10, 3), "float32"), numpy.zeros((10, 1), "float32")
    model.evaluate(x, y, batch_size=5, verbose=1)
    model.predict(x, batch_size=5, verbose=1)
    assert capsys.readouterr().out == ""
    assert [updates[-1]["text/plain"][:4] for updates in kernel.displays] == ["2/2 ", "2/2 "]
