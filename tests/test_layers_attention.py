"""Attention and MultiHeadAttention: Keras 3's numbers, gradients, masks, weights, configs, errors.

The Keras numbers come from tests/data/keras_reference/attention.npz, and a model
Keras saved from attention_model.keras, both written by
tools/record_keras_reference_attention.py (Keras 3 on PyTorch, float32).
"""
import json
import pathlib

import h5py
import numpy as np
import pytest

import kerasbook
from kerasbook import optimizers
from kerasbook.layers import (
    Attention, Dense, GlobalAveragePooling1D, Input, LayerNormalization, MultiHeadAttention,
)
from kerasbook.models import Model
from kerasbook.ops import GradientTape, Tensor
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.runtime.array_module import set_backend, to_device, to_numpy

KERAS = np.load(pathlib.Path(__file__).parent / "data" / "keras_reference" / "attention.npz")
KERAS_MODEL = pathlib.Path(__file__).parent / "data" / "keras_reference" / "attention_model.keras"
ATTENTION_CASES = ["att_dot", "att_scale_key_masks", "att_concat_causal", "att_dot_causal_cross",
                   "att_concat_value_mask"]
MHA_CASES = ["mha_self", "mha_cross_key_mask", "mha_causal_and_mask", "mha_causal_no_bias", "mha_output_shape"]


def rand(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=shape)


def assert_close(actual, keras_value):
    """Equal to Keras's float32 numbers up to float32 rounding."""
    np.testing.assert_allclose(np.asarray(actual), keras_value, rtol=1e-5, atol=2e-6)


def keras_array(case, name):
    key = f"{case}.{name}"
    return KERAS[key] if key in KERAS else None


def keras_config(case):
    return json.loads(str(KERAS[f"{case}.config"]))


def keras_list(case, name):
    arrays, index = [], 0
    while f"{case}.{name}{index}" in KERAS:
        arrays.append(KERAS[f"{case}.{name}{index}"])
        index += 1
    return arrays


def gradients_and_step(layer, call, arrays, direction):
    """Like the recording: output, gradients of sum(output * direction), weights after SGD(0.1)."""
    tensors = [Tensor(x, requires_grad=True) for x in arrays]
    with GradientTape() as tape:
        output = call(*tensors)
        loss = (output * Tensor(direction)).sum()
    grads = tape.gradient(loss, tensors + layer.trainable_weights)
    input_grads, weight_grads = grads[:len(tensors)], grads[len(tensors):]
    optimizers.SGD(learning_rate=0.1).apply(weight_grads, layer.trainable_weights)
    return output, [to_numpy(g) for g in input_grads], [to_numpy(g) for g in weight_grads], layer.get_weights()


# --- Attention against Keras 3 -----------------------------------------------------------

@pytest.mark.parametrize("case", ATTENTION_CASES)
def test_attention_matches_keras(case):
    config = keras_config(case)
    layer = Attention(use_scale=config["use_scale"], score_mode=config["score_mode"])
    query, value, key = (keras_array(case, name) for name in ("query", "value", "key"))
    inputs = [query, value] + ([key] if key is not None else [])
    query_mask, value_mask = keras_array(case, "query_mask"), keras_array(case, "value_mask")
    mask = None if query_mask is None and value_mask is None else [query_mask, value_mask]
    causal = bool(KERAS[f"{case}.causal"])
    layer(inputs)
    layer.set_weights(keras_list(case, "weight"))

    _, scores = layer(inputs, mask=mask, use_causal_mask=causal, return_attention_scores=True)
    output, input_grads, weight_grads, after = gradients_and_step(
        layer, lambda *tensors: layer(list(tensors), mask=mask, use_causal_mask=causal), inputs,
        KERAS[f"{case}.direction"])
    assert_close(output.numpy(), KERAS[f"{case}.output"])
    assert_close(scores.numpy(), KERAS[f"{case}.scores"])
    for ours, theirs in zip(input_grads, keras_list(case, "grad_input"), strict=True):
        assert_close(ours, theirs)
    for ours, theirs in zip(weight_grads, keras_list(case, "grad_weight"), strict=True):
        assert_close(ours, theirs)
    for ours, theirs in zip(after, keras_list(case, "after"), strict=True):
        assert_close(ours, theirs)


