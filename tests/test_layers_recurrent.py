"""LSTM, GRU and SimpleRNN layers: Keras's weights, parameter counts, outputs, states, gradients and dropout."""
import itertools

import numpy as np
import pytest

import kerasbook
from kerasbook.runtime import random
from kerasbook.runtime.array_module import to_device, to_numpy
from kerasbook.layers import Dense, Input
from kerasbook.layers.recurrent import GRU, LSTM, SimpleRNN
from kerasbook.models import Model, Sequential
from kerasbook.ops import GradientTape, Tensor, concatenate, reshape
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.recurrent import gru, lstm, simple_rnn
from kerasbook.optimizers import Adam

LAYERS = {"LSTM": LSTM, "GRU": GRU, "SimpleRNN": SimpleRNN}
STATES = {"LSTM": 2, "GRU": 1, "SimpleRNN": 1}


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def built(kind, features=256, units=128, **kwargs):
    layer = LAYERS[kind](units, **kwargs)
    layer(np.zeros((1, 3, features)))
    return layer


def test_parameter_counts_match_keras():
    # LSTM: 4 gates, each with a kernel row per input, a recurrent row per unit, and a bias.
    assert built("LSTM").count_params() == 4 * 128 * (256 + 128 + 1) == 197120
    # GRU (reset_after=True): 3 gates, with two biases each (input and recurrent).
    assert built("GRU", 32, 64).count_params() == 3 * 64 * (32 + 64 + 2) == 18816
    # SimpleRNN: one "gate".
    assert built("SimpleRNN", 16, 32).count_params() == 32 * (16 + 32 + 1) == 1568
    assert built("LSTM", use_bias=False).count_params() == 4 * 128 * (256 + 128)


@pytest.mark.parametrize("kind, gates, bias_shape", [("LSTM", 4, (20,)), ("GRU", 3, (2, 15)), ("SimpleRNN", 1, (5,))])
def test_weights_in_keras_order_and_layout(kind, gates, bias_shape):
    layer = built(kind, features=7, units=5)
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert [w.path for w in layer.weights] == [f"{layer.name}/{n}" for n in ("kernel", "recurrent_kernel", "bias")]
    assert [tuple(w.shape) for w in layer.weights] == [(7, gates * 5), (5, gates * 5), bias_shape]
    recurrent_kernel = layer.recurrent_kernel.numpy()  # 'orthogonal': orthonormal rows
    np.testing.assert_allclose(recurrent_kernel @ recurrent_kernel.T, np.eye(5), atol=1e-5)


