"""`MultiHeadAttention`: several attentions side by side, each on its own learned projection of the inputs."""
import math as pymath

from ... import initializers
from ...engine.keras_tensor import is_symbolic
from ...engine.layer import Layer
from ...ops import activations, math, nn
from .masks import LARGE_NUMBER, as_mask, causal_mask, refuse_symbolic_mask, refuse_symbolic_scores
from .projection import Projection

_SHAPE_NAMES = ("query_shape", "value_shape", "key_shape")


class MultiHeadAttention(Layer):
    """Multi-head attention ("Attention is all you need"), as Keras 3's `MultiHeadAttention`.

    ``mha(query, value)`` (self-attention: ``mha(x, x)``) with query (batch, T, dim)
    and value (batch, S, value_features); `key` (batch, S, key_features) is the value
    when not given. Each of `num_heads` heads projects query and key to `key_dim`
    features and value to `value_dim`, then for each head::

        scores = softmax(query @ key.T / sqrt(key_dim))   # (batch, heads, T, S)
        context = scores @ value                          # (batch, T, heads, value_dim)

    and one output projection mixes all heads back to `dim` (or to `output_shape`).

    Weights, in Keras's order and shapes: ``query`` kernel (dim, heads, key_dim) and
    bias (heads, key_dim), ``key`` and ``value`` likewise, ``attention_output`` kernel
    (heads, value_dim, dim) and bias (dim,).

    Call arguments: `attention_mask` (booleans, (batch, T, S); False: query i may not
    attend to key j), `use_causal_mask` (position i sees only j <= i),
    `return_attention_scores` (also return the scores, (batch, heads, T, S)), `training`
    (dropout on the scores).

    Example:
        attention_output = MultiHeadAttention(num_heads=2, key_dim=32)(x, x)
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, kernel_initializer="glorot_uniform", bias_initializer="zeros", seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        for argument, value, optional in (("num_heads", num_heads, False), ("key_dim", key_dim, False),
                                          ("value_dim", value_dim, True)):
            if not (optional and value is None) and (not isinstance(value, int) or value <= 0):
                raise ValueError(f"MultiHeadAttention '{self.name}': {argument} must be a positive integer, "
                                 f"received {argument}={value!r}.")
        if not 0 <= dropout < 1:
            raise ValueError(f"MultiHeadAttention '{self.name}': dropout must be in [0, 1), received {dropout!r}.")
        self.num_heads, self.key_dim, self.value_dim = num_heads, key_dim, value_dim or key_dim
        self.dropout, self.use_bias, self.seed = dropout, use_bias, seed
        # not `output_shape`: on a layer that name is the shape of its output in a graph
        self._output_shape = _as_output_shape(self, output_shape)
        self.attention_axes = _as_attention_axes(self, attention_axes)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer

    def build(self, input_shape):
        query, value, key = self._check_shapes(input_shape)
        heads = self.num_heads
        self.query_dense = self._projection("query", (query[-1], heads, self.key_dim))
        self.key_dense = self._projection("key", (key[-1], heads, self.key_dim))
        self.value_dense = self._projection("value", (value[-1], heads, self.value_dim))
        self.output_dense = self._projection("attention_output", (heads, self.value_dim) + self._output_dims(query),
                                             contracted=2)
        self.query_dense._check_and_build(query)
        self.key_dense._check_and_build(key)
        self.value_dense._check_and_build(value)
        self.output_dense._check_and_build(tuple(query[:-1]) + (heads, self.value_dim))
        self.attention_axes = (1,)  # Keras writes the axis it chose into the config once built
        for weight in self.weights:
            weight.path = f"{self.name}/{weight.path}"

    def get_build_config(self):
        """Keras's form for a layer built from several shapes: ``{'shapes_dict': {'query_shape': …, …}}``."""
        if not self.built or self._build_input_shape is None:
            return None
        return {"shapes_dict": dict(zip(_SHAPE_NAMES, self._build_input_shape))}

    def build_from_config(self, config):
        if "shapes_dict" not in config:  # kerasbook's own form: the list of shapes
            return super().build_from_config(config)
        shapes = config["shapes_dict"]
        self._check_and_build([tuple(shapes[name]) for name in _SHAPE_NAMES if shapes.get(name) is not None])

    def _projection(self, name, kernel_shape, contracted=1):
        return Projection(kernel_shape, contracted, self.use_bias, self.kernel_initializer, self.bias_initializer,
                          name=name, dtype=self.dtype)

    def _output_dims(self, query_shape):
        return self._output_shape or (query_shape[-1],)

    def __call__(self, query, value=None, key=None, attention_mask=None, return_attention_scores=False,
                 training=None, use_causal_mask=False):
        if value is None:
            if not (isinstance(query, (list, tuple)) and 2 <= len(query) <= 3):
                raise TypeError(f"MultiHeadAttention '{self.name}' is called as mha(query, value) or "
                                f"mha(query, value, key); received no value.")
            query, value, key = (list(query) + [None])[:3]  # a functional model calls again with its list
        inputs = [query, value] if key is None else [query, value, key]
        refuse_symbolic_mask(self, attention_mask, "attention_mask")
        options = {name: option for name, option, default in (
            ("attention_mask", attention_mask, None), ("return_attention_scores", return_attention_scores, False),
            ("use_causal_mask", use_causal_mask, False)) if option is not default}
        if return_attention_scores and is_symbolic(inputs):
            refuse_symbolic_scores(self)
        return super().__call__(inputs, training=training, **options)

    def call(self, inputs, attention_mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        self._check_shapes([tuple(tensor.shape) for tensor in inputs])
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        allowed = self._allowed(query, value, attention_mask, use_causal_mask)  # None: attend everywhere

        query = self.query_dense(query) * (1.0 / pymath.sqrt(self.key_dim))  # (batch, T, heads, key_dim)
        key = self.key_dense(key)  # (batch, S, heads, key_dim)
        value = self.value_dense(value)  # (batch, S, heads, value_dim)
        # the heads become a batch axis: (batch, heads, T, key_dim) @ (batch, heads, key_dim, S)
        scores = math.matmul(math.transpose(query, (0, 2, 1, 3)), math.transpose(key, (0, 2, 3, 1)))
        if allowed is not None:  # Keras: a masked score is replaced by -1e9, its weight then set to exactly 0
            scores = scores * allowed + (allowed - 1) * LARGE_NUMBER
        scores = activations.softmax(scores, axis=-1)
        if allowed is not None:
            scores = scores * allowed
        dropped = nn.dropout(scores, self.dropout) if training and self.dropout > 0 else scores
        context = math.matmul(dropped, math.transpose(value, (0, 2, 1, 3)))  # (batch, heads, T, value_dim)
        output = self.output_dense(math.transpose(context, (0, 2, 1, 3)))
        return (output, scores) if return_attention_scores else output

    def _allowed(self, query, value, attention_mask, use_causal_mask):
        """Where attention may go, 1.0 or 0.0, shaped (batch, heads, T, S) or 1 on axes it broadcasts over."""
        length, source_length = query.shape[1], value.shape[1]
        allowed = None
        if attention_mask is not None:
            allowed = as_mask(self, attention_mask, "attention_mask")
            expected = (query.shape[0], length, source_length)
            shape = (1,) * (3 - allowed.ndim) + allowed.shape  # missing axes broadcast, as in Keras
            if not 2 <= allowed.ndim <= 3 or any(size not in (1, full) for size, full in zip(shape, expected)):
                raise ValueError(f"MultiHeadAttention '{self.name}' expected attention_mask of shape (batch, "
                                 f"{length}, {source_length}) (or 1 on an axis to broadcast), received "
                                 f"{tuple(allowed.shape)}.")
            allowed = allowed.reshape(shape)
        if use_causal_mask:
            causal = causal_mask(query.xp, length, source_length)
            allowed = causal if allowed is None else allowed & causal
        if allowed is None:
            return None
        return allowed[:, None].astype(query.dtype)  # the heads axis

    def _check_shapes(self, input_shape):
        """The query, value and key shapes; errors name the layer."""
        if not isinstance(input_shape, list) or not 2 <= len(input_shape) <= 3:
            raise ValueError(f"MultiHeadAttention '{self.name}' expected a query and a value, received input "
                             f"shape {input_shape}.")
        query, value = map(tuple, input_shape[:2])
        key = tuple(input_shape[2]) if len(input_shape) == 3 else value
        for name, shape in (("query", query), ("value", value), ("key", key)):
            if len(shape) != 3:
                raise ValueError(f"MultiHeadAttention '{self.name}' takes {name} of shape (batch, time, features) "
                                 f"(attention over the time axis); received {name} shape {shape}.")
            if shape[-1] is None:
                raise ValueError(f"MultiHeadAttention '{self.name}' needs the last axis of {name} to be known, "
                                 f"received shape {shape}.")
        if value[1:-1] != key[1:-1]:
            raise ValueError(f"MultiHeadAttention '{self.name}': all dimensions of value and key but the last "
                             f"must be equal; received value shape {value} and key shape {key}.")
        if self.built:
            for name, shape, projection in (("query", query, self.query_dense), ("value", value, self.value_dense),
                                            ("key", key, self.key_dense)):
                if shape[-1] != projection.kernel_shape[0]:
                    raise ValueError(f"MultiHeadAttention '{self.name}' was built for {name} with last axis "
                                     f"{projection.kernel_shape[0]}, received {name} shape {shape}.")
        return query, value, key

    def compute_output_shape(self, input_shape):
        query, _, _ = self._check_shapes(input_shape)
        return query[:-1] + self._output_dims(query)

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": self._output_shape, "attention_axes": self.attention_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer), "seed": self.seed}


def _as_output_shape(layer, output_shape):
    if output_shape is None:
        return None
    dims = (output_shape,) if isinstance(output_shape, int) else output_shape
    if not isinstance(dims, (list, tuple)) or not dims or not all(isinstance(d, int) and d > 0 for d in dims):
        raise ValueError(f"MultiHeadAttention '{layer.name}': output_shape must be a positive integer or a tuple "
                         f"of them, received {output_shape!r}.")
    return tuple(dims)


def _as_attention_axes(layer, attention_axes):
    """None, or the one axis kerasbook attends over: 1 (also written -2 or [1])."""
    if attention_axes is None:
        return None
    axes = (attention_axes,) if isinstance(attention_axes, int) else tuple(attention_axes)
    if axes not in ((1,), (-2,)):
        raise NotImplementedError(f"MultiHeadAttention '{layer.name}': kerasbook attends over the time axis of "
                                  f"(batch, time, features) inputs only (attention_axes=None or 1); received "
                                  f"attention_axes={attention_axes!r}.")
    return (1,)
