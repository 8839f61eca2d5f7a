"""Bidirectional: Keras 3's numbers, weights and names, states, gradients, configs, errors and the imdb example.

The Keras numbers come from tests/data/keras_reference/recurrent_states.npz, written by
tools/record_keras_reference_recurrent_states.py (Keras 3 on PyTorch; layers in float64,
training steps in float32).
"""
import json
import pathlib
import re

import numpy as np
import pytest

from kerasbook import layers, optimizers
from kerasbook.layers import (
    GRU, LSTM, RNN, Bidirectional, Concatenate, Dense, Dropout, Embedding, GRUCell, Input, LSTMCell, SimpleRNN,
)
from kerasbook.models import Model, Sequential
from kerasbook.ops import GradientTape, Tensor, concatenate, reshape
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.runtime.array_module import to_device, to_numpy
from kerasbook.saving.serialization_lib import deserialize_keras_object

KERAS = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "recurrent_states.npz")
MERGE_MODES = ["concat", "sum", "mul", "ave", None]
LABELS = {mode: mode or "none" for mode in MERGE_MODES}
LAYER_CASES = sorted({key.split(".")[0] for key in KERAS.files if key.startswith("bi_")})
C_ORDERED = "glorot_uniform"  # see test_layers_recurrent.py: gradient checks perturb weights through reshape(-1)


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def flat(outputs):
    """Outputs as one (batch, n) tensor, for check_gradients."""
    if isinstance(outputs, list):
        return concatenate([reshape(o, (o.shape[0], -1)) for o in outputs], axis=1)
    return outputs


def layer_from_spec(spec):
    inner = getattr(layers, spec["layer"])(**spec["config"])
    return Bidirectional(inner, merge_mode=spec["merge_mode"]) if "merge_mode" in spec else inner


def outputs_and_gradients(layer, x, states, directions):
    """The outputs, and the gradients of sum(output_i * direction_i) for x, each state and each weight."""
    x = Tensor(to_device(x), requires_grad=True)
    states = [Tensor(to_device(s), requires_grad=True) for s in states]
    with GradientTape() as tape:
        outputs = layer(x, initial_state=states or None)
        outputs = outputs if isinstance(outputs, list) else [outputs]
        loss = 0
        for output, direction in zip(outputs, directions):
            loss = loss + (output * Tensor(to_device(direction))).sum()
    gradients = tape.gradient(loss, [x, *states, *layer.weights])
    return [o.numpy() for o in outputs], [to_numpy(g) for g in gradients]


def keras_case(case):
    """A kerasbook layer holding the case's weights, and what Keras computed with it."""
    spec = json.loads(str(KERAS[f"{case}.spec"]))
    layer = layer_from_spec(spec)
    layer(np.zeros((1,) + KERAS[f"{case}.x"].shape[1:]))
    count = len(KERAS[f"{case}.weight_names"])
    layer.set_weights([KERAS[f"{case}.weight{i}"] for i in range(count)])
    states = [KERAS[f"{case}.state{i}"] for i in range(spec["states"])]
    outputs = sum(1 for key in KERAS.files if key.startswith(f"{case}.output"))
    want_outputs = [KERAS[f"{case}.output{i}"] for i in range(outputs)]
    want_gradients = ([KERAS[f"{case}.grad_x"]] + [KERAS[f"{case}.grad_state{i}"] for i in range(len(states))]
                      + [KERAS[f"{case}.grad_weight{i}"] for i in range(count)])
    return layer, states, [KERAS[f"{case}.direction{i}"] for i in range(outputs)], want_outputs, want_gradients


# --- Keras 3's numbers ----------------------------------------------------------------------

@pytest.mark.parametrize("case", LAYER_CASES)
def test_outputs_and_gradients_match_keras(float64, case):
    """Every merge mode, with and without sequences, states and initial states: outputs and every gradient."""
    layer, states, directions, want_outputs, want_gradients = keras_case(case)
    got_outputs, got_gradients = outputs_and_gradients(layer, KERAS[f"{case}.x"], states, directions)
    assert len(got_outputs) == len(want_outputs) and len(got_gradients) == len(want_gradients)
    for got, want in zip(got_outputs + got_gradients, want_outputs + want_gradients):
        np.testing.assert_allclose(got, want, **tolerance(case))


