"""Whole-sequence recurrent ops: LSTM, GRU and SimpleRNN, each one fused op.

Unrolling a recurrent layer into small ops would put a dozen tape entries on
every timestep. Instead each op runs the whole sequence in ``forward`` and goes
back through time in a hand-written ``backward``. The rule that makes it fast:
only what depends on the previous step stays inside the loop over time;
everything else is done for all timesteps at once.

- Forward: the input projection ``x_t @ kernel + bias`` of every timestep is one
  matrix product before the loop; a step costs one ``h @ recurrent_kernel`` and
  elementwise work.
- Backward: the local derivatives of every gate are computed for many steps
  at once (LSTM: a block of steps at a time, just before the loop needs them);
  a step carries the gradient back through one product with
  ``recurrent_kernel.T``; after the loop each weight's gradient is one matrix
  product over all steps (the per-step hidden states and gate gradients are
  stacked).
- Inside the loops every operation writes into an array made before the loop
  (``out=``): no step allocates a temporary array.

Weights use Keras 3's layout, so ``get_weights`` trades with Keras: gates side
by side in the last axis of ``kernel`` and ``recurrent_kernel`` (LSTM: i, f, c, o;
GRU: z, r, h). Inside, arrays are time-major, ``(time, batch, ...)``, so a step's
slice is contiguous, and gate blocks are viewed as ``(time, batch, gate, units)``.
Each op returns every step of every state it carries, ``(states, time, batch,
units)``; `lstm`, `gru` and `simple_rnn` pick Keras's outputs out of that.

Recurrent dropout (Keras's ``recurrent_dropout``) lives inside the ops: an
optional ``recurrent_mask`` (batch, units), the same at every step, multiplies
h_{t-1} where it enters the recurrent product, and nowhere else. Input dropout
needs no help from them: the layer masks the sequence before the op.
"""
from ..runtime.array_module import xp_of
from .activations import IN_PLACE as ACTIVATIONS
from .function import Function
from .math import transpose

GATE_BYTES_PER_BLOCK = 2**20  # LSTM backward: the gates of this many bytes' worth of steps at a time


def _activation(name):
    if name not in ACTIVATIONS:
        raise ValueError(f"Recurrent ops support the activations {sorted(ACTIVATIONS)}; received {name!r}.")
    return ACTIVATIONS[name]


class Recurrent(Function):
    """What the three cells share: the input projection and its gradients."""

    def __init__(self, activation="tanh", recurrent_activation="sigmoid", go_backwards=False, recurrent_mask=None):
        self.activation, self.activation_derivative = _activation(activation)
        self.gate, self.gate_derivative = _activation(recurrent_activation)
        self.go_backwards = go_backwards
        self.recurrent_mask = recurrent_mask  # a constant of this call, not an input with a gradient

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
        if not self.needs_input_grad[0]:
            return None, grad_kernel, grad_bias
        grad_x = (grad_projection @ self.kernel.T).reshape(steps, batch, features)
        if self.go_backwards:
            grad_x = grad_x[::-1]
        return grad_x.transpose(1, 0, 2), grad_kernel, grad_bias

    @staticmethod
    def new_states(count, steps, initial, like):
        """Room for every step of `count` states; step 0 holds the initial ones (or zeros)."""
        xp = xp_of(like)
        states = xp.empty((count, steps + 1) + like.shape, dtype=like.dtype)
        for index, value in enumerate(initial):
            states[index, 0] = 0 if value is None else value
        return states

    def recurrent_input(self, h, out):
        """h_{t-1} as the recurrent product sees it: `h` itself, or `h` times the
        recurrent mask written into `out`."""
        if self.recurrent_mask is None:
            return h
        return xp_of(h).multiply(h, self.recurrent_mask, out=out)

    def mask_recurrent_gradient(self, grad):
        """In place: the gradient that came back through the recurrent product,
        times the mask that forward put in front of it."""
        if self.recurrent_mask is not None:
            grad *= self.recurrent_mask

    def transposed_recurrent_kernel(self):
        """``recurrent_kernel.T`` laid out row-major: BLAS runs the small per-step
        products faster on it than on a transposed view."""
        return xp_of(self.recurrent_kernel).ascontiguousarray(self.recurrent_kernel.T)

    def recurrent_kernel_gradient(self, h, grad_steps):
        """Sum over steps of ``recurrent_input(h_{t-1}).T @ grad_t``, as one matrix product."""
        steps, batch, units = grad_steps.shape[0], grad_steps.shape[1], h.shape[-1]
        previous = h[:-1] if self.recurrent_mask is None else h[:-1] * self.recurrent_mask
        return previous.reshape(steps * batch, units).T @ grad_steps.reshape(steps * batch, -1)


