"""Record Keras 3's numbers for recurrent states and Bidirectional as test data.

Run it in an environment that has Keras 3 and PyTorch (not kerasbook's own), e.g.

    python -m venv /tmp/kerasref5 && /tmp/kerasref5/bin/pip install keras torch==2.13.0
    KERAS_BACKEND=torch /tmp/kerasref5/bin/python tools/record_keras_reference_recurrent_states.py

It writes tests/data/keras_reference/recurrent_states.npz:
- for each layer case (Bidirectional(LSTM) in every merge mode, with return_sequences,
  return_state and initial_state; Bidirectional(GRU); LSTM, GRU and SimpleRNN with
  return_state, initial_state and go_backwards), its description (JSON), the float64
  input, initial states and weights, and what Keras computed: every output and the
  gradients of sum(output_i * direction_i) over the outputs for the input, each initial
  state and each weight;
- for small models (a Bidirectional(LSTM) classifier per merge mode, lstm_seq2seq's
  encoder-decoder, a Bidirectional encoder whose states start a decoder), the weights
  before, the loss of one `train_on_batch` (SGD), the weights after, each layer's
  parameter count and the predictions after;
- for stateful models (LSTM, GRU, Bidirectional(LSTM)) with a fixed batch size: the
  outputs of two batches in a row, the states after each, the output of the second
  batch again after `reset_states()`, and the weights and states after two SGD steps;
- the configs Keras writes for two Bidirectional layers and a stateful LSTM (JSON).
tests/test_layers_recurrent_states.py and tests/test_layers_bidirectional.py read the
inputs and weights from the file and compare kerasbook's results with these.
"""
import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_reference" / "recurrent_states.npz"
record = {}
BATCH, STEPS, FEATURES, UNITS = 3, 5, 4, 3


def values(shape, seed, low=-1.0, high=1.0, dtype="float64"):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype(dtype)


def make_layer(spec, dtype):
    """A Keras layer from a JSON-able description: {"layer", "config"[, "merge_mode"]}."""
    inner = getattr(keras.layers, spec["layer"])(**spec["config"], dtype=dtype)
    if "merge_mode" in spec:
        return keras.layers.Bidirectional(inner, merge_mode=spec["merge_mode"], dtype=dtype)  # it casts to its dtype
    return inner


def layer_case(name, spec, states=0, seed=0):
    """One layer in float64: its outputs, and the gradients of sum(output_i * direction_i).

    LSTM and GRU run in float64 throughout (Keras's PyTorch loop calls torch.matmul).
    SimpleRNN's cell calls `keras.ops.matmul`, which in Keras 3.15 on PyTorch returns
    float32 for two float64 tensors: its numbers are float64 rounded through float32.
    """
    x = values((BATCH, STEPS, FEATURES), seed)
    initial = [values((BATCH, UNITS), seed + 10 + k) for k in range(states)]
    layer = make_layer(spec, "float64")
    layer.build((BATCH, STEPS, FEATURES))
    weights = [values(w.shape, seed + 20 + i, -0.8, 0.8) for i, w in enumerate(layer.weights)]
    layer.set_weights(weights)
    tensor = torch.tensor(x, requires_grad=True)
    state_tensors = [torch.tensor(s, requires_grad=True) for s in initial]
    outputs = layer(tensor, initial_state=state_tensors) if states else layer(tensor)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    directions = [values(tuple(o.shape), seed + 40 + i) for i, o in enumerate(outputs)]
    loss = sum((o * torch.tensor(d)).sum() for o, d in zip(outputs, directions))
    loss.backward()
    record.update({f"{name}.spec": np.array(json.dumps({**spec, "states": states})), f"{name}.x": x,
                   f"{name}.grad_x": tensor.grad.numpy(),
                   f"{name}.weight_names": np.array([w.path for w in layer.weights])})
    for index, (state, tensor_) in enumerate(zip(initial, state_tensors)):
        record[f"{name}.state{index}"] = state
        record[f"{name}.grad_state{index}"] = tensor_.grad.numpy()
    for index, (output, direction) in enumerate(zip(outputs, directions)):
        record[f"{name}.output{index}"] = output.detach().numpy()
        record[f"{name}.direction{index}"] = direction
    for index, (w, variable) in enumerate(zip(weights, layer.weights)):
        record[f"{name}.weight{index}"] = w
        record[f"{name}.grad_weight{index}"] = variable.value.grad.numpy().copy()


def lstm(**config):
    return {"layer": "LSTM", "config": {"units": UNITS, **config}}


