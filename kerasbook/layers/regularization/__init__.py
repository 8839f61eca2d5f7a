from .activity_regularization import ActivityRegularization
from .alpha_dropout import AlphaDropout
from .gaussian_dropout import GaussianDropout
from .gaussian_noise import GaussianNoise
from .spatial_dropout import SpatialDropout1D, SpatialDropout2D
