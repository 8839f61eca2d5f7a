"""Symbolic tensors: a shape, a dtype and the layer call that made them.

Calling a layer on a `KerasTensor` computes no numbers. It infers the output
shape, records a `Node`, and returns new symbolic tensors whose ``history``
points back to that node. A functional `Model` is the graph these histories form.

Operators on symbolic tensors (``x * 2``, ``a + b``, ``x[:, 0]``) add nodes too:
`kerasbook/layers/core/operation_layer.py` attaches them below, since the layer
that holds an operation lives a floor above this one.
"""


class KerasTensor:
    symbolic = True  # ops refuse it, and a Tensor's operators leave it to the KerasTensor's own
    __array_ufunc__ = None  # NumPy's sign for the same: numpy_array * x calls x.__rmul__

    def __init__(self, shape, dtype="float32", history=None, name=None):
        self.shape = tuple(shape)
        self.dtype = str(dtype)
        self.history = history  # (layer, node_index, tensor_index)
        self.name = name

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def node(self):
        layer, node_index, _ = self.history
        return layer.inbound_nodes[node_index]

    def __repr__(self):
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}, name={self.name}>"

    def __hash__(self):
        return id(self)

    def __bool__(self):
        return True

    def __iter__(self):
        raise TypeError(f"Cannot iterate over a symbolic tensor of shape {self.shape}: it has no values yet. "
                        f"Index it (x[:, 0]) or use a Lambda layer.")


def flatten(structure):
    """The tensors in a tensor, list, tuple or dict, as a flat list (dicts by key order)."""
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for value in structure.values() for leaf in flatten(value)]
    return [structure]


def map_structure(fn, structure):
    """Apply `fn` to each leaf of a tensor, list, tuple or dict, keeping the nesting."""
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def is_symbolic(structure):
    return any(isinstance(leaf, KerasTensor) for leaf in flatten(structure))
