"""keras.io's "Text classification with Transformer" (Keras 3 version), its model code as written.

The two layer classes below are the example's, word for word, with ``import kerasbook
as keras``. The example's sizes (vocab 20000, maxlen 200) shrink to CI's; the
data are random tokens. Keras 3.15.1's summary of this model, at these sizes,
counts 7,040 + 10,656 + 660 + 42 = 18,398 parameters before any training.
"""
import numpy as np

import kerasbook as keras
from kerasbook import ops
from kerasbook import layers
from kerasbook.engine.keras_tensor import KerasTensor


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential(
            [
                layers.Dense(ff_dim, activation="relu"),
                layers.Dense(embed_dim),
            ]
        )
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


vocab_size = 200  # the example's 20000, smaller for CI
maxlen = 20  # the example's 200
embed_dim = 32  # Embedding size for each token
num_heads = 2  # Number of attention heads
ff_dim = 32  # Hidden layer size in feed forward network inside transformer

KERAS_PARAMS = {"token_and_position_embedding": 7040, "transformer_block": 10656, "dense": 660, "dense_1": 42}


def tokens(n=64, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, vocab_size, size=(n, maxlen)), rng.integers(0, 2, size=n)


def test_ops_arange_and_shape_as_keras_ops():
    positions = ops.arange(start=0, stop=5, step=1)
    assert positions.dtype == np.int32 and positions.numpy().tolist() == [0, 1, 2, 3, 4]
    assert ops.arange(4).numpy().tolist() == [0, 1, 2, 3]
    np.testing.assert_allclose(ops.arange(0.0, 1.0, 0.25).numpy(), [0, 0.25, 0.5, 0.75])
    assert ops.arange(0.0, 1.0, 0.25).dtype == np.float32
    assert ops.shape(np.zeros((3, 7))) == (3, 7)
    assert ops.shape(KerasTensor((None, 7))) == (None, 7)


def test_the_blocks_run_as_written_with_kerass_parameter_counts():
    x, _ = tokens(4)
    embedded = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
    block = TransformerBlock(embed_dim, num_heads, ff_dim)
    hidden = embedded(x)
    output = block(hidden)
    assert hidden.shape == output.shape == (4, maxlen, embed_dim)
    assert embedded.count_params() == KERAS_PARAMS["token_and_position_embedding"]
    assert block.count_params() == KERAS_PARAMS["transformer_block"]
    # position t of every sequence gets the same position vector added
    token_vectors = embedded.token_emb(x).numpy()
    np.testing.assert_allclose(hidden.numpy() - token_vectors,
                               np.broadcast_to(embedded.pos_emb.get_weights()[0], hidden.shape), atol=1e-7)
    np.testing.assert_allclose(output.numpy().mean(-1), 0.0, atol=1e-5)  # LayerNormalization last


def test_the_transformer_block_trains_with_fit_in_a_functional_model():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, maxlen, embed_dim)).astype("float32")
    y = (x[:, :, 0].mean(axis=1) > 0).astype("int64")
    inputs = layers.Input(shape=(maxlen, embed_dim))
    block = TransformerBlock(embed_dim, num_heads, ff_dim)
    hidden = layers.GlobalAveragePooling1D()(block(inputs))
    model = keras.Model(inputs=inputs, outputs=layers.Dense(2, activation="softmax")(hidden))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert block.count_params() == KERAS_PARAMS["transformer_block"]
    before = [w.numpy() for w in block.weights]
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert all(not np.array_equal(a, w.numpy()) for a, w in zip(before, block.trainable_weights))


def test_the_example_model_builds_compiles_and_fits_as_written():
    inputs = layers.Input(shape=(maxlen,))
    embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
    x = embedding_layer(inputs)
    transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim)
    x = transformer_block(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(2, activation="softmax")(x)

    model = keras.Model(inputs=inputs, outputs=outputs)
    assert model.count_params() == sum(KERAS_PARAMS.values())  # 18,398, as Keras's summary, before fit

    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    x_train, y_train = tokens(64)
    x_val, y_val = tokens(16, seed=1)
    history = model.fit(
        x_train, y_train, batch_size=32, epochs=2, validation_data=(x_val, y_val), verbose=0
    )
    assert np.isfinite(history.history["loss"]).all() and len(history.history["val_accuracy"]) == 2


def test_dropout_inside_the_block_drops_while_training():
    block = TransformerBlock(embed_dim, num_heads, ff_dim, rate=0.5)
    x = np.random.default_rng(2).normal(size=(2, maxlen, embed_dim)).astype("float32")
    np.testing.assert_array_equal(block(x).numpy(), block(x, training=False).numpy())
    assert not np.allclose(block(x, training=True).numpy(), block(x).numpy())
