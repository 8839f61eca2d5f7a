"""`inspect(model, x)`: pick a layer, see its weights, its activations and every layer's gradient.

The picture is a plain PNG display, updated in place when the dropdown changes,
so a saved notebook still shows the last layer looked at even where widgets
cannot be rendered (the dropdown itself needs a live kernel).
"""
import base64
import io
import math

import numpy

from ..runtime.array_module import to_device, to_numpy
from ..engine.input_layer import InputLayer
from ..models.summary import layer_rows
from ..ops import GradientTape, Tensor
from ..ops import math as ops
from ..ops.indexed_slices import to_dense

MAX_CHANNELS = 16


def inspect(model, x, y=None, samples=16):
    """A layer picker showing output shape, weight histogram, activations and gradient norms.

    `x` (and optionally `y`) is data the model accepts; the first `samples` rows are used.
    With `y` and a compiled model the gradients are those of the compiled loss; otherwise of
    the mean of the outputs. Dropout and other training-only behaviour is off.

    Example:
        kerasbook.widgets.inspect(model, x_test[:16], y_test[:16])
    """
    return Inspector(model, x, y, samples)


class Inspector:
    def __init__(self, model, x, y=None, samples=16):
        self.model = model
        xs = model._prepare_inputs(_head(x, samples))
        ys = None
        if y is not None and model.compiled:
            xs, ys, _ = model._prepare(_head(x, samples), _head(y, samples))
        self.layers = list(model.layers)
        self.rows = layer_rows(model)
        self.activations, self.gradient_norms = self._run(xs, ys)
        if ys is not None:
            self.gradient_source = f"the compiled loss on {len(xs[0])} samples"
        else:
            why = "pass y for the compiled loss" if model.compiled else "the model is not compiled"
            self.gradient_source = f"the mean of the outputs on {len(xs[0])} samples ({why})"
        with_weights = [i for i, layer in enumerate(self.layers) if layer.weights]
        self.index = with_weights[0] if with_weights else 0
        self.handle = None
        self.dropdown = self.info = None

    # --- numbers ------------------------------------------------------------

    def _run(self, xs, ys):
        """Every layer's output (first call in the model) and the gradient norm of its trainable weights."""
        model = self.model
        variables = [w for layer in self.layers for w in layer.trainable_weights]
        with GradientTape() as tape:
            values = model.run_graph([Tensor(to_device(array)) for array in xs], training=False)
            outputs = [values[id(symbolic)] for symbolic in model.outputs]
            if ys is not None:
                target = model.compute_loss(y=[Tensor(to_device(y)) for y in ys], y_pred=outputs)
            else:
                target = ops.mean(outputs[0])
                for output in outputs[1:]:
                    target = target + ops.mean(output)
        grads = tape.gradient(target, variables) if variables else []
        grad_of = {id(w): g for w, g in zip(variables, grads)}
        activations, norms = [], []
        for layer in self.layers:
            node = next(node for node in model._nodes if node.layer is layer)
            activations.append(to_numpy(values[id(node.output_tensors[0])].data))
            squares = [float((to_numpy(to_dense(grad_of[id(w)])) ** 2).sum()) for w in layer.trainable_weights
                       if grad_of.get(id(w)) is not None]
            norms.append(float(numpy.sqrt(sum(squares))) if squares else None)
        return activations, norms

    # --- pictures -----------------------------------------------------------

    def figure(self, index=None):
        """A matplotlib Figure for layer `index`: weights, gradient norms, activations."""
        from matplotlib.figure import Figure
        index = self.index if index is None else index
        layer = self.layers[index]
        figure = Figure(figsize=(10, 6.4), dpi=80, layout="constrained")
        top, bottom = figure.subfigures(2, 1, height_ratios=[1, 1.15])
        weights_axes, gradient_axes = top.subplots(1, 2)
        self._draw_weights(weights_axes, layer)
        self._draw_gradients(gradient_axes, index)
        self._draw_activations(bottom, layer, self.activations[index])
        return figure

    def _draw_weights(self, axes, layer):
        axes.set_title(f"Weights of '{layer.name}'", fontsize=10)
        weights = layer.weights
        if not weights:
            axes.text(0.5, 0.5, "no weights", ha="center", va="center", transform=axes.transAxes, color="#757575")
            axes.set_axis_off()
            return
        for weight in weights:
            values = weight.numpy().ravel()
            axes.hist(values, bins=40, alpha=0.6, label=f"{weight.path.split('/')[-1]} {tuple(weight.shape)}")
        axes.legend(fontsize=8)
        axes.tick_params(labelsize=8)

    def _draw_gradients(self, axes, index):
        axes.set_title(f"Gradient norm per layer, of {self.gradient_source}", fontsize=9)
        names = [layer.name for layer in self.layers]
        norms = [norm or 0.0 for norm in self.gradient_norms]
        colors = ["#fb8c00" if i == index else "#90caf9" for i in range(len(names))]
        axes.barh(range(len(names)), norms, color=colors)
        axes.set_yticks(range(len(names)), names, fontsize=7)
        axes.invert_yaxis()
        axes.tick_params(axis="x", labelsize=8)

    def _draw_activations(self, subfigure, layer, activation):
        shape = activation.shape
        what = {4: f"sample 0, channels 0-{min(shape[-1], MAX_CHANNELS) - 1}", 3: "sample 0"}.get(
            activation.ndim, "one row per sample")
        subfigure.suptitle(f"Output of '{layer.name}', shape {shape}: {what}", fontsize=10)
        if activation.ndim == 4:  # (samples, height, width, channels): a grid of channel images
            channels = min(shape[-1], MAX_CHANNELS)
            columns = min(channels, 8)
            grid = subfigure.subplots(math.ceil(channels / columns), columns, squeeze=False)
            for c, axes in enumerate(grid.flat):
                axes.set_axis_off()
                if c < channels:
                    axes.imshow(activation[0, :, :, c], cmap="viridis")
                    axes.set_title(f"channel {c}", fontsize=7)
            return
        axes = subfigure.subplots()
        if activation.ndim == 3:  # (samples, steps, features): the first sample as steps × features
            image, ylabel, xlabel = activation[0], "step", "feature"
        elif activation.ndim == 2:  # (samples, units): one row per sample
            image, ylabel, xlabel = activation, "sample", "unit"
        else:
            image, ylabel, xlabel = activation.reshape(len(activation), -1), "sample", "value"
        shown = axes.imshow(image, aspect="auto", cmap="viridis", interpolation="nearest")
        axes.set_ylabel(ylabel, fontsize=8)
        axes.set_xlabel(xlabel, fontsize=8)
        axes.tick_params(labelsize=8)
        subfigure.colorbar(shown, ax=axes)

    def png(self, index=None):
        buffer = io.BytesIO()
        self.figure(index).savefig(buffer, format="png")
        return buffer.getvalue()

    def _bundle(self):
        return {"image/png": base64.b64encode(self.png()).decode("ascii"),
                "text/plain": f"<Inspector of '{self.model.name}': layer '{self.layers[self.index].name}'>"}

    # --- the widget ---------------------------------------------------------

    def widget(self):
        """The controls: a layer dropdown and a line about the chosen layer."""
        import ipywidgets
        if self.dropdown is None:
            options = [(row[0], i) for i, row in enumerate(self.rows)]
            self.dropdown = ipywidgets.Dropdown(options=options, value=self.index, description="Layer",
                                                layout=ipywidgets.Layout(width="420px"))
            self.info = ipywidgets.HTML(self._info_html())
            self.dropdown.observe(self._on_select, names="value")
        return ipywidgets.VBox([self.dropdown, self.info])

    def _info_html(self):
        name, shape, params, _ = self.rows[self.index]
        kind = "input" if isinstance(self.layers[self.index], InputLayer) else f"{params:,} parameters"
        return f"<b>{name}</b>: output shape <code>{shape}</code>, {kind}"

    def select(self, index):
        """Show layer `index` (what choosing it in the dropdown does)."""
        self.index = index
        if self.info is not None:
            self.info.value = self._info_html()
        if self.handle is not None:
            self.handle.update(self._bundle(), raw=True)

    def _on_select(self, change):
        self.select(change["new"])

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget())
        self.handle = display(self._bundle(), raw=True, display_id=True)

    def __repr__(self):
        return f"<Inspector of '{self.model.name}': layer '{self.layers[self.index].name}'>"


def _head(data, count):
    """The first `count` samples of an array, a list of arrays or a dict of arrays."""
    if isinstance(data, dict):
        return {key: value[:count] for key, value in data.items()}
    if isinstance(data, (list, tuple)) and data and hasattr(data[0], "shape"):
        return [value[:count] for value in data]
    return data[:count]
