"""Keras 3's loss formulas, per sample (averaged over the last axis).

Composed from primitives, so their gradients come from the tape. The clipping
to [epsilon, 1 - epsilon] is Keras's: it keeps ``log`` finite on saturated outputs.
"""
from . import math as m
from . import nn


def mean_squared_error(y_true, y_pred):
    return m.mean(m.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    return m.mean(m.abs(y_pred - y_true), axis=-1)


def binary_crossentropy(y_true, y_pred):
    return m.mean(nn.binary_crossentropy(y_true, y_pred), axis=-1)


def categorical_crossentropy(y_true, y_pred):
    return nn.categorical_crossentropy(y_true, y_pred)


def sparse_categorical_crossentropy(y_true, y_pred):
    """Cross-entropy against integer class labels, shaped like y_pred without its last axis."""
    module = m._xp(y_pred.data if isinstance(y_pred, m.Tensor) else y_pred)
    return categorical_crossentropy(one_hot(y_true, y_pred.shape[-1], y_pred.dtype, y_pred.ndim, module), y_pred)


def one_hot(labels, num_classes, dtype, output_ndim=None, module=None):
    """Integer labels to one-hot rows.

    As in Keras, a trailing axis of 1 is dropped when the labels have as many axes
    as the output (`output_ndim`), e.g. labels (n, 1) for an output (n, classes);
    labels (n, 1) for an output (n, 1, classes) are one step per sample and stay.
    """
    labels = labels.data if isinstance(labels, m.Tensor) else labels
    keeps_rank = output_ndim is None or labels.ndim == output_ndim
    if labels.ndim > 0 and labels.shape[-1] == 1 and keeps_rank:
        labels = labels.reshape(labels.shape[:-1])
    xp = module or m._xp(labels)  # the predictions' module: host labels index a device eye, as CuPy allows
    return m.Tensor(xp.eye(num_classes, dtype=dtype)[labels.astype("int64")])
