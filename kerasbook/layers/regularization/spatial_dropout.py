"""`SpatialDropout1D` and `SpatialDropout2D`: dropout of whole feature maps, not single values.

Neighbouring steps or pixels of one channel are strongly correlated, so dropping
them one by one hardly regularizes; dropping a channel everywhere does.
"""
from ...config import image_data_format
from ...engine.input_spec import InputSpec
from ..core.dropout import Dropout


class SpatialDropout1D(Dropout):
    """Dropout with one draw per (sample, channel) of a ``(batch, steps, channels)`` input.

    Example:
        model.add(Embedding(20000, 128))
        model.add(SpatialDropout1D(0.2))
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, noise_shape=(None, 1, None), seed=seed, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def get_config(self):
        config = {**super().get_config(), "seed": self.seed}
        del config["noise_shape"], config["trainable"]  # Keras's SpatialDropout takes neither
        return config


class SpatialDropout2D(Dropout):
    """Dropout with one draw per (sample, channel) of a ``(batch, rows, cols, channels)`` input
    (``(batch, channels, rows, cols)`` with ``data_format='channels_first'``).

    Example:
        model.add(Conv2D(32, 3, activation='relu'))
        model.add(SpatialDropout2D(0.25))
    """

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        data_format = data_format or image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"SpatialDropout2D expected data_format 'channels_last' or 'channels_first', "
                             f"received data_format={data_format!r}.")
        noise_shape = (None, 1, 1, None) if data_format == "channels_last" else (None, None, 1, 1)
        super().__init__(rate, noise_shape=noise_shape, seed=seed, **kwargs)
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=4)

    def get_config(self):
        config = {**super().get_config(), "data_format": self.data_format, "seed": self.seed}
        del config["noise_shape"], config["trainable"]  # Keras's SpatialDropout takes neither
        return config
