"""The math ops against NumPy, their gradients against finite differences, and the tape."""
import numpy as np
import pytest

import kerasbook
from kerasbook import ops
from kerasbook.ops import GradientTape, Tensor, Variable, stop_recording
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.math import flip


@pytest.fixture(autouse=True)
def float64():
    kerasbook.backend.set_floatx("float64")
    kerasbook.utils.set_random_seed(0)
    yield
    kerasbook.backend.set_floatx("float32")


def rand(*shape, low=-1.0, high=1.0, seed=0):
    return np.random.default_rng(seed + sum(shape)).uniform(low, high, size=shape)


def positive(*shape, seed=0):
    return rand(*shape, low=0.5, high=2.0, seed=seed)


def run(fn, *arrays):
    """The op's forward result as a NumPy array."""
    return fn(*[Tensor(a) for a in arrays]).numpy()


# --- elementwise arithmetic, with broadcasting ---------------------------------

BINARY = [
    (ops.add, np.add),
    (ops.subtract, np.subtract),
    (ops.multiply, np.multiply),
    (ops.divide, np.divide),
    (lambda a, b: a + b, np.add),
    (lambda a, b: a - b, np.subtract),
    (lambda a, b: a * b, np.multiply),
    (lambda a, b: a / b, np.divide),
]
BROADCAST_SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1, 3), (2, 1)), ((3,), (2, 3)), ((2, 3), ())]


@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize("op, reference", BINARY, ids=["add", "sub", "mul", "div", "+", "-", "*", "/"])
def test_binary_op_matches_numpy_and_gradients(op, reference, shapes):
    a, b = rand(*shapes[0]), positive(*shapes[1], seed=1)  # b > 0 so dividing is smooth
    np.testing.assert_allclose(run(op, a, b), reference(a, b))
    grad_a, grad_b = check_gradients(op, [a, b])
    assert grad_a.shape == a.shape and grad_b.shape == b.shape


@pytest.mark.parametrize("op, reference", [
    (lambda x: 2.0 + x, lambda x: 2.0 + x),
    (lambda x: 2.0 - x, lambda x: 2.0 - x),
    (lambda x: 3.0 * x, lambda x: 3.0 * x),
    (lambda x: 3.0 / x, lambda x: 3.0 / x),
    (lambda x: -x, lambda x: -x),
    (lambda x: ops.negative(x), lambda x: -x),
    (lambda x: np.ones((2, 3)) + x, lambda x: 1.0 + x),  # a NumPy array on the left still gives a Tensor
], ids=["radd", "rsub", "rmul", "rtruediv", "neg", "negative", "ndarray+tensor"])
def test_reflected_operators_and_negation(op, reference):
    x = positive(2, 3)
    result = op(Tensor(x))
    assert isinstance(result, Tensor)
    np.testing.assert_allclose(result.numpy(), reference(x))
    check_gradients(op, [x])


@pytest.mark.parametrize("exponent", [2, 3, 0.5, -1.5])
def test_power(exponent):
    x = positive(2, 3)
    np.testing.assert_allclose(run(lambda t: ops.power(t, exponent), x), x ** exponent)
    np.testing.assert_allclose(run(lambda t: t ** exponent, x), x ** exponent)
    check_gradients(lambda t: ops.power(t, exponent), [x])


@pytest.mark.parametrize("op, reference, domain", [
    (ops.exp, np.exp, rand),
    (ops.log, np.log, positive),
    (ops.sqrt, np.sqrt, positive),
    (ops.square, np.square, rand),
    (ops.abs, np.abs, rand),
    (abs, np.abs, rand),
], ids=["exp", "log", "sqrt", "square", "abs", "builtin abs"])
def test_unary_op_matches_numpy_and_gradients(op, reference, domain):
    x = domain(3, 4)
    np.testing.assert_allclose(run(op, x), reference(x))
    check_gradients(op, [x])


def test_abs_gradient_is_the_sign():
    with GradientTape() as tape:
        x = Tensor(np.array([-2.0, 0.0, 3.0]), requires_grad=True)
        y = ops.abs(x).sum()
    np.testing.assert_array_equal(tape.gradient(y, [x])[0], [-1.0, 0.0, 1.0])


def test_clip_values_and_zero_gradient_where_clamped():
    x = np.array([[-2.0, -0.3, 0.1], [0.4, 0.9, 5.0]])
    np.testing.assert_array_equal(run(lambda t: ops.clip(t, -0.5, 0.5), x), np.clip(x, -0.5, 0.5))
    grad = check_gradients(lambda t: ops.clip(t, -0.5, 0.5), [x])[0]
    direction = np.random.default_rng(0).standard_normal(x.shape)
    np.testing.assert_allclose(grad, direction * ((x >= -0.5) & (x <= 0.5)))
    assert grad[0, 0] == 0 and grad[1, 2] == 0