# --- MultiHeadAttention against Keras 3 ------------------------------------------------------

def keras_multi_head_attention(case):
    """The case's layer, built and holding Keras's weights, and a call of it on tensors."""
    config = keras_config(case)
    layer = MultiHeadAttention(config["num_heads"], config["key_dim"], value_dim=config["value_dim"],
                               use_bias=config["use_bias"], output_shape=config["output_shape"])
    query, value, key = (keras_array(case, name) for name in ("query", "value", "key"))
    self_attention = value is None
    attention_mask, causal = keras_array(case, "attention_mask"), bool(KERAS[f"{case}.causal"])

    def call(*tensors, **kwargs):
        q = tensors[0]
        v = q if self_attention else tensors[1]
        k = tensors[2] if len(tensors) == 3 else None
        return layer(q, v, key=k, attention_mask=attention_mask, use_causal_mask=causal, **kwargs)

    arrays = [query] if self_attention else [query, value] + ([key] if key is not None else [])
    call(*arrays)
    layer.set_weights(keras_list(case, "weight"))
    return layer, call, arrays


@pytest.mark.parametrize("case", MHA_CASES)
def test_multi_head_attention_matches_keras(case):
    layer, call, arrays = keras_multi_head_attention(case)
    output_with_scores, scores = call(*arrays, return_attention_scores=True)
    output, input_grads, weight_grads, after = gradients_and_step(layer, call, arrays, KERAS[f"{case}.direction"])
    # Keras computes the output without scores by torch's fused attention; both agree with ours
    assert_close(output.numpy(), KERAS[f"{case}.output"])
    assert_close(output_with_scores.numpy(), KERAS[f"{case}.output_with_scores"])
    assert_close(scores.numpy(), KERAS[f"{case}.scores"])
    for ours, theirs in zip(input_grads, keras_list(case, "grad_input"), strict=True):
        assert_close(ours, theirs)
    for ours, theirs in zip(weight_grads, keras_list(case, "grad_weight"), strict=True):
        assert_close(ours, theirs)
    for ours, theirs in zip(after, keras_list(case, "after"), strict=True):
        assert_close(ours, theirs)


@pytest.mark.parametrize("case", MHA_CASES)
def test_multi_head_attention_weights_are_keras_shapes_names_and_order(case):
    layer, _, _ = keras_multi_head_attention(case)
    keras_paths = [path.replace(path.split("/")[0], layer.name, 1) for path in KERAS[f"{case}.weight_paths"]]
    assert [w.path for w in layer.weights] == keras_paths  # multi_head_attention/query/kernel, …
    assert [w.shape for w in layer.weights] == [w.shape for w in keras_list(case, "weight")]
    assert layer.count_params() == int(KERAS[f"{case}.params"])
    config = keras_config(case)
    ours = layer.get_config()
    for key in ("num_heads", "key_dim", "value_dim", "dropout", "use_bias", "seed"):
        assert ours[key] == config[key], key
    assert list(ours["attention_axes"]) == config["attention_axes"]
    assert (None if ours["output_shape"] is None else list(ours["output_shape"])) == config["output_shape"]


