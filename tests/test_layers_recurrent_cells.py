"""The readable cells and `RNN(cell)` against the fused LSTM, GRU and SimpleRNN, and against finite differences.

The fused layers run a whole sequence in one op with a hand-written backward;
the cells are a few lines of ops that the tape differentiates. Two independent
computations of the same thing: each checks the other.
"""
import itertools

import numpy as np
import pytest

from kerasbook.layers import GRU, LSTM, Dense, Input, Layer, SimpleRNN
from kerasbook.layers import RNN, GRUCell, LSTMCell, SimpleRNNCell
from kerasbook.models import Model, Sequential
from kerasbook.ops import GradientTape, Tensor, concatenate, reshape
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.optimizers import Adam
from kerasbook.runtime.array_module import to_device, to_numpy

FUSED = {"LSTM": LSTM, "GRU": GRU, "SimpleRNN": SimpleRNN}
CELLS = {"LSTM": LSTMCell, "GRU": GRUCell, "SimpleRNN": SimpleRNNCell}
STATES = {"LSTM": 2, "GRU": 1, "SimpleRNN": 1}
BATCH, STEPS, FEATURES, UNITS = 3, 5, 4, 6

# check_gradients perturbs a weight through ``reshape(-1)``, which copies the
# Fortran-ordered arrays 'orthogonal' makes; gradient checks use another initializer.
C_ORDERED = "glorot_uniform"


def rand(*shape, seed=0, scale=1.0):
    return np.random.default_rng(seed).uniform(-scale, scale, size=shape)


def flat(outputs):
    """A layer's or a cell's outputs as one (batch, n) tensor, for check_gradients."""
    if isinstance(outputs, (list, tuple)):
        parts = [o for output in outputs for o in (output if isinstance(output, list) else [output])]
        return concatenate([reshape(p, (p.shape[0], -1)) for p in parts], axis=1)
    return outputs


def twins(kind, **options):
    """A fused layer and RNN over its cell, built, the RNN holding the fused layer's weights."""
    flags = {k: options.pop(k) for k in ("return_sequences", "return_state", "go_backwards") if k in options}
    fused = FUSED[kind](UNITS, **options, **flags)
    rnn = RNN(CELLS[kind](UNITS, **options), **flags)
    x = np.zeros((1, STEPS, FEATURES))
    fused(x)
    rnn(x)
    # Different numbers, so a test fails if the RNN ignores the weights it is given.
    fused.set_weights([rand(*w.shape, seed=k + 1, scale=0.8) for k, w in enumerate(fused.weights)])
    rnn.set_weights(fused.get_weights())
    return fused, rnn


def outputs_and_gradients(layer, x, states):
    """The layer's outputs, and the gradients of a random projection of them w.r.t. x, the states and every weight."""
    x = Tensor(to_device(x), requires_grad=True)
    states = [Tensor(to_device(s), requires_grad=True) for s in states]
    with GradientTape() as tape:
        outputs = layer(x, initial_state=states or None)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        loss = 0
        for index, output in enumerate(outputs):
            loss = loss + (output * Tensor(to_device(rand(*output.shape, seed=50 + index)))).sum()
    gradients = tape.gradient(loss, [x, *states, *layer.weights])
    return [o.numpy() for o in outputs], [to_numpy(g) for g in gradients]


def assert_all_close(got, want):
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


# --- the cells: Keras's weights, layouts and defaults ---------------------------------

