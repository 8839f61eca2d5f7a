"""`keras.preprocessing.text`: Tokenizer, text_to_word_sequence, one_hot, hashing_trick, as Keras 2 has them.

Hand-worked examples of Keras's documented behaviour, then every table, sequence
and matrix against Keras 2's own Tokenizer (keras-preprocessing), recorded in
tests/data/keras_reference/text.json by tools/record_keras_reference_text.py.
"""
import json
import math
import pathlib

import numpy as np
import pytest

from kerasbook.preprocessing.text import Tokenizer, hashing_trick, one_hot, text_to_word_sequence, tokenizer_from_json

REFERENCE = json.loads((pathlib.Path(__file__).parent / "data" / "keras_reference" / "text.json").read_text())
TEXTS = ["The cat sat on the mat.", "The dog sat.", "A cat, a dog!"]


def fitted(**settings):
    tokenizer = Tokenizer(**settings)
    tokenizer.fit_on_texts(TEXTS)
    return tokenizer


# --- hand-worked examples -------------------------------------------------------------

def test_text_to_word_sequence_lowers_and_drops_punctuation_but_not_apostrophes():
    assert text_to_word_sequence("Hello, World! It's me.") == ["hello", "world", "it's", "me"]
    assert text_to_word_sequence("tabs\tand\nnewlines  twice") == ["tabs", "and", "newlines", "twice"]
    assert text_to_word_sequence("A-b,C", filters="", lower=False, split=",") == ["A-b", "C"]


def test_word_index_is_most_frequent_first_ties_in_order_of_appearance():
    tokenizer = fitted()
    # the: 3, cat: 2, sat: 2, a: 2, dog: 2, on: 1, mat: 1; ties keep their first appearance's order
    assert tokenizer.word_index == {"the": 1, "cat": 2, "sat": 3, "dog": 4, "a": 5, "on": 6, "mat": 7}
    assert tokenizer.index_word[1] == "the" and tokenizer.document_count == 3
    assert list(tokenizer.word_counts.items())[:3] == [("the", 3), ("cat", 2), ("sat", 2)]
    assert tokenizer.word_docs["the"] == 2 and tokenizer.word_docs["a"] == 1  # texts containing it
    assert tokenizer.index_docs[1] == 2


def test_texts_to_sequences_drops_unknown_words_and_keeps_num_words_minus_one():
    assert fitted().texts_to_sequences(["the zebra sat on a mat"]) == [[1, 3, 6, 5, 7]]
    assert fitted(num_words=4).texts_to_sequences(["the zebra sat on a mat"]) == [[1, 3]]  # indices 1..3 only


def test_oov_token_takes_index_1_and_stands_in_for_unknown_words():
    tokenizer = fitted(oov_token="<unk>", num_words=5)
    assert tokenizer.word_index["<unk>"] == 1 and tokenizer.word_index["the"] == 2
    assert tokenizer.texts_to_sequences(["the zebra sat on a mat"]) == [[2, 1, 4, 1, 1, 1]]
    assert tokenizer.sequences_to_texts([[2, 1, 4, 9]]) == ["the <unk> sat <unk>"]


