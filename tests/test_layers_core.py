"""Core, merge and reshaping layers and TimeDistributed: values, gradients with weights, Keras layouts, errors."""
import numpy as np
import pytest

import kerasbook
from kerasbook import activations
from kerasbook.layers import (
    Activation, Add, Average, Concatenate, Dense, Dropout, Flatten, Input, Maximum, Minimum, Multiply, Permute,
    RepeatVector, Reshape, Subtract, TimeDistributed, add, average, concatenate, maximum, minimum, multiply, subtract,
)
from kerasbook.models import Model, Sequential
from kerasbook.ops import Tensor
from kerasbook.ops.gradient_check import check_gradients


@pytest.fixture
def float64():
    kerasbook.backend.set_floatx("float64")
    kerasbook.utils.set_random_seed(0)
    yield
    kerasbook.backend.set_floatx("float32")


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def out(layer, *arrays, **kwargs):
    inputs = list(arrays) if len(arrays) > 1 else arrays[0]
    return layer(inputs, **kwargs).numpy()


# --- Dense ------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (2, 3, 2, 4)], ids=["2-D", "3-D", "4-D"])
def test_dense_acts_on_the_last_axis(float64, shape):
    layer = Dense(3, activation="tanh")
    x = rand(*shape)
    y = out(layer, x)
    kernel, bias = layer.get_weights()
    assert y.shape == shape[:-1] + (3,)
    np.testing.assert_allclose(y, np.tanh(x @ kernel + bias))
    check_gradients(layer, [x], params=layer.weights)


def test_dense_keras_weight_layout():
    layer = Dense(5)
    layer(np.zeros((2, 3)))
    kernel, bias = layer.weights
    assert (kernel.name, bias.name) == ("kernel", "bias")
    assert (kernel.path, bias.path) == (f"{layer.name}/kernel", f"{layer.name}/bias")
    assert kernel.shape == (3, 5) and bias.shape == (5,)  # (input units, units), as in Keras
    assert kernel.dtype == np.float32
    np.testing.assert_array_equal(bias.numpy(), np.zeros(5))  # bias_initializer='zeros'
    assert layer.count_params() == 3 * 5 + 5
    assert layer.trainable_weights == [kernel, bias] and layer.non_trainable_weights == []


def test_dense_glorot_uniform_kernel_is_within_keras_limit():
    layer = Dense(300)
    layer(np.zeros((1, 200)))
    limit = np.sqrt(6 / (200 + 300))
    kernel = layer.get_weights()[0]
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.9 * limit  # uniform over the whole range, not a narrower one


def test_dense_without_bias(float64):
    layer = Dense(2, use_bias=False)
    x = rand(4, 3)
    np.testing.assert_allclose(out(layer, x), x @ layer.get_weights()[0])
    assert len(layer.weights) == 1 and layer.count_params() == 6
    check_gradients(layer, [x], params=layer.weights)


def test_dense_on_a_4d_symbolic_tensor_like_e31():
    # E31: after the convolutions, Dense(10, relu) -> Dense(1, sigmoid) on (None, 13, 13, 16).
    inputs = Input(shape=(13, 13, 16))
    hidden = Dense(10, activation="relu")(inputs)
    output = Dense(1, activation="sigmoid")(hidden)
    assert hidden.shape == (None, 13, 13, 10) and output.shape == (None, 13, 13, 1)
    model = Model(inputs, output)
    assert model.count_params() == (16 * 10 + 10) + (10 * 1 + 1)
    assert model.predict(np.zeros((2, 13, 13, 16)), verbose=0).shape == (2, 13, 13, 1)


def test_dense_rejects_input_of_another_width_naming_layer_and_shapes():
    layer = Dense(3, name="hidden")
    layer(np.zeros((2, 4)))
    with pytest.raises(ValueError) as error:
        layer(np.zeros((2, 5)))
    message = str(error.value)
    assert "'hidden'" in message and "4" in message and "(2, 5)" in message


def test_dense_on_integer_data_computes_in_float32():
    layer = Dense(2, kernel_initializer="ones")
    y = layer(np.array([[1, 2, 3]]))
    assert y.dtype == np.float32
    np.testing.assert_array_equal(y.numpy(), [[6.0, 6.0]])


def test_dense_rejects_bad_units():
    for units in (0, -3, 2.5, "8"):
        with pytest.raises(ValueError, match="units"):
            Dense(units)


# --- Activation ------------------------------------------------------------------

NAMES = ["elu", "hard_sigmoid", "leaky_relu", "linear", "relu", "selu", "sigmoid", "softmax", "softplus", "softsign",
         "tanh"]


