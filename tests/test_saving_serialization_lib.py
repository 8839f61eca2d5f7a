"""Configs in Keras 3's shape: every layer, optimizer, loss, metric and initializer, read and written both ways."""
import json

import numpy as np
import pytest

import kerasbook
from kerasbook import initializers, layers, losses, metrics, optimizers
from kerasbook.models import clone_model, model_from_json
from kerasbook.saving import (
    custom_object_scope, deserialize_keras_object, get_custom_objects, register_keras_serializable,
    serialize_keras_object,
)
from saving_guide_models import GUIDE_MODELS, real_keras

# Arguments for each layer, the same in kerasbook and Keras.
LAYERS = {
    "Dense": dict(units=3, activation="relu", kernel_initializer="he_normal"),
    "Dropout": dict(rate=0.3), "Activation": dict(activation="tanh"), "Flatten": {},
    "Embedding": dict(input_dim=20, output_dim=4), "Reshape": dict(target_shape=(2, 3)), "Permute": dict(dims=(2, 1)),
    "RepeatVector": dict(n=3), "Conv1D": dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2),
    "Conv2D": dict(filters=4, kernel_size=(3, 2), strides=(2, 1), padding="same"),
    "Conv1DTranspose": dict(filters=2, kernel_size=3, strides=2), "Conv2DTranspose": dict(filters=2, kernel_size=3),
    "SeparableConv2D": dict(filters=3, kernel_size=3), "DepthwiseConv2D": dict(kernel_size=3, depth_multiplier=2),
    "ZeroPadding1D": dict(padding=2), "ZeroPadding2D": dict(padding=((1, 0), (2, 1))),
    "Cropping1D": dict(cropping=(1, 2)),
    "Cropping2D": dict(cropping=((1, 0), (0, 1))), "UpSampling1D": dict(size=3), "UpSampling2D": dict(size=(2, 3)),
    "MaxPooling1D": dict(pool_size=3), "MaxPooling2D": dict(pool_size=(2, 2), strides=(1, 1), padding="same"),
    "AveragePooling1D": dict(pool_size=2), "AveragePooling2D": dict(pool_size=2),
    "GlobalMaxPooling1D": {}, "GlobalMaxPooling2D": dict(keepdims=True), "GlobalAveragePooling1D": {},
    "GlobalAveragePooling2D": {}, "LSTM": dict(units=4, return_sequences=True, go_backwards=True),
    "GRU": dict(units=4, return_state=True), "SimpleRNN": dict(units=3, activation="relu"),
    "LSTMCell": dict(units=3), "GRUCell": dict(units=3), "SimpleRNNCell": dict(units=3),
    "Concatenate": dict(axis=1), "Add": {}, "Subtract": {}, "Multiply": {}, "Average": {}, "Maximum": {}, "Minimum": {},
    "BatchNormalization": dict(momentum=0.9, epsilon=1e-3), "LayerNormalization": dict(epsilon=1e-5),
    "ReLU": dict(max_value=6.0), "LeakyReLU": dict(negative_slope=0.2), "ELU": dict(alpha=0.5), "PReLU": {},
    "Softmax": dict(axis=-1), "GaussianNoise": dict(stddev=0.1), "GaussianDropout": dict(rate=0.2),
    "AlphaDropout": dict(rate=0.1), "SpatialDropout1D": dict(rate=0.2), "SpatialDropout2D": dict(rate=0.2),
}


def jsonable(value):
    return json.loads(json.dumps(value))


def without_ids(config):
    """A config without Keras's `shared_object_id`s (object ids, different in every process)."""
    if isinstance(config, dict):
        return {key: without_ids(value) for key, value in config.items() if key != "shared_object_id"}
    if isinstance(config, list):
        return [without_ids(value) for value in config]
    return config


