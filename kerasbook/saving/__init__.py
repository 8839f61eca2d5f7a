"""Saving and loading models in Keras 3's files: `.keras`, `.weights.h5`, legacy `.h5`, and JSON configs.

The files are data: configs are JSON, weights HDF5 datasets, read with no
pickle and no eval. This package knows models only through what every object
offers (`get_config`, `from_config`, weights); each package registers its own
classes in `object_registration`, which is how a class name in a file finds
its class.

Example:
    model.save('model.keras')
    model = keras.saving.load_model('model.keras')
"""
from .object_registration import (
    CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name, get_registered_object,
    register_keras_serializable,
)
from .saving_api import is_keras_weights_file, load_model, load_weights, model_from_json, save_model, save_weights
from .serialization_lib import deserialize_keras_object, serialize_keras_object