@pytest.mark.parametrize("name", NAMES)
def test_activation_layer_by_every_name(float64, name):
    layer = Activation(name)
    x = rand(3, 4) + 0.01  # no element sits exactly on a kink
    np.testing.assert_array_equal(out(layer, x), activations.get(name)(Tensor(x)).numpy())
    assert layer.weights == [] and layer.get_config()["activation"] == name
    check_gradients(layer, [x])


def test_activation_layer_with_a_callable(float64):
    layer = Activation(lambda t: t * t + 1.0)
    x = rand(2, 3)
    np.testing.assert_allclose(out(layer, x), x * x + 1.0)
    check_gradients(layer, [x])


@pytest.mark.parametrize("make", [lambda: Activation("rellu"), lambda: Dense(3, activation="Relu")])
def test_unknown_activation_lists_the_names(make):
    with pytest.raises(ValueError) as error:
        make()
    for name in NAMES:
        assert name in str(error.value)


@pytest.mark.parametrize("make", [lambda: Dense(3, foo=1), lambda: Activation("relu", units=3),
                                  lambda: Dropout(0.5, bogus=True), lambda: Flatten(input_length=3),
                                  lambda: Concatenate(axes=1)])
def test_unknown_keyword_arguments_raise_type_error(make):
    with pytest.raises(TypeError) as error:
        make()
    assert "unexpected keyword argument" in str(error.value)


# --- Dropout ---------------------------------------------------------------------

def test_dropout_passes_inputs_through_at_inference():
    x = rand(4, 50)
    layer = Dropout(0.5)
    np.testing.assert_array_equal(out(layer, x), x.astype("float32"))
    np.testing.assert_array_equal(out(layer, x, training=False), x.astype("float32"))


def test_dropout_in_training_zeroes_a_fraction_and_scales_the_rest():
    x = np.ones((100, 100), dtype="float32")
    y = out(Dropout(0.3), x, training=True)
    kept = y != 0
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert 0.27 < 1 - kept.mean() < 0.33


def test_dropout_noise_shape_drops_whole_features():
    y = out(Dropout(0.5, noise_shape=(None, 1, 8)), np.ones((4, 6, 8)), training=True)
    assert (y == y[:, :1, :]).all()  # the same mask for every timestep
    assert 0 < (y == 0).mean() < 1


def test_dropout_rate_must_be_below_one():
    for rate in (-0.1, 1.0, 1.5):
        with pytest.raises(ValueError, match="rate"):
            Dropout(rate)


def test_dropout_gradient_follows_its_mask(float64):
    layer = Dropout(0.4)

    def dropped(t):
        kerasbook.utils.set_random_seed(5)  # the same mask on every call, so finite differences apply
        return layer(t, training=True)

    x = rand(3, 6)
    grad = check_gradients(dropped, [x])[0]
    mask = dropped(Tensor(x)).numpy() / x
    direction = np.random.default_rng(0).standard_normal(x.shape)
    np.testing.assert_allclose(grad, direction * mask)


def test_model_predict_is_deterministic_and_training_call_is_not():
    kerasbook.utils.set_random_seed(0)
    model = Sequential([Dense(32, activation="relu", input_dim=8), Dropout(0.5), Dense(4)])
    x = rand(16, 8)
    first, second = model.predict(x, verbose=0), model.predict(x, verbose=0)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(model(x).numpy(), first)
    assert not np.allclose(model(x, training=True).numpy(), first)


# --- reshaping -------------------------------------------------------------------

def test_flatten(float64):
    x = rand(2, 3, 4, 5)
    layer = Flatten()
    np.testing.assert_array_equal(out(layer, x), x.reshape(2, 60))
    assert layer(Input(shape=(3, 4, 5))).shape == (None, 60)
    assert Flatten()(Input(shape=(3, None))).shape == (None, None)
    check_gradients(layer, [x])


@pytest.mark.parametrize("target, expected", [((3, 4), (3, 4)), ((-1, 2), (6, 2)), ((2, 3, 2), (2, 3, 2))])
def test_reshape(float64, target, expected):
    x = rand(5, 12)
    layer = Reshape(target)
    np.testing.assert_array_equal(out(layer, x), x.reshape((5,) + expected))
    assert Reshape(target)(Input(shape=(12,))).shape == (None,) + expected
    check_gradients(layer, [x])


def test_reshape_allows_only_one_unknown_size():
    with pytest.raises(ValueError, match="'two_unknowns'"):
        Reshape((-1, -1), name="two_unknowns")(Input(shape=(4,)))


def test_reshape_of_the_wrong_size_names_the_layer_symbolically():
    with pytest.raises(ValueError) as error:
        Reshape((5,), name="to_five")(Input(shape=(3, 4)))
    assert "'to_five'" in str(error.value) and "(5,)" in str(error.value)