def tolerance(case):
    """float64 agreement; SimpleRNN's to float32 rounding, as Keras 3.15 on PyTorch multiplies its cell in float32."""
    if json.loads(str(KERAS[f"{case}.spec"]))["layer"] == "SimpleRNN":
        return {"rtol": 1e-5, "atol": 1e-6}
    return {"rtol": 1e-10, "atol": 1e-12}


def test_weights_are_the_forward_layers_then_the_backward_layers_as_keras():
    layer, *_ = keras_case("bi_lstm_concat_states")
    keras_names = [str(name).split("/") for name in KERAS["bi_lstm_concat_states.weight_names"]]
    # Keras: bidirectional_2/forward_lstm_2/lstm_cell/kernel; kerasbook: forward_lstm_2/kernel
    assert [w.name for w in layer.weights] == [parts[-1] for parts in keras_names]
    assert [re.sub(r"_\d+$", "", w.path.split("/")[0]) for w in layer.weights] == [
        re.sub(r"_\d+$", "", parts[1]) for parts in keras_names]


def model_weights(case):
    count = sum(1 for key in KERAS.files if key.startswith(f"{case}.before"))
    return [KERAS[f"{case}.before{i}"] for i in range(count)], [KERAS[f"{case}.after{i}"] for i in range(count)]


def bidirectional_classifier(mode):
    inputs = Input((5, 4))
    merged = Bidirectional(LSTM(3), merge_mode=mode)(inputs)
    if mode is None:
        merged = Concatenate()(merged)
    return Model(inputs, Dense(2)(merged))


@pytest.mark.parametrize("mode", MERGE_MODES, ids=LABELS.values())
def test_one_training_step_matches_keras(mode):
    """Input -> Bidirectional(LSTM(3), merge_mode) -> Dense(2), one SGD step on MSE, in float32."""
    case = f"step_bi_lstm_{LABELS[mode]}"
    model = bidirectional_classifier(mode)
    before, after = model_weights(case)
    model.set_weights(before)
    model.compile(optimizer=optimizers.SGD(0.5), loss="mse")
    loss = model.train_on_batch(KERAS[f"{case}.x0"], KERAS[f"{case}.y"])
    np.testing.assert_allclose(loss, KERAS[f"{case}.loss"], rtol=1e-6)
    for got, want in zip(model.get_weights(), after):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(KERAS[f"{case}.x0"]), KERAS[f"{case}.predict_after"],
                               rtol=1e-5, atol=1e-6)
    keras_params = [int(n) for n in KERAS[f"{case}.params"] if n]  # Keras lists the InputLayer (0 parameters)
    assert [layer.count_params() for layer in model.layers if layer.count_params()] == keras_params


def test_summary_counts_both_directions_as_keras_prints_them():
    model = bidirectional_classifier("concat")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "(Bidirectional)" in text and "(None, 6)" in text
    bidirectional, dense = KERAS["step_bi_lstm_concat.params"][1:]
    assert f"{bidirectional:,}" in text and " Total params: 206 " in text + " " and bidirectional + dense == 206


