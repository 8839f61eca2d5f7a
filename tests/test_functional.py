"""The functional API: graphs of layers, several inputs and outputs, shared layers, nested models.

Parameter counts are Keras's, worked out by hand in the comments (Dense: in*units + units).
"""
import numpy as np
import pytest

import kerasbook
import kerasbook as keras
from kerasbook import Input
from kerasbook.layers import Dense, Flatten, TimeDistributed, add, concatenate
from kerasbook.models import Model, Sequential
from kerasbook.ops import GradientTape
from kerasbook.ops.gradient_check import numerical_gradients


def test_e4_input_to_model_fit_and_summary(capsys):
    from kerasbook.layers import Input as LayersInput
    input_tensor = LayersInput(shape=(64,))
    x = Dense(32, activation='relu')(input_tensor)
    x = Dense(32, activation='relu')(x)
    output_tensor = Dense(10, activation='softmax')(x)
    model = Model(input_tensor, output_tensor)
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    x_train = np.random.random((64, 64))
    y_train = keras.utils.to_categorical(np.random.randint(10, size=64), 10)
    history = model.fit(x_train, y_train, epochs=1, verbose=0)
    assert set(history.history) == {'loss', 'accuracy'}
    model.summary()
    text = capsys.readouterr().out
    # 64*32+32 = 2080, 32*32+32 = 1056, 32*10+10 = 330; total 3466
    for row in ("input_layer (InputLayer)", "2,080", "1,056", "330", "Total params: 3,466"):
        assert row in text
    assert "Connected to" not in text  # a chain: Keras 3 omits the column


def test_e19_keyword_constructor_and_e29():
    inputs = Input(shape=(784,))
    x = Dense(64, activation='relu')(inputs)
    x = Dense(64, activation='relu')(x)
    predictions = Dense(10, activation='softmax')(x)
    model = Model(inputs=inputs, outputs=predictions)
    assert model.count_params() == 784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10  # 55,050
    visible = Input(shape=(2,))
    hidden = Dense(2)(visible)
    assert Model(inputs=visible, outputs=hidden).output_shape == (None, 2)


def test_e8_sequential_and_functional_are_the_same_network():
    sequential = Sequential()
    sequential.add(Dense(32, input_dim=784))
    sequential.add(keras.layers.Activation('relu'))
    inputs = Input(shape=(784,))
    functional = Model(inputs, Dense(32, activation='relu')(inputs))
    functional.set_weights(sequential.get_weights())
    x = np.random.random((5, 784))
    np.testing.assert_allclose(sequential.predict(x, verbose=0), functional.predict(x, verbose=0), rtol=1e-6)


def test_e30_mlp_summary_counts(capsys):
    visible = Input(shape=(10,))
    hidden1 = Dense(10, activation='relu')(visible)
    hidden2 = Dense(20, activation='relu')(hidden1)
    hidden3 = Dense(10, activation='relu')(hidden2)
    output = Dense(1, activation='sigmoid')(hidden3)
    model = Model(inputs=visible, outputs=output)
    print(model.summary())
    # 10*10+10 = 110, 10*20+20 = 220, 20*10+10 = 210, 10*1+1 = 11: 551 in all
    assert "Total params: 551" in capsys.readouterr().out


def test_e37_layer_names_show_in_summary(capsys):
    visible = Input(shape=(4,), name='visible')
    hidden = Dense(1, name='hidden1')(visible)
    model = Model(visible, hidden)
    model.summary()
    text = capsys.readouterr().out
    assert "hidden1 (Dense)" in text and "visible (InputLayer)" in text
    assert model.get_layer('hidden1') is model.layers[-1]


def test_layers_come_in_keras3_order():
    # Depth = longest path to the output; deepest first, ties by first visit of a
    # depth-first walk from the output (concatenate's inputs in argument order).
    a, b = Input(shape=(3,), name='a'), Input(shape=(3,), name='b')
    d1 = Dense(2, name='d1')(a)
    d2 = Dense(2, name='d2')(d1)
    d3 = Dense(2, name='d3')(b)
    out = Dense(1, name='out')(concatenate([d2, d3], name='concat'))
    model = Model([a, b], out)
    assert [layer.name for layer in model.layers] == ['a', 'd1', 'b', 'd2', 'd3', 'concat', 'out']
    assert [w.path for w in model.weights][:2] == ['d1/kernel', 'd1/bias']


