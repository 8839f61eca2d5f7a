"""LSTM, GRU and SimpleRNN states: return_state, initial_state, go_backwards and stateful, against Keras 3.

The Keras numbers come from tests/data/keras_reference/recurrent_states.npz, written by
tools/record_keras_reference_recurrent_states.py (Keras 3 on PyTorch; layers in float64,
models in float32). RNN over the readable cells is the other oracle: what a stateful
layer computes on its second batch is the plain layer started from the first batch's
last states.
"""
import json
import pathlib

import numpy as np
import pytest

import kerasbook as keras
from kerasbook import layers, optimizers
from kerasbook.layers import GRU, LSTM, RNN, Dense, GRUCell, Input, LSTMCell, SimpleRNN, SimpleRNNCell
from kerasbook.models import Model, Sequential
from kerasbook.ops import GradientTape, Tensor, concatenate, reshape
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.runtime.array_module import to_device, to_numpy
from kerasbook.saving.serialization_lib import deserialize_keras_object

KERAS = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "recurrent_states.npz")
LAYER_CASES = ["lstm_states", "lstm_states_last", "lstm_backwards_states", "gru_states", "gru_backwards_states",
               "simple_rnn_states"]
FUSED = {"LSTM": LSTM, "GRU": GRU, "SimpleRNN": SimpleRNN}
CELLS = {"LSTM": LSTMCell, "GRU": GRUCell, "SimpleRNN": SimpleRNNCell}
STATES = {"LSTM": 2, "GRU": 1, "SimpleRNN": 1}
C_ORDERED = "glorot_uniform"  # see test_layers_recurrent.py: gradient checks perturb weights through reshape(-1)


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def flat(outputs):
    if isinstance(outputs, list):
        return concatenate([reshape(o, (o.shape[0], -1)) for o in outputs], axis=1)
    return outputs


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


# --- Keras 3's numbers: return_state, initial_state, go_backwards -------------------------------

@pytest.mark.parametrize("case", LAYER_CASES)
def test_outputs_and_gradients_into_initial_states_match_keras(float64, case):
    spec = json.loads(str(KERAS[f"{case}.spec"]))
    layer = getattr(layers, spec["layer"])(**spec["config"])
    x = KERAS[f"{case}.x"]
    layer(x[:1])
    layer.set_weights([KERAS[f"{case}.weight{i}"] for i in range(3)])
    states = [KERAS[f"{case}.state{i}"] for i in range(spec["states"])]
    count = 1 + spec["states"]  # return_state: the output, then each last state
    directions = [KERAS[f"{case}.direction{i}"] for i in range(count)]
    got_outputs, got_gradients = outputs_and_gradients(layer, x, states, directions)
    want_outputs = [KERAS[f"{case}.output{i}"] for i in range(count)]
    want_gradients = ([KERAS[f"{case}.grad_x"]] + [KERAS[f"{case}.grad_state{i}"] for i in range(len(states))]
                      + [KERAS[f"{case}.grad_weight{i}"] for i in range(3)])
    # SimpleRNN: Keras 3.15 on PyTorch multiplies its cell in float32 (see the recording script)
    tolerance = {"rtol": 1e-5, "atol": 1e-6} if spec["layer"] == "SimpleRNN" else {"rtol": 1e-10, "atol": 1e-12}
    for got, want in zip(got_outputs + got_gradients, want_outputs + want_gradients):
        np.testing.assert_allclose(got, want, **tolerance)


def seq2seq(num_encoder_tokens=5, num_decoder_tokens=6, latent_dim=4):
    """The training model of Keras's lstm_seq2seq example."""
    encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
    encoder = keras.layers.LSTM(latent_dim, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)
    encoder_states = [state_h, state_c]
    decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))
    decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    decoder_dense = keras.layers.Dense(num_decoder_tokens, activation="softmax")
    decoder_outputs = decoder_dense(decoder_outputs)
    return keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)


