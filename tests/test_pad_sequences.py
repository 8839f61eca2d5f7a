"""pad_sequences: Keras's rules for padding and truncating lists of token ids."""
import numpy as np
import pytest

import kerasbook as keras
from kerasbook.utils import pad_sequences

SEQUENCES = [[1, 2, 3, 4], [5], [], [6, 7]]


def test_pre_padding_and_pre_truncating_keep_the_last_tokens():
    np.testing.assert_array_equal(pad_sequences(SEQUENCES, maxlen=3),
                                  [[2, 3, 4], [0, 0, 5], [0, 0, 0], [0, 6, 7]])


def test_post_padding_and_post_truncating_keep_the_first_tokens():
    np.testing.assert_array_equal(pad_sequences(SEQUENCES, maxlen=3, padding="post", truncating="post", value=-1),
                                  [[1, 2, 3], [5, -1, -1], [-1, -1, -1], [6, 7, -1]])


def test_without_maxlen_every_row_is_as_long_as_the_longest():
    padded = pad_sequences(SEQUENCES)
    assert padded.shape == (4, 4) and padded.dtype == np.int32
    np.testing.assert_array_equal(padded[1], [0, 0, 0, 5])


def test_sequences_of_vectors_and_other_dtypes():
    vectors = [np.ones((2, 3)), np.full((1, 3), 2.0)]
    padded = pad_sequences(vectors, maxlen=3, dtype="float32", padding="post")
    assert padded.shape == (2, 3, 3) and padded.dtype == np.float32
    np.testing.assert_array_equal(padded[1, :, 0], [2, 0, 0])


def test_the_keras_2_path_is_the_same_function():
    assert keras.preprocessing.sequence.pad_sequences is pad_sequences
    from kerasbook.preprocessing.sequence import pad_sequences as old_path
    assert old_path is pad_sequences


def test_mistakes_are_named():
    with pytest.raises(ValueError, match="padding must be 'pre' or 'post', received 'middle'"):
        pad_sequences(SEQUENCES, padding="middle")
    with pytest.raises(ValueError, match="item at position 1 is not one: 7"):
        pad_sequences([[1], 7])
    with pytest.raises(ValueError, match=r"sequence at position 1 have shape \(2,\), those before have shape \(3,\)"):
        pad_sequences([np.ones((2, 3)), np.ones((2, 2))])
