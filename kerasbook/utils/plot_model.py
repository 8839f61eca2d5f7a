"""`plot_model`: a picture of a model's graph, drawn with matplotlib — no Graphviz, no pydot.

Keras draws this with Graphviz's `dot` program, which pip cannot install; here
`graph_layout.layered_layout` places the boxes (inputs on top, outputs at the
bottom, few crossings, merge inputs in argument order) and matplotlib draws
them on a `Figure` of its own, so the user's pyplot figures are never touched.
matplotlib is imported only when something is drawn, so ``import kerasbook`` stays quick.
"""
import os
from collections import defaultdict

from ..engine.input_layer import InputLayer
from ..models.model import Model
from ..models.summary import format_shape
from .graph_layout import layered_layout

TITLE_SIZE, DETAIL_SIZE = 10.0, 8.5  # points
TITLE_LINE, DETAIL_LINE = 14.0, 12.0
PAD_X, PAD_Y = 10.0, 6.0
CLUSTER_PAD, CLUSTER_LABEL = 10.0, 16.0
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf", ".jpg": "jpg", ".jpeg": "jpg"}

COLORS = {  # face, edge
    "input": ("#e8f5e9", "#43a047"),
    "merge": ("#fff3e0", "#fb8c00"),
    "model": ("#ede7f6", "#7e57c2"),
    "layer": ("#e3f2fd", "#1e88e5"),
    "cluster": ("#f5f5f5", "#9e9e9e"),
}


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False, show_layer_names=True,
               rankdir="TB", expand_nested=False, dpi=96, show_layer_activations=False, show_trainable=False):
    """Draw the model's graph to `to_file` (.png, .svg or .pdf) and return it for a notebook to show.

    Example:
        plot_model(model, to_file='model.png', show_shapes=True)
    """
    extension = os.path.splitext(to_file)[1].lower()
    if extension not in FORMATS:
        raise ValueError(f"plot_model writes {', '.join(sorted(FORMATS))} files; cannot tell the format of "
                         f"{to_file!r} from its extension.")
    layout = model_layout(model, show_shapes, show_dtype, show_layer_names, rankdir, expand_nested,
                          show_layer_activations, show_trainable)
    save_layout(layout, to_file, FORMATS[extension], dpi)
    try:
        from IPython import display
    except ImportError:
        return None
    if extension == ".svg":
        return display.SVG(filename=to_file)
    if extension == ".pdf":
        return None
    return display.Image(filename=to_file)


class Box:
    """One drawn box: a layer, or (``kind == 'cluster'``) an expanded nested model. x, y is its centre."""

    def __init__(self, layer, lines, width, height, kind, depth):
        self.layer, self.lines, self.kind, self.depth = layer, lines, kind, depth
        self.width, self.height = width, height
        self.x = self.y = 0.0

    @property
    def name(self):
        return self.layer.name

    @property
    def bounds(self):
        """(left, top, right, bottom)."""
        return (self.x - self.width / 2, self.y - self.height / 2, self.x + self.width / 2, self.y + self.height / 2)

    def __repr__(self):
        return f"<Box {self.name} ({self.kind}) at ({self.x:.0f}, {self.y:.0f}) size {self.width:.0f}x{self.height:.0f}>"


class ModelLayout:
    """Everything `plot_model` draws, in points (1/72 inch) with y growing downwards."""

    def __init__(self, boxes, clusters, edges, width, height, rankdir, inputs=(), outputs=()):
        self.boxes, self.clusters, self.edges = boxes, clusters, edges
        self.width, self.height, self.rankdir = width, height, rankdir
        self.inputs = inputs    # the box of each model input: where edges into an expanded model end
        self.outputs = outputs  # (box, its expanded layout or None, output index) for each model output

    def box(self, name):
        for box in self.boxes + self.clusters:
            if box.name == name:
                return box
        raise KeyError(f"No box for a layer named {name!r}.")

    def shift(self, dx, dy):
        for box in self.boxes + self.clusters:
            box.x += dx
            box.y += dy
        self.edges = [(source, target, [(x + dx, y + dy) for x, y in points])
                      for source, target, points in self.edges]