def test_an_encoder_s_states_split_forward_then_backward_start_a_decoder():
    """Keras's state split: [output, forward_h, forward_c, backward_h, backward_c]; one SGD step as Keras."""
    case = "step_bi_encoder_decoder"
    encoder_inputs, decoder_inputs = Input((None, 5)), Input((None, 5))
    _, forward_h, forward_c, backward_h, backward_c = Bidirectional(LSTM(3, return_state=True))(encoder_inputs)
    states = [Concatenate()([forward_h, backward_h]), Concatenate()([forward_c, backward_c])]
    decoded = LSTM(6, return_sequences=True)(decoder_inputs, initial_state=states)
    model = Model([encoder_inputs, decoder_inputs], Dense(5, activation="softmax")(decoded))
    before, after = model_weights(case)
    model.set_weights(before)
    model.compile(optimizer=optimizers.SGD(0.5), loss="categorical_crossentropy")
    x = [KERAS[f"{case}.x0"], KERAS[f"{case}.x1"]]
    np.testing.assert_allclose(model.train_on_batch(x, KERAS[f"{case}.y"]), KERAS[f"{case}.loss"], rtol=1e-6)
    for got, want in zip(model.get_weights(), after):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_stateful_bidirectional_carries_both_directions_states_as_keras():
    case = "stateful_bi_lstm"
    inputs = Input(batch_shape=(2, 4, 3))
    recurrent = Bidirectional(LSTM(3, stateful=True, return_sequences=True))
    model = Model(inputs, Dense(1)(recurrent(inputs)))
    before, after = model_weights(case)
    model.set_weights(before)

    def states():
        return np.concatenate([s.numpy().ravel() for s in recurrent.states])

    tolerance = {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(model(KERAS[f"{case}.x0"]).numpy(), KERAS[f"{case}.first"], **tolerance)
    np.testing.assert_allclose(states(), KERAS[f"{case}.states_first"], **tolerance)
    np.testing.assert_allclose(model(KERAS[f"{case}.x1"]).numpy(), KERAS[f"{case}.second"], **tolerance)
    np.testing.assert_allclose(states(), KERAS[f"{case}.states_second"], **tolerance)
    recurrent.reset_states()
    np.testing.assert_allclose(model(KERAS[f"{case}.x1"]).numpy(), KERAS[f"{case}.second_after_reset"], **tolerance)
    recurrent.reset_states()
    model.compile(optimizer=optimizers.SGD(0.5), loss="mse")
    losses = [model.train_on_batch(KERAS[f"{case}.x{k}"], KERAS[f"{case}.y{k}"]) for k in range(2)]
    np.testing.assert_allclose(losses, KERAS[f"{case}.losses"], rtol=1e-5)
    np.testing.assert_allclose(states(), KERAS[f"{case}.states_after_training"], **tolerance)
    for got, want in zip(model.get_weights(), after):
        np.testing.assert_allclose(got, want, **tolerance)


# --- what the wrapper is made of ------------------------------------------------------------

def test_two_new_layers_named_forward_and_backward():
    lstm = LSTM(4, name="encoder")
    bidirectional = Bidirectional(lstm)
    assert bidirectional.forward_layer is not lstm and bidirectional.backward_layer is not lstm
    assert (bidirectional.forward_layer.name, bidirectional.backward_layer.name) == ("forward_encoder",
                                                                                    "backward_encoder")
    assert not bidirectional.forward_layer.go_backwards and bidirectional.backward_layer.go_backwards
    bidirectional(np.zeros((2, 3, 5)))
    assert not lstm.built  # Keras does not use the layer itself, only its config
    assert [w.path for w in bidirectional.weights] == [f"{direction}_encoder/{name}"
                                                      for direction in ("forward", "backward")
                                                      for name in ("kernel", "recurrent_kernel", "bias")]
    assert bidirectional.count_params() == 2 * 4 * 4 * (5 + 4 + 1)
    again = Bidirectional(bidirectional.forward_layer)
    assert again.forward_layer.name == "forward_encoder"  # not forward_forward_encoder


@pytest.mark.parametrize("mode", MERGE_MODES, ids=LABELS.values())
def test_merge_modes_join_forward_and_the_time_ordered_backward_output(float64, mode):
    bidirectional = Bidirectional(GRU(3, return_sequences=True), merge_mode=mode)
    x = rand(2, 5, 4)
    got = bidirectional(x)
    forward = bidirectional.forward_layer(x).numpy()
    backward = bidirectional.backward_layer(x).numpy()[:, ::-1]
    want = {"concat": np.concatenate([forward, backward], axis=-1), "sum": forward + backward,
            "mul": forward * backward, "ave": (forward + backward) / 2, None: [forward, backward]}[mode]
    if mode is None:
        assert isinstance(got, list) and len(got) == 2
        for a, b in zip(got, want):
            np.testing.assert_allclose(a.numpy(), b)
    else:
        np.testing.assert_allclose(got.numpy(), want)


def test_the_backward_layer_reads_the_sequence_last_step_first(float64):
    bidirectional = Bidirectional(SimpleRNN(3), merge_mode=None)
    x = rand(2, 5, 4)
    _, backward = bidirectional(x)
    plain = SimpleRNN(3)
    plain(x)
    plain.set_weights(bidirectional.backward_layer.get_weights())
    np.testing.assert_allclose(backward.numpy(), plain(x[:, ::-1]).numpy())


def test_a_backward_layer_of_ones_own(float64):
    forward, backward = LSTM(3, return_sequences=True), GRU(2, return_sequences=True, go_backwards=True)
    bidirectional = Bidirectional(forward, backward_layer=backward)
    assert bidirectional.backward_layer is backward  # used as given, as Keras does
    assert bidirectional(Input((5, 4))).shape == (None, 5, 5)
    assert bidirectional(np.zeros((2, 5, 4))).shape == (2, 5, 5)
    assert [w.path.split("/")[0] for w in bidirectional.weights] == ["forward_lstm"] * 3 + [backward.name] * 3


def test_over_rnn_of_a_cell_it_equals_the_fused_layers(float64):
    """RNN(LSTMCell) is the readable oracle: Bidirectional over it and over LSTM agree, outputs and gradients."""
    for fused, readable in ((LSTM(3, return_sequences=True, return_state=True),
                             RNN(LSTMCell(3), return_sequences=True, return_state=True)),
                            (GRU(3, return_state=True), RNN(GRUCell(3), return_state=True))):
        a, b = Bidirectional(fused, merge_mode="ave"), Bidirectional(readable, merge_mode="ave")
        x = rand(2, 4, 5)
        a(x)
        b(x)
        a.set_weights([rand(*w.shape, seed=k + 1) for k, w in enumerate(a.weights)])
        b.set_weights(a.get_weights())
        count = len(a(x)) - 1
        states = [rand(2, 3, seed=20 + k) for k in range(count)]
        directions = [rand(*o.shape, seed=30 + k) for k, o in enumerate(a(x))]
        got = outputs_and_gradients(b, x, states, directions)
        want = outputs_and_gradients(a, x, states, directions)
        for g, w in zip(got[0] + got[1], want[0] + want[1]):
            np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)


