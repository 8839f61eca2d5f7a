"""Activation layers: Keras 3's numbers (gradients at the kinks too), float64 gradient checks, shapes, configs, errors.

The Keras numbers come from tests/data/keras_reference/activations.npz, written by
tools/record_keras_reference_activations.py (Keras 3 on PyTorch, float32).
"""
import pathlib

import numpy as np
import pytest

from kerasbook import optimizers
from kerasbook.layers import (
    ELU, Conv2D, Dense, Input, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU,
)
from kerasbook.models import Model, Sequential
from kerasbook.ops import GradientTape, Tensor
from kerasbook.ops.gradient_check import check_gradients

KERAS = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "activations.npz")

# the recorded case: (layer, keyword arguments); ThresholdedReLU's numbers are Keras 3's ReLU(threshold=theta)
CASES = {
    "leaky_relu": (LeakyReLU, {}),
    "leaky_relu_slope": (LeakyReLU, {"negative_slope": 0.1}),
    "elu": (ELU, {}),
    "elu_alpha": (ELU, {"alpha": 0.5}),
    "relu": (ReLU, {}),
    "relu_max": (ReLU, {"max_value": 1.5}),
    "relu_slope": (ReLU, {"negative_slope": 0.2}),
    "relu_threshold": (ReLU, {"threshold": 0.5}),
    "relu_all": (ReLU, {"max_value": 2.0, "negative_slope": 0.1, "threshold": 0.5}),
    "relu6": (ReLU, {"max_value": 6.0}),
    "softmax": (Softmax, {}),
    "softmax_axis0": (Softmax, {"axis": 0}),
    "softmax_3d_axis1": (Softmax, {"axis": 1}),
    "softmax_two_axes": (Softmax, {"axis": [1, 2]}),
    "thresholded_relu": (ThresholdedReLU, {}),
    "thresholded_relu_theta": (ThresholdedReLU, {"theta": 0.5}),
    "prelu": (PReLU, {}),
    "prelu_shared": (PReLU, {"shared_axes": [1]}),
    "prelu_images": (PReLU, {"shared_axes": [1, 2]}),
}

STEPS = {
    "leaky_relu_step": lambda: LeakyReLU(),
    "prelu_step": lambda: PReLU(),
    "elu_step": lambda: ELU(),
    "relu_step": lambda: ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2),
    "softmax_step": lambda: Softmax(),
}