MERGE_MODES = ["concat", "sum", "mul", "ave", None]
for index, mode in enumerate(MERGE_MODES):
    label = mode or "none"
    layer_case(f"bi_lstm_{label}_sequences", {**lstm(return_sequences=True), "merge_mode": mode}, seed=100 * index)
    layer_case(f"bi_lstm_{label}_last", {**lstm(), "merge_mode": mode}, seed=100 * index + 50)
    layer_case(f"bi_lstm_{label}_states", {**lstm(return_sequences=True, return_state=True), "merge_mode": mode},
               states=4, seed=100 * index + 70)
layer_case("bi_lstm_concat_states_zero", {**lstm(return_state=True), "merge_mode": "concat"}, seed=600)
layer_case("bi_gru_concat_states", {"layer": "GRU", "config": {"units": UNITS, "return_sequences": True,
                                                                "return_state": True}, "merge_mode": "concat"},
           states=2, seed=700)
layer_case("bi_simple_rnn_sum", {"layer": "SimpleRNN", "config": {"units": UNITS, "return_sequences": True},
                                 "merge_mode": "sum"}, seed=750)
layer_case("lstm_states", lstm(return_sequences=True, return_state=True), states=2, seed=800)
layer_case("lstm_states_last", lstm(return_state=True), states=2, seed=810)
layer_case("lstm_backwards_states", lstm(return_sequences=True, return_state=True, go_backwards=True), states=2,
           seed=820)
layer_case("gru_states", {"layer": "GRU", "config": {"units": UNITS, "return_sequences": True, "return_state": True}},
           states=1, seed=830)
layer_case("gru_backwards_states", {"layer": "GRU", "config": {"units": UNITS, "return_state": True,
                                                               "go_backwards": True}}, states=1, seed=840)
layer_case("simple_rnn_states", {"layer": "SimpleRNN", "config": {"units": UNITS, "return_sequences": True,
                                                                  "return_state": True}}, states=1, seed=850)


# --- one training step of small models ------------------------------------------------------

def set_random_weights(model, seed):
    before = [values(w.shape, seed + i, -0.6, 0.6, "float32") for i, w in enumerate(model.weights)]
    model.set_weights(before)
    return before


def training_step_case(name, model, inputs, y, loss, seed):
    before = set_random_weights(model, seed)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss)
    step_loss = model.train_on_batch(inputs, y)
    predictions = model.predict_on_batch(inputs)
    record.update({f"{name}.y": y, f"{name}.loss": np.array(step_loss),
                   f"{name}.predict_after": np.asarray(predictions),
                   f"{name}.params": np.array([layer.count_params() for layer in model.layers]),
                   f"{name}.weight_names": np.array([w.path for w in model.weights])})
    for index, x in enumerate(inputs if isinstance(inputs, list) else [inputs]):
        record[f"{name}.x{index}"] = x
    for index, (w0, w1) in enumerate(zip(before, model.get_weights())):
        record[f"{name}.before{index}"] = w0
        record[f"{name}.after{index}"] = w1


def bidirectional_classifier(mode):
    """Input -> Bidirectional(LSTM(3), merge_mode) -> Dense(2); merge_mode None joins the two with Concatenate."""
    inputs = keras.Input((STEPS, FEATURES))
    merged = keras.layers.Bidirectional(keras.layers.LSTM(UNITS), merge_mode=mode)(inputs)
    if mode is None:
        merged = keras.layers.Concatenate()(list(merged))
    return keras.Model(inputs, keras.layers.Dense(2)(merged))


for index, mode in enumerate(MERGE_MODES):
    training_step_case(f"step_bi_lstm_{mode or 'none'}", bidirectional_classifier(mode),
                       values((4, STEPS, FEATURES), 1000 + index, dtype="float32"),
                       values((4, 2), 1010 + index, dtype="float32"), "mse", 1020 + 10 * index)


def seq2seq(encoder_tokens=5, decoder_tokens=6, latent_dim=4):
    """The training model of Keras's lstm_seq2seq example, as written there."""
    encoder_inputs = keras.Input(shape=(None, encoder_tokens))
    encoder = keras.layers.LSTM(latent_dim, return_state=True)
    encoder_outputs, state_h, state_c = encoder(encoder_inputs)
    encoder_states = [state_h, state_c]
    decoder_inputs = keras.Input(shape=(None, decoder_tokens))
    decoder_lstm = keras.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=encoder_states)
    decoder_dense = keras.layers.Dense(decoder_tokens, activation="softmax")
    decoder_outputs = decoder_dense(decoder_outputs)
    return keras.Model([encoder_inputs, decoder_inputs], decoder_outputs)


def one_hot(shape, tokens, seed):
    rng = np.random.default_rng(seed)
    return np.eye(tokens, dtype="float32")[rng.integers(0, tokens, size=shape)]


training_step_case("step_seq2seq", seq2seq(), [one_hot((4, 7), 5, 1100), one_hot((4, 6), 6, 1101)],
                   one_hot((4, 6), 6, 1102), "categorical_crossentropy", 1110)


