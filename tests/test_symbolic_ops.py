"""Operations on symbolic tensors: operators, slicing, K functions and losses become nodes of the graph.

A functional model over them builds, summarises, plots, trains and gives its
config, as Keras 3 does with its operations.
"""
import json

import numpy as np
import pytest

import kerasbook
import kerasbook.backend as K
from kerasbook import Input, Model, layers, losses
from kerasbook.layers import Dense, OperationLayer
from kerasbook.ops import GradientTape, Tensor
from kerasbook.ops.gradient_check import numerical_gradients

X = np.random.default_rng(0).normal(size=(5, 4))
Y = np.random.default_rng(1).normal(size=(5, 4))


def node_layer(tensor):
    return tensor.history[0]


# (id, a function of one or two KerasTensors of shape (None, 4), the same function of NumPy arrays)
OPERATIONS = [
    ("x * 2", lambda a: a * 2, lambda a: a * 2),
    ("2 * x", lambda a: 2 * a, lambda a: 2 * a),
    ("a + b", lambda a, b: a + b, lambda a, b: a + b),
    ("1 - x", lambda a: 1 - a, lambda a: 1 - a),
    ("a - b", lambda a, b: a - b, lambda a, b: a - b),
    ("a / (1 + b ** 2)", lambda a, b: a / (1 + b ** 2), lambda a, b: a / (1 + b ** 2)),
    ("3 / (1 + x ** 2)", lambda a: 3 / (1 + a ** 2), lambda a: 3 / (1 + a ** 2)),
    ("-x", lambda a: -a, lambda a: -a),
    ("abs(x)", lambda a: abs(a), np.abs),
    ("x ** 2", lambda a: a ** 2, lambda a: a ** 2),
    ("a @ w", lambda a: a @ np.arange(8.0).reshape(4, 2), lambda a: a @ np.arange(8.0).reshape(4, 2)),
    ("numpy * x", lambda a: np.linspace(1, 2, 4) * a, lambda a: np.linspace(1, 2, 4) * a),
    ("tensor * x", lambda a: K.constant(np.linspace(1, 2, 4)) * a, lambda a: np.linspace(1, 2, 4) * a),
    ("x[:, 0]", lambda a: a[:, 0], lambda a: a[:, 0]),
    ("x[:, 1:3]", lambda a: a[:, 1:3], lambda a: a[:, 1:3]),
    ("x[..., None]", lambda a: a[..., None], lambda a: a[..., None]),
    ("x[:, ::-1]", lambda a: a[:, ::-1], lambda a: a[:, ::-1]),
    ("K.mean", lambda a: K.mean(a, axis=-1), lambda a: a.mean(-1)),
    ("K.sum keepdims", lambda a, b: K.sum(a * b, axis=1, keepdims=True), lambda a, b: (a * b).sum(1, keepdims=True)),
    ("K.square K.exp", lambda a, b: K.square(a) + K.exp(b), lambda a, b: a ** 2 + np.exp(b)),
    ("K.concatenate", lambda a, b: K.concatenate([a, b], axis=-1), lambda a, b: np.concatenate([a, b], -1)),
    ("K.stack", lambda a, b: K.stack([a, b], axis=1), lambda a, b: np.stack([a, b], 1)),
    ("K.batch_dot", lambda a, b: K.batch_dot(a, b, axes=1), lambda a, b: (a * b).sum(1, keepdims=True)),
    ("K.l2_normalize", lambda a: K.l2_normalize(a, axis=-1), lambda a: a / np.sqrt((a ** 2).sum(-1, keepdims=True))),
    ("K.batch_flatten K.expand_dims", lambda a, b: K.batch_flatten(K.expand_dims(a) * K.expand_dims(b, 1)),
     lambda a, b: (a[:, :, None] * b[:, None, :]).reshape(len(a), -1)),
    ("K.reshape -1", lambda a: K.reshape(a, (-1, 2, 2)), lambda a: a.reshape(-1, 2, 2)),
    ("K.maximum", lambda a, b: K.maximum(a, b), np.maximum),
    ("K.softmax", lambda a: K.softmax(a), lambda a: np.exp(a) / np.exp(a).sum(-1, keepdims=True)),
    ("losses.mse", lambda a, b: losses.mean_squared_error(a, b), lambda a, b: ((a - b) ** 2).mean(-1)),
    ("losses.mae", lambda a, b: losses.mae(a, b), lambda a, b: np.abs(a - b).mean(-1)),
    ("K.categorical_crossentropy", lambda a, b: K.categorical_crossentropy(K.softmax(a), K.softmax(b)),
     lambda a, b: -(np.exp(a) / np.exp(a).sum(-1, keepdims=True)
                    * np.log(np.exp(b) / np.exp(b).sum(-1, keepdims=True))).sum(-1)),
]


