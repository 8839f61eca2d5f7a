"""compile, fit, evaluate and predict: the training loop every model shares.

One training step: run the model forward on a batch while a `GradientTape`
records, add up the losses of its outputs (each output's weighted by its loss
weight, each sample's by its sample weight), take the gradients of that total
with respect to the trainable weights, and let the optimizer move the weights.
Everything about the data is checked before the first step.
"""
import numpy

from .. import optimizers
from ..runtime.array_module import to_device, to_numpy
from ..callbacks import CallbackList, History, LivePlot, ProgbarLogger
from ..metrics import Mean
from ..ops import GradientTape, Tensor
from . import compile_utils, data_adapter, sample_weights
from .interrupts import deferred_interrupt

_COMPILE_EXTRAS = ("run_eagerly", "jit_compile", "steps_per_execution", "weighted_metrics", "auto_scale_loss")


class Trainer:
    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self.history = None

    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, **kwargs):
        """Choose how the model learns: optimizer, loss per output, loss weights, metrics."""
        unknown = [key for key in kwargs if key not in _COMPILE_EXTRAS]
        if unknown:
            raise TypeError(f"compile() got unexpected keyword argument(s) {unknown}.")
        self._before_training()
        self.optimizer = optimizers.get(optimizer)
        self.loss_functions = compile_utils.resolve_losses(loss, self.output_names)
        self.loss_weights = compile_utils.resolve_loss_weights(loss_weights, self.output_names)
        self._metric_identifiers = compile_utils.metric_identifiers(metrics, self.output_names)
        self._metrics = None  # built from the first data: 'accuracy' depends on the targets' shape
        self.compiled = True

    # --- data --------------------------------------------------------------

    def _before_training(self):
        """Hook for models that are built from their first data (a Sequential without input shape)."""

    def _prepare_inputs(self, x):
        arrays = data_adapter.to_arrays(x, self._data_input_names(x), self.name, "input")
        self._build_from_data(arrays)
        arrays = data_adapter.cast_inputs(arrays, self.inputs)
        data_adapter.check_input_shapes(self, arrays)
        return arrays

    def _data_input_names(self, x):
        return self.input_names

    def _build_from_data(self, arrays):
        """Hook: a deferred Sequential builds itself from the first data it sees."""

    def _prepare(self, x, y, sample_weight=None, class_weight=None):
        """Inputs, targets and sample weights (one array or None per output), all checked."""
        self._require_compiled()
        xs = self._prepare_inputs(x)
        if y is None:
            raise ValueError(f"Model '{self.name}' needs targets `y` to train or evaluate.")
        ys = data_adapter.to_arrays(y, self.output_names, self.name, "target")
        data_adapter.check_cardinality(xs, ys)
        data_adapter.check_targets(self, ys, self.loss_functions)
        ys = data_adapter.cast_targets(ys, self.loss_functions, self)
        if self._metrics is None:
            self._build_metrics(ys)
        ws = sample_weights.resolve(sample_weight, class_weight, ys, self.output_names, self.name)
        return xs, ys, ws

    def _build_metrics(self, ys):
        output_shapes = [tensor.shape for tensor in self.outputs]
        built = compile_utils.build_metrics(self._metric_identifiers, self.output_names,
                                            [y.shape for y in ys], output_shapes)
        self._metrics = [(Mean(name), index, fn) for name, index, fn in built]
        self._loss_trackers = [Mean("loss")]
        if len(self.outputs) > 1:
            self._loss_trackers += [Mean(f"{name}_loss") for name in self.output_names]

    def _require_compiled(self):
        if not self.compiled:
            raise RuntimeError(f"You must compile model '{self.name}' before training or evaluating it: "
                               f"model.compile(optimizer='rmsprop', loss='mse').")

    @property
    def metrics_names(self):
        trackers = getattr(self, "_loss_trackers", None) or [Mean("loss")]
        return [t.name for t in trackers] + [m.name for m, _, _ in (self._metrics or [])]

    # --- one step ---------------------------------------------------------

    def _forward(self, xs, training):
        outputs = self([Tensor(to_device(a)) for a in xs] if len(xs) > 1 else Tensor(to_device(xs[0])),
                       training=training)
        return list(outputs.values()) if isinstance(outputs, dict) else (
            list(outputs) if isinstance(outputs, list) else [outputs])

    def _loss(self, ys, outputs, ws=None):
        total, parts = None, []
        for fn, weight, y, output, sample_weight in zip(self.loss_functions, self.loss_weights, ys, outputs,
                                                        ws or [None] * len(ys)):
            if fn is None:
                parts.append(None)
                continue
            losses = fn(_target(y), output)  # one per sample (per step, for sequences)
            if sample_weight is not None:
                losses = losses * _target(sample_weight.reshape((-1,) + (1,) * (len(losses.shape) - 1)))
            value = losses.mean() * weight
            parts.append(value)
            total = value if total is None else total + value
        return total, parts

    def _update_metrics(self, ys, outputs, total, parts):
        batch = len(ys[0])
        self._loss_trackers[0].update_state(float(total.data), batch)
        for tracker, part in zip(self._loss_trackers[1:], parts):
            if part is not None:
                tracker.update_state(float(part.data), batch)
        for tracker, index, fn in self._metrics:
            tracker.update_state(fn(_target(ys[index]), Tensor(outputs[index].data)))

    def _train_step(self, xs, ys, ws):
        ys = [_target(y) for y in ys]  # each target goes to the device once, for the loss and the metrics
        variables = self.trainable_weights
        with GradientTape() as tape:
            outputs = self._forward(xs, training=True)
            total, parts = self._loss(ys, outputs, ws)
        grads = tape.gradient(total, variables)
        with deferred_interrupt():
            self.optimizer.apply(grads, variables)
        self._update_metrics(ys, outputs, total, parts)

    def _test_step(self, xs, ys, ws):
        ys = [_target(y) for y in ys]
        outputs = self._forward(xs, training=False)
        total, parts = self._loss(ys, outputs, ws)
        self._update_metrics(ys, outputs, total, parts)

    def _results(self, prefix=""):
        trackers = self._loss_trackers + [tracker for tracker, _, _ in self._metrics]
        return {prefix + tracker.name: tracker.result() for tracker in trackers}

    def _reset_metrics(self):
        for tracker in self._loss_trackers + [tracker for tracker, _, _ in self._metrics]:
            tracker.reset_state()

    # --- the loops ----------------------------------------------------------

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, initial_epoch=0,
            class_weight=None, sample_weight=None, validation_batch_size=None, live=False):
        """Train for `epochs` passes over the data; returns a `History`.

        ``live=True`` adds a `LivePlot`: the loss and metric curves redrawn each epoch.
        `sample_weight` (an array, or one per output) or `class_weight` (a dict
        {class: weight}) make some samples count more in the loss.
        """
        xs, ys, ws = self._prepare(x, y, sample_weight, class_weight)
        if validation_data is not None:
            validation = self._prepare(*_unpack_validation(validation_data))
        elif validation_split:
            (xs, ys, ws), validation = data_adapter.split_validation((xs, ys, ws), validation_split)
        else:
            validation = None
        batch_size = batch_size or 32
        steps = -(-len(xs[0]) // batch_size)
        self.history = History()
        verbose = 1 if verbose == "auto" else verbose
        callbacks = list(callbacks or []) + ([LivePlot()] if live else [])
        callback_list = CallbackList([ProgbarLogger(verbose)] + callbacks + [self.history], self,
                                     {"epochs": epochs, "steps": steps, "verbose": verbose, "batch_size": batch_size})
        self.stop_training = False
        callback_list.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            self._reset_metrics()
            callback_list.on_epoch_begin(epoch)
            for step, index in enumerate(data_adapter.batch_indices(len(xs[0]), batch_size, shuffle)):
                callback_list.on_train_batch_begin(step)
                self._train_step(*data_adapter.take_rows((xs, ys, ws), index))
                callback_list.on_train_batch_end(step, self._results())
                if self.stop_training:
                    break
            logs = self._results()
            if validation is not None:
                logs.update(self._evaluate_arrays(*validation, validation_batch_size or batch_size, None, "val_"))
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        callback_list.on_train_end()
        return self.history

    def _evaluate_arrays(self, xs, ys, ws, batch_size, callback_list, prefix=""):
        self._reset_metrics()
        for step, index in enumerate(data_adapter.batch_indices(len(xs[0]), batch_size, False)):
            if callback_list:
                callback_list.on_test_batch_begin(step)
            self._test_step(*data_adapter.take_rows((xs, ys, ws), index))
            if callback_list:
                callback_list.on_test_batch_end(step, self._results())
        results = self._results(prefix)
        self._reset_metrics()
        return results

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, callbacks=None,
                 return_dict=False):
        """The loss (and metrics) on the data, averaged over samples.

        Returns a scalar when there is only the loss, else a list in `metrics_names`
        order, or a dict with ``return_dict=True``.
        """
        xs, ys, ws = self._prepare(x, y, sample_weight)
        batch_size = batch_size or 32
        verbose = 1 if verbose == "auto" else verbose
        callback_list = CallbackList([ProgbarLogger(verbose)] + list(callbacks or []), self,
                                     {"steps": -(-len(xs[0]) // batch_size), "verbose": verbose})
        callback_list.on_test_begin()
        logs = self._evaluate_arrays(xs, ys, ws, batch_size, callback_list)
        callback_list.on_test_end(logs)
        return _format_results(logs, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", callbacks=None):
        """The model's outputs for `x`, as NumPy arrays (a list for several outputs)."""
        xs = self._prepare_inputs(x)
        batch_size = batch_size or 32
        verbose = 1 if verbose == "auto" else verbose
        callback_list = CallbackList([ProgbarLogger(verbose)] + list(callbacks or []), self,
                                     {"steps": -(-len(xs[0]) // batch_size), "verbose": verbose})
        callback_list.on_predict_begin()
        batches = []
        for step, index in enumerate(data_adapter.batch_indices(len(xs[0]), batch_size, False)):
            callback_list.on_predict_batch_begin(step)
            batches.append([to_numpy(output.data) for output in self._forward([a[index] for a in xs], False)])
            callback_list.on_predict_batch_end(step)
        callback_list.on_predict_end()
        outputs = [numpy.concatenate(parts) for parts in zip(*batches)]
        return outputs[0] if len(outputs) == 1 else outputs

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One optimizer step on exactly this batch; returns its loss (and metrics)."""
        xs, ys, ws = self._prepare(x, y, sample_weight, class_weight)
        self._reset_metrics()
        self._train_step(xs, ys, ws)
        return _format_results(self._results(), return_dict)

    def test_on_batch(self, x, y, sample_weight=None, return_dict=False):
        xs, ys, ws = self._prepare(x, y, sample_weight)
        self._reset_metrics()
        self._test_step(xs, ys, ws)
        return _format_results(self._results(), return_dict)

    def predict_on_batch(self, x):
        outputs = [to_numpy(output.data) for output in self._forward(self._prepare_inputs(x), False)]
        return outputs[0] if len(outputs) == 1 else outputs


def _target(y):
    """A batch of targets as a tensor on the device (host arrays are moved there)."""
    return y if isinstance(y, Tensor) else Tensor(to_device(y))


def _unpack_validation(data):
    if not isinstance(data, (list, tuple)) or len(data) not in (2, 3):
        raise ValueError("validation_data must be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight).")
    return data


def _format_results(logs, return_dict):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
