"""The Keras guide's models at small sizes, written once for either library (kerasbook or real Keras).

Each builder takes the library module (``kerasbook`` or ``keras``) and returns
``(model, inputs)``: the model, and a function of a NumPy generator that makes
a batch of inputs for it. The saving tests build a model with one library and
open its file with the other.
"""
import numpy as np


def mlp_with_dropout(lib):
    L = lib.layers
    model = lib.Sequential([lib.Input((20,)), L.Dense(16, activation="relu"), L.Dropout(0.5),
                            L.Dense(16, activation="relu"), L.Dropout(0.5), L.Dense(4, activation="softmax")])
    return model, lambda rng: [rng.random((6, 20), dtype="float32")]


def vgg_like(lib):
    L = lib.layers
    model = lib.Sequential([
        lib.Input((12, 12, 3)), L.Conv2D(4, (3, 3), activation="relu"), L.Conv2D(4, (3, 3), activation="relu"),
        L.MaxPooling2D(pool_size=(2, 2)), L.Dropout(0.25), L.Conv2D(8, (3, 3), activation="relu"),
        L.MaxPooling2D(pool_size=(2, 2)), L.Flatten(), L.Dense(16, activation="relu"), L.Dropout(0.5),
        L.Dense(3, activation="softmax")])
    return model, lambda rng: [rng.random((4, 12, 12, 3), dtype="float32")]


def embedding_lstm(lib):
    L = lib.layers
    model = lib.Sequential([lib.Input((10,), dtype="int32"), L.Embedding(50, 8), L.LSTM(6), L.Dropout(0.5),
                            L.Dense(1, activation="sigmoid")])
    return model, lambda rng: [rng.integers(0, 50, size=(5, 10)).astype("int32")]


def gru_and_simple_rnn_stack(lib):
    L = lib.layers
    model = lib.Sequential([lib.Input((7, 5)), L.GRU(6, return_sequences=True), L.SimpleRNN(4, return_sequences=True),
                            L.GRU(3), L.Dense(2)])
    return model, lambda rng: [rng.random((3, 7, 5), dtype="float32")]


def conv1d(lib):
    L = lib.layers
    model = lib.Sequential([lib.Input((20, 4)), L.Conv1D(8, 3, activation="relu"), L.Conv1D(8, 3, activation="relu"),
                            L.MaxPooling1D(3), L.Conv1D(8, 3, activation="relu"), L.GlobalAveragePooling1D(),
                            L.Dropout(0.5), L.Dense(1, activation="sigmoid")])
    return model, lambda rng: [rng.random((4, 20, 4), dtype="float32")]


def multi_input_multi_output(lib):
    L = lib.layers
    main_input = lib.Input(shape=(12,), dtype="int32", name="main_input")
    x = L.Embedding(output_dim=8, input_dim=100)(main_input)
    lstm_out = L.LSTM(6)(x)
    auxiliary_output = L.Dense(1, activation="sigmoid", name="aux_output")(lstm_out)
    auxiliary_input = lib.Input(shape=(5,), name="aux_input")
    x = L.concatenate([lstm_out, auxiliary_input])
    x = L.Dense(8, activation="relu")(x)
    x = L.Dense(8, activation="relu")(x)
    main_output = L.Dense(1, activation="sigmoid", name="main_output")(x)
    model = lib.Model(inputs=[main_input, auxiliary_input], outputs=[main_output, auxiliary_output])
    return model, lambda rng: [rng.integers(0, 100, size=(4, 12)).astype("int32"), rng.random((4, 5), dtype="float32")]


def inception_module(lib):
    L = lib.layers
    input_img = lib.Input(shape=(8, 8, 3))
    tower_1 = L.Conv2D(4, (1, 1), padding="same", activation="relu")(input_img)
    tower_1 = L.Conv2D(4, (3, 3), padding="same", activation="relu")(tower_1)
    tower_2 = L.Conv2D(4, (1, 1), padding="same", activation="relu")(input_img)
    tower_2 = L.Conv2D(4, (5, 5), padding="same", activation="relu")(tower_2)
    tower_3 = L.MaxPooling2D((3, 3), strides=(1, 1), padding="same")(input_img)
    tower_3 = L.Conv2D(4, (1, 1), padding="same", activation="relu")(tower_3)
    output = L.concatenate([tower_1, tower_2, tower_3], axis=1)
    return lib.Model(input_img, output), lambda rng: [rng.random((2, 8, 8, 3), dtype="float32")]


def residual_connection(lib):
    L = lib.layers
    x = lib.Input(shape=(8, 8, 3))
    y = L.Conv2D(3, (3, 3), padding="same")(x)
    z = L.add([x, y])
    return lib.Model(x, z), lambda rng: [rng.random((2, 8, 8, 3), dtype="float32")]


def shared_lstm(lib):
    L = lib.layers
    tweet_a, tweet_b = lib.Input(shape=(6, 5)), lib.Input(shape=(6, 5))
    lstm = L.LSTM(4)
    merged = L.concatenate([lstm(tweet_a), lstm(tweet_b)], axis=-1)
    predictions = L.Dense(1, activation="sigmoid")(merged)
    model = lib.Model(inputs=[tweet_a, tweet_b], outputs=predictions)
    return model, lambda rng: [rng.random((3, 6, 5), dtype="float32"), rng.random((3, 6, 5), dtype="float32")]


def nested_sequential_with_time_distributed(lib):
    L = lib.layers
    vision = lib.Sequential([lib.Input((8, 8, 3)), L.Conv2D(4, (3, 3), activation="relu"), L.MaxPooling2D((2, 2)),
                             L.Flatten()])
    image_input = lib.Input(shape=(8, 8, 3))
    encoded_image = vision(image_input)
    video_input = lib.Input(shape=(3, 8, 8, 3))
    encoded_video = L.LSTM(5)(L.TimeDistributed(vision)(video_input))
    merged = L.concatenate([encoded_video, encoded_image])
    output = L.Dense(2, activation="softmax")(merged)
    model = lib.Model(inputs=[image_input, video_input], outputs=output)
    return model, lambda rng: [rng.random((2, 8, 8, 3), dtype="float32"), rng.random((2, 3, 8, 8, 3), dtype="float32")]


GUIDE_MODELS = [mlp_with_dropout, vgg_like, embedding_lstm, gru_and_simple_rnn_stack, conv1d, multi_input_multi_output,
                inception_module, residual_connection, shared_lstm, nested_sequential_with_time_distributed]


def as_list(outputs):
    return [np.asarray(o) for o in outputs] if isinstance(outputs, (list, tuple)) else [np.asarray(outputs)]


def real_keras():
    """Keras 3 on JAX, or skip: the interop tests need `pip install keras jax` (the `test` extra)."""
    import os
    import sys

    import pytest
    if "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = "jax"
    pytest.importorskip("jax", reason="the Keras interop tests run Keras 3 on JAX: pip install jax keras")
    return pytest.importorskip("keras", minversion="3.0",
                               reason="the Keras interop tests need Keras 3: pip install keras")
