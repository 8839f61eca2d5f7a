"""Model (kerasbook/models/model.py): two layers with the same name are refused, as in Keras 3."""
import numpy as np
import pytest

from kerasbook import Input
from kerasbook.layers import Dense, concatenate
from kerasbook.models import Model, Sequential


def test_two_layers_with_one_name_are_refused_naming_the_name():
    inputs = Input(shape=(3,))
    hidden = Dense(4, name="dense_block")(inputs)
    with pytest.raises(ValueError, match='The name "dense_block" is used 2 times in the model. All layer names '
                                         'should be unique.'):
        Model(inputs, Dense(1, name="dense_block")(hidden))


def test_an_input_and_a_layer_may_not_share_a_name_either():
    a, b = Input(shape=(3,), name="left"), Input(shape=(3,), name="right")
    merged = concatenate([a, Dense(3, name="left")(b)])
    with pytest.raises(ValueError, match='"left" is used 2 times'):
        Model([a, b], Dense(1)(merged))


def test_a_shared_layer_is_one_layer_and_the_model_trains():
    inputs = Input(shape=(3,))
    shared = Dense(3, name="shared")
    model = Model(inputs, shared(shared(inputs)))
    assert [layer.name for layer in model.layers] == [model.layers[0].name, "shared"]
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3)), np.zeros((4, 3)), verbose=0)


def test_a_sequential_refuses_a_second_layer_of_the_same_name():
    model = Sequential([Dense(2, input_dim=3, name="same")])
    with pytest.raises(ValueError, match="'same' is already the name of a layer"):
        model.add(Dense(1, name="same"))
    assert len(model.layers) == 1
