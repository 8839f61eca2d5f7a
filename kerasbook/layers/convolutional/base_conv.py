"""What Conv1D and Conv2D share: their arguments, kernel and bias, output shape and config."""
from ... import activations, constraints, initializers, regularizers
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops.convolution import output_length


def as_tuple(value, rank, name, layer):
    """An int or a `rank`-tuple of ints as a tuple, as Keras accepts for sizes, strides and rates."""
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    if len(values) != rank or not all(isinstance(v, int) and v > 0 for v in values):
        raise ValueError(f"{type(layer).__name__} '{layer.name}': {name} must be a positive int or a tuple of "
                         f"{rank} positive ints, received {value!r}.")
    return values


def check_channels_last(layer, data_format):
    """kerasbook keeps channels on the last axis; say so plainly when asked for anything else."""
    if data_format not in (None, "channels_last"):
        raise ValueError(f"{type(layer).__name__} '{layer.name}' supports only data_format='channels_last' "
                         f"(inputs shaped (batch, ..., channels)), received {data_format!r}.")


class BaseConv(Layer):
    """A convolution layer of `rank` spatial axes: ``activation(convolution(x, kernel) + bias)``.

    Subclasses set `rank` and `paddings` and write `call` with their op.
    """

    rank = None
    paddings = ("valid", "same")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(**kwargs)
        label = f"{type(self).__name__} '{self.name}'"
        if not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{label}: filters must be a positive integer, received {filters!r}.")
        self.filters = filters
        self.kernel_size = as_tuple(kernel_size, self.rank, "kernel_size", self)
        self.strides = as_tuple(strides, self.rank, "strides", self)
        self.dilation_rate = as_tuple(dilation_rate, self.rank, "dilation_rate", self)
        self.padding = padding.lower() if isinstance(padding, str) else padding
        if self.padding not in self.paddings:
            raise ValueError(f"{label}: padding must be one of {self.paddings}, received {padding!r}.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:  # as Keras refuses it
            raise ValueError(f"{label}: strides > 1 is not supported together with dilation_rate > 1, "
                             f"received strides={self.strides} and dilation_rate={self.dilation_rate}.")
        check_channels_last(self, data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def build(self, input_shape):
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' needs the channels (last axis) of its input "
                             f"to be known, received shape {input_shape}.")
        self.compute_output_shape(input_shape)  # refuse inputs smaller than the kernel now
        self.add_kernel_and_bias(self.kernel_size + (channels, self.filters))
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={-1: channels})

    def add_kernel_and_bias(self, kernel_shape):
        """The kernel (Keras's shape for this layer) and the bias, with their regularizers and constraints."""
        self.kernel = self.add_weight("kernel", kernel_shape, self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape):
        sizes = tuple(output_length(size, window, stride, self.padding, dilation) for size, window, stride, dilation
                      in zip(input_shape[1:-1], self.kernel_size, self.strides, self.dilation_rate))
        if 0 in sizes:
            raise ValueError(f"{type(self).__name__} '{self.name}': input of shape {tuple(input_shape)} is smaller "
                             f"than the kernel {self.kernel_size} with dilation_rate {self.dilation_rate} and "
                             f"padding '{self.padding}'; the output would be empty.")
        return (input_shape[0],) + sizes + (self.filters,)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding, "data_format": "channels_last",
                "dilation_rate": self.dilation_rate, "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}