def test_reshape_of_the_wrong_size_names_the_layer_eagerly():
    with pytest.raises(ValueError, match="to_five"):
        Reshape((5,), name="to_five")(np.zeros((2, 3)))


@pytest.mark.parametrize("dims", [(2, 1), (1, 2), (3, 1, 2)])
def test_permute(float64, dims):
    x = rand(2, 3, 4) if len(dims) == 2 else rand(2, 3, 4, 5)
    layer = Permute(dims)
    np.testing.assert_array_equal(out(layer, x), np.transpose(x, (0,) + dims))
    shape = x.shape[1:]
    assert Permute(dims)(Input(shape=shape)).shape == (None,) + tuple(shape[d - 1] for d in dims)
    check_gradients(layer, [x])


def test_permute_rejects_input_of_another_rank_naming_the_layer():
    with pytest.raises(ValueError, match="'swap'"):
        Permute((2, 1), name="swap")(Input(shape=(3, 4, 5)))


def test_permute_rejects_dims_that_are_not_a_permutation():
    with pytest.raises(ValueError, match="permutation"):
        Permute((0, 1))


def test_repeat_vector(float64):
    x = rand(2, 4)
    layer = RepeatVector(3)
    y = out(layer, x)
    assert y.shape == (2, 3, 4)
    for step in range(3):
        np.testing.assert_array_equal(y[:, step], x)
    assert RepeatVector(3)(Input(shape=(4,))).shape == (None, 3, 4)
    check_gradients(layer, [x])
    with pytest.raises(ValueError, match="ndim=2"):
        RepeatVector(2)(np.zeros((2, 3, 4)))


# --- merge layers -----------------------------------------------------------------

MERGES = [
    (Add, add, lambda *xs: sum(xs)),
    (Subtract, subtract, lambda a, b: a - b),
    (Multiply, multiply, lambda *xs: np.prod(xs, axis=0)),
    (Average, average, lambda *xs: np.mean(xs, axis=0)),
    (Maximum, maximum, lambda *xs: np.max(xs, axis=0)),
    (Minimum, minimum, lambda *xs: np.min(xs, axis=0)),
]


MERGE_CASES = [(*merge, count) for merge in MERGES for count in (2, 3) if not (merge[0] is Subtract and count == 3)]


@pytest.mark.parametrize("cls, function, reference, count", MERGE_CASES,
                         ids=[f"{case[0].__name__}-{case[3]}" for case in MERGE_CASES])
def test_elementwise_merge(float64, cls, function, reference, count):
    arrays = [rand(3, 4, seed=i) for i in range(count)]
    layer = cls()
    np.testing.assert_allclose(out(layer, *arrays), reference(*arrays))
    check_gradients(lambda *ts: layer(list(ts)), arrays)
    symbolic = function([Input(shape=(4,)) for _ in range(count)])
    assert symbolic.shape == (None, 4)


@pytest.mark.parametrize("cls", [m[0] for m in MERGES])
def test_elementwise_merge_shape_mismatch_names_layer_and_shapes(cls):
    with pytest.raises(ValueError) as error:
        cls(name="joiner")([Input(shape=(3,)), Input(shape=(4,))])
    message = str(error.value)
    assert "'joiner'" in message and "(None, 3)" in message and "(None, 4)" in message
    with pytest.raises(ValueError) as error:
        cls(name="joiner2")([np.zeros((2, 3)), np.zeros((2, 4))])
    assert "'joiner2'" in str(error.value) and "(2, 3)" in str(error.value) and "(2, 4)" in str(error.value)


@pytest.mark.parametrize("cls", [Add, Concatenate])
def test_merge_needs_a_list_of_at_least_two(cls):
    with pytest.raises(ValueError, match="at least 2 inputs"):
        cls(name="lonely")(Input(shape=(3,)))


def test_subtract_takes_exactly_two_inputs():
    with pytest.raises(ValueError, match="exactly 2 inputs"):
        Subtract()([Input(shape=(3,))] * 3)


@pytest.mark.parametrize("axis", [0, 1, 2, 3, -1, -2])
def test_concatenate_on_any_axis(float64, axis):
    shapes = [[2, 3, 4, 5], [2, 3, 4, 5]]
    shapes[1][axis] = 2 + (axis % 4)  # a different size on the joined axis only
    arrays = [rand(*shapes[0]), rand(*shapes[1], seed=1)]
    layer = Concatenate(axis=axis)
    np.testing.assert_array_equal(out(layer, *arrays), np.concatenate(arrays, axis=axis))
    check_gradients(lambda *ts: layer(list(ts)), arrays)


