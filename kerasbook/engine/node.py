"""A `Node` is one call of a layer in a graph: the tensors in, the tensors out.

A layer called three times (a shared layer) has three nodes; its weights are
the same in all of them, which is why their gradients add up.
"""
from .keras_tensor import flatten


class Node:
    def __init__(self, layer, inputs, outputs, call_kwargs=None):
        self.layer = layer
        self.inputs = inputs  # as passed: one tensor or a list of tensors
        self.input_tensors = flatten(inputs)
        self.outputs = outputs
        self.output_tensors = flatten(outputs)
        self.call_kwargs = call_kwargs or {}
        self.index = len(layer.inbound_nodes)
        layer.inbound_nodes.append(self)
        for tensor_index, tensor in enumerate(self.output_tensors):
            tensor.history = (layer, self.index, tensor_index)

    @property
    def parent_nodes(self):
        """The nodes that produced this node's inputs."""
        return [tensor.node for tensor in self.input_tensors if tensor.history is not None]

    @property
    def is_input(self):
        return not self.input_tensors

    @property
    def input_shapes(self):
        shapes = [tensor.shape for tensor in self.input_tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shapes(self):
        shapes = [tensor.shape for tensor in self.output_tensors]
        return shapes[0] if len(shapes) == 1 else shapes

    def __repr__(self):
        return f"<Node {self.index} of layer '{self.layer.name}'>"
