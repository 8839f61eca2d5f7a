"""IMDB: 50,000 movie reviews labelled positive (1) or negative (0), each a list of word indices.

Keras's `imdb.npz`, processed exactly as Keras does: both halves shuffled with one
`RandomState(seed)`, each review prefixed with `start_char`, every index moved up by
`index_from` (0 is padding, 1 the start, 2 an unknown word), reviews of `maxlen` words
or more dropped, and words outside `[skip_top, num_words)` turned into `oov_char`.
The reviews are ragged, so the file holds pickled object arrays; kerasbook reads them
as data (`download.load_npz_of_sequences`), never unpickling anything.
"""
import json

import numpy

from .download import get_file, load_npz_of_sequences

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_HASH = "bfafd718b763782e994055a2d397834f"  # MD5, as Keras pins it


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2,
              index_from=3, cache_dir=None):
    """Load the IMDB reviews, downloading them on first use.

    Args:
        num_words: keep the `num_words` most frequent words (indices below it); None keeps all.
        skip_top: also treat the `skip_top` most frequent words as unknown.
        maxlen: drop reviews of `maxlen` words or more.
        seed: the seed of the shuffle.
        start_char, oov_char, index_from: the start marker, the unknown-word index, and
            how far every word index is moved up (Keras's defaults 1, 2, 3).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of ints, and 0/1 labels.

    Example:
        (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)
    """
    arrays = load_npz_of_sequences(get_file(path, ORIGIN + "imdb.npz", file_hash=FILE_HASH, cache_dir=cache_dir))
    return _process(arrays, num_words, skip_top, maxlen, seed, start_char, oov_char, index_from)


def get_word_index(path="imdb_word_index.json", cache_dir=None):
    """``{word: index}`` for the IMDB reviews (before `index_from` is added), downloaded on first use."""
    path = get_file(path, ORIGIN + "imdb_word_index.json", file_hash=WORD_INDEX_HASH, cache_dir=cache_dir)
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def _process(arrays, num_words, skip_top, maxlen, seed, start_char, oov_char, index_from):
    """Keras's processing of imdb.npz and reuters.npz-style arrays, step by step."""
    rng = numpy.random.RandomState(seed)
    halves = []
    for x_name, y_name in (("x_train", "y_train"), ("x_test", "y_test")):
        order = numpy.arange(len(arrays[x_name]))
        rng.shuffle(order)
        halves.append((arrays[x_name][order], arrays[y_name][order]))
    (x_train, y_train), (x_test, y_test) = halves
    if start_char is not None:
        shift = lambda review: [start_char] + [w + index_from for w in review]  # noqa: E731
    else:
        shift = lambda review: [w + index_from for w in review]  # noqa: E731
    x_train, x_test = [shift(review) for review in x_train], [shift(review) for review in x_test]
    if maxlen:
        x_train, y_train = _shorter_than(maxlen, x_train, y_train)
        x_test, y_test = _shorter_than(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(f"No review is shorter than maxlen={maxlen}: increase maxlen.")
    reviews = x_train + x_test
    labels = numpy.concatenate([y_train, y_test])
    if not num_words:
        num_words = max(max(review) for review in reviews)
    if oov_char is not None:
        reviews = [[w if skip_top <= w < num_words else oov_char for w in review] for review in reviews]
    else:
        reviews = [[w for w in review if skip_top <= w < num_words] for review in reviews]
    split = len(x_train)
    return ((_object_array(reviews[:split]), labels[:split]), (_object_array(reviews[split:]), labels[split:]))


def _shorter_than(maxlen, reviews, labels):
    kept = [(review, label) for review, label in zip(reviews, labels) if len(review) < maxlen]
    return [review for review, _ in kept], numpy.array([label for _, label in kept], dtype=labels.dtype)


def _object_array(reviews):
    array = numpy.empty(len(reviews), dtype=object)
    array[:] = reviews
    return array