# --- finite differences ------------------------------------------------------------------------

@pytest.mark.parametrize("mode", MERGE_MODES, ids=LABELS.values())
def test_gradients_match_finite_differences(float64, mode):
    bidirectional = Bidirectional(LSTM(3, return_sequences=True, return_state=True, recurrent_initializer=C_ORDERED,
                                       bias_initializer="uniform"), merge_mode=mode)
    arrays = [rand(2, 4, 5)] + [rand(2, 3, seed=k + 1) for k in range(4)]

    def run(x, *states):
        return flat(bidirectional(x, initial_state=list(states)))

    run(*arrays)
    check_gradients(run, arrays, params=bidirectional.weights)


def test_gradients_without_initial_states_match_finite_differences(float64):
    bidirectional = Bidirectional(GRU(3, recurrent_initializer=C_ORDERED, bias_initializer="uniform"))
    x = rand(2, 4, 5)
    bidirectional(x)
    check_gradients(lambda x: bidirectional(x), [x], params=bidirectional.weights)


# --- in models, symbolic and eager -------------------------------------------------------------

@pytest.mark.parametrize("mode", MERGE_MODES, ids=LABELS.values())
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
def test_output_shapes_symbolic_and_eager(mode, return_sequences, return_state):
    bidirectional = Bidirectional(LSTM(3, return_sequences=return_sequences, return_state=return_state),
                                  merge_mode=mode)
    output = (None, 6, 3) if return_sequences else (None, 3)
    if mode == "concat":
        output = output[:-1] + (6,)
    expected = [output, output] if mode is None else [output]
    if return_state:
        expected += [(None, 3)] * 4
    symbolic = bidirectional(Input((6, 2)))
    eager = bidirectional(np.zeros((4, 6, 2)))
    if not isinstance(symbolic, list):
        symbolic, eager = [symbolic], [eager]
    assert [t.shape for t in symbolic] == expected
    assert [t.shape for t in eager] == [(4,) + shape[1:] for shape in expected]


