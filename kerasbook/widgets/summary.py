"""`kerasbook.widgets.summary(model)`: the summary as an object a notebook shows as a table.

The table itself is written by `kerasbook.models.summary_html` (what a model
shows on a cell's last line); this object shows the same for any model, and the
text table in a terminal.
"""
from ..models.summary import summary_lines
from ..models.summary_html import summary_html


def summary(model):
    """The summary of `model` as an object a notebook shows as a table (and a terminal as text).

    Example:
        kerasbook.widgets.summary(model)   # last line of a cell
    """
    return SummaryTable(model)


class SummaryTable:
    def __init__(self, model):
        self.model = model

    def _repr_html_(self):
        return summary_html(self.model)

    def __repr__(self):
        if not self.model.built:
            return f"<{self.model.type_name} '{self.model.name}', not built yet>"
        return "\n".join(summary_lines(self.model))