def test_a_model_with_both_layers_trains_one_step_like_keras():
    inputs = Input((4, 5))
    hidden = MultiHeadAttention(num_heads=2, key_dim=3)(inputs, inputs, use_causal_mask=True)
    hidden = Attention(use_scale=True)([hidden, inputs])
    model = Model(inputs, Dense(2)(GlobalAveragePooling1D()(hidden)))
    assert model.count_params() == int(KERAS["step.params"])
    model.set_weights(keras_list("step", "before"))
    model.compile(optimizer=optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(KERAS["step.x"], KERAS["step.y"])
    np.testing.assert_allclose(loss, KERAS["step.loss"], rtol=1e-5)
    for ours, theirs in zip(model.get_weights(), keras_list("step", "after"), strict=True):
        assert_close(ours, theirs)
    assert_close(model.predict(KERAS["step.x"], verbose=0), KERAS["step.predict_after"])


# --- configs -----------------------------------------------------------------------------

@pytest.mark.parametrize("case", ATTENTION_CASES[:3] + MHA_CASES[:2])
def test_keras_configs_rebuild_the_layer(case):
    config = keras_config(case)
    cls = MultiHeadAttention if case.startswith("mha") else Attention
    layer = cls.from_config(config)
    ours = layer.get_config()
    for key, value in ours.items():
        if key not in ("attention_axes", "kernel_initializer", "bias_initializer", "dtype"):
            expected = config[key]
            assert (list(value) if isinstance(value, tuple) else value) == expected, key


def test_get_config_from_config_round_trip_gives_the_same_numbers():
    layer = MultiHeadAttention(3, 2, value_dim=4, dropout=0.1, output_shape=(2, 3), use_bias=False,
                               kernel_initializer="he_normal", name="heads")
    query, value = rand(2, 3, 5), rand(2, 4, 6, seed=1)
    expected = layer(query, value).numpy()
    clone = MultiHeadAttention.from_config(layer.get_config())
    clone(query, value)
    clone.set_weights(layer.get_weights())
    assert clone.get_config() == layer.get_config()
    np.testing.assert_array_equal(clone(query, value).numpy(), expected)
    attention = Attention(use_scale=True, score_mode="concat", dropout=0.2, name="att")
    assert Attention.from_config(attention.get_config()).get_config() == attention.get_config()


def test_build_config_is_kerass_shapes_dict_and_rebuilds_the_weights():
    query, value = Input((4, 5)), Input((6, 7))
    layer = MultiHeadAttention(2, 3)
    layer(query, value)
    config = layer.get_build_config()
    assert config == {"shapes_dict": {"query_shape": (None, 4, 5), "value_shape": (None, 6, 7)}}
    for build_config in (config, json.loads(json.dumps(config)), {"input_shape": [[None, 4, 5], [None, 6, 7]]}):
        clone = MultiHeadAttention.from_config(layer.get_config())
        clone.build_from_config(build_config)
        assert [w.shape for w in clone.weights] == [w.shape for w in layer.weights]


# --- files Keras reads and writes -------------------------------------------------------------

def test_a_keras_saved_model_with_both_layers_loads_and_predicts_the_same():
    model = kerasbook.saving.load_model(KERAS_MODEL)
    assert [type(layer).__name__ for layer in model.layers][1:3] == ["MultiHeadAttention", "Attention"]
    for ours, theirs in zip(model.get_weights(), keras_list("step", "after"), strict=True):
        np.testing.assert_array_equal(ours, theirs)
    assert_close(model.predict(KERAS["step.x"], verbose=0), KERAS["step.predict_after"])


def test_weights_h5_files_keep_kerass_paths(tmp_path):
    def model():
        inputs = Input((4, 5))
        hidden = MultiHeadAttention(num_heads=2, key_dim=3)(inputs, inputs, use_causal_mask=True)
        hidden = Attention(use_scale=True)([hidden, inputs])
        return Model(inputs, Dense(2)(GlobalAveragePooling1D()(hidden)))

    first, second = model(), model()
    first.set_weights(keras_list("step", "after"))
    first.save_weights(tmp_path / "model.weights.h5")
    with h5py.File(tmp_path / "model.weights.h5") as file:  # where Keras 3 keeps them (its property names)
        for index, part in enumerate(("query_dense", "key_dense", "value_dense", "output_dense")):
            for slot in (0, 1):  # kernel, bias
                np.testing.assert_array_equal(file[f"layers/multi_head_attention/{part}/vars/{slot}"],
                                              keras_list("step", "after")[2 * index + slot])
        np.testing.assert_array_equal(file["layers/attention/vars/0"], keras_list("step", "after")[8])
    second.load_weights(tmp_path / "model.weights.h5")
    np.testing.assert_array_equal(second.predict(KERAS["step.x"], verbose=0),
                                  first.predict(KERAS["step.x"], verbose=0))


# --- gradients by finite differences (float64) -------------------------------------------

@pytest.mark.parametrize("score_mode", ["dot", "concat"])
def test_attention_gradients(float64, score_mode):
    layer = Attention(use_scale=True, score_mode=score_mode)
    query, value, key = rand(2, 3, 4), rand(2, 5, 3, seed=1), rand(2, 5, 4, seed=2)
    mask = [np.array([[1, 1, 0], [1, 1, 1]]), np.array([[1, 1, 1, 0, 1], [1, 0, 1, 1, 1]])]
    layer([query, value, key])
    layer.set_weights([np.array(0.7)] * len(layer.weights))
    check_gradients(lambda q, v, k: layer([q, v, k], mask=mask, use_causal_mask=True), [query, value, key],
                    params=layer.weights)


@pytest.mark.parametrize("options, masked", [({}, False), ({"value_dim": 2, "output_shape": 3}, True),
                                             ({"use_bias": False, "output_shape": (2, 2)}, True)])
def test_multi_head_attention_gradients(float64, options, masked):
    layer = MultiHeadAttention(num_heads=2, key_dim=3, bias_initializer="random_uniform", **options)
    query, value, key = rand(2, 3, 4), rand(2, 4, 5, seed=1), rand(2, 4, 3, seed=2)
    mask = (rand(2, 3, 4, seed=3) > -0.4) | np.eye(3, 4, dtype=bool) if masked else None
    check_gradients(lambda q, v, k: layer(q, v, k, attention_mask=mask, use_causal_mask=masked),
                    [query, value, key], params=[])
    check_gradients(lambda q, v, k: layer(q, v, k, attention_mask=mask, use_causal_mask=masked),
                    [query, value, key], params=layer.weights)


# --- what masks and options do -------------------------------------------------------------

def test_attention_masks_give_masked_values_no_weight_and_masked_queries_zero():
    query, value = rand(2, 3, 4), rand(2, 5, 4, seed=1)
    value_mask = np.array([[1, 1, 0, 0, 1], [1, 1, 1, 1, 1]], dtype=bool)
    query_mask = np.array([[1, 0, 1], [1, 1, 1]], dtype=bool)
    output, weights = Attention()([query, value], mask=[query_mask, value_mask], return_attention_scores=True)
    weights, output = weights.numpy(), output.numpy()
    assert (weights[0][:, ~value_mask[0]] == 0).all()
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-6)
    assert (output[0, 1] == 0).all() and (output[1] != 0).all()
    scores = query @ value.swapaxes(1, 2)
    scores[0][:, ~value_mask[0]] = -np.inf
    expected = np.exp(scores - scores.max(-1, keepdims=True))
    np.testing.assert_allclose(weights, expected / expected.sum(-1, keepdims=True), rtol=1e-5)