def test_one_training_step_of_the_encoder_decoder_matches_keras():
    """The decoder's loss reaches the encoder only through the states: its weights move as Keras's do."""
    case = "step_seq2seq"
    model = seq2seq()
    count = sum(1 for key in KERAS.files if key.startswith(f"{case}.before"))
    model.set_weights([KERAS[f"{case}.before{i}"] for i in range(count)])
    model.compile(optimizer=optimizers.SGD(0.5), loss="categorical_crossentropy")
    x = [KERAS[f"{case}.x0"], KERAS[f"{case}.x1"]]
    np.testing.assert_allclose(model.train_on_batch(x, KERAS[f"{case}.y"]), KERAS[f"{case}.loss"], rtol=1e-6)
    after = model.get_weights()
    assert not np.allclose(after[0], KERAS[f"{case}.before0"])  # the encoder's kernel learned
    for index, weight in enumerate(after):
        np.testing.assert_allclose(weight, KERAS[f"{case}.after{index}"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x), KERAS[f"{case}.predict_after"], rtol=1e-5, atol=1e-6)
    assert [layer.count_params() for layer in model.layers] == list(KERAS[f"{case}.params"])


# --- the fused layers against RNN over the cells, and finite differences --------------------------

@pytest.mark.parametrize("kind", FUSED)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_every_output_and_state_gradient_matches_finite_differences(float64, kind, go_backwards):
    layer = FUSED[kind](3, return_sequences=True, return_state=True, go_backwards=go_backwards,
                        recurrent_initializer=C_ORDERED, bias_initializer="uniform")
    arrays = [rand(2, 4, 5)] + [rand(2, 3, seed=k + 1) for k in range(STATES[kind])]

    def run(x, *states):
        return flat(layer(x, initial_state=list(states)))

    run(*arrays)
    check_gradients(run, arrays, params=layer.weights)


# --- stateful --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_stateful_carries_states_across_batches_as_keras(kind):
    """Two batches in a row, the states after each, reset_states, then two SGD steps: Keras's numbers."""
    case = f"stateful_{kind.lower()}"
    inputs = Input(batch_shape=(2, 4, 3))
    recurrent = FUSED[kind](3, stateful=True, return_sequences=True)
    model = Model(inputs, Dense(1)(recurrent(inputs)))
    count = sum(1 for key in KERAS.files if key.startswith(f"{case}.before"))
    model.set_weights([KERAS[f"{case}.before{i}"] for i in range(count)])
    assert [layer.count_params() for layer in model.layers] == list(KERAS[f"{case}.params"])

    def states():
        return np.concatenate([s.numpy().ravel() for s in recurrent.states])

    tolerance = {"rtol": 1e-5, "atol": 1e-6}
    np.testing.assert_allclose(model(KERAS[f"{case}.x0"]).numpy(), KERAS[f"{case}.first"], **tolerance)
    np.testing.assert_allclose(states(), KERAS[f"{case}.states_first"], **tolerance)
    np.testing.assert_allclose(model(KERAS[f"{case}.x1"]).numpy(), KERAS[f"{case}.second"], **tolerance)
    np.testing.assert_allclose(states(), KERAS[f"{case}.states_second"], **tolerance)
    recurrent.reset_states()
    assert not states().any()
    np.testing.assert_allclose(model(KERAS[f"{case}.x1"]).numpy(), KERAS[f"{case}.second_after_reset"], **tolerance)
    recurrent.reset_state()  # Keras 3's spelling
    model.compile(optimizer=optimizers.SGD(0.5), loss="mse")
    losses = [model.train_on_batch(KERAS[f"{case}.x{k}"], KERAS[f"{case}.y{k}"]) for k in range(2)]
    np.testing.assert_allclose(losses, KERAS[f"{case}.losses"], rtol=1e-5)
    np.testing.assert_allclose(states(), KERAS[f"{case}.states_after_training"], **tolerance)
    for index, weight in enumerate(model.get_weights()):
        np.testing.assert_allclose(weight, KERAS[f"{case}.after{index}"], **tolerance)