def agrees(written, given):
    """A config value against the argument given: Keras writes `3` for a 1-D size as [3], for 2-D as [3, 3]."""
    written, given = jsonable(written), jsonable(given)
    if isinstance(given, (int, float)) and isinstance(written, list):
        return all(item == given for item in written)
    return written == given


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_every_layer_rebuilds_from_its_config(name):
    layer = getattr(layers, name)(**LAYERS[name])
    config = serialize_keras_object(layer)
    assert (config["module"], config["class_name"], config["registered_name"]) == ("keras.layers", name, None)
    again = deserialize_keras_object(jsonable(config))
    assert type(again) is type(layer) and again.get_config() == layer.get_config()


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_keras_reads_every_layer_config_written_here(name):
    keras = real_keras()
    config = jsonable(serialize_keras_object(getattr(layers, name)(**LAYERS[name], name=f"my_{name.lower()}")))
    layer = keras.layers.deserialize(config)
    assert type(layer).__name__ == name and layer.name == f"my_{name.lower()}"
    written = layer.get_config()
    for key, value in jsonable(LAYERS[name]).items():
        if "initializer" not in key:
            assert agrees(written[key], value), key


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_every_keras_layer_config_is_read_here(name):
    keras = real_keras()
    config = jsonable(keras.saving.serialize_keras_object(getattr(keras.layers, name)(**LAYERS[name])))
    layer = deserialize_keras_object(config)
    assert type(layer) is getattr(layers, name)
    ours = jsonable(layer.get_config())
    for key, value in jsonable(LAYERS[name]).items():
        if "initializer" not in key:
            assert agrees(ours[key], value), key


def test_a_keras_option_kerasbook_lacks_is_refused_unless_it_is_off():
    config = {"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": 3, "groups": 1, "lora_rank": None,
                                                  "name": "c"}}
    assert deserialize_keras_object(config).filters == 2
    config["config"]["groups"] = 2
    with pytest.raises(TypeError, match="Conv2D 'c': kerasbook has no argument 'groups'"):
        deserialize_keras_object(config)


@pytest.mark.parametrize("optimizer", [optimizers.SGD(0.1, momentum=0.9, nesterov=True), optimizers.Adam(amsgrad=True),
                                       optimizers.RMSprop(centered=True), optimizers.Adagrad(), optimizers.Adadelta()],
                         ids=lambda o: type(o).__name__)
def test_optimizers_both_ways(optimizer):
    keras = real_keras()
    config = jsonable(serialize_keras_object(optimizer))
    assert config["module"] == "keras.optimizers"
    ours = deserialize_keras_object(config)
    assert ours.get_config() == optimizer.get_config()
    theirs = keras.optimizers.deserialize(config)
    assert theirs.get_config()["learning_rate"] == pytest.approx(optimizer.learning_rate)
    back = deserialize_keras_object(jsonable(keras.saving.serialize_keras_object(theirs)))
    assert type(back) is type(optimizer) and back.learning_rate == pytest.approx(optimizer.learning_rate)


@pytest.mark.parametrize("name", ["GlorotUniform", "HeNormal", "Orthogonal", "Zeros", "Ones", "RandomNormal",
                                  "TruncatedNormal", "VarianceScaling", "Constant", "LecunUniform"])
def test_initializers_both_ways(name):
    keras = real_keras()
    config = jsonable(initializers.serialize(getattr(initializers, name)()))
    assert (config["module"], config["class_name"]) == ("keras.initializers", name)
    assert type(keras.initializers.deserialize(config)).__name__ == name
    theirs = jsonable(keras.saving.serialize_keras_object(getattr(keras.initializers, name)()))
    assert type(initializers.get(theirs)).__name__ == name


@pytest.mark.parametrize("name", ["MeanSquaredError", "MeanAbsoluteError", "BinaryCrossentropy",
                                  "CategoricalCrossentropy", "SparseCategoricalCrossentropy"])
def test_losses_and_metrics_both_ways(name):
    keras = real_keras()
    for ours, theirs, category in ((losses, keras.losses, "losses"), (metrics, keras.metrics, "metrics")):
        if not hasattr(ours, name) or not hasattr(theirs, name):
            continue
        config = jsonable(serialize_keras_object(getattr(ours, name)()))
        assert type(keras.saving.deserialize_keras_object(config)).__name__ == name
        read = deserialize_keras_object(jsonable(keras.saving.serialize_keras_object(getattr(theirs, name)())),
                                        category=category)
        assert type(read) is getattr(ours, name)


