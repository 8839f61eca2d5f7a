"""Whole-sequence recurrent ops: LSTM, GRU and SimpleRNN, each one fused op.

Unrolling a recurrent layer into small ops would put a dozen tape entries on
every timestep. Instead each op runs the whole sequence in ``forward`` and
goes back through time in a hand-written ``backward``:

- the input projection ``x_t @ kernel + bias`` of every timestep is one matrix
  product over ``(batch * time, features)`` before the loop starts;
- inside the loop, a step costs one ``h @ recurrent_kernel`` and elementwise work;
- after the backward loop, each weight's gradient is one matrix product over all
  timesteps at once (the per-step hidden states and gate gradients are stacked).

Weights use Keras 3's layout, so ``get_weights`` trades with Keras: gates side
by side in the last axis of ``kernel`` and ``recurrent_kernel`` (LSTM: i, f, c, o;
GRU: z, r, h). Inside, arrays are time-major, ``(time, batch, units)``, so each
step's slice is contiguous. Each op returns every step of every state it
carries, ``(states, time, batch, units)``; `lstm`, `gru` and `simple_rnn` pick
Keras's outputs out of that.
"""
from ..backend.array_module import xp_of
from .function import Function
from .math import transpose


def _tanh(x):
    xp_of(x).tanh(x, out=x)


def _tanh_derivative(y):
    return 1 - y * y


def _sigmoid(x):
    # tanh form: exact and never overflows, unlike 1 / (1 + exp(-x)).
    x *= 0.5
    xp_of(x).tanh(x, out=x)
    x *= 0.5
    x += 0.5


def _sigmoid_derivative(y):
    return y * (1 - y)


def _hard_sigmoid(x):
    x /= 6
    x += 0.5
    xp_of(x).clip(x, 0, 1, out=x)


def _hard_sigmoid_derivative(y):
    return ((y > 0) & (y < 1)).astype(y.dtype) / 6


def _relu(x):
    xp_of(x).maximum(x, 0, out=x)


def _relu_derivative(y):
    return y > 0


def _linear(x):
    pass


def _linear_derivative(y):
    return 1


# Each activation works in place on its pre-activation, and its derivative is
# written in terms of its output, the value the forward pass keeps anyway.
ACTIVATIONS = {
    "tanh": (_tanh, _tanh_derivative),
    "sigmoid": (_sigmoid, _sigmoid_derivative),
    "hard_sigmoid": (_hard_sigmoid, _hard_sigmoid_derivative),
    "relu": (_relu, _relu_derivative),
    "linear": (_linear, _linear_derivative),
}


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"Recurrent ops support the activations {sorted(ACTIVATIONS)}; received {name!r}.")
    return ACTIVATIONS[name]


class Recurrent(Function):
    """What the three cells share: the input projection and its gradients."""

    def __init__(self, activation="tanh", go_backwards=False):
        self.activation, self.activation_derivative = _activation(activation)
        self.go_backwards = go_backwards

    def project_inputs(self, x, kernel, bias):
        """``x_t @ kernel + bias`` for every timestep at once, time-major."""
        x = x.transpose(1, 0, 2)
        if self.go_backwards:
            x = x[::-1]
        self.x = xp_of(x).ascontiguousarray(x)
        self.kernel = kernel
        steps, batch, features = self.x.shape
        projection = self.x.reshape(steps * batch, features) @ kernel
        if bias is not None:
            projection += bias
        return projection.reshape(steps, batch, -1)

    def input_gradients(self, grad_projection):
        """Gradients of inputs, kernel and bias from that of the projection."""
        steps, batch, features = self.x.shape
        grad_projection = grad_projection.reshape(steps * batch, -1)
        grad_kernel = self.x.reshape(steps * batch, features).T @ grad_projection
        grad_bias = grad_projection.sum(axis=0)
        grad_x = (grad_projection @ self.kernel.T).reshape(steps, batch, features)
        if self.go_backwards:
            grad_x = grad_x[::-1]
        return grad_x.transpose(1, 0, 2), grad_kernel, grad_bias

    @staticmethod
    def initial(states, index, value):
        """Put an initial state into step 0 of the state stack (zeros when None)."""
        states[index, 0] = 0 if value is None else value


