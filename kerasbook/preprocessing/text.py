"""The Keras-2 path ``keras.preprocessing.text``: words to integer indices, texts to vectors.

`Tokenizer` learns a vocabulary from texts, most frequent word first, and turns
texts into lists of word indices (for an `Embedding`) or into one row of
counts per text (for a `Dense` model). Index 0 is never a word: it is left for
padding (`pad_sequences`). The behaviour is Keras 2's, to the tie-break.

Example:
    tokenizer = Tokenizer(num_words=1000)
    tokenizer.fit_on_texts(["The cat sat.", "The dog sat down."])
    tokenizer.word_index                                  # {'the': 1, 'sat': 2, 'cat': 3, 'dog': 4, 'down': 5}
    tokenizer.texts_to_sequences(["the dog sat"])         # [[1, 4, 2]]
    tokenizer.texts_to_matrix(["the dog sat"], mode="count")
"""
import hashlib
import json
import math
from collections import OrderedDict, defaultdict

import numpy

DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'  # punctuation, tabs and newlines; not the apostrophe
MODES = ("binary", "count", "tfidf", "freq")


def text_to_word_sequence(text, filters=DEFAULT_FILTERS, lower=True, split=" "):
    """The words of `text`: lower-cased, every character of `filters` made a separator, split on `split`.

    Example:
        text_to_word_sequence("Hello, World! It's me.")   # ['hello', 'world', "it's", 'me']
    """
    if lower:
        text = text.lower()
    text = text.translate(str.maketrans({character: split for character in filters}))
    return [word for word in text.split(split) if word]