@pytest.mark.parametrize("kind", FUSED)
def test_rnn_over_a_cell_has_the_fused_layers_weights(kind):
    fused, rnn = FUSED[kind](UNITS), RNN(CELLS[kind](UNITS))
    fused(Input(shape=(STEPS, FEATURES)))
    rnn(Input(shape=(STEPS, FEATURES)))
    assert [w.name for w in rnn.weights] == [w.name for w in fused.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert [tuple(w.shape) for w in rnn.weights] == [tuple(w.shape) for w in fused.weights]
    assert rnn.count_params() == fused.count_params()
    recurrent_kernel = rnn.cell.recurrent_kernel.numpy()  # 'orthogonal', as the fused layer's
    np.testing.assert_allclose(recurrent_kernel @ recurrent_kernel.T, np.eye(UNITS), atol=1e-5)
    np.testing.assert_array_equal(rnn.cell.bias.numpy(), fused.bias.numpy())  # zeros; LSTM's forget gate at 1


def test_gru_cell_bias_has_an_input_row_and_a_recurrent_row():
    cell = GRUCell(5)
    RNN(cell)(np.zeros((1, 2, 7)))
    assert [tuple(w.shape) for w in cell.weights] == [(7, 15), (5, 15), (2, 15)]


def test_lstm_cell_forget_gate_bias_starts_at_one():
    cell = LSTMCell(3)
    RNN(cell)(np.zeros((1, 2, 4)))
    np.testing.assert_array_equal(cell.bias.numpy(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    plain = LSTMCell(3, unit_forget_bias=False)
    RNN(plain)(np.zeros((1, 2, 4)))
    assert not plain.bias.numpy().any()


@pytest.mark.parametrize("kind", FUSED)
def test_cells_without_bias_have_two_weights(kind):
    rnn = RNN(CELLS[kind](UNITS, use_bias=False))
    rnn(np.zeros((1, 2, FEATURES)))
    assert [w.name for w in rnn.weights] == ["kernel", "recurrent_kernel"]


def test_cells_say_the_size_of_their_states_and_output():
    assert (SimpleRNNCell(4).state_size, SimpleRNNCell(4).output_size) == (4, 4)
    assert (LSTMCell(4).state_size, LSTMCell(4).output_size) == ([4, 4], 4)
    assert (GRUCell(4).state_size, GRUCell(4).output_size) == (4, 4)


def test_a_cell_called_alone_returns_its_output_and_new_states(float64):
    cell = LSTMCell(3)
    x, h, c = rand(2, 4), rand(2, 3, seed=1), rand(2, 3, seed=2)
    output, states = cell(x, states=[Tensor(to_device(h)), Tensor(to_device(c))])
    assert len(states) == 2 and states[0] is output
    kernel, recurrent_kernel, bias = cell.get_weights()
    i, f, g, o = np.split(x @ kernel + h @ recurrent_kernel + bias, 4, axis=-1)
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    np.testing.assert_allclose(states[1].numpy(), c)
    np.testing.assert_allclose(output.numpy(), sigmoid(o) * np.tanh(c))


# --- the fused layers against RNN over their cells: outputs and every gradient ----------

MODES = list(itertools.product([False, True], repeat=4))  # return_sequences, return_state, go_backwards, initial


@pytest.mark.parametrize("kind", FUSED)
@pytest.mark.parametrize("return_sequences, return_state, go_backwards, initial", MODES)
def test_fused_layer_matches_rnn_over_its_cell(float64, kind, return_sequences, return_state, go_backwards, initial):
    fused, rnn = twins(kind, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards)
    x = rand(BATCH, STEPS, FEATURES, seed=10)
    states = [rand(BATCH, UNITS, seed=20 + k) for k in range(STATES[kind])] if initial else []
    want_outputs, want_gradients = outputs_and_gradients(fused, x, states)
    got_outputs, got_gradients = outputs_and_gradients(rnn, x, states)
    assert_all_close(got_outputs, want_outputs)
    assert_all_close(got_gradients, want_gradients)


OPTIONS = [
    *[(kind, {"use_bias": False}) for kind in FUSED],
    *[(kind, {"activation": "relu"}) for kind in FUSED],
    *[(kind, {"activation": "sigmoid", "recurrent_activation": "hard_sigmoid"}) for kind in ("LSTM", "GRU")],
    *[(kind, {"activation": "linear", "recurrent_activation": "tanh"}) for kind in ("LSTM", "GRU")],
    ("SimpleRNN", {"activation": "hard_sigmoid"}),
    ("LSTM", {"unit_forget_bias": False}),
]


@pytest.mark.parametrize("kind, options", OPTIONS, ids=[f"{kind}-{options}" for kind, options in OPTIONS])
def test_fused_layer_matches_rnn_over_its_cell_with_options(float64, kind, options):
    fused, rnn = twins(kind, return_sequences=True, return_state=True, **options)
    x = rand(BATCH, STEPS, FEATURES, seed=11)
    want_outputs, want_gradients = outputs_and_gradients(fused, x, [])
    got_outputs, got_gradients = outputs_and_gradients(rnn, x, [])
    assert_all_close(got_outputs, want_outputs)
    assert_all_close(got_gradients, want_gradients)


@pytest.mark.parametrize("kind", FUSED)
def test_weights_trade_both_ways(float64, kind):
    fused, rnn = twins(kind, return_sequences=True)
    rnn.set_weights([rand(*w.shape, seed=30 + k) for k, w in enumerate(rnn.weights)])
    fused.set_weights(rnn.get_weights())
    x = rand(BATCH, STEPS, FEATURES, seed=12)
    np.testing.assert_allclose(fused(x).numpy(), rnn(x).numpy(), rtol=1e-10, atol=1e-12)


# --- finite differences ----------------------------------------------------------------

@pytest.mark.parametrize("kind", FUSED)
def test_cell_gradients_match_finite_differences(float64, kind):
    cell = CELLS[kind](4, recurrent_initializer=C_ORDERED, bias_initializer="uniform")
    arrays = [rand(2, 3)] + [rand(2, 4, seed=k + 1) for k in range(STATES[kind])]

    def step(x, *states):
        return flat(cell(x, states=list(states)))

    step(*arrays)
    check_gradients(step, arrays, params=cell.weights)


@pytest.mark.parametrize("kind", FUSED)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_rnn_gradients_match_finite_differences(float64, kind, go_backwards):
    rnn = RNN(CELLS[kind](3, recurrent_initializer=C_ORDERED, bias_initializer="uniform"), return_sequences=True,
              return_state=True, go_backwards=go_backwards)
    arrays = [rand(2, 4, 5)] + [rand(2, 3, seed=k + 1) for k in range(STATES[kind])]

    def run(x, *states):
        return flat(rnn(x, initial_state=list(states)))

    run(*arrays)
    check_gradients(run, arrays, params=rnn.weights)


def test_a_cell_runs_activations_the_fused_ops_do_not(float64):
    with pytest.raises(ValueError, match="activation must be one of"):
        SimpleRNN(3, activation="softsign")
    rnn = RNN(SimpleRNNCell(3, activation="softsign", recurrent_initializer=C_ORDERED), return_sequences=True)
    x = rand(2, 4, 5)
    rnn(x)
    check_gradients(lambda x: rnn(x), [x], params=rnn.weights)


# --- RNN in models -----------------------------------------------------------------------

FLAGS = list(itertools.product([False, True], repeat=2))  # return_sequences, return_state


@pytest.mark.parametrize("kind", FUSED)
@pytest.mark.parametrize("return_sequences, return_state", FLAGS)
def test_output_shapes_eager_and_symbolic(kind, return_sequences, return_state):
    rnn = RNN(CELLS[kind](6), return_sequences=return_sequences, return_state=return_state)
    output = (None, 9, 6) if return_sequences else (None, 6)
    expected = [output] + [(None, 6)] * STATES[kind] if return_state else output
    symbolic = rnn(Input(shape=(9, 4)))
    eager = rnn(np.zeros((2, 9, 4)))
    if return_state:
        assert [t.shape for t in symbolic] == expected
        assert [t.shape for t in eager] == [(2,) + s[1:] for s in expected]
    else:
        assert symbolic.shape == expected
        assert eager.shape == (2,) + expected[1:]


def test_variable_length_sequences():
    rnn = RNN(GRUCell(3), return_sequences=True)
    assert rnn(Input(shape=(None, 4))).shape == (None, None, 3)
    assert rnn(np.ones((2, 5, 4))).shape == (2, 5, 3)
    assert rnn(np.ones((2, 11, 4))).shape == (2, 11, 3)


def test_encoder_states_start_a_decoder_in_a_functional_model():
    encoder_inputs, decoder_inputs = Input(shape=(None, 4)), Input(shape=(None, 6))
    _, h, c = RNN(LSTMCell(8), return_state=True)(encoder_inputs)
    decoded = RNN(LSTMCell(8), return_sequences=True)(decoder_inputs, initial_state=[h, c])
    model = Model([encoder_inputs, decoder_inputs], Dense(2)(decoded))
    assert model.output_shape == (None, None, 2)
    assert model.count_params() == 4 * 8 * (4 + 8 + 1) + 4 * 8 * (6 + 8 + 1) + 18
    assert model([np.ones((3, 7, 4)), np.ones((3, 5, 6))]).shape == (3, 5, 2)


def test_rnn_over_an_lstm_cell_learns_in_a_sequential_model():
    """The sign of a sequence's first step, carried to the end: the recurrence must remember it."""
    x = rand(64, 5, 3, seed=3).astype("float32")
    y = (x[:, 0, :1] > 0).astype("float32")
    model = Sequential([Input(shape=(5, 3)), RNN(LSTMCell(8)), Dense(1, activation="sigmoid")])
    assert model.count_params() == 4 * 8 * (3 + 8 + 1) + 9
    model.compile(optimizer=Adam(learning_rate=0.02), loss="binary_crossentropy")
    losses = model.fit(x, y, batch_size=16, epochs=30, verbose=0).history["loss"]
    assert losses[-1] < 0.6 * losses[0]


# --- a cell of one's own ----------------------------------------------------------------

class MinimalRNNCell(Layer):
    """The Keras guide's custom cell: no bias, no activation."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        output = inputs @ self.kernel + states[0] @ self.recurrent_kernel
        return output, [output]


def test_a_users_cell_runs_in_a_functional_model(float64):
    cell = MinimalRNNCell(4)
    inputs = Input(shape=(None, 5))
    model = Model(inputs, RNN(cell, return_sequences=True)(inputs))
    assert model.output_shape == (None, None, 4)
    assert [w.name for w in model.weights] == ["kernel", "recurrent_kernel"]
    x = rand(2, 3, 5)
    kernel, recurrent_kernel = cell.get_weights()
    h, want = np.zeros((2, 4)), []
    for t in range(3):
        h = x[:, t] @ kernel + h @ recurrent_kernel
        want.append(h)
    np.testing.assert_allclose(model(x).numpy(), np.stack(want, axis=1))


def test_a_users_cell_trains_with_fit():
    x = rand(32, 4, 3, seed=4).astype("float32")
    y = x.sum(axis=(1, 2))[:, None].astype("float32")
    model = Sequential([Input(shape=(4, 3)), RNN(MinimalRNNCell(4)), Dense(1)])
    model.compile(optimizer=Adam(learning_rate=0.01), loss="mse")
    losses = model.fit(x, y, batch_size=8, epochs=20, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0]


def test_a_users_cell_hears_training_when_its_call_takes_it():
    class Recording(MinimalRNNCell):
        def call(self, inputs, states, training=False):
            self.heard.append(training)
            return super().call(inputs, states)

    cell = Recording(2)
    cell.heard = []
    rnn = RNN(cell)
    rnn(np.ones((1, 3, 2)), training=True)
    rnn(np.ones((1, 3, 2)))
    assert cell.heard == [True] * 3 + [False] * 3


def test_a_users_cell_with_its_own_output_size_and_two_states():
    class Wide(Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.state_size, self.output_size = [2, 3], 5

        def call(self, inputs, states):
            a, b = states
            return concatenate([a + 1, b], axis=1), [a + 1, b * 2]

    rnn = RNN(Wide(), return_sequences=True, return_state=True)
    assert [t.shape for t in rnn(Input(shape=(4, 7)))] == [(None, 4, 5), (None, 2), (None, 3)]
    output, a, b = rnn(np.zeros((1, 4, 7)), initial_state=[np.zeros((1, 2)), np.ones((1, 3))])
    np.testing.assert_array_equal(a.numpy(), [[4, 4]])
    np.testing.assert_array_equal(b.numpy(), [[16, 16, 16]])
    np.testing.assert_array_equal(output.numpy()[0, :, 0], [1, 2, 3, 4])


# --- errors name the layer ------------------------------------------------------------

def test_a_cell_without_state_size_is_refused_with_the_layer_name():
    class NoState(Layer):
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ValueError, match="RNN 'decoder': its cell 'no_state' has no `state_size`"):
        RNN(NoState(name="no_state"), name="decoder")


def test_state_size_must_be_positive_integers():
    cell = MinimalRNNCell(0, name="empty")
    with pytest.raises(ValueError, match="RNN 'rnn': its cell 'empty' has state_size 0"):
        RNN(cell, name="rnn")


def test_a_cell_returning_the_wrong_number_of_states_is_named():
    class Forgetful(MinimalRNNCell):
        def call(self, inputs, states):
            output, _ = super().call(inputs, states)
            return output, []

    with pytest.raises(ValueError, match="RNN 'rnn': its cell 'forgetful' returned 0 state"):
        RNN(Forgetful(2, name="forgetful"), name="rnn")(np.ones((1, 3, 2)))


def test_unsupported_cells_and_options_are_refused_with_the_layer_name():
    with pytest.raises(TypeError, match="RNN 'rnn' runs a cell"):
        RNN(lambda x, states: (x, states), name="rnn")
    with pytest.raises(NotImplementedError, match="RNN 'rnn': a list of cells"):
        RNN([LSTMCell(2), LSTMCell(2)], name="rnn")
    with pytest.raises(NotImplementedError, match="RNN 'rnn': stateful=True"):
        RNN(LSTMCell(2), stateful=True, name="rnn")
    with pytest.raises(ValueError, match="RNN 'rnn' expects 2 initial state"):
        RNN(LSTMCell(4), name="rnn")(np.zeros((1, 2, 3)), initial_state=[np.zeros((1, 4))])
    with pytest.raises(ValueError, match="LSTMCell 'cell': units must be a positive integer"):
        LSTMCell(0, name="cell")
    with pytest.raises(NotImplementedError, match="GRUCell 'gru_cell': reset_after=False"):
        GRUCell(3, reset_after=False, name="gru_cell")
    with pytest.raises(ValueError, match="expected ndim=3"):
        RNN(SimpleRNNCell(4))(np.zeros((2, 3)))


# --- config -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", FUSED)
def test_config_round_trip(kind):
    rnn = RNN(CELLS[kind](5, activation="relu"), return_sequences=True, go_backwards=True, name="rnn")
    config = rnn.get_config()
    assert config["cell"]["class_name"] == CELLS[kind].__name__ and config["cell"]["config"]["units"] == 5
    assert config["return_sequences"] and config["go_backwards"]
    assert RNN.from_config(config).get_config() == config


def test_config_of_a_users_cell_needs_custom_objects():
    config = RNN(SimpleRNNCell(2)).get_config()
    config["cell"]["class_name"] = "MinimalRNNCell"
    with pytest.raises(TypeError, match="Could not locate class 'MinimalRNNCell'"):
        RNN.from_config(config)
    config["cell"]["config"] = {"units": 2}
    rnn = RNN.from_config(config, custom_objects={"MinimalRNNCell": MinimalRNNCell})
    assert isinstance(rnn.cell, MinimalRNNCell)
