"""`Embedding`: turn integer indices (words, items) into learned dense vectors."""
from ... import constraints, initializers, regularizers
from ...engine.layer import Layer
from ...ops.embedding import embedding


class Embedding(Layer):
    """Row ``i`` of the ``embeddings`` weight (input_dim, output_dim) stands for index ``i``.

    Inputs are integer indices of any shape, each in ``[0, input_dim)``; float
    inputs are truncated to integers, as Keras does. `input_length` is Keras 2's
    way of fixing the sequence length up front (so a model can be summarised
    before seeing data); inputs of another length are refused.

    Example:
        model = Sequential([Embedding(10000, 256, input_length=100), LSTM(128), Dense(1)])
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, input_length=None, **kwargs):
        if input_length is not None and "input_shape" not in kwargs and "batch_input_shape" not in kwargs:
            kwargs["input_shape"] = _as_tuple(input_length)
        super().__init__(**kwargs)
        for argument, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"Embedding '{self.name}': {argument} must be a positive integer, "
                                 f"received {value!r}.")
        if mask_zero:
            raise NotImplementedError(f"Embedding '{self.name}': mask_zero=True is not implemented (kerasbook "
                                      f"has no masks); pad with an index the model can learn to ignore.")
        self.input_dim, self.output_dim = input_dim, output_dim
        self.embeddings_initializer = embeddings_initializer
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.input_length = input_length

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer, regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs):
        self.check_length(inputs.shape)
        indices = inputs.data
        if indices.dtype.kind not in "iu":
            indices = indices.astype("int32")
        return embedding(indices, self.embeddings, name=self.name)

    def check_length(self, input_shape):
        if self.input_length is None:
            return
        expected, received = _as_tuple(self.input_length), tuple(input_shape[1:])
        if len(received) != len(expected) or any(e is not None and r is not None and e != r
                                                 for e, r in zip(expected, received)):
            raise ValueError(f"Embedding '{self.name}': input_length is {self.input_length}, but received input "
                             f"has shape {tuple(input_shape)}.")

    def compute_output_shape(self, input_shape):
        self.check_length(input_shape)
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        config = {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                  "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                  "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                  "embeddings_constraint": constraints.serialize(self.embeddings_constraint), "mask_zero": False}
        if self.input_length is not None:  # Keras 3 accepts it (deprecated) and does not write it
            config["input_length"] = self.input_length
        return config


def _as_tuple(length):
    return tuple(length) if isinstance(length, (list, tuple)) else (length,)
