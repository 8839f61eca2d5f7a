"""Reuters newswires: 11,228 short news stories in 46 topics, each a list of word indices.

Keras's `reuters.npz`, processed as Keras does: shuffled with `RandomState(seed)`, each
story prefixed with `start_char` and its indices moved up by `index_from`, stories of
`maxlen` words or more dropped, words outside `[skip_top, num_words)` made `oov_char`,
then split at `int(n * (1 - test_split))`. Read as data only, as `imdb` is.
"""
import json

import numpy

from .download import get_file, load_npz_of_sequences
from .imdb import _object_array, _shorter_than

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASH = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_HASH = "4d44cc38712099c9e383dc6e5f11a921"  # MD5, as Keras pins it


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
              start_char=1, oov_char=2, index_from=3, cache_dir=None):
    """Load the Reuters newswires, downloading them on first use; the arguments are `imdb.load_data`'s.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: object arrays of lists of ints, and topic ids 0-45.

    Example:
        (x_train, y_train), (x_test, y_test) = reuters.load_data(num_words=10000)
    """
    arrays = load_npz_of_sequences(get_file(path, ORIGIN + "reuters.npz", file_hash=FILE_HASH,
                                            cache_dir=cache_dir))
    order = numpy.arange(len(arrays["x"]))
    numpy.random.RandomState(seed).shuffle(order)
    stories, labels = arrays["x"][order], arrays["y"][order]
    if start_char is not None:
        stories = [[start_char] + [w + index_from for w in story] for story in stories]
    else:
        stories = [[w + index_from for w in story] for story in stories]
    if maxlen:
        stories, labels = _shorter_than(maxlen, stories, labels)
    if not num_words:
        num_words = max(max(story) for story in stories)
    if oov_char is not None:
        stories = [[w if skip_top <= w < num_words else oov_char for w in story] for story in stories]
    else:
        stories = [[w for w in story if skip_top <= w < num_words] for story in stories]
    split = int(len(stories) * (1 - test_split))
    return ((_object_array(stories[:split]), numpy.array(labels[:split])),
            (_object_array(stories[split:]), numpy.array(labels[split:])))


def get_word_index(path="reuters_word_index.json", cache_dir=None):
    """``{word: index}`` for the newswires (before `index_from` is added), downloaded on first use."""
    path = get_file(path, ORIGIN + "reuters_word_index.json", file_hash=WORD_INDEX_HASH, cache_dir=cache_dir)
    with open(path, encoding="utf-8") as file:
        return json.load(file)