def test_two_inputs_two_outputs_learn_a_rule_needing_both():
    a, b = Input(shape=(4,), name='left'), Input(shape=(4,), name='right')
    merged = concatenate([Dense(16, activation='relu')(a), Dense(16, activation='relu')(b)])
    hidden = Dense(16, activation='relu')(merged)
    same_sign = Dense(1, activation='sigmoid', name='same_sign')(hidden)
    total = Dense(1, name='total')(hidden)
    model = Model(inputs=[a, b], outputs=[same_sign, total])
    model.compile(optimizer='adam', loss=['binary_crossentropy', 'mse'], loss_weights=[1.0, 0.5],
                  metrics={'same_sign': 'accuracy'})
    rng = np.random.default_rng(0)
    xa, xb = rng.standard_normal((2000, 4)), rng.standard_normal((2000, 4))
    y_sign = ((xa[:, 0] > 0) == (xb[:, 0] > 0)).astype('float32')[:, None]
    y_total = (xa[:, 1] + xb[:, 1])[:, None]
    history = model.fit({'left': xa, 'right': xb}, {'same_sign': y_sign, 'total': y_total},
                        epochs=40, batch_size=64, verbose=0)
    assert set(history.history) == {'loss', 'same_sign_loss', 'total_loss', 'same_sign_accuracy'}
    loss, sign_loss, total_loss, accuracy = model.evaluate([xa, xb], [y_sign, y_total], verbose=0)
    assert accuracy > 0.9 and total_loss < 0.05
    assert loss == pytest.approx(sign_loss + 0.5 * total_loss, rel=1e-5)  # Keras 3: outputs' losses unweighted


def test_one_loss_string_serves_every_output_with_list_weights():
    inputs = Input(shape=(3,))
    model = Model(inputs, [Dense(1, name='x')(inputs), Dense(1, name='y')(inputs)])
    model.compile(optimizer='sgd', loss='mse', loss_weights=[1.0, 0.2])
    data = np.ones((8, 3))
    results = model.evaluate(data, [np.zeros((8, 1)), np.zeros((8, 1))], verbose=0, return_dict=True)
    assert results['loss'] == pytest.approx(results['x_loss'] + 0.2 * results['y_loss'], rel=1e-6)
    unweighted = model.predict(data, verbose=0)[1]
    assert results['y_loss'] == pytest.approx(float((unweighted ** 2).mean()), rel=1e-5)  # reported unweighted


