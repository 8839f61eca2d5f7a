"""`model.summary()`: Keras 3's text table of layers, output shapes and parameters."""
import numpy


def readable_memory_size(size):
    units = ["B", "KB", "MB", "GB", "TB"]
    index = 0
    while size >= 1024 and index < len(units) - 1:
        size /= 1024
        index += 1
    return f"{size:.2f} {units[index]}"


def weights_memory(weights):
    return sum(int(w.data.size) * numpy.dtype(w.dtype).itemsize for w in weights)


def format_shape(shape):
    if isinstance(shape, list):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def is_sequential_like(model):
    """A chain: every layer has one node in the model and passes one tensor to the next."""
    if type(model).__name__ == "Sequential":
        return True
    nodes = [node for node in model._nodes if not node.is_input]
    return (len(model.inputs) == 1 and len(model.outputs) == 1
            and len(nodes) == len({node.layer for node in nodes})
            and all(len(node.input_tensors) == 1 and len(node.output_tensors) == 1 for node in nodes)
            and all(node.input_tensors[0] is previous.output_tensors[0]
                    for previous, node in zip(nodes, nodes[1:])))


def layer_rows(model):
    """(name and type, output shape, parameters, connected to) for each layer of the model."""
    model_nodes = set(model._nodes)
    rows = []
    for layer in model.layers:
        nodes = [node for node in layer.inbound_nodes if node in model_nodes] or layer.inbound_nodes
        shapes = {format_shape(node.output_shapes) for node in nodes}
        shape = shapes.pop() if len(shapes) == 1 else ("multiple" if shapes else "?")
        connections = [f"{t.history[0].name}[{t.history[1]}][{t.history[2]}]"
                       for node in nodes for t in node.input_tensors]
        params = layer.count_params() if layer.built else 0
        rows.append((f"{layer.name} ({layer.type_name})", shape, params, connections or ["-"]))
    return rows


def summary_lines(model, line_length=None):
    sequential_like = is_sequential_like(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + ([] if sequential_like else ["Connected to"])
    rows = layer_rows(model)
    cells = [[name, shape, f"{params:,}"] + ([] if sequential_like else [connections])
             for name, shape, params, connections in rows]
    widths = [max([len(headers[0])] + [len(c[0]) for c in cells]) + 2, max([len(headers[1])] + [len(c[1]) for c in cells]) + 2,
              max([len(headers[2])] + [len(c[2]) for c in cells]) + 2]
    widths = [max(widths[0], 31), max(widths[1], 22), max(widths[2], 13)]
    if not sequential_like:
        widths.append(max([len(headers[3])] + [len(x) for c in cells for x in c[3]]) + 2)
    if line_length:
        widths[0] += max(0, line_length - sum(widths) - len(widths) - 1)

    def row(values, aligns):
        parts = [f" {v:>{w - 2}} " if align == ">" else f" {v:<{w - 2}} " for v, w, align in zip(values, widths, aligns)]
        return "│" + "│".join(parts) + "│"

    aligns = ["<", "<", ">", "<"]
    lines = [f'Model: "{model.name}"',
             "┏" + "┳".join("━" * w for w in widths) + "┓",
             "┃" + "┃".join(f" {h:>{w - 2}} " if a == ">" else f" {h:<{w - 2}} "
                            for h, w, a in zip(headers, widths, aligns)) + "┃",
             "┡" + "╇".join("━" * w for w in widths) + "┩"]
    for index, cell in enumerate(cells):
        if sequential_like:
            lines.append(row(cell, aligns))
        else:
            connections = cell[3]
            for line_index, connection in enumerate(connections):
                lines.append(row(cell[:3] + [connection] if line_index == 0 else ["", "", "", connection], aligns))
            if index < len(cells) - 1:
                lines.append("├" + "┼".join("─" * w for w in widths) + "┤")
    lines.append("└" + "┴".join("─" * w for w in widths) + "┘")
    trainable, non_trainable = model.trainable_weights, model.non_trainable_weights
    count = lambda weights: sum(int(w.data.size) for w in weights)  # noqa: E731
    lines += [f" Total params: {count(model.weights):,} ({readable_memory_size(weights_memory(model.weights))})",
              f" Trainable params: {count(trainable):,} ({readable_memory_size(weights_memory(trainable))})",
              f" Non-trainable params: {count(non_trainable):,} ({readable_memory_size(weights_memory(non_trainable))})"]
    return lines


def print_summary(model, line_length=None, print_fn=None):
    if not model.built:
        raise ValueError(f"Model '{model.name}' has not yet been built, so it has no summary. Build it by giving "
                         f"its first layer an `input_shape`, by calling model.build((None, …)), or by fitting it.")
    for line in summary_lines(model, line_length):
        (print_fn or print)(line)
