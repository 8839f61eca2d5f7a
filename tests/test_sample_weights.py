"""sample_weight and class_weight: each sample's loss counts by its weight, as in Keras 3."""
import numpy as np
import pytest

import kerasbook as keras
from kerasbook import Input, layers
from kerasbook.models import Model, Sequential

RNG = np.random.default_rng(0)
X = RNG.normal(size=(12, 3)).astype("float32")
Y = RNG.normal(size=(12, 2)).astype("float32")
W = RNG.uniform(0, 2, size=12).astype("float32")


def regression(optimizer="sgd"):
    keras.utils.set_random_seed(1)
    model = Sequential([layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def test_the_loss_is_the_weighted_sum_over_the_number_of_samples():
    model = regression()
    per_sample = ((model.predict(X, verbose=0) - Y) ** 2).mean(axis=1)
    loss = model.evaluate(X, Y, sample_weight=W, batch_size=12, verbose=0)
    np.testing.assert_allclose(loss, (per_sample * W).sum() / 12, rtol=1e-5)
    assert not np.isclose(loss, per_sample.mean())


def test_a_zero_weight_sample_does_not_move_the_weights():
    y_wrong = Y.copy()
    y_wrong[5] += 100.0  # a sample that would dominate the gradient
    weights = np.ones(12, dtype="float32")
    weights[5] = 0.0
    clean, ignored = regression(), regression()
    clean.train_on_batch(np.delete(X, 5, 0), np.delete(Y, 5, 0), sample_weight=np.full(11, 11 / 12, "float32"))  # (sum of 11) / 12
    ignored.train_on_batch(X, y_wrong, sample_weight=weights)
    for a, b in zip(clean.get_weights(), ignored.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("one_hot", [False, True])
def test_class_weight_is_sample_weight_looked_up_by_class(one_hot):
    labels = RNG.integers(0, 3, size=40)
    x = RNG.normal(size=(40, 4)).astype("float32")
    y = keras.utils.to_categorical(labels, 3) if one_hot else labels
    loss = "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
    class_weight = {0: 1.0, 1: 4.0, 2: 0.5}

    def trained(**weighting):
        keras.utils.set_random_seed(2)
        model = Sequential([layers.Dense(3, activation="softmax", input_shape=(4,))])
        model.compile(optimizer="adam", loss=loss)
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, **weighting)
        return model.get_weights()

    by_class = trained(class_weight=class_weight)
    by_sample = trained(sample_weight=np.array([class_weight[label] for label in labels]))
    unweighted = trained()
    for a, b in zip(by_class, by_sample):
        np.testing.assert_array_equal(a, b)
    assert not np.allclose(by_class[0], unweighted[0])


def test_binary_labels_take_their_class_weight():
    model = Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    y = np.array([0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0], dtype="float32").reshape(-1, 1)
    weighted = model.evaluate(X, y, batch_size=12, verbose=0, sample_weight=np.where(y[:, 0] == 1, 3.0, 1.0))
    keras_like = model.test_on_batch(X, y, sample_weight=np.where(y[:, 0] == 1, 3.0, 1.0))
    np.testing.assert_allclose(weighted, keras_like, rtol=1e-6)
    before = model.get_weights()
    model.train_on_batch(X, y, class_weight={1: 3.0})
    assert not np.allclose(before[0], model.get_weights()[0])


def test_validation_weights_from_a_tuple_or_from_the_split():
    model = regression()
    history = model.fit(X[:8], Y[:8], epochs=1, verbose=0, validation_data=(X[8:], Y[8:], W[8:]))
    expected = model.evaluate(X[8:], Y[8:], sample_weight=W[8:], verbose=0)
    np.testing.assert_allclose(history.history["val_loss"][0], expected, rtol=1e-5)
    model = regression()
    history = model.fit(X, Y, sample_weight=W, validation_split=0.25, epochs=1, verbose=0)
    expected = model.evaluate(X[9:], Y[9:], sample_weight=W[9:], verbose=0)
    np.testing.assert_allclose(history.history["val_loss"][0], expected, rtol=1e-5)


def test_one_weight_array_per_output_by_list_or_name():
    inputs = Input(shape=(3,))
    model = Model(inputs, [layers.Dense(2, name="a")(inputs), layers.Dense(1, name="b")(inputs)])
    model.compile(optimizer="sgd", loss="mse")
    targets = [Y, Y[:, :1]]
    zeros = np.zeros(12, dtype="float32")
    total, a_loss, b_loss = model.evaluate(X, targets, sample_weight=[W, zeros], batch_size=12, verbose=0)
    assert b_loss == 0.0 and a_loss > 0 and np.isclose(total, a_loss)
    by_name = model.evaluate(X, targets, sample_weight={"b": zeros}, batch_size=12, verbose=0)
    assert by_name[2] == 0.0 and by_name[1] == model.evaluate(X, targets, batch_size=12, verbose=0)[1]


def test_mistakes_are_named_before_any_weight_changes():
    model = regression()
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"should have shape \(12,\), one weight per sample, but received shape \(11,\)"):
        model.fit(X, Y, sample_weight=W[:11], verbose=0)
    with pytest.raises(ValueError, match="class_weight or sample_weight, not both"):
        model.fit(X, Y, sample_weight=W, class_weight={0: 1.0}, verbose=0)
    with pytest.raises(TypeError, match=r"class_weight must be a dict"):
        model.fit(X, Y, class_weight=[1.0, 2.0], verbose=0)
    inputs = Input(shape=(3,))
    two = Model(inputs, [layers.Dense(2, name="a")(inputs), layers.Dense(1, name="b")(inputs)])
    two.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="class_weight works for a model with one output"):
        two.fit(X, [Y, Y[:, :1]], class_weight={0: 2.0}, verbose=0)
    with pytest.raises(ValueError, match=r"no output named \['c'\]"):
        two.fit(X, [Y, Y[:, :1]], sample_weight={"c": W}, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
