"""Datasets with Keras's interface: `(x_train, y_train), (x_test, y_test) = load_data()`.

`digits` ships inside kerasbook; `digit_sequences` and `shapes_vqa` are generated from a
seed; `mnist`, `fashion_mnist` and `boston_housing` are downloaded once and cached as Keras does. Every file
read is checked against a SHA-256 checksum and loaded as data only, never as code.

Example:
    from kerasbook.datasets import mnist
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
"""
from . import boston_housing, digit_sequences, digits, fashion_mnist, imdb, mnist, reuters, shapes_vqa