def test_causal_masks_hide_the_future():
    x = rand(2, 4, 6)
    _, weights = Attention()([x, x], use_causal_mask=True, return_attention_scores=True)
    assert (np.triu(weights.numpy()[0], 1) == 0).all()
    mha = MultiHeadAttention(num_heads=2, key_dim=3)
    _, scores = mha(x, x, use_causal_mask=True, return_attention_scores=True)
    assert scores.shape == (2, 2, 4, 4)
    assert (np.triu(scores.numpy(), 1) == 0).all()
    # changing the last step changes no earlier output
    later = x.copy()
    later[:, -1] += 1.0
    np.testing.assert_array_equal(mha(x, x, use_causal_mask=True).numpy()[:, :-1],
                                  mha(later, later, use_causal_mask=True).numpy()[:, :-1])


def test_multi_head_attention_mask_broadcasts_over_the_batch():
    mha = MultiHeadAttention(num_heads=2, key_dim=3)
    query, value = rand(3, 2, 4), rand(3, 5, 4, seed=1)
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]], dtype=bool)
    one = mha(query, value, attention_mask=mask).numpy()
    each = mha(query, value, attention_mask=np.broadcast_to(mask, (3, 2, 5))).numpy()
    np.testing.assert_array_equal(one, each)
    _, scores = mha(query, value, attention_mask=mask, return_attention_scores=True)
    assert (scores.numpy()[:, :, ~mask] == 0).all()


