"""`clone_model`: the same architecture with new layers and fresh weights."""
from ..saving.serialization_lib import deserialize_keras_object, serialize_keras_object


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with `model`'s layers rebuilt from their configs: same structure, newly initialised weights.

    Example:
        twin = keras.models.clone_model(model)
        twin.set_weights(model.get_weights())  # to start from the same weights
    """
    if input_tensors is not None or clone_function is not None:
        raise NotImplementedError("clone_model(input_tensors=…, clone_function=…) is not implemented; "
                                  "clone_model(model) rebuilds the model from its config.")
    config = serialize_keras_object(model)
    config.pop("compile_config", None)  # Keras's clone is not compiled
    return deserialize_keras_object(config, category="models")
