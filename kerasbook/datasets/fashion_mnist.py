"""Fashion-MNIST: 70,000 28x28 photos of clothes in 10 classes, a harder drop-in for MNIST.

Downloaded once from Keras's mirror as the four original gzipped IDX files, cached under
`datasets/fashion-mnist`, and checked against the SHA-256 sums Keras pins for them.
"""
import gzip

import numpy

from .download import get_file

ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FILE_HASHES = {
    "train-labels-idx1-ubyte.gz": "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
    "train-images-idx3-ubyte.gz": "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
    "t10k-labels-idx1-ubyte.gz": "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
    "t10k-images-idx3-ubyte.gz": "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
}
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")


def load_data(cache_dir=None):
    """Load Fashion-MNIST, downloading it on first use.

    Args:
        cache_dir: cache folder; by default `$KERAS_HOME`, or else `~/.keras`.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images `(60000, 28, 28)` and
        `(10000, 28, 28)` with values 0-255, and uint8 labels 0-9 naming `CLASS_NAMES`.

    Example:
        (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
        print(fashion_mnist.CLASS_NAMES[y_train[0]])
    """
    arrays = [read_idx(get_file(name, ORIGIN + name, file_hash=file_hash,
                                cache_subdir="datasets/fashion-mnist", cache_dir=cache_dir))
              for name, file_hash in FILE_HASHES.items()]
    y_train, x_train, y_test, x_test = arrays
    return (x_train, y_train), (x_test, y_test)


def read_idx(path):
    """Read a gzipped IDX file of unsigned bytes: the format MNIST was first published in.

    The header is two zero bytes, a type byte (8 = uint8), the number of dimensions, then
    each dimension as a 4-byte big-endian integer; the values follow.
    """
    with gzip.open(path, "rb") as file:
        data = file.read()
    if data[:3] != b"\x00\x00\x08":
        raise ValueError(f"{path} is not an IDX file of unsigned bytes")
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    values = numpy.frombuffer(data, dtype="uint8", offset=4 + 4 * ndim)
    return values.reshape(shape).copy()  # a copy, because frombuffer's array is read-only
