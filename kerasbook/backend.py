"""Keras's backend functions: ``import kerasbook.backend as K``.

The functions classic Keras scripts write custom losses, metrics and layers with
(``K.mean``, ``K.square``, ``K.batch_dot``, …), with the meanings
``keras.backend`` gave them in Keras 2. Each is thin: the work, and the
gradient, is in the differentiable ops of `kerasbook.ops`, so code written with
them trains.

Each function marked ``@operation`` also takes the symbolic tensors of a
functional model: there ``K.mean(x, axis=-1)`` computes nothing yet, it adds a
node to the graph (an `OperationLayer`), as Keras 3 does with its operations.

Beside the functions are Keras's settings (``K.floatx()``, ``K.epsilon()``,
``K.set_backend('cupy')``), which live in `kerasbook.config` and `kerasbook.runtime`.
"""
import numpy

from . import constraints, ops
from .config import backend, epsilon, floatx, image_data_format, set_epsilon, set_floatx, set_image_data_format
from .engine.graph import map_graph
from .engine.keras_tensor import KerasTensor, flatten as flatten_structure, map_structure
from .layers.core.operation_layer import operation
from .ops import nn
from .ops import losses as _losses
from .ops.tensor import Tensor, Variable, as_array, as_tensor
from .runtime import clear_session, random, set_backend, set_random_seed, to_device, to_numpy, unique_name, xp, xp_of

# --- shapes and types ------------------------------------------------------------


@operation
def shape(x):
    """The shape as an int32 tensor (Keras 2's symbolic shape); `int_shape` gives a tuple."""
    data = as_array(x)
    return Tensor(xp_of(data).asarray(data.shape, dtype="int32"))


def int_shape(x):
    """The shape as a tuple of ints, None for a symbolic tensor's unknown sizes."""
    return tuple(x.shape) if hasattr(x, "shape") else numpy.shape(x)


def ndim(x):
    return len(int_shape(x))


def dtype(x):
    """The type's name, e.g. 'float32'."""
    return numpy.dtype(x.dtype).name


def is_keras_tensor(x):
    """Whether `x` is a symbolic tensor of a functional model."""
    return isinstance(x, KerasTensor)


@operation
def cast(x, dtype):
    return ops.cast(x, dtype)


@operation
def reshape(x, shape):
    """`shape` may hold -1 once, and sizes read from `K.shape` (tensors)."""
    return ops.reshape(x, _sizes(shape))


@operation
def flatten(x):
    return ops.reshape(x, (-1,))


@operation
def batch_flatten(x):
    """Each sample flattened: (batch, d1, d2, …) to (batch, d1 * d2 * …)."""
    return ops.reshape(x, (-1, int(numpy.prod(x.shape[1:]))))


@operation
def expand_dims(x, axis=-1):
    return ops.expand_dims(x, axis)


@operation
def squeeze(x, axis):
    return ops.squeeze(x, axis)


@operation
def stack(x, axis=0):
    return ops.stack(x, axis)


@operation
def concatenate(tensors, axis=-1):
    return ops.concatenate(tensors, axis)


@operation
def permute_dimensions(x, pattern):
    """Reorder the axes: ``permute_dimensions(x, (0, 2, 1))`` swaps the last two."""
    return ops.transpose(x, pattern)


@operation
def repeat_elements(x, rep, axis):
    """Each element `rep` times in a row along `axis`: [a, b] -> [a, a, b, b] (``numpy.repeat``)."""
    return ops.repeat(x, rep, axis)


@operation
def tile(x, n):
    """The whole tensor `n[i]` times along each axis i (an int repeats along the first)."""
    return ops.tile(x, n)


@operation
def transpose(x):
    """All axes reversed."""
    return ops.transpose(x)


# --- products ----------------------------------------------------------------------


@operation
def dot(x, y):
    """Keras 2's dot: the matrix product, and for more than 2 axes ``numpy.dot``'s rule:
    sum over the last axis of `x` and the second-to-last of `y`, so (2, 3, 4) . (7, 4, 5) is (2, 3, 7, 5)."""
    if len(x.shape) <= 2 and len(y.shape) <= 2:
        return ops.matmul(x, y)
    y_axes = list(range(len(y.shape)))
    contracted = y_axes.pop(-2)
    x_rows = ops.reshape(x, (-1, x.shape[-1]))
    y_columns = ops.reshape(ops.transpose(y, [contracted] + y_axes), (y.shape[-2], -1))
    return ops.reshape(ops.matmul(x_rows, y_columns), tuple(x.shape[:-1]) + tuple(y.shape[:-2]) + tuple(y.shape[-1:]))


