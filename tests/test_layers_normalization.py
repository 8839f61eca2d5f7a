"""BatchNormalization and LayerNormalization: Keras 3's numbers, gradients, moving statistics, shapes, errors.

The Keras numbers come from tests/data/keras_reference/normalization.npz, written
by tools/record_keras_reference_normalization.py (Keras 3 on PyTorch, float32).
"""
import pathlib

import numpy as np
import pytest

import kerasbook
from kerasbook import optimizers
from kerasbook.layers import BatchNormalization, Conv2D, Dense, Input, LayerNormalization
from kerasbook.models import Model, Sequential
from kerasbook.ops import GradientTape, Tensor
from kerasbook.ops.gradient_check import check_gradients

KERAS = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "normalization.npz")
BN_CASES = ["bn_last", "bn_images", "bn_axis1", "bn_plain", "bn_scale_only"]
LN_CASES = ["ln_last", "ln_sequence", "ln_axes", "ln_axis1", "ln_plain"]


def rand(*shape, seed=0, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def assert_close(actual, keras_value):
    """Equal to Keras's float32 numbers up to float32 rounding."""
    np.testing.assert_allclose(actual, keras_value, rtol=1e-5, atol=1e-6)


def keras_weights(case):
    return [KERAS[f"{case}.weight{i}"] for i in range(4) if f"{case}.weight{i}" in KERAS]


def built_batch_normalization(case):
    axis, momentum, epsilon, center, scale = KERAS[f"{case}.config"]
    layer = BatchNormalization(axis=int(axis), momentum=float(momentum), epsilon=float(epsilon), center=bool(center),
                               scale=bool(scale))
    layer(KERAS[f"{case}.x"][:1])
    layer.set_weights(keras_weights(case))
    return layer


# --- BatchNormalization against Keras 3 ---------------------------------------------------

@pytest.mark.parametrize("mode", ["training", "inference"])
@pytest.mark.parametrize("case", BN_CASES)
def test_batch_normalization_matches_keras(case, mode):
    layer = built_batch_normalization(case)
    x, direction = KERAS[f"{case}.x"], KERAS[f"{case}.direction"]
    inputs = Tensor(x, requires_grad=True)
    with GradientTape() as tape:
        output = layer(inputs, training=mode == "training")
        loss = (output * Tensor(direction)).sum()
    grad_x, *weight_grads = tape.gradient(loss, [inputs] + layer.trainable_weights)
    assert_close(output.numpy(), KERAS[f"{case}.{mode}.output"])
    assert_close(grad_x, KERAS[f"{case}.{mode}.grad_x"])
    for index, grad in enumerate(weight_grads):
        assert_close(grad, KERAS[f"{case}.{mode}.grad_weight{index}"])
    # moving statistics updated by a training call, untouched by an inference call, as in Keras
    assert_close(np.concatenate([w.ravel() for w in layer.get_weights()]), KERAS[f"{case}.{mode}.weights_after"])


@pytest.mark.parametrize("case", LN_CASES)
def test_layer_normalization_matches_keras(case):
    epsilon, center, scale = KERAS[f"{case}.config"]
    axis = [int(a) for a in KERAS[f"{case}.axis"]]
    layer = LayerNormalization(axis=axis if len(axis) > 1 else axis[0], epsilon=float(epsilon), center=bool(center),
                               scale=bool(scale))
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
    assert_close(grad_x, KERAS[f"{case}.grad_x"])
    for index, grad in enumerate(weight_grads):
        assert_close(grad, KERAS[f"{case}.grad_weight{index}"])


@pytest.mark.parametrize("case, make_layer", [
    ("bn_step", lambda: BatchNormalization(momentum=0.8)),
    ("ln_step", lambda: LayerNormalization()),
], ids=["BatchNormalization", "LayerNormalization"])
def test_one_training_step_matches_keras(case, make_layer):
    """Dense -> the layer -> Dense, one SGD step on MSE: loss, every weight after (moving statistics too), predict."""
    model = Sequential([Input((5,)), Dense(4), make_layer(), Dense(2)])
    names = [f"{type(layer).__name__}/{w.name}" for layer in model.layers for w in layer.weights]
    assert names == list(KERAS[f"{case}.weight_names"])  # each layer's weights in Keras's order
    count = len(names)
    before = iter(KERAS[f"{case}.before{i}"] for i in range(count))
    for layer in model.layers:
        layer.set_weights([next(before) for _ in layer.weights])
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(KERAS[f"{case}.x"], KERAS[f"{case}.y"])
    np.testing.assert_allclose(loss, KERAS[f"{case}.loss"], rtol=1e-6)
    after = [w for layer in model.layers for w in layer.get_weights()]
    for index, weight in enumerate(after):
        assert_close(weight, KERAS[f"{case}.after{index}"])
    assert_close(model.predict(KERAS[f"{case}.x"], verbose=0), KERAS[f"{case}.predict_after"])
    total, trainable, non_trainable = KERAS[f"{case}.params"]
    lines = []
    model.summary(print_fn=lines.append)
    assert f" Total params: {total:,} " in "\n".join(lines) + " "
    assert any(line.startswith(f" Trainable params: {trainable:,} ") for line in lines)
    assert any(line.startswith(f" Non-trainable params: {non_trainable:,} ") for line in lines)


def test_model_weights_are_in_keras_3_order():
    model = Sequential([Input((5,)), Dense(4), BatchNormalization(), Dense(2)])
    names = [f"{type(layer).__name__}/{w.name}" for layer in model.layers for w in layer.weights]
    assert [w.path.split("/")[-1] for w in model.weights] == [name.split("/")[-1] for name in names]


# --- gradient checks in float64 -------------------------------------------------------------

@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("axis, shape", [(-1, (5, 3)), (-1, (2, 3, 3, 2)), (1, (3, 2, 4))], ids=["2-D", "4-D", "axis 1"])
def test_batch_normalization_gradients(float64, backend, training, axis, shape):
    layer = BatchNormalization(axis=axis)
    x = rand(*shape, seed=1) * 2 + 0.5
    layer(x)
    layer.set_weights([rand(shape[axis], seed=2, low=0.5, high=1.5), rand(shape[axis], seed=3),
                       rand(shape[axis], seed=4), rand(shape[axis], seed=5, low=0.5, high=1.5)])
    check_gradients(lambda x: layer(x, training=training), [x], params=layer.trainable_weights)


@pytest.mark.parametrize("center, scale", [(False, False), (False, True), (True, False)])
def test_batch_normalization_gradients_without_beta_or_gamma(float64, center, scale):
    layer = BatchNormalization(center=center, scale=scale)
    check_gradients(lambda x: layer(x, training=True), [rand(4, 3, seed=6)], params=layer.trainable_weights)
    assert len(layer.weights) == 2 + center + scale


@pytest.mark.parametrize("axis, shape", [(-1, (3, 5)), (-1, (2, 3, 4)), ([1, 2], (2, 3, 4)), (1, (2, 3, 4))],
                         ids=["2-D", "3-D", "two axes", "inner axis"])
def test_layer_normalization_gradients(float64, backend, axis, shape):
    layer = LayerNormalization(axis=axis)
    x = rand(*shape, seed=7) * 3
    layer(x)
    layer.set_weights([rand(*w.shape, seed=8 + i, low=0.5, high=1.5) for i, w in enumerate(layer.weights)])
    check_gradients(layer, [x], params=layer.trainable_weights)


# --- training and inference ---------------------------------------------------------------

def test_batch_normalization_training_uses_the_batch_and_inference_the_moving_statistics():
    layer = BatchNormalization(momentum=0.5)
    x = rand(64, 3, seed=9) * 4 + 2
    trained = layer(x, training=True).numpy()
    np.testing.assert_allclose(trained.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(trained.var(axis=0), x.var(axis=0) / (x.var(axis=0) + 1e-3), rtol=1e-5)
    gamma, beta, moving_mean, moving_variance = layer.get_weights()
    np.testing.assert_allclose(moving_mean, 0.5 * x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(moving_variance, 0.5 + 0.5 * x.var(axis=0), rtol=1e-5)
    inferred = layer(x).numpy()
    np.testing.assert_allclose(inferred, (x - moving_mean) / np.sqrt(moving_variance + 1e-3), rtol=1e-5, atol=1e-6)
    assert [w.numpy().tolist() for w in layer.non_trainable_weights] == [moving_mean.tolist(),
                                                                        moving_variance.tolist()]


def test_frozen_batch_normalization_runs_in_inference_mode_even_when_training():
    layer = BatchNormalization()
    x = rand(8, 3, seed=10) + 3
    layer(x, training=True)
    frozen = layer.get_weights()
    layer.trainable = False
    np.testing.assert_array_equal(layer(x, training=True).numpy(), layer(x, training=False).numpy())
    for before, now in zip(frozen, layer.get_weights()):
        np.testing.assert_array_equal(before, now)
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_fit_moves_the_moving_statistics_towards_the_data_and_evaluate_leaves_them():
    kerasbook.utils.set_random_seed(0)
    x = rand(64, 4, seed=11) * 3 + 5
    y = x[:, :1] * 0.1
    model = Sequential([BatchNormalization(momentum=0.5, input_shape=(4,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    moving_mean, moving_variance = model.layers[0].get_weights()[2:]
    np.testing.assert_allclose(moving_mean, x.mean(axis=0), rtol=0.1)
    np.testing.assert_allclose(moving_variance, x.var(axis=0), rtol=0.5)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    np.testing.assert_array_equal(model.layers[0].get_weights()[2], moving_mean)


def test_batch_normalization_weights_in_keras_order_and_layout():
    layer = BatchNormalization()
    layer(np.zeros((2, 5)))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.path for w in layer.weights] == [f"{layer.name}/{n}" for n in ("gamma", "beta", "moving_mean",
                                                                            "moving_variance")]
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]
    gamma, beta, moving_mean, moving_variance = layer.get_weights()
    np.testing.assert_array_equal(gamma, np.ones(5))
    np.testing.assert_array_equal(beta, np.zeros(5))
    np.testing.assert_array_equal(moving_mean, np.zeros(5))
    np.testing.assert_array_equal(moving_variance, np.ones(5))
    assert layer.count_params() == 20


def test_initializers_by_name_and_object():
    layer = BatchNormalization(gamma_initializer="zeros", beta_initializer=kerasbook.initializers.Constant(0.5),
                               moving_variance_initializer="constant")
    layer(np.zeros((1, 3)))
    np.testing.assert_array_equal(layer.get_weights()[0], np.zeros(3))
    np.testing.assert_array_equal(layer.get_weights()[1], np.full(3, 0.5))
    np.testing.assert_array_equal(layer.get_weights()[3], np.zeros(3))
    norm = LayerNormalization(gamma_initializer="zeros", beta_initializer="ones")
    np.testing.assert_array_equal(norm(np.zeros((1, 3))).numpy(), np.ones((1, 3)))


def test_layer_normalization_weights_take_the_shape_of_the_normalized_axes():
    layer = LayerNormalization(axis=[1, 2])
    layer(np.zeros((2, 3, 4, 5)))
    assert [w.name for w in layer.weights] == ["gamma", "beta"]
    assert [tuple(w.shape) for w in layer.weights] == [(3, 4), (3, 4)]
    assert layer.non_trainable_weights == []


def test_layer_normalization_is_the_same_in_training_and_inference():
    layer = LayerNormalization()
    x = rand(3, 4, seed=12)
    np.testing.assert_array_equal(layer(x, training=True).numpy(), layer(x).numpy())
    np.testing.assert_allclose(layer(x).numpy().mean(axis=-1), 0, atol=1e-6)


# --- symbolic use, summary, config -------------------------------------------------------

def test_symbolic_in_sequential_after_a_convolution():
    model = Sequential([Conv2D(4, 3, input_shape=(8, 8, 2)), BatchNormalization(), LayerNormalization(axis=[1, 2, 3]),
                        BatchNormalization(axis=1)])
    assert model.output_shape == (None, 6, 6, 4)
    assert [layer.count_params() for layer in model.layers] == [4 * 3 * 3 * 2 + 4, 4 * 4, 2 * 6 * 6 * 4, 4 * 6]
    assert sum(w.data.size for w in model.non_trainable_weights) == 2 * 4 + 2 * 6
    assert model.predict(np.ones((2, 8, 8, 2)), verbose=0).shape == (2, 6, 6, 4)


def test_symbolic_in_a_functional_model_with_the_training_flag():
    inputs = Input((3,))
    outputs = LayerNormalization()(BatchNormalization(momentum=0.0)(inputs))
    model = Model(inputs, outputs)
    assert model.output_shape == (None, 3)
    x = rand(6, 3, seed=13) + 2
    model(x, training=True)
    np.testing.assert_allclose(model.layers[1].get_weights()[2], x.mean(axis=0), rtol=1e-5)


@pytest.mark.parametrize("make", [
    lambda: BatchNormalization(axis=1, momentum=0.9, epsilon=0.01, center=False, scale=True,
                               moving_variance_initializer="zeros"),
    lambda: LayerNormalization(axis=[1, 2], epsilon=1e-6, center=True, scale=False, gamma_initializer="zeros"),
], ids=["BatchNormalization", "LayerNormalization"])
def test_get_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    assert type(layer).from_config(config).get_config() == config
    assert {k: config[k] for k in ("epsilon", "center", "scale")} == {k: getattr(layer, k)
                                                                      for k in ("epsilon", "center", "scale")}


def test_keras_defaults():
    bn, ln = BatchNormalization().get_config(), LayerNormalization().get_config()
    assert (bn["axis"], bn["momentum"], bn["epsilon"], bn["center"], bn["scale"]) == (-1, 0.99, 1e-3, True, True)
    assert (bn["gamma_initializer"], bn["beta_initializer"], bn["moving_mean_initializer"],
            bn["moving_variance_initializer"]) == ("ones", "zeros", "zeros", "ones")
    assert (ln["axis"], ln["epsilon"], ln["center"], ln["scale"]) == (-1, 1e-3, True, True)


# --- mistakes, named ----------------------------------------------------------------------

@pytest.mark.parametrize("make", [lambda: BatchNormalization(axis=2), lambda: LayerNormalization(axis=-3),
                                  lambda: LayerNormalization(axis=[1, 2])])
def test_axis_out_of_range_names_layer_expected_and_received(make):
    layer = make()
    with pytest.raises(ValueError, match=rf"{type(layer).__name__} '{layer.name}' expected axis in \[-2, 2\) for "
                                         r"input shape \(None, 4\), received axis="):
        Sequential([Input((4,)), layer])


def test_axis_out_of_range_eagerly_too():
    with pytest.raises(ValueError, match=r"expected axis in \[-3, 3\) for input shape \(2, 3, 4\), received axis=3"):
        BatchNormalization(axis=3)(np.zeros((2, 3, 4)))


def test_axis_must_be_an_integer_for_batch_normalization():
    with pytest.raises(TypeError, match=r"BatchNormalization '.*' expected an integer axis, received axis=\[1, 2\]"):
        BatchNormalization(axis=[1, 2])
    with pytest.raises(TypeError, match=r"LayerNormalization '.*' expected an int or a list of ints"):
        LayerNormalization(axis="last")


def test_layer_normalization_refuses_repeated_axes():
    with pytest.raises(ValueError, match=r"expected distinct axes, received axis=\[1, -1\]"):
        LayerNormalization(axis=[1, -1])(np.zeros((2, 3)))


def test_the_normalized_axis_must_have_a_known_size():
    with pytest.raises(ValueError, match=r"BatchNormalization '.*' needs the size of axis 1 to be known, received "
                                         r"input shape \(None, None, 3\)"):
        Sequential([Input((None, 3)), BatchNormalization(axis=1)])


def test_input_of_another_width_after_build_names_the_layer():
    layer = BatchNormalization()
    layer(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=rf"layer '{layer.name}'.*expected axis 1 of input shape to have value 4"):
        layer(np.zeros((2, 5)))


def test_unknown_keyword_is_refused():
    with pytest.raises(TypeError, match="unexpected keyword argument"):
        BatchNormalization(renorm_clip=True)
