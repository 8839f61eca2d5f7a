"""Two small sequence tasks for recurrent and Conv1D models, made on the spot.

`load_rows` reads each 8x8 digit top to bottom: eight time steps of eight pixels, the
way MNIST is fed to an LSTM row by row. `load_data` is an IMDB-like task: "reviews" of
token ids whose label depends on word order, because "not" flips the opinion word after it.
A bag of words cannot tell "not good" from "good ... not", so a model must read in order.
"""
import numpy

from . import digits

PAD, START = 0, 1  # as Keras's IMDB: 0 pads, 1 marks the start, 2 is kept for unknown words
NOT = 3
POSITIVE = numpy.arange(4, 9)
NEGATIVE = numpy.arange(9, 14)
FIRST_FILLER = 14


def load_rows(test_split=0.2, seed=113):
    """The digits as sequences: float32 `(n, 8, 8)` = (samples, time steps, features) in 0-1.

    Example:
        (x_train, y_train), (x_test, y_test) = digit_sequences.load_rows()
        model = keras.Sequential([keras.layers.LSTM(32, input_shape=(8, 8)),
                                  keras.layers.Dense(10, activation="softmax")])
    """
    (x_train, y_train), (x_test, y_test) = digits.load_data(test_split, seed)
    return (x_train.astype("float32") / 16, y_train), (x_test.astype("float32") / 16, y_test)


def load_data(num_words=1000, maxlen=50, n=5000, test_split=0.2, seed=113):
    """Generate `n` reviews of token ids, pre-padded with 0 to `maxlen`, labelled 0 or 1.

    Each review is filler words with one or three opinion words (ids 4-8 positive, 9-13
    negative), each perhaps preceded by "not" (id 3), which flips it. The label is the
    majority opinion. Stray "not"s before filler words change nothing.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: int32 `(n, maxlen)` and uint8 `(n,)`.

    Example:
        (x_train, y_train), (x_test, y_test) = digit_sequences.load_data(num_words=1000)
        model = keras.Sequential([keras.layers.Embedding(1000, 16),
                                  keras.layers.LSTM(32),
                                  keras.layers.Dense(1, activation="sigmoid")])
    """
    if num_words <= FIRST_FILLER:
        raise ValueError(f"digit_sequences.load_data expected num_words > {FIRST_FILLER}, "
                         f"received {num_words}")
    if maxlen < 12:
        raise ValueError(f"digit_sequences.load_data expected maxlen >= 12, received {maxlen}")
    rng = numpy.random.default_rng(seed)
    x = numpy.zeros((n, maxlen), dtype="int32")
    y = numpy.zeros(n, dtype="uint8")
    for i in range(n):
        review, y[i] = _review(rng, num_words, maxlen)
        x[i, maxlen - len(review):] = review
    n_test = int(round(n * test_split))
    return (x[n_test:], y[n_test:]), (x[:n_test], y[:n_test])


def _review(rng, num_words, maxlen):
    """One review as a list of token ids, and its label."""
    length = rng.integers(maxlen // 4, maxlen - 8)  # leaves room for 2 nots, 3 phrases, start
    words = list(rng.integers(FIRST_FILLER, num_words, size=length))
    for _ in range(rng.integers(0, 3)):
        words.insert(rng.integers(0, len(words)), NOT)  # a stray "not" before a filler word

    votes = 0
    for _ in range(rng.choice([1, 3])):
        positive = rng.random() < 0.5
        negated = rng.random() < 0.5
        phrase = [int(rng.choice(POSITIVE if positive else NEGATIVE))]
        if negated:
            phrase.insert(0, NOT)
        votes += 1 if positive != negated else -1
        at = rng.integers(0, len(words) + 1)
        while at > 0 and words[at - 1] == NOT:  # keep a stray "not" from negating this phrase
            at -= 1
        words[at:at] = phrase
    return [START] + words, int(votes > 0)
