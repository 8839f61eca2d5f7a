"""`Attention`: each query position takes an average of the values, weighted by how well it matches each key."""
from ...engine.keras_tensor import is_symbolic, map_structure
from ...engine.layer import Layer
from ...ops import activations, math, nn
from .masks import LARGE_NUMBER, as_mask, causal_mask, refuse_symbolic_mask, refuse_symbolic_scores


class Attention(Layer):
    """Dot-product (Luong-style) attention, as Keras 3's `Attention`.

    Called on ``[query, value]`` or ``[query, value, key]``, of shapes (batch, Tq, dim),
    (batch, Tv, value_dim) and (batch, Tv, dim); the key is the value when not given.

    1. ``scores = query @ key.T`` (batch, Tq, Tv), times a learned `scale` if
       `use_scale`; or, with ``score_mode='concat'``,
       ``scores[i, j] = concat_score_weight * sum(tanh(scale * (query[i] + key[j])))``.
    2. Masked scores are lowered by 1e9, so the softmax over Tv gives them weight 0.
    3. ``output = softmax(scores) @ value`` (batch, Tq, value_dim); `dropout`
       drops attention weights while training.

    ``mask=[query_mask, value_mask]`` (booleans, (batch, Tq) and (batch, Tv)): value
    positions that are False are not attended to; query positions that are False
    give 0. ``use_causal_mask=True`` lets position i see only positions j <= i.
    ``return_attention_scores=True`` also returns the weights (after masking and softmax).

    Example:
        context = Attention()([decoder_states, encoder_states])
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Attention '{self.name}': score_mode must be 'dot' or 'concat', "
                             f"received {score_mode!r}.")
        if not 0 <= dropout < 1:
            raise ValueError(f"Attention '{self.name}': dropout must be in [0, 1), received {dropout!r}.")
        self.use_scale, self.score_mode, self.dropout, self.seed = use_scale, score_mode, dropout, seed

    def build(self, input_shape):
        self._check_shapes(input_shape)
        self.scale = self.add_weight("scale", (), "ones") if self.use_scale else None
        self.concat_score_weight = (self.add_weight("concat_score_weight", (), "ones")
                                    if self.score_mode == "concat" else None)

    def __call__(self, inputs, training=None, **kwargs):
        if kwargs.get("return_attention_scores") and is_symbolic(inputs):
            refuse_symbolic_scores(self)
        refuse_symbolic_mask(self, kwargs.get("mask"), "mask")
        return super().__call__(inputs, training=training, **kwargs)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False, use_causal_mask=False):
        self._check_shapes(map_structure(lambda tensor: tuple(tensor.shape), inputs))
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        query_mask, value_mask = self._masks(mask)
        scores = self._scores(query, key)
        allowed = None if value_mask is None else value_mask[..., None, :]  # (batch, 1, Tv)
        if use_causal_mask:
            causal = causal_mask(query.xp, query.shape[-2], key.shape[-2])
            allowed = causal if allowed is None else allowed & causal
        if allowed is not None:
            scores = scores - LARGE_NUMBER * (~allowed).astype(scores.dtype)
        weights = activations.softmax(scores, axis=-1)
        dropped = nn.dropout(weights, self.dropout) if training and self.dropout > 0 else weights
        output = math.matmul(dropped, value)
        if query_mask is not None:
            output = output * query_mask[..., None].astype(output.dtype)
        return (output, weights) if return_attention_scores else output

    def _scores(self, query, key):
        """(batch, Tq, Tv): how well each query matches each key."""
        if self.score_mode == "dot":
            rank = len(key.shape)
            scores = math.matmul(query, math.transpose(key, tuple(range(rank - 2)) + (rank - 1, rank - 2)))
            return scores if self.scale is None else scores * self.scale
        query = math.reshape(query, query.shape[:-1] + (1, query.shape[-1]))  # (batch, Tq, 1, dim)
        key = math.reshape(key, key.shape[:-2] + (1,) + key.shape[-2:])  # (batch, 1, Tv, dim)
        pairs = query + key if self.scale is None else self.scale * (query + key)
        return self.concat_score_weight * math.sum(activations.tanh(pairs), axis=-1)

    def _masks(self, mask):
        if mask is None:
            return None, None
        if not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3:
            raise ValueError(f"Attention '{self.name}': mask must be a list [query_mask, value_mask], "
                             f"received {mask!r}.")
        return tuple(None if m is None else as_mask(self, m, what) for m, what in
                     zip(mask[:2], ("query_mask", "value_mask")))

    def _check_shapes(self, input_shape):
        if not isinstance(input_shape, list) or not 2 <= len(input_shape) <= 3:
            raise ValueError(f"Attention '{self.name}' must be called on a list of inputs, [query, value] or "
                             f"[query, value, key]; received input shape {input_shape}.")
        query, value = input_shape[0], input_shape[1]
        key = input_shape[2] if len(input_shape) == 3 else value
        if len(query) < 3 or len(value) != len(query) or len(key) != len(query):
            raise ValueError(f"Attention '{self.name}' expected query, value and key of one rank, at least 3 "
                             f"(batch, time, features); received shapes {list(map(tuple, input_shape))}.")
        if not _same(query[-1], key[-1]):
            raise ValueError(f"Attention '{self.name}' expected query and key with the same last axis "
                             f"(score_mode={self.score_mode!r}), received query shape {tuple(query)} and key "
                             f"shape {tuple(key)}.")
        if not _same(key[-2], value[-2]):
            raise ValueError(f"Attention '{self.name}' expected key and value with the same number of time steps, "
                             f"received key shape {tuple(key)} and value shape {tuple(value)}.")

    def compute_output_shape(self, input_shape):
        self._check_shapes(input_shape)
        return tuple(input_shape[0][:-1]) + (input_shape[1][-1],)

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}


def _same(a, b):
    return a is None or b is None or a == b
