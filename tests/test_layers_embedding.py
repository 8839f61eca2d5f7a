"""The Embedding layer: Keras's weight, initializer and shapes, input_length, index errors, gradients."""
import numpy as np
import pytest

from kerasbook.layers import Dense, Input
from kerasbook.layers.core.embedding import Embedding
from kerasbook.layers.recurrent import LSTM
from kerasbook.models import Sequential
from kerasbook.ops.gradient_check import check_gradients


def test_weight_is_keras_embeddings_matrix():
    layer = Embedding(10000, 256)
    layer(np.zeros((2, 3), dtype="int32"))
    (embeddings,) = layer.weights
    assert embeddings.name == "embeddings" and embeddings.path == f"{layer.name}/embeddings"
    assert embeddings.shape == (10000, 256) and embeddings.dtype == np.float32
    assert layer.count_params() == 10000 * 256
    values = embeddings.numpy()  # 'uniform' is Keras's RandomUniform(-0.05, 0.05)
    assert -0.05 <= values.min() < -0.049 and 0.049 < values.max() <= 0.05


@pytest.mark.parametrize("shape", [(4,), (2, 3), (2, 3, 5)])
def test_output_rows_for_indices_of_any_shape(shape):
    layer = Embedding(10, 4)
    indices = np.random.default_rng(0).integers(0, 10, size=shape)
    output = layer(indices)
    assert output.shape == shape + (4,)
    np.testing.assert_array_equal(output.numpy(), layer.get_weights()[0][indices])
    assert layer.compute_output_shape((None,) + shape[1:]) == (None,) + shape[1:] + (4,)


def test_float_indices_are_truncated_like_keras():
    layer = Embedding(10, 2)
    np.testing.assert_array_equal(layer(np.array([[3.0, 7.9]])).numpy(), layer(np.array([[3, 7]])).numpy())


def test_out_of_range_index_names_the_layer():
    layer = Embedding(10, 2, name="words")
    with pytest.raises(ValueError, match=r"Embedding 'words' expected indices in \[0, 9\], received 12\."):
        layer(np.array([[1, 12]]))


def test_input_length_gives_a_model_its_shape_and_is_checked():
    model = Sequential([Embedding(1000, 16, input_length=10), LSTM(8), Dense(1)])
    assert model.output_shape == (None, 1)
    assert model.count_params() == 1000 * 16 + 4 * 8 * (16 + 8 + 1) + 9
    layer = model.layers[0]
    assert layer.get_config()["input_length"] == 10
    with pytest.raises(ValueError, match=f"Embedding '{layer.name}': input_length is 10"):
        layer(np.zeros((2, 12), dtype="int32"))


def test_symbolic_call_on_integer_input():
    output = Embedding(50, 8)(Input(shape=(None,), dtype="int32"))
    assert output.shape == (None, None, 8) and output.dtype == "float32"


def test_gradient_through_the_layer(float64):
    layer = Embedding(6, 3)
    indices = np.array([[0, 5, 5], [2, 5, 0]])
    layer(indices)
    check_gradients(lambda: layer(indices), [], params=layer.weights)


def test_embedding_and_lstm_train_together(float64):
    embedding, lstm = Embedding(7, 4), LSTM(3, recurrent_initializer="glorot_uniform")
    indices = np.array([[1, 6, 6, 2], [0, 1, 3, 3]])
    lstm(embedding(indices))
    check_gradients(lambda: lstm(embedding(indices)), [], params=embedding.weights + lstm.weights)


def test_bad_arguments():
    with pytest.raises(ValueError, match="output_dim must be a positive integer"):
        Embedding(10, 0)
    with pytest.raises(NotImplementedError, match="mask_zero"):
        Embedding(10, 2, mask_zero=True)