@pytest.mark.parametrize("op, reference", [(ops.maximum, np.maximum), (ops.minimum, np.minimum)])
@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4))], ids=str)
def test_maximum_minimum(op, reference, shapes):
    a, b = rand(*shapes[0]), rand(*shapes[1], seed=7)  # no ties, so finite differences are valid
    np.testing.assert_array_equal(run(op, a, b), reference(a, b))
    grad_a, grad_b = check_gradients(op, [a, b])
    assert grad_a.shape == a.shape and grad_b.shape == b.shape


@pytest.mark.parametrize("op", [ops.maximum, ops.minimum])
def test_maximum_minimum_ties_send_the_whole_gradient_to_the_first_argument(op):
    a = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    b = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with GradientTape() as tape:
        y = op(a, b).sum()
    grad_a, grad_b = tape.gradient(y, [a, b])
    np.testing.assert_array_equal(grad_a, [1.0, 1.0])
    np.testing.assert_array_equal(grad_b, [0.0, 0.0])


def test_maximum_with_a_python_number():
    x = rand(2, 3)
    np.testing.assert_array_equal(run(lambda t: ops.maximum(t, 0.0), x), np.maximum(x, 0.0))
    check_gradients(lambda t: ops.maximum(t, 0.1), [x])


# --- matmul ------------------------------------------------------------------

@pytest.mark.parametrize("shapes", [
    ((3, 4), (4, 2)),          # 2-D
    ((2, 3, 4), (2, 4, 5)),    # batched
    ((2, 3, 4), (4, 5)),       # 3-D @ 2-D (a Dense on a sequence)
    ((4,), (4, 2)),            # vector @ matrix
    ((3, 4), (4,)),            # matrix @ vector
    ((3, 4), (2, 4, 5)),       # 2-D @ batched: the left side is broadcast
    ((2, 1, 3, 4), (5, 4, 2)), # stacks broadcast against each other
], ids=str)
def test_matmul(shapes):
    a, b = rand(*shapes[0]), rand(*shapes[1], seed=3)
    np.testing.assert_allclose(run(ops.matmul, a, b), a @ b)
    np.testing.assert_allclose(run(lambda x, y: x @ y, a, b), a @ b)
    grad_a, grad_b = check_gradients(ops.matmul, [a, b])
    assert grad_a.shape == a.shape and grad_b.shape == b.shape


def test_matmul_with_a_numpy_array_on_the_left():
    a, b = rand(3, 4), rand(4, 2)
    result = a @ Tensor(b)
    assert isinstance(result, Tensor)
    np.testing.assert_allclose(result.numpy(), a @ b)
    check_gradients(lambda t: a @ t, [b])


# --- reductions ----------------------------------------------------------------

REDUCTIONS = [(ops.sum, np.sum), (ops.mean, np.mean), (ops.max, np.max), (ops.min, np.min)]
AXES = [None, 0, 1, -1, (0, 2), [0, 2], (-1, 0)]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("op, reference", REDUCTIONS, ids=["sum", "mean", "max", "min"])
def test_reductions(op, reference, axis, keepdims):
    x = rand(2, 3, 4)  # distinct values, so max/min have one winner each
    expected = reference(x, axis=tuple(axis) if isinstance(axis, list) else axis, keepdims=keepdims)
    result = op(Tensor(x), axis=axis, keepdims=keepdims).numpy()
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected)
    check_gradients(lambda t: op(t, axis=axis, keepdims=keepdims), [x])


def test_tensor_sum_and_mean_methods():
    x = rand(2, 3)
    np.testing.assert_allclose(Tensor(x).sum(axis=0).numpy(), x.sum(axis=0))
    np.testing.assert_allclose(Tensor(x).mean(axis=1, keepdims=True).numpy(), x.mean(axis=1, keepdims=True))
    check_gradients(lambda t: t.mean(axis=1), [x])


@pytest.mark.parametrize("op, winners", [(ops.max, [0, 0.5, 0.5]), (ops.min, [0.5, 0, 0.5])])
def test_max_min_split_the_gradient_between_ties(op, winners):
    values = [1.0, 3.0, 3.0] if op is ops.max else [1.0, 3.0, 1.0]
    x = Tensor(np.array(values), requires_grad=True)
    with GradientTape() as tape:
        y = op(x)
    np.testing.assert_allclose(tape.gradient(y, [x])[0], winners)


def test_mean_gradient_keeps_the_input_dtype():
    x = Tensor(np.ones((2, 3), dtype="float32"), requires_grad=True)
    with GradientTape() as tape:
        y = ops.mean(x)
    assert tape.gradient(y, [x])[0].dtype == np.float32


# --- shape ops -----------------------------------------------------------------