def test_matrix_modes():
    tokenizer = fitted()
    text = ["the cat the"]
    count = tokenizer.texts_to_matrix(text, mode="count")
    assert count.shape == (1, 8) and count.dtype == np.float64
    np.testing.assert_array_equal(count[0], [0, 2, 1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(tokenizer.texts_to_matrix(text)[0], [0, 1, 1, 0, 0, 0, 0, 0])  # binary
    np.testing.assert_allclose(tokenizer.texts_to_matrix(text, mode="freq")[0, 1:3], [2 / 3, 1 / 3])
    tfidf = tokenizer.texts_to_matrix(text, mode="tfidf")[0]
    # 'the': seen twice, in 2 of 3 documents: (1 + log 2) * log(1 + 3 / (1 + 2))
    assert tfidf[1] == pytest.approx((1 + math.log(2)) * math.log(1 + 3 / 3))
    assert tfidf[2] == pytest.approx(1 * math.log(1 + 3 / (1 + 2)))  # 'cat': once, in 2 documents


def test_char_level_and_lists_of_tokens():
    chars = Tokenizer(char_level=True)
    chars.fit_on_texts(["abba", "Cab"])
    assert chars.word_index == {"a": 1, "b": 2, "c": 3}
    tokens = Tokenizer()
    tokens.fit_on_texts([["New", "York"], ["new", "jersey"]])
    assert tokens.word_index == {"new": 1, "york": 2, "jersey": 3}


def test_fit_on_sequences_feeds_tfidf():
    tokenizer = Tokenizer(num_words=4)
    tokenizer.fit_on_sequences([[1, 2], [2, 3, 3]])
    assert tokenizer.document_count == 2 and dict(tokenizer.index_docs) == {1: 1, 2: 2, 3: 1}
    assert tokenizer.sequences_to_matrix([[3, 3]], mode="tfidf")[0, 3] == pytest.approx(
        (1 + math.log(2)) * math.log(1 + 2 / 2))


def test_errors_say_what_to_do():
    with pytest.raises(ValueError, match="Specify a dimension"):
        Tokenizer().sequences_to_matrix([[1]])
    with pytest.raises(ValueError, match="before using tfidf"):
        Tokenizer(num_words=3).sequences_to_matrix([[1]], mode="tfidf")
    with pytest.raises(ValueError, match="Unknown vectorization mode 'counts'"):
        fitted().texts_to_matrix(["the"], mode="counts")
    with pytest.raises(TypeError, match="'num_word'"):
        Tokenizer(num_word=3)


def test_json_round_trip_keeps_everything():
    tokenizer = fitted(num_words=6, oov_token="<unk>")
    restored = tokenizer_from_json(tokenizer.to_json())
    assert restored.word_index == tokenizer.word_index and restored.index_word == tokenizer.index_word
    assert restored.num_words == 6 and restored.oov_token == "<unk>" and restored.document_count == 3
    for mode in ("binary", "tfidf"):
        np.testing.assert_array_equal(restored.texts_to_matrix(TEXTS, mode), tokenizer.texts_to_matrix(TEXTS, mode))


def test_hashing_trick_and_one_hot_give_indices_from_1_to_n_minus_1():
    indices = hashing_trick("the cat sat on the mat", 10, hash_function="md5")
    assert len(indices) == 6 and indices[0] == indices[4] and all(1 <= i < 10 for i in indices)
    assert hashing_trick("a b", 5, hash_function=len) == [2, 2]
    hashed = one_hot("The cat, the hat.", 50)  # Python's hash: stable within one run
    assert len(hashed) == 4 and hashed[0] == hashed[2] and all(1 <= i < 50 for i in hashed)


def test_keras_2_path():
    import kerasbook.preprocessing.text as text
    from kerasbook import preprocessing
    assert preprocessing.text is text and text.Tokenizer is Tokenizer


# --- against Keras 2's Tokenizer ----------------------------------------------------------

@pytest.mark.parametrize("name", sorted(REFERENCE["tokenizers"]))
def test_tokenizer_equals_keras(name):
    expected = REFERENCE["tokenizers"][name]
    tokenizer = Tokenizer(**expected["settings"])
    tokenizer.fit_on_texts(expected["texts"])
    assert [list(pair) for pair in tokenizer.word_counts.items()] == expected["word_counts"]
    assert dict(tokenizer.word_docs) == expected["word_docs"]
    assert tokenizer.word_index == expected["word_index"]
    assert {str(k): v for k, v in tokenizer.index_word.items()} == expected["index_word"]
    assert {str(k): v for k, v in tokenizer.index_docs.items()} == expected["index_docs"]
    assert tokenizer.document_count == expected["document_count"]
    texts = expected["texts"] + expected["new_texts"]
    sequences = tokenizer.texts_to_sequences(texts)
    assert sequences == expected["sequences"]
    assert tokenizer.sequences_to_texts(sequences) == expected["sequences_to_texts"]
    for mode, matrix in expected["matrices"].items():
        np.testing.assert_array_equal(tokenizer.texts_to_matrix(texts, mode=mode), matrix, err_msg=mode)
    assert parsed(tokenizer.to_json()) == parsed(expected["to_json"])
    assert tokenizer_from_json(expected["to_json"]).texts_to_sequences(texts) == expected["sequences"]


def parsed(json_string):
    """A tokenizer's JSON with its tables read too (word_docs's order follows Python's string hashing)."""
    config = json.loads(json_string)["config"]
    return {key: json.loads(value) if key in ("word_counts", "word_docs", "index_docs", "index_word", "word_index")
            else value for key, value in config.items()}


def test_fit_on_sequences_equals_keras():
    expected = REFERENCE["fit_on_sequences"]
    tokenizer = Tokenizer(num_words=8)
    tokenizer.fit_on_sequences(expected["sequences"])
    assert tokenizer.document_count == expected["document_count"]
    assert {str(k): v for k, v in tokenizer.index_docs.items()} == expected["index_docs"]
    np.testing.assert_array_equal(tokenizer.sequences_to_matrix(expected["sequences"], mode="tfidf"),
                                  expected["tfidf"])


def test_word_sequences_and_md5_hashing_equal_keras():
    for text, words in REFERENCE["text_to_word_sequence"]:
        assert text_to_word_sequence(text) == words
    for text, words in REFERENCE["text_to_word_sequence_options"]:
        assert text_to_word_sequence(text, filters="!", lower=False, split=",") == words
    for text, indices in REFERENCE["hashing_trick_md5"]:
        assert hashing_trick(text, 20, hash_function="md5") == indices
