"""`Layer` (kerasbook/engine/layer.py): what every layer accepts before its own code runs."""
import numpy as np
import pytest

import kerasbook as keras
from kerasbook.layers import LSTM, Conv2D, Dense, Embedding, Flatten, Reshape


def test_numpy_integers_are_taken_wherever_keras_takes_an_int():
    classes, width = np.int64(10), np.int32(8)  # sizes a tutorial computed with NumPy
    model = keras.Sequential([keras.Input(shape=(width, width, 1)), Conv2D(np.int32(4), np.int64(3)),
                              Flatten(), Dense(classes * 2), Reshape((classes, np.int64(2))), LSTM(np.int64(5)),
                              Dense(classes, activation="softmax")])
    assert model.output_shape == (None, 10)
    conv = model.layers[0]
    assert conv.filters == 4 and type(conv.filters) is int
    assert all(type(size) is int for size in conv.kernel_size)
    embedding = Embedding(np.int64(100), np.int32(4))
    assert embedding.get_config()["input_dim"] == 100 and type(embedding.get_config()["input_dim"]) is int
    model.compile("sgd", "sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((4, 8, 8, 1)).astype("float32")
    model.fit(x, np.arange(4), verbose=0)  # and it trains


def test_a_numpy_float_is_still_refused_where_an_int_is_needed():
    with pytest.raises((TypeError, ValueError), match="units"):
        Dense(np.float64(3.0))