class LSTM(Recurrent):
    """Long short-term memory over a whole sequence (Keras 3's ``LSTMCell``).

    With z = x_t @ kernel + h @ recurrent_kernel + bias split into i, f, c, o:
    ``c_t = f * c + i * activation(z_c)`` and ``h_t = o * activation(c_t)``,
    where i, f and o pass through `recurrent_activation`.
    Inputs: x (batch, time, features), kernel (features, 4u), recurrent_kernel
    (u, 4u), bias (4u) or None, initial h and c (batch, u) or None.
    Returns every step of h and c: (2, time, batch, u).
    """

    def __init__(self, activation="tanh", recurrent_activation="sigmoid", go_backwards=False):
        super().__init__(activation, go_backwards)
        self.gate, self.gate_derivative = _activation(recurrent_activation)

    def forward(self, x, kernel, recurrent_kernel, bias=None, initial_h=None, initial_c=None):
        xp = xp_of(x)
        gates = self.project_inputs(x, kernel, bias)
        steps, batch, _ = gates.shape
        u = recurrent_kernel.shape[0]
        states = xp.empty((2, steps + 1, batch, u), dtype=gates.dtype)
        self.initial(states, 0, initial_h)
        self.initial(states, 1, initial_c)
        h, c = states
        cell_activations = xp.empty((steps, batch, u), dtype=gates.dtype)
        for t in range(steps):
            z = gates[t]
            z += h[t] @ recurrent_kernel
            self.gate(z[:, :2 * u])
            self.activation(z[:, 2 * u:3 * u])
            self.gate(z[:, 3 * u:])
            i, f, g, o = z[:, :u], z[:, u:2 * u], z[:, 2 * u:3 * u], z[:, 3 * u:]
            xp.multiply(f, c[t], out=c[t + 1])
            c[t + 1] += i * g
            cell_activations[t] = c[t + 1]
            self.activation(cell_activations[t])
            xp.multiply(o, cell_activations[t], out=h[t + 1])
        self.recurrent_kernel, self.gates, self.states = recurrent_kernel, gates, states
        self.cell_activations = cell_activations
        self.has_bias = bias is not None
        return states[:, 1:]

    def backward(self, grad):
        xp = xp_of(grad)
        grad_h_from_outputs, grad_c_from_outputs = grad
        gates, (h, c), u = self.gates, self.states, self.recurrent_kernel.shape[0]
        grad_gates = xp.empty_like(gates)
        grad_h = xp.zeros_like(h[0])
        grad_c = xp.zeros_like(c[0])
        for t in reversed(range(gates.shape[0])):
            grad_h += grad_h_from_outputs[t]
            grad_c += grad_c_from_outputs[t]
            i, f, g, o = gates[t, :, :u], gates[t, :, u:2 * u], gates[t, :, 2 * u:3 * u], gates[t, :, 3 * u:]
            tanh_c = self.cell_activations[t]
            grad_c += grad_h * o * self.activation_derivative(tanh_c)
            dz = grad_gates[t]
            xp.multiply(grad_c * g, self.gate_derivative(i), out=dz[:, :u])
            xp.multiply(grad_c * c[t], self.gate_derivative(f), out=dz[:, u:2 * u])
            xp.multiply(grad_c * i, self.activation_derivative(g), out=dz[:, 2 * u:3 * u])
            xp.multiply(grad_h * tanh_c, self.gate_derivative(o), out=dz[:, 3 * u:])
            grad_c *= f
            grad_h = dz @ self.recurrent_kernel.T
        steps, batch, _ = gates.shape
        grad_recurrent_kernel = h[:-1].reshape(steps * batch, u).T @ grad_gates.reshape(steps * batch, 4 * u)
        grad_x, grad_kernel, grad_bias = self.input_gradients(grad_gates)
        return grad_x, grad_kernel, grad_recurrent_kernel, grad_bias if self.has_bias else None, grad_h, grad_c


