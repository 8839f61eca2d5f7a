"""Optimizers: the rules that turn gradients into weight updates.

``model.compile(optimizer='adam')`` and ``optimizer=keras.optimizers.Adam(1e-3)``
both end up here: `get` turns a name, a config dict or an instance into an
optimizer.
"""
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD
from ..saving.object_registration import register_builtins
from ..saving.serialization_lib import deserialize_keras_object, serialize_keras_object

_BY_NAME = {cls.__name__.lower(): cls for cls in (SGD, RMSprop, Adagrad, Adadelta, Adam)}
register_builtins("optimizers", {cls.__name__: cls for cls in _BY_NAME.values()})


def _class_named(name):
    try:
        return _BY_NAME[name.lower()]
    except KeyError:
        raise ValueError(f"Unknown optimizer {name!r}: expected one of {sorted(_BY_NAME)}.") from None


def serialize(optimizer):
    """``{'module', 'class_name', 'config', 'registered_name'}``, Keras's form of an optimizer's settings."""
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    """A new optimizer from `serialize`'s dict (a built-in's class name is not case-sensitive)."""
    if config.get("class_name", "").lower() in _BY_NAME and not config.get("registered_name"):
        return _class_named(config["class_name"]).from_config(config.get("config", {}))
    return deserialize_keras_object(config, custom_objects=custom_objects, category="optimizers")


def get(identifier):
    """An optimizer from a name ('adam', 'SGD'), a `serialize` dict, or an instance.

    A name gives a new optimizer with Keras's defaults; an instance is returned as is.

    Example:
        optimizer = keras.optimizers.get('rmsprop')
    """
    if identifier is None or isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return _class_named(identifier)()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}.")