@pytest.mark.parametrize("build", GUIDE_MODELS, ids=[b.__name__ for b in GUIDE_MODELS])
def test_to_json_and_model_from_json_give_the_same_architecture(build):
    model, inputs = build(kerasbook)
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    twin = model_from_json(model.to_json())
    assert [layer.name for layer in twin.layers] == [layer.name for layer in model.layers]
    assert twin.compiled and type(twin.optimizer) is optimizers.RMSprop
    assert without_ids(json.loads(twin.to_json())) == without_ids(json.loads(model.to_json()))
    twin.set_weights(model.get_weights())
    x = inputs(np.random.default_rng(0))
    for a, b in zip(np.atleast_1d(model.predict(x, verbose=0)), np.atleast_1d(twin.predict(x, verbose=0))):
        np.testing.assert_array_equal(a, b)


def test_keras_reads_our_json_and_we_read_keras_json():
    keras = real_keras()
    for build in GUIDE_MODELS:
        ours, _ = build(kerasbook)
        assert [layer.name for layer in keras.models.model_from_json(ours.to_json()).layers] == \
            [layer.name for layer in ours.layers]
        theirs, _ = build(keras)
        assert [layer.name for layer in model_from_json(theirs.to_json()).layers] == \
            [layer.name for layer in theirs.layers]


def test_shared_layers_and_nested_models_stay_shared():
    model, _ = GUIDE_MODELS[-1](kerasbook)  # a Sequential called directly and inside TimeDistributed
    twin = model_from_json(model.to_json())
    wrapped = next(layer for layer in twin.layers if isinstance(layer, layers.TimeDistributed)).layer
    assert any(layer is wrapped for layer in twin.layers)
    lstm = [layer for layer in model_from_json(GUIDE_MODELS[8](kerasbook)[0].to_json()).layers
            if isinstance(layer, layers.LSTM)]
    assert len(lstm) == 1 and len(lstm[0].inbound_nodes) == 2


def test_clone_model_has_the_architecture_and_fresh_weights():
    model, inputs = GUIDE_MODELS[0](kerasbook)
    clone = clone_model(model)
    assert clone is not model and [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    assert not all(np.array_equal(a, b) for a, b in zip(clone.get_weights(), model.get_weights()))
    assert [a.shape for a in clone.get_weights()] == [a.shape for a in model.get_weights()]


class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def scaled_model():
    inputs = kerasbook.Input((3,))
    return kerasbook.Model(inputs, Scale(3.0)(layers.Dense(2)(inputs)))


def test_a_custom_layer_needs_custom_objects_or_registration():
    text = scaled_model().to_json()
    with pytest.raises(TypeError, match="Could not locate class 'Scale'"):
        model_from_json(text)
    assert model_from_json(text, custom_objects={"Scale": Scale}).layers[-1].factor == 3.0
    with custom_object_scope({"Scale": Scale}):
        assert isinstance(model_from_json(text).layers[-1], Scale)


def test_register_keras_serializable_and_get_custom_objects():
    @register_keras_serializable(package="tests")
    class Shift(layers.Layer):
        def get_config(self):
            return super().get_config()

    def my_loss(y_true, y_pred):
        return ((y_true - y_pred) ** 2).mean(axis=-1)

    config = serialize_keras_object(Shift())
    assert config["registered_name"] == "tests>Shift"
    assert isinstance(deserialize_keras_object(jsonable(config)), Shift)
    assert get_custom_objects()["tests>Shift"] is Shift
    get_custom_objects()["my_loss"] = my_loss
    try:
        model = scaled_model()
        model.compile(optimizer="sgd", loss=my_loss)
        assert model_from_json(model.to_json(), custom_objects={"Scale": Scale}).loss_functions == [my_loss]
    finally:
        del get_custom_objects()["my_loss"], get_custom_objects()["tests>Shift"]


def test_an_unknown_class_name_is_an_error_not_an_import():
    with pytest.raises(TypeError, match="Could not locate class 'os.system'"):
        deserialize_keras_object({"module": "os", "class_name": "os.system", "config": {}})