def test_shared_layer_gradient_is_the_sum_over_its_calls(float64):
    shared = Dense(3, activation='tanh')
    a, b = Input(shape=(4,)), Input(shape=(4,))
    model = Model([a, b], add([shared(a), shared(b)]))
    assert len(shared.inbound_nodes) == 2
    xa, xb = np.random.randn(5, 4), np.random.randn(5, 4)

    def loss():
        return float((model([xa, xb]).data ** 2).sum())

    with GradientTape() as tape:
        value = (model([xa, xb]) ** 2).sum()
    analytic = tape.gradient(value, shared.weights)
    numeric = numerical_gradients(loss, [w.data for w in shared.weights])
    for got, expected in zip(analytic, numeric):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_e9_autoencoder_encoder_and_decoder_share_weights():
    encoding_dim = 32
    input_img = Input(shape=(784,))
    encoded = Dense(encoding_dim, activation='relu')(input_img)
    decoded = Dense(784, activation='sigmoid')(encoded)
    autoencoder = Model(input_img, decoded)
    encoder = Model(input_img, encoded)
    encoded_input = Input(shape=(encoding_dim,))
    decoder_layer = autoencoder.layers[-1]
    decoder = Model(encoded_input, decoder_layer(encoded_input))
    autoencoder.compile(optimizer='adadelta', loss='binary_crossentropy')
    x = np.random.rand(64, 784)
    before = decoder.get_weights()
    autoencoder.fit(x, x, epochs=2, batch_size=16, verbose=0)
    assert not np.array_equal(before[0], decoder.get_weights()[0])  # training the autoencoder moved the decoder
    np.testing.assert_allclose(decoder.predict(encoder.predict(x, verbose=0), verbose=0),
                               autoencoder.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_e5_model_called_on_new_input_and_time_distributed():
    inputs = Input(shape=(784,))
    model = Model(inputs, Dense(10, activation='softmax')(Dense(64, activation='relu')(inputs)))
    x = Input(shape=(784,))
    y = model(x)
    reused = Model(x, y)
    data = np.random.rand(3, 784)
    np.testing.assert_allclose(reused.predict(data, verbose=0), model.predict(data, verbose=0), rtol=1e-6)
    assert reused.count_params() == model.count_params()
    input_sequences = Input(shape=(20, 784))
    processed_sequences = TimeDistributed(model)(input_sequences)
    assert processed_sequences.shape == (None, 20, 10)
    seq_model = Model(input_sequences, processed_sequences)
    sequences = np.random.rand(2, 20, 784)
    np.testing.assert_allclose(seq_model.predict(sequences, verbose=0)[:, 3], model.predict(sequences[:, 3], verbose=0),
                               rtol=1e-5)
    sequential = Sequential()
    sequential.add(TimeDistributed(Dense(8), input_shape=(10, 16)))
    assert sequential.predict(np.zeros((32, 10, 16)), verbose=0).shape == (32, 10, 8)


def test_sequential_inside_functional_model():
    vision = Sequential([Dense(8, activation='relu', input_shape=(6,)), Dense(4)])
    image, other = Input(shape=(6,)), Input(shape=(6,))
    model = Model([image, other], concatenate([vision(image), vision(other)]))
    assert model.output_shape == (None, 8)
    assert model.count_params() == vision.count_params() == 6 * 8 + 8 + 8 * 4 + 4
    data = np.random.rand(2, 6)
    out = model.predict([data, data], verbose=0)
    np.testing.assert_allclose(out[:, :4], vision.predict(data, verbose=0), rtol=1e-6)


def test_e22_layer_nodes_and_their_accessors():
    flatten = Flatten(name='flatten')
    a, b = Input(shape=(4, 4)), Input(shape=(2, 8))
    encoded_a = flatten(a)
    assert flatten.output is encoded_a
    assert flatten.input_shape == (None, 4, 4)
    encoded_b = flatten(b)
    with pytest.raises(AttributeError, match='Layer flatten has multiple inbound nodes, hence the notion of '
                                             '"layer output" is ill-defined. Use `get_output_at'):
        flatten.output
    with pytest.raises(AttributeError, match='input shape'):
        flatten.input_shape
    assert flatten.get_output_at(0) is encoded_a and flatten.get_output_at(1) is encoded_b
    assert flatten.get_input_at(1) is b
    assert flatten.get_input_shape_at(0) == (None, 4, 4)
    assert flatten.get_input_shape_at(1) == (None, 2, 8)
    assert flatten.get_output_shape_at(1) == (None, 16)


def test_keras2_module_paths():
    from kerasbook.layers.merge import concatenate as merge_concatenate
    from kerasbook.layers.wrappers import TimeDistributed as WrappersTimeDistributed
    from kerasbook.models import Model as ModelsModel
    assert merge_concatenate is concatenate and WrappersTimeDistributed is TimeDistributed
    assert ModelsModel is kerasbook.Model and kerasbook.Input is Input


# --- bad input: errors at construction, naming the culprit ------------------------

def test_dense_fed_the_wrong_size_names_layer_and_shapes():
    inputs = Input(shape=(100,))
    dense = Dense(32, name='hidden')
    dense(Input(shape=(784,)))
    with pytest.raises(ValueError, match=r"layer 'hidden'.*784.*\(None, 100\)"):
        dense(inputs)


def test_concatenate_mismatch_names_the_shapes():
    a, b = Input(shape=(4, 3)), Input(shape=(5, 3))
    with pytest.raises(ValueError, match=r"Concatenate 'concatenate'.*\(None, 4, 3\).*\(None, 5, 3\)"):
        concatenate([a, b])
    assert concatenate([a, b], axis=1).shape == (None, 9, 3)


def test_add_mismatch_names_the_shapes():
    with pytest.raises(ValueError, match=r"Add 'add' requires inputs with matching shapes.*\(None, 4\).*\(None, 5\)"):
        add([Input(shape=(4,)), Input(shape=(5,))])


def test_output_that_does_not_depend_on_inputs():
    a, stray = Input(shape=(3,), name='a'), Input(shape=(3,), name='stray')
    out = add([Dense(3)(a), Dense(3)(stray)])
    with pytest.raises(ValueError, match=r"input 'stray'.*not among the model's inputs \['a'\]"):
        Model(a, out)


def test_dict_key_that_names_no_input_or_output():
    a, b = Input(shape=(2,), name='text'), Input(shape=(2,), name='question')
    model = Model([a, b], Dense(1, name='answer')(concatenate([a, b])))
    model.compile(optimizer='sgd', loss='mse')
    with pytest.raises(ValueError, match=r"keys \['text', 'questoin'\].*\['text', 'question'\]"):
        model.fit({'text': np.ones((4, 2)), 'questoin': np.ones((4, 2))}, np.ones((4, 1)), verbose=0)
    with pytest.raises(ValueError, match=r"\['answr'\].*name no output.*\['answer'\]"):
        model.compile(optimizer='sgd', loss={'answr': 'mse'})


def test_wrong_data_shape_is_reported_before_any_weight_changes():
    inputs = Input(shape=(784,))
    model = Model(inputs, Dense(32, activation='relu')(inputs))
    model.compile(optimizer='rmsprop', loss='binary_crossentropy')
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"\(None, 784\).*\(10, 100\)"):
        model.fit(np.zeros((10, 100)), np.zeros((10, 32)), verbose=0)
    with pytest.raises(ValueError, match=r"Target for output 'dense' has shape \(10, 1\).*\(None, 32\)"):
        model.fit(np.zeros((10, 784)), np.zeros((10, 1)), verbose=0)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


def test_nested_models_show_keras_3_type_names(capsys):
    inner_input = Input(shape=(4,))
    functional = Model(inner_input, Dense(3)(inner_input), name="encoder")
    chain = Sequential([Dense(2, input_shape=(3,))], name="head")

    class Doubling(Model):
        pass

    outer_input = Input(shape=(4,))
    outer = Model(outer_input, chain(functional(outer_input)))
    outer.summary()
    printed = capsys.readouterr().out
    assert "encoder (Functional)" in printed and "head (Sequential)" in printed
    assert repr(outer).startswith("<Functional ")
    assert Doubling(inner_input, functional.outputs).type_name == "Doubling"
