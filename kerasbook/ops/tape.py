"""Reverse-mode automatic differentiation by recording a tape.

While a `GradientTape` is open, every differentiable op that touches a tensor
needing a gradient appends `(function, inputs, output)` to it. `gradient()` walks
the tape backwards once, handing each op the gradient of its output and
accumulating what it returns into the gradients of its inputs. Because the tape
is already in execution order, no graph sort is needed.

A gradient may come back as `IndexedSlices` (an embedding table's: only the rows
a batch used). It stays that way for a source the caller asked about, so the
optimizer can update just those rows, and becomes a dense array before an op's
backward reads it.
"""
from .indexed_slices import to_dense

_recording = []


class GradientTape:
    """Records the ops run inside a ``with`` block so gradients can be taken.

    Example:
        with GradientTape() as tape:
            loss = ops.mean(ops.square(model(x) - y))
        grads = tape.gradient(loss, model.trainable_weights)
    """

    def __init__(self):
        self.entries = []

    def __enter__(self):
        _recording.append(self)
        return self

    def __exit__(self, *exc_info):
        _recording.remove(self)

    def gradient(self, target, sources):
        """Gradients of the scalar `target` with respect to each tensor in `sources`.

        A source may be a weight or any tensor computed inside the tape; one the
        target does not depend on gets ``None``, and an embedding table gets
        `IndexedSlices`, as in TensorFlow.
        """
        xp = target.xp
        wanted = {id(source) for source in sources}
        grads = {id(target): xp.ones_like(target.data)}
        for function, inputs, output in reversed(self.entries):
            # Every use of `output` was recorded after it, so its gradient is complete here;
            # it is dropped once passed on, unless the caller asked for it.
            grad_output = grads.get(id(output)) if id(output) in wanted else grads.pop(id(output), None)
            if grad_output is None:
                continue
            for tensor, grad in zip(inputs, function.backward(to_dense(grad_output))):
                if grad is None or not getattr(tensor, "requires_grad", False):
                    continue
                key = id(tensor)
                if key in grads:
                    grads[key] = grads[key] + grad
                else:
                    grads[key] = grad
        self.entries = []
        return [grads.get(id(source)) for source in sources]


def active_tape():
    """The innermost open tape, or None when nothing is being recorded."""
    return _recording[-1] if _recording else None


class stop_recording:
    """Run ops without recording them, e.g. metrics computed during training."""

    def __enter__(self):
        self.saved = list(_recording)
        _recording.clear()

    def __exit__(self, *exc_info):
        _recording.extend(self.saved)
