"""compile, fit, evaluate and predict: the training loop every model shares.

`fit` checks all the data first, cuts it into batches and hands each batch to
`train_step`, Keras 3's public training step: run the model forward while a
`GradientTape` records, `compute_loss` adds up the outputs' losses, the tape
gives the gradients, the optimizer moves the weights, and `compute_metrics`
updates the metrics. Override `train_step` (or `test_step`, `predict_step`) to
change what `fit` (`evaluate`, `predict`) does with each batch; the loop around
it — callbacks, the progress bar, the live plot, validation — stays.

Nothing a user passes can leave a model half-changed: `compile` checks every
argument before it installs any, and the loops check their arguments and all
the data (shapes, counts, NaNs, embedding indices) before the first step.
"""
import itertools
import math

import numpy

from .. import optimizers
from ..callbacks import CallbackList, History, LivePlot, ProgbarLogger
from ..engine.keras_tensor import flatten
from ..layers.core.embedding import Embedding
from ..metrics import Mean, MeanMetricWrapper
from ..ops import GradientTape, Tensor
from ..runtime.array_module import to_device, to_numpy
from ..runtime.traceback_filtering import filter_traceback
from . import compile_utils, data_adapter, generator_adapter, sample_weights
from .data_adapter import pack_x_y_sample_weight, unpack_x_y_sample_weight

_COMPILE_EXTRAS = ("run_eagerly", "jit_compile", "steps_per_execution", "weighted_metrics", "auto_scale_loss")


