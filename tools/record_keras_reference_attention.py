"""Record Keras 3's numbers for Attention and MultiHeadAttention as test data.

Run it in an environment that has Keras 3 and PyTorch (not kerasbook's own), e.g.

    python -m venv /tmp/kerasref && /tmp/kerasref/bin/pip install keras torch
    KERAS_BACKEND=torch /tmp/kerasref/bin/python tools/record_keras_reference_attention.py

It writes tests/data/keras_reference/attention.npz: for each case the inputs, the
masks, the weights set before the call, and what Keras computed: the output, the
attention scores, the gradients of sum(output * direction) for the inputs and the
weights, and the weights after one SGD(0.1) step on those gradients; for a small
model, the loss and the weights after one `train_on_batch`; and the layers' configs.
That model, trained, is saved beside it as attention_model.keras.
tests/test_layers_attention.py reads the file and compares kerasbook's results.
"""
import json
import os
import pathlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "keras_reference" / "attention.npz"
MODEL = OUT.with_name("attention_model.keras")  # the trained model of training_step_case, as Keras saves it
record = {}


def values(shape, seed, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, size=shape).astype("float32")


def mask(shape, seed, keep_first=True):
    """Booleans with some False; the first position of each row stays True, so no row is wholly masked."""
    m = np.random.default_rng(seed).random(shape) > 0.35
    if keep_first:
        m[..., 0] = True
    return m


def record_arrays(name, **arrays):
    for key, value in arrays.items():
        if value is not None:
            record[f"{name}.{key}"] = np.asarray(value)


def gradients_and_step(layer, call, inputs, direction):
    """Output and scores of `call`, gradients of sum(output * direction), and the weights after SGD(0.1)."""
    tensors = [torch.tensor(x, requires_grad=True) for x in inputs]
    output = call(*tensors)
    (output * torch.tensor(direction)).sum().backward()
    weight_grads = [w.value.grad.detach().clone() for w in layer.trainable_weights]
    input_grads = [t.grad.numpy().copy() for t in tensors]
    keras.optimizers.SGD(learning_rate=0.1).apply(weight_grads, layer.trainable_weights)
    return (output.detach().numpy(), input_grads, [g.numpy() for g in weight_grads],
            layer.get_weights())


def attention_case(name, query_shape, value_shape, key_shape=None, masks=(False, False), use_causal_mask=False,
                   seed=0, **options):
    query, value = values(query_shape, seed), values(value_shape, seed + 1)
    key = values(key_shape, seed + 2) if key_shape else None
    query_mask = mask(query_shape[:-1], seed + 3) if masks[0] else None
    value_mask = mask(value_shape[:-1], seed + 4) if masks[1] else None
    inputs = [query, value] + ([key] if key is not None else [])
    layer = keras.layers.Attention(**options)
    layer.build([x.shape for x in inputs])
    weights = [values((), seed + 5 + i, 0.5, 1.5) for i in range(len(layer.weights))]
    layer.set_weights(weights)
    direction = values(query_shape[:-1] + value_shape[-1:], seed + 7)
    call_mask = None if not any(masks) else [query_mask, value_mask]

    def call(*tensors):
        return layer(list(tensors), mask=call_mask, use_causal_mask=use_causal_mask)

    _, scores = layer(inputs, mask=call_mask, use_causal_mask=use_causal_mask, return_attention_scores=True)
    output, input_grads, weight_grads, after = gradients_and_step(layer, call, inputs, direction)
    record_arrays(name, query=query, value=value, key=key, query_mask=query_mask, value_mask=value_mask,
                  direction=direction, output=output, scores=scores.detach().numpy(),
                  causal=np.array(use_causal_mask), config=json.dumps(layer.get_config()))
    for index, array in enumerate(weights):
        record[f"{name}.weight{index}"] = array
    for index, array in enumerate(input_grads):
        record[f"{name}.grad_input{index}"] = array
    for index, (grad, array) in enumerate(zip(weight_grads, after)):
        record[f"{name}.grad_weight{index}"] = grad
        record[f"{name}.after{index}"] = array