def test_lstm_forget_gate_bias_starts_at_one():
    bias = built("LSTM", 4, 3).bias.numpy()
    np.testing.assert_array_equal(bias, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    assert not built("LSTM", 4, 3, unit_forget_bias=False).bias.numpy().any()


def test_lstm_matches_the_cell_equations(float64):
    layer = LSTM(3, return_sequences=True)
    x = rand(2, 4, 5)
    y = layer(x).numpy()
    kernel, recurrent_kernel, bias = layer.get_weights()
    h = c = np.zeros((2, 3))
    for t in range(4):
        i, f, g, o = np.split(x[:, t] @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
        c = 1 / (1 + np.exp(-f)) * c + 1 / (1 + np.exp(-i)) * np.tanh(g)
        h = 1 / (1 + np.exp(-o)) * np.tanh(c)
        np.testing.assert_allclose(y[:, t], h)


FLAGS = list(itertools.product([False, True], repeat=2))  # return_sequences, return_state


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("return_sequences, return_state", FLAGS)
def test_output_shapes_eager_and_symbolic(kind, return_sequences, return_state):
    layer = LAYERS[kind](6, return_sequences=return_sequences, return_state=return_state)
    output = (None, 9, 6) if return_sequences else (None, 6)
    expected = [output] + [(None, 6)] * STATES[kind] if return_state else output
    symbolic = layer(Input(shape=(9, 4)))
    eager = layer(np.zeros((2, 9, 4)))
    if return_state:
        assert [t.shape for t in symbolic] == expected
        assert [t.shape for t in eager] == [(2,) + s[1:] for s in expected]
    else:
        assert symbolic.shape == expected
        assert eager.shape == (2,) + expected[1:]


@pytest.mark.parametrize("kind", LAYERS)
def test_variable_length_sequences(kind):
    layer = LAYERS[kind](3, return_sequences=True)
    assert layer(Input(shape=(None, 4))).shape == (None, None, 3)
    assert layer(np.ones((2, 5, 4))).shape == (2, 5, 3)
    assert layer(np.ones((2, 11, 4))).shape == (2, 11, 3)


# check_gradients perturbs a weight through ``reshape(-1)``, which copies the
# Fortran-ordered arrays 'orthogonal' makes; gradient checks use another initializer.
C_ORDERED = "glorot_uniform"


def flat(outputs):
    return concatenate([reshape(o, (o.shape[0], -1)) for o in outputs], axis=1) if isinstance(outputs, list) \
        else outputs


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("return_sequences, return_state, go_backwards", list(itertools.product([False, True], repeat=3)))
def test_gradients_through_the_layer(float64, kind, return_sequences, return_state, go_backwards):
    layer = LAYERS[kind](3, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         recurrent_initializer=C_ORDERED)
    x = rand(2, 4, 5)
    layer(x)
    check_gradients(lambda x: flat(layer(x)), [x], params=layer.weights)


@pytest.mark.parametrize("kind", LAYERS)
def test_gradients_into_initial_states(float64, kind):
    layer = LAYERS[kind](3, return_sequences=True, recurrent_initializer=C_ORDERED)
    arrays = [rand(2, 4, 5)] + [rand(2, 3, seed=k + 1) for k in range(STATES[kind])]

    def fn(x, *states):
        return layer(x, initial_state=list(states))

    fn(*arrays)
    check_gradients(fn, arrays, params=layer.weights)


def test_go_backwards_reads_the_sequence_last_step_first(float64):
    forwards, backwards = SimpleRNN(3, return_sequences=True), SimpleRNN(3, return_sequences=True, go_backwards=True)
    x = rand(2, 4, 5)
    forwards(x)
    backwards(x)
    backwards.set_weights(forwards.get_weights())
    np.testing.assert_allclose(backwards(x).numpy(), forwards(x[:, ::-1]).numpy())


def test_encoder_states_start_a_decoder_in_a_functional_model():
    encoder_inputs, decoder_inputs = Input(shape=(None, 4)), Input(shape=(None, 6))
    _, h, c = LSTM(8, return_state=True)(encoder_inputs)
    decoded = LSTM(8, return_sequences=True)(decoder_inputs, initial_state=[h, c])
    model = Model([encoder_inputs, decoder_inputs], Dense(2)(decoded))
    assert model.output_shape == (None, None, 2)
    assert len(model.layers) == 5 and model.count_params() == 4 * 8 * (4 + 8 + 1) + 4 * 8 * (6 + 8 + 1) + 18
    assert model([np.ones((3, 7, 4)), np.ones((3, 5, 6))]).shape == (3, 5, 2)


def test_stacked_lstms_in_a_sequential_model():
    model = Sequential([LSTM(16, return_sequences=True, input_shape=(10, 8)), LSTM(4), Dense(1)])
    assert model.output_shape == (None, 1)
    assert model.count_params() == 4 * 16 * (8 + 16 + 1) + 4 * 4 * (16 + 4 + 1) + 5
    assert model(np.zeros((2, 10, 8))).shape == (2, 1)


def test_weights_trade_with_keras_layout():
    layer = built("GRU", 4, 2)
    weights = [rand(4, 6), rand(2, 6, seed=1), rand(2, 6, seed=2)]
    layer.set_weights(weights)
    for got, want in zip(layer.get_weights(), weights):
        np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.parametrize("kind", LAYERS)
def test_config_round_trip(kind):
    layer = LAYERS[kind](5, activation="relu", return_sequences=True, go_backwards=True, name="rnn")
    config = layer.get_config()
    assert config["units"] == 5 and config["activation"] == "relu" and config["return_sequences"]
    assert type(layer).from_config(config).get_config() == config


def test_unsupported_options_are_refused_with_the_layer_name():
    with pytest.raises(NotImplementedError, match="reset_after=False"):
        GRU(4, reset_after=False)
    with pytest.raises(ValueError, match="SimpleRNN 'rnn': activation must be one of"):
        SimpleRNN(4, activation="softmax", name="rnn")
    with pytest.raises(ValueError, match="expects 2 initial state"):
        LSTM(4)(np.zeros((1, 2, 3)), initial_state=[np.zeros((1, 4))])


def test_input_must_be_a_sequence():
    with pytest.raises(ValueError, match="expected ndim=3"):
        LSTM(4)(np.zeros((2, 3)))


# --- dropout and recurrent_dropout ----------------------------------------------------

OPS = {"LSTM": lstm, "GRU": gru, "SimpleRNN": simple_rnn}


def with_dropout(kind, dropout=0.5, recurrent_dropout=0.5, **kwargs):
    """A layer with dropout and a twin without it, sharing its weights."""
    layer = LAYERS[kind](4, dropout=dropout, recurrent_dropout=recurrent_dropout, **kwargs)
    plain = LAYERS[kind](4, **kwargs)
    x = rand(3, 6, 5)
    layer(x)
    plain(x)
    plain.set_weights(layer.get_weights())
    return layer, plain, x


@pytest.mark.parametrize("kind", LAYERS)
def test_dropout_changes_nothing_at_inference(kind):
    layer, plain, x = with_dropout(kind, return_sequences=True)
    np.testing.assert_array_equal(layer(x).numpy(), plain(x).numpy())
    np.testing.assert_array_equal(layer(x, training=False).numpy(), plain(x).numpy())
    model = Sequential([Input(shape=(6, 5)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), plain(x).numpy())


@pytest.mark.parametrize("kind", LAYERS)
@pytest.mark.parametrize("dropout, recurrent_dropout", [(0.5, 0.0), (0.0, 0.5), (0.5, 0.5)])
def test_training_output_repeats_with_the_seed(kind, dropout, recurrent_dropout):
    layer, plain, x = with_dropout(kind, dropout, recurrent_dropout, return_sequences=True)

    def train_output(seed):
        kerasbook.utils.set_random_seed(seed)
        return layer(x, training=True).numpy()

    np.testing.assert_array_equal(train_output(1), train_output(1))
    assert not np.allclose(train_output(1), train_output(2))
    assert not np.allclose(train_output(1), plain(x).numpy())


@pytest.mark.parametrize("kind", LAYERS)
def test_training_output_is_the_op_with_one_mask_of_each_kind_per_call(float64, kind):
    """The input mask (batch, 1, features) multiplies every step; the recurrent mask goes to the op."""
    layer, plain, x = with_dropout(kind, 0.3, 0.4, return_sequences=True, return_state=True)
    kerasbook.utils.set_random_seed(7)
    input_mask = random.dropout_mask((3, 1, 5), 0.3)
    recurrent_mask = random.dropout_mask((3, 4), 0.4)
    kerasbook.utils.set_random_seed(7)
    got = layer(x, training=True)
    want = OPS[kind](to_device(x) * input_mask, *layer.weights, return_sequences=True, return_state=True,
                     recurrent_mask=recurrent_mask)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", LAYERS)
def test_gradients_through_both_masks(float64, kind):
    layer = LAYERS[kind](3, dropout=0.3, recurrent_dropout=0.4, return_sequences=True, recurrent_initializer=C_ORDERED)

    def fn(x):
        kerasbook.utils.set_random_seed(5)  # the same masks at every evaluation
        return layer(x, training=True)

    x = rand(4, 4, 5)
    fn(x)
    check_gradients(fn, [x], params=layer.weights)


@pytest.mark.parametrize("kind", LAYERS)
def test_an_input_feature_dropped_at_one_step_is_dropped_at_every_step(kind):
    layer = LAYERS[kind](4, dropout=0.5, return_sequences=True)
    x = Tensor(to_device(rand(8, 6, 5)), requires_grad=True)
    with GradientTape() as tape:
        loss = layer(x, training=True).sum()
    reaches_output = to_numpy(tape.gradient(loss, [x])[0]) != 0  # (batch, time, features)
    assert (reaches_output == reaches_output[:, :1]).all()
    assert 0 < reaches_output[:, 0].sum() < reaches_output[:, 0].size


@pytest.mark.parametrize("kind", LAYERS)
def test_rate_zero_is_the_layer_without_dropout(kind):
    layer, plain, x = with_dropout(kind, 0.0, 0.0, return_sequences=True)
    np.testing.assert_array_equal(layer(x, training=True).numpy(), plain(x, training=True).numpy())
    np.testing.assert_array_equal(plain(x, training=True).numpy(), plain(x).numpy())


@pytest.mark.parametrize("kind", LAYERS)
def test_dropout_adds_no_weights(kind):
    layer, plain, _ = with_dropout(kind)
    assert layer.count_params() == plain.count_params()
    assert [w.name for w in layer.weights] == [w.name for w in plain.weights]


@pytest.mark.parametrize("kind", LAYERS)
def test_a_layer_with_dropout_still_learns(kind):
    """The sign of a sequence's first step, carried to the end: the recurrence must remember it."""
    x = rand(64, 5, 3, seed=3)
    y = (x[:, 0, :1] > 0).astype("float32")
    model = Sequential([Input(shape=(5, 3)), LAYERS[kind](8, dropout=0.2, recurrent_dropout=0.2),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer=Adam(learning_rate=0.02), loss="binary_crossentropy")
    losses = model.fit(x, y, batch_size=16, epochs=40, verbose=0).history["loss"]
    assert losses[-1] < 0.6 * losses[0]


def test_dropout_rates_outside_zero_to_one_are_refused_with_the_layer_name():
    with pytest.raises(ValueError, match=r"LSTM 'encoder': dropout must be in \[0, 1\), received 1"):
        LSTM(4, dropout=1, name="encoder")
    with pytest.raises(ValueError, match=r"GRU 'gru': recurrent_dropout must be in \[0, 1\), received -0.1"):
        GRU(4, recurrent_dropout=-0.1, name="gru")


@pytest.mark.parametrize("kind", LAYERS)
def test_config_keeps_dropout_rates(kind):
    config = LAYERS[kind](5, dropout=0.2, recurrent_dropout=0.3).get_config()
    assert config["dropout"] == 0.2 and config["recurrent_dropout"] == 0.3
    assert LAYERS[kind].from_config(config).get_config() == config