class GRU(Recurrent):
    """Gated recurrent unit over a whole sequence (Keras 3's ``GRUCell``, reset_after=True).

    With x_t @ kernel + input_bias split into x_z, x_r, x_h and
    h @ recurrent_kernel + recurrent_bias into r_z, r_r, r_h:
    ``z = rec(x_z + r_z)``, ``r = rec(x_r + r_r)``, ``hh = act(x_h + r * r_h)``,
    ``h_t = z * h + (1 - z) * hh``.
    Inputs: x (batch, time, features), kernel (features, 3u), recurrent_kernel
    (u, 3u), bias (2, 3u) (input bias, recurrent bias) or None, initial h or None.
    Returns every step of h: (1, time, batch, u).
    """

    def __init__(self, activation="tanh", recurrent_activation="sigmoid", go_backwards=False):
        super().__init__(activation, go_backwards)
        self.gate, self.gate_derivative = _activation(recurrent_activation)

    def forward(self, x, kernel, recurrent_kernel, bias=None, initial_h=None):
        xp = xp_of(x)
        gates = self.project_inputs(x, kernel, None if bias is None else bias[0])
        steps, batch, _ = gates.shape
        u = recurrent_kernel.shape[0]
        states = xp.empty((1, steps + 1, batch, u), dtype=gates.dtype)
        self.initial(states, 0, initial_h)
        h = states[0]
        recurrent_h = xp.empty((steps, batch, u), dtype=gates.dtype)
        for t in range(steps):
            a = gates[t]
            inner = h[t] @ recurrent_kernel
            if bias is not None:
                inner += bias[1]
            a[:, :2 * u] += inner[:, :2 * u]
            self.gate(a[:, :2 * u])
            z, r, hh = a[:, :u], a[:, u:2 * u], a[:, 2 * u:]
            recurrent_h[t] = inner[:, 2 * u:]
            hh += r * recurrent_h[t]
            self.activation(hh)
            xp.subtract(h[t], hh, out=h[t + 1])
            h[t + 1] *= z
            h[t + 1] += hh
        self.recurrent_kernel, self.gates, self.states = recurrent_kernel, gates, states
        self.recurrent_h, self.has_bias = recurrent_h, bias is not None
        return states[:, 1:]

    def backward(self, grad):
        xp = xp_of(grad)
        gates, h, u = self.gates, self.states[0], self.recurrent_kernel.shape[0]
        grad_inner = xp.empty_like(gates)
        grad_candidate = xp.empty_like(self.recurrent_h)
        grad_h = xp.zeros_like(h[0])
        for t in reversed(range(gates.shape[0])):
            grad_h += grad[0, t]
            z, r, hh = gates[t, :, :u], gates[t, :, u:2 * u], gates[t, :, 2 * u:]
            d_hh = grad_candidate[t]
            xp.multiply(grad_h * (1 - z), self.activation_derivative(hh), out=d_hh)
            d_inner = grad_inner[t]
            xp.multiply(grad_h * (h[t] - hh), self.gate_derivative(z), out=d_inner[:, :u])
            xp.multiply(d_hh * self.recurrent_h[t], self.gate_derivative(r), out=d_inner[:, u:2 * u])
            xp.multiply(d_hh, r, out=d_inner[:, 2 * u:])
            grad_h *= z
            grad_h += d_inner @ self.recurrent_kernel.T
        steps, batch, _ = gates.shape
        grad_recurrent_kernel = h[:-1].reshape(steps * batch, u).T @ grad_inner.reshape(steps * batch, 3 * u)
        grad_projection = grad_inner.copy()
        grad_projection[:, :, 2 * u:] = grad_candidate
        grad_x, grad_kernel, grad_input_bias = self.input_gradients(grad_projection)
        grad_bias = None
        if self.has_bias:
            grad_bias = xp.stack([grad_input_bias, grad_inner.reshape(steps * batch, 3 * u).sum(axis=0)])
        return grad_x, grad_kernel, grad_recurrent_kernel, grad_bias, grad_h