@pytest.mark.parametrize("shape", [(6, 4), (2, 12), (-1,), (3, -1, 2)], ids=str)
def test_reshape(shape):
    x = rand(2, 3, 4)
    np.testing.assert_array_equal(run(lambda t: ops.reshape(t, shape), x), x.reshape(shape))
    np.testing.assert_array_equal(run(lambda t: t.reshape(shape), x), x.reshape(shape))
    np.testing.assert_array_equal(run(lambda t: t.reshape(*shape), x), x.reshape(shape))
    check_gradients(lambda t: ops.reshape(t, shape), [x])


@pytest.mark.parametrize("axes", [None, (0, 2, 1), (2, 0, 1), [1, 2, 0], (-1, 0, 1)], ids=str)
def test_transpose(axes):
    x = rand(2, 3, 4)
    np.testing.assert_array_equal(run(lambda t: ops.transpose(t, axes), x), np.transpose(x, axes))
    check_gradients(lambda t: ops.transpose(t, axes), [x])


def test_transpose_property():
    x = rand(2, 3)
    np.testing.assert_array_equal(Tensor(x).T.numpy(), x.T)
    check_gradients(lambda t: t.T, [x])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate(axis):
    shapes = {0: [(1, 3), (2, 3), (3, 3)], 1: [(2, 1), (2, 2), (2, 3)], -1: [(2, 1), (2, 2), (2, 3)]}[axis]
    arrays = [rand(*shape, seed=i) for i, shape in enumerate(shapes)]
    result = run(lambda *ts: ops.concatenate(list(ts), axis=axis), *arrays)
    np.testing.assert_array_equal(result, np.concatenate(arrays, axis=axis))
    grads = check_gradients(lambda *ts: ops.concatenate(list(ts), axis=axis), arrays)
    assert [g.shape for g in grads] == shapes


def test_concatenate_of_a_single_tensor():
    x = rand(2, 3)
    np.testing.assert_array_equal(run(lambda t: ops.concatenate([t]), x), x)
    check_gradients(lambda t: ops.concatenate([t]), [x])


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_stack(axis):
    arrays = [rand(2, 3, seed=i) for i in range(3)]
    result = run(lambda *ts: ops.stack(list(ts), axis=axis), *arrays)
    np.testing.assert_array_equal(result, np.stack(arrays, axis=axis))
    check_gradients(lambda *ts: ops.stack(list(ts), axis=axis), arrays)


@pytest.mark.parametrize("index", [
    0, -1, slice(1, 3), (slice(None), 2), (Ellipsis, 1), (slice(None, None, -1),),
    [0, 2, 0, 0],                                     # fancy index with repeats: gradients add up
    (np.array([0, 3, 3]), np.array([1, 1, 2])),
    (slice(None), [2, 0, 2]),
    np.array([True, False, True, True]),
], ids=["int", "neg", "slice", "column", "ellipsis", "reversed", "fancy-repeats", "pairs", "cols-repeat", "mask"])
def test_getitem(index):
    x = rand(4, 3)
    np.testing.assert_array_equal(run(lambda t: t[index], x), x[index])
    check_gradients(lambda t: t[index], [x])


def test_getitem_fancy_index_accumulates_repeats():
    x = Tensor(np.zeros(3), requires_grad=True)
    with GradientTape() as tape:
        y = x[[0, 2, 0, 0]].sum()
    np.testing.assert_array_equal(tape.gradient(y, [x])[0], [3.0, 0.0, 1.0])


def test_getitem_with_a_tensor_index():
    x = rand(4, 3)
    index = Tensor(np.array([3, 1]))
    np.testing.assert_array_equal(run(lambda t: t[index], x), x[[3, 1]])
    check_gradients(lambda t: t[index], [x])


def test_cast_changes_dtype_and_gradient_comes_back_in_the_input_dtype():
    x = Tensor(np.array([1.5, -2.25]), requires_grad=True)
    with GradientTape() as tape:
        y = ops.cast(x, "float32")
        assert y.dtype == np.float32
        np.testing.assert_array_equal(y.numpy(), [1.5, -2.25])
        total = (y * Tensor(np.array([2.0, 3.0], dtype="float32"))).sum()
    grad = tape.gradient(total, [x])[0]
    assert grad.dtype == np.float64
    np.testing.assert_array_equal(grad, [2.0, 3.0])
    check_gradients(lambda t: ops.cast(t, "float64") * 2.0, [rand(2, 2)])
    np.testing.assert_array_equal(Tensor(np.array([1.7, -0.2])).astype("int32").numpy(), [1, 0])


def test_cast_from_integers_gives_no_gradient():
    index = Variable(np.array([1, 2]), dtype="int64")
    with GradientTape() as tape:
        y = ops.cast(index, "float64").sum()
    assert tape.gradient(y, [index]) == [None]


