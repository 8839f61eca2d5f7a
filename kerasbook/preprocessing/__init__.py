"""The Keras-2 path ``keras.preprocessing`` (Keras 3 moved its helpers to ``keras.utils``)."""
from . import sequence, text
