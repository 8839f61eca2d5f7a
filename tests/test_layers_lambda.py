"""`Lambda`: a function as a layer, in Sequential and functional models, with Keras's arguments."""
import json

import numpy as np
import pytest

import kerasbook
import kerasbook.backend as K
from kerasbook import Input, Model, Sequential
from kerasbook.layers import Dense, Lambda
from kerasbook.ops import Tensor
from kerasbook.ops.gradient_check import check_gradients


def test_lambda_in_sequential_squares_and_infers_its_shape():
    model = Sequential([Dense(3, input_dim=4, use_bias=False), Lambda(lambda x: x ** 2)])
    assert model.output_shape == (None, 3)
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), (x @ model.layers[0].get_weights()[0]) ** 2, rtol=1e-5)


def test_inferred_shapes_keep_unknown_sizes_unknown():
    sequences = Input(shape=(None, 6))
    assert Lambda(lambda x: x[:, -1, :2])(sequences).shape == (None, 2)
    assert Lambda(lambda x: K.reshape(x, (-1, 3, 2)))(Input(shape=(6,))).shape == (None, 3, 2)
    assert Lambda(lambda x: K.mean(x, axis=1))(sequences).shape == (None, 6)


def test_output_shape_as_a_tuple_or_a_function():
    x = Input(shape=(4,), batch_size=8)
    assert Lambda(lambda t: t[:, :2], output_shape=(2,))(x).shape == (8, 2)  # the batch axis is the input's
    assert Lambda(lambda t: t[:, :2], output_shape=[2])(Input(shape=(4,))).shape == (None, 2)
    assert Lambda(lambda t: t, output_shape=lambda shape: (shape[0], 7))(x).shape == (8, 7)  # trusted as given


def test_arguments_are_passed_to_the_function():
    def scale(x, factor, shift=0.0):
        return x * factor + shift

    layer = Lambda(scale, arguments={"factor": 3.0, "shift": 1.0})
    np.testing.assert_allclose(layer(np.array([[1.0, 2.0]])).numpy(), [[4.0, 7.0]])


def test_a_list_of_inputs_and_the_vae_sampling_layer():
    """The Keras 2 variational autoencoder's sampling Lambda, as the example writes it."""
    latent_dim = 2

    def sampling(args):
        z_mean, z_log_var = args
        batch = K.shape(z_mean)[0]
        dim = K.int_shape(z_mean)[1]
        epsilon = K.random_normal(shape=(batch, dim))
        return z_mean + K.exp(0.5 * z_log_var) * epsilon

    inputs = Input(shape=(6,))
    z_mean, z_log_var = Dense(latent_dim)(inputs), Dense(latent_dim)(inputs)
    z = Lambda(sampling, output_shape=(latent_dim,), name="z")([z_mean, z_log_var])
    assert z.shape == (None, latent_dim)
    inferred = Lambda(sampling)([z_mean, z_log_var])
    assert inferred.shape == (None, latent_dim)
    encoder = Model(inputs, [z_mean, z_log_var, z])
    x = np.random.default_rng(0).normal(size=(500, 6)).astype("float32")
    mean, log_var, samples = encoder.predict(x, verbose=0)
    noise = (samples - mean) / np.exp(0.5 * log_var)
    assert abs(noise.mean()) < 0.1 and abs(noise.std() - 1) < 0.1  # z = mean + sigma * N(0, 1)


def test_gradient_through_a_lambda(float64):
    layer = Lambda(lambda x: K.sum(K.tanh(x) * x, axis=-1, keepdims=True))
    check_gradients(layer, [np.random.default_rng(0).normal(size=(3, 4))])


def test_a_functional_model_with_a_lambda_trains():
    kerasbook.utils.set_random_seed(0)
    inputs = Input(shape=(4,))
    hidden = Dense(16, activation="tanh")(inputs)
    normalised = Lambda(lambda h: K.l2_normalize(h, axis=-1) * 3.0)(hidden)
    model = Model(inputs, Dense(1)(normalised))
    model.compile(optimizer=kerasbook.optimizers.Adam(learning_rate=0.01), loss="mse")
    x = np.random.default_rng(1).normal(size=(128, 4)).astype("float32")
    y = np.sin(x[:, :1]).astype("float32")
    history = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]


def test_the_function_gets_training_and_mask_when_it_asks():
    seen = {}

    def noisy(x, training=None, mask=None):
        seen.update(training=training, mask=mask)
        return x + 1.0 if training else x

    layer = Lambda(noisy)
    assert layer(np.zeros((1, 1)), training=True).numpy().item() == 1.0
    assert seen == {"training": True, "mask": None}
    assert layer(np.zeros((1, 1))).numpy().item() == 0.0 and seen["training"] is False


def test_mask_is_kept_as_keras_keeps_it():
    assert Lambda(lambda x: x).compute_mask(None) is None
    assert Lambda(lambda x: x, mask=lambda inputs, mask: "computed").compute_mask(None) == "computed"
    fixed = np.array([True, False])
    assert Lambda(lambda x: x, mask=fixed).compute_mask(None) is fixed


def test_config_names_the_function_as_python_code_and_never_loads_it():
    def double(x):
        return x * 2

    layer = Lambda(double, output_shape=(3,), arguments={"axes": (1, 2)}, name="doubler")
    config = layer.get_config()
    json.dumps(config)
    assert config["function"] == {"class_name": "__python_code__",
                                  "config": {"name": "double", "module": __name__}}
    assert config["output_shape"] == [3] and config["name"] == "doubler"
    with pytest.raises(ValueError, match=r"Lambda 'doubler' wraps Python code \(its function is 'double'\).*never "
                                         r"loads code.*custom_objects=\{'double': double\}"):
        Lambda.from_config(config)
    config["function"] = double  # found by the loader, e.g. in custom_objects
    rebuilt = Lambda.from_config(config)
    assert rebuilt.function is double and rebuilt.arguments == {"axes": (1, 2)} and rebuilt.name == "doubler"
    assert Lambda(lambda x: x).get_config()["function"]["config"]["name"] == "<lambda>"


def test_errors_name_the_layer():
    with pytest.raises(TypeError, match="Lambda 'lambda' expects a function"):
        Lambda(3)
    layer = Lambda(lambda x: x @ np.ones((5, 2)), name="project")
    with pytest.raises(ValueError, match=r"Lambda 'project' cannot be applied to inputs of shape \(None, 4\)"):
        layer(Input(shape=(4,)))


def test_summary_shows_the_lambda(capsys):
    inputs = Input(shape=(4,))
    Model(inputs, Lambda(lambda x: x[:, :2], name="first_two")(inputs)).summary()
    assert "first_two (Lambda)" in capsys.readouterr().out


def test_eager_call_on_a_tensor():
    result = Lambda(lambda x: K.concatenate([x, -x]))(Tensor(np.array([[1.0, 2.0]])))
    np.testing.assert_array_equal(result.numpy(), [[1.0, 2.0, -1.0, -2.0]])
