"""Order a functional graph: which nodes to run first, and how to list its layers.

Keras 3's rules, so that `model.layers` and `get_weights()` come in the same
order as real Keras: walk depth-first from each output through each node's
inputs in argument order. The post-order of that walk is an execution order.
A layer's depth is the longest path from it to an output; layers are listed
deepest first, ties broken by when the walk first met them.
"""
from collections import defaultdict


def map_graph(inputs, outputs):
    """Return (nodes in execution order, layers in Keras order)."""
    input_ids = {id(tensor) for tensor in inputs}
    finished, in_progress, post_order, first_visit = set(), set(), [], {}

    def visit(tensor):
        layer, node_index, _ = tensor.history
        node = layer.inbound_nodes[node_index]
        if node in finished:
            return
        if node in in_progress:
            raise ValueError(f"The graph has a cycle through layer '{layer.name}'.")
        first_visit.setdefault(layer, len(first_visit))
        in_progress.add(node)
        if id(tensor) not in input_ids:
            if node.is_input:
                raise ValueError(
                    f"Graph disconnected: an output depends on input '{layer.name}' {tensor.shape}, which is "
                    f"not among the model's inputs {[t.history[0].name for t in inputs]}.")
            for parent in node.input_tensors:
                visit(parent)
        in_progress.remove(node)
        finished.add(node)
        post_order.append(node)

    for output in outputs:
        visit(output)
    _check_inputs_used(inputs, finished)

    node_depth, layer_depth = {}, {}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(node, 0), layer_depth.get(node.layer, 0))
        layer_depth[node.layer] = node_depth[node] = depth
        if id(node.output_tensors[0]) in input_ids and not node.is_input:
            continue
        for parent in node.parent_nodes:
            node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))

    by_depth = defaultdict(list)
    for layer, depth in layer_depth.items():
        by_depth[depth].append(layer)
    layers = [layer for depth in sorted(by_depth, reverse=True)
              for layer in sorted(by_depth[depth], key=first_visit.get)]
    return post_order, layers


def _check_inputs_used(inputs, finished_nodes):
    reached = {id(tensor) for node in finished_nodes for tensor in node.output_tensors}
    for tensor in inputs:
        if id(tensor) not in reached:
            raise ValueError(f"Input '{tensor.history[0].name}' {tensor.shape} is not connected to any of the "
                             f"model's outputs.")