@pytest.mark.parametrize("build, reference", [o[1:] for o in OPERATIONS], ids=[o[0] for o in OPERATIONS])
def test_operation_becomes_a_node_that_computes_like_numpy(float64, build, reference):
    inputs = [Input(shape=(4,), name=name) for name in "ab"[:build.__code__.co_argcount]]
    values = [X, Y][:len(inputs)]
    output = build(*inputs)
    assert isinstance(output, kerasbook.engine.KerasTensor)
    assert isinstance(node_layer(output), OperationLayer)
    model = Model(inputs, output)
    expected = reference(*values)
    assert model.output_shape == (None,) + expected.shape[1:]  # the batch size stays unknown
    np.testing.assert_allclose(model.predict(values, verbose=0), expected, rtol=1e-12)


def test_gradients_flow_through_operation_nodes(float64):
    a = Input(shape=(4,))
    dense = Dense(3, activation="tanh")
    hidden = dense(a)
    output = K.sum(K.square(hidden[:, 1:] * 2 - 1) + K.abs(hidden[:, :1]), axis=-1)
    model = Model(a, output)

    def loss():
        return float(K.get_value(K.sum(model(X))))

    with GradientTape() as tape:
        value = K.sum(model(X))
    analytic = tape.gradient(value, dense.weights)
    for got, expected in zip(analytic, numerical_gradients(loss, [w.data for w in dense.weights])):
        np.testing.assert_allclose(K.get_value(got), expected, rtol=1e-6, atol=1e-8)


