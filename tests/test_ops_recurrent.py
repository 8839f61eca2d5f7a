"""Fused recurrent ops against step-by-step references written from Keras 3's cell equations."""
import itertools

import numpy as np
import pytest

from kerasbook.runtime.array_module import to_device
from kerasbook.ops import concatenate, reshape
from kerasbook.ops.gradient_check import check_gradients
from kerasbook.ops.recurrent import gru, lstm, simple_rnn
from kerasbook.ops.tape import GradientTape
from kerasbook.ops.tensor import Tensor

BATCH, STEPS, FEATURES, UNITS = 2, 4, 3, 5
FLAGS = list(itertools.product([False, True], repeat=3))  # return_sequences, return_state, go_backwards


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


ACTIVATIONS = {
    "tanh": np.tanh,
    "sigmoid": sigmoid,
    "hard_sigmoid": lambda x: np.clip((x + 3) / 6, 0, 1),
    "relu": lambda x: np.maximum(x, 0),
    "linear": lambda x: x,
}


# The references: one cell step in NumPy, batch-major, as Keras 3's cells write it.
# A recurrent-dropout mask multiplies h_{t-1} in the recurrent product and nowhere else.

def lstm_step(x, h, c, kernel, recurrent_kernel, bias, act, rec, mask=1):
    z = x @ kernel + (h * mask) @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    c = rec(z_f) * c + rec(z_i) * act(z_c)
    return rec(z_o) * act(c), c


def gru_step(x, h, kernel, recurrent_kernel, bias, act, rec, mask=1):
    x_z, x_r, x_h = np.split(x @ kernel + bias[0], 3, axis=-1)
    r_z, r_r, r_h = np.split((h * mask) @ recurrent_kernel + bias[1], 3, axis=-1)
    z = rec(x_z + r_z)
    r = rec(x_r + r_r)
    hh = act(x_h + r * r_h)
    return z * h + (1 - z) * hh


def simple_rnn_step(x, h, kernel, recurrent_kernel, bias, act, mask=1):
    return act(x @ kernel + (h * mask) @ recurrent_kernel + bias)


def run_reference(step, x, states, return_sequences, return_state, go_backwards):
    """Loop `step` over time the way Keras's ``rnn`` does; returns Keras's outputs."""
    if go_backwards:
        x = x[:, ::-1]
    outputs = []
    for t in range(x.shape[1]):
        states = step(x[:, t], *states)
        outputs.append(states[0])
    output = np.stack(outputs, axis=1) if return_sequences else outputs[-1]
    return [output, *states] if return_state else output


def reference(cell, x, weights, initial_state, flags, act="tanh", rec="sigmoid", mask=1):
    act, rec = ACTIVATIONS[act], ACTIVATIONS[rec]
    kernel, recurrent_kernel, bias = weights
    if cell == "lstm":
        def step(x_t, h, c):
            return lstm_step(x_t, h, c, kernel, recurrent_kernel, bias, act, rec, mask)
    elif cell == "gru":
        def step(x_t, h):
            return (gru_step(x_t, h, kernel, recurrent_kernel, bias, act, rec, mask),)
    else:
        def step(x_t, h):
            return (simple_rnn_step(x_t, h, kernel, recurrent_kernel, bias, act, mask),)
    return run_reference(step, x, initial_state, *flags)


OPS = {"lstm": lstm, "gru": gru, "simple_rnn": simple_rnn}
GATE_COUNT = {"lstm": 4, "gru": 3, "simple_rnn": 1}
STATE_COUNT = {"lstm": 2, "gru": 1, "simple_rnn": 1}


def make(cell, rng, dtype="float64"):
    """Random inputs, Keras-shaped weights and initial states for one cell type."""
    width = GATE_COUNT[cell] * UNITS
    x = rng.normal(size=(BATCH, STEPS, FEATURES))
    bias_shape = (2, width) if cell == "gru" else (width,)
    weights = [rng.normal(size=(FEATURES, width)) * 0.6, rng.normal(size=(UNITS, width)) * 0.6,
               rng.normal(size=bias_shape) * 0.3]
    states = [rng.normal(size=(BATCH, UNITS)) * 0.5 for _ in range(STATE_COUNT[cell])]
    return [a.astype(dtype) for a in [x, *weights, *states]]


