"""`LivePlot`: one display updated in place per epoch, a final PNG, nothing harmful outside Jupyter;
every panel and the whole x axis from the start; one progress line under the plot."""
import base64
import warnings

import numpy
import pytest

import kerasbook
from kerasbook import Sequential
from kerasbook.backend import clear_session, set_random_seed
from kerasbook.callbacks import Callback, LivePlot
from kerasbook.callbacks import live_plot as live_plot_module
from kerasbook.layers import Dense, Input

PNG = b"\x89PNG\r\n\x1a\n"


class FakeHandle:
    def __init__(self, bundle):
        self.bundles = [bundle]

    def update(self, bundle, raw=False):
        assert raw
        self.bundles.append(bundle)


class FakeDisplay:
    def __init__(self):
        self.handles = []

    def __call__(self, bundle, raw=False, display_id=False):
        assert raw and display_id
        handle = FakeHandle(bundle)
        self.handles.append(handle)
        return handle


@pytest.fixture
def notebook(monkeypatch):
    fake = FakeDisplay()
    monkeypatch.setattr(live_plot_module, "in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", fake)
    return fake


@pytest.fixture
def data():
    clear_session()
    set_random_seed(0)
    rng = numpy.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x[:, :1] > 0).astype("float32")
    model = Sequential([Dense(8, activation="relu", input_shape=(4,)), Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    return model, x, y


def test_one_display_updated_every_epoch(notebook, data):
    model, x, y = data
    plot = LivePlot()
    model.fit(x, y, epochs=4, batch_size=16, validation_split=0.25, verbose=0, callbacks=[plot])
    assert len(notebook.handles) == 1
    bundles = notebook.handles[0].bundles
    assert len(bundles) == 1 + 4 + 1  # empty at train begin, one per epoch, the final state at train end
    final = base64.b64decode(bundles[-1]["image/png"])
    assert final[:8] == PNG
    # the text stays the same from the first display on, so a saved notebook compares equal
    assert {bundle["text/plain"] for bundle in bundles} == {"<LivePlot: training curves>"}
    assert plot.panels() == ["loss", "accuracy"]
    titles = [axes.get_title() for axes in plot.figure.axes]
    assert titles == ["loss", "accuracy"]
    assert tuple(plot.figure.get_size_inches()) == (8.4, 3.0)
    labels = [line.get_label() for line in plot.figure.axes[0].get_lines()]
    assert labels == ["training", "validation"]
    assert len(plot.figure.axes[0].get_lines()[0].get_xdata()) == 4


def test_per_batch_smoothed_curve(notebook, data):
    model, x, y = data
    plot = LivePlot(metrics=["loss"], smoothing=0.5)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[plot])
    assert plot.panels() == ["loss"]
    lines = plot.figure.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["training (per batch)", "training"]
    assert list(lines[0].get_xdata()) == [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]


def test_batch_values_recovered_from_running_means():
    plot = LivePlot(smoothing=0.0)
    plot.set_params({"steps": 3, "epochs": 1})
    plot.on_train_begin()
    plot.notebook = False
    plot.on_epoch_begin(0)
    for batch, mean in enumerate([3.0, 2.0, 2.0]):  # batch values 3, 1, 2
        plot.on_train_batch_end(batch, {"loss": mean})
    assert [round(v, 6) for _, v in plot.batch_points["loss"]] == [3.0, 1.0, 2.0]


def test_outside_a_notebook_saves_only_when_asked(tmp_path, data, monkeypatch):
    monkeypatch.setattr(live_plot_module, "in_notebook", lambda: False)
    model, x, y = data
    quiet = LivePlot()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[quiet])
    assert quiet.figure is None  # nothing drawn, nothing shown
    target = tmp_path / "curves.png"
    model.fit(x, y, epochs=2, verbose=0, callbacks=[LivePlot(save_to=str(target))])
    assert target.read_bytes()[:8] == PNG


def test_pyplot_untouched(notebook, data):
    import matplotlib.pyplot as plt
    model, x, y = data
    before = plt.get_fignums()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[LivePlot()])
    assert plt.get_fignums() == before


def test_multi_output_panels(notebook):
    clear_session()
    inputs = Input(shape=(3,))
    model = kerasbook.Model(inputs, [Dense(1, name="a")(inputs), Dense(1, name="b")(inputs)])
    model.compile("sgd", "mse")
    x = numpy.ones((8, 3), "float32")
    plot = LivePlot()
    model.fit(x, [numpy.ones((8, 1)), numpy.zeros((8, 1))], epochs=1, verbose=0, callbacks=[plot])
    assert plot.panels() == ["loss", "a_loss", "b_loss"]


