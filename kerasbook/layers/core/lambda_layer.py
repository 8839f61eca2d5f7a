"""`Lambda`: any function of tensors as a layer, ``Lambda(lambda x: x ** 2)``."""
import inspect

from ...engine.keras_tensor import flatten, is_symbolic
from ...engine.layer import Layer
from ...engine.output_inference import infer_output
from .operation_layer import from_config, to_config


class Lambda(Layer):
    """Wraps `function(inputs, **arguments)` as a layer, for quick expressions in a model.

    Args:
        function: takes the input tensor (or the list of inputs) first; it may
            also take `training` and `mask`, which it is then given.
        output_shape: the output shape without the batch axis (a tuple; the
            batch axis is the input's), or a function of the whole input shape.
            Left out, it is found by running `function` on small arrays.
        mask: a function ``mask(inputs, previous_mask)`` or a fixed mask, kept as
            Keras keeps it (`compute_mask`); kerasbook's layers do not read masks.
        arguments: keyword arguments for `function`.

    A Lambda is Python code: its config records the function's name, and a file
    never brings code back (rebuild the Lambda in Python, or pass the function
    when loading). For anything worth saving, write a `Layer` subclass.

    Example:
        def sampling(args):
            z_mean, z_log_var = args
            epsilon = K.random_normal(shape=K.shape(z_mean))
            return z_mean + K.exp(0.5 * z_log_var) * epsilon
        z = Lambda(sampling, output_shape=(2,))([z_mean, z_log_var])
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda '{self.name}' expects a function, received {function!r}.")
        self.function = function
        self.output_shape_argument = tuple(output_shape) if isinstance(output_shape, list) else output_shape
        self.mask = mask
        self.arguments = arguments or {}
        parameters = _parameters(function)
        self.function_takes_training = "training" in parameters
        self.function_takes_mask = "mask" in parameters
        self.input_dtypes = self.result_dtype = None  # known once the layer is called on symbolic tensors

    def __call__(self, inputs, *args, **kwargs):
        if is_symbolic(inputs):
            self.input_dtypes = [tensor.dtype for tensor in flatten(inputs)]
        return super().__call__(inputs, *args, **kwargs)

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self.function_takes_mask:
            kwargs["mask"] = mask
        if self.function_takes_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_shape(self, input_shape):
        given = self.output_shape_argument
        if given is None:
            shape, self.result_dtype = infer_output(self.call, input_shape, self.input_dtypes,
                                                    f"Lambda '{self.name}'")
            return shape
        if callable(given):
            return given(input_shape)
        batch_size = (input_shape[0] if isinstance(input_shape, list) else input_shape)[0]
        return (batch_size,) + tuple(given)

    @property
    def output_dtype(self):
        return self.result_dtype or self.dtype

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        config = {**super().get_config(), "function": python_code(self.function),
                  "arguments": to_config(self.arguments)}
        if self.output_shape_argument is not None:
            given = self.output_shape_argument
            config["output_shape"] = python_code(given) if callable(given) else list(given)
        if self.mask is not None:
            config["mask"] = python_code(self.mask) if callable(self.mask) else to_config(self.mask)
        return config

    @classmethod
    def from_config(cls, config):
        """A Lambda from a config whose functions the caller has already found (e.g. in custom_objects).

        kerasbook never turns a config back into code: where the config still
        holds the Python-code marker, this raises, naming the function.
        """
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            value = config.get(key)
            if isinstance(value, dict) and value.get("class_name") in ("__python_code__", "__lambda__"):
                name = value.get("config", {}).get("name", "<lambda>") if isinstance(value.get("config"), dict) \
                    else "<lambda>"
                raise ValueError(
                    f"Lambda '{config.get('name')}' wraps Python code (its {key} is {name!r}), and kerasbook never "
                    f"loads code from a file. Build the Lambda again in Python, or pass the function when loading, "
                    f"e.g. custom_objects={{'{name}': {name}}}.")
        if isinstance(config.get("dtype"), dict):  # Keras's DTypePolicy
            config["dtype"] = config["dtype"]["config"]["name"]
        config["arguments"] = from_config(config.get("arguments") or {})
        return cls(**config)


def python_code(function):
    """How a config names a Python function: by name and module, marked as code that is never loaded from a file."""
    return {"class_name": "__python_code__",
            "config": {"name": getattr(function, "__name__", repr(function)),
                       "module": getattr(function, "__module__", None)}}


def _parameters(function):
    try:
        return inspect.signature(function).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        return {}