class SimpleRNN(Recurrent):
    """Fully connected recurrence over a whole sequence (Keras 3's ``SimpleRNNCell``).

    ``h_t = activation(x_t @ kernel + h @ recurrent_kernel + bias)``.
    Inputs: x (batch, time, features), kernel (features, u), recurrent_kernel
    (u, u), bias (u) or None, initial h or None.
    Returns every step of h: (1, time, batch, u).
    """

    def forward(self, x, kernel, recurrent_kernel, bias=None, initial_h=None):
        xp = xp_of(x)
        pre_activations = self.project_inputs(x, kernel, bias)
        steps, batch, u = pre_activations.shape
        states = xp.empty((1, steps + 1, batch, u), dtype=pre_activations.dtype)
        self.initial(states, 0, initial_h)
        h = states[0]
        for t in range(steps):
            h[t + 1] = pre_activations[t]
            h[t + 1] += h[t] @ recurrent_kernel
            self.activation(h[t + 1])
        self.recurrent_kernel, self.states, self.has_bias = recurrent_kernel, states, bias is not None
        return states[:, 1:]

    def backward(self, grad):
        xp = xp_of(grad)
        h = self.states[0]
        steps, batch, u = grad.shape[1:]
        grad_pre_activations = xp.empty((steps, batch, u), dtype=grad.dtype)
        grad_h = xp.zeros_like(h[0])
        for t in reversed(range(steps)):
            grad_h += grad[0, t]
            xp.multiply(grad_h, self.activation_derivative(h[t + 1]), out=grad_pre_activations[t])
            grad_h = grad_pre_activations[t] @ self.recurrent_kernel.T
        grad_recurrent_kernel = h[:-1].reshape(steps * batch, u).T @ grad_pre_activations.reshape(steps * batch, u)
        grad_x, grad_kernel, grad_bias = self.input_gradients(grad_pre_activations)
        return grad_x, grad_kernel, grad_recurrent_kernel, grad_bias if self.has_bias else None, grad_h


class Select(Function):
    """One part of a fused op's result; its gradient goes back into that part."""

    def __init__(self, index):
        self.index = index

    def forward(self, packed):
        self.shape = packed.shape
        return packed[self.index]

    def backward(self, g):
        grad = xp_of(g).zeros(self.shape, dtype=g.dtype)
        grad[self.index] = g
        return (grad,)


def _keras_outputs(steps, state_count, return_sequences, return_state):
    """Keras's outputs from every step of every state, (states, time, batch, units).

    The output is the hidden state, at every step (batch, time, units) or the
    last; with `return_state`, the last step of each state follows it.
    """
    if return_sequences:
        output = transpose(Select(0)(steps), (1, 0, 2))
    else:
        output = Select((0, -1))(steps)
    if not return_state:
        return output
    return [output] + [Select((k, -1))(steps) for k in range(state_count)]


def lstm(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, activation="tanh",
         recurrent_activation="sigmoid", return_sequences=False, return_state=False, go_backwards=False):
    """Run an LSTM over `inputs` (batch, time, features); Keras 3 weights and outputs.

    `initial_state` is ``[h, c]`` or None for zeros. Returns the output, or
    ``[output, h, c]`` with `return_state`. With `go_backwards` the sequence is
    read last step first, and a returned sequence keeps that reversed order.

    Example:
        y = ops.lstm(x, kernel, recurrent_kernel, bias, return_sequences=True)
    """
    h, c = initial_state if initial_state is not None else (None, None)
    steps = LSTM(activation, recurrent_activation, go_backwards)(inputs, kernel, recurrent_kernel, bias, h, c)
    return _keras_outputs(steps, 2, return_sequences, return_state)


def gru(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, activation="tanh",
        recurrent_activation="sigmoid", return_sequences=False, return_state=False, go_backwards=False):
    """Run a GRU (reset_after=True, bias (2, 3u)) over `inputs`; ``[output, h]`` with `return_state`."""
    h = initial_state[0] if initial_state is not None else None
    steps = GRU(activation, recurrent_activation, go_backwards)(inputs, kernel, recurrent_kernel, bias, h)
    return _keras_outputs(steps, 1, return_sequences, return_state)


def simple_rnn(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, activation="tanh",
               return_sequences=False, return_state=False, go_backwards=False):
    """Run a SimpleRNN over `inputs`; ``[output, h]`` with `return_state`."""
    h = initial_state[0] if initial_state is not None else None
    steps = SimpleRNN(activation, go_backwards)(inputs, kernel, recurrent_kernel, bias, h)
    return _keras_outputs(steps, 1, return_sequences, return_state)
