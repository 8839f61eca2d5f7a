"""`LivePlot`: loss and metric curves redrawn in place while a model trains.

In Jupyter the picture is one display that is updated after every epoch
(``display(…, display_id=True)``, then ``handle.update(…)``): no flicker, and the
saved notebook keeps one static PNG of the final curves. The figure is a
matplotlib `Figure` of its own, never pyplot's current figure, so it is neither
shown twice nor mixed up with the user's plots. Every panel is there from the
start (the compiled loss and metrics are known before the first batch), and the
x axis spans the whole run, so nothing moves while the curves grow.
"""
import base64
import io
import math
import time
import warnings

from .callback import Callback
from .progbar import in_notebook


class LivePlot(Callback):
    """A panel per metric (loss, accuracy, per-output losses…) with training and `val_` curves.

    metrics: names to show (default: every metric in the logs);
    smoothing: add a per-batch training curve, smoothed by an exponential moving
        average with this weight in [0, 1) (0.9 is smooth, 0 is raw);
    figsize: (width, height) in inches; save_to: also write the final PNG there.
    Outside a notebook nothing is shown; `save_to` still writes the file after every epoch.
    In a notebook the progress bar keeps one line under the plot for the whole run.

    Example:
        model.fit(x, y, epochs=20, validation_split=0.2, callbacks=[LivePlot(smoothing=0.9)])
    """

    shows_every_epoch = True  # so the progress bar keeps one line under the plot (CallbackList)
    batch_redraw_interval = 2.0  # seconds between redraws inside an epoch (per-batch curve only)
    dpi = 80

    def __init__(self, metrics=None, smoothing=None, figsize=None, save_to=None):
        super().__init__()
        if smoothing is not None and not (isinstance(smoothing, (int, float)) and 0 <= smoothing < 1):
            raise ValueError(f"LivePlot smoothing must be a number in [0, 1) or None, received {smoothing!r}.")
        self.metrics = [metrics] if isinstance(metrics, str) else (list(metrics) if metrics is not None else None)
        if self.metrics is not None:
            self.metrics = [name[4:] if name.startswith("val_") else name for name in self.metrics]
        self.smoothing, self.figsize, self.save_to = smoothing, figsize, save_to
        self.figure = None
        self.handle = None
        self.expected = []

    # --- collecting ---------------------------------------------------------

    def on_train_begin(self, logs=None):
        self.notebook = in_notebook()
        self.epochs, self.values = [], {}  # values: log name -> one value per epoch
        self.expected = list(getattr(self.model, "metrics_names", None) or ["loss"])  # the panels to come
        self.batch_points = {}  # training metric -> [(fractional epoch, smoothed value)]
        self._previous_mean, self._smoothed = {}, {}
        self.handle, self.figure, self._warned = None, None, False
        self._last_draw = time.perf_counter()
        if self.notebook:
            self._draw()  # the empty panels now, so the plot sits above the progress line

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._previous_mean = {}

    def on_train_batch_end(self, batch, logs=None):
        if self.smoothing is None:
            return
        steps = max(self.params.get("steps") or 1, 1)
        for name, mean in (logs or {}).items():
            # The logs hold the epoch's running mean; recover this batch's own value from it.
            value = (batch + 1) * mean - batch * self._previous_mean.get(name, mean)
            self._previous_mean[name] = mean
            smoothed = self._smoothed.get(name, value)
            smoothed = self.smoothing * smoothed + (1 - self.smoothing) * value
            self._smoothed[name] = smoothed
            self.batch_points.setdefault(name, []).append((self._epoch + (batch + 1) / steps, smoothed))
        if self.notebook and time.perf_counter() - self._last_draw >= self.batch_redraw_interval:
            self._draw()

    def on_epoch_end(self, epoch, logs=None):
        self.epochs.append(epoch + 1)
        for name, value in (logs or {}).items():
            series = self.values.setdefault(name, [])
            series += [None] * (len(self.epochs) - 1 - len(series))  # a metric that appeared late
            series.append(float(value))
        self._warn_missing(logs or {})
        if self.notebook or self.save_to:
            self._draw()

    def on_train_end(self, logs=None):
        if self.epochs and (self.notebook or self.save_to):
            self._draw()
        self.handle = None  # the next fit starts a new display; self.figure stays for the user

    # --- drawing ------------------------------------------------------------

    def panels(self):
        """The metric names that get a panel, loss first, in the order the model or the logs list them."""
        names = []
        for name in [*self.expected, *self.values]:
            base = name[4:] if name.startswith("val_") else name
            if base not in names and (self.metrics is None or base in self.metrics):
                names.append(base)
        if self.metrics is not None:
            names.sort(key=self.metrics.index)
        return sorted(names, key=lambda name: name != "loss")

    def _warn_missing(self, logs):
        if self.metrics is None or self._warned:
            return
        self._warned = True
        available = sorted({name[4:] if name.startswith("val_") else name for name in logs})
        for name in self.metrics:
            if name not in available:
                warnings.warn(f"LivePlot: metric {name!r} is not in the logs; available metrics are: "
                              f"{', '.join(available)}.", stacklevel=2)

    def draw_figure(self):
        """Draw the curves so far on `self.figure` (made on first use) and return it."""
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
        panels = self.panels() or ["loss"]
        columns = min(len(panels), 3)
        rows = math.ceil(len(panels) / columns)
        size = self.figsize or (4.2 * columns, 3.0 * rows)
        if self.figure is None:
            self.figure = Figure(figsize=size, dpi=self.dpi, layout="constrained")
        self.figure.clear()
        self.figure.set_size_inches(size)  # a metric only a custom train_step logs adds a panel late
        first, last = self.x_limits()
        for index, name in enumerate(panels):
            axes = self.figure.add_subplot(rows, columns, index + 1)
            axes.set_xlim(first, last)
            if name in self.batch_points:
                xs, ys = zip(*self.batch_points[name])
                axes.plot(xs, ys, color="#1e88e5", alpha=0.35, linewidth=1, label="training (per batch)")
            for key, label, color in ((name, "training", "#1e88e5"), (f"val_{name}", "validation", "#fb8c00")):
                points = [(e, v) for e, v in zip(self.epochs, self.values.get(key, [])) if v is not None]
                if points:
                    xs, ys = zip(*points)
                    axes.plot(xs, ys, "o-", color=color, markersize=3, linewidth=1.5, label=label)
            axes.set_title(name, fontsize=10)
            axes.set_xlabel("epoch", fontsize=9)
            axes.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
            axes.tick_params(labelsize=8)
            axes.grid(alpha=0.3)
            if axes.get_legend_handles_labels()[0]:
                axes.legend(fontsize=8)
        return self.figure

    def x_limits(self):
        """The x axis for the whole run: epochs 1 to `epochs` (0 to `epochs` with the per-batch curve,
        whose first epoch lies between 0 and 1), with a small margin so the end dots are whole."""
        epochs = max(self.params.get("epochs") or 1, 1)
        first = 0 if self.smoothing is not None else 1
        margin = 0.5 if epochs == first else 0.03 * (epochs - first)
        return first - margin, epochs + margin

    def _draw(self):
        self._last_draw = time.perf_counter()
        figure = self.draw_figure()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=self.dpi)
        png = buffer.getvalue()
        if self.save_to:
            with open(self.save_to, "wb") as file:
                file.write(png)
        if self.notebook:
            self._show(png)

    def _show(self, png):
        from IPython.display import display
        bundle = {"image/png": base64.b64encode(png).decode("ascii"),
                  "text/plain": "<LivePlot: training curves>"}  # constant: the PNG is what changes
        if self.handle is None:
            self.handle = display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)
