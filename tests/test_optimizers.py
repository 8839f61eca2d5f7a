"""Optimizers against Keras 3's update formulas, written out again here in float64."""
import numpy as np
import pytest

from kerasbook import optimizers
from kerasbook.ops.tensor import Tensor, Variable

RNG = np.random.default_rng(0)
START = RNG.normal(size=(3, 4))
GRADS = [RNG.normal(size=(3, 4)) for _ in range(5)]


def run(optimizer, grads=GRADS):
    """The variable after one `apply` per gradient, as float64."""
    variable = Variable(START, name="w")
    for grad in grads:
        optimizer.apply([grad.astype("float32")], [variable])
    assert variable.data.dtype == np.float32
    return variable.data.astype("float64")


def check(optimizer, reference):
    np.testing.assert_allclose(run(optimizer), reference(START.copy(), GRADS), rtol=1e-5, atol=1e-6)


# The references: one formula per line, as Keras 3's update_step writes it.

def sgd(w, grads, lr=0.01, momentum=0.0, nesterov=False):
    m = np.zeros_like(w)
    for g in grads:
        if momentum == 0:
            w = w - lr * g
            continue
        m = momentum * m - lr * g
        w = w + (momentum * m - lr * g if nesterov else m)
    return w


def rmsprop(w, grads, lr=0.001, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    v, a, m = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        v = rho * v + (1 - rho) * g ** 2
        a = rho * a + (1 - rho) * g
        increment = lr * g / np.sqrt((v - a ** 2 if centered else v) + eps)
        m = momentum * m + increment
        w = w - (m if momentum > 0 else increment)
    return w


def adagrad(w, grads, lr=0.001, initial=0.1, eps=1e-7):
    accumulator = np.full_like(w, initial)
    for g in grads:
        accumulator = accumulator + g ** 2
        w = w - lr * g / np.sqrt(accumulator + eps)
    return w


def adadelta(w, grads, lr=0.001, rho=0.95, eps=1e-7):
    a, d = np.zeros_like(w), np.zeros_like(w)
    for g in grads:
        a = rho * a + (1 - rho) * g ** 2
        delta = -np.sqrt(d + eps) * g / np.sqrt(a + eps)
        d = rho * d + (1 - rho) * delta ** 2
        w = w + lr * delta
    return w


def adam(w, grads, lr=0.001, beta_1=0.9, beta_2=0.999, eps=1e-7, amsgrad=False, decay=0.0):
    m, v, v_hat = np.zeros_like(w), np.zeros_like(w), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        lr_t = lr / (1 + decay * (t - 1))
        alpha = lr_t * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        m = m + (g - m) * (1 - beta_1)
        v = v + (g ** 2 - v) * (1 - beta_2)
        v_hat = np.maximum(v_hat, v)
        w = w - alpha * m / (np.sqrt(v_hat if amsgrad else v) + eps)
    return w


@pytest.mark.parametrize("kwargs", [{}, {"momentum": 0.9}, {"momentum": 0.9, "nesterov": True}])
def test_sgd(kwargs):
    check(optimizers.SGD(learning_rate=0.1, **kwargs), lambda w, g: sgd(w, g, lr=0.1, **kwargs))


@pytest.mark.parametrize("kwargs", [{}, {"momentum": 0.5}, {"centered": True},
                                    {"centered": True, "momentum": 0.5}, {"rho": 0.8, "epsilon": 1e-3}])
def test_rmsprop(kwargs):
    renamed = {"eps" if key == "epsilon" else key: value for key, value in kwargs.items()}
    check(optimizers.RMSprop(**kwargs), lambda w, g: rmsprop(w, g, **renamed))


@pytest.mark.parametrize("kwargs", [{}, {"initial": 0.5, "eps": 1e-3}])
def test_adagrad(kwargs):
    named = {"initial_accumulator_value": kwargs.get("initial", 0.1), "epsilon": kwargs.get("eps", 1e-7)}
    check(optimizers.Adagrad(learning_rate=0.1, **named), lambda w, g: adagrad(w, g, lr=0.1, **kwargs))


def test_adadelta():
    check(optimizers.Adadelta(learning_rate=1.0), lambda w, g: adadelta(w, g, lr=1.0))
    check(optimizers.Adadelta(learning_rate=0.5, rho=0.9, epsilon=1e-4),
          lambda w, g: adadelta(w, g, lr=0.5, rho=0.9, eps=1e-4))


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam(amsgrad):
    check(optimizers.Adam(learning_rate=0.01, amsgrad=amsgrad), lambda w, g: adam(w, g, lr=0.01, amsgrad=amsgrad))


def test_amsgrad_differs_when_gradients_shrink():
    shrinking = [g / (i + 1) ** 2 for i, g in enumerate(GRADS)]
    plain, ams = (run(optimizers.Adam(learning_rate=0.01, amsgrad=a), shrinking) for a in (False, True))
    assert not np.allclose(plain, ams)
    np.testing.assert_allclose(ams, adam(START.copy(), shrinking, lr=0.01, amsgrad=True), rtol=1e-5, atol=1e-6)


def test_keras_3_defaults():
    defaults = {
        "sgd": {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False},
        "rmsprop": {"learning_rate": 0.001, "rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False},
        "adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1, "epsilon": 1e-7},
        "adadelta": {"learning_rate": 0.001, "rho": 0.95, "epsilon": 1e-7},
        "adam": {"learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    }
    for name, expected in defaults.items():
        config = optimizers.get(name).get_config()
        assert {key: config[key] for key in expected} == expected
    check(optimizers.Adam(), adam)
    check(optimizers.RMSprop(), rmsprop)
    check(optimizers.Adagrad(), adagrad)
    check(optimizers.Adadelta(), adadelta)
    check(optimizers.SGD(), sgd)


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adagrad", "adadelta", "adam"])
def test_float32_stays_float32(name):
    optimizer = optimizers.get(name)
    variable = Variable(START, name="w")
    optimizer.learning_rate = np.float64(0.01)  # a NumPy float64 must not promote the weights
    for grad in GRADS[:2]:
        optimizer.apply([grad], [variable])  # float64 gradients are cast to the variable's dtype
    assert variable.data.dtype == np.float32
    assert type(optimizer.learning_rate) is float
    assert all(array.dtype == np.float32 for array in optimizer.variables())


def test_updates_are_in_place():
    variable = Variable(START, name="w")
    array = variable.data
    optimizers.Adam().apply([GRADS[0]], [variable])
    assert variable.data is array
    assert not np.allclose(array, START)


def test_lr_is_the_old_name_of_learning_rate():
    assert optimizers.SGD(lr=0.5).learning_rate == 0.5
    assert optimizers.Adam(lr=0.02).get_config()["learning_rate"] == 0.02
    with pytest.raises(TypeError, match="lr"):
        optimizers.SGD(learning_rate=0.1, lr=0.5)


def test_learning_rate_can_be_read_and_set():
    optimizer = optimizers.SGD(learning_rate=0.1)
    variable = Variable(np.zeros(2), name="w")
    optimizer.apply([np.ones(2)], [variable])
    optimizer.learning_rate = 0.5
    optimizer.apply([np.ones(2)], [variable])
    np.testing.assert_allclose(variable.data, [-0.6, -0.6], rtol=1e-6)
    with pytest.raises(TypeError, match="SGD expected a number"):
        optimizer.learning_rate = "fast"


def test_decay_divides_the_learning_rate_as_keras_2_did():
    decayed = optimizers.SGD(learning_rate=0.1, decay=0.5)
    variable = Variable(np.zeros(1), name="w")
    for _ in range(3):
        decayed.apply([np.ones(1)], [variable])
    # Steps 0, 1, 2 use 0.1 / (1 + 0.5 * iterations) with iterations counted before the step.
    np.testing.assert_allclose(variable.data, [-(0.1 + 0.1 / 1.5 + 0.1 / 2.0)], rtol=1e-6)
    assert decayed.learning_rate == 0.1
    check(optimizers.Adam(lr=0.01, decay=0.1), lambda w, g: adam(w, g, lr=0.01, decay=0.1))


def test_each_variable_keeps_its_own_state():
    optimizer = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    a, b = Variable(START, name="a"), Variable(START, name="b")
    for grad in GRADS:
        optimizer.apply([grad, -grad], [a, b])
    np.testing.assert_allclose(a.data, sgd(START, GRADS, 0.1, 0.9), rtol=1e-5)
    np.testing.assert_allclose(b.data, sgd(START, [-g for g in GRADS], 0.1, 0.9), rtol=1e-5)
    assert optimizer.iterations == len(GRADS)
    assert len(optimizer.variables()) == 2


def test_variables_lists_slots_in_a_stable_order():
    optimizer = optimizers.Adam(amsgrad=True)
    a, b = Variable(np.zeros((2, 3)), name="a"), Variable(np.zeros(3), name="b")
    optimizer.apply([np.ones((2, 3)), np.ones(3)], [a, b])
    assert [array.shape for array in optimizer.variables()] == [(2, 3)] * 3 + [(3,)] * 3
    optimizer.apply([np.ones(3), np.ones((2, 3))], [b, a])
    assert [array.shape for array in optimizer.variables()] == [(2, 3)] * 3 + [(3,)] * 3
    momentum = optimizer.variables()[0]
    np.testing.assert_allclose(momentum, 0.1 + 0.9 * 0.1, rtol=1e-6)
    optimizer.apply([np.ones((2, 3)), np.ones(3)], [a, b])
    assert optimizer.variables()[0] is momentum  # updated in place, like the weights


def test_adagrad_starts_its_accumulator_at_the_initial_value():
    optimizer = optimizers.Adagrad(initial_accumulator_value=0.3)
    optimizer.apply([np.zeros(2)], [Variable(np.zeros(2), name="w")])
    np.testing.assert_allclose(optimizer.variables()[0], [0.3, 0.3], rtol=1e-6)


def test_none_gradients_are_skipped():
    optimizer = optimizers.Adam()
    trained, frozen = Variable(START, name="trained"), Variable(START, name="frozen")
    optimizer.apply([Tensor(GRADS[0].astype("float32")), None], [trained, frozen])
    np.testing.assert_array_equal(frozen.data, START.astype("float32"))
    assert not np.allclose(trained.data, START)
    assert optimizer.iterations == 1
    assert len(optimizer.variables()) == 2  # momentum and velocity of `trained` only
    with pytest.raises(ValueError, match="no gradients"):
        optimizer.apply([None], [frozen])


def test_mismatched_arguments_are_refused():
    optimizer = optimizers.SGD()
    variable = Variable(np.zeros((2, 3)), name="dense/kernel")
    with pytest.raises(ValueError, match="1 variables"):
        optimizer.apply([np.zeros((2, 3))] * 2, [variable])
    with pytest.raises(ValueError, match=r"'dense/kernel' has shape \(3,\), expected \(2, 3\)"):
        optimizer.apply([np.zeros(3)], [variable])
    optimizer.apply([], [])
    assert optimizer.iterations == 0


def test_an_error_mid_step_changes_nothing():
    optimizer = optimizers.Adam()
    a, b = Variable(START, name="a"), Variable(START, name="b")
    optimizer.apply([GRADS[0], GRADS[0]], [a, b])
    before = [a.data.copy(), b.data.copy()] + [array.copy() for array in optimizer.variables()]
    update_step, calls = optimizer.update_step, []

    def interrupted(*args):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return update_step(*args)

    optimizer.update_step = interrupted
    with pytest.raises(KeyboardInterrupt):
        optimizer.apply([GRADS[1], GRADS[1]], [a, b])
    after = [a.data, b.data] + optimizer.variables()
    for old, new in zip(before, after):
        np.testing.assert_array_equal(old, new)
    assert optimizer.iterations == 1


def test_clipnorm_rescales_each_gradient():
    optimizer = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    big, small = Variable(np.zeros(2), name="big"), Variable(np.zeros(2), name="small")
    optimizer.apply([np.array([3.0, 4.0]), np.array([0.3, 0.4])], [big, small])
    np.testing.assert_allclose(big.data, [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(small.data, [-0.3, -0.4], rtol=1e-6)


def test_global_clipnorm_rescales_all_gradients_together():
    optimizer = optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    a, b = Variable(np.zeros(1), name="a"), Variable(np.zeros(1), name="b")
    optimizer.apply([np.array([3.0]), np.array([4.0])], [a, b])
    np.testing.assert_allclose([a.data[0], b.data[0]], [-0.6, -0.8], rtol=1e-6)


def test_clipvalue_clips_each_element():
    optimizer = optimizers.SGD(learning_rate=1.0, clipvalue=0.5)
    variable = Variable(np.zeros(3), name="w")
    optimizer.apply([np.array([-2.0, 0.2, 9.0])], [variable])
    np.testing.assert_allclose(variable.data, [0.5, -0.2, -0.5], rtol=1e-6)
    with pytest.raises(ValueError, match="only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="positive"):
        optimizers.SGD(clipnorm=0.0)


def test_get_by_name_instance_and_config():
    assert isinstance(optimizers.get("rmsprop"), optimizers.RMSprop)
    assert isinstance(optimizers.get("SGD"), optimizers.SGD)
    assert isinstance(optimizers.get("Adam"), optimizers.Adam)
    assert optimizers.get("adam") is not optimizers.get("adam")
    adam = optimizers.Adam()
    assert optimizers.get(adam) is adam
    assert optimizers.get(None) is None
    restored = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.2, "momentum": 0.5}})
    assert (restored.learning_rate, restored.momentum) == (0.2, 0.5)


def test_serialize_round_trips():
    original = optimizers.RMSprop(learning_rate=0.01, centered=True, clipnorm=2.0, decay=1e-4)
    copy = optimizers.deserialize(optimizers.serialize(original))
    assert type(copy) is optimizers.RMSprop
    assert copy.get_config() == original.get_config()


def test_unknown_names_and_arguments_are_refused():
    with pytest.raises(ValueError, match="'adamm'.*adadelta.*adagrad.*adam.*rmsprop.*sgd"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get(3)
    with pytest.raises(TypeError, match="SGD.*'momentun'"):
        optimizers.SGD(momentun=0.9)
    with pytest.raises(TypeError, match="Adam.*'beta1'"):
        optimizers.get({"class_name": "adam", "config": {"beta1": 0.9}})
    with pytest.raises(ValueError, match="momentum in \\[0, 1\\]"):
        optimizers.SGD(momentum=1.5)


@pytest.mark.parametrize("optimizer", [
    optimizers.SGD(learning_rate=0.1), optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    optimizers.RMSprop(learning_rate=0.01), optimizers.RMSprop(learning_rate=0.01, centered=True, momentum=0.5),
    optimizers.Adagrad(learning_rate=0.5), optimizers.Adadelta(learning_rate=1.0),
    optimizers.Adam(learning_rate=0.05),
], ids=lambda optimizer: optimizer.name)
def test_each_optimizer_reduces_a_quadratic(optimizer):
    target = np.array([1.0, -2.0, 3.0])
    variable = Variable(np.zeros(3), name="w")

    def loss():
        return 0.5 * float(np.sum((variable.data - target) ** 2))

    start = loss()
    for _ in range(300):
        optimizer.apply([variable.data - target], [variable])
    assert loss() < 0.75 * start  # Adadelta starts slowly; the others end far lower


# --- row-sparse gradients (an embedding table's) ----------------------------------

ROW_SPARSE_CASES = {
    "sgd": lambda: optimizers.SGD(learning_rate=0.1),
    "sgd_momentum": lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True),
    "rmsprop": lambda: optimizers.RMSprop(),
    "rmsprop_momentum": lambda: optimizers.RMSprop(momentum=0.5),
    "rmsprop_centered": lambda: optimizers.RMSprop(centered=True),
    "adagrad": lambda: optimizers.Adagrad(),
    "adam": lambda: optimizers.Adam(),
    "adadelta": lambda: optimizers.Adadelta(learning_rate=1.0),
    "adagrad_clipvalue": lambda: optimizers.Adagrad(clipvalue=0.2),
}


@pytest.mark.parametrize("make", ROW_SPARSE_CASES.values(), ids=ROW_SPARSE_CASES.keys())
def test_a_row_sparse_gradient_gives_bit_for_bit_the_dense_result(make):
    from kerasbook.ops.indexed_slices import IndexedSlices
    rng = np.random.default_rng(3)
    table = rng.normal(size=(8, 3)).astype("float32")
    dense_table, sparse_table = Variable(table, name="dense"), Variable(table, name="sparse")
    dense_optimizer, sparse_optimizer = make(), make()
    for rows in ([1, 5], [5, 6, 0], [2], [1, 5]):  # rows come and go; the last step reuses old ones
        values = rng.normal(size=(len(rows), 3)).astype("float32")
        slices = IndexedSlices(values, np.array(rows), table.shape)
        dense_optimizer.apply([slices.to_dense()], [dense_table])
        sparse_optimizer.apply([slices], [sparse_table])
        np.testing.assert_array_equal(sparse_table.data, dense_table.data)
        for sparse_slot, dense_slot in zip(sparse_optimizer.variables(), dense_optimizer.variables()):
            np.testing.assert_array_equal(sparse_slot, dense_slot)
    untouched = [3, 4, 7]
    np.testing.assert_array_equal(sparse_table.data[untouched], table[untouched])


@pytest.mark.parametrize("make", [lambda: optimizers.RMSprop(clipnorm=0.5), lambda: optimizers.SGD(global_clipnorm=0.5)],
                         ids=["clipnorm", "global_clipnorm"])
def test_a_row_sparse_gradient_is_clipped_by_the_norm_of_its_rows(make):
    from kerasbook.ops.indexed_slices import IndexedSlices
    values = np.array([[3.0, 0.0], [0.0, 4.0]], dtype="float32")  # norm 5
    slices = IndexedSlices(values, np.array([0, 2]), (3, 2))
    dense_table, sparse_table = Variable(np.zeros((3, 2)), name="dense"), Variable(np.zeros((3, 2)), name="sparse")
    make().apply([slices.to_dense()], [dense_table])
    make().apply([slices], [sparse_table])
    np.testing.assert_allclose(sparse_table.data, dense_table.data, rtol=1e-6)
    assert np.abs(sparse_table.data).max() > 0