def hashing_trick(text, n, hash_function=None, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """Each word of `text` as ``hash(word) % (n - 1) + 1``: an index in [1, n) without a vocabulary.

    Different words may share an index. `hash_function` is Python's `hash` by
    default, which changes between runs of Python (unless PYTHONHASHSEED is
    set); 'md5' gives the same indices in every run.
    """
    if hash_function is None:
        hash_function = hash
    elif hash_function == "md5":
        hash_function = _md5
    words = analyzer(text) if analyzer is not None else text_to_word_sequence(text, filters, lower, split)
    return [hash_function(word) % (n - 1) + 1 for word in words]


def one_hot(text, n, filters=DEFAULT_FILTERS, lower=True, split=" ", analyzer=None):
    """Keras 2's `one_hot`: despite its name, word indices in [1, n) by `hashing_trick` with Python's `hash`."""
    return hashing_trick(text, n, hash, filters, lower, split, analyzer)


def _md5(word):
    return int(hashlib.md5(word.encode()).hexdigest(), 16)


class Tokenizer:
    """A vocabulary learnt from texts, and the ways to turn texts into numbers with it.

    Args:
        num_words: keep only the `num_words - 1` most frequent words when
            converting (the vocabulary itself keeps every word); None keeps all.
        filters: characters removed from the texts (default: punctuation,
            tabs and newlines, but not the apostrophe).
        lower: lower-case the texts first.
        split: the word separator.
        char_level: every character is a token.
        oov_token: a token for words outside the vocabulary; it gets index 1 and
            stands in for unknown (and beyond-`num_words`) words. Without it,
            such words are dropped.
        analyzer: a function from a text to its tokens, instead of the above.

    After `fit_on_texts`: `word_counts` (word -> count, in order of first
    appearance), `word_docs` (word -> number of texts it is in), `word_index`
    (word -> index, most frequent first, ties in order of first appearance),
    `index_word`, `index_docs` and `document_count`.
    """

    def __init__(self, num_words=None, filters=DEFAULT_FILTERS, lower=True, split=" ", char_level=False,
                 oov_token=None, analyzer=None, document_count=0, **kwargs):
        if "nb_words" in kwargs:  # Keras 1's name
            num_words = kwargs.pop("nb_words")
        if kwargs:
            raise TypeError(f"Tokenizer got unexpected keyword argument(s) {', '.join(map(repr, sorted(kwargs)))}.")
        self.num_words, self.filters, self.lower, self.split = num_words, filters, lower, split
        self.char_level, self.oov_token, self.analyzer = char_level, oov_token, analyzer
        self.document_count = document_count
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.index_docs = defaultdict(int)
        self.word_index = {}
        self.index_word = {}

    def tokens(self, text):
        """The tokens of one text: a list of strings is taken as its tokens already."""
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [token.lower() for token in text] if isinstance(text, list) else text.lower()
            return text
        if self.analyzer is not None:
            return self.analyzer(text)
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    # --- learning the vocabulary ----------------------------------------------------

    def fit_on_texts(self, texts):
        """Count the words of `texts` (strings, or lists of tokens) and index them, most frequent first."""
        for text in texts:
            self.document_count += 1
            tokens = self.tokens(text)
            for word in tokens:
                self.word_counts[word] = self.word_counts.get(word, 0) + 1
            for word in set(tokens):
                self.word_docs[word] += 1
        # sorted() is stable: words with equal counts keep the order they first appeared in
        by_count = sorted(self.word_counts, key=self.word_counts.get, reverse=True)
        vocabulary = ([self.oov_token] if self.oov_token is not None else []) + by_count
        self.word_index = {word: index for index, word in enumerate(vocabulary, start=1)}
        self.index_word = {index: word for word, index in self.word_index.items()}
        for word, count in self.word_docs.items():
            self.index_docs[self.word_index[word]] = count

    def fit_on_sequences(self, sequences):
        """Count, for tf-idf, in how many sequences each index appears (when there are no texts to fit on)."""
        self.document_count += len(sequences)
        for sequence in sequences:
            for index in set(sequence):
                self.index_docs[index] += 1

    # --- texts to numbers and back ----------------------------------------------------

    def texts_to_sequences(self, texts):
        """Each text as its list of word indices (unknown words dropped, or the `oov_token`'s index)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        oov_index = self.word_index.get(self.oov_token)
        for text in texts:
            sequence = []
            for word in self.tokens(text):
                index = self.word_index.get(word)
                if index is not None and not (self.num_words and index >= self.num_words):
                    sequence.append(index)
                elif index is None and self.oov_token is not None:  # an unknown word
                    sequence.append(oov_index)
                elif index is not None and oov_index is not None:  # a word beyond num_words
                    sequence.append(oov_index)
            yield sequence

    def sequences_to_texts(self, sequences):
        """Each list of indices back to a text: its words joined by spaces."""
        return list(self.sequences_to_texts_generator(sequences))

    def sequences_to_texts_generator(self, sequences):
        oov_index = self.word_index.get(self.oov_token)
        for sequence in sequences:
            words = []
            for index in sequence:
                word = self.index_word.get(index)
                if word is not None and not (self.num_words and index >= self.num_words):
                    words.append(word)
                elif word is None and self.oov_token is not None:  # an unknown index
                    words.append(self.index_word[oov_index])
                elif word is not None and oov_index is not None:  # an index beyond num_words
                    words.append(self.index_word[oov_index])
            yield " ".join(words)

    def texts_to_matrix(self, texts, mode="binary"):
        """One row per text, one column per word index (see `sequences_to_matrix` for the modes)."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode=mode)

    def sequences_to_matrix(self, sequences, mode="binary"):
        """A float64 array (len(sequences), num_words): for each sequence, a value per word index.

        Modes, for a word seen c times in a sequence of length n:
            'binary': 1; 'count': c; 'freq': c / n;
            'tfidf': ``(1 + log(c)) * log(1 + documents / (1 + documents with the word))``.
        Column 0 stays 0 (no word has index 0); indices >= num_words are left out.
        """
        if mode not in MODES:
            raise ValueError(f"Unknown vectorization mode {mode!r}: expected one of {MODES}.")
        if self.num_words:
            num_words = self.num_words
        elif self.word_index:
            num_words = len(self.word_index) + 1
        else:
            raise ValueError("Specify a dimension (`num_words` argument), or fit on some text data first.")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Fit the Tokenizer on some data before using tfidf mode.")
        matrix = numpy.zeros((len(sequences), num_words))
        for row, sequence in enumerate(sequences):
            counts = defaultdict(int)
            for index in sequence:
                if index < num_words:
                    counts[index] += 1
            for index, count in counts.items():
                if mode == "count":
                    matrix[row, index] = count
                elif mode == "freq":
                    matrix[row, index] = count / len(sequence)
                elif mode == "binary":
                    matrix[row, index] = 1
                else:
                    idf = math.log(1 + self.document_count / (1 + self.index_docs.get(index, 0)))
                    matrix[row, index] = (1 + math.log(count)) * idf
        return matrix

    # --- saving -------------------------------------------------------------------------

    def get_config(self):
        """Keras 2's config: the settings, and the counts and indices as JSON strings."""
        return {
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
            "char_level": self.char_level, "oov_token": self.oov_token, "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        """The tokenizer as a JSON string that `tokenizer_from_json` reads (Keras 2's format)."""
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string):
    """A `Tokenizer` from `Tokenizer.to_json()`'s string (also one Keras 2 wrote)."""
    config = dict(json.loads(json_string)["config"])
    tables = {key: json.loads(config.pop(key))
              for key in ("word_counts", "word_docs", "index_docs", "index_word", "word_index")}
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = tables["word_counts"]
    tokenizer.word_docs = tables["word_docs"]
    tokenizer.index_docs = {int(index): count for index, count in tables["index_docs"].items()}  # JSON keys are text
    tokenizer.index_word = {int(index): word for index, word in tables["index_word"].items()}
    tokenizer.word_index = tables["word_index"]
    return tokenizer
