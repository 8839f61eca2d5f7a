"""A model's summary as an HTML table: what a notebook shows for ``model`` on a cell's last line.

The same rows as ``model.summary()`` (from `summary.layer_rows`), plus a
bar for each layer's share of the parameters, "Connected to" for branching
models, and each nested model folded into a ``<details>`` element. The HTML is
static and deterministic — inline CSS, no script, no ids — so a saved notebook
shows it anywhere and nbval can compare it.
"""
from html import escape

from .summary import is_sequential_like, layer_rows, readable_memory_size, weights_memory

_CELL = "padding:2px 10px;text-align:left;vertical-align:top;border-bottom:1px solid rgba(128,128,128,0.25)"
_HEAD = "padding:2px 10px;text-align:left;border-bottom:2px solid rgba(128,128,128,0.6)"
_BAR_WIDTH = 80  # pixels for a layer holding every parameter


def summary_html(model):
    """The HTML table for `model`; works as soon as the graph exists, before any data."""
    return ('<div class="kerasbook-summary" style="font-family:var(--jp-code-font-family, monospace);'
            'font-size:12px;line-height:1.4">'
            f'<div style="font-weight:bold;margin-bottom:4px">Model: "{escape(model.name)}"</div>'
            + _table(model) + _totals(model) + "</div>")


def _table(model):
    built = model.built
    with_connections = built and not is_sequential_like(model)
    headers = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if with_connections else [])
    total = sum(int(w.data.size) for w in model.weights) if built else 0
    rows = []
    for layer, (name, shape, params, connections) in zip(model.layers, _rows(model)):
        layer_name, _, layer_type = name.rpartition(" (")
        cells = [f"<b>{escape(layer_name)}</b> ({escape(layer_type[:-1])})",
                 f"<code>{escape(shape)}</code>",
                 _params_cell(params, total)]
        if with_connections:
            cells.append("<br>".join(escape(c) for c in connections))
        rows.append("<tr>" + "".join(f'<td style="{_CELL}">{cell}</td>' for cell in cells) + "</tr>")
        inner = nested_model(layer)
        if inner is not None:
            rows.append(f'<tr><td colspan="{len(headers)}" style="{_CELL};padding-left:24px">'
                        f'<details><summary>{len(inner.layers)} layers inside \'{escape(inner.name)}\' '
                        f'({inner.type_name})</summary>{_table(inner)}</details></td></tr>')
    head = "<tr>" + "".join(f'<th style="{_HEAD}">{h}</th>' for h in headers) + "</tr>"
    return (f'<table style="border-collapse:collapse;margin:2px 0"><thead>{head}</thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _rows(model):
    if model.built:
        return layer_rows(model)
    return [(f"{layer.name} ({layer.type_name})", "?", layer.count_params() if layer.built else 0, ["-"])
            for layer in model.layers]


def _params_cell(params, total):
    share = min(params / total, 1.0) if total else 0.0
    width = round(share * _BAR_WIDTH)
    bar = (f'<span style="display:inline-block;width:{width}px;height:9px;background:#4c8bf5;'
           f'margin-right:4px"></span>' if width else "")
    return (f'<span style="display:inline-block;min-width:7em;text-align:right;margin-right:8px">{params:,}</span>'
            f'<span style="display:inline-block;width:{_BAR_WIDTH + 4}px">{bar}</span>'
            f'<span style="opacity:0.6">{share:.1%}</span>')


def _totals(model):
    if not model.built:
        return (f'<div style="margin-top:4px">Not built yet: shapes and parameters appear once the input shape is '
                f'known (give the first layer <code>input_shape=…</code>, call <code>model.build((None, …))</code>, '
                f'or fit it).</div>')
    lines = []
    for label, weights in (("Total", model.weights), ("Trainable", model.trainable_weights),
                           ("Non-trainable", model.non_trainable_weights)):
        count = sum(int(w.data.size) for w in weights)
        lines.append(f"<div><b>{label} params:</b> {count:,} ({readable_memory_size(weights_memory(weights))})</div>")
    return '<div style="margin-top:4px">' + "".join(lines) + "</div>"


def nested_model(layer):
    """The model inside `layer`: the layer itself if it is a model, or the model a wrapper holds."""
    if hasattr(layer, "layers"):  # only models hold layers of their own
        return layer
    inner = getattr(layer, "layer", None)
    return inner if hasattr(inner, "layers") else None