@operation
def batch_dot(x, y, axes=None):
    """One dot product per sample: sample i of `x` with sample i of `y`, summed over `axes` (Keras 2's rules).

    `axes` is the axis of x and the axis of y to sum over (an int for both).
    By default the last of x and, for y, its last if y has 2 axes, else its
    second-to-last (a matrix product). Inputs of 2 axes give (batch, 1).

    Example:
        batch_dot(x, y, axes=1)         # x, y (32, 20): (32, 1), each sample's x . y
        batch_dot(x, y, axes=(2, 1))    # x (32, 5, 20), y (32, 20, 30): (32, 5, 30)
    """
    x_ndim, y_ndim = len(x.shape), len(y.shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(f"batch_dot needs inputs of at least 2 axes, received shapes {tuple(x.shape)} and "
                         f"{tuple(y.shape)}.")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"batch_dot needs inputs with the same batch size, received shapes {tuple(x.shape)} and "
                         f"{tuple(y.shape)}.")
    if axes is None:
        axes = (x_ndim - 1, y_ndim - 1) if y_ndim == 2 else (x_ndim - 1, y_ndim - 2)
    x_axis, y_axis = (axes, axes) if isinstance(axes, int) else axes
    x_axis, y_axis = x_axis % x_ndim, y_axis % y_ndim
    if 0 in (x_axis, y_axis):
        raise ValueError("Cannot perform batch_dot over axis 0 (the batch). If your inputs are not batched, add a "
                         "batch axis with K.expand_dims(x, 0).")
    if x.shape[x_axis] != y.shape[y_axis]:
        raise ValueError(f"batch_dot: axis {x_axis} of x {tuple(x.shape)} and axis {y_axis} of y {tuple(y.shape)} "
                         f"differ in size.")
    if x_ndim == 2:  # a row of one: (batch, 1, n)
        x, x_axis = ops.expand_dims(x, 1), 2
    if y_ndim == 2:  # a column of one: (batch, n, 1)
        y = ops.expand_dims(y, 2)
    # x's summed axis last and y's second, then a batched matrix product of 3-axis tensors
    x = ops.transpose(x, [a for a in range(len(x.shape)) if a != x_axis] + [x_axis])
    y = ops.transpose(y, [0, y_axis] + [a for a in range(1, len(y.shape)) if a != y_axis])
    x_middle, y_trailing = tuple(x.shape[1:-1]), tuple(y.shape[2:])
    product = ops.matmul(ops.reshape(x, (x.shape[0], -1, x.shape[-1])), ops.reshape(y, tuple(y.shape[:2]) + (-1,)))
    result = ops.reshape(product, (x.shape[0],) + x_middle + y_trailing)
    if x_ndim == 2:
        return ops.squeeze(result, 1)
    if y_ndim == 2:
        return ops.squeeze(result, -1)
    return result


# --- reductions ---------------------------------------------------------------------


@operation
def sum(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return ops.sum(x, axis, keepdims)


@operation
def mean(x, axis=None, keepdims=False):
    """The mean; a boolean tensor counts as floatx (so ``K.mean(K.equal(a, b))`` is an accuracy)."""
    return ops.mean(_float_if_bool(x), axis, keepdims)


@operation
def max(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return ops.max(x, axis, keepdims)


@operation
def min(x, axis=None, keepdims=False):  # noqa: A001 - Keras's name
    return ops.min(x, axis, keepdims)


@operation
def var(x, axis=None, keepdims=False):
    """The variance, ``mean(square(x - mean(x)))``: divided by n, as Keras and NumPy do."""
    x = _float_if_bool(x)
    centred = x - ops.mean(x, axis, keepdims=True)
    return ops.mean(ops.square(centred), axis, keepdims)


@operation
def std(x, axis=None, keepdims=False):
    """The standard deviation, ``sqrt(var(x))`` (divided by n)."""
    return ops.sqrt(var(x, axis, keepdims))


@operation
def argmax(x, axis=-1):
    return ops.argmax(x, axis)


@operation
def argmin(x, axis=-1):
    return ops.argmin(x, axis)


# --- elementwise --------------------------------------------------------------------


@operation
def equal(x, y):
    """Elementwise ``x == y`` as a boolean tensor (no gradient)."""
    return ops.equal(x, y)


@operation
def not_equal(x, y):
    return ops.not_equal(x, y)


@operation
def greater(x, y):
    return ops.greater(x, y)


@operation
def less(x, y):
    return ops.less(x, y)


@operation
def round(x):  # noqa: A001 - Keras's name
    """To the nearest integer, halves to even (no gradient)."""
    return ops.round(x)


@operation
def square(x):
    return ops.square(x)


@operation
def sqrt(x):
    """The square root of ``max(x, 0)``: Keras 2 clamps negative values to 0 first."""
    return ops.sqrt(ops.maximum(x, 0.0))


@operation
def pow(x, a):  # noqa: A001 - Keras's name
    """``x ** a`` for a number `a`."""
    return ops.power(x, a)


@operation
def exp(x):
    return ops.exp(x)


@operation
def log(x):
    return ops.log(x)


@operation
def abs(x):  # noqa: A001 - Keras's name
    return ops.abs(x)


@operation
def clip(x, min_value, max_value):
    """Values below `min_value` become it, above `max_value` become it; None means no bound.

    As in Keras 2, a `max_value` below `min_value` is raised to it.
    """
    if min_value is not None and max_value is not None and max_value < min_value:
        max_value = min_value
    return ops.clip(x, -numpy.inf if min_value is None else min_value, numpy.inf if max_value is None else max_value)


@operation
def maximum(x, y):
    return ops.maximum(x, y)


@operation
def minimum(x, y):
    return ops.minimum(x, y)


@operation
def l2_normalize(x, axis=None):
    """`x` divided by its Euclidean length along `axis` (all axes by default).

    Keras 2's formula: ``x / sqrt(max(sum(x ** 2), 1e-12))``, so a vector of
    zeros stays zeros.
    """
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis, keepdims=True), 1e-12))


