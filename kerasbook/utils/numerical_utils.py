"""`to_categorical`: class ids to one-hot rows, with Keras's rules."""
import numpy


def to_categorical(y, num_classes=None, dtype="float32"):
    """Class vector (integers from 0 to num_classes - 1) to a one-hot matrix.

    Like Keras, a trailing axis of size 1 is dropped first, and `num_classes`
    defaults to ``max(y) + 1``.

    Example:
        to_categorical([0, 2, 1], num_classes=3)  # [[1,0,0],[0,0,1],[0,1,0]]
    """
    y = numpy.asarray(y)
    if y.dtype.kind == "f":
        if not numpy.array_equal(y, numpy.round(y)):
            raise ValueError("to_categorical expects integer class ids, received non-integer values.")
    elif y.dtype.kind not in "iub":
        raise ValueError(f"to_categorical expects integer class ids, received an array of dtype {y.dtype}.")
    y = y.astype("int64")
    shape = y.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if y.size and y.min() < 0:
        raise ValueError(f"to_categorical expects class ids >= 0, received {y.min()}.")
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    elif y.size and y.max() >= num_classes:
        raise ValueError(f"to_categorical: class id {y.max()} is out of range for num_classes={num_classes} "
                         f"(ids must be below {num_classes}).")
    categorical = numpy.zeros((y.size, num_classes), dtype=dtype)
    categorical[numpy.arange(y.size), y] = 1
    return categorical.reshape(shape + (num_classes,))