def test_dropout_acts_only_in_training():
    x = rand(2, 5, 4)
    for layer, call in ((Attention(dropout=0.5), lambda layer, training: layer([x, x], training=training,
                                                                                return_attention_scores=True)),
                        (MultiHeadAttention(2, 3, dropout=0.5),
                         lambda layer, training: layer(x, x, training=training, return_attention_scores=True))):
        (first, scores), (second, _) = call(layer, False), call(layer, False)
        np.testing.assert_array_equal(first.numpy(), second.numpy())
        dropped, dropped_scores = call(layer, True)
        assert not np.allclose(dropped.numpy(), first.numpy())
        np.testing.assert_allclose(dropped_scores.numpy(), scores.numpy(), rtol=1e-6)  # scores before dropout


# --- weights, shapes, summary ----------------------------------------------------------------

def test_multi_head_attention_kernels_use_kerass_glorot_fans():
    layer = MultiHeadAttention(num_heads=4, key_dim=8)
    layer(np.zeros((1, 3, 16)), np.zeros((1, 3, 16)))
    kernel = layer.get_weights()[0]  # (16, 4, 8): Keras's fans for a 3-D kernel are 4*16 in, 8*16 out
    limit = np.sqrt(6 / (4 * 16 + 8 * 16))
    assert kernel.shape == (16, 4, 8) and np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    assert all((w == 0).all() for w in layer.get_weights()[1::2])


def test_functional_model_summary_counts_parameters_as_keras():
    query, value = Input((4, 5)), Input((6, 7))
    output = MultiHeadAttention(2, 3, name="mha")(query, value)
    model = Model([query, value], output)
    assert output.shape == (None, 4, 5)
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    # Keras 3 prints 167 for this layer: 5*6+6 + 7*6+6 + 7*6+6 + 6*5+5
    assert "mha (MultiHeadAttention)" in text and "167" in text
    assert model.count_params() == 167
    x = rand(2, 4, 5).astype("float32"), rand(2, 6, 7, seed=1).astype("float32")
    np.testing.assert_allclose(model.predict(list(x), verbose=0), model.layers[-1](*x).numpy(), rtol=1e-6)


def test_output_shape_and_a_functional_model_rebuilt_from_its_config():
    inputs = Input((3, 4))
    output = MultiHeadAttention(2, 3, output_shape=(2, 5))(inputs, inputs, use_causal_mask=True)
    assert output.shape == (None, 3, 2, 5)
    model = Model(inputs, LayerNormalization()(output))
    clone = Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = rand(2, 3, 4).astype("float32")
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))


# --- errors name the layer -------------------------------------------------------------------

@pytest.mark.parametrize("argument, value", [("num_heads", 0), ("num_heads", 2.5), ("key_dim", -1),
                                             ("value_dim", "4")])
def test_bad_sizes_are_refused(argument, value):
    sizes = {"num_heads": 2, "key_dim": 3, argument: value}
    with pytest.raises(ValueError, match=f"MultiHeadAttention 'heads': {argument} must be a positive integer"):
        MultiHeadAttention(**sizes, name="heads")


def test_mismatched_last_axes_are_refused_naming_the_layer():
    with pytest.raises(ValueError, match=r"Attention 'att' expected query and key with the same last axis"):
        Attention(name="att")([rand(2, 3, 4), rand(2, 5, 6)])
    with pytest.raises(ValueError, match=r"Attention 'att2' expected key and value with the same number of time"):
        Attention(name="att2")([rand(2, 3, 4), rand(2, 5, 4), rand(2, 6, 4)])
    mha = MultiHeadAttention(2, 3, name="heads")
    mha(rand(2, 3, 4), rand(2, 5, 4))
    with pytest.raises(ValueError, match=r"MultiHeadAttention 'heads' was built for value with last axis 4"):
        mha(rand(2, 3, 4), rand(2, 5, 6))
    with pytest.raises(ValueError, match=r"'heads': all dimensions of value and key but the last must be equal"):
        MultiHeadAttention(2, 3, name="heads")(rand(2, 3, 4), rand(2, 5, 4), rand(2, 6, 4))