def multi_head_attention_case(name, query_shape, value_shape, key_shape=None, attention_mask=False,
                              use_causal_mask=False, self_attention=False, seed=0, **options):
    query = values(query_shape, seed)
    value = query if self_attention else values(value_shape, seed + 1)
    key = values(key_shape, seed + 2) if key_shape else None
    layer = keras.layers.MultiHeadAttention(**options)
    layer.build(query.shape, value.shape, None if key is None else key.shape)
    weights = [values(w.shape, seed + 10 + i, -0.6, 0.6) for i, w in enumerate(layer.weights)]
    layer.set_weights(weights)
    output_dims = options.get("output_shape") or query_shape[-1]
    output_dims = (output_dims,) if isinstance(output_dims, int) else tuple(output_dims)
    direction = values(query_shape[:2] + output_dims, seed + 7)
    mask_array = mask((query_shape[0], query_shape[1], value.shape[1]), seed + 4) if attention_mask else None
    if mask_array is not None and use_causal_mask:
        mask_array[:, np.arange(query_shape[1]), np.arange(query_shape[1])] = True  # no row left empty
    inputs = [query] if self_attention else [query, value] + ([key] if key is not None else [])

    def call(*tensors, **kwargs):
        q = tensors[0]
        v = q if self_attention else tensors[1]
        k = tensors[2] if len(tensors) == 3 else None
        m = None if mask_array is None else torch.tensor(mask_array)
        return layer(q, v, key=k, attention_mask=m, use_causal_mask=use_causal_mask, **kwargs)

    with torch.no_grad():
        output_with_scores, scores = call(*[torch.tensor(x) for x in inputs], return_attention_scores=True)
    output, input_grads, weight_grads, after = gradients_and_step(layer, call, inputs, direction)
    record_arrays(name, query=query, value=None if self_attention else value, key=key,
                  attention_mask=mask_array, direction=direction, output=output,
                  output_with_scores=output_with_scores.numpy(), scores=scores.numpy(),
                  causal=np.array(use_causal_mask), config=json.dumps(layer.get_config()),
                  params=np.array(layer.count_params()),
                  weight_paths=np.array([w.path for w in layer.weights]))
    for index, array in enumerate(weights):
        record[f"{name}.weight{index}"] = array
    for index, array in enumerate(input_grads):
        record[f"{name}.grad_input{index}"] = array
    for index, (grad, array) in enumerate(zip(weight_grads, after)):
        record[f"{name}.grad_weight{index}"] = grad
        record[f"{name}.after{index}"] = array


def training_step_case(name, seed=50):
    """Self-attention with a causal mask, Attention over it, pooling and Dense(2): SGD(0.1) on MSE, one batch."""
    x, y = values((6, 4, 5), seed), values((6, 2), seed + 1)
    inputs = keras.Input((4, 5))
    hidden = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)(inputs, inputs, use_causal_mask=True)
    hidden = keras.layers.Attention(use_scale=True)([hidden, inputs])
    outputs = keras.layers.Dense(2)(keras.layers.GlobalAveragePooling1D()(hidden))
    model = keras.Model(inputs, outputs)
    before = [values(w.shape, seed + 2 + i, -0.6, 0.6) for i, w in enumerate(model.weights)]
    model.set_weights(before)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    loss = model.train_on_batch(x, y)
    record.update({f"{name}.x": x, f"{name}.y": y, f"{name}.loss": np.array(loss),
                   f"{name}.predict_after": model.predict(x, verbose=0),
                   f"{name}.params": np.array(model.count_params())})
    model.save(MODEL)
    for index, (w0, w1) in enumerate(zip(before, model.get_weights())):
        record[f"{name}.before{index}"] = w0
        record[f"{name}.after{index}"] = w1


attention_case("att_dot", (2, 3, 4), (2, 5, 4))
attention_case("att_scale_key_masks", (2, 3, 4), (2, 5, 6), key_shape=(2, 5, 4), masks=(True, True), seed=10,
               use_scale=True)
attention_case("att_concat_causal", (2, 4, 3), (2, 4, 3), masks=(False, True), use_causal_mask=True, seed=20,
               use_scale=True, score_mode="concat")
attention_case("att_dot_causal_cross", (3, 3, 4), (3, 5, 2), key_shape=(3, 5, 4), use_causal_mask=True, seed=30)
attention_case("att_concat_value_mask", (2, 3, 4), (2, 5, 4), masks=(False, True), seed=40, score_mode="concat")

multi_head_attention_case("mha_self", (2, 4, 5), None, self_attention=True, num_heads=2, key_dim=3)
multi_head_attention_case("mha_cross_key_mask", (2, 3, 5), (2, 4, 7), key_shape=(2, 4, 3), attention_mask=True,
                          seed=100, num_heads=3, key_dim=2, value_dim=4, output_shape=6)
multi_head_attention_case("mha_causal_and_mask", (2, 5, 3), None, self_attention=True, attention_mask=True,
                          use_causal_mask=True, seed=200, num_heads=2, key_dim=4)
multi_head_attention_case("mha_causal_no_bias", (3, 4, 6), None, self_attention=True, use_causal_mask=True,
                          seed=300, num_heads=1, key_dim=3, use_bias=False)
multi_head_attention_case("mha_output_shape", (2, 3, 4), (2, 5, 4), seed=400, num_heads=2, key_dim=3,
                          output_shape=(2, 3))
training_step_case("step")

OUT.parent.mkdir(parents=True, exist_ok=True)
np.savez_compressed(OUT, keras_version=np.array(keras.__version__), torch_version=np.array(torch.__version__),
                    **record)
print(f"wrote {len(record)} arrays to {OUT} (Keras {keras.__version__}, torch {torch.__version__})")
