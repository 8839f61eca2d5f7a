"""Boston Housing: 506 districts of Boston in the 1970s, 13 numbers each, and the median house price.

A small regression set, as Keras 2 shipped it: `boston_housing.npz` from Keras's mirror,
shuffled with NumPy's `RandomState(seed)` and split as Keras splits it, so the same seed
gives the same train and test rows as in Keras. One of its columns ("B") encodes a
racial assumption about house prices; Keras warns about it, and so do we: use it to
learn the mechanics of regression, or to discuss what such a feature does to a model.
"""
import numpy

from .download import get_file, load_npz

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/boston_housing.npz"
FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113, cache_dir=None):
    """Load Boston Housing, downloading it on first use.

    Args:
        path: file name under `<cache_dir>/datasets/`, or an absolute path.
        test_split: the fraction of the (shuffled) rows kept for testing, in [0, 1).
        seed: the seed of the shuffle before the split.
        cache_dir: cache folder; by default `$KERAS_HOME`, or else `~/.keras`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float64 rows of 13 attributes, and prices
        in thousands of dollars; 404 training and 102 test rows with the defaults.

    Example:
        (x_train, y_train), (x_test, y_test) = boston_housing.load_data()
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"boston_housing.load_data: test_split must be in [0, 1), received {test_split}.")
    arrays = load_npz(get_file(path, ORIGIN, file_hash=FILE_HASH, cache_dir=cache_dir))
    order = numpy.arange(len(arrays["x"]))
    numpy.random.RandomState(seed).shuffle(order)
    x, y = arrays["x"][order], arrays["y"][order]
    split = int(len(x) * (1 - test_split))
    return (x[:split], y[:split]), (x[split:], y[split:])
