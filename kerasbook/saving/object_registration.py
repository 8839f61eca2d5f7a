"""Which class a saved config names: kerasbook's own classes, and yours.

A saved model names every object by a class name (``"Dense"``, ``"Adam"``) and,
for a user's own class, a registered name (``"my_package>MyLayer"``). Loading
finds the class here. Each of kerasbook's packages registers its public
classes when it is imported (`register_builtins`); a user registers a class
with `register_keras_serializable`, or passes it at load time in
``custom_objects={"MyLayer": MyLayer}``. Nothing is imported by name from a
file: a name not found here is an error, never an import.
"""
import contextlib

_BUILTINS = {}  # (category, name) -> class or function; category: 'layers', 'optimizers', …
_CUSTOM_OBJECTS = {}  # registered name -> class or function (`register_keras_serializable`)
_REGISTERED_NAMES = {}  # class or function -> its registered name
_SCOPES = []  # the `custom_objects` of the loads in progress, innermost last


def register_builtins(category, namespace):
    """Record a package's public classes (and functions) under their Keras names.

    `namespace` is ``{name: object}``, e.g. a package's ``globals()``; every
    class in it is registered under each name it has there (aliases too, such as
    ``Convolution2D``), and under its own class name.
    """
    for name, value in namespace.items():
        if not name.startswith("_") and callable(value):
            _BUILTINS[(category, name)] = value
            if isinstance(value, type):
                _BUILTINS.setdefault((category, value.__name__), value)


def register_keras_serializable(package="Custom", name=None):
    """Decorator: let saved models name this class (or function) and find it again.

    The object is saved as ``"package>name"`` and loads without `custom_objects`.

    Example:
        @keras.saving.register_keras_serializable(package="my_layers")
        class Scale(keras.layers.Layer):
            ...
    """
    def decorator(obj):
        registered_name = f"{package}>{name or obj.__name__}"
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot register {obj.__name__}: a class must have a `get_config()` method to be "
                             f"saved.")
        if registered_name in _CUSTOM_OBJECTS:
            raise ValueError(f"{registered_name} has already been registered to "
                             f"{_CUSTOM_OBJECTS[registered_name]}.")
        _CUSTOM_OBJECTS[registered_name] = obj
        _REGISTERED_NAMES[obj] = registered_name
        return obj
    return decorator


def get_custom_objects():
    """The registry of user objects, ``{registered name: object}``; you may add to it directly.

    Example:
        get_custom_objects()["my_loss"] = my_loss
    """
    return _CUSTOM_OBJECTS


def get_registered_name(obj):
    """``"package>name"`` for a registered object, else its own name."""
    return _REGISTERED_NAMES.get(obj, getattr(obj, "__name__", type(obj).__name__))


@contextlib.contextmanager
def custom_object_scope(custom_objects):
    """Within this block, loading also finds the objects of `custom_objects` (``{name: object}``)."""
    _SCOPES.append(dict(custom_objects or {}))
    try:
        yield
    finally:
        _SCOPES.pop()


CustomObjectScope = custom_object_scope


def get_registered_object(name, category=None, module=None):
    """The class or function a config names, or None.

    A user's objects come first (the innermost `custom_object_scope`, then the
    registered ones), then kerasbook's own. Among kerasbook's, `category` (or a
    category named in Keras's `module` path, such as ``keras.src.optimizers.adam``)
    decides between classes that share a name: the loss and the metric
    ``MeanSquaredError``.
    """
    custom = get_custom_object(name)
    if custom is not None:
        return custom
    found = {c: obj for (c, n), obj in _BUILTINS.items() if n == name}
    if category in found:
        return found[category]
    for part in reversed((module or "").split(".")):
        if part in found:
            return found[part]
    return next(iter(found.values()), None)


def get_custom_object(name):
    """A user's object by name (the load's `custom_objects`, then the registered ones), or None."""
    for scope in reversed(_SCOPES):
        if name in scope:
            return scope[name]
    return _CUSTOM_OBJECTS.get(name)


def builtin_name(obj):
    """(category, Keras name) of one of kerasbook's own classes or functions, or None."""
    names = [(category, name) for (category, name), value in _BUILTINS.items() if value is obj]
    own = [(category, name) for category, name in names if name == getattr(obj, "__name__", None)]
    return (own or names or [None])[0]