def test_initial_states_connect_a_functional_graph(float64):
    inputs = Input((None, 4))
    states = [Input((3,)) for _ in range(4)]
    outputs = Bidirectional(LSTM(3, return_sequences=True))(inputs, initial_state=states)
    model = Model([inputs, *states], outputs)
    x, values = rand(2, 5, 4), [rand(2, 3, seed=k) for k in range(4)]
    bidirectional = model.layers[-1]
    want = np.concatenate([bidirectional.forward_layer(x, initial_state=values[:2]).numpy(),
                           bidirectional.backward_layer(x, initial_state=values[2:]).numpy()[:, ::-1]], axis=-1)
    np.testing.assert_allclose(model([x, *values]).numpy(), want)


def test_stacked_bidirectional_layers_learn():
    """Is the marked step's sign at the start or the end of the sequence? Each needs one of the two directions."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 6, 2)).astype("float32")
    y = ((x[:, 0, 0] > 0) ^ (x[:, -1, 1] > 0)).astype("float32")[:, None]
    model = Sequential([Input((6, 2)), Bidirectional(LSTM(8, return_sequences=True)), Bidirectional(GRU(8)),
                        Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.Adam(0.02), loss="binary_crossentropy")
    losses = model.fit(x, y, batch_size=32, epochs=40, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0]


# --- config and errors ----------------------------------------------------------------------

@pytest.mark.parametrize("mode", MERGE_MODES, ids=LABELS.values())
def test_config_round_trip(mode):
    bidirectional = Bidirectional(LSTM(4, return_sequences=True, activation="relu"), merge_mode=mode,
                                  name="reader")
    config = bidirectional.get_config()
    assert config["merge_mode"] == mode and config["name"] == "reader"
    assert config["layer"]["class_name"] == "LSTM" and config["layer"]["config"]["name"] == "forward_lstm"
    assert config["backward_layer"]["config"]["go_backwards"] is True
    again = Bidirectional.from_config(config)
    assert again.get_config() == config
    assert (again.forward_layer.name, again.backward_layer.name) == ("forward_lstm", "backward_lstm")


def test_config_keeps_a_backward_layer_of_ones_own():
    bidirectional = Bidirectional(LSTM(3), backward_layer=GRU(5, go_backwards=True, name="back"))
    again = Bidirectional.from_config(bidirectional.get_config())
    assert type(again.backward_layer) is GRU and again.backward_layer.name == "back"
    assert again(Input((4, 2))).shape == (None, 8)


@pytest.mark.parametrize("key", ["config_bi_lstm", "config_bi_gru_backward"])
def test_keras_s_config_builds_the_same_layer_and_ours_says_what_keras_says(key):
    keras_config = json.loads(str(KERAS[key]))
    layer = deserialize_keras_object(keras_config)
    inner = keras_config["config"]
    assert type(layer) is Bidirectional and layer.merge_mode == inner["merge_mode"] and layer.name == inner["name"]
    assert layer.forward_layer.name == inner["layer"]["config"]["name"]
    assert layer.backward_layer.name == inner["backward_layer"]["config"]["name"]
    ours = layer.get_config()
    for part in ("layer", "backward_layer"):
        theirs = inner[part]["config"]
        shared = set(ours[part]["config"]) & set(theirs)
        assert {"units", "go_backwards", "return_sequences", "return_state", "zero_output_for_mask"} <= shared
        assert {k: ours[part]["config"][k] for k in shared} == {k: theirs[k] for k in shared}


def test_weights_argument_sets_forward_then_backward_weights():
    """Keras 2's `weights=`: the forward layer's arrays, then the backward layer's, set once built."""
    arrays = [rand(2, 4, seed=1), rand(1, 4, seed=2), rand(4, seed=3), rand(2, 4, seed=4), rand(1, 4, seed=5),
              rand(4, seed=6)]
    bidirectional = Bidirectional(LSTM(1), weights=arrays)
    bidirectional(np.zeros((1, 3, 2)))
    for got, want in zip(bidirectional.get_weights(), arrays):
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"Bidirectional 'bi': merge_mode must be one of .*received 'max'"):
        Bidirectional(LSTM(2), merge_mode="max", name="bi")
    with pytest.raises(ValueError, match="Bidirectional 'bi': layer must be a recurrent Layer"):
        Bidirectional("lstm", name="bi")
    with pytest.raises(ValueError, match="Bidirectional 'bi' wraps a recurrent layer.*Dense 'dense' has no "
                                         "go_backwards"):
        Bidirectional(Dense(2, name="dense"), name="bi")
    with pytest.raises(ValueError, match="Bidirectional 'bi': the forward and backward layers must read in opposite "
                                         "directions; both have go_backwards=False"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2), name="bi")
    with pytest.raises(ValueError, match="Bidirectional 'bi': the forward and backward layers must have the same "
                                         "return_sequences"):
        Bidirectional(LSTM(2), backward_layer=LSTM(2, go_backwards=True, return_sequences=True), name="bi")
    with pytest.raises(ValueError, match="Bidirectional 'bi' takes the forward layer's initial states and then the "
                                         "backward layer's, as many of each; received 3"):
        Bidirectional(LSTM(2), name="bi")(np.zeros((1, 3, 2)), initial_state=[np.zeros((1, 2))] * 3)
    with pytest.raises(ValueError, match="LSTM 'forward_encoder' expects 2 initial state"):
        Bidirectional(LSTM(2, name="encoder"))(np.zeros((1, 3, 2)), initial_state=[np.zeros((1, 2))] * 2)
    with pytest.raises(AttributeError, match="Bidirectional 'bi' is not stateful"):
        Bidirectional(LSTM(2), name="bi").reset_states()
    with pytest.raises(ValueError, match="LSTM 'forward_encoder' is stateful, so it needs a fixed batch size"):
        Bidirectional(LSTM(2, stateful=True, name="encoder"))(Input((3, 2)))


