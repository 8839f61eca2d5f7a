"""The `Layer`: weights, plus a computation that runs eagerly or builds a graph.

A layer creates its weights lazily in `build(input_shape)` the first time it
sees an input, so a user never has to say how big the input is more than once.
Called on arrays or tensors it computes (`call`); called on symbolic
`KerasTensor`s it only infers shapes (`compute_output_shape`) and records a
`Node`, which is how functional models are drawn up before any data exists.
A layer that does not write `compute_output_shape` (most subclassed layers)
has its `call` run on placeholder arrays instead, as Keras 3's
`compute_output_spec` does; that run also builds the sub-layers it calls.
"""
import functools
import inspect

import numpy

from .. import constraints, initializers, regularizers
from ..config import floatx
from ..runtime.naming import snake_case, unique_name
from ..saving.serialization_lib import constructor_arguments, dtype_policy
from ..runtime.traceback_filtering import filter_traceback
from ..ops.tensor import Tensor, Variable, as_tensor
from .input_spec import check_input_compatibility
from .keras_tensor import KerasTensor, flatten, is_symbolic, map_structure
from .node import Node
from .output_inference import infer_output


class Layer:
    def __init__(self, name=None, trainable=True, dtype=None, input_shape=None, input_dim=None,
                 batch_size=None, batch_input_shape=None, activity_regularizer=None, **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected keyword argument(s) "
                            f"{', '.join(map(repr, sorted(kwargs)))}.")
        object.__setattr__(self, "_sublayers", [])
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.trainable = trainable
        self.dtype = dtype or floatx()
        self.built = False
        self.input_spec = None
        self.inbound_nodes = []
        self._own_weights = []
        self._build_input_shape = None
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self._losses = []  # this layer's activity penalties (and `add_loss`'s) from the last call
        self._metric_values = []  # (name, scalar tensor) pairs `add_metric` reported in the last call
        self._batch_input_shape = _batch_input_shape(input_shape, input_dim, batch_size, batch_input_shape)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._call_takes_training = "training" in inspect.signature(cls.call).parameters
        if "__init__" in cls.__dict__:
            cls.__init__ = filter_traceback(_taking_numpy_integers(cls.__dict__["__init__"]))

    def __setattr__(self, name, value):
        if isinstance(value, Layer) and value is not self and value not in self._sublayers:
            self._sublayers.append(value)
        object.__setattr__(self, name, value)

    # --- what subclasses write -------------------------------------------------

    def build(self, input_shape):
        """Create the weights, now that the input shape is known."""

    def call(self, inputs):
        """The computation, on `ops.Tensor`s (or a list of them)."""
        return inputs

    def compute_output_shape(self, input_shape):
        """The output shape for an input shape (``None`` marks an unknown size).

        Not overridden, it runs `call` on placeholder arrays of that shape and
        reads the shape of what comes out (Keras 3's `compute_output_spec`).
        """
        return self._run_on_placeholders(input_shape)

    def get_config(self):
        """The arguments that rebuild this layer (not its weights), as Keras 3 writes them."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": dtype_policy(self.dtype)}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        """A new layer from `get_config`'s dict, or from Keras's (its options kerasbook lacks must be off)."""
        config = dict(config)
        if isinstance(config.get("dtype"), dict):  # Keras's DTypePolicy
            config["dtype"] = config["dtype"]["config"]["name"]
        return cls(**constructor_arguments(cls, config))

    def get_build_config(self):
        """The input shape the layer was built for, so a loaded layer can make its weights before they load."""
        if self.built and self._build_input_shape is not None:
            return {"input_shape": self._build_input_shape}
        return None

    def build_from_config(self, config):
        self._check_and_build(_as_shapes(config["input_shape"]))

    # --- calling ---------------------------------------------------------------

    @filter_traceback
    def __call__(self, inputs, training=None, **kwargs):
        if is_symbolic(inputs):
            return self._call_symbolic(inputs, kwargs)
        inputs = map_structure(_to_tensor, inputs)
        self._check_and_build(map_structure(lambda t: tuple(t.shape), inputs))
        if training is None:
            training = _CallContext.training()
        if self._call_takes_training:
            kwargs["training"] = bool(training)
        with _CallContext(self, training):
            outputs = self.call(inputs, **kwargs)
            if self.activity_regularizer is not None:
                self._add_activity_losses(outputs)
        return outputs

    def _call_symbolic(self, inputs, kwargs):
        input_shapes = map_structure(lambda t: t.shape, inputs)
        self._check_and_build(input_shapes)
        if type(self).compute_output_shape is Layer.compute_output_shape:
            dtypes = [tensor.dtype for tensor in flatten(inputs)]
            output_shapes = self._run_on_placeholders(input_shapes, dtypes, kwargs)
        else:
            output_shapes = self.compute_output_shape(input_shapes)
        if isinstance(output_shapes, list):
            outputs = [KerasTensor(shape, self.output_dtype, name=self.name) for shape in output_shapes]
        else:
            outputs = KerasTensor(output_shapes, self.output_dtype, name=self.name)
        Node(self, inputs, outputs, kwargs)
        return outputs

    def _run_on_placeholders(self, input_shapes, dtypes=None, kwargs=None):
        """The output shape(s) of `call` run on arrays of ones, in inference mode; the run leaves no losses."""
        kwargs = {key: value for key, value in (kwargs or {}).items() if not is_symbolic(value)}
        if self._call_takes_training:
            kwargs["training"] = False

        def call(inputs):
            with _CallContext(self, training=False):
                return self.call(inputs, **kwargs)

        try:
            shapes, _ = infer_output(call, _as_list_of_shapes(input_shapes), dtypes,
                                     f"{type(self).__name__} '{self.name}'")
        finally:
            for layer in self._all_layers():
                layer._losses.clear()
                layer._metric_values.clear()
        return shapes

    @property
    def output_dtype(self):
        return self.dtype

    def _check_and_build(self, input_shapes):
        specs = self.input_spec if isinstance(self.input_spec, list) else [self.input_spec]
        shapes = input_shapes if isinstance(input_shapes, list) else [input_shapes]
        check_input_compatibility(self, specs, shapes)
        if not self.built:
            self.build(input_shapes)
            self.built = True
            self._build_input_shape = input_shapes

    # --- weights ---------------------------------------------------------------

    def add_weight(self, name, shape, initializer="glorot_uniform", trainable=True, dtype=None, regularizer=None,
                   constraint=None):
        """Create a weight, initialise it, and keep it in creation order (Keras's order).

        `regularizer` puts its penalty of the weight into `losses`; the optimizer
        applies `constraint` after each update.
        """
        values = initializers.get(initializer)(tuple(shape), dtype or self.dtype)
        variable = Variable(values, name=name, trainable=trainable, dtype=dtype or self.dtype,
                            regularizer=regularizers.get(regularizer), constraint=constraints.get(constraint))
        variable.path = f"{self.name}/{name}"
        self._own_weights.append(variable)
        return variable

    def _layers_with_weights(self):
        return self._sublayers

    # --- losses: the regularization penalties ----------------------------------

    def add_loss(self, loss):
        """From `call`: add a scalar tensor to the losses that training adds to the model's loss.

        Example:
            def call(self, inputs):
                self.add_loss(1e-3 * ops.sum(ops.square(inputs)))
                return inputs
        """
        self._losses.append(loss)

    def add_metric(self, value, name=None, aggregation="mean"):
        """From `call`: report a scalar under `name` in `fit`'s logs, averaged over the epoch (Keras 2's).

        Example:
            self.add_metric(kl_loss, name='kl_loss')    # logs gain 'kl_loss' (and 'val_kl_loss')
        """
        if not name:
            raise ValueError(f"Layer '{self.name}': add_metric needs a `name`, the key the logs show it under.")
        if aggregation not in ("mean", None):
            raise ValueError(f"Layer '{self.name}': add_metric averages its values (aggregation='mean'); "
                             f"received aggregation={aggregation!r}.")
        self._metric_values.append((name, value))

    def _added_metrics(self):
        """``[(name, scalar tensor)]``: what `add_metric` reported in the last call, here and in every sub-layer."""
        return [pair for layer in self._all_layers() for pair in layer._metric_values]

    @property
    def losses(self):
        """The penalties training adds to the loss (Keras 3's `losses`), as scalar tensors.

        The activity penalties (and `add_loss`'s) of this layer and every
        sub-layer from the last call, then each trainable weight's regularizer
        penalty of the weight as it is now, computed afresh at each read.
        """
        losses = [loss for layer in self._all_layers() for loss in layer._losses]
        return losses + [w.regularizer(w) for w in self.trainable_weights if w.regularizer is not None]

    def _add_activity_losses(self, outputs):
        """Keras 3: each output's activity penalty, divided by the batch size, joins the losses."""
        for output in flatten(outputs):
            if isinstance(output, Tensor):
                loss = self.activity_regularizer(output)
                if output.ndim > 0 and output.shape[0] > 0:
                    loss = loss / output.shape[0]
                self.add_loss(loss)

    def _all_layers(self):
        """This layer and its sub-layers at every depth, each once."""
        found, stack = {}, [self]
        while stack:
            layer = stack.pop()
            if id(layer) not in found:
                found[id(layer)] = layer
                stack.extend(reversed(layer._layers_with_weights()))
        return list(found.values())

    @property
    def weights(self):
        """Own weights (trainable first), then each sub-layer's in turn, each weight once: Keras 3's order."""
        own = [w for w in self._own_weights if w.trainable] + [w for w in self._own_weights if not w.trainable]
        return _unique(own + [w for layer in self._layers_with_weights() for w in layer.weights])

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        own = [w for w in self._own_weights if w.trainable]
        return _unique(own + [w for layer in self._layers_with_weights() for w in layer.trainable_weights])

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return _unique(self._own_weights + [w for layer in self._layers_with_weights() for w in layer.weights])
        own = [w for w in self._own_weights if not w.trainable]
        return _unique(own + [w for layer in self._layers_with_weights() for w in layer.non_trainable_weights])

    # Keras 3 calls weights variables; both names are in its tutorials.
    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    def get_weights(self):
        """The weights as NumPy arrays, in Keras's order."""
        return [w.numpy() for w in self.weights]

    def set_weights(self, weights):
        """Load NumPy arrays into the weights; every shape is checked before any is written."""
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(f"Layer '{self.name}' expects {len(own)} weight arrays, received {len(weights)}.")
        for variable, value in zip(own, weights):
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(f"Layer '{self.name}': weight '{variable.path}' has shape {tuple(variable.shape)}, "
                                 f"received an array of shape {tuple(value.shape)}.")
        for variable, value in zip(own, weights):
            variable.assign(value)

    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                             f"built. Call it on an input, or give its first layer an `input_shape`.")
        return sum(int(w.data.size) for w in self.weights)

    # --- nodes: where this layer sits in graphs -------------------------------

    def _node_attribute(self, attribute, node_index, read):
        if not self.inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called and thus has no defined {attribute}.")
        if node_index >= len(self.inbound_nodes):
            raise ValueError(f"Asked to get {attribute} at node {node_index}, but layer '{self.name}' has only "
                             f"{len(self.inbound_nodes)} inbound node(s).")
        return read(self.inbound_nodes[node_index])

    def _only_node_attribute(self, attribute, read):
        if len(self.inbound_nodes) > 1:
            values = {repr(read(node)) for node in self.inbound_nodes}
            if attribute in ("output", "input") or len(values) > 1:
                raise AttributeError(
                    f'Layer {self.name} has multiple inbound nodes, hence the notion of "layer {attribute}" is '
                    f"ill-defined. Use `get_{attribute.replace(' ', '_')}_at(node_index)` instead.")
        return self._node_attribute(attribute, 0, read)

    @property
    def input(self):
        return self._only_node_attribute("input", _node_inputs)

    @property
    def output(self):
        return self._only_node_attribute("output", lambda node: node.outputs)

    @property
    def input_shape(self):
        return self._only_node_attribute("input shape", lambda node: node.input_shapes)

    @property
    def output_shape(self):
        return self._only_node_attribute("output shape", lambda node: node.output_shapes)

    def get_input_at(self, node_index):
        return self._node_attribute("input", node_index, _node_inputs)

    def get_output_at(self, node_index):
        return self._node_attribute("output", node_index, lambda node: node.outputs)

    def get_input_shape_at(self, node_index):
        return self._node_attribute("input shape", node_index, lambda node: node.input_shapes)

    def get_output_shape_at(self, node_index):
        return self._node_attribute("output shape", node_index, lambda node: node.output_shapes)

    @property
    def type_name(self):
        """The type that summaries and graphs show: the class name."""
        return type(self).__name__

    def __repr__(self):
        return f"<{self.type_name} name={self.name}, built={self.built}>"


def _node_inputs(node):
    return node.inputs


class _CallContext:
    """Keras 3's call context: the outermost layer call clears the losses; `training` reaches inner calls.

    A model's call clears every layer's activity losses once; the layers it
    calls, and a layer called twice within it, then add to them. A layer called
    inside another's `call` without a `training` argument gets the outer
    call's, so a subclassed layer whose `call` takes no `training` still has
    its Dropout drop during `fit`.
    """

    _open = []  # (layer, training) of each call that is running, outermost first

    def __init__(self, layer, training=None):
        self.layer, self.training_flag = layer, training

    @classmethod
    def training(cls):
        """The `training` of the innermost running call that has one, else None."""
        for _, training in reversed(cls._open):
            if training is not None:
                return training
        return None

    def __enter__(self):
        if not self._open:
            for layer in self.layer._all_layers():
                layer._losses.clear()
                layer._metric_values.clear()
        self._open.append((self.layer, self.training_flag))

    def __exit__(self, *error):
        self._open.pop()


def _taking_numpy_integers(init):
    """`init` with NumPy integers among its arguments made Python ints: tutorials compute sizes with NumPy."""
    @functools.wraps(init)
    def init_taking_numpy_integers(self, *args, **kwargs):
        return init(self, *map(_python_int, args), **{key: _python_int(value) for key, value in kwargs.items()})
    return init_taking_numpy_integers


def _python_int(value):
    """A NumPy integer as an int, inside a tuple or list too (``Conv2D(numpy.int32(8), (3, 3))``)."""
    if isinstance(value, numpy.integer):
        return int(value)
    if isinstance(value, (tuple, list)) and any(isinstance(item, numpy.integer) for item in value):
        return type(value)(_python_int(item) for item in value)
    return value


def _unique(variables):
    seen, unique = set(), []
    for variable in variables:
        if id(variable) not in seen:
            seen.add(id(variable))
            unique.append(variable)
    return unique


def _to_tensor(value):
    return value if isinstance(value, Tensor) else as_tensor(value)


def _as_list_of_shapes(shapes):
    """A tuple of shapes (a layer called on a tuple of tensors) as a list, which marks several inputs."""
    if isinstance(shapes, tuple) and shapes and all(isinstance(item, tuple) for item in shapes):
        return list(shapes)
    return shapes


def _as_shapes(shape):
    """A JSON shape back as a tuple, or a list of shapes back as a list of tuples."""
    if any(isinstance(item, (list, tuple)) for item in shape):
        return [tuple(item) for item in shape]
    return tuple(shape)


def _batch_input_shape(input_shape, input_dim, batch_size, batch_input_shape):
    """The Keras-2 ways a first layer names its input: input_shape, input_dim, batch_size."""
    if batch_input_shape is not None:
        return tuple(batch_input_shape)
    if input_shape is None and input_dim is not None:
        input_shape = (input_dim,)
    if input_shape is None:
        return None
    if isinstance(input_shape, int):
        input_shape = (input_shape,)
    return (batch_size,) + tuple(input_shape)
