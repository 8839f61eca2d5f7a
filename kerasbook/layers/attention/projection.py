"""`Projection`: a Dense whose kernel keeps attention heads as axes of their own (Keras's EinsumDense in MHA)."""
import math as pymath

from ... import initializers
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops import math, nn


class Projection(Layer):
    """``x @ kernel + bias`` over the last `contracted` axes of x, with a kernel of shape `kernel_shape`.

    The first `contracted` axes of the kernel meet the input's last axes; the rest
    are the output's last axes, and the bias has their shape. MultiHeadAttention
    projects (batch, T, dim) with a (dim, heads, key_dim) kernel into (batch, T,
    heads, key_dim), and back with a (heads, value_dim, dim) kernel: Keras's
    EinsumDense ``'abc,cde->abde'`` and ``'abcd,cde->abe'``. It runs as one matrix
    product: the contracted axes flattened into one, the kernel into a matrix.
    """

    def __init__(self, kernel_shape, contracted=1, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", **kwargs):
        super().__init__(**kwargs)
        self.kernel_shape, self.contracted, self.use_bias = tuple(kernel_shape), contracted, use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.input_spec = InputSpec(min_ndim=contracted + 1, axes={
            axis - contracted: size for axis, size in enumerate(self.kernel_shape[:contracted])})

    def build(self, input_shape):
        self.kernel = self.add_weight("kernel", self.kernel_shape, self.kernel_initializer)
        self.bias = (self.add_weight("bias", self.kernel_shape[self.contracted:], self.bias_initializer)
                     if self.use_bias else None)

    def call(self, inputs):
        inner, outer = self.kernel_shape[:self.contracted], self.kernel_shape[self.contracted:]
        leading = tuple(inputs.shape[:-self.contracted])
        flat = math.reshape(inputs, leading + (pymath.prod(inner),))
        kernel = math.reshape(self.kernel, (pymath.prod(inner), pymath.prod(outer)))
        if self.use_bias:
            outputs = nn.dense(flat, kernel, math.reshape(self.bias, (pymath.prod(outer),)))
        else:
            outputs = nn.dense(flat, kernel)
        return math.reshape(outputs, leading + outer)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-self.contracted]) + self.kernel_shape[self.contracted:]

    def get_config(self):
        return {**super().get_config(), "kernel_shape": self.kernel_shape, "contracted": self.contracted,
                "use_bias": self.use_bias, "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer)}
