"""Record Keras 2's Tokenizer on small texts as test data (keras.preprocessing.text).

Keras 3 dropped ``keras.preprocessing.text``; Keras 2 took it from the
keras-preprocessing package, which installs alone (pure Python, no TensorFlow):

    python -m venv /tmp/kerasref4 && /tmp/kerasref4/bin/pip install keras-preprocessing
    /tmp/kerasref4/bin/python tools/record_keras_reference_text.py

It writes tests/data/keras_reference/text.json: for each tokenizer setting, its
vocabulary tables, sequences, texts back from sequences, and matrices in the four
modes; and `text_to_word_sequence` and md5 `hashing_trick` on a few strings.
tests/test_preprocessing_text.py reads this file.
"""
import json
import pathlib

import keras_preprocessing
from keras_preprocessing.text import Tokenizer, hashing_trick, text_to_word_sequence

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_reference" / "text.json"

TEXTS = [
    "The quick brown fox jumps over the lazy dog.",
    "The dog barks; the fox runs away!",
    "A lazy afternoon: the dog sleeps, the fox doesn't.",
    "Quick, quick -- said the brown hen\tto the fox.\nNo answer.",
]
NEW_TEXTS = ["the fox and the hen", "a zebra jumps over the quick dog", ""]
TOKEN_LISTS = [["The", "Fox", "fox"], ["dog", "THE", "cat"]]

SETTINGS = {
    "default": {},
    "num_words": {"num_words": 5},
    "oov": {"oov_token": "<OOV>"},
    "num_words_oov": {"num_words": 6, "oov_token": "<OOV>"},
    "char_level": {"char_level": True},
    "no_lower": {"lower": False},
    "filters_split": {"filters": ".,;!", "split": " "},
    "no_filters": {"filters": ""},
}


def tables(tokenizer):
    return {"word_counts": list(tokenizer.word_counts.items()), "word_docs": dict(tokenizer.word_docs),
            "word_index": tokenizer.word_index, "index_word": {str(k): v for k, v in tokenizer.index_word.items()},
            "index_docs": {str(k): v for k, v in tokenizer.index_docs.items()},
            "document_count": tokenizer.document_count}


def run(settings, texts):
    tokenizer = Tokenizer(**settings)
    tokenizer.fit_on_texts(texts)
    sequences = tokenizer.texts_to_sequences(texts + NEW_TEXTS)
    result = {"settings": settings, "texts": texts, "new_texts": NEW_TEXTS, **tables(tokenizer),
              "sequences": sequences,
              "sequences_to_texts": tokenizer.sequences_to_texts(sequences),
              "matrices": {mode: tokenizer.texts_to_matrix(texts + NEW_TEXTS, mode=mode).tolist()
                           for mode in ("binary", "count", "tfidf", "freq")},
              "to_json": tokenizer.to_json()}
    return result


def main():
    record = {"keras_preprocessing_version": keras_preprocessing.__version__,
              "tokenizers": {name: run(settings, TEXTS) for name, settings in SETTINGS.items()}}
    record["tokenizers"]["token_lists"] = run({}, TOKEN_LISTS)
    on_sequences = Tokenizer(num_words=8)
    sequences = [[1, 2, 2, 5], [3, 5, 7, 9], [2]]
    on_sequences.fit_on_sequences(sequences)
    record["fit_on_sequences"] = {"sequences": sequences, "document_count": on_sequences.document_count,
                                  "index_docs": {str(k): v for k, v in on_sequences.index_docs.items()},
                                  "tfidf": on_sequences.sequences_to_matrix(sequences, mode="tfidf").tolist()}
    strings = ["Hello, World! It's me.", "tabs\tand\nnewlines", "  spaces   everywhere ", "UPPER lower"]
    record["text_to_word_sequence"] = [[s, text_to_word_sequence(s)] for s in strings]
    record["text_to_word_sequence_options"] = [[s, text_to_word_sequence(s, filters="!", lower=False, split=",")]
                                               for s in ["a,b!,C,,d", "Hello!,World"]]
    record["hashing_trick_md5"] = [[s, hashing_trick(s, 20, hash_function="md5")] for s in TEXTS]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(record, sort_keys=True) + "\n")
    print(f"wrote {OUT} (keras-preprocessing {keras_preprocessing.__version__})")


if __name__ == "__main__":
    main()