def rand(*shape, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def assert_close(actual, keras_value):
    np.testing.assert_allclose(actual, keras_value, rtol=1e-5, atol=1e-6)


# --- against Keras 3 ----------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_output_and_gradient_match_keras(case):
    make, kwargs = CASES[case]
    layer = make(**kwargs)
    x, direction = KERAS[f"{case}.x"], KERAS[f"{case}.direction"]
    layer(x)
    layer.set_weights([KERAS[f"{case}.weight{i}"] for i in range(len(layer.weights))])
    inputs = Tensor(x, requires_grad=True)
    with GradientTape() as tape:
        output = layer(inputs)
        loss = (output * Tensor(direction)).sum()
    grad_x, *weight_grads = tape.gradient(loss, [inputs] + layer.trainable_weights)
    assert output.dtype == np.float32
    assert_close(output.numpy(), KERAS[f"{case}.output"])
    assert_close(grad_x, KERAS[f"{case}.grad_x"])  # the inputs hold every kink: 0, thresholds, max values
    for index, grad in enumerate(weight_grads):
        assert_close(grad, KERAS[f"{case}.grad_weight{index}"])


@pytest.mark.parametrize("case", STEPS)
def test_one_training_step_matches_keras(case):
    """Dense(6) -> the layer -> Dense(2), one SGD step on MSE: the loss and every weight after."""
    model = Sequential([Input((5,)), Dense(6), STEPS[case](), Dense(2)])
    before = iter(KERAS[f"{case}.before{i}"] for i in range(len(model.weights)))
    for layer in model.layers:
        layer.set_weights([next(before) for _ in layer.weights])
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(KERAS[f"{case}.x"], KERAS[f"{case}.y"])
    np.testing.assert_allclose(loss, KERAS[f"{case}.loss"], rtol=1e-6)
    for index, weight in enumerate(w for layer in model.layers for w in layer.get_weights()):
        assert_close(weight, KERAS[f"{case}.after{index}"])
    total, trainable = KERAS[f"{case}.params"]
    assert model.count_params() == total and sum(w.data.size for w in model.trainable_weights) == trainable


# --- gradient checks in float64 -------------------------------------------------------------

GRADIENT_CASES = {
    "LeakyReLU": lambda: LeakyReLU(0.2),
    "PReLU": lambda: PReLU(alpha_initializer="random_uniform"),
    "PReLU shared": lambda: PReLU(alpha_initializer="random_uniform", shared_axes=1),
    "ELU": lambda: ELU(0.7),
    "ReLU": lambda: ReLU(),
    "ReLU capped, leaky, thresholded": lambda: ReLU(max_value=1.2, negative_slope=0.3, threshold=0.4),
    "Softmax": lambda: Softmax(),
    "Softmax axis 1": lambda: Softmax(axis=1),
    "Softmax two axes": lambda: Softmax(axis=(1, 2)),
    "ThresholdedReLU": lambda: ThresholdedReLU(0.5),
}


@pytest.mark.parametrize("make", GRADIENT_CASES.values(), ids=GRADIENT_CASES.keys())
def test_gradients(float64, backend, make):
    layer = make()
    x = rand(3, 4, 5, seed=1)
    for kink in (0.0, 0.4, 0.5, 1.2):  # finite differences need every value away from a kink
        x[np.abs(x - kink) < 0.01] = kink + 0.05
    check_gradients(layer, [x], params=layer.trainable_weights)


# --- formulas and defaults ------------------------------------------------------------------

def test_leaky_relu_takes_keras_2_alpha_with_its_meaning():
    x = np.array([[-2.0, 0.0, 3.0]])
    np.testing.assert_allclose(LeakyReLU(alpha=0.1)(x).numpy(), [[-0.2, 0.0, 3.0]], rtol=1e-6)
    np.testing.assert_allclose(LeakyReLU()(x).numpy(), [[-0.6, 0.0, 3.0]], rtol=1e-6)  # Keras 3's default 0.3
    assert LeakyReLU(alpha=0.1).get_config()["negative_slope"] == 0.1


def test_prelu_weight_shape_and_default():
    layer = PReLU(shared_axes=[1, 2])
    layer(np.zeros((2, 5, 5, 3)))
    (alpha,) = layer.weights
    assert alpha.name == "alpha" and tuple(alpha.shape) == (1, 1, 3) and alpha.trainable
    np.testing.assert_array_equal(alpha.numpy(), np.zeros((1, 1, 3)))  # starts as a ReLU
    assert layer.count_params() == 3
    full = PReLU()
    full(np.zeros((2, 4, 3)))
    assert tuple(full.weights[0].shape) == (4, 3)


def test_prelu_learns_its_slope():
    x = np.linspace(-2, 2, 40).reshape(-1, 1)
    model = Sequential([PReLU(input_shape=(1,))])
    model.compile(optimizer=optimizers.SGD(0.5), loss="mse")
    model.fit(x, np.where(x > 0, x, 0.25 * x), epochs=60, batch_size=40, verbose=0)
    np.testing.assert_allclose(model.layers[0].get_weights()[0], [0.25], atol=1e-3)


def test_softmax_sums_to_one_along_its_axes():
    x = rand(2, 3, 4, seed=2)
    np.testing.assert_allclose(Softmax(axis=1)(x).numpy().sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(Softmax(axis=[1, 2])(x).numpy().sum(axis=(1, 2)), 1, rtol=1e-6)


# --- symbolic use and config ----------------------------------------------------------------

def test_symbolic_in_sequential_and_functional_models():
    model = Sequential([Conv2D(2, 3, input_shape=(6, 6, 1)), PReLU(shared_axes=[1, 2]), LeakyReLU(), ELU(), ReLU(6.0),
                        ThresholdedReLU(), Softmax(axis=-1)])
    assert model.output_shape == (None, 4, 4, 2)
    assert model.layers[1].count_params() == 2
    assert model.predict(np.ones((3, 6, 6, 1)), verbose=0).shape == (3, 4, 4, 2)
    inputs = Input((4, 3))
    model = Model(inputs, Softmax(axis=1)(PReLU()(inputs)))
    assert model.output_shape == (None, 4, 3)
    assert model.count_params() == 12


CONFIGS = [
    (LeakyReLU, {"negative_slope": 0.1}),
    (PReLU, {"alpha_initializer": "ones", "shared_axes": [1, 2]}),
    (ELU, {"alpha": 0.5}),
    (ReLU, {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.5}),
    (Softmax, {"axis": [1, 2]}),
    (ThresholdedReLU, {"theta": 0.3}),
]


@pytest.mark.parametrize("cls, kwargs", CONFIGS, ids=[cls.__name__ for cls, _ in CONFIGS])
def test_get_config_holds_the_constructor_arguments(cls, kwargs):
    config = cls(**kwargs).get_config()
    assert {key: config[key] for key in kwargs} == kwargs
    assert cls.from_config(config).get_config() == config


def test_keras_defaults():
    assert LeakyReLU().negative_slope == 0.3
    assert ELU().alpha == 1.0
    relu = ReLU()
    assert (relu.max_value, relu.negative_slope, relu.threshold) == (None, 0.0, 0.0)
    assert Softmax().axis == -1 and ThresholdedReLU().theta == 1.0
    assert PReLU().get_config()["alpha_initializer"] == "zeros" and PReLU().shared_axes is None


# --- mistakes, named ----------------------------------------------------------------------

@pytest.mark.parametrize("make, message", [
    (lambda: LeakyReLU(-0.1), r"LeakyReLU 'leaky_re_lu' expected negative_slope >= 0, received negative_slope=-0.1"),
    (lambda: LeakyReLU(alpha=None), r"expected negative_slope >= 0, received negative_slope=None"),
    (lambda: ReLU(max_value=-1), r"ReLU 're_lu' expected max_value >= 0 or None, received max_value=-1"),
    (lambda: ReLU(negative_slope=-0.5), r"ReLU 're_lu' expected negative_slope >= 0, received negative_slope=-0.5"),
    (lambda: ReLU(threshold=None), r"ReLU 're_lu' expected threshold >= 0, received threshold=None"),
    (lambda: ThresholdedReLU(-1.0), r"ThresholdedReLU 'thresholded_re_lu' expected theta >= 0, received theta=-1.0"),
    (lambda: ELU(None), r"ELU 'elu' expected a number for alpha, received alpha=None"),
])
def test_bad_arguments_name_layer_expected_and_received(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_softmax_axis_out_of_range_names_the_layer():
    with pytest.raises(ValueError, match=r"Softmax 'softmax' expected axis in \[-2, 2\) for input shape \(None, 4\), "
                                         r"received axis=2"):
        Sequential([Input((4,)), Softmax(axis=2)])


def test_prelu_shared_axes_out_of_range_and_unknown_sizes():
    with pytest.raises(ValueError, match=r"PReLU 'p_re_lu' expected shared_axes between 1 and 2 for input shape "
                                         r"\(None, 4, 3\), received shared_axes=\[0\]"):
        Sequential([Input((4, 3)), PReLU(shared_axes=0)])
    with pytest.raises(ValueError, match=r"PReLU 'p_re_lu_1' needs every axis it does not share to have a known "
                                         r"size, received input shape \(None, None, 3\)"):
        Sequential([Input((None, 3)), PReLU()])
    Sequential([Input((None, 3)), PReLU(shared_axes=1)])  # a sequence of any length, one slope per feature


def test_prelu_input_of_another_shape_after_build_names_the_layer():
    layer = PReLU()
    layer(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=rf"layer '{layer.name}'.*expected axis 1 of input shape to have value 4"):
        layer(np.zeros((2, 5)))


def test_keras_2_module_path():
    from kerasbook.layers.advanced_activations import ELU as ELU2, LeakyReLU as LeakyReLU2, PReLU as PReLU2
    assert (ELU2, LeakyReLU2, PReLU2) == (ELU, LeakyReLU, PReLU)
