"""LSTM, GRU and SimpleRNN layers: Keras's weights, parameter counts, outputs, states and gradients."""
import itertools

import numpy as np
import pytest

from kerasbook.layers import Dense, Input
from kerasbook.layers.recurrent import GRU, LSTM, SimpleRNN
from kerasbook.models import Model, Sequential
from kerasbook.ops import concatenate, reshape
from kerasbook.ops.gradient_check import check_gradients

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
    with pytest.raises(NotImplementedError, match="LSTM 'encoder': dropout"):
        LSTM(4, dropout=0.2, name="encoder")
    with pytest.raises(NotImplementedError, match="reset_after=False"):
        GRU(4, reset_after=False)
    with pytest.raises(ValueError, match="SimpleRNN 'rnn': activation must be one of"):
        SimpleRNN(4, activation="softmax", name="rnn")
    with pytest.raises(ValueError, match="expects 2 initial state"):
        LSTM(4)(np.zeros((1, 2, 3)), initial_state=[np.zeros((1, 4))])


def test_input_must_be_a_sequence():
    with pytest.raises(ValueError, match="expected ndim=3"):
        LSTM(4)(np.zeros((2, 3)))