def model_layout(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, show_layer_activations=False, show_trainable=False):
    """Compute where every box and edge of `model`'s picture goes (`plot_model` draws this)."""
    if not model.built:
        raise ValueError(f"Model '{model.name}' has not yet been built, so it has no graph to plot. Build it by "
                         f"giving its first layer an `input_shape`, by calling model.build((None, …)), or by "
                         f"fitting it.")
    options = dict(show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                   show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    return _lay_out(model, options, rankdir, expand_nested, depth=0)


def _lay_out(model, options, rankdir, expand_nested, depth):
    model_nodes = list(model._nodes)
    layers = list(dict.fromkeys(node.layer for node in model_nodes))
    children, boxes, sizes = {}, {}, {}
    for layer in layers:
        if expand_nested and isinstance(layer, Model):
            child = _lay_out(layer, options, rankdir, expand_nested, depth + 1)
            children[layer] = child
            box = Box(layer, [f"{layer.name} ({layer.type_name})"], child.width + 2 * CLUSTER_PAD,
                      child.height + 2 * CLUSTER_PAD + CLUSTER_LABEL, "cluster", depth)
        else:
            lines = box_lines(layer, model_nodes, **options)
            width, height = measure(lines)
            box = Box(layer, lines, width, height, _kind(layer, model_nodes), depth)
        boxes[layer] = box
        sizes[layer] = (box.width, box.height)

    edges, ports, arrivals = [], defaultdict(int), []
    total_ports = defaultdict(int)
    for node in model_nodes:
        total_ports[node.layer] += len(node.input_tensors)
    for node in model_nodes:
        for argument, tensor in enumerate(node.input_tensors):
            source = tensor.history[0]
            edges.append((source, node.layer, ports[node.layer], total_ports[node.layer]))
            arrivals.append((tensor, argument))
            ports[node.layer] += 1
    layout = layered_layout(layers, sizes, edges, rankdir)

    for layer, (x, y, _, _) in layout.boxes.items():
        boxes[layer].x, boxes[layer].y = x, y
    all_boxes, clusters, drawn_edges = [], [], []
    for layer in layers:
        box = boxes[layer]
        if layer in children:
            child = children[layer]
            left, top = box.bounds[:2]
            child.shift(left + CLUSTER_PAD, top + CLUSTER_PAD + CLUSTER_LABEL)
            clusters.append(box)
            clusters += child.clusters
            all_boxes += child.boxes
            drawn_edges += child.edges
        else:
            all_boxes.append(box)

    into_clusters = defaultdict(list)  # inner input box -> indices of the edges that arrive at it
    for (edge, points), (tensor, argument) in zip(layout.routes, arrivals):
        source, target, _, _ = edge
        points = list(points)
        if source in children:
            points[0] = _anchor(_output_box(children[source], tensor.history[2]), rankdir, leaving=True)
        if target in children:
            into_clusters[children[target].inputs[argument]].append(len(drawn_edges))
        drawn_edges.append((source, target, points))
    for inner, indices in into_clusters.items():
        for port, index in enumerate(indices):
            drawn_edges[index][2][-1] = _anchor(inner, rankdir, leaving=False, port=port, ports=len(indices))

    inputs = [boxes[tensor.history[0]] for tensor in model.inputs]
    outputs = [(boxes[tensor.history[0]], children.get(tensor.history[0]), tensor.history[2])
               for tensor in model.outputs]
    return ModelLayout(all_boxes, clusters, drawn_edges, layout.width, layout.height, rankdir, inputs, outputs)


def _output_box(child, index):
    """The innermost box that produces output `index` of an expanded nested model."""
    box, grandchild, inner_index = child.outputs[index]
    return _output_box(grandchild, inner_index) if grandchild is not None else box


def _anchor(box, rankdir, leaving, port=0, ports=1):
    left, top, right, bottom = box.bounds
    offset = ((port + 1) / (ports + 1) - 0.5)
    if rankdir == "TB":
        return (box.x + offset * box.width, bottom if leaving else top)
    return (right if leaving else left, box.y + offset * box.height)


def _kind(layer, model_nodes):
    if isinstance(layer, InputLayer):
        return "input"
    if isinstance(layer, Model):
        return "model"
    if any(len(node.input_tensors) > 1 for node in model_nodes if node.layer is layer):
        return "merge"
    return "layer"


def layer_type(layer):
    """'Dense', or 'TimeDistributed(Sequential)' for a wrapper."""
    inner = getattr(layer, "layer", None)
    name = layer.type_name
    return f"{name}({inner.type_name})" if inner is not None and hasattr(inner, "inbound_nodes") else name


def box_lines(layer, model_nodes, show_shapes=False, show_dtype=False, show_layer_names=True,
              show_layer_activations=False, show_trainable=False):
    """The text of a layer's box: a title, then the details asked for."""
    title = f"{layer.name} ({layer_type(layer)})" if show_layer_names else layer_type(layer)
    lines = [title]
    nodes = [node for node in model_nodes if node.layer is layer]
    if show_shapes:
        if not isinstance(layer, InputLayer):
            lines.append(f"Input shape: {_one_or_multiple(format_shape(node.input_shapes) for node in nodes)}")
        lines.append(f"Output shape: {_one_or_multiple(format_shape(node.output_shapes) for node in nodes)}")
    if show_dtype:
        lines.append(f"dtype: {_one_or_multiple(t.dtype for node in nodes for t in node.output_tensors)}")
    if show_layer_activations and getattr(layer, "activation", None) is not None:
        lines.append(f"Activation: {getattr(layer.activation, '__name__', type(layer.activation).__name__)}")
    if show_trainable:
        lines.append(f"Trainable: {layer.trainable}")
    return lines


def _one_or_multiple(values):
    values = list(dict.fromkeys(values))
    return values[0] if len(values) == 1 else "multiple"


def text_width(text, size, bold=False):
    """Width in points of `text` in matplotlib's default font."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath
    prop = FontProperties(size=size, weight="bold" if bold else "normal")
    return TextPath((0, 0), text, prop=prop).get_extents().width if text else 0.0


def measure(lines):
    width = max([text_width(lines[0], TITLE_SIZE, bold=True)] + [text_width(line, DETAIL_SIZE) for line in lines[1:]])
    return width + 2 * PAD_X, TITLE_LINE + DETAIL_LINE * (len(lines) - 1) + 2 * PAD_Y


def draw_layout(layout, dpi=96):
    """A matplotlib `Figure` (not pyplot's) showing the layout."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
    figure = Figure(figsize=(layout.width / 72, layout.height / 72), dpi=dpi)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, layout.width)
    axes.set_ylim(layout.height, 0)
    axes.set_axis_off()
    for box in sorted(layout.clusters, key=lambda b: b.depth):
        left, top, _, _ = box.bounds
        face, edge = COLORS["cluster"]
        axes.add_patch(FancyBboxPatch((left, top), box.width, box.height, boxstyle="round,pad=0,rounding_size=6",
                                      facecolor=face, edgecolor=edge, linestyle="--", linewidth=1, alpha=0.9))
        axes.text(left + 6, top + 4, box.lines[0], fontsize=DETAIL_SIZE, fontweight="bold", color="#616161",
                  va="top", ha="left")
    for source, target, points in layout.edges:
        axes.add_patch(FancyArrowPatch(path=edge_path(points, layout.rankdir), arrowstyle="-|>", mutation_scale=9,
                                       linewidth=1.0, color="#546e7a", shrinkA=0, shrinkB=0, zorder=1))
    for box in layout.boxes:
        left, top, _, _ = box.bounds
        face, edge = COLORS[box.kind]
        axes.add_patch(FancyBboxPatch((left, top), box.width, box.height, boxstyle="round,pad=0,rounding_size=4",
                                      facecolor=face, edgecolor=edge, linewidth=1.2, zorder=2))
        y = top + PAD_Y + TITLE_LINE / 2
        axes.text(box.x, y, box.lines[0], fontsize=TITLE_SIZE, fontweight="bold", ha="center", va="center",
                  color="#212121", zorder=3)
        for line in box.lines[1:]:
            y += (TITLE_LINE + DETAIL_LINE) / 2 if line is box.lines[1] else DETAIL_LINE
            axes.text(box.x, y, line, fontsize=DETAIL_SIZE, ha="center", va="center", color="#424242", zorder=3)
    return figure


def edge_path(points, rankdir):
    """A smooth path through `points` that leaves and enters each point along the rank direction."""
    from matplotlib.path import Path
    vertices, codes = [points[0]], [Path.MOVETO]
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if (rankdir == "TB" and abs(x1 - x0) < 0.5) or (rankdir == "LR" and abs(y1 - y0) < 0.5):
            vertices.append((x1, y1))
            codes.append(Path.LINETO)
        elif rankdir == "TB":
            middle = (y0 + y1) / 2
            vertices += [(x0, middle), (x1, middle), (x1, y1)]
            codes += [Path.CURVE4] * 3
        else:
            middle = (x0 + x1) / 2
            vertices += [(middle, y0), (middle, y1), (x1, y1)]
            codes += [Path.CURVE4] * 3
    return Path(vertices, codes)


def save_layout(layout, to_file, file_format, dpi=96):
    from matplotlib import rc_context
    figure = draw_layout(layout, dpi)
    metadata = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}.get(file_format)
    with rc_context({"svg.hashsalt": "kerasbook", "svg.fonttype": "path"}):
        figure.savefig(to_file, format=file_format, dpi=dpi, metadata=metadata)
    return figure
