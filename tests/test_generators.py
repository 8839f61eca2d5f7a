"""Generators and Sequences as the data of fit, evaluate and predict (kerasbook/models/generator_adapter.py),
Keras 2's fit_generator & co., and Keras 2's Sequential.predict_classes / predict_proba.
"""
import math
import warnings

import numpy as np
import pytest

import kerasbook as keras
from kerasbook.models import generator_adapter


def data(samples=64, features=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, features)).astype("float32")
    y = (x @ rng.normal(size=(features, 1))).astype("float32")
    return x, y


def model(features=4, units=1, activation=None):
    keras.backend.clear_session()
    keras.utils.set_random_seed(3)
    net = keras.Sequential([keras.Input(shape=(features,)), keras.layers.Dense(units, activation=activation)])
    net.compile(optimizer="sgd", loss="mse")
    return net


def endless(x, y, batch_size, weights=None):
    while True:
        for start in range(0, len(x), batch_size):
            rows = slice(start, start + batch_size)
            yield (x[rows], y[rows]) if weights is None else (x[rows], y[rows], weights[rows])


class Batches(keras.utils.Sequence):
    def __init__(self, x, y=None, batch_size=16):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size
        self.epochs_ended, self.read = 0, []

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        self.read.append(index)
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows] if self.y is None else (self.x[rows], self.y[rows])

    def on_epoch_end(self):
        self.epochs_ended += 1


def weights_of(net):
    return [w.copy() for w in net.get_weights()]


def test_fit_on_a_generator_equals_fit_on_the_arrays_unshuffled():
    x, y = data()
    on_arrays = model()
    on_arrays.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    on_generator = model()
    history = on_generator.fit(endless(x, y, 16), steps_per_epoch=4, epochs=2, verbose=0)
    for a, b in zip(weights_of(on_arrays), weights_of(on_generator)):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert len(history.history["loss"]) == 2


def test_sequence_runs_its_length_per_epoch_calls_on_epoch_end_and_shuffles_batch_order():
    x, y = data()
    batches = Batches(x, y)
    model().fit(batches, epochs=3, verbose=0)
    assert batches.epochs_ended == 3
    assert len(batches.read) == 12 and sorted(batches.read) == sorted(list(range(4)) * 3)
    unshuffled = Batches(x, y)
    model().fit(unshuffled, epochs=2, shuffle=False, verbose=0)
    assert unshuffled.read == [0, 1, 2, 3] * 2


def test_sequence_steps_per_epoch_takes_fewer_batches():
    x, y = data()
    batches = Batches(x, y)
    model().fit(batches, epochs=2, steps_per_epoch=2, shuffle=False, verbose=0)
    assert batches.read == [0, 1, 0, 1]


def test_sample_weights_from_the_generator_reach_the_loss():
    x, y = data()
    zero = np.zeros(len(x), "float32")
    net = model()
    before = weights_of(net)
    net.fit(endless(x, y, 16, zero), steps_per_epoch=4, verbose=0)
    for a, b in zip(before, weights_of(net)):
        np.testing.assert_array_equal(a, b)


def test_an_endless_generator_needs_steps_per_epoch():
    x, y = data()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model().fit(endless(x, y, 16), verbose=0)


def test_y_beside_a_generator_is_refused():
    x, y = data()
    with pytest.raises(ValueError, match="`y`"):
        model().fit(endless(x, y, 16), y, steps_per_epoch=2, verbose=0)
    with pytest.raises(ValueError, match="`validation_split`"):
        model().fit(Batches(x, y), validation_split=0.2, verbose=0)


def test_a_generator_that_runs_out_warns_and_stops_training():
    x, y = data()
    finite = ((x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16))
    with pytest.warns(UserWarning, match="ran out of data"):
        history = model().fit(finite, steps_per_epoch=3, epochs=5, verbose=0)
    assert len(history.history["loss"]) == 2  # 3 batches, then 1 batch and the end


@pytest.mark.parametrize("bad, message", [
    (lambda x, y: (x[:, :3], y), r"Batch 2 from the generator: .*expects input .* shape"),
    (lambda x, y: (np.where(np.arange(4) == 1, np.nan, x).astype("float32"), y), r"Batch 2 .*nan"),
    (lambda x, y: (x.astype(str), y), r"Batch 2 .*must hold numbers"),
    (lambda x, y: (x, y[:5]), r"Batch 2 .*cardinality"),
    (lambda x, y: x, r"Batch 2 .*needs targets"),
])
def test_a_bad_batch_is_named_by_its_index_before_its_step(bad, message):
    x, y = data()

    def generator():
        for index, batch in enumerate(endless(x, y, 16)):
            yield bad(*batch) if index == 2 else batch

    net = model()
    with pytest.raises((ValueError, TypeError), match=message):
        net.fit(generator(), steps_per_epoch=4, verbose=0)


