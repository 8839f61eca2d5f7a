"""Objects to Keras 3's config dicts and back: the language of config.json and `to_json`.

Every object is saved as ``{"module", "class_name", "config", "registered_name"}``
(layers add ``build_config``, a compiled model ``compile_config``), and a
function as ``{"class_name": "function", "config": name}``. Loading looks the
class up by name (`object_registration`) and calls its `from_config`: a file
is data, and nothing in it is imported or run. The one exception is a Python
lambda, which Keras saves as code: it loads only with ``safe_mode=False``.
"""
import base64
import contextlib
import inspect
import marshal
import types

import numpy

from . import object_registration

_PLAIN_TYPES = (str, int, float, bool)
_SAFE_MODE = [True]  # innermost load's setting last
_SHARED_OBJECTS = [{}]  # Keras's `shared_object_id`s of the load in progress
_SERIALIZED = [None]  # the objects the save in progress has written, by id


def keras_module(category, class_name):
    """The module Keras writes for one of its classes: 'keras.layers', 'keras' for Sequential, …"""
    return {"Sequential": "keras", "Functional": "keras.src.models.functional",
            "DTypePolicy": "keras"}.get(class_name, f"keras.{category}")


def serialize_keras_object(obj):
    """A JSON-ready dict (or plain value) that `deserialize_keras_object` turns back into `obj`.

    Example:
        config = serialize_keras_object(keras.optimizers.Adam(1e-3))
        # {'module': 'keras.optimizers', 'class_name': 'Adam', 'config': {...}, 'registered_name': None}
    """
    if obj is None or isinstance(obj, _PLAIN_TYPES):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, dict):
        if _SERIALIZED[-1] is not None and id(obj) in _SERIALIZED[-1]["configs"]:
            return obj  # already an object's config (a layer's get_config holding a sub-layer's)
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, numpy.generic):
        return obj.item()
    if isinstance(obj, numpy.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": str(obj.dtype)}}
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        return {"class_name": "__lambda__", "config": {"value": _dump_function(obj)}}
    builtin = object_registration.builtin_name(obj if _is_function(obj) else type(obj))
    if _is_function(obj):
        name = builtin[1] if builtin else object_registration.get_registered_name(obj)
        return {"module": keras_module(builtin[0], "function") if builtin else obj.__module__,
                "class_name": "function", "config": name, "registered_name": name}
    if not hasattr(obj, "get_config"):
        raise TypeError(f"Cannot save {obj!r} of type {type(obj).__name__}: to be saved, a class needs a "
                        f"`get_config()` method.")
    with _serialization_scope() as scope:
        if id(obj) in scope["objects"]:  # a second mention of one object: both say so, and loading makes it once
            first = scope["objects"][id(obj)][1]
            first["shared_object_id"] = id(obj)
            config = dict(first)
        else:
            config = _object_config(obj, builtin)
            scope["objects"][id(obj)] = (obj, config)  # holds `obj`, so its id stays its own
        scope["configs"][id(config)] = config
        return config


@contextlib.contextmanager
def _serialization_scope():
    """What one top-level `serialize_keras_object` call has written so far: objects and their configs, by id."""
    outermost = _SERIALIZED[-1] is None
    if outermost:
        _SERIALIZED.append({"objects": {}, "configs": {}})
    try:
        yield _SERIALIZED[-1]
    finally:
        if outermost:
            _SERIALIZED.pop()


def _object_config(obj, builtin):
    class_name = getattr(obj, "type_name", None) or type(obj).__name__
    config = {
        "module": keras_module(builtin[0], class_name) if builtin else type(obj).__module__,
        "class_name": class_name,
        "config": serialize_keras_object(obj.get_config()),
        "registered_name": None if builtin else object_registration.get_registered_name(type(obj)),
    }
    build_config = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build_config is not None:
        config["build_config"] = serialize_keras_object(build_config)
    compile_config = obj.get_compile_config() if hasattr(obj, "get_compile_config") else None
    if compile_config is not None:
        config["compile_config"] = serialize_keras_object(compile_config)
    return config


def deserialize_keras_object(config, custom_objects=None, safe_mode=None, category=None):
    """The object a `serialize_keras_object` dict describes (strings and numbers pass through).

    `custom_objects` (``{name: class or function}``) names your own classes;
    `safe_mode` (True unless a load in progress said otherwise) refuses saved
    Python code; `category` ('layers', 'losses', …) settles a name two packages share.

    Example:
        layer = deserialize_keras_object({"class_name": "Dense", "config": {"units": 3}})
    """
    with custom_object_and_safe_mode_scope(custom_objects, safe_mode):
        return _deserialize(config, category)


@contextlib.contextmanager
def custom_object_and_safe_mode_scope(custom_objects, safe_mode):
    """What a whole load shares: its custom objects, its safe mode, its shared objects."""
    outermost = len(_SAFE_MODE) == 1
    _SAFE_MODE.append(safe_mode if safe_mode is not None else _SAFE_MODE[-1])
    if outermost:
        _SHARED_OBJECTS.append({})
    try:
        with object_registration.custom_object_scope(custom_objects):
            yield
    finally:
        _SAFE_MODE.pop()
        if outermost:
            _SHARED_OBJECTS.pop()


def in_safe_mode():
    return _SAFE_MODE[-1]


def _deserialize(config, category=None):
    if config is None or isinstance(config, _PLAIN_TYPES):
        if isinstance(config, str):
            found = object_registration.get_custom_object(config)
            return found if found is not None else config
        return config
    if isinstance(config, (list, tuple)):
        return [_deserialize(item, category) for item in config]
    if not isinstance(config, dict):
        raise TypeError(f"Could not read config {config!r}: expected a dict, a list or a plain value.")
    if "class_name" not in config or "config" not in config:
        return {key: _deserialize(value) for key, value in config.items()}
    class_name, inner = config["class_name"], config["config"]
    if class_name == "__keras_tensor__":
        return config  # a functional model's `from_config` reads these itself
    if class_name in ("__numpy__", "__tensor__"):
        return numpy.array(inner["value"], dtype=inner["dtype"])
    if class_name == "__bytes__":
        return inner["value"].encode("utf-8")
    if class_name == "__lambda__":
        if in_safe_mode():
            raise ValueError("Requested the deserialization of a Python lambda. This carries a potential risk of "
                             "arbitrary code execution and thus it is disallowed by default. If you trust the "
                             "source of the file, pass `safe_mode=False` to the loading function.")
        return _load_function(inner["value"])
    if class_name == "function":
        name = config.get("registered_name") or inner
        found = object_registration.get_registered_object(name, category, config.get("module"))
        if found is None and inner != name:
            found = object_registration.get_registered_object(inner, category, config.get("module"))
        if found is None:
            raise ValueError(f"Could not locate function {inner!r}. Make sure custom functions are decorated with "
                             f"`@keras.saving.register_keras_serializable()` or passed in "
                             f"custom_objects={{'{inner}': {inner}}}.")
        return found
    shared_id = config.get("shared_object_id")
    if shared_id is not None and shared_id in _SHARED_OBJECTS[-1]:
        return _SHARED_OBJECTS[-1][shared_id]
    cls = _find_class(config, category)
    if not isinstance(inner, dict):
        raise TypeError(f"Expected 'config' to be a dict for {class_name}, received {inner!r}.")
    instance = cls.from_config(inner)
    build_config = config.get("build_config")
    if build_config and hasattr(instance, "build_from_config") and not instance.built:
        instance.build_from_config(build_config)
    compile_config = config.get("compile_config")
    if compile_config and hasattr(instance, "compile_from_config"):
        instance.compile_from_config(compile_config)
    if shared_id is not None:
        _SHARED_OBJECTS[-1][shared_id] = instance
    return instance


def _find_class(config, category):
    class_name, registered_name = config["class_name"], config.get("registered_name")
    found = None
    if registered_name and registered_name != class_name:
        found = object_registration.get_registered_object(registered_name)
    if found is None:
        found = object_registration.get_registered_object(class_name, category, config.get("module"))
    if found is None:
        raise TypeError(f"Could not locate class '{class_name}'. Make sure custom classes are decorated with "
                        f"`@keras.saving.register_keras_serializable()` or passed in "
                        f"custom_objects={{'{class_name}': {class_name}}}. Full object config: {config}")
    if not hasattr(found, "from_config"):
        raise TypeError(f"Unable to reconstruct an instance of '{class_name}': the class has no `from_config()`.")
    return found


def _is_function(obj):
    return isinstance(obj, (types.FunctionType, types.BuiltinFunctionType))


# --- Keras's arguments that kerasbook lacks ------------------------------------

# Arguments Keras writes that kerasbook has not got, at the values where they change nothing.
# A config that sets one to anything else is refused, naming it.
_WITHOUT_EFFECT = {"autocast": True, "groups": 1, "data_format": "channels_last", "dtype": "float32",
                   "reduction": "sum_over_batch_size", "axis": -1, "renorm_momentum": 0.99, "ema_momentum": 0.99}
_ANY_VALUE = {"seed"}  # only picks the random numbers


def constructor_arguments(cls, config):
    """`config` without the Keras arguments `cls` does not take and that change nothing.

    Keras's own configs carry options kerasbook has not got (``kernel_regularizer:
    None``, ``groups: 1``, ``quantization_config: None``). Those at a value
    without effect are dropped; any other value is a TypeError that names it.
    """
    accepted = _parameters(cls)
    arguments = {}
    for key, value in config.items():
        if key in accepted:
            arguments[key] = value
        elif not (value in (None, False, 0, {}, []) or key in _ANY_VALUE
                  or _WITHOUT_EFFECT.get(key, object()) == value):
            name = config.get("name")
            raise TypeError(f"{cls.__name__}{f' {name!r}' if name else ''}: kerasbook has no argument {key!r} "
                             f"(the config sets {key}={value!r}).")
    return arguments


def _parameters(cls):
    """The names `cls(...)` accepts, following ``**kwargs`` up the base classes' `__init__`s."""
    names = set()
    for klass in cls.__mro__:
        if klass is object or "__init__" not in vars(klass):
            continue
        parameters = inspect.signature(klass.__init__).parameters.values()
        names.update(p.name for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL))
        if not any(p.kind == p.VAR_KEYWORD for p in parameters):
            break
    names.discard("self")
    return names


# --- lambdas: Keras saves their bytecode ----------------------------------------

def _dump_function(function):
    """Keras's form of a lambda: [bytecode in base64, defaults, closure] (readable by the same Python only)."""
    return [base64.encodebytes(marshal.dumps(function.__code__)).decode("ascii"), function.__defaults__, None]


def _load_function(code):
    """A lambda from `_dump_function`'s text; runs code from the file, hence safe mode."""
    raw = base64.b64decode(code[0] if isinstance(code, (list, tuple)) else code)
    return types.FunctionType(marshal.loads(raw), globals())


def dtype_policy(dtype):
    """Keras's config of a layer's dtype: a ``DTypePolicy`` object named after the dtype."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": str(dtype)},
            "registered_name": None}