def test_unknown_metric_warns_and_bad_smoothing_raises(notebook, data):
    model, x, y = data
    with pytest.warns(UserWarning, match="'mae' is not in the logs"):
        model.fit(x, y, epochs=1, verbose=0, callbacks=[LivePlot(metrics=["loss", "mae"])])
    with pytest.raises(ValueError, match="smoothing"):
        LivePlot(smoothing=1.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(x, y, epochs=1, verbose=0, callbacks=[LivePlot(metrics="val_loss")])


class Snapshots(Callback):
    """Records the live plot's panels, size and x axes after its own hooks (it comes after it in the list)."""

    def __init__(self, plot):
        super().__init__()
        self.plot, self.seen = plot, []

    def snapshot(self, when):
        figure = self.plot.figure
        self.seen.append((when, [axes.get_title() for axes in figure.axes], tuple(figure.get_size_inches()),
                          [axes.get_xlim() for axes in figure.axes],
                          [list(axes.get_xticks()) for axes in figure.axes]))

    def on_train_begin(self, logs=None):
        self.snapshot("begin")

    def on_epoch_end(self, epoch, logs=None):
        self.snapshot(epoch + 1)


def test_every_panel_is_there_before_the_first_epoch_ends(notebook, data):
    model, x, y = data
    plot = LivePlot()
    snapshots = Snapshots(plot)
    model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0, callbacks=[plot, snapshots])
    for when, titles, size, _, _ in snapshots.seen:
        assert titles == ["loss", "accuracy"], when
        assert size == (8.4, 3.0), when


def test_every_output_has_its_panel_from_the_start(notebook):
    clear_session()
    inputs = Input(shape=(3,))
    model = kerasbook.Model(inputs, [Dense(1, name="a")(inputs), Dense(1, activation="sigmoid", name="b")(inputs)])
    model.compile("sgd", ["mse", "binary_crossentropy"], metrics=[[], ["accuracy"]])
    plot = LivePlot()
    snapshots = Snapshots(plot)
    x = numpy.ones((8, 3), "float32")
    model.fit(x, [numpy.ones((8, 1)), numpy.zeros((8, 1))], epochs=1, verbose=0, callbacks=[plot, snapshots])
    assert snapshots.seen[0][1] == ["loss", "a_loss", "b_loss", "b_accuracy"]


def visible_ticks(limits, ticks):
    return [tick for tick in ticks if limits[0] <= tick <= limits[1]]


@pytest.mark.parametrize("smoothing, first", [(None, 1), (0.5, 0)])
def test_x_axis_spans_the_whole_run_with_whole_epochs(notebook, data, smoothing, first):
    model, x, y = data
    plot = LivePlot(smoothing=smoothing)
    snapshots = Snapshots(plot)
    model.fit(x, y, epochs=5, batch_size=16, verbose=0, callbacks=[plot, snapshots])
    for when, _, _, limits, ticks in snapshots.seen:
        for (low, high), panel_ticks in zip(limits, ticks):
            assert first - 0.5 < low <= first and 5 <= high < 5.5, (when, low, high)  # not 0.945…1.050
            shown = visible_ticks((low, high), panel_ticks)
            assert shown and all(float(tick).is_integer() for tick in shown), (when, shown)


def test_one_epoch_run_has_one_whole_tick(notebook, data):
    model, x, y = data
    plot = LivePlot()
    model.fit(x, y, epochs=1, verbose=0, callbacks=[plot])
    axes = plot.figure.axes[0]
    assert visible_ticks(axes.get_xlim(), axes.get_xticks()) == [1.0]


class ZMQInteractiveShell:  # what in_notebook() looks for
    pass


@pytest.fixture
def kernel(monkeypatch):
    """A fake Jupyter kernel for the progress bar and the plot alike."""
    import IPython
    fake = FakeDisplay()
    monkeypatch.setattr(IPython, "get_ipython", lambda: ZMQInteractiveShell())
    monkeypatch.setattr("IPython.display.display", fake)
    return fake


@pytest.mark.parametrize("verbose", [1, 2])
def test_one_output_area_the_plot_and_one_progress_line(kernel, data, capsys, verbose):
    model, x, y = data
    model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=verbose, callbacks=[LivePlot()])
    assert capsys.readouterr().out == ""  # no 'Epoch n/N' lines printed beside the plot
    plot, progress = kernel.handles  # the plot first, then one progress line: nothing per epoch
    assert {bundle["text/plain"] for bundle in plot.bundles} == {"<LivePlot: training curves>"}
    final = progress.bundles[-1]["text/plain"]
    assert final.startswith("Epoch 3/3 3/3 ") and " - loss: " in final and "ETA" not in final
    assert len(progress.bundles) >= 3  # updated in place each epoch


def test_without_a_live_plot_each_epoch_keeps_its_line(kernel, data, capsys):
    model, x, y = data
    model.fit(x, y, epochs=2, batch_size=16, verbose=2)
    assert capsys.readouterr().out == "Epoch 1/2\nEpoch 2/2\n"
    assert len(kernel.handles) == 2