def test_validation_on_a_generator_with_validation_steps():
    x, y = data()
    net = model()
    history = net.fit(Batches(x, y), validation_data=endless(x, y, 16), validation_steps=4, epochs=2, verbose=0)
    assert len(history.history["val_loss"]) == 2
    np.testing.assert_allclose(history.history["val_loss"][-1], net.evaluate(x, y, verbose=0), rtol=1e-5)


def test_validation_generator_used_up_says_what_to_do():
    x, y = data()
    finite = ((x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16))
    with pytest.raises(ValueError, match="validation_steps"):
        model().fit(Batches(x, y), validation_data=finite, epochs=2, verbose=0)


def test_evaluate_and_predict_on_generators_and_sequences_equal_the_arrays():
    x, y = data()
    net = model()
    expected_loss, expected = net.evaluate(x, y, verbose=0), net.predict(x, verbose=0)
    np.testing.assert_allclose(net.evaluate(Batches(x, y), verbose=0), expected_loss, rtol=1e-6)
    finite = ((x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16))
    np.testing.assert_allclose(net.evaluate(finite, verbose=0), expected_loss, rtol=1e-6)
    np.testing.assert_allclose(net.evaluate(endless(x, y, 16), steps=4, verbose=0), expected_loss, rtol=1e-6)
    np.testing.assert_allclose(net.predict(Batches(x), verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(net.predict(Batches(x, y), verbose=0), expected, rtol=1e-6)  # y ignored
    xs_only = (x[i:i + 16] for i in range(0, 64, 16))
    np.testing.assert_allclose(net.predict(xs_only, verbose=0), expected, rtol=1e-6)
    np.testing.assert_allclose(net.predict(endless(x, y, 16), steps=2, verbose=0), expected[:32], rtol=1e-6)


def test_steps_on_arrays_take_the_first_batches():
    x, y = data()
    net = model()
    np.testing.assert_allclose(net.predict(x, batch_size=16, steps=1, verbose=0), net.predict(x[:16], verbose=0))
    np.testing.assert_allclose(net.evaluate(x, y, batch_size=16, steps=1, verbose=0),
                               net.evaluate(x[:16], y[:16], verbose=0), rtol=1e-6)


def test_predict_on_an_empty_generator_is_refused():
    with pytest.raises(ValueError, match="no batches to predict"):
        model().predict(iter([]), verbose=0)


def test_keras2_generator_methods_are_thin_aliases_and_note_ignored_arguments_once(monkeypatch):
    monkeypatch.setattr(generator_adapter, "_NOTED", set())
    x, y = data()
    a, b = model(), model()
    a.fit(endless(x, y, 16), steps_per_epoch=4, epochs=2, verbose=0)
    with pytest.warns(UserWarning, match="workers=4"):
        history = b.fit_generator(endless(x, y, 16), steps_per_epoch=4, epochs=2, verbose=0,
                                  validation_data=Batches(x, y), validation_steps=2, workers=4)
    for left, right in zip(weights_of(a), weights_of(b)):
        np.testing.assert_allclose(left, right, rtol=1e-6)
    assert len(history.history["val_loss"]) == 2
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # noted once per process: the second call is quiet
        b.fit_generator(endless(x, y, 16), steps_per_epoch=1, workers=4, verbose=0)
        loss = b.evaluate_generator(Batches(x, y), workers=4)
        predictions = b.predict_generator(Batches(x), steps=2, workers=4)
    np.testing.assert_allclose(loss, b.evaluate(x, y, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(predictions, b.predict(x[:32], verbose=0), rtol=1e-6)
    with pytest.warns(UserWarning, match="use_multiprocessing=True"):
        b.predict_generator(Batches(x), use_multiprocessing=True)


def test_sequence_is_keras_utils_sequence_and_must_define_its_length():
    assert keras.utils.Sequence is generator_adapter.Sequence
    with pytest.raises(NotImplementedError, match="__len__"):
        model().fit(keras.utils.Sequence(), verbose=0)


def test_predict_classes_is_the_argmax_of_softmax_outputs():
    x, _ = data()
    net = model(units=3, activation="softmax")
    classes = net.predict_classes(x)
    np.testing.assert_array_equal(classes, net.predict(x, verbose=0).argmax(axis=-1))
    assert classes.shape == (64,)


def test_predict_classes_of_one_sigmoid_unit_thresholds_at_one_half_keeping_the_axis():
    x, _ = data()
    net = model(units=1, activation="sigmoid")
    classes = net.predict_classes(x)
    assert classes.shape == (64, 1) and classes.dtype == np.int32
    np.testing.assert_array_equal(classes, (net.predict(x, verbose=0) > 0.5).astype("int32"))
    assert 0 < classes.sum() < 64


def test_predict_proba_warns_when_the_outputs_are_not_probabilities():
    x, _ = data()
    np.testing.assert_allclose(model(units=3, activation="softmax").predict_proba(x).sum(axis=-1), 1, rtol=1e-5)
    with pytest.warns(UserWarning, match="outside \\[0, 1\\]"):
        model(units=1).predict_proba(x)
