"""`Model(inputs, outputs)`: a graph of layer calls that is itself a layer.

Because a model is a layer, it can be called on new inputs (reusing its
weights), wrapped in `TimeDistributed`, or nested in a bigger model.
"""
import json

from ..engine.graph import map_graph
from ..engine.input_layer import InputLayer
from ..engine.input_spec import shapes_compatible
from ..engine.keras_tensor import KerasTensor, flatten, is_symbolic, map_structure
from ..engine.layer import Layer
from ..runtime.naming import unique_name
from .. import saving
from .compile_config import compile_from_config, get_compile_config
from .functional_config import functional_config, functional_from_config
from ..runtime.traceback_filtering import filter_traceback
from . import weights_file
from .summary import print_summary
from .summary_html import summary_html
from .trainer import Trainer


class Model(Trainer, Layer):
    """Group layers into an object with training and inference features.

    Example:
        inputs = Input(shape=(64,))
        x = Dense(32, activation='relu')(inputs)
        outputs = Dense(10, activation='softmax')(x)
        model = Model(inputs=inputs, outputs=outputs)
    """

    _graph_losses = ()  # scalar KerasTensors given to add_loss: computed with the outputs at every call
    _graph_metrics = ()  # (name, KerasTensor) pairs given to add_metric

    @property
    def type_name(self):
        # Keras 3 makes `Model(inputs, outputs)` an instance of its class Functional.
        return "Functional" if type(self) is Model else type(self).__name__

    @filter_traceback
    def __init__(self, inputs=None, outputs=None, name=None, trainable=True):
        Layer.__init__(self, name=name or unique_name("functional"), trainable=trainable)
        Trainer.__init__(self)
        if inputs is None or outputs is None:
            raise ValueError("Model needs `inputs` and `outputs`: Model(inputs=input_tensor, outputs=output_tensor).")
        self._init_graph(inputs, outputs)

    def _init_graph(self, inputs, outputs):
        for role, structure in (("inputs", inputs), ("outputs", outputs)):
            for tensor in flatten(structure):
                if not isinstance(tensor, KerasTensor):
                    raise TypeError(f"Model {role} must be symbolic tensors from `Input()` or layer calls; "
                                    f"received {type(tensor).__name__}.")
        nodes, layers = map_graph(flatten(inputs), flatten(outputs))
        _check_unique_names(layers)
        self._input_structure, self._output_structure = inputs, outputs
        self.inputs, self.outputs = flatten(inputs), flatten(outputs)
        self._nodes, self._layers = nodes, layers
        self._sublayers = [layer for layer in self._layers if layer is not self]
        self._loss_nodes = self._nodes
        if self._graph_losses or self._graph_metrics:
            self._map_loss_nodes()
        self.built = True

    # --- the graph as the user sees it -----------------------------------------

    @property
    def layers(self):
        return list(self._layers)

    @property
    def input_names(self):
        return [tensor.history[0].name for tensor in self.inputs]

    @property
    def output_names(self):
        if isinstance(self._output_structure, dict):
            return list(self._output_structure)
        return [tensor.history[0].name for tensor in self.outputs]

    @property
    def input(self):
        return self._input_structure

    @property
    def output(self):
        return self._output_structure

    @property
    def input_shape(self):
        shapes = [tensor.shape for tensor in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [tensor.shape for tensor in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @filter_traceback
    def get_layer(self, name=None, index=None):
        """A layer by name (or by position in `model.layers`)."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name!r}. Existing layers are: {[layer.name for layer in self.layers]}.")

    @filter_traceback
    def summary(self, line_length=None, print_fn=None):
        """Print Keras's table of layers, output shapes and parameter counts."""
        print_summary(self, line_length=line_length, print_fn=print_fn)

    @filter_traceback
    def save_weights(self, filepath):
        """Write the weights: Keras 3's HDF5 layout for a `.weights.h5` name, else an .npz archive; atomic."""
        if saving.is_keras_weights_file(filepath):
            return saving.save_weights(self, filepath)
        weights_file.save_weights(self, filepath)

    @filter_traceback
    def load_weights(self, filepath):
        """Read weights saved by `save_weights`; the whole file is checked before any weight changes."""
        if saving.is_keras_weights_file(filepath):
            return saving.load_weights(self, filepath)
        weights_file.load_weights(self, filepath)

    def _repr_html_(self):
        return summary_html(self)

    # --- running the graph -----------------------------------------------------

    def call(self, inputs, training=False):
        values = self.run_graph(self._flatten_inputs(inputs), training)
        for loss in self._graph_losses:
            Layer.add_loss(self, values[id(loss)])
        for name, value in self._graph_metrics:
            Layer.add_metric(self, values[id(value)], name)
        return self._pack_outputs([values[id(symbolic)] for symbolic in self.outputs])

    def run_graph(self, tensors, training=False):
        """Run every node in order; returns each symbolic tensor's value, keyed by its id.

        The nodes include those that compute the losses and metrics given to
        `add_loss` and `add_metric` as symbolic tensors.
        """
        values = {id(symbolic): tensor for symbolic, tensor in zip(self.inputs, tensors)}
        for node in self._loss_nodes:
            if node.is_input or id(node.output_tensors[0]) in values:
                continue
            arguments = map_structure(lambda symbolic: values[id(symbolic)], node.inputs)
            results = flatten(node.layer(arguments, training=training, **node.call_kwargs))
            for symbolic, result in zip(node.output_tensors, results):
                values[id(symbolic)] = result
        return values

    def compute_output_shape(self, input_shape):
        shapes = input_shape if len(self.inputs) > 1 else [input_shape]
        known = {}
        for symbolic, shape in zip(self.inputs, shapes):
            self._check_input_shape(symbolic, tuple(shape))
            known[id(symbolic)] = tuple(shape)
        for node in self._nodes:
            if node.is_input or id(node.output_tensors[0]) in known:
                continue
            arguments = map_structure(lambda symbolic: known[id(symbolic)], node.inputs)
            node.layer._check_and_build(arguments)
            results = node.layer.compute_output_shape(arguments)
            results = results if isinstance(results, list) else [results]
            for symbolic, result in zip(node.output_tensors, results):
                known[id(symbolic)] = tuple(result)
        outputs = [known[id(symbolic)] for symbolic in self.outputs]
        return outputs if len(outputs) > 1 else outputs[0]

    def _check_input_shape(self, symbolic, shape):
        expected = symbolic.shape
        if not shapes_compatible(expected, shape):
            raise ValueError(f"Input '{symbolic.history[0].name}' of model '{self.name}' expects shape {expected}, "
                             f"received shape {shape}.")

    def _flatten_inputs(self, inputs):
        if isinstance(inputs, dict):
            missing = [name for name in self.input_names if name not in inputs]
            unknown = [key for key in inputs if key not in self.input_names]
            if missing or unknown:
                raise ValueError(f"Model '{self.name}' has inputs {self.input_names}; received keys "
                                 f"{list(inputs)} (missing {missing}, unknown {unknown}).")
            return [inputs[name] for name in self.input_names]
        tensors = flatten(inputs)
        if len(tensors) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' expects {len(self.inputs)} input(s) {self.input_names}, "
                             f"received {len(tensors)}.")
        return tensors

    def _pack_outputs(self, outputs):
        if isinstance(self._output_structure, dict):
            return dict(zip(self._output_structure, outputs))
        if isinstance(self._output_structure, (list, tuple)):
            return list(outputs)
        return outputs[0]

    def build(self, input_shape):
        """A graph model is built when it is made."""

    # --- losses and metrics built from the graph's symbolic tensors (Keras 2's) ---

    def add_loss(self, loss):
        """Add a loss: a scalar tensor from `call`, or a scalar built from this model's symbolic tensors.

        A symbolic loss becomes part of the graph: it is computed from the
        inputs at every step and added to the compiled loss, so a model whose
        whole loss comes from `add_loss` compiles without `loss=` and trains
        with `fit(x)`.

        Example (the variational autoencoder of the Keras examples):
            kl_loss = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
            vae.add_loss(K.mean(reconstruction_loss + kl_loss))
            vae.compile(optimizer='adam')
            vae.fit(x_train, epochs=50, batch_size=128, validation_data=(x_test, None))
        """
        if not is_symbolic(loss):
            return Layer.add_loss(self, loss)
        self._check_scalar(loss, "add_loss")
        self._graph_losses = self._graph_losses + (loss,)
        self._map_loss_nodes()

    def add_metric(self, value, name=None, aggregation="mean"):
        """Report a scalar in `fit`'s logs under `name`: from `call`, or built from this model's symbolic tensors."""
        if not is_symbolic(value):
            return Layer.add_metric(self, value, name, aggregation)
        Layer.add_metric(self, value, name, aggregation)  # checks the name and aggregation
        self._metric_values.pop()
        self._check_scalar(value, "add_metric")
        self._graph_metrics = self._graph_metrics + ((name, value),)
        self._map_loss_nodes()

    def _check_scalar(self, tensor, method):
        if tensor.shape != ():
            raise ValueError(f"Model '{self.name}': {method} expects a scalar, received a symbolic tensor of shape "
                             f"{tensor.shape}. Reduce it first, e.g. K.mean(loss).")

    def _map_loss_nodes(self):
        extra = list(self._graph_losses) + [value for _, value in self._graph_metrics]
        self._loss_nodes, _ = map_graph(self.inputs, self.outputs + extra)

    # --- saving: Keras 3's config and files ---------------------------------------

    def get_config(self):
        """Keras's config of the graph: every layer's config and calls, the model's inputs and outputs."""
        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """A new model (fresh weights) from `get_config`'s dict or Keras's."""
        return functional_from_config(cls, config, custom_objects)

    def get_build_config(self):
        return {"input_shape": self.input_shape} if self.built else None

    def get_compile_config(self):
        return get_compile_config(self)

    def compile_from_config(self, config):
        compile_from_config(self, config)

    def to_json(self, **kwargs):
        """The model's config as JSON text (no weights); `kerasbook.models.model_from_json` reads it back."""
        return json.dumps(saving.serialize_keras_object(self), **kwargs)

    def save(self, filepath, overwrite=True, **kwargs):
        """Save config, weights, compile settings and optimizer state: 'm.keras' (Keras 3) or 'm.h5' (legacy).

        Example:
            model.save('model.keras')
            model = keras.models.load_model('model.keras')
        """
        saving.save_model(self, filepath, overwrite=overwrite, **kwargs)


def _check_unique_names(layers):
    """Keras 3's rule: a model finds, saves and reports its layers by name, so no two may share one."""
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f'The name "{name}" is used {names.count(name)} times in the model. All layer names '
                             f'should be unique.')
