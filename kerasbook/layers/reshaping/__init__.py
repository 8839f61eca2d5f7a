from ..convolutional import (  # Keras 3's home for these; kerasbook keeps them beside ZeroPadding2D (Keras 2)
    Cropping1D, Cropping2D, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D,
)
from .flatten import Flatten
from .permute import Permute
from .repeat_vector import RepeatVector
from .reshape import Reshape