# --- activations --------------------------------------------------------------------


@operation
def relu(x, alpha=0.0, max_value=None, threshold=0.0):
    """Keras 2's relu: `x` above `threshold`, else ``alpha * (x - threshold)``; capped at `max_value`.

    With the defaults it is ``max(x, 0)``.
    """
    if alpha != 0 and max_value is None and threshold == 0:
        return ops.leaky_relu(x, alpha)
    if threshold != 0:
        y = x * ops.cast(ops.greater(x, threshold), dtype(x))
    else:
        y = ops.relu(x)
    if max_value is not None:
        y = ops.clip(y, 0, max_value)
    if alpha != 0:
        y = y - alpha * ops.relu(threshold - x)
    return y


@operation
def softmax(x, axis=-1):
    return ops.softmax(x, axis)


sigmoid = operation(ops.sigmoid)
tanh = operation(ops.tanh)
elu = operation(ops.elu)
selu = operation(ops.selu)
softplus = operation(ops.softplus)
softsign = operation(ops.softsign)
hard_sigmoid = operation(ops.hard_sigmoid)


# --- losses -------------------------------------------------------------------------


@operation
def binary_crossentropy(target, output, from_logits=False):
    """The cross-entropy of each element, not averaged (``keras.losses.binary_crossentropy`` averages it)."""
    return nn.binary_crossentropy(target, output, from_logits)


@operation
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """``-sum(target * log(output))`` along `axis`, one value per sample."""
    return nn.categorical_crossentropy(target, output, from_logits, axis)


sparse_categorical_crossentropy = operation(_losses.sparse_categorical_crossentropy)


# --- random tensors -----------------------------------------------------------------
# Drawn from kerasbook's generator (`set_random_seed`), or from their own if given a seed.


@operation
def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    return _drawn(_generator(seed).normal(mean, stddev, size=_sizes(shape)), dtype)


@operation
def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    return _drawn(_generator(seed).uniform(minval, maxval, size=_sizes(shape)), dtype)


@operation
def random_binomial(shape, p=0.0, dtype=None, seed=None):
    """1 with probability `p`, else 0 (Keras 2: where(uniform <= p, 1, 0))."""
    return _drawn(_generator(seed).uniform(size=_sizes(shape)) <= p, dtype)


random_bernoulli = random_binomial  # its name from Keras 2.13 on


def _generator(seed):
    return random.generator() if seed is None else numpy.random.default_rng(seed)


def _drawn(values, dtype):
    return Tensor(to_device(numpy.asarray(values), dtype=dtype or floatx()))


# --- making tensors and variables ---------------------------------------------------


def variable(value, dtype=None, name=None, constraint=None):
    """A trainable variable holding `value` (a list, a NumPy or a device array, a tensor).

    An optimizer sets it to ``constraint(variable)`` after each update.
    """
    return Variable(to_device(_values(value)), name=name or unique_name("variable"), dtype=dtype,
                    constraint=constraints.get(constraint))


def constant(value, dtype=None, shape=None, name=None):
    """A tensor of `value`; with `shape`, a number `value` fills that shape."""
    values = numpy.asarray(to_numpy(_values(value)))
    if shape is not None:
        values = numpy.broadcast_to(values, tuple(shape))
    return Tensor(to_device(values, dtype=dtype or floatx()))