def make_mask(rng, rate=0.4):
    """A recurrent-dropout mask as the layers draw it: 0, or 1/(1-rate) for a kept unit."""
    return (rng.random((BATCH, UNITS)) >= rate) / (1 - rate)


def call(cell, x, kernel, recurrent_kernel, bias, states, flags, **options):
    return_sequences, return_state, go_backwards = flags
    return OPS[cell](x, kernel, recurrent_kernel, bias, initial_state=states or None,
                     return_sequences=return_sequences, return_state=return_state,
                     go_backwards=go_backwards, **options)


@pytest.mark.parametrize("cell", OPS)
@pytest.mark.parametrize("flags", FLAGS)
def test_forward_matches_step_by_step_reference(cell, flags):
    x, kernel, recurrent_kernel, bias, *states = make(cell, np.random.default_rng(1))
    result = call(cell, Tensor(x), kernel, recurrent_kernel, bias, states, flags)
    expected = reference(cell, x, (kernel, recurrent_kernel, bias), states, flags)
    if flags[1]:
        assert len(result) == 1 + STATE_COUNT[cell]
        for got, want in zip(result, expected):
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_allclose(result.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cell", OPS)
@pytest.mark.parametrize("flags", FLAGS)
def test_recurrent_mask_matches_step_by_step_reference(cell, flags):
    rng = np.random.default_rng(10)
    x, kernel, recurrent_kernel, bias, *states = make(cell, rng)
    mask = make_mask(rng)
    assert 0 < (mask == 0).sum() < mask.size
    result = call(cell, x, kernel, recurrent_kernel, bias, states, flags, recurrent_mask=mask)
    expected = reference(cell, x, (kernel, recurrent_kernel, bias), states, flags, mask=mask)
    unmasked = reference(cell, x, (kernel, recurrent_kernel, bias), states, flags)
    for got, want, other in zip(*(r if flags[1] else [r] for r in (result, expected, unmasked))):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
        assert not np.allclose(want, other)


@pytest.mark.parametrize("cell", OPS)
def test_missing_initial_state_means_zeros(cell):
    x, kernel, recurrent_kernel, bias, *states = make(cell, np.random.default_rng(2))
    zeros = [np.zeros_like(s) for s in states]
    flags = (True, False, False)
    np.testing.assert_allclose(call(cell, x, kernel, recurrent_kernel, bias, None, flags).numpy(),
                               reference(cell, x, (kernel, recurrent_kernel, bias), zeros, flags))


@pytest.mark.parametrize("cell", ["lstm", "gru"])
@pytest.mark.parametrize("act, rec", [("relu", "hard_sigmoid"), ("linear", "tanh"), ("sigmoid", "sigmoid")])
def test_other_activations(cell, act, rec):
    x, kernel, recurrent_kernel, bias, *states = make(cell, np.random.default_rng(3))
    flags = (True, False, False)
    got = call(cell, x, kernel, recurrent_kernel, bias, states, flags, activation=act, recurrent_activation=rec)
    want = reference(cell, x, (kernel, recurrent_kernel, bias), states, flags, act, rec)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)


def flattened(outputs):
    """One tensor from Keras's outputs, so a single gradient check covers all of them."""
    if not isinstance(outputs, list):
        return outputs
    return concatenate([reshape(o, (BATCH, -1)) for o in outputs], axis=1)


@pytest.mark.parametrize("cell", OPS)
@pytest.mark.parametrize("flags", FLAGS)
def test_gradients_of_inputs_weights_and_states(cell, flags):
    arrays = make(cell, np.random.default_rng(4))

    def fn(x, kernel, recurrent_kernel, bias, *states):
        return flattened(call(cell, x, kernel, recurrent_kernel, bias, list(states), flags))

    check_gradients(fn, arrays)