def test_concatenate_symbolic_like_e23():
    # The inception module joins three towers of (None, 256, 256, 64) with axis=1.
    towers = [Input(shape=(256, 256, 64)) for _ in range(3)]
    assert concatenate(towers, axis=1).shape == (None, 768, 256, 64)
    assert concatenate(towers).shape == (None, 256, 256, 192)
    assert concatenate([Input(shape=(None, 3)), Input(shape=(5, 3))], axis=1).shape == (None, None, 3)


def test_concatenate_mismatch_names_layer_axis_and_shapes():
    with pytest.raises(ValueError) as error:
        Concatenate(axis=-1, name="join")([Input(shape=(4, 3)), Input(shape=(5, 3))])
    message = str(error.value)
    assert "'join'" in message and "(None, 4, 3)" in message and "(None, 5, 3)" in message
    with pytest.raises(ValueError, match="'join_rank'"):
        Concatenate(name="join_rank")([Input(shape=(4, 3)), Input(shape=(4,))])
    with pytest.raises(ValueError, match="'join_axis'"):
        Concatenate(axis=3, name="join_axis")([Input(shape=(4, 3)), Input(shape=(4, 3))])


# --- TimeDistributed ---------------------------------------------------------------

def test_time_distributed_dense_applies_one_dense_to_every_step(float64):
    layer = TimeDistributed(Dense(3, activation="sigmoid"))
    x = rand(2, 5, 4)
    y = out(layer, x)
    kernel, bias = layer.get_weights()
    assert y.shape == (2, 5, 3) and kernel.shape == (4, 3) and bias.shape == (3,)
    for step in range(5):
        np.testing.assert_allclose(y[:, step], 1 / (1 + np.exp(-(x[:, step] @ kernel + bias))))
    assert layer.weights == layer.layer.weights
    check_gradients(layer, [x], params=layer.weights)


def test_time_distributed_in_a_sequential_like_s2():
    # S2: TimeDistributed(Dense(8), input_shape=(10, 16)) maps a batch (32, 10, 16) to (32, 10, 8).
    model = Sequential()
    model.add(TimeDistributed(Dense(8), input_shape=(10, 16)))
    assert model.output_shape == (None, 10, 8)
    assert model.count_params() == 16 * 8 + 8
    assert model.predict(np.zeros((32, 10, 16)), verbose=0).shape == (32, 10, 8)


def test_time_distributed_needs_a_layer_and_a_sequence():
    with pytest.raises(TypeError, match="wraps a layer"):
        TimeDistributed("dense")
    with pytest.raises(ValueError, match="min_ndim=3"):
        TimeDistributed(Dense(2))(np.zeros((4, 3)))


def test_a_stack_of_these_layers_has_correct_gradients_for_every_weight(float64):
    model = Sequential([Dense(4, activation="tanh", input_shape=(3, 2)), Dropout(0.5), Flatten(), RepeatVector(2),
                        Permute((2, 1)), TimeDistributed(Dense(2, activation="softplus")), Reshape((-1,)),
                        Activation("softmax")])
    assert model.output_shape == (None, 24)  # (3, 4) -> 12 -> (2, 12) -> (12, 2) -> (12, 2) -> 24
    assert len(model.weights) == 4
    check_gradients(model, [rand(2, 3, 2)], params=model.weights)


# --- weights -----------------------------------------------------------------------

def test_get_weights_set_weights_round_trip():
    source, target = Dense(3), Dense(3)
    source(np.zeros((1, 4)))
    target(np.zeros((1, 4)))
    target.set_weights(source.get_weights())
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = rand(2, 4)
    np.testing.assert_array_equal(out(source, x), out(target, x))
    weights = target.get_weights()
    weights[0][...] = 0  # get_weights hands out copies
    assert target.get_weights()[0].any()


def test_set_weights_checks_every_shape_before_writing_any():
    layer = Dense(3, name="guarded")
    layer(np.zeros((1, 4)))
    before = layer.get_weights()
    with pytest.raises(ValueError) as error:
        layer.set_weights([np.ones((4, 3)), np.ones((4,))])  # the kernel is right, the bias is not
    message = str(error.value)
    assert "guarded/bias" in message and "(3,)" in message and "(4,)" in message
    with pytest.raises(ValueError, match="expects 2 weight arrays, received 1"):
        layer.set_weights([np.ones((4, 3))])
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_count_params_before_build_is_a_clear_error():
    with pytest.raises(ValueError, match="isn't built"):
        Dense(3).count_params()


def test_non_trainable_layer_moves_its_weights():
    layer = Dense(2)
    layer(np.zeros((1, 3)))
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