class Trainer:
    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self.history = None
        self._loss_tracker = Mean("loss")
        self._output_loss_trackers = []
        self._compiled_metrics = []  # (metric, output index), built from the first data
        self._added_metric_trackers = {}  # name -> Mean of what `add_metric` reports

    @filter_traceback
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, **kwargs):
        """Choose how the model learns: optimizer, loss per output, loss weights, metrics.

        `loss` may be left out when `train_step` is overridden to compute its own.
        Everything is checked before anything is installed, so a compile that
        fails leaves the previous one in force.
        """
        unknown = [key for key in kwargs if key not in _COMPILE_EXTRAS]
        if unknown:
            raise TypeError(f"compile() got unexpected keyword argument(s) {unknown}.")
        new_optimizer = optimizers.get(optimizer)
        loss_functions = compile_utils.resolve_losses(loss, self.output_names)
        weights = compile_utils.resolve_loss_weights(loss_weights, self.output_names)
        metric_identifiers = compile_utils.metric_identifiers(metrics, self.output_names)
        compile_utils.check_metric_identifiers(metric_identifiers)
        self.optimizer, self.loss_functions, self.loss_weights = new_optimizer, loss_functions, weights
        self._metric_identifiers = metric_identifiers
        self._output_loss_trackers = ([Mean(f"{name}_loss") for name in self.output_names]
                                      if len(self.output_names) > 1 else [])
        self._compiled_metrics = None  # built from the first data: 'accuracy' depends on the targets' shape
        self.compiled = True

    # --- the steps: override these to change what fit, evaluate and predict do ---

    def train_step(self, data):
        """One optimizer step on one batch; returns the logs: ``{'loss': …, metric name: …}``.

        `data` is the batch `fit` cut: ``(x, y)``, or ``(x, y, sample_weight)``
        when there are sample weights; `x`, `y` are tensors (lists of them for
        several inputs or outputs).
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
        self._loss_tracker.update_state(float(loss.data), _batch_size(x))
        variables = self.trainable_weights
        gradients = tape.gradient(loss, variables)
        self.optimizer.apply(gradients, variables)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """The loss and metrics of one batch, without training; returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(float(loss.data), _batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's outputs for one batch."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The scalar to minimise: each output's mean loss times its loss weight, summed.

        Each sample's loss is first multiplied by its sample weight. With several
        outputs, each output's loss is also tracked as '<output>_loss', before its
        loss weight, as Keras 3 reports it. Then the model's `losses` are added:
        `add_loss`'s terms and the regularizers' penalties, as Keras 3 adds them.
        """
        penalties = self.losses
        if not any(self.loss_functions) and not penalties:
            raise ValueError(f"Model '{self.name}' has no loss to compute: give compile() a loss, e.g. "
                             f"model.compile(optimizer='rmsprop', loss='mse'), or compute one in your train_step.")
        targets, outputs = _as_list(y), _as_list(y_pred)
        weights = _as_list(sample_weight) if sample_weight is not None else [None] * len(targets)
        trackers = self._output_loss_trackers or [None] * len(targets)
        total = None
        for fn, loss_weight, target, output, weight, tracker in zip(
                self.loss_functions, self.loss_weights, targets, outputs, weights, trackers):
            if fn is None:
                continue
            losses = fn(target, output)  # one per sample (per step, for sequences)
            if weight is not None:
                losses = losses * weight.reshape((-1,) + (1,) * (len(losses.shape) - 1))
            value = losses.mean()
            if tracker is not None:
                tracker.update_state(float(value.data), len(target))
            total = value * loss_weight if total is None else total + value * loss_weight
        for penalty in penalties:
            total = penalty if total is None else total + penalty
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with one batch; returns every metric's result so far."""
        targets, outputs = _as_list(y), _as_list(y_pred)
        for metric, index in self._compiled_metrics or []:
            metric.update_state(targets[index], Tensor(outputs[index].data))
        for name, value in self._added_metrics():
            if name not in self._added_metric_trackers:
                self._added_metric_trackers[name] = Mean(name)
            self._added_metric_trackers[name].update_state(float(to_numpy(getattr(value, "data", value))),
                                                           _batch_size(x))
        return self.get_metrics_result()

    def get_metrics_result(self):
        """``{name: result}`` for every metric in `metrics`."""
        return {metric.name: metric.result() for metric in self.metrics}

    @property
    def metrics(self):
        """The loss trackers, compiled metrics and `add_metric`'s: what `fit` resets each epoch and reports."""
        return ([self._loss_tracker] + self._output_loss_trackers
                + [metric for metric, _ in self._compiled_metrics or []]
                + list(self._added_metric_trackers.values()))

    @property
    def metrics_names(self):
        return [metric.name for metric in self.metrics]

    def reset_metrics(self):
        for metric in self.metrics:
            metric.reset_state()

    # --- data --------------------------------------------------------------

    def _prepare_inputs(self, x):
        """The inputs as host arrays, one per model input, cast and checked against the model."""
        return self._checked_inputs(self._input_arrays(x))

    def _input_arrays(self, x):
        return data_adapter.to_arrays(x, self._data_input_names(x), self.name, "input")

    def _checked_inputs(self, arrays):
        """Cast and check host arrays against the model (a deferred Sequential first builds from them)."""
        self._build_from_data(arrays)
        arrays = data_adapter.cast_inputs(arrays, [tensor.dtype for tensor in self.inputs], self.input_names)
        data_adapter.check_input_shapes(arrays, [tensor.shape for tensor in self.inputs], self.input_names,
                                        [self._first_reader(tensor) for tensor in self.inputs], self.name)
        data_adapter.check_indices(arrays, [self._embedding_tables(tensor) for tensor in self.inputs],
                                   self.input_names)
        self.compute_output_shape(_batchless_shapes(arrays))
        return arrays

    def _data_input_names(self, x):
        return self.input_names

    def _build_from_data(self, arrays):
        """Hook: a deferred Sequential builds itself from the first data it sees."""

    def _first_reader(self, symbolic):
        """"'dense' (Dense)": the first layer that reads the input `symbolic`, for error messages."""
        for node in self._nodes:
            if any(tensor is symbolic for tensor in node.input_tensors):
                return f"'{node.layer.name}' ({type(node.layer).__name__})"
        return None

    def _embedding_tables(self, symbolic):
        """(name, input_dim) of each Embedding that reads the input `symbolic`."""
        return [(node.layer.name, node.layer.input_dim) for node in self._nodes
                if isinstance(node.layer, Embedding) and any(tensor is symbolic for tensor in node.input_tensors)]

    def _prepare(self, x, y, sample_weight=None, class_weight=None, role=""):
        """Inputs, targets and sample weights (one array or None per output), all checked.

        `role` ('validation ') says in messages which data is meant.
        """
        self._require_compiled()
        if y is None and any(self.loss_functions):
            raise ValueError(f"Model '{self.name}' needs targets `y` to train or evaluate.")
        if y is None:
            return self._prepare_without_targets(x, role)
        xs = self._input_arrays(x)
        ys = data_adapter.to_arrays(y, self.output_names, self.name, "target")
        data_adapter.check_cardinality(xs, ys)
        data_adapter.check_not_empty(xs, self.name, role)
        data_adapter.check_finite(xs, self._data_input_names(x), self.name, role + "input")
        data_adapter.check_finite(ys, self.output_names, self.name, role + "target")
        xs = self._checked_inputs(xs)
        output_shapes = [tensor.shape for tensor in self.outputs]
        data_adapter.check_targets(ys, output_shapes, self.output_names, self.loss_functions)
        ys = data_adapter.cast_targets(ys, self.loss_functions, output_shapes)
        if self._compiled_metrics is None:
            self._build_metrics(ys)
        ws = sample_weights.resolve(sample_weight, class_weight, ys, self.output_names, self.name)
        return xs, ys, ws

    def _prepare_without_targets(self, x, role=""):
        """Inputs alone, for a model whose loss comes from `add_loss` (``fit(x)``, ``validation_data=(x, None)``)."""
        xs = self._input_arrays(x)
        data_adapter.check_cardinality(xs)
        data_adapter.check_not_empty(xs, self.name, role)
        data_adapter.check_finite(xs, self._data_input_names(x), self.name, role + "input")
        nothing = [None] * len(self.outputs)
        return self._checked_inputs(xs), nothing, nothing

    def _build_metrics(self, ys):
        output_shapes = [tensor.shape for tensor in self.outputs]
        built = compile_utils.build_metrics(self._metric_identifiers, self.output_names,
                                            [y.shape for y in ys], output_shapes)
        self._compiled_metrics = [(fn if isinstance(fn, Mean) else MeanMetricWrapper(fn, name), index)
                                  for name, index, fn in built]

    def _require_compiled(self):
        if not self.compiled:
            raise RuntimeError(f"You must compile model '{self.name}' before training or evaluating it: "
                               f"model.compile(optimizer='rmsprop', loss='mse').")

    def _batch(self, xs, ys=None, ws=None):
        """One batch of host arrays as the tensors a step receives: ``(x, y)`` or ``(x, y, sample_weight)``."""
        x = _on_device(xs)
        y = None if ys is None else _on_device(ys)
        weighted = ws is not None and any(w is not None for w in ws)
        return pack_x_y_sample_weight(x, y, _on_device(ws) if weighted else None)

    # --- the loops ----------------------------------------------------------

    @filter_traceback
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None, sample_weight=None,
            initial_epoch=0, steps_per_epoch=None, validation_steps=None, validation_batch_size=None, live=False):
        """Train for `epochs` passes over the data; returns a `History`.

        ``live=True`` adds a `LivePlot`: the loss and metric curves redrawn each epoch.
        `sample_weight` (an array, or one per output) or `class_weight` (a dict
        {class: weight}) make some samples count more in the loss.
        `steps_per_epoch` makes an epoch that many batches instead of one pass:
        the data cycles, each epoch going on where the last one stopped.
        `x` may be a generator or a `Sequence` of batches ``(x, y)`` or
        ``(x, y, sample_weight)``; a generator needs `steps_per_epoch`.
        `validation_data` may be one too, read for `validation_steps` batches.
        """
        batch_size = _batch_size_argument(batch_size)
        epochs = data_adapter.check_count(epochs, "epochs", minimum=0)
        initial_epoch = data_adapter.check_count(initial_epoch, "initial_epoch", minimum=0)
        if initial_epoch > epochs:
            raise ValueError(f"`initial_epoch` ({initial_epoch}) is past `epochs` ({epochs}): `epochs` is the "
                             f"number of the last epoch, not how many more to run.")
        if steps_per_epoch is not None:
            steps_per_epoch = data_adapter.check_count(steps_per_epoch, "steps_per_epoch")
        validation_batch_size = _batch_size_argument(validation_batch_size, batch_size, "validation_batch_size")
        if validation_steps is not None:
            validation_steps = data_adapter.check_count(validation_steps, "validation_steps")
        if generator_adapter.is_batch_source(x):
            _refuse_beside_a_generator(y=y, sample_weight=sample_weight, validation_split=validation_split)
            source = generator_adapter.BatchSource(x, steps_per_epoch, "steps_per_epoch", shuffle)
            if source.steps is None:
                raise ValueError("fit() with a generator needs `steps_per_epoch`, the number of batches in an "
                                 "epoch: a generator has no length, and may never end.")
            steps = source.steps
            epoch_batches = lambda: self._source_batches(source, class_weight)  # noqa: E731
        else:
            source = None
            xs, ys, ws = self._prepare(x, y, sample_weight, class_weight)
            if validation_split and validation_data is None:
                (xs, ys, ws), validation_arrays = data_adapter.split_validation((xs, ys, ws), validation_split)
            steps = steps_per_epoch or _steps(xs, batch_size)
            stream = data_adapter.batch_stream(len(xs[0]), batch_size, shuffle)
            epoch_batches = lambda: (self._batch(*data_adapter.take_rows((xs, ys, ws), next(stream)))  # noqa: E731
                                     for _ in range(steps))
        if validation_data is not None and generator_adapter.is_batch_source(validation_data):
            validation_source = generator_adapter.BatchSource(validation_data, validation_steps, "validation_steps")
            validation = lambda: self._source_batches(validation_source)  # noqa: E731
        elif validation_data is not None or (validation_split and source is None):
            if validation_data is not None:
                validation_arrays = self._prepare(*_unpack_validation(validation_data), role="validation ")
            validation = lambda: itertools.islice(  # noqa: E731
                self._array_batches(*validation_arrays, validation_batch_size), validation_steps)
        else:
            validation = None
        self.history = History()
        verbose = 1 if verbose == "auto" else verbose
        callbacks = list(callbacks or []) + ([LivePlot()] if live else [])
        callback_list = CallbackList([ProgbarLogger(verbose)] + callbacks + [self.history], self,
                                     {"epochs": epochs, "steps": steps, "verbose": verbose, "batch_size": batch_size})
        self.stop_training = False
        callback_list.on_train_begin()
        resumed_at, self._initial_epoch = getattr(self, "_initial_epoch", None), None  # set by BackupAndRestore
        for epoch in range(resumed_at or initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            logs, step = {}, -1
            for step, batch in enumerate(epoch_batches()):
                callback_list.on_train_batch_begin(step)
                logs = self.train_step(batch)
                callback_list.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if source is not None:
                source.end_epoch()
                if step + 1 < steps and not self.stop_training:  # the generator ran out: Keras 3 stops here
                    self.stop_training = True
                    if step < 0:
                        break
            logs = dict(logs)
            if validation is not None:
                logs.update(self._evaluate_batches(validation(), None, "val_"))
            try:
                callback_list.on_epoch_end(epoch, logs)
            finally:  # a callback that fails (or Ctrl-C) after the epoch's steps: the epoch still happened
                if epoch not in self.history.epoch:
                    self.history.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        callback_list.on_train_end()
        return self.history

    def _array_batches(self, xs, ys, ws, batch_size):
        """One pass over checked arrays, in order, as the batches a step receives."""
        for rows in data_adapter.batch_indices(len(xs[0]), batch_size, False):
            yield self._batch(*data_adapter.take_rows((xs, ys, ws), rows))

    def _source_batches(self, source, class_weight=None):
        """One epoch of a generator or Sequence, each batch checked as arrays are (errors name the batch)."""
        prepare = lambda batch: self._prepare(*unpack_x_y_sample_weight(batch), class_weight)  # noqa: E731
        for index, batch in source.epoch():
            yield self._batch(*generator_adapter.checked(prepare, index, batch))

    def _evaluate_batches(self, batches, callback_list, prefix=""):
        self.reset_metrics()
        logs = None
        for step, batch in enumerate(batches):
            if callback_list:
                callback_list.on_test_batch_begin(step)
            logs = self.test_step(batch)
            if callback_list:
                callback_list.on_test_batch_end(step, logs)
        self.reset_metrics()
        if logs is None:
            raise ValueError(f"Model '{self.name}' received no batches to evaluate: the generator was empty or "
                             f"already used up (pass `steps`/`validation_steps`, or a generator that loops).")
        return {prefix + name: value for name, value in logs.items()}

    @filter_traceback
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict=False):
        """The loss (and metrics) on the data, averaged over samples.

        Returns a scalar when there is only the loss, else a list in `metrics_names`
        order, or a dict with ``return_dict=True``. `x` may be a generator or a
        `Sequence`; `steps` batches are read (by default all of them).
        """
        batch_size = _batch_size_argument(batch_size)
        if steps is not None:
            steps = data_adapter.check_count(steps, "steps")
        if generator_adapter.is_batch_source(x):
            _refuse_beside_a_generator(y=y, sample_weight=sample_weight)
            source = generator_adapter.BatchSource(x, steps, "steps")
            batches, steps = _counted(self._source_batches(source), source.steps)
        else:
            xs, ys, ws = self._prepare(x, y, sample_weight)
            batches = itertools.islice(self._array_batches(xs, ys, ws, batch_size), steps)
            steps = min(steps or math.inf, _steps(xs, batch_size))
        verbose = 1 if verbose == "auto" else verbose
        callback_list = CallbackList([ProgbarLogger(verbose)] + list(callbacks or []), self,
                                     {"steps": steps, "verbose": verbose})
        callback_list.on_test_begin()
        logs = self._evaluate_batches(batches, callback_list)
        callback_list.on_test_end(logs)
        return _format_results(logs, return_dict)

    @filter_traceback
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for `x`, as NumPy arrays (a list for several outputs).

        For no samples each output is an empty array, of shape ``(0, …)``. `x` may
        be a generator or a `Sequence` of input batches (an ``(x, y)`` batch's
        `y` is ignored); `steps` batches are read (by default all of them).
        """
        batch_size = _batch_size_argument(batch_size)
        if steps is not None:
            steps = data_adapter.check_count(steps, "steps")
        if generator_adapter.is_batch_source(x):
            source = generator_adapter.BatchSource(x, steps, "steps")
            prepare = lambda batch: self._prepare_inputs(unpack_x_y_sample_weight(batch)[0])  # noqa: E731
            inputs, steps = _counted((self._batch(generator_adapter.checked(prepare, index, batch))
                                      for index, batch in source.epoch()), source.steps)
            if not steps:
                raise ValueError(f"Model '{self.name}' received no batches to predict: the generator was empty "
                                 f"or already used up.")
        else:
            xs = self._prepare_inputs(x)
            if not len(xs[0]):
                return self._empty_outputs(xs)
            inputs = itertools.islice((self._batch([a[rows] for a in xs])
                                       for rows in data_adapter.batch_indices(len(xs[0]), batch_size, False)), steps)
            steps = min(steps or math.inf, _steps(xs, batch_size))
        verbose = 1 if verbose == "auto" else verbose
        callback_list = CallbackList([ProgbarLogger(verbose)] + list(callbacks or []), self,
                                     {"steps": steps, "verbose": verbose})
        callback_list.on_predict_begin()
        batches = []
        for step, batch in enumerate(inputs):
            callback_list.on_predict_batch_begin(step)
            outputs = self.predict_step(batch)
            batches.append([to_numpy(output.data) for output in _as_list(outputs)])
            callback_list.on_predict_batch_end(step)
        callback_list.on_predict_end()
        outputs = [numpy.concatenate(parts) for parts in zip(*batches)]
        return outputs[0] if len(outputs) == 1 else outputs

    def _empty_outputs(self, xs):
        shapes = self.compute_output_shape(_batchless_shapes(xs))
        shapes = shapes if isinstance(shapes, list) else [shapes]
        outputs = [numpy.zeros((0,) + tuple(size or 0 for size in shape[1:]), dtype=tensor.dtype)
                   for shape, tensor in zip(shapes, self.outputs)]
        return outputs[0] if len(outputs) == 1 else outputs

    @filter_traceback
    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict=False):
        """One optimizer step on exactly this batch; returns its loss (and metrics)."""
        xs, ys, ws = self._prepare(x, y, sample_weight, class_weight)
        self.reset_metrics()
        return _format_results(self.train_step(self._batch(xs, ys, ws)), return_dict)

    @filter_traceback
    def test_on_batch(self, x, y, sample_weight=None, return_dict=False):
        xs, ys, ws = self._prepare(x, y, sample_weight)
        self.reset_metrics()
        return _format_results(self.test_step(self._batch(xs, ys, ws)), return_dict)

    @filter_traceback
    def predict_on_batch(self, x):
        outputs = self.predict_step(self._batch(self._prepare_inputs(x)))
        outputs = [to_numpy(output.data) for output in _as_list(outputs)]
        return outputs[0] if len(outputs) == 1 else outputs

    # --- Keras 2's names for the generator loops: `fit` & co. take generators themselves now ---

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1, callbacks=None,
                      validation_data=None, validation_steps=None, class_weight=None, max_queue_size=10,
                      workers=1, use_multiprocessing=False, shuffle=True, initial_epoch=0):
        """Keras 2's `fit_generator`: `fit` on a generator or a Sequence (Keras 3 removed the name)."""
        _note_parallel_loading("fit_generator", max_queue_size, workers, use_multiprocessing)
        return self.fit(generator, steps_per_epoch=steps_per_epoch, epochs=epochs, verbose=verbose,
                        callbacks=callbacks, validation_data=validation_data, validation_steps=validation_steps,
                        class_weight=class_weight, shuffle=shuffle, initial_epoch=initial_epoch)

    def evaluate_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0):
        """Keras 2's `evaluate_generator`: `evaluate` on a generator or a Sequence."""
        _note_parallel_loading("evaluate_generator", max_queue_size, workers, use_multiprocessing)
        return self.evaluate(generator, steps=steps, callbacks=callbacks, verbose=verbose)

    def predict_generator(self, generator, steps=None, callbacks=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0):
        """Keras 2's `predict_generator`: `predict` on a generator or a Sequence."""
        _note_parallel_loading("predict_generator", max_queue_size, workers, use_multiprocessing)
        return self.predict(generator, steps=steps, callbacks=callbacks, verbose=verbose)


