"""`add_loss` and `add_metric`: losses inside `call` and losses built from a functional model's symbolic tensors.

The last test is the variational autoencoder of the Keras examples
(examples/variational_autoencoder.py, Keras 2), its model code as written with
``import kerasbook as keras``, on the 8x8 digits.
"""
import numpy as np
import pytest

import kerasbook as keras
from kerasbook import backend as K
from kerasbook import layers, ops
from kerasbook.datasets import digits
from kerasbook.layers import Dense, Input, Lambda
from kerasbook.losses import mse
from kerasbook.models import Model


class ActivityPenalty(layers.Layer):
    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(ops.square(inputs)))
        self.add_metric(ops.mean(inputs), name="mean_activation")
        return inputs


def data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 4)).astype("float32"), rng.normal(size=(n, 1)).astype("float32")


def test_add_loss_inside_call_is_in_losses_after_each_call_and_not_before():
    penalty = ActivityPenalty(0.5)
    x = np.full((2, 3), 2.0, dtype="float32")
    assert penalty.losses == []
    penalty(x)
    penalty(x)  # the outermost call clears the last call's terms
    assert len(penalty.losses) == 1
    np.testing.assert_allclose(penalty.losses[0].numpy(), 0.5 * 4.0)


def test_add_loss_inside_call_is_added_to_the_compiled_loss_and_add_metric_is_logged():
    x, y = data()
    inputs = Input(shape=(4,))
    dense = Dense(1, kernel_initializer="ones")
    model = Model(inputs, dense(ActivityPenalty(0.25)(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    logs = model.evaluate(x, y, batch_size=32, verbose=0, return_dict=True)
    expected = np.mean((x.sum(axis=1, keepdims=True) - y) ** 2) + 0.25 * np.mean(x ** 2)
    np.testing.assert_allclose(logs["loss"], expected, rtol=1e-5)
    np.testing.assert_allclose(logs["mean_activation"], x.mean(), rtol=1e-5)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0, validation_data=(x, y))
    assert {"loss", "mean_activation", "val_loss", "val_mean_activation"} <= set(history.history)


def test_model_add_loss_of_symbolic_tensors_becomes_part_of_the_graph():
    x, y = data()
    inputs = Input(shape=(4,))
    hidden = Dense(3, name="hidden")(inputs)
    outputs = Dense(1, name="out")(hidden)
    model = Model(inputs, outputs)
    model.add_loss(K.mean(K.square(hidden)) * 0.1)
    model.add_metric(K.mean(hidden), name="hidden_mean")
    assert [layer.name for layer in model.layers][1:] == ["hidden", "out"]  # the loss's operations are no layers
    model.compile(optimizer="sgd", loss="mse")
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    h = model.get_layer("hidden")(x).numpy()
    predictions = model.predict(x, verbose=0)
    np.testing.assert_allclose(logs["loss"], np.mean((predictions - y) ** 2) + 0.1 * np.mean(h ** 2), rtol=1e-5)
    np.testing.assert_allclose(logs["hidden_mean"], h.mean(), rtol=1e-5, atol=1e-6)
    assert len(model.losses) == 1  # the term from the last call
    before = model.get_layer("hidden").get_weights()[0].copy()
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(before, model.get_layer("hidden").get_weights()[0])


def test_model_add_loss_refuses_a_symbolic_tensor_that_is_not_a_scalar():
    inputs = Input(shape=(4,))
    model = Model(inputs, Dense(1)(inputs))
    with pytest.raises(ValueError, match=r"add_loss expects a scalar, received a symbolic tensor of shape \(None, 4\)"):
        model.add_loss(K.square(inputs))


def test_add_metric_needs_a_name():
    with pytest.raises(ValueError, match="add_metric needs a `name`"):
        layers.Layer().add_metric(1.0)


def test_a_model_whose_whole_loss_is_add_loss_compiles_without_a_loss_and_fits_without_y():
    x, _ = data(64)
    inputs = Input(shape=(4,))
    outputs = Dense(4)(inputs)
    model = Model(inputs, outputs)
    model.add_loss(K.mean(K.square(outputs - inputs)))
    model.compile(optimizer="adam")
    history = model.fit(x, epochs=5, batch_size=16, verbose=0, validation_data=(x, None))
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert len(history.history["val_loss"]) == 5
    assert np.isfinite(model.evaluate(x, verbose=0))


def test_fit_without_y_and_without_any_loss_says_there_is_no_loss_to_compute():
    inputs = Input(shape=(4,))
    model = Model(inputs, Dense(1)(inputs))
    model.compile(optimizer="sgd")
    with pytest.raises(ValueError, match="has no loss to compute"):
        model.fit(np.ones((4, 4)), verbose=0)


def test_fit_without_y_when_compile_has_a_loss_asks_for_targets():
    inputs = Input(shape=(4,))
    model = Model(inputs, Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="needs targets `y`"):
        model.fit(np.ones((4, 4)), verbose=0)


# --- the variational autoencoder of the Keras examples, as written -------------------

def sampling(args):
    """Reparameterization trick by sampling from an isotropic unit Gaussian."""
    z_mean, z_log_var = args
    batch = K.shape(z_mean)[0]
    dim = K.int_shape(z_mean)[1]
    # by default, random_normal has mean = 0 and std = 1.0
    epsilon = K.random_normal(shape=(batch, dim))
    return z_mean + K.exp(0.5 * z_log_var) * epsilon


def test_the_variational_autoencoder_of_the_keras_examples_trains_as_written():
    keras.utils.set_random_seed(0)
    (x_train, _), (x_test, _) = digits.load_data()
    original_dim = 8 * 8
    x_train = np.reshape(x_train, [-1, original_dim]).astype("float32") / 16
    x_test = np.reshape(x_test, [-1, original_dim]).astype("float32") / 16

    input_shape = (original_dim,)
    intermediate_dim = 32
    batch_size = 64
    latent_dim = 2
    epochs = 8

    # VAE model = encoder + decoder
    # build encoder model
    inputs = Input(shape=input_shape, name="encoder_input")
    x = Dense(intermediate_dim, activation="relu")(inputs)
    z_mean = Dense(latent_dim, name="z_mean")(x)
    z_log_var = Dense(latent_dim, name="z_log_var")(x)

    # use reparameterization trick to push the sampling out as input
    z = Lambda(sampling, output_shape=(latent_dim,), name="z")([z_mean, z_log_var])

    # instantiate encoder model
    encoder = Model(inputs, [z_mean, z_log_var, z], name="encoder")

    # build decoder model
    latent_inputs = Input(shape=(latent_dim,), name="z_sampling")
    x = Dense(intermediate_dim, activation="relu")(latent_inputs)
    outputs = Dense(original_dim, activation="sigmoid")(x)

    # instantiate decoder model
    decoder = Model(latent_inputs, outputs, name="decoder")

    # instantiate VAE model
    outputs = decoder(encoder(inputs)[2])
    vae = Model(inputs, outputs, name="vae_mlp")

    reconstruction_loss = mse(inputs, outputs)
    reconstruction_loss *= original_dim
    kl_loss = 1 + z_log_var - K.square(z_mean) - K.exp(z_log_var)
    kl_loss = K.sum(kl_loss, axis=-1)
    kl_loss *= -0.5
    vae_loss = K.mean(reconstruction_loss + kl_loss)
    vae.add_loss(vae_loss)
    vae.compile(optimizer="adam")

    history = vae.fit(x_train, epochs=epochs, batch_size=batch_size, validation_data=(x_test, None), verbose=0)
    losses = history.history["loss"]
    assert np.isfinite(losses).all() and len(history.history["val_loss"]) == epochs
    assert losses[-1] < 0.8 * losses[0]
    assert history.history["val_loss"][-1] < history.history["val_loss"][0]
    z_mean_test = encoder.predict(x_test, batch_size=batch_size, verbose=0)[0]
    assert z_mean_test.shape == (len(x_test), latent_dim)
    assert decoder.predict(z_mean_test[:5], verbose=0).shape == (5, original_dim)


def test_a_nested_model_brings_its_symbolic_loss_into_the_outer_models_loss():
    inputs = Input(shape=(4,))
    hidden = Dense(3)(inputs)
    inner = Model(inputs, Dense(2)(hidden))
    inner.add_loss(K.mean(K.square(hidden)))
    outer_inputs = Input(shape=(4,))
    outer = Model(outer_inputs, Dense(1)(inner(outer_inputs)))
    outer.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 4), dtype="float32"), np.ones((4, 1), dtype="float32")
    loss = outer.evaluate(x, y, verbose=0)
    h = inner.layers[1](x).numpy()
    np.testing.assert_allclose(loss, np.mean((outer.predict(x, verbose=0) - y) ** 2) + np.mean(h ** 2), rtol=1e-5)
    assert len(outer.losses) == 1


def test_an_add_loss_model_trains_with_validation_split_and_train_on_batch_without_y():
    x, _ = data(40)
    inputs = Input(shape=(4,))
    outputs = Dense(4)(inputs)
    model = Model(inputs, outputs)
    model.add_loss(K.mean(K.square(outputs - inputs)))
    model.compile(optimizer="adam")
    history = model.fit(x, validation_split=0.25, epochs=2, verbose=0)
    assert len(history.history["val_loss"]) == 2
    assert np.isfinite(model.train_on_batch(x[:4], None))
