"""The base of every differentiable primitive: forward on arrays, backward beside it."""
from .tape import _recording
from .tensor import Tensor


class Function:
    """One differentiable operation.

    Subclasses write `forward(*arrays) -> array` and `backward(grad_output) ->
    tuple of input gradients` (``None`` for an input with no gradient). Forward
    keeps on ``self`` only what backward needs. Call an instance on tensors or
    arrays; the call is recorded on the open tape when an input needs a gradient.
    Backward may skip the work for inputs whose `needs_input_grad` entry is
    False (the data batch, say), as PyTorch's autograd lets its functions do.
    """

    needs_input_grad = ()

    def __call__(self, *inputs):
        arrays = [x.data if isinstance(x, Tensor) else _value(x, self) for x in inputs]
        output = Tensor(self.forward(*arrays))
        if _recording:
            needs = tuple(isinstance(x, Tensor) and x.requires_grad for x in inputs)
            if any(needs):
                self.needs_input_grad = needs
                output.requires_grad = True
                _recording[-1].entries.append((self, inputs, output))
        return output

    def forward(self, *arrays):
        raise NotImplementedError

    def backward(self, grad_output):
        raise NotImplementedError


def _value(x, function):
    """An input that is not a Tensor: an array or a number, never a symbolic tensor (it has no values yet)."""
    if getattr(x, "symbolic", False) is True:  # a KerasTensor
        raise TypeError(f"{type(function).__name__} received a symbolic tensor {x!r}: kerasbook.ops compute on "
                        f"values. In a functional model, use kerasbook.backend functions (K.mean(x)), operators "
                        f"(x * 2, x[:, 0]) or a Lambda layer, which become nodes of the graph.")
    return x


def sum_to_shape(grad, shape):
    """Undo broadcasting: sum `grad` over the axes that broadcasting stretched."""
    if grad.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, size in enumerate(shape) if size == 1 and grad.shape[extra + i] != 1
    )
    return grad.sum(axis=axes, keepdims=True).reshape(shape)