def test_ops_keep_float32():
    x = Tensor(np.ones((2, 3), dtype="float32"))
    for result in (x + 1.0, x * 2.0, x / 3.0, 1.0 - x, x ** 2, ops.exp(x), ops.log(x), ops.sqrt(x),
                   ops.mean(x, axis=0), ops.clip(x, 0.0, 0.5), ops.maximum(x, 0.0), x @ x.T):
        assert result.dtype == np.float32


# --- the tape ----------------------------------------------------------------

def test_gradient_of_an_unused_source_is_none():
    used = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    unused = Tensor(np.array([3.0]), requires_grad=True)
    with GradientTape() as tape:
        y = (used * used).sum()
    grad_used, grad_unused = tape.gradient(y, [used, unused])
    np.testing.assert_array_equal(grad_used, [2.0, 4.0])
    assert grad_unused is None


def test_a_tensor_used_several_times_accumulates_its_gradients():
    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    with GradientTape() as tape:
        y = (x * x + 3.0 * x - x / 2.0 + ops.exp(x)).sum()
    np.testing.assert_allclose(tape.gradient(y, [x])[0], 2 * x.data + 3.0 - 0.5 + np.exp(x.data))


def test_shared_intermediate_accumulates_through_both_paths():
    x = Tensor(np.array([0.5, 1.5]), requires_grad=True)
    with GradientTape() as tape:
        h = ops.square(x)
        y = (ops.exp(h) + h * 2.0).sum()
    np.testing.assert_allclose(tape.gradient(y, [x])[0], 2 * x.data * (np.exp(x.data ** 2) + 2.0))


def test_variables_are_sources_and_constants_are_not_recorded():
    w = Variable(np.array([[1.0, 2.0], [3.0, 4.0]]), name="w")
    frozen = Variable(np.array([1.0, 1.0]), name="frozen", trainable=False)
    with GradientTape() as tape:
        y = ops.sum(Tensor(np.array([[1.0, 1.0]])) @ w + frozen)
    assert not frozen.requires_grad
    grad_w, grad_frozen = tape.gradient(y, [w, frozen])
    np.testing.assert_array_equal(grad_w, np.ones((2, 2)))
    assert grad_frozen is None


def test_nothing_is_recorded_outside_a_tape():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    y = ops.square(x)
    assert not y.requires_grad
    assert ops.active_tape() is None
    with GradientTape() as tape:
        assert ops.active_tape() is tape
        z = (y * 2.0).sum()  # y was made before the tape opened: no path back to x
    assert tape.gradient(z, [x]) == [None]
    assert ops.active_tape() is None


def test_stop_recording_hides_ops_from_the_tape():
    x = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with GradientTape() as tape:
        with stop_recording():
            assert ops.active_tape() is None
            hidden = (x * 10.0).sum()
        assert ops.active_tape() is tape
        seen = (x * 3.0).sum()
    assert not hidden.requires_grad
    assert tape.gradient(hidden, [x]) == [None]
    with GradientTape() as tape:
        with stop_recording():
            ignored = x * 10.0
        y = (x * 3.0 + ignored).sum()
    np.testing.assert_array_equal(tape.gradient(y, [x])[0], [3.0, 3.0])
    assert seen.requires_grad


def test_tape_closes_even_when_the_block_raises():
    with pytest.raises(RuntimeError):
        with GradientTape():
            raise RuntimeError("boom")
    assert ops.active_tape() is None
    with pytest.raises(RuntimeError):
        with GradientTape() as tape:
            with stop_recording():
                raise RuntimeError("boom")
    assert ops.active_tape() is None


def test_check_gradients_catches_a_wrong_backward():
    class WrongSquare(ops.Function):
        def forward(self, a):
            self.a = a
            return a * a

        def backward(self, g):
            return (g * self.a,)  # missing the factor 2

    with pytest.raises(AssertionError, match="differs from finite differences"):
        check_gradients(lambda t: WrongSquare()(t), [rand(2, 2)])


def test_sum_to_shape_undoes_broadcasting():
    grad = np.ones((4, 2, 3))
    np.testing.assert_array_equal(ops.sum_to_shape(grad, (2, 1)), np.full((2, 1), 12.0))
    np.testing.assert_array_equal(ops.sum_to_shape(grad, (3,)), np.full((3,), 8.0))
    np.testing.assert_array_equal(ops.sum_to_shape(grad, ()), np.array(24.0))
    assert ops.sum_to_shape(grad, (4, 2, 3)) is grad


@pytest.mark.parametrize("axis", [1, -1, (0, 2), None])
def test_flip_reads_backwards_and_flips_the_gradient_back(axis):
    x = rand(2, 3, 4)
    np.testing.assert_array_equal(run(lambda t: flip(t, axis), x), np.flip(x, axis))
    check_gradients(lambda t: flip(t, axis), [x])