class LSTM(Recurrent):
    """Long short-term memory over a whole sequence (Keras 3's ``LSTMCell``).

    With z = x_t @ kernel + h @ recurrent_kernel + bias split into i, f, c, o:
    ``c_t = f * c + i * activation(z_c)`` and ``h_t = o * activation(c_t)``,
    where i, f and o pass through `recurrent_activation`.
    Inputs: x (batch, time, features), kernel (features, 4u), recurrent_kernel
    (u, 4u), bias (4u) or None, initial h and c (batch, u) or None.
    Returns every step of h and c: (2, time, batch, u).
    """

    def forward(self, x, kernel, recurrent_kernel, bias=None, initial_h=None, initial_c=None):
        xp = xp_of(x)
        projection = self.project_inputs(x, kernel, bias)
        steps, batch, width = projection.shape
        units = width // 4
        gates = projection.reshape(steps, batch, 4, units)
        states = self.new_states(2, steps, (initial_h, initial_c), gates[0, :, 0])
        h, c = states
        candidates = xp.empty_like(c[1:])
        cell_activations = xp.empty_like(c[1:])
        recurrent_kernel = xp.ascontiguousarray(recurrent_kernel)
        recurrent_part, input_part, dropped = xp.empty_like(projection[0]), xp.empty_like(c[0]), xp.empty_like(h[0])
        for t in range(steps):
            xp.matmul(self.recurrent_input(h[t], dropped), recurrent_kernel, out=recurrent_part)
            projection[t] += recurrent_part
            self.activation(gates[t, :, 2], out=candidates[t])
            # One call gates all four blocks; the c block's result goes unused.
            self.gate(gates[t], out=gates[t])
            i, f, o = gates[t, :, 0], gates[t, :, 1], gates[t, :, 3]
            xp.multiply(f, c[t], out=c[t + 1])
            xp.multiply(i, candidates[t], out=input_part)
            c[t + 1] += input_part
            self.activation(c[t + 1], out=cell_activations[t])
            xp.multiply(o, cell_activations[t], out=h[t + 1])
        self.recurrent_kernel, self.gates, self.candidates, self.states = recurrent_kernel, gates, candidates, states
        self.cell_activations, self.has_bias = cell_activations, bias is not None
        return states[:, 1:]

    def local_derivatives(self, steps, local, dh_dc):
        """For the steps in the slice `steps`: the local derivative of each gate,
        into `local`, and how h_t moves with c_t, into `dh_dc`.

        The gradient of a gate's pre-activation is its local derivative times the
        gradient of c_t (for i, f and c) or of h_t (for o).
        """
        gates, g, tanh_c = self.gates[steps], self.candidates[steps], self.cell_activations[steps]
        self.gate_derivative(gates, out=local)
        local[:, :, 0] *= g
        local[:, :, 1] *= self.states[1, steps]  # c_{t-1}
        self.activation_derivative(g, out=local[:, :, 2])
        local[:, :, 2] *= gates[:, :, 0]
        local[:, :, 3] *= tanh_c
        self.activation_derivative(tanh_c, out=dh_dc)
        dh_dc *= gates[:, :, 3]

    def backward(self, grad):
        xp = xp_of(grad)
        gates, h = self.gates, self.states[0]
        steps, batch = gates.shape[:2]
        # Back through time in blocks of about 1 MiB of gates: the local derivatives
        # of a block are computed together just before its steps, while they are
        # still in the cache.
        block = max(1, GATE_BYTES_PER_BLOCK // gates[0].nbytes)
        local, dh_dc = xp.empty_like(gates[:block]), xp.empty_like(h[:block])
        grad_gates = xp.empty_like(gates)
        recurrent_kernel_t = self.transposed_recurrent_kernel()
        carried = xp.zeros_like(grad[:, 0])  # the gradients of h and c, carried back through time
        grad_h, grad_c = carried
        through_h = xp.empty_like(grad_c)
        for start in reversed(range(0, steps, block)):
            end = min(start + block, steps)
            self.local_derivatives(slice(start, end), local[:end - start], dh_dc[:end - start])
            for t in reversed(range(start, end)):
                carried += grad[:, t]
                xp.multiply(grad_h, dh_dc[t - start], out=through_h)
                grad_c += through_h
                xp.multiply(grad_c[:, None], local[t - start, :, :3], out=grad_gates[t, :, :3])
                xp.multiply(grad_h, local[t - start, :, 3], out=grad_gates[t, :, 3])
                grad_c *= gates[t, :, 1]
                xp.matmul(grad_gates[t].reshape(batch, -1), recurrent_kernel_t, out=grad_h)
                self.mask_recurrent_gradient(grad_h)
        grad_gates = grad_gates.reshape(gates.shape[0], gates.shape[1], -1)
        grad_recurrent_kernel = self.recurrent_kernel_gradient(h, grad_gates)
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

    def forward(self, x, kernel, recurrent_kernel, bias=None, initial_h=None):
        xp = xp_of(x)
        projection = self.project_inputs(x, kernel, None if bias is None else bias[0])
        steps, batch, width = projection.shape
        units = width // 3
        gates = projection.reshape(steps, batch, 3, units)
        inner = xp.empty_like(gates)  # h @ recurrent_kernel + recurrent_bias, every step
        states = self.new_states(1, steps, (initial_h,), gates[0, :, 0])
        h = states[0]
        recurrent_kernel = xp.ascontiguousarray(recurrent_kernel)
        reset_part, dropped = xp.empty_like(h[0]), xp.empty_like(h[0])
        for t in range(steps):
            xp.matmul(self.recurrent_input(h[t], dropped), recurrent_kernel, out=inner[t].reshape(batch, width))
            if bias is not None:
                inner[t] += bias[1].reshape(3, units)
            gates[t, :, :2] += inner[t, :, :2]
            self.gate(gates[t, :, :2], out=gates[t, :, :2])
            z, r, hh = (gates[t, :, k] for k in range(3))
            xp.multiply(r, inner[t, :, 2], out=reset_part)
            hh += reset_part
            self.activation(hh, out=hh)
            xp.subtract(h[t], hh, out=h[t + 1])
            h[t + 1] *= z
            h[t + 1] += hh
        self.recurrent_kernel, self.gates, self.inner, self.states = recurrent_kernel, gates, inner, states
        self.has_bias = bias is not None
        return states[:, 1:]

    def backward(self, grad):
        xp = xp_of(grad)
        gates, h = self.gates, self.states[0]
        z, r, hh = (gates[:, :, k] for k in range(3))
        # How h_t moves with the candidate's pre-activation, and with each column
        # block of the recurrent product (z, r, h), for every step at once.
        candidate_local = xp.empty_like(hh)
        self.activation_derivative(hh, out=candidate_local)
        candidate_local *= 1 - z
        z_local, r_local = xp.empty_like(hh), xp.empty_like(hh)
        self.gate_derivative(z, out=z_local)
        self.gate_derivative(r, out=r_local)
        local = xp.empty_like(gates)
        local[:, :, 0] = (h[:-1] - hh) * z_local
        local[:, :, 1] = candidate_local * self.inner[:, :, 2] * r_local
        local[:, :, 2] = candidate_local * r
        grad_inner = xp.empty_like(gates)
        grad_h_steps = xp.empty_like(h[1:])
        recurrent_kernel_t = self.transposed_recurrent_kernel()
        grad_h = xp.zeros_like(h[0])
        through_product = xp.empty_like(grad_h)
        for t in reversed(range(gates.shape[0])):
            grad_h += grad[0, t]
            grad_h_steps[t] = grad_h
            xp.multiply(grad_h[:, None], local[t], out=grad_inner[t])
            xp.matmul(grad_inner[t].reshape(grad_h.shape[0], -1), recurrent_kernel_t, out=through_product)
            self.mask_recurrent_gradient(through_product)
            grad_h *= z[t]
            grad_h += through_product
        grad_projection = grad_inner.copy()
        grad_projection[:, :, 2] = grad_h_steps * candidate_local
        grad_inner = grad_inner.reshape(gates.shape[0], gates.shape[1], -1)
        grad_recurrent_kernel = self.recurrent_kernel_gradient(h, grad_inner)
        grad_x, grad_kernel, grad_input_bias = self.input_gradients(grad_projection)
        grad_bias = None
        if self.has_bias:
            grad_bias = xp.stack([grad_input_bias, grad_inner.sum(axis=(0, 1))])
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
        projection = self.project_inputs(x, kernel, bias)
        states = self.new_states(1, projection.shape[0], (initial_h,), projection[0])
        h = states[0]
        recurrent_kernel = xp.ascontiguousarray(recurrent_kernel)
        dropped = xp.empty_like(h[0])
        for t in range(projection.shape[0]):
            xp.matmul(self.recurrent_input(h[t], dropped), recurrent_kernel, out=h[t + 1])
            h[t + 1] += projection[t]
            self.activation(h[t + 1], out=h[t + 1])
        self.recurrent_kernel, self.states, self.has_bias = recurrent_kernel, states, bias is not None
        return states[:, 1:]

    def backward(self, grad):
        xp = xp_of(grad)
        h = self.states[0]
        local = xp.empty_like(h[1:])
        self.activation_derivative(h[1:], out=local)
        grad_projection = xp.empty_like(grad[0])
        recurrent_kernel_t = self.transposed_recurrent_kernel()
        grad_h = xp.zeros_like(h[0])
        for t in reversed(range(grad.shape[1])):
            grad_h += grad[0, t]
            xp.multiply(grad_h, local[t], out=grad_projection[t])
            xp.matmul(grad_projection[t], recurrent_kernel_t, out=grad_h)
            self.mask_recurrent_gradient(grad_h)
        grad_recurrent_kernel = self.recurrent_kernel_gradient(h, grad_projection)
        grad_x, grad_kernel, grad_bias = self.input_gradients(grad_projection)
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


def _keras_outputs(steps, return_sequences, return_state):
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
    return [output] + [Select((k, -1))(steps) for k in range(steps.shape[0])]


def lstm(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, activation="tanh",
         recurrent_activation="sigmoid", return_sequences=False, return_state=False, go_backwards=False,
         recurrent_mask=None):
    """Run an LSTM over `inputs` (batch, time, features); Keras 3 weights and outputs.

    `initial_state` is ``[h, c]`` or None for zeros. Returns the output, or
    ``[output, h, c]`` with `return_state`. With `go_backwards` the sequence is
    read last step first, and a returned sequence keeps that reversed order.
    `recurrent_mask`, an array (batch, units) or None, is recurrent dropout:
    it multiplies h_{t-1} in the recurrent product at every step.
    The same computation, one step at a time: ``layers.RNN(layers.LSTMCell(units))``.

    Example:
        y = ops.lstm(x, kernel, recurrent_kernel, bias, return_sequences=True)
    """
    h, c = initial_state if initial_state is not None else (None, None)
    op = LSTM(activation, recurrent_activation, go_backwards, recurrent_mask)
    return _keras_outputs(op(inputs, kernel, recurrent_kernel, bias, h, c), return_sequences, return_state)


def gru(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, activation="tanh",
        recurrent_activation="sigmoid", return_sequences=False, return_state=False, go_backwards=False,
        recurrent_mask=None):
    """Run a GRU (reset_after=True, bias (2, 3u)) over `inputs`; ``[output, h]`` with `return_state`.

    `recurrent_mask` as in `lstm`: it masks h_{t-1} in the recurrent product
    only; the update ``z * h_{t-1}`` uses the unmasked state.
    The same computation, one step at a time: ``layers.RNN(layers.GRUCell(units))``.
    """
    h = initial_state[0] if initial_state is not None else None
    op = GRU(activation, recurrent_activation, go_backwards, recurrent_mask)
    return _keras_outputs(op(inputs, kernel, recurrent_kernel, bias, h), return_sequences, return_state)


def simple_rnn(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, activation="tanh",
               return_sequences=False, return_state=False, go_backwards=False, recurrent_mask=None):
    """Run a SimpleRNN over `inputs`; ``[output, h]`` with `return_state`; `recurrent_mask` as in `lstm`.

    The same computation, one step at a time: ``layers.RNN(layers.SimpleRNNCell(units))``.
    """
    h = initial_state[0] if initial_state is not None else None
    op = SimpleRNN(activation, go_backwards=go_backwards, recurrent_mask=recurrent_mask)
    return _keras_outputs(op(inputs, kernel, recurrent_kernel, bias, h), return_sequences, return_state)
