"""MNIST: 70,000 28x28 handwritten digits, downloaded once and cached as Keras does.

The file is Keras's own `mnist.npz`, so a copy already in `~/.keras/datasets` is reused.
"""
from .download import get_file, load_npz

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz", cache_dir=None):
    """Load MNIST, downloading it on first use.

    Args:
        path: file name under `<cache_dir>/datasets/`, or an absolute path.
        cache_dir: cache folder; by default `$KERAS_HOME`, or else `~/.keras`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(60000, 28, 28)` and
        `(10000, 28, 28)` with values 0-255, and uint8 labels 0-9.

    Example:
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
    """
    arrays = load_npz(get_file(path, ORIGIN, file_hash=FILE_HASH, cache_dir=cache_dir))
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])