def test_model_over_operations_trains():
    kerasbook.utils.set_random_seed(0)
    inputs = Input(shape=(6,))
    hidden = Dense(16, activation="relu")(inputs)
    residual = Dense(6)(hidden) + inputs * 0.5  # operators between layers
    outputs = Dense(1)(K.concatenate([residual, K.mean(residual, axis=-1, keepdims=True)]))
    model = Model(inputs, outputs)
    model.compile(optimizer=kerasbook.optimizers.Adam(learning_rate=0.01), loss="mse")
    x = np.random.default_rng(2).normal(size=(128, 6)).astype("float32")
    y = (x[:, :1] * 2 - x[:, 1:2]).astype("float32")
    history = model.fit(x, y, epochs=30, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


def test_summary_shows_each_operation_named_after_its_function(capsys):
    x = Input(shape=(4,), name="x")
    outputs = K.mean((x * 2 + x)[:, 0:2], axis=-1, keepdims=True)
    Model(x, outputs).summary()
    text = capsys.readouterr().out
    for row in ("multiply (OperationLayer)", "add (OperationLayer)", "get_item (OperationLayer)",
                "mean (OperationLayer)", "(None, 2)", "(None, 1)", "multiply[0][0]", "Total params: 0"):
        assert row in text
    assert [layer.name for layer in Model(x, outputs).layers] == ["x", "multiply", "add", "get_item", "mean"]


def test_names_are_unique_per_operation():
    a = Input(shape=(3,))
    first, second = a * 2, a * 3
    assert (node_layer(first).name, node_layer(second).name) == ("multiply", "multiply_1")
    assert node_layer(K.binary_crossentropy(a, a)).name == "binary_crossentropy"


def test_plot_model_draws_operations(tmp_path):
    x = Input(shape=(4,), name="x")
    y = Dense(2, name="dense")(x)
    model = Model(x, K.concatenate([y, x[:, :2] * 2]))
    path = tmp_path / "model.svg"
    kerasbook.utils.plot_model(model, to_file=str(path), show_shapes=True)
    drawing = path.read_text()
    for label in ("multiply (OperationLayer)", "get_item (OperationLayer)", "concatenate (OperationLayer)"):
        assert label in drawing


def test_config_records_the_operation_and_its_arguments():
    x = Input(shape=(4,))
    sliced = x[:, 1:3, None]
    layer = node_layer(sliced)
    config = layer.get_config()
    json.dumps(config)  # JSON-ready
    assert config["function"] == "kerasbook.ops.math.get_item"
    rebuilt = OperationLayer.from_config(config)
    assert rebuilt.name == layer.name and rebuilt.args[1] == (slice(None), slice(1, 3), None)
    assert rebuilt(Input(shape=(4,))).shape == (None, 2, 1)
    mean_config = node_layer(K.mean(x * np.float32(3), axis=(0, 1), keepdims=True)).get_config()
    assert mean_config["function"] == "kerasbook.backend.mean"
    assert mean_config["kwargs"] == {"axis": {"class_name": "__tuple__", "config": {"value": [0, 1]}},
                                     "keepdims": True}
    constant = node_layer(x * np.arange(4.0))
    values = OperationLayer.from_config(json.loads(json.dumps(constant.get_config()))).args[1]
    np.testing.assert_array_equal(values, np.arange(4.0))


def test_model_config_lists_the_operations():
    x = Input(shape=(4,))
    model = Model(x, Dense(2)(x * 2))
    config = model.get_config()
    assert "multiply" in json.dumps(config)


def test_from_config_refuses_unknown_functions():
    config = node_layer(Input(shape=(2,)) * 2).get_config()
    config["function"] = "os.system"
    with pytest.raises(ValueError, match="Unknown operation 'os.system'"):
        OperationLayer.from_config(config)


def test_nested_model_over_operations_infers_shapes_and_runs(float64):
    inner_input = Input(shape=(4,))
    inner = Model(inner_input, K.sum(inner_input * 2, axis=-1, keepdims=True))
    outer_input = Input(shape=(4,))
    outer = Model(outer_input, inner(outer_input) + 1)
    assert outer.output_shape == (None, 1)
    np.testing.assert_allclose(outer.predict(X, verbose=0), 2 * X.sum(-1, keepdims=True) + 1)


def test_unknown_sizes_beyond_the_batch_are_inferred():
    sequences = Input(shape=(None, 8))
    assert (sequences[:, -1]).shape == (None, 8)
    assert K.mean(sequences, axis=1).shape == (None, 8)
    assert K.batch_flatten(sequences).shape == (None, None)
    assert K.shape(sequences).shape == (3,)
    assert K.int_shape(K.permute_dimensions(sequences, (0, 2, 1))) == (None, 8, None)


def test_dtypes_follow_the_operation():
    indices = Input(shape=(3,), dtype="int32")
    assert (indices * 2).dtype == "int32"
    assert K.argmax(Input(shape=(5,))).dtype == "int64"
    assert K.equal(indices, 1).dtype == "bool"
    assert K.cast(indices, "float32").dtype == "float32"


def test_an_impossible_operation_fails_while_building_naming_it():
    a, b = Input(shape=(4,)), Input(shape=(3,))
    with pytest.raises(ValueError, match=r"Operation 'add' \(add\) cannot be applied to inputs of shape "
                                         r"\(None, 4\), \(None, 3\)"):
        a + b
    with pytest.raises(ValueError, match=r"Operation 'batch_dot'"):
        K.batch_dot(a, b, axes=1)


def test_a_symbolic_tensor_cannot_be_iterated_or_fed_to_ops():
    a = Input(shape=(4,))
    with pytest.raises(TypeError, match="Cannot iterate over a symbolic tensor"):
        list(a)
    with pytest.raises(TypeError, match="symbolic tensor.*K.mean"):
        kerasbook.ops.mean(a)


def test_operations_still_compute_on_tensors_and_arrays():
    t = K.constant([[1.0, 2.0]])
    assert isinstance(t * 2, Tensor) and isinstance(K.mean(t), Tensor)
    np.testing.assert_allclose(K.get_value(losses.mse(K.zeros((1, 2)), t)), [2.5])


def test_vae_style_loss_of_symbolic_tensors_computes():
    """The Keras 2 example's loss terms, written on the model's symbolic tensors, as it writes them."""
    original_dim, latent_dim = 6, 2
    x = Input(shape=(original_dim,))
    h = Dense(4, activation="relu")(x)
    z_mean, z_log_var = Dense(latent_dim)(h), Dense(latent_dim)(h)
    x_decoded_mean = Dense(original_dim, activation="sigmoid")(z_mean)
    xent_loss = original_dim * losses.binary_crossentropy(x, x_decoded_mean)
    kl_loss = -0.5 * K.sum(1 + z_log_var - K.square(z_mean) - K.exp(z_log_var), axis=-1)
    vae_loss = K.mean(xent_loss + kl_loss)
    assert vae_loss.shape == ()
    data = np.random.default_rng(0).uniform(size=(3, original_dim)).astype("float32")
    value = K.function([x], [vae_loss])([data])[0]
    assert value.shape == () and np.isfinite(value) and value > 0


def test_a_model_over_operations_survives_to_json_and_back():
    x = Input(shape=(4,), name="x")
    outputs = K.mean(Dense(3)(x) * 2, axis=-1, keepdims=True) + x[:, :1] + losses.mse(x, x * 0.5)[:, None]
    model = Model(x, outputs)
    restored = kerasbook.models.model_from_json(model.to_json())
    restored.set_weights(model.get_weights())
    data = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    np.testing.assert_array_equal(restored.predict(data, verbose=0), model.predict(data, verbose=0))
    assert [layer.name for layer in restored.layers] == [layer.name for layer in model.layers]


def test_a_model_with_a_lambda_saves_its_config_but_loads_no_code():
    x = Input(shape=(4,))
    model = Model(x, kerasbook.layers.Lambda(lambda t: t * 2, name="double")(x))
    text = model.to_json()
    assert '"__python_code__"' in text and "<lambda>" in text
    with pytest.raises(ValueError, match="Lambda 'double' wraps Python code"):
        kerasbook.models.model_from_json(text)
