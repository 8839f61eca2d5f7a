"""A layer without `compute_output_shape` finds its symbolic output by running `call` (Keras 3's compute_output_spec)."""
import numpy as np
import pytest

import kerasbook as keras
from kerasbook import layers, ops
from kerasbook.engine.layer import _CallContext


class Pairs(layers.Layer):
    """Doubles the last axis and keeps a Dense inside: its shape must come from running call."""

    def __init__(self, units):
        super().__init__()
        self.dense = layers.Dense(units)

    def call(self, x):
        h = self.dense(x)
        return ops.concatenate([h, h], axis=-1)


class Split(layers.Layer):
    def call(self, x):
        return [x[:, :1], x[:, 1:] * 2]


def test_a_subclassed_layer_gets_its_output_shape_from_call_and_builds_its_sublayers():
    inputs = layers.Input(shape=(7, 3))
    pairs = Pairs(5)
    outputs = pairs(inputs)
    assert outputs.shape == (None, 7, 10)
    assert pairs.dense.built and pairs.count_params() == 3 * 5 + 5
    model = keras.Model(inputs, outputs)
    assert model.count_params() == 20
    assert model.predict(np.ones((2, 7, 3)), verbose=0).shape == (2, 7, 10)
    assert model.compute_output_shape((None, 7, 3)) == (None, 7, 10)


def test_unknown_sizes_stay_unknown_and_known_ones_are_kept():
    outputs = Pairs(4)(layers.Input(shape=(None, 3)))
    assert outputs.shape == (None, None, 8)


def test_a_call_returning_a_list_gives_a_list_of_symbolic_tensors():
    first, rest = Split()(layers.Input(shape=(5,)))
    assert first.shape == (None, 1) and rest.shape == (None, 4)


def test_the_placeholder_run_leaves_no_losses_and_no_training():
    class Noisy(layers.Layer):
        def __init__(self):
            super().__init__()
            self.dropout = layers.Dropout(0.5)

        def call(self, x):
            self.add_loss(ops.sum(x))
            return self.dropout(x)

    layer = Noisy()
    assert layer(layers.Input(shape=(3,))).shape == (None, 3)
    assert layer.losses == []
    assert _CallContext._open == []


def test_a_call_that_fails_on_the_placeholders_names_the_layer():
    class Broken(layers.Layer):
        def call(self, x):
            return ops.matmul(x, np.ones((4, 2), dtype="float32"))

    with pytest.raises(ValueError, match=r"Broken 'broken.*' cannot be applied to inputs of shape \(None, 3\)"):
        Broken()(layers.Input(shape=(3,)))


def test_an_explicit_compute_output_shape_is_still_used():
    class Declared(layers.Layer):
        def call(self, x):
            raise AssertionError("call must not run on a symbolic input")

        def compute_output_shape(self, input_shape):
            return input_shape[:-1] + (9,)

    assert Declared()(layers.Input(shape=(3,))).shape == (None, 9)


class Block(layers.Layer):
    """A call without `training` that calls a Dropout: the flag must reach it through the call context."""

    def __init__(self):
        super().__init__()
        self.dropout = layers.Dropout(0.5)

    def call(self, x):
        return self.dropout(x) * 1.0


def test_training_reaches_a_layer_called_inside_a_call_without_training():
    block = Block()
    x = np.ones((4, 50), dtype="float32")
    np.testing.assert_array_equal(block(x).numpy(), x)
    np.testing.assert_array_equal(block(x, training=False).numpy(), x)
    dropped = block(x, training=True).numpy()
    assert (dropped == 0).any() and set(np.unique(dropped)) <= {0.0, 2.0}


def test_an_explicit_training_argument_inside_wins_over_the_context():
    class Careful(layers.Layer):
        def __init__(self):
            super().__init__()
            self.dropout = layers.Dropout(0.5)

        def call(self, x):
            return self.dropout(x, training=False)

    x = np.ones((4, 50), dtype="float32")
    np.testing.assert_array_equal(Careful()(x, training=True).numpy(), x)


def test_fit_drops_inside_a_subclassed_block_and_predict_does_not():
    inputs = layers.Input(shape=(50,))
    block = Block()
    model = keras.Model(inputs, block(inputs))
    seen = []
    original = block.dropout.call

    def spy(x, training=False):
        seen.append(training)
        return original(x, training=training)

    block.dropout.call = spy
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 50)), np.ones((8, 50)), epochs=1, batch_size=8, verbose=0)
    assert True in seen
    seen.clear()
    model.predict(np.ones((2, 50)), verbose=0)
    assert seen and True not in seen


def test_a_sequential_model_with_a_subclassed_layer_summarises_before_any_data():
    class Squares(layers.Layer):
        def call(self, x):
            return ops.concatenate([x, x * x], axis=-1)

    model = keras.Sequential([layers.Input(shape=(3,)), Squares(), layers.Dense(2)])
    assert model.output_shape == (None, 2)
    assert model.count_params() == 6 * 2 + 2