def _on_device(arrays):
    """Host arrays as tensors on the device: one tensor for one array, else a list (None stays None)."""
    tensors = [None if array is None else Tensor(to_device(array)) for array in arrays]
    return tensors[0] if len(tensors) == 1 else tensors


def _as_list(structure):
    """A step's tensors as a list in output order (a model's dict outputs keep their order)."""
    if isinstance(structure, dict):
        return list(structure.values())
    return list(structure) if isinstance(structure, (list, tuple)) else [structure]


def _batch_size(x):
    return len(flatten(x)[0])


def _steps(xs, batch_size):
    return math.ceil(len(xs[0]) / batch_size)


def _batch_size_argument(value, default=32, argument="batch_size"):
    return default if value is None else data_adapter.check_count(value, argument)


def _batchless_shapes(arrays):
    """The data's shapes with the batch axis unknown, as `compute_output_shape` takes them."""
    shapes = [(None,) + array.shape[1:] for array in arrays]
    return shapes if len(shapes) > 1 else shapes[0]


def _unpack_validation(data):
    if not isinstance(data, (list, tuple)) or len(data) not in (2, 3):
        raise ValueError("validation_data must be a tuple (x_val, y_val) or (x_val, y_val, val_sample_weight).")
    return data


def _note_parallel_loading(method, max_queue_size, workers, use_multiprocessing):
    generator_adapter.note_ignored([("max_queue_size", max_queue_size, 10), ("workers", workers, 1),
                                    ("use_multiprocessing", use_multiprocessing, False)], method)


def _refuse_beside_a_generator(**arguments):
    given = [name for name, value in arguments.items()
             if value is not None and not (name == "validation_split" and not value)]
    if given:
        raise ValueError(f"{', '.join(f'`{name}`' for name in given)} cannot be given when `x` is a generator or a "
                         f"Sequence: its batches carry the targets and sample weights, and it cannot be split.")


def _counted(batches, steps):
    """The batches and how many there are: a generator without `steps` is read to its end first."""
    if steps is not None:
        return batches, steps
    batches = list(batches)
    return batches, len(batches)


def _format_results(logs, return_dict):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