@pytest.mark.parametrize("cell", OPS)
@pytest.mark.parametrize("flags", FLAGS)
def test_gradients_with_a_recurrent_mask(cell, flags):
    rng = np.random.default_rng(11)
    arrays = make(cell, rng)
    mask = to_device(make_mask(rng))

    def fn(x, kernel, recurrent_kernel, bias, *states):
        return flattened(call(cell, x, kernel, recurrent_kernel, bias, list(states), flags, recurrent_mask=mask))

    check_gradients(fn, arrays)


@pytest.mark.parametrize("flags", FLAGS)
@pytest.mark.parametrize("masked", [False, True])
def test_lstm_gradients_when_backward_goes_in_blocks_of_steps(monkeypatch, flags, masked):
    from kerasbook.ops import recurrent
    rng = np.random.default_rng(6)
    arrays = make("lstm", rng)
    mask = to_device(make_mask(rng)) if masked else None
    step_bytes = BATCH * 4 * UNITS * arrays[0].itemsize
    monkeypatch.setattr(recurrent, "GATE_BYTES_PER_BLOCK", 3 * step_bytes)  # blocks of 3 steps, then 1

    def fn(x, kernel, recurrent_kernel, bias, *states):
        return flattened(call("lstm", x, kernel, recurrent_kernel, bias, list(states), flags, recurrent_mask=mask))

    check_gradients(fn, arrays)


@pytest.mark.parametrize("cell", OPS)
def test_gradients_without_bias_or_initial_state(cell):
    x, kernel, recurrent_kernel, _, *_ = make(cell, np.random.default_rng(5))

    def fn(x, kernel, recurrent_kernel):
        return call(cell, x, kernel, recurrent_kernel, None, None, (True, False, True))

    check_gradients(fn, [x, kernel, recurrent_kernel])


@pytest.mark.parametrize("cell", ["lstm", "gru", "simple_rnn"])
@pytest.mark.parametrize("act, rec", [("relu", "hard_sigmoid"), ("linear", "tanh"), ("tanh", "relu")])
def test_gradients_with_other_activations(cell, act, rec):
    arrays = make(cell, np.random.default_rng(6))
    activations = {"activation": act} if cell == "simple_rnn" else {"activation": act, "recurrent_activation": rec}

    def fn(x, kernel, recurrent_kernel, bias, *states):
        return call(cell, x, kernel, recurrent_kernel, bias, list(states), (True, False, False), **activations)

    check_gradients(fn, arrays)


@pytest.mark.parametrize("cell", OPS)
def test_float32_stays_float32(cell):
    arrays = [Tensor(a, requires_grad=True) for a in make(cell, np.random.default_rng(7), "float32")]
    with GradientTape() as tape:
        output, *states = call(cell, *arrays[:4], arrays[4:], (True, True, False))
        loss = output.sum() + states[-1].sum()
    assert output.dtype == np.float32
    assert all(g.dtype == np.float32 for g in tape.gradient(loss, arrays))


def test_unknown_activation_is_named():
    x, kernel, recurrent_kernel, bias, *_ = make("lstm", np.random.default_rng(8))
    with pytest.raises(ValueError, match="'swish'"):
        lstm(x, kernel, recurrent_kernel, bias, activation="swish")


@pytest.mark.parametrize("cell", OPS)
def test_data_input_gets_no_gradient_and_weights_the_same_ones(cell):
    x, *weights = make(cell, np.random.default_rng(9))[:4]

    def gradients(x_needs_gradient):
        tensors = [Tensor(x, requires_grad=x_needs_gradient)] + [Tensor(w, requires_grad=True) for w in weights]
        with GradientTape() as tape:
            loss = call(cell, *tensors, None, (True, False, False)).sum()
        return tape.gradient(loss, tensors)

    with_x, without_x = gradients(True), gradients(False)
    assert without_x[0] is None
    for a, b in zip(with_x[1:], without_x[1:]):
        np.testing.assert_allclose(a, b, rtol=1e-12)