def bidirectional_encoder_decoder(tokens=5, latent_dim=3):
    """A Bidirectional encoder's states, forward and backward side by side, start a decoder twice as wide."""
    encoder_inputs, decoder_inputs = keras.Input((None, tokens)), keras.Input((None, tokens))
    _, forward_h, forward_c, backward_h, backward_c = keras.layers.Bidirectional(
        keras.layers.LSTM(latent_dim, return_state=True))(encoder_inputs)
    states = [keras.layers.Concatenate()([forward_h, backward_h]), keras.layers.Concatenate()([forward_c, backward_c])]
    decoded = keras.layers.LSTM(2 * latent_dim, return_sequences=True)(decoder_inputs, initial_state=states)
    return keras.Model([encoder_inputs, decoder_inputs], keras.layers.Dense(tokens, activation="softmax")(decoded))


training_step_case("step_bi_encoder_decoder", bidirectional_encoder_decoder(),
                   [one_hot((4, 6), 5, 1200), one_hot((4, 5), 5, 1201)], one_hot((4, 5), 5, 1202),
                   "categorical_crossentropy", 1210)


# --- stateful: states carried from batch to batch ------------------------------------------------

def stateful_model(kind):
    """Input(batch_shape=(2, 4, 3)) -> the stateful layer (return_sequences) -> Dense(1).

    ``use_cudnn=False``: on PyTorch, Keras 3.15's faster LSTM and GRU loop reads the
    state variables that the stateful layer then overwrites in place, and the training
    step fails ("modified by an inplace operation"); its general loop copies them first.
    Both compute the same numbers.
    """
    inputs = keras.Input(batch_shape=(2, 4, 3))
    if kind == "bi_lstm":
        recurrent = keras.layers.Bidirectional(keras.layers.LSTM(UNITS, stateful=True, return_sequences=True,
                                                                 use_cudnn=False))
    else:
        recurrent = getattr(keras.layers, kind)(UNITS, stateful=True, return_sequences=True, use_cudnn=False)
    return keras.Model(inputs, keras.layers.Dense(1)(recurrent(inputs))), recurrent


def state_values(layer):
    return np.concatenate([np.asarray(s.numpy() if hasattr(s, "numpy") else s).ravel() for s in layer.states])


for index, kind in enumerate(["LSTM", "GRU", "bi_lstm"]):
    name = f"stateful_{kind.lower()}"
    model, recurrent = stateful_model(kind)
    before = set_random_weights(model, 1300 + 10 * index)
    batches = [values((2, 4, 3), 1350 + 10 * index + k, dtype="float32") for k in range(2)]
    targets = [values((2, 4, 1), 1360 + 10 * index + k, dtype="float32") for k in range(2)]
    first = model(batches[0]).detach().numpy()
    states_first = state_values(recurrent)
    second = model(batches[1]).detach().numpy()
    states_second = state_values(recurrent)
    recurrent.reset_states()
    second_after_reset = model(batches[1]).detach().numpy()
    recurrent.reset_states()
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse")
    losses = [model.train_on_batch(batches[k], targets[k]) for k in range(2)]
    record.update({f"{name}.first": first, f"{name}.second": second, f"{name}.states_first": states_first,
                   f"{name}.states_second": states_second, f"{name}.second_after_reset": second_after_reset,
                   f"{name}.losses": np.array(losses), f"{name}.states_after_training": state_values(recurrent),
                   f"{name}.params": np.array([layer.count_params() for layer in model.layers])})
    for k in range(2):
        record[f"{name}.x{k}"] = batches[k]
        record[f"{name}.y{k}"] = targets[k]
    for w_index, (w0, w1) in enumerate(zip(before, model.get_weights())):
        record[f"{name}.before{w_index}"] = w0
        record[f"{name}.after{w_index}"] = w1

# --- configs, as Keras writes them into its files --------------------------------------------------

CONFIGS = {
    "config_bi_lstm": keras.layers.Bidirectional(keras.layers.LSTM(UNITS, return_sequences=True, name="reader"),
                                                 merge_mode="sum", name="both_ways"),
    "config_bi_gru_backward": keras.layers.Bidirectional(
        keras.layers.GRU(UNITS, return_state=True),
        backward_layer=keras.layers.GRU(2, return_state=True, go_backwards=True, name="back")),
    "config_lstm_stateful": keras.layers.LSTM(UNITS, stateful=True, return_state=True, go_backwards=True),
}
for key, layer in CONFIGS.items():
    record[key] = np.array(json.dumps(keras.saving.serialize_keras_object(layer)))

OUT.parent.mkdir(parents=True, exist_ok=True)
np.savez_compressed(OUT, keras_version=np.array(keras.__version__), torch_version=np.array(torch.__version__),
                    **record)
print(f"wrote {len(record)} arrays to {OUT} (Keras {keras.__version__}, torch {torch.__version__})")
