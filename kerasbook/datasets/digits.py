"""The 8x8 handwritten digits: 1797 images small enough to ship inside kerasbook.

They are the UCI digits bundled with scikit-learn, copied once into `data/digits.npz`
(images as uint8 0-16, labels as uint8), so they load offline in a second. Like MNIST at a
glance, they make a model train in seconds on a laptop. Read row by row, an image is also
a sequence of 8 steps with 8 features each, ready for LSTM and Conv1D layers.
"""
import os

import numpy

from .download import check_sha256, load_npz

PATH = os.path.join(os.path.dirname(__file__), "data", "digits.npz")
FILE_HASH = "b2dab7b501728c22e9119ad76740b2e17c77a231e42d1e592380d90886f1a05e"


def load_data(test_split=0.2, seed=113):
    """Load the digits, shuffled and split the same way for the same `seed`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape `(n, 8, 8)` with
        values 0-16, and uint8 labels 0-9 of shape `(n,)`.

    Example:
        (x_train, y_train), (x_test, y_test) = digits.load_data()
        x_train = x_train.reshape(-1, 64).astype("float32") / 16
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"digits.load_data expected 0 <= test_split < 1, received {test_split}")
    check_sha256(PATH, FILE_HASH, "Reinstall kerasbook to restore its packaged data.")
    arrays = load_npz(PATH)
    images, labels = arrays["images"], arrays["labels"]

    order = numpy.random.default_rng(seed).permutation(len(labels))
    n_test = int(round(len(labels) * test_split))
    train, test = order[n_test:], order[:n_test]
    return (images[train], labels[train]), (images[test], labels[test])
