"""The Sequential examples of the seeds, run as written, and the training loop they lean on.

Parameter counts are Keras's, worked out by hand in the comments (Dense: in*units + units).
"""
import re

import numpy as np
import pytest

import kerasbook as keras
from kerasbook.callbacks import Callback, EarlyStopping, TerminateOnNaN
from kerasbook.layers import Activation, Dense, Dropout
from kerasbook.models import Sequential
from kerasbook.optimizers import SGD


def same(a_list, b_list):
    return len(a_list) == len(b_list) and all(np.array_equal(a, b) for a, b in zip(a_list, b_list))


def param_counts(model):
    return [layer.count_params() for layer in model.layers]


# --- E1 (S0, S1): the guide's first model, fed data it was not built for -------------

def e1_model():
    model = Sequential()
    model.add(Dense(32, input_shape=(784,)))
    model.add(Activation('relu'))
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['accuracy'])
    return model


def test_e1_100_features_into_a_784_model_names_layer_and_shapes_before_any_weight_changes():
    model = e1_model()
    before = model.get_weights()
    data = np.random.random((1000, 100))
    labels = np.random.randint(2, size=(1000, 1))
    with pytest.raises(ValueError) as error:
        model.fit(data, labels, epochs=10, batch_size=32)
    message = str(error.value)
    assert "'dense'" in message                      # the layer that cannot take the data
    assert "784" in message and "(1000, 100)" in message  # expected and received
    assert same(before, model.get_weights())
    assert model.optimizer.iterations == 0


def test_e1_32_outputs_against_1_label_column_names_output_and_shapes():
    model = e1_model()
    before = model.get_weights()
    labels = np.random.randint(2, size=(1000, 1))
    with pytest.raises(ValueError) as error:
        model.fit(np.random.random((1000, 784)), labels, epochs=10, batch_size=32)
    message = str(error.value)
    assert "'activation'" in message                # the output layer
    assert "(None, 32)" in message and "(1000, 1)" in message
    assert same(before, model.get_weights())


def test_e1_target_error_gives_no_categorical_advice_for_a_binary_loss():
    model = e1_model()
    with pytest.raises(ValueError) as error:
        model.fit(np.random.random((100, 784)), np.random.randint(2, size=(100, 1)), verbose=0)
    message = str(error.value)
    assert "sparse_categorical_crossentropy" not in message and "to_categorical" not in message


def test_e1_as_intended_trains():
    model = e1_model()
    model.add(Dense(1, activation='sigmoid'))
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
    history = model.fit(np.random.random((64, 784)), np.random.randint(2, size=(64, 1)), epochs=1, verbose=0)
    assert set(history.history) == {'loss', 'accuracy'}
    # 784*32+32 = 25120, 0, 32*1+1 = 33
    assert param_counts(model) == [25120, 0, 33]


# --- E2, E3 (S2): binary and 10-class classification ---------------------------------

def test_e2_binary_classification(capsys):
    # For a single-input model with 2 classes (binary classification):
    model = Sequential()
    model.add(Dense(32, activation='relu', input_dim=100))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['accuracy'])
    # Generate dummy data
    data = np.random.random((1000, 100))
    labels = np.random.randint(2, size=(1000, 1))  # 2 means range(0,2)
    # Train the model, iterating on the data in batches of 32 samples
    history = model.fit(data, labels, epochs=10, batch_size=32)

    # 100*32+32 = 3232, 32*1+1 = 33
    assert param_counts(model) == [3232, 33] and model.count_params() == 3265
    assert model.output_shape == (None, 1)
    assert len(history.history['loss']) == 10 and np.isfinite(history.history['loss']).all()
    assert capsys.readouterr().out.count("Epoch ") == 10  # verbose defaults to a progress bar


