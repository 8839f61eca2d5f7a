"""Everything Jupyter: the model summary table and the layer inspector.

Example:
    kerasbook.widgets.summary(model)     # an HTML table (also what `model` shows)
    kerasbook.widgets.inspect(model, x)  # pick a layer, see its weights and activations
"""
from .summary import summary
from .inspector import inspect