# --- Keras's imdb_bidirectional_lstm example, its model-building code as written ---------------

def test_keras_2_imdb_bidirectional_lstm_example_runs_as_written():
    max_features = 200  # the example: 20000 words, 100 steps, batch 32, on IMDB
    maxlen = 10
    batch_size = 8
    rng = np.random.default_rng(0)
    x_train = rng.integers(1, max_features, size=(24, maxlen))
    y_train = np.array(rng.integers(0, 2, size=24))
    x_test, y_test = x_train[:8], y_train[:8]

    model = Sequential()
    model.add(Embedding(max_features, 128, input_length=maxlen))
    model.add(Bidirectional(LSTM(64)))
    model.add(Dropout(0.5))
    model.add(Dense(1, activation='sigmoid'))

    # try using different optimizers and different optimizer configs
    model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])

    history = model.fit(x_train, y_train,
                        batch_size=batch_size,
                        epochs=2,
                        validation_data=[x_test, y_test], verbose=0)
    assert [layer.count_params() for layer in model.layers] == [200 * 128, 2 * 4 * 64 * (128 + 64 + 1), 0, 129]
    assert len(history.history["val_accuracy"]) == 2


def test_keras_3_bidirectional_lstm_imdb_example_runs_as_written():
    import kerasbook as keras
    from kerasbook import layers

    max_features = 200  # Only consider the top 20k words (the example: 20000)
    inputs = keras.Input(shape=(None,), dtype="int32")
    x = layers.Embedding(max_features, 128)(inputs)
    x = layers.Bidirectional(layers.LSTM(64, return_sequences=True))(x)
    x = layers.Bidirectional(layers.LSTM(64))(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    lines = []
    model.summary(print_fn=lines.append)
    # Keras prints: bidirectional 98,816; bidirectional_1 98,816; total 223,361 with 20000 words
    assert [layer.count_params() for layer in model.layers[1:]] == [25600, 98816, 98816, 129]
    assert " Total params: 223,361 " in "\n".join(lines) + " "

    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    rng = np.random.default_rng(1)
    x_train, y_train = rng.integers(0, max_features, size=(16, 12)), rng.integers(0, 2, size=16)
    model.fit(x_train, y_train, batch_size=8, epochs=1, validation_data=(x_train[:8], y_train[:8]), verbose=0)
