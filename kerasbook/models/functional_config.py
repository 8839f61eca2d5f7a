"""A graph model as Keras 3's config, and back: its layers, how each was called, its inputs and outputs.

Each layer's entry is its own config plus ``inbound_nodes``: one ``{"args",
"kwargs"}`` per call of the layer inside this model, where every input tensor
is written as ``{"class_name": "__keras_tensor__", "config": {"keras_history":
[layer name, node index, tensor index]}}``. A shared layer has several nodes;
a nested model is one layer. To rebuild, every layer is made from its config
and called again on the tensors its nodes name, in an order where each call's
inputs already exist.
"""
from ..engine.keras_tensor import KerasTensor, flatten, map_structure
from ..saving.serialization_lib import deserialize_keras_object, serialize_keras_object


def functional_config(model):
    """``{name, trainable, layers, input_layers, output_layers}`` as Keras 3 writes it."""
    in_model = {id(node) for node in model._nodes}
    kept_index = {}  # (layer id, node index in the layer) -> its index among the nodes this model keeps
    for layer in model.layers:
        kept = [node for node in layer.inbound_nodes if id(node) in in_model]
        for position, node in enumerate(kept):
            kept_index[(id(layer), node.index)] = position

    def tensor_config(tensor):
        layer, node_index, tensor_index = tensor.history
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(tensor.shape), "dtype": tensor.dtype,
                           "keras_history": [layer.name, kept_index[(id(layer), node_index)], tensor_index]}}

    def history(tensor):
        layer, node_index, tensor_index = tensor.history
        return [layer.name, kept_index[(id(layer), node_index)], tensor_index]

    layers = []
    for layer in model.layers:
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [_node_config(node, tensor_config) for node in layer.inbound_nodes
                                  if id(node) in in_model and not node.is_input]
        layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": map_structure(history, model._input_structure),
            "output_layers": map_structure(history, model._output_structure)}


def _node_config(node, tensor_config):
    args, kwargs = node.inputs, dict(node.call_kwargs)
    if hasattr(node.layer, "state_size") or hasattr(node.layer, "state_count"):
        if isinstance(args, list):  # an RNN's initial states: Keras passes them as a keyword
            args, kwargs["initial_state"] = args[0], args[1:]
    to_config = lambda value: tensor_config(value) if isinstance(value, KerasTensor) else value  # noqa: E731
    return {"args": [map_structure(to_config, args)],
            "kwargs": serialize_keras_object(map_structure(to_config, kwargs))}


def functional_from_config(cls, config, custom_objects=None):
    """A new model of class `cls` from `functional_config`'s dict or Keras's, with fresh weights."""
    for key in ("layers", "input_layers", "output_layers"):
        if key not in config:
            raise ValueError(f"A functional model's config needs {key!r}; received keys {sorted(config)}.")
    created, pending = {}, []
    for entry in config["layers"]:
        for key in ("name", "inbound_nodes"):
            if key not in entry:
                raise ValueError(f"Each layer of a functional model's config needs {key!r}: {entry}")
        layer = deserialize_keras_object(entry, custom_objects=custom_objects, category="layers")
        if layer.name != entry["name"]:
            raise ValueError(f"The config names a layer {entry['name']!r} whose own config says {layer.name!r}.")
        created[entry["name"]] = layer
        pending.append((layer, list(entry["inbound_nodes"])))
    outputs = {}  # (layer name, node index in this config) -> the call's output tensors
    for layer in created.values():
        if not layer.inbound_nodes or not layer.inbound_nodes[0].is_input:
            continue
        outputs[(layer.name, 0)] = layer.inbound_nodes[0].output_tensors  # an InputLayer's tensor
    calls = {layer.name: 0 for layer in created.values()}
    while any(nodes for _, nodes in pending):
        progress = False
        for layer, nodes in pending:
            while nodes and _ready(nodes[0], outputs):
                args, kwargs = _call_arguments(layer, nodes.pop(0), outputs)
                result = layer(*args, **kwargs)
                outputs[(layer.name, calls[layer.name])] = flatten(result)
                calls[layer.name] += 1
                progress = True
        if not progress:
            waiting = [layer.name for layer, nodes in pending if nodes]
            raise ValueError(f"The functional config cannot be rebuilt: layers {waiting} wait for tensors that no "
                             f"layer makes.")

    def tensor(triple):
        name, node_index, tensor_index = triple
        if (name, node_index) not in outputs:
            raise ValueError(f"The config's model inputs or outputs name layer {name!r} node {node_index}, which "
                             f"the config does not make.")
        return outputs[(name, node_index)][tensor_index]

    inputs, model_outputs = _map_triples(tensor, config["input_layers"]), _map_triples(tensor, config["output_layers"])
    return cls(inputs=inputs, outputs=model_outputs, name=config.get("name"), trainable=config.get("trainable", True))


def _is_triple(value):
    return isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)


def _map_triples(fn, structure):
    if _is_triple(structure):
        return fn(structure)
    if isinstance(structure, dict):
        return {key: _map_triples(fn, value) for key, value in structure.items()}
    return [_map_triples(fn, value) for value in structure]


def _tensor_histories(structure):
    """Every ``keras_history`` a node's arguments name."""
    if isinstance(structure, dict):
        if structure.get("class_name") == "__keras_tensor__":
            return [structure["config"]["keras_history"]]
        return [h for value in structure.values() for h in _tensor_histories(value)]
    if isinstance(structure, list):
        return [h for value in structure for h in _tensor_histories(value)]
    return []


def _ready(node, outputs):
    return all((name, node_index) in outputs for name, node_index, *_ in _tensor_histories(node))


def _call_arguments(layer, node, outputs):
    """The node's args and kwargs with every saved tensor replaced by the tensor it names."""
    def resolve(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            name, node_index, tensor_index = value["config"]["keras_history"]
            return outputs[(name, node_index)][tensor_index]
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return value

    if not isinstance(node, dict) or "args" not in node:
        raise ValueError(f"Layer '{layer.name}': a node in the config is not {{'args': …, 'kwargs': …}}: {node!r}")
    args, kwargs = resolve(node["args"]), resolve(node.get("kwargs", {}))
    kwargs.pop("training", None)  # kerasbook decides training per call of the whole model
    if kwargs.get("mask") is None:
        kwargs.pop("mask", None)
    return args, kwargs