@pytest.mark.parametrize("kind", FUSED)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_a_stateful_layer_continues_where_the_readable_rnn_stopped(float64, kind, go_backwards):
    """Batch 2 of a stateful layer is RNN(cell) on batch 2 started from RNN(cell)'s last states on batch 1."""
    options = {"return_sequences": True, "go_backwards": go_backwards}
    stateful = FUSED[kind](3, stateful=True, **options)
    readable = RNN(CELLS[kind](3), return_state=True, **options)
    first, second = rand(2, 4, 5, seed=1), rand(2, 4, 5, seed=2)
    stateful(first[:, :1])
    readable(first)
    readable.set_weights(stateful.get_weights())
    stateful.reset_states()
    _, *states = readable(first)
    want, *last = readable(second, initial_state=states)
    np.testing.assert_allclose(stateful(first).numpy(), readable(first)[0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(stateful(second).numpy(), want.numpy(), rtol=1e-10, atol=1e-12)
    for variable, state in zip(stateful.states, last):
        np.testing.assert_allclose(variable.numpy(), state.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", FUSED)
def test_stateful_gradients_match_finite_differences(float64, kind):
    """From the states a batch left behind: gradients for the input and the weights, none into the states."""
    layer = FUSED[kind](3, stateful=True, return_sequences=True, recurrent_initializer=C_ORDERED,
                        bias_initializer="uniform")
    x = rand(2, 4, 5)
    layer(x)
    carried = [s.numpy() for s in layer.states]
    assert all(s.any() for s in carried) and not any(s.trainable for s in layer.states)

    def run(x):
        for variable, value in zip(layer.states, carried):
            variable.assign(value)  # every evaluation starts from the same carried states
        return layer(x)

    check_gradients(run, [x], params=layer.weights)


@pytest.mark.parametrize("kind", FUSED)
def test_stateful_states_are_not_weights(kind):
    layer = FUSED[kind](4, stateful=True, batch_input_shape=(3, 5, 2))
    model = Sequential([layer, Dense(1)])
    assert len(layer.states) == STATES[kind] and [s.shape for s in layer.states] == [(3, 4)] * STATES[kind]
    plain = FUSED[kind](4)
    plain(np.zeros((1, 5, 2)))
    assert [w.name for w in layer.weights] == ["kernel", "recurrent_kernel", "bias"]
    assert layer.count_params() == plain.count_params()  # Keras 3's summary does not count the states either
    assert not {id(s) for s in layer.states} & {id(w) for w in model.weights}


def test_an_explicit_initial_state_overrides_the_carried_one_and_is_carried_on(float64):
    layer = LSTM(3, stateful=True, return_state=True)
    x, h, c = rand(2, 4, 5), rand(2, 3, seed=1), rand(2, 3, seed=2)
    layer(x)
    plain = LSTM(3, return_state=True)
    plain(x)
    plain.set_weights(layer.get_weights())
    want = plain(x, initial_state=[h, c])
    got = layer(x, initial_state=[h, c])
    for a, b in zip(got, want):
        np.testing.assert_allclose(a.numpy(), b.numpy())
    np.testing.assert_allclose(layer.states[0].numpy(), want[1].numpy())


def test_fit_carries_states_from_batch_to_batch_and_a_callback_resets_them():
    """Keras 2's stateful example: batches in order (shuffle=False), states reset at each epoch's end."""
    batch_size = 4
    x = rand(16, 3, 2, seed=5).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    model = Sequential([LSTM(6, stateful=True, batch_input_shape=(batch_size, 3, 2)), Dense(1)])
    model.compile(optimizer=optimizers.Adam(0.01), loss="mse")
    resets = []

    class ResetStates(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            resets.append([s.numpy().copy() for s in model.layers[0].states])
            model.layers[0].reset_states()

    history = model.fit(x, y, batch_size=batch_size, epochs=3, shuffle=False, verbose=0, callbacks=[ResetStates()])
    assert len(resets) == 3 and all(s.any() for states in resets for s in states)
    assert not any(s.numpy().any() for s in model.layers[0].states)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.predict(x, batch_size=batch_size, verbose=0).shape == (16, 1)


# --- stateful errors, config -------------------------------------------------------------------

def test_stateful_needs_a_fixed_batch_size_and_says_how_to_give_one():
    with pytest.raises(ValueError, match=r"LSTM 'encoder' is stateful, so it needs a fixed batch size.*"
                                         r"\(None, 3, 2\).*batch_input_shape"):
        Sequential([Input((3, 2)), LSTM(4, stateful=True, name="encoder")])
    with pytest.raises(ValueError, match="GRU 'gru' is stateful, so it needs a fixed batch size"):
        GRU(4, stateful=True, name="gru")(Input((None, 2)))
    assert LSTM(4, stateful=True)(Input((3, 2), batch_size=5)).shape == (5, 4)


def test_a_batch_of_another_size_is_refused_with_the_layer_name():
    model = Sequential([SimpleRNN(4, stateful=True, batch_input_shape=(4, 3, 2), name="reader"), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"SimpleRNN 'reader' is stateful with batch size 4 \(its states are "
                                         r"\(4, 4\)\), received a batch of 2"):
        model.fit(np.zeros((10, 3, 2)), np.zeros((10, 1)), batch_size=4, verbose=0)
    with pytest.raises(ValueError, match="received a batch of 3"):
        model.layers[0](np.zeros((3, 3, 2)))


def test_reset_states_of_a_layer_that_is_not_stateful_is_an_error_naming_it():
    with pytest.raises(AttributeError, match="LSTM 'lstm' is not stateful"):
        LSTM(2, name="lstm").reset_states()


@pytest.mark.parametrize("kind", FUSED)
def test_config_keeps_stateful(kind):
    config = FUSED[kind](3, stateful=True, return_state=True, go_backwards=True).get_config()
    assert config["stateful"] is True and config["return_state"] is True and config["go_backwards"] is True
    again = FUSED[kind].from_config(config)
    assert again.stateful and again.get_config() == config


def test_keras_s_config_of_a_stateful_layer_builds_it():
    keras_config = json.loads(str(KERAS["config_lstm_stateful"]))
    layer = deserialize_keras_object(keras_config)
    assert type(layer) is LSTM and layer.stateful and layer.return_state and layer.go_backwards
    ours, theirs = layer.get_config(), keras_config["config"]
    shared = set(ours) & set(theirs)
    assert {"stateful", "return_state", "go_backwards", "zero_output_for_mask", "unroll"} <= shared
    assert {k: ours[k] for k in shared} == {k: theirs[k] for k in shared}


# --- Keras's lstm_seq2seq example, its model-building code as written --------------------------

def test_lstm_seq2seq_example_runs_as_written(tmp_path):
    """Keras's character-level translation: vectorize, train, save, rebuild the samplers, decode."""
    lines = ["Go.\tVa !", "Hi.\tSalut !", "Run!\tCours !", "Wow!\tÇa alors !", "Fire!\tAu feu !", "Help!\tÀ l'aide !",
             "Stop!\tÇa suffit !", "Wait!\tAttends !", "Hello!\tBonjour !", "I see.\tJe comprends."]
    batch_size = 4  # Batch size for training (the example: 64).
    epochs = 2  # Number of epochs to train for (the example: 100).
    latent_dim = 16  # Latent dimensionality of the encoding space (the example: 256).

    # Vectorize the data.
    input_texts = []
    target_texts = []
    input_characters = set()
    target_characters = set()
    for line in lines:
        input_text, target_text = line.split("\t")
        # We use "tab" as the "start sequence" character
        # for the targets, and "\n" as "end sequence" character.
        target_text = "\t" + target_text + "\n"
        input_texts.append(input_text)
        target_texts.append(target_text)
        for char in input_text:
            if char not in input_characters:
                input_characters.add(char)
        for char in target_text:
            if char not in target_characters:
                target_characters.add(char)

    input_characters = sorted(list(input_characters))
    target_characters = sorted(list(target_characters))
    num_encoder_tokens = len(input_characters)
    num_decoder_tokens = len(target_characters)
    max_encoder_seq_length = max([len(txt) for txt in input_texts])
    max_decoder_seq_length = max([len(txt) for txt in target_texts])

    input_token_index = dict([(char, i) for i, char in enumerate(input_characters)])
    target_token_index = dict([(char, i) for i, char in enumerate(target_characters)])

    encoder_input_data = np.zeros((len(input_texts), max_encoder_seq_length, num_encoder_tokens), dtype="float32")
    decoder_input_data = np.zeros((len(input_texts), max_decoder_seq_length, num_decoder_tokens), dtype="float32")
    decoder_target_data = np.zeros((len(input_texts), max_decoder_seq_length, num_decoder_tokens), dtype="float32")

    for i, (input_text, target_text) in enumerate(zip(input_texts, target_texts)):
        for t, char in enumerate(input_text):
            encoder_input_data[i, t, input_token_index[char]] = 1.0
        encoder_input_data[i, t + 1:, input_token_index[" "]] = 1.0
        for t, char in enumerate(target_text):
            # decoder_target_data is ahead of decoder_input_data by one timestep
            decoder_input_data[i, t, target_token_index[char]] = 1.0
            if t > 0:
                # decoder_target_data will be ahead by one timestep
                # and will not include the start character.
                decoder_target_data[i, t - 1, target_token_index[char]] = 1.0
        decoder_input_data[i, t + 1:, target_token_index[" "]] = 1.0
        decoder_target_data[i, t:, target_token_index[" "]] = 1.0

    # Define an input sequence and process it.
    encoder_inputs = keras.Input(shape=(None, num_encoder_tokens))
    encoder = keras.layers.LSTM(latent_dim, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)

    # We discard `encoder_outputs` and only keep the states.
    encoder_states = [state_h, state_c]

    # Set up the decoder, using `encoder_states` as initial state.
    decoder_inputs = keras.Input(shape=(None, num_decoder_tokens))

    # We set up our decoder to return full output sequences,
    # and to return internal states as well. We don't use the
    # return states in the training model, but we will use them in inference.
    decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    decoder_dense = keras.layers.Dense(num_decoder_tokens, activation="softmax")
    decoder_outputs = decoder_dense(decoder_outputs)

    # Define the model that will turn
    # `encoder_input_data` & `decoder_input_data` into `decoder_target_data`
    model = keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)

    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(
        [encoder_input_data, decoder_input_data],
        decoder_target_data,
        batch_size=batch_size,
        epochs=epochs,
        validation_split=0.2,
        verbose=0,
    )
    # Save model
    model.save(tmp_path / "s2s_model.keras")

    # Define sampling models
    # Restore the model and construct the encoder and decoder.
    model = keras.models.load_model(tmp_path / "s2s_model.keras")

    encoder_inputs = model.input[0]  # input_1
    encoder_outputs, state_h_enc, state_c_enc = model.layers[2].output  # lstm_1
    encoder_states = [state_h_enc, state_c_enc]
    encoder_model = keras.Model(encoder_inputs, encoder_states)

    decoder_inputs = model.input[1]  # input_2
    decoder_state_input_h = keras.Input(shape=(latent_dim,))
    decoder_state_input_c = keras.Input(shape=(latent_dim,))
    decoder_states_inputs = [decoder_state_input_h, decoder_state_input_c]
    decoder_lstm = model.layers[3]
    decoder_outputs, state_h_dec, state_c_dec = decoder_lstm(decoder_inputs, initial_state=decoder_states_inputs)
    decoder_states = [state_h_dec, state_c_dec]
    decoder_dense = model.layers[4]
    decoder_outputs = decoder_dense(decoder_outputs)
    decoder_model = keras.Model([decoder_inputs] + decoder_states_inputs, [decoder_outputs] + decoder_states)

    # Reverse-lookup token index to decode sequences back to
    # something readable.
    reverse_target_char_index = dict((i, char) for char, i in target_token_index.items())

    def decode_sequence(input_seq):
        # Encode the input as state vectors.
        states_value = encoder_model.predict(input_seq, verbose=0)

        # Generate empty target sequence of length 1.
        target_seq = np.zeros((1, 1, num_decoder_tokens))
        # Populate the first character of target sequence with the start character.
        target_seq[0, 0, target_token_index["\t"]] = 1.0

        # Sampling loop for a batch of sequences
        # (to simplify, here we assume a batch of size 1).
        stop_condition = False
        decoded_sentence = ""
        while not stop_condition:
            output_tokens, h, c = decoder_model.predict([target_seq] + states_value, verbose=0)

            # Sample a token
            sampled_token_index = np.argmax(output_tokens[0, -1, :])
            sampled_char = reverse_target_char_index[sampled_token_index]
            decoded_sentence += sampled_char

            # Exit condition: either hit max length
            # or find stop character.
            if sampled_char == "\n" or len(decoded_sentence) > max_decoder_seq_length:
                stop_condition = True

            # Update the target sequence (of length 1).
            target_seq = np.zeros((1, 1, num_decoder_tokens))
            target_seq[0, 0, sampled_token_index] = 1.0

            # Update states
            states_value = [h, c]
        return decoded_sentence

    decoded_sentence = decode_sequence(encoder_input_data[0:1])
    assert 1 <= len(decoded_sentence) <= max_decoder_seq_length + 1
    assert set(decoded_sentence) <= set(target_characters)

    # The sampler's first step is the trained model's first step: same weights, same states.
    full = model.predict([encoder_input_data[:1], decoder_input_data[:1]], verbose=0)
    step, _, _ = decoder_model.predict([decoder_input_data[:1, :1]] + encoder_model.predict(encoder_input_data[:1],
                                                                                             verbose=0), verbose=0)
    np.testing.assert_allclose(step[0, 0], full[0, 0], rtol=1e-5, atol=1e-6)