def test_other_misuses_are_refused_clearly():
    with pytest.raises(ValueError, match="Attention 'att' must be called on a list of inputs"):
        Attention(name="att")(rand(2, 3, 4))
    built = Attention(name="built")
    built([rand(2, 3, 4), rand(2, 3, 4)])
    with pytest.raises(ValueError, match=r"Attention 'built' must be called on a list of inputs.*\(2, 3, 4\)"):
        built(rand(2, 3, 4))
    with pytest.raises(ValueError, match="score_mode must be 'dot' or 'concat'"):
        Attention(score_mode="add")
    with pytest.raises(ValueError, match=r"mask must be a list \[query_mask, value_mask\]"):
        Attention()([rand(2, 3, 4), rand(2, 3, 4)], mask=np.ones((2, 3)))
    with pytest.raises(TypeError, match="called as mha\\(query, value\\)"):
        MultiHeadAttention(2, 3)(rand(2, 3, 4))
    with pytest.raises(NotImplementedError, match="attention_axes=None or 1"):
        MultiHeadAttention(2, 3, attention_axes=(1, 2))
    with pytest.raises(ValueError, match=r"takes query of shape \(batch, time, features\)"):
        MultiHeadAttention(2, 3)(rand(2, 3, 3, 4), rand(2, 3, 3, 4))
    with pytest.raises(ValueError, match=r"expected attention_mask of shape \(batch, 3, 5\).*received \(2, 5, 3\)"):
        MultiHeadAttention(2, 3, name="heads")(rand(2, 3, 4), rand(2, 5, 4), attention_mask=np.ones((2, 5, 3)))
    with pytest.raises(ValueError, match="output_shape must be a positive integer"):
        MultiHeadAttention(2, 3, output_shape=(0,))


def test_symbolic_masks_and_symbolic_scores_are_refused_clearly():
    query, mask = Input((3, 4)), Input((3, 3))
    with pytest.raises(NotImplementedError, match="'heads': attention_mask is a symbolic tensor"):
        MultiHeadAttention(2, 3, name="heads")(query, query, attention_mask=mask)
    with pytest.raises(NotImplementedError, match="return_attention_scores=True on symbolic tensors"):
        MultiHeadAttention(2, 3)(query, query, return_attention_scores=True)
    with pytest.raises(NotImplementedError, match="mask is a symbolic tensor"):
        Attention()([query, query], mask=[None, Input((3,))])
    with pytest.raises(NotImplementedError, match="return_attention_scores=True on symbolic tensors"):
        Attention()([query, query], return_attention_scores=True)


# --- every backend ---------------------------------------------------------------------------

def masked_forward_backward():
    """Both layers with masks and the causal mask: outputs and every gradient, on the host."""
    kerasbook.utils.set_random_seed(3)
    query = Tensor(to_device(rand(2, 3, 4).astype("float32")), requires_grad=True)
    value = Tensor(to_device(rand(2, 5, 4, seed=1).astype("float32")), requires_grad=True)
    attention, mha = Attention(use_scale=True, score_mode="concat"), MultiHeadAttention(2, 3)
    mask = [np.array([[1, 0, 1], [1, 1, 1]]), np.array([[1, 1, 0, 1, 1], [1, 1, 1, 1, 0]])]
    with GradientTape() as tape:
        first = attention([query, value], mask=mask, use_causal_mask=True)
        second, scores = mha(query, value, attention_mask=mask[1][:, None, :], use_causal_mask=True,
                             return_attention_scores=True)
        loss = (first * first).sum() + (second * second).sum()
    grads = tape.gradient(loss, [query, value] + attention.weights + mha.weights)
    return [to_numpy(t.data) for t in (first, second, scores)] + [to_numpy(g) for g in grads]


def test_masked_attention_gives_numpys_numbers_on_every_backend(backend):
    previous = kerasbook.backend.backend()
    set_backend("numpy")
    try:
        reference = masked_forward_backward()
    finally:
        set_backend(previous)
    result = masked_forward_backward()
    for ours, theirs in zip(result, reference, strict=True):
        if backend == "cupy":
            np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)
        else:
            np.testing.assert_array_equal(ours, theirs)
