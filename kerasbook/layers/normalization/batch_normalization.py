"""`BatchNormalization`: each feature rescaled to mean 0 and variance 1 over the batch, then shifted and scaled.

Training normalizes with the batch's own mean and variance, and folds them into
moving averages; inference uses those moving averages, so a prediction never
depends on what else is in its batch.
"""
from ...engine.input_spec import InputSpec
from ...engine.layer import Layer
from ...ops import math, normalization
from ..axes import broadcast_shape, canonical_axes


class BatchNormalization(Layer):
    """Normalizes over every axis but `axis` (the features); Keras 3's formulas and weights.

    In training (``fit``, or ``training=True``)::

        y = gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta
        moving_mean     = moving_mean * momentum + mean(x) * (1 - momentum)
        moving_variance = moving_variance * momentum + var(x) * (1 - momentum)

    with the batch's mean and biased variance; in inference, ``moving_mean`` and
    ``moving_variance`` take their place. ``gamma`` and ``beta`` are trained, the
    moving statistics are not (the summary counts them as non-trainable). A layer
    with ``trainable = False`` always runs as in inference, as in Keras.

    Example:
        model.add(Conv2D(32, 3))
        model.add(BatchNormalization())
        model.add(Activation('relu'))
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int):
            raise TypeError(f"BatchNormalization '{self.name}' expected an integer axis, received axis={axis!r}.")
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        self.center, self.scale = center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer

    def build(self, input_shape):
        (axis,) = canonical_axes(self, [self.axis], input_shape, sizes_known=True)
        features = (input_shape[axis],)
        self.gamma = self.add_weight("gamma", features, self.gamma_initializer) if self.scale else None
        self.beta = self.add_weight("beta", features, self.beta_initializer) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", features, self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", features, self.moving_variance_initializer,
                                               trainable=False)
        self._reduction_axes = [a for a in range(len(input_shape)) if a != axis]
        self._broadcast_shape = broadcast_shape(input_shape, [axis])
        self.input_spec = InputSpec(ndim=len(input_shape), axes={axis: input_shape[axis]})

    def call(self, inputs, training=False):
        if training and self.trainable:
            mean, variance = normalization.moments(inputs, self._reduction_axes)
            self._update_moving_statistics(mean, variance)
        else:
            mean, variance = self._broadcast(self.moving_mean), self._broadcast(self.moving_variance)
        return normalization.batch_normalization(inputs, mean, variance, offset=self._broadcast(self.beta),
                                                 scale=self._broadcast(self.gamma), epsilon=self.epsilon)

    def _update_moving_statistics(self, mean, variance):
        """Fold the batch's statistics into the moving ones, on the arrays: no gradient flows into them."""
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            moving.assign(moving.data * self.momentum + batch.data.reshape(-1) * (1.0 - self.momentum))

    def _broadcast(self, weight):
        return None if weight is None else math.reshape(weight, self._broadcast_shape)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "beta_initializer": self.beta_initializer,
                "gamma_initializer": self.gamma_initializer,
                "moving_mean_initializer": self.moving_mean_initializer,
                "moving_variance_initializer": self.moving_variance_initializer}