def test_e3_ten_classes_with_one_hot_labels(capsys):
    # For a single-input model with 10 classes (categorical classification):
    model = Sequential()
    model.add(Dense(32, activation='relu', input_dim=100))  # 32 means 32 neuron
    model.add(Dense(10, activation='softmax'))
    model.compile(optimizer='rmsprop',
                  loss='categorical_crossentropy',
                  metrics=['accuracy'])
    # Generate dummy data
    data = np.random.random((1000, 100))
    labels = np.random.randint(10, size=(1000, 1))
    # Convert labels to categorical one-hot encoding
    one_hot_labels = keras.utils.to_categorical(labels, num_classes=10)
    # Train the model, iterating on the data in batches of 32 samples
    history = model.fit(data, one_hot_labels, epochs=10, batch_size=32)

    assert one_hot_labels.shape == (1000, 10)
    np.testing.assert_array_equal(one_hot_labels.argmax(axis=1), labels[:, 0])
    # 100*32+32 = 3232, 32*10+10 = 330
    assert param_counts(model) == [3232, 330] and model.count_params() == 3562
    assert model.output_shape == (None, 10)
    probabilities = model.predict(data[:5], verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert len(history.history['accuracy']) == 10


def test_e3_sparse_labels_need_the_sparse_loss_and_say_so():
    model = Sequential([Dense(10, activation='softmax', input_dim=100)])
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    labels = np.random.randint(10, size=(20, 1))
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy|to_categorical"):
        model.fit(np.random.random((20, 100)), labels, verbose=0)
    model.compile(optimizer='rmsprop', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    history = model.fit(np.random.random((20, 100)), labels, verbose=0)
    assert set(history.history) == {'loss', 'accuracy'}


# --- E10 (S2): the list constructor, with `units` given twice ------------------------

def test_e10_units_given_twice_names_the_argument():
    with pytest.raises(TypeError) as error:
        Sequential([Dense(32, units=784),
                    Activation('relu'),
                    Dense(10),
                    Activation('softmax'),
                    ])
    assert "units" in str(error.value) and "Dense" in str(error.value)


def test_e10_as_intended():
    model = Sequential([Dense(32, input_shape=(784,)),
                        Activation('relu'),
                        Dense(10),
                        Activation('softmax'),
                        ])
    # 784*32+32 = 25120, 0, 32*10+10 = 330, 0
    assert param_counts(model) == [25120, 0, 330, 0]
    assert [layer.output_shape for layer in model.layers] == [(None, 32), (None, 32), (None, 10), (None, 10)]


# --- E11 (S2): three ways to give the first layer its input shape --------------------

def test_e11_input_dim_and_input_shape_are_the_same():
    model = Sequential()
    model.add(Dense(32, input_dim=784))
    by_dim = model
    model = Sequential()
    model.add(Dense(32, input_shape=(784,)))
    by_shape = model
    for model in (by_dim, by_shape):
        assert model.input_shape == (None, 784) and model.output_shape == (None, 32)
        assert model.count_params() == 784 * 32 + 32  # 25120


def test_e11_fixed_batch_size_and_shape_inference_for_later_layers():
    model = Sequential()
    model.add(Dense(32, batch_size=32, input_shape=(6, 8)))
    model.add(Dense(16))
    model.add(Activation('relu'))
    assert model.input_shape == (32, 6, 8)
    assert [layer.output_shape for layer in model.layers] == [(32, 6, 32), (32, 6, 16), (32, 6, 16)]
    # 8*32+32 = 288 (Dense acts on the last axis), 32*16+16 = 528
    assert param_counts(model) == [288, 528, 0]
    assert model.predict(np.zeros((32, 6, 8)), verbose=0).shape == (32, 6, 16)


def test_e11_no_input_shape_builds_from_the_first_data():
    model = Sequential([Dense(4, activation='relu'), Dense(1)])
    with pytest.raises(ValueError, match="input_shape"):
        model.count_params()
    model.compile(optimizer='rmsprop', loss='mse')
    model.fit(np.zeros((8, 3)), np.zeros((8, 1)), verbose=0)
    # 3*4+4 = 16, 4*1+1 = 5
    assert param_counts(model) == [16, 5] and model.input_shape == (None, 3)


# --- E12 (S2): compile for each kind of problem, and a custom metric ----------------

def test_e12_compile_for_each_problem_and_custom_metric():
    x = np.random.random((40, 8))

    def fitted(last, optimizer, loss, metrics, y):
        model = Sequential([Dense(16, activation='relu', input_dim=8), last])
        # For a multi-class classification problem / binary / mean squared error regression / custom metrics
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
        return model.fit(x, y, epochs=2, batch_size=16, verbose=0).history

    multi = fitted(Dense(3, activation='softmax'), 'rmsprop', 'categorical_crossentropy', ['accuracy'],
                   keras.utils.to_categorical(np.random.randint(3, size=40), 3))
    binary = fitted(Dense(1, activation='sigmoid'), 'rmsprop', 'binary_crossentropy', ['accuracy'],
                    np.random.randint(2, size=(40, 1)))
    regression = fitted(Dense(1), 'rmsprop', 'mse', None, np.random.random((40, 1)))
    assert set(multi) == {'loss', 'accuracy'} and set(binary) == {'loss', 'accuracy'}
    assert set(regression) == {'loss'}

    # For custom metrics
    import kerasbook.backend as K

    def mean_pred(y_true, y_pred):
        return K.mean(y_pred)

    model = Sequential([Dense(16, activation='relu', input_dim=8), Dense(1, activation='sigmoid')])
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['accuracy', mean_pred])
    history = model.fit(x, np.random.randint(2, size=(40, 1)), epochs=2, batch_size=40, verbose=0)
    assert list(history.history) == ['loss', 'accuracy', 'mean_pred']
    assert model.metrics_names == ['loss', 'accuracy', 'mean_pred']
    assert all(0 < value < 1 for value in history.history['mean_pred'])
    # evaluate reports the same metric: the mean of the predictions
    _, _, evaluated = model.evaluate(x, np.zeros((40, 1)), batch_size=40, verbose=0)
    np.testing.assert_allclose(evaluated, model.predict(x, verbose=0).mean(), rtol=1e-6)


# --- E13, E14 (S2): MLPs with Dropout --------------------------------------------------

def e13(x_train, y_train, x_test, y_test):
    model = Sequential()
    # Dense(64) is a fully-connected layer with 64 hidden units.
    # in the first layer, you must specify the expected input data shape:
    # here, 20-dimensional vectors.
    model.add(Dense(64, activation='relu', input_dim=20))
    model.add(Dropout(0.5))
    model.add(Dense(64, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(10, activation='softmax'))
    sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
    model.compile(loss='categorical_crossentropy',
                  optimizer=sgd,
                  metrics=['accuracy'])
    model.fit(x_train, y_train,
              epochs=20,
              batch_size=128, verbose=0)
    score = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    return model, score


def e14(x_train, y_train, x_test, y_test):
    model = Sequential()
    model.add(Dense(64, input_dim=20, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(64, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy',
                  optimizer='rmsprop',
                  metrics=['accuracy'])
    model.fit(x_train, y_train,
              epochs=20,
              batch_size=128, verbose=0)
    score = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    return model, score


def test_e13_on_the_documents_random_data():
    # Generate dummy data
    x_train = np.random.random((1000, 20))
    y_train = keras.utils.to_categorical(np.random.randint(10, size=(1000, 1)), num_classes=10)
    x_test = np.random.random((100, 20))
    y_test = keras.utils.to_categorical(np.random.randint(10, size=(100, 1)), num_classes=10)
    model, score = e13(x_train, y_train, x_test, y_test)
    # 20*64+64 = 1344, 0, 64*64+64 = 4160, 0, 64*10+10 = 650: 6154 in all
    assert param_counts(model) == [1344, 0, 4160, 0, 650] and model.count_params() == 6154
    assert [layer.output_shape for layer in model.layers] == [(None, 64)] * 4 + [(None, 10)]
    loss, accuracy = score
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    assert model.optimizer.iterations == 20 * 8  # ceil(1000 / 128) = 8 steps an epoch


def test_dropout_is_active_in_fit_and_off_in_evaluate_and_predict():
    model = Sequential([Dropout(0.5, input_shape=(1000,)), Dense(1, use_bias=False, kernel_initializer='ones')])
    model.compile(optimizer=SGD(learning_rate=0.0), loss='mse')
    x, y = np.ones((1, 1000)), np.zeros((1, 1))
    assert model.test_on_batch(x, y) == pytest.approx(1000.0 ** 2)  # every unit passes: the sum is 1000
    assert model.predict(x, verbose=0)[0, 0] == pytest.approx(1000.0)
    training_losses = [model.train_on_batch(x, y) for _ in range(3)]
    assert all(loss != pytest.approx(1000.0 ** 2) for loss in training_losses)  # about half the units survive, x2
    assert len(set(training_losses)) == 3  # a new mask every step


def class_marked_data(n):
    """Random features with the class's own feature raised by 2: a rule an MLP can learn."""
    labels = np.random.randint(10, size=(n, 1))
    x = np.random.random((n, 20))
    x[np.arange(n), labels[:, 0]] += 2.0
    return x, labels


def test_e13_learns_a_learnable_rule():
    keras.utils.set_random_seed(0)
    (x_train, labels_train), (x_test, labels_test) = class_marked_data(1000), class_marked_data(100)
    model, (loss, accuracy) = e13(x_train, keras.utils.to_categorical(labels_train, num_classes=10),
                                  x_test, keras.utils.to_categorical(labels_test, num_classes=10))
    assert accuracy > 0.9
    predicted = model.predict(x_test, verbose=0).argmax(axis=1)
    assert np.isclose((predicted == labels_test[:, 0]).mean(), accuracy)


def test_e14_on_the_documents_random_data_and_on_a_learnable_rule():
    # Generate dummy data
    x_train = np.random.random((1000, 20))
    y_train = np.random.randint(2, size=(1000, 1))
    x_test = np.random.random((100, 20))
    y_test = np.random.randint(2, size=(100, 1))
    model, score = e14(x_train, y_train, x_test, y_test)
    # 20*64+64 = 1344, 0, 64*64+64 = 4160, 0, 64*1+1 = 65: 5569 in all
    assert param_counts(model) == [1344, 0, 4160, 0, 65] and model.count_params() == 5569
    assert model.output_shape == (None, 1)

    keras.utils.set_random_seed(0)
    x_train, x_test = np.random.random((1000, 20)), np.random.random((100, 20))
    rule = lambda x: (x[:, :1] > x[:, 1:2]).astype(int)  # noqa: E731 - is feature 0 bigger than feature 1?
    _, (loss, accuracy) = e14(x_train, rule(x_train), x_test, rule(x_test))
    assert accuracy > 0.9


# --- E18 (S2): to_categorical ------------------------------------------------------------

def test_e18_to_categorical_semantics():
    to_categorical = keras.utils.to_categorical
    one_hot = to_categorical([0, 2, 1], num_classes=4)
    np.testing.assert_array_equal(one_hot, [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0]])
    assert one_hot.dtype == np.float32
    assert to_categorical(np.array([[3], [0]])).shape == (2, 4)  # trailing axis of 1 dropped; None means max + 1
    assert to_categorical(np.array([[1, 2], [0, 1]])).shape == (2, 2, 3)  # other shapes keep their axes
    assert to_categorical(np.array([1, 0]), dtype='int32').dtype == np.int32
    np.testing.assert_array_equal(to_categorical(np.array([2.0, 0.0]), 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match=">= 0"):
        to_categorical([0, -1, 2])
    with pytest.raises(ValueError, match="out of range"):
        to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match="integer"):
        to_categorical([0.5, 1.0])


# --- E28 (S3): two ways to build the same small model ----------------------------------

def test_e28_list_and_add_build_the_same_model():
    model = Sequential([Dense(2, input_dim=1), Dense(1)])
    listed = model
    model = Sequential()
    model.add(Dense(2, input_dim=1))
    model.add(Dense(1))
    added = model
    for model in (listed, added):
        # 1*2+2 = 4, 2*1+1 = 3
        assert param_counts(model) == [4, 3]
        assert model.output_shape == (None, 1)
        assert [w.shape for w in model.get_weights()] == [(1, 2), (2,), (2, 1), (1,)]
    added.set_weights(listed.get_weights())
    x = np.linspace(-1, 1, 5).reshape(5, 1)
    np.testing.assert_array_equal(listed.predict(x, verbose=0), added.predict(x, verbose=0))


# --- the training loop -------------------------------------------------------------------

def small_model(metrics=('mae',), optimizer='sgd'):
    keras.utils.set_random_seed(0)
    model = Sequential([Dense(4, activation='relu', input_dim=3), Dense(1)])
    model.compile(optimizer=optimizer, loss='mse', metrics=list(metrics))
    return model


def regression_data(n=10):
    rng = np.random.default_rng(0)
    x = rng.random((n, 3))
    return x, x.sum(axis=1, keepdims=True)


def test_fit_history_keys_and_epochs():
    model = small_model()
    x, y = regression_data(20)
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, validation_split=0.25)
    assert history is model.history
    assert list(history.history) == ['loss', 'mae', 'val_loss', 'val_mae']
    assert history.epoch == [0, 1, 2]
    assert all(len(values) == 3 for values in history.history.values())
    assert history.params['epochs'] == 3 and history.params['steps'] == 2  # 15 training samples, batches of 8


def test_verbose_0_prints_nothing(capsys):
    model = small_model()
    x, y = regression_data()
    model.fit(x, y, epochs=2, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.predict(x, verbose=0)
    assert capsys.readouterr().out == ""


def test_verbose_2_prints_one_line_per_epoch(capsys):
    model = small_model()
    x, y = regression_data()
    model.fit(x, y, epochs=3, batch_size=4, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert "\r" not in "".join(lines)
    assert [line for line in lines if line.startswith("Epoch")] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    progress = [line for line in lines if not line.startswith("Epoch")]
    assert len(progress) == 3
    assert all(re.match(r"3/3 - \d+s - \d+[mu]s/step - loss: \d+\.\d{4} - mae: \d+\.\d{4}$", line)
               for line in progress)


def test_verbose_1_draws_a_progress_bar(capsys):
    model = small_model()
    x, y = regression_data()
    model.fit(x, y, epochs=2, batch_size=4, verbose=1)
    out = capsys.readouterr().out
    assert out.count("Epoch ") == 2 and "\r" in out
    assert out.count("3/3 ━━━━━━━━━━━━━━━━━━━━") == 2 and "loss: " in out
    model.evaluate(x, y, batch_size=4)  # verbose defaults to 1
    assert "3/3 ━━━━━━━━━━━━━━━━━━━━" in capsys.readouterr().out


def test_validation_split_holds_out_the_last_fraction():
    model = small_model(optimizer=SGD(learning_rate=0.0))  # the weights never move
    x, y = regression_data(10)
    history = model.fit(x, y, epochs=1, batch_size=4, validation_split=0.2, verbose=0)
    np.testing.assert_allclose(history.history['loss'][0], model.evaluate(x[:8], y[:8], verbose=0)[0], rtol=1e-6)
    np.testing.assert_allclose(history.history['val_loss'][0], model.evaluate(x[8:], y[8:], verbose=0)[0], rtol=1e-6)
    y_poisoned = y.copy()
    y_poisoned[8:] = np.nan  # only the held-out samples are bad: refused all the same, before any step
    model = small_model()
    with pytest.raises(ValueError, match=r"target 'dense_\d+' holds nan at index \(8, 0\)"):
        model.fit(x, y_poisoned, epochs=2, batch_size=4, validation_split=0.2, verbose=0)
    assert model.optimizer.iterations == 0


def test_evaluate_weights_batches_by_their_size():
    model = small_model()
    x, y = regression_data(10)
    errors = model.predict(x, verbose=0) - y
    loss, mae = model.evaluate(x, y, batch_size=4, verbose=0)  # batches of 4, 4 and 2
    np.testing.assert_allclose(loss, np.mean(errors ** 2), rtol=1e-6)
    np.testing.assert_allclose(mae, np.mean(np.abs(errors)), rtol=1e-6)
    assert model.evaluate(x, y, batch_size=10, verbose=0, return_dict=True) == pytest.approx(
        {'loss': loss, 'mae': mae}, rel=1e-6)


def test_evaluate_with_only_a_loss_returns_a_scalar():
    model = small_model(metrics=())
    x, y = regression_data()
    assert isinstance(model.evaluate(x, y, verbose=0), float)


def test_predict_returns_float32_numpy_in_order():
    model = small_model()
    x, _ = regression_data(70)
    predictions = model.predict(x, batch_size=32, verbose=0)
    assert isinstance(predictions, np.ndarray) and predictions.dtype == np.float32
    assert predictions.shape == (70, 1)
    kernel0, bias0, kernel1, bias1 = model.get_weights()
    expected = np.maximum(x @ kernel0 + bias0, 0) @ kernel1 + bias1
    np.testing.assert_allclose(predictions, expected, rtol=1e-5, atol=1e-6)


def test_train_test_predict_on_batch():
    model = small_model()
    x, y = regression_data(10)
    before = model.get_weights()
    loss_before, _ = model.test_on_batch(x, y)
    train_loss, _ = model.train_on_batch(x, y)
    np.testing.assert_allclose(train_loss, loss_before, rtol=1e-6)  # the loss before the step
    assert not same(before, model.get_weights())
    assert model.test_on_batch(x, y)[0] < loss_before
    assert model.test_on_batch(x, y, return_dict=True).keys() == {'loss', 'mae'}
    batch_predictions = model.predict_on_batch(x)
    assert batch_predictions.dtype == np.float32
    np.testing.assert_array_equal(batch_predictions, model.predict(x, verbose=0))


def test_mismatched_sample_counts_are_ambiguous():
    model = small_model()
    x, y = regression_data(10)
    before = model.get_weights()
    with pytest.raises(ValueError, match="Data cardinality is ambiguous") as error:
        model.fit(x, y[:9], verbose=0)
    assert "10" in str(error.value) and "9" in str(error.value)
    assert same(before, model.get_weights())


def test_labels_without_the_trailing_axis_train_a_one_unit_output():
    model = Sequential([Dense(1, activation='sigmoid', input_dim=4)])
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
    x = np.random.random((10, 4))
    labels = np.random.randint(2, size=10)
    history = model.fit(x, labels, epochs=1, verbose=0)
    expected = model.evaluate(x, labels.reshape(10, 1), verbose=0)
    assert history.history['loss'][0] > 0
    np.testing.assert_allclose(model.evaluate(x, labels, verbose=0), expected, rtol=1e-6)


def test_string_data_is_refused_with_its_dtype():
    model = small_model()
    _, y = regression_data(2)
    with pytest.raises(TypeError, match="must hold numbers.*<U"):
        model.fit(np.array([["a", "b", "c"], ["d", "e", "f"]]), y, verbose=0)


def test_fit_before_compile_is_a_clear_error():
    model = Sequential([Dense(1, input_dim=3)])
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(np.zeros((2, 3)), np.zeros((2, 1)), verbose=0)


# --- callbacks ---------------------------------------------------------------------------

class WeightsEachEpoch(Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_early_stopping_stops_and_restores_the_best_weights():
    model = small_model(optimizer=SGD(learning_rate=0.05))
    x, y = regression_data(40)
    recorder = WeightsEachEpoch()
    # Learning y makes the predictions worse for -y, so val_loss is best early and then rises.
    stopper = EarlyStopping(monitor='val_loss', patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=30, batch_size=8, verbose=0, validation_data=(x, -y),
                        callbacks=[recorder, stopper])
    val_losses = history.history['val_loss']
    best = int(np.argmin(val_losses))
    assert len(val_losses) == best + 3 < 30  # two epochs without improvement, then stop
    assert stopper.stopped_epoch == best + 2
    assert same(model.get_weights(), recorder.weights[best])
    assert not same(model.get_weights(), recorder.weights[-1])


def test_early_stopping_without_restore_keeps_the_last_weights():
    model = small_model(optimizer=SGD(learning_rate=0.05))
    x, y = regression_data(40)
    recorder = WeightsEachEpoch()
    model.fit(x, y, epochs=30, batch_size=8, verbose=0, validation_data=(x, -y),
              callbacks=[recorder, EarlyStopping(monitor='val_loss', patience=1)])
    assert len(recorder.weights) < 30
    assert same(model.get_weights(), recorder.weights[-1])


class BatchCounter(Callback):
    def __init__(self):
        super().__init__()
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1


def test_terminate_on_nan_stops_at_the_first_bad_batch(capsys):
    model = small_model()
    x, y = regression_data(40)
    y[0] = 1e30  # finite, but its squared error overflows float32 to inf
    counter = BatchCounter()
    with np.errstate(over="ignore", invalid="ignore"):
        history = model.fit(x, y, epochs=5, batch_size=40, verbose=0, callbacks=[TerminateOnNaN(), counter])
    assert counter.batches == 1 and len(history.epoch) == 1
    assert "Invalid loss, terminating training" in capsys.readouterr().out


# --- weights files, summary, pop ----------------------------------------------------------------

def e13_model():
    model = Sequential()
    model.add(Dense(64, activation='relu', input_dim=20))
    model.add(Dropout(0.5))
    model.add(Dense(64, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(10, activation='softmax'))
    return model


def test_save_and_load_weights_round_trip_exactly(tmp_path):
    source, target = e13_model(), e13_model()
    path = tmp_path / "e13.weights.h5"
    source.save_weights(path)
    assert not same(source.get_weights(), target.get_weights())
    target.load_weights(path)
    assert same(source.get_weights(), target.get_weights())
    x = np.random.random((5, 20))
    np.testing.assert_array_equal(source.predict(x, verbose=0), target.predict(x, verbose=0))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_weights_file_is_a_clear_error_and_leaves_the_model_alone(tmp_path, damage):
    model = e13_model()
    good = tmp_path / "good.weights.h5"
    e13_model().save_weights(good)
    path = tmp_path / "bad.weights.h5"
    content = {"garbage": b"this is not a weights file",
               "truncated": good.read_bytes()[: len(good.read_bytes()) // 2],
               "empty": b""}[damage]
    path.write_bytes(content)
    before = model.get_weights()
    with pytest.raises(ValueError, match="Could not read weights from"):
        model.load_weights(path)
    assert same(before, model.get_weights())


def test_weights_of_another_architecture_are_refused_before_any_change(tmp_path):
    other = Sequential([Dense(64, activation='relu', input_dim=20), Dense(64), Dense(3)])
    path = tmp_path / "other.weights.h5"
    other.save_weights(path)
    model = e13_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"\(64, 3\).*\(64, 10\)|\(64, 10\).*\(64, 3\)"):
        model.load_weights(path)
    assert same(before, model.get_weights())


def test_summary_of_e13(capsys):
    model = e13_model()
    model.summary()
    text = capsys.readouterr().out
    for header in ("Layer (type)", "Output Shape", "Param #"):
        assert header in text
    rows = [line for line in text.splitlines() if line.startswith("│")]
    expected = [("dense (Dense)", "(None, 64)", "1,344"), ("dropout (Dropout)", "(None, 64)", "0"),
                ("dense_1 (Dense)", "(None, 64)", "4,160"), ("dropout_1 (Dropout)", "(None, 64)", "0"),
                ("dense_2 (Dense)", "(None, 10)", "650")]
    assert len(rows) == len(expected)
    for row, cells in zip(rows, expected):
        assert [cell.strip() for cell in row.strip("│").split("│")] == list(cells)
    assert "Total params: 6,154" in text and "Trainable params: 6,154" in text
    assert "Non-trainable params: 0" in text
    lines = []
    model.summary(print_fn=lines.append)
    assert "\n".join(lines) + "\n" == text


def test_pop_removes_the_last_layer():
    model = e13_model()
    removed = model.pop()
    assert removed.name == "dense_2" and len(model.layers) == 4
    assert model.output_shape == (None, 64)
    assert model.count_params() == 1344 + 4160
    assert model.predict(np.zeros((2, 20)), verbose=0).shape == (2, 64)
    model.add(Dense(3, activation='softmax'))
    assert model.output_shape == (None, 3) and model.count_params() == 1344 + 4160 + 64 * 3 + 3
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
    model.fit(np.random.random((8, 20)), keras.utils.to_categorical([0, 1, 2, 0, 1, 2, 0, 1]), verbose=0)


def test_pop_on_an_empty_model_is_an_error():
    with pytest.raises(TypeError, match="no layers"):
        Sequential().pop()


class FailOnBatch(Callback):
    def __init__(self, batch):
        super().__init__()
        self.batch = batch

    def on_train_batch_begin(self, batch, logs=None):
        if batch == self.batch:
            raise RuntimeError(f"stopped on batch {batch}")


def test_an_exception_inside_fit_leaves_a_usable_model():
    model = small_model()
    x, y = regression_data(40)
    recorder = WeightsEachEpoch()
    with pytest.raises(RuntimeError, match="stopped on batch 3"):
        model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[FailOnBatch(3), recorder])
    assert model.optimizer.iterations == 3  # three whole steps, nothing half-done
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert np.isfinite(model.predict(x, verbose=0)).all()
    history = model.fit(x, y, epochs=5, batch_size=4, verbose=0)
    assert history.epoch == [0, 1, 2, 3, 4]
    assert history.history['loss'][-1] < history.history['loss'][0]
    assert np.isfinite(model.evaluate(x, y, verbose=0)).all()
