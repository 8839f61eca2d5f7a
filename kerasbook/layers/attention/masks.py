"""What the attention layers share: masks as boolean arrays, the causal mask, what graphs cannot take yet.

A mask says which positions may be attended to (True) and which not (False).
Masking itself is arithmetic on the scores before the softmax, in each layer,
with Keras's constant: a masked score becomes (or is lowered by) 1e9, so its
weight after the softmax is 0 in float32 and float64 alike.
"""
from ...engine.keras_tensor import is_symbolic
from ...ops.tensor import as_array

LARGE_NUMBER = 1e9  # Keras's: exp(-1e9) is 0 in every float type kerasbook computes in


def as_mask(layer, value, what):
    """`value` (an array, a list or a Tensor of booleans or 0/1) as a boolean array on the backend."""
    refuse_symbolic_mask(layer, value, what)
    return as_array(value) != 0


def refuse_symbolic_mask(layer, value, what):
    if is_symbolic(value):
        raise NotImplementedError(
            f"{type(layer).__name__} '{layer.name}': {what} is a symbolic tensor; kerasbook's functional models "
            f"take masks only as arrays (computed inside a subclassed layer's call, or fixed).")


def causal_mask(xp, query_length, value_length):
    """(1, Tq, Tv): query position i may see value positions j <= i, never the future."""
    return (xp.arange(query_length)[:, None] >= xp.arange(value_length)[None, :])[None]


def refuse_symbolic_scores(layer):
    """Scores of a symbolic call: a second output that kerasbook's graphs cannot yet infer the shape of.

    A functional model asks each layer's `compute_output_shape` for its outputs,
    which does not see the call's keyword arguments; `return_attention_scores`
    changes how many outputs there are. Eager calls (a subclassed layer's `call`)
    return the scores.
    """
    raise NotImplementedError(
        f"{type(layer).__name__} '{layer.name}': return_attention_scores=True on symbolic tensors (a functional "
        f"model) is not supported yet; call the layer inside a subclassed layer's or model's call, where it "
        f"returns (output, scores).")
