"""The three weights every recurrent layer and cell has: kernel, recurrent_kernel, bias.

`LSTM`, `GRU`, `SimpleRNN` and their cells differ in how many gates sit side by
side in those weights (4, 3, 1) and in what they compute with them; how the
weights are named, made, penalised, constrained and written in a config is the
same for all six, and lives here.
"""
from ... import constraints, initializers, regularizers


class RecurrentWeights:
    """Mixin for a `Layer` with `units` and Keras's three recurrent weights."""

    def set_recurrent_arguments(self, units, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                                kernel_regularizer, recurrent_regularizer, bias_regularizer,
                                kernel_constraint, recurrent_constraint, bias_constraint):
        """Check `units` and keep the weights' arguments (regularizers and constraints looked up by name)."""
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': units must be a positive integer, "
                             f"received {units!r}.")
        self.units, self.use_bias = units, use_bias
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def add_recurrent_weights(self, features, gates, bias_shape=None):
        """Create kernel (features, gates·units), recurrent_kernel (units, gates·units) and bias, in Keras's order."""
        width = gates * self.units
        self.kernel = self.add_weight("kernel", (features, width), self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, width), self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight("bias", bias_shape or (width,), self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)

    def recurrent_arguments_config(self):
        """`units`, `use_bias` and the weights' arguments, as Keras writes them in a config."""
        return {"units": self.units, "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}