def zeros(shape, dtype=None, name=None):
    """A variable of zeros (Keras 2 makes it a variable)."""
    return variable(numpy.zeros(_sizes(shape)), dtype=dtype or floatx(), name=name)


def ones(shape, dtype=None, name=None):
    """A variable of ones (Keras 2 makes it a variable)."""
    return variable(numpy.ones(_sizes(shape)), dtype=dtype or floatx(), name=name)


@operation
def zeros_like(x, dtype=None, name=None):
    data = as_array(x)
    return Tensor(xp_of(data).zeros(data.shape, dtype=dtype or data.dtype))


@operation
def ones_like(x, dtype=None, name=None):
    data = as_array(x)
    return Tensor(xp_of(data).ones(data.shape, dtype=dtype or data.dtype))


def get_value(x):
    """A copy of the values of a tensor or variable, as a NumPy array (later changes don't reach it)."""
    if isinstance(x, KerasTensor):
        raise TypeError(f"K.get_value cannot read {x!r}: a symbolic tensor has no values yet. Compute it with "
                        f"K.function([inputs], [x]) or a Model.")
    data = _values(x)
    values = to_numpy(data)
    return values.copy() if values is data else values


eval = get_value  # noqa: A001 - Keras's name


def set_value(x, value):
    """Write `value` into the variable `x` in place (same shape)."""
    x.assign(value)


def batch_get_value(tensors):
    return [get_value(x) for x in tensors]


def batch_set_value(pairs):
    for x, value in pairs:
        set_value(x, value)


# --- graphs ---------------------------------------------------------------------------


class function:  # noqa: N801 - Keras's name: K.function(inputs, outputs) is called like a function
    """A callable from values of `inputs` to values of `outputs`, through the graph between them.

    Keras 2's way to read a layer's output for given inputs. Outputs come back
    as NumPy arrays, in a list if `outputs` is a list.

    Example:
        get_hidden = K.function([model.input], [model.layers[1].output])
        hidden = get_hidden([x])[0]
    """

    def __init__(self, inputs, outputs, updates=None, name=None):
        if updates:
            raise NotImplementedError("K.function(updates=…) is not supported: kerasbook has no graph updates; "
                                      "change variables with .assign() in your own code.")
        self.inputs, self.outputs = flatten_structure(inputs), outputs
        for tensor in self.inputs + flatten_structure(outputs):
            if not isinstance(tensor, KerasTensor):
                raise TypeError(f"K.function takes symbolic tensors (from Input() and layer calls), received "
                                f"{type(tensor).__name__}.")
        self.nodes, _ = map_graph(self.inputs, flatten_structure(outputs))
        self.name = name

    def __call__(self, values):
        values = values if isinstance(values, (list, tuple)) else [values]
        if len(values) != len(self.inputs):
            raise ValueError(f"K.function expects {len(self.inputs)} input value(s), received {len(values)}.")
        known = {id(symbolic): as_tensor(_values(value)) for symbolic, value in zip(self.inputs, values)}
        for node in self.nodes:
            if node.is_input or id(node.output_tensors[0]) in known:
                continue
            arguments = map_structure(lambda symbolic: known[id(symbolic)], node.inputs)
            results = flatten_structure(node.layer(arguments, training=False, **node.call_kwargs))
            for symbolic, result in zip(node.output_tensors, results):
                known[id(symbolic)] = result
        return map_structure(lambda symbolic: to_numpy(known[id(symbolic)].data), self.outputs)


def gradients(loss, variables):
    """Refused: Keras 2 read gradients off a TensorFlow graph; kerasbook records them with a GradientTape."""
    raise NotImplementedError(
        "K.gradients is not available: kerasbook computes gradients eagerly, with a tape. Write\n"
        "    with kerasbook.ops.GradientTape() as tape:\n"
        "        loss = ...  # computed from the variables, inside the block\n"
        "    grads = tape.gradient(loss, variables)")


# --- helpers --------------------------------------------------------------------------


def _values(x):
    return x.data if isinstance(x, Tensor) else x


def _float_if_bool(x):
    return ops.cast(x, floatx()) if numpy.dtype(getattr(x, "dtype", float)) == bool else x


def _sizes(shape):
    """A shape as a tuple of ints; sizes may be tensors, as `K.shape(x)[0]` gives them."""
    if isinstance(shape, int):
        return (shape,)
    if isinstance(shape, Tensor):
        return tuple(int(size) for size in to_numpy(shape.data).tolist())
    return tuple(int(to_numpy(size.data)) if isinstance(size, Tensor) else size for size in shape)
