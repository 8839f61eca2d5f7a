"""The guide's convnet, sequence and multi-branch examples, built verbatim.

Output shapes and parameter counts are Keras's, worked out by hand in the
comments (Dense: in*units + units; Conv: kh*kw*in*filters + filters;
LSTM: 4*units*(in + units + 1); Embedding: input_dim*output_dim).
Training checks use data with a learnable rule and the guide's layers, at
input sizes small enough for CI.
"""
import numpy as np
import pytest

import kerasbook as keras
from kerasbook import layers
from kerasbook.layers import (
    LSTM, Conv1D, Conv2D, Dense, Dropout, Embedding, Flatten, GlobalAveragePooling1D, Input, MaxPooling1D,
    MaxPooling2D, TimeDistributed,
)
from kerasbook.layers.merge import concatenate
from kerasbook.models import Model, Sequential
from kerasbook.optimizers import SGD


def vgg_like(input_shape):
    """E15, verbatim but for the input shape."""
    model = Sequential()
    model.add(Conv2D(32, (3, 3), activation='relu', input_shape=input_shape))
    model.add(Conv2D(32, (3, 3), activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Conv2D(64, (3, 3), activation='relu'))
    model.add(Conv2D(64, (3, 3), activation='relu'))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Flatten())
    model.add(Dense(256, activation='relu'))
    model.add(Dropout(0.5))
    model.add(Dense(10, activation='softmax'))
    sgd = SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True)
    model.compile(loss='categorical_crossentropy', optimizer=sgd)
    return model


def test_e15_vgg_like_shapes_and_parameters():
    model = vgg_like((100, 100, 3))
    # 100 -> 98 -> 96 -> pool 48 -> 46 -> 44 -> pool 22: 22*22*64 = 30976 features
    assert [layer.output_shape for layer in model.layers][:9] == [
        (None, 98, 98, 32), (None, 96, 96, 32), (None, 48, 48, 32), (None, 48, 48, 32),
        (None, 46, 46, 64), (None, 44, 44, 64), (None, 22, 22, 64), (None, 22, 22, 64), (None, 30976)]
    # 896 + 9248 + 18496 + 36928 + (30976*256+256 = 7930112) + 2570
    assert model.count_params() == 7998250


def test_e15_learns_where_the_bright_patch_is():
    rng = np.random.default_rng(0)
    n = 500
    labels = rng.integers(10, size=n)
    images = rng.random((n, 16, 16, 3)).astype('float32') * 0.3
    for image, label in zip(images, labels):  # class k: a bright 4x4 patch at the k-th of 10 places
        row, col = divmod(int(label), 5)
        image[2 + 8 * row:6 + 8 * row, 3 * col:3 * col + 4] += 1.0
    model = vgg_like((16, 16, 3))
    model.compile(loss='categorical_crossentropy', optimizer=SGD(lr=0.01, decay=1e-6, momentum=0.9, nesterov=True),
                  metrics=['accuracy'])
    y = keras.utils.to_categorical(labels, 10)
    model.fit(images[:400], y[:400], batch_size=32, epochs=6, verbose=0)
    _, accuracy = model.evaluate(images[400:], y[400:], batch_size=32, verbose=0)
    assert accuracy > 0.8  # chance is 0.1


def test_e16_embedding_lstm_learns_whether_a_token_occurs():
    max_features = 1000  # the guide leaves it open
    model = Sequential()
    model.add(Embedding(max_features, output_dim=256))
    model.add(LSTM(128))
    model.add(Dropout(0.5))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    rng = np.random.default_rng(1)
    x = rng.integers(1, 50, size=(800, 12))
    y = (x == 7).any(axis=1).astype('float32')  # does token 7 occur anywhere?
    model.fit(x[:640], y[:640], batch_size=16, epochs=3, verbose=0)
    # 1000*256 = 256000, 4*128*(256+128+1) = 197120, 128+1 = 129
    assert model.count_params() == 453249
    _, accuracy = model.evaluate(x[640:], y[640:], batch_size=16, verbose=0)
    assert accuracy > 0.85  # the rule holds for about 20% of the sequences


def test_e17_conv1d_learns_the_sign_of_a_channel():
    seq_length = 30
    model = Sequential()
    model.add(Conv1D(64, 3, activation='relu', input_shape=(seq_length, 100)))
    model.add(Conv1D(64, 3, activation='relu'))
    model.add(MaxPooling1D(3))
    model.add(Conv1D(128, 3, activation='relu'))
    model.add(Conv1D(128, 3, activation='relu'))
    model.add(GlobalAveragePooling1D())
    model.add(Dropout(0.5))
    model.add(Dense(1, activation='sigmoid'))
    model.compile(loss='binary_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    # 30 -> 28 -> 26 -> pool 8 -> 6 -> 4; 3*100*64+64 = 19264, 3*64*64+64 = 12352,
    # 3*64*128+128 = 24704, 3*128*128+128 = 49280, 129
    assert model.output_shape == (None, 1)
    assert model.count_params() == 19264 + 12352 + 24704 + 49280 + 129
    rng = np.random.default_rng(2)
    x = rng.standard_normal((600, seq_length, 100)).astype('float32')
    y = rng.integers(2, size=600).astype('float32')
    x[:, :, 0] += 2 * y[:, None] - 1  # channel 0 leans up for class 1, down for class 0
    history = model.fit(x[:500], y[:500], batch_size=16, epochs=5, verbose=0)
    _, accuracy = model.evaluate(x[500:], y[500:], batch_size=16, verbose=0)
    assert accuracy > 0.8, history.history


def test_e6_two_variable_length_text_inputs():
    text_vocabulary_size, question_vocabulary_size, answer_vocabulary_size = 10000, 10000, 500
    text_input = Input(shape=(None,), dtype='int32', name='text')
    embedded_text = layers.Embedding(text_vocabulary_size, 64)(text_input)
    encoded_text = layers.LSTM(32)(embedded_text)
    question_input = Input(shape=(None,), dtype='int32', name='question')
    embedded_question = layers.Embedding(question_vocabulary_size, 32)(question_input)
    encoded_question = layers.LSTM(16)(embedded_question)
    concatenated = layers.concatenate([encoded_text, encoded_question], axis=-1)
    answer = layers.Dense(answer_vocabulary_size, activation='softmax')(concatenated)
    model = Model([text_input, question_input], answer)
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['acc'])
    assert embedded_text.shape == (None, None, 64) and model.output_shape == (None, 500)
    # 640000 + 4*32*(64+32+1) = 12416, 320000 + 4*16*(32+16+1) = 3136, 48*500+500 = 24500
    assert model.count_params() == 1000052
    num_samples, max_length = 64, 20
    text = np.random.randint(1, text_vocabulary_size, size=(num_samples, max_length))
    question = np.random.randint(1, question_vocabulary_size, size=(num_samples, max_length))
    answers = keras.utils.to_categorical(np.random.randint(answer_vocabulary_size, size=num_samples),
                                         answer_vocabulary_size)
    history = model.fit([text, question], answers, epochs=1, batch_size=32, verbose=0)
    assert set(history.history) == {'loss', 'acc'}
    model.fit({'text': text, 'question': question[:, :7]}, answers, epochs=1, batch_size=32, verbose=0)


def e7_model(embedding):
    posts_input = Input(shape=(None,), dtype='int32', name='posts')
    embedded_posts = embedding(posts_input)
    x = layers.Conv1D(128, 5, activation='relu')(embedded_posts)
    x = layers.MaxPooling1D(5)(x)
    x = layers.Conv1D(256, 5, activation='relu')(x)
    x = layers.Conv1D(256, 5, activation='relu')(x)
    x = layers.MaxPooling1D(5)(x)
    x = layers.Conv1D(256, 5, activation='relu')(x)
    x = layers.Conv1D(256, 5, activation='relu')(x)
    x = layers.GlobalMaxPooling1D()(x)
    x = layers.Dense(128, activation='relu')(x)
    age_prediction = layers.Dense(1, name='age')(x)
    income_prediction = layers.Dense(10, activation='softmax', name='income')(x)
    gender_prediction = layers.Dense(1, activation='sigmoid', name='gender')(x)
    return Model(posts_input, [age_prediction, income_prediction, gender_prediction])


def test_e7_as_written_swaps_the_embedding_arguments():
    vocabulary_size = 50000
    model = e7_model(layers.Embedding(256, vocabulary_size))
    # 256 words of 50000-wide vectors: 12800000, then a first Conv1D over 50000 channels:
    # 5*50000*128+128 = 32000128; 164096 + 3*327936 + 32896 + 129 + 1290 + 129
    assert model.count_params() == 45982476


def test_e7_intended_three_outputs_with_losses_and_weights_as_lists_and_dicts():
    model = e7_model(layers.Embedding(50000, 256))
    assert model.count_params() == 14146316  # 12800000 + 163968 + 164096 + 3*327936 + 32896 + 1548
    assert model.output_names == ['age', 'income', 'gender']
    posts = np.random.randint(1, 50000, size=(4, 300))  # >= 269 steps survive the five convolutions
    age, income = np.random.rand(4, 1) * 50, keras.utils.to_categorical(np.arange(4) % 10, 10)
    gender = np.random.randint(2, size=(4, 1))
    model.compile(optimizer='rmsprop', loss=['mse', 'categorical_crossentropy', 'binary_crossentropy'],
                  loss_weights=[0.25, 1., 10.])
    listed = model.evaluate(posts, [age, income, gender], verbose=0, return_dict=True)
    model.compile(optimizer='rmsprop',
                  loss={'age': 'mse', 'income': 'categorical_crossentropy', 'gender': 'binary_crossentropy'},
                  loss_weights={'age': 0.25, 'income': 1., 'gender': 10.})
    named = model.evaluate(posts, {'age': age, 'income': income, 'gender': gender}, verbose=0, return_dict=True)
    assert listed == pytest.approx(named)
    assert set(named) == {'loss', 'age_loss', 'income_loss', 'gender_loss'}
    model.fit(posts, {'age': age, 'income': income, 'gender': gender}, epochs=1, batch_size=4, verbose=0)


def test_e20_multi_input_multi_output():
    main_input = Input(shape=(100,), dtype='int32', name='main_input')
    x = Embedding(output_dim=512, input_dim=10000, input_length=100)(main_input)
    lstm_out = LSTM(32)(x)
    auxiliary_output = Dense(1, activation='sigmoid', name='aux_output')(lstm_out)
    auxiliary_input = Input(shape=(5,), name='aux_input')
    x = keras.layers.concatenate([lstm_out, auxiliary_input])
    x = Dense(64, activation='relu')(x)
    x = Dense(64, activation='relu')(x)
    x = Dense(64, activation='relu')(x)
    main_output = Dense(1, activation='sigmoid', name='main_output')(x)
    model = Model(inputs=[main_input, auxiliary_input], outputs=[main_output, auxiliary_output])
    # 5120000 + 4*32*(512+32+1) = 69760 + 33 + 37*64+64 = 2432 + 2*4160 + 65
    assert model.count_params() == 5200610
    headline_data = np.random.randint(1, 10000, size=(32, 100))
    additional_data, labels = np.random.rand(32, 5), np.random.randint(2, size=(32, 1))
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', loss_weights=[1., 0.2])
    model.fit([headline_data, additional_data], [labels, labels], epochs=1, batch_size=32, verbose=0)
    model.compile(optimizer='rmsprop',
                  loss={'main_output': 'binary_crossentropy', 'aux_output': 'binary_crossentropy'},
                  loss_weights={'main_output': 1., 'aux_output': 0.2})
    history = model.fit({'main_input': headline_data, 'aux_input': additional_data},
                        {'main_output': labels, 'aux_output': labels}, epochs=1, batch_size=32, verbose=0)
    assert set(history.history) == {'loss', 'main_output_loss', 'aux_output_loss'}


def test_e21_shared_lstm_on_two_tweets():
    tweet_a, tweet_b = Input(shape=(140, 256)), Input(shape=(140, 256))
    shared_lstm = LSTM(64)
    encoded_a, encoded_b = shared_lstm(tweet_a), shared_lstm(tweet_b)
    merged_vector = keras.layers.concatenate([encoded_a, encoded_b], axis=-1)
    predictions = Dense(1, activation='sigmoid')(merged_vector)
    model = Model(inputs=[tweet_a, tweet_b], outputs=predictions)
    model.compile(optimizer='rmsprop', loss='binary_crossentropy', metrics=['accuracy'])
    assert len(shared_lstm.inbound_nodes) == 2
    assert model.count_params() == 4 * 64 * (256 + 64 + 1) + 129  # 82305: the LSTM counted once
    data_a, data_b = np.random.rand(8, 140, 256), np.random.rand(8, 140, 256)
    model.fit([data_a, data_b], np.random.randint(2, size=(8, 1)), epochs=1, verbose=0)


def test_e22_conv_input_shapes_per_node():
    a, b = Input(shape=(32, 32, 3)), Input(shape=(64, 64, 3))
    conv = Conv2D(16, (3, 3), padding='same')
    conved_a = conv(a)
    assert conv.input_shape == (None, 32, 32, 3)
    conved_b = conv(b)
    with pytest.raises(AttributeError, match='get_input_shape_at'):
        conv.input_shape
    assert conv.get_input_shape_at(0) == (None, 32, 32, 3)
    assert conv.get_input_shape_at(1) == (None, 64, 64, 3)
    assert conv.get_output_at(0) is conved_a and conv.get_output_at(1) is conved_b
    lstm = LSTM(32)
    encoded_a = lstm(Input(shape=(140, 256)))
    assert lstm.output == encoded_a


def test_e23_inception_module():
    input_img = Input(shape=(256, 256, 3))
    tower_1 = Conv2D(64, (1, 1), padding='same', activation='relu')(input_img)
    tower_1 = Conv2D(64, (3, 3), padding='same', activation='relu')(tower_1)
    tower_2 = Conv2D(64, (1, 1), padding='same', activation='relu')(input_img)
    tower_2 = Conv2D(64, (5, 5), padding='same', activation='relu')(tower_2)
    tower_3 = MaxPooling2D((3, 3), strides=(1, 1), padding='same')(input_img)
    tower_3 = Conv2D(64, (1, 1), padding='same', activation='relu')(tower_3)
    output = keras.layers.concatenate([tower_1, tower_2, tower_3], axis=1)
    assert output.shape == (None, 768, 256, 64)  # axis=1 stacks the three towers' rows
    model = Model(input_img, output)
    assert model.count_params() == 3 * 256 + 36928 + 102464  # 1x1: 3*64+64; 3x3: 9*64*64+64; 5x5: 25*64*64+64
    assert model.predict(np.random.rand(1, 256, 256, 3), verbose=0).shape == (1, 768, 256, 64)


def test_e24_residual_connection():
    x = Input(shape=(256, 256, 3))
    y = Conv2D(3, (3, 3), padding='same')(x)
    z = keras.layers.add([x, y])
    model = Model(x, z)
    assert z.shape == (None, 256, 256, 3) and model.count_params() == 84  # 9*3*3+3
    image = np.random.rand(1, 256, 256, 3).astype('float32')
    conv_only = Model(x, y)
    np.testing.assert_allclose(model.predict(image, verbose=0), image + conv_only.predict(image, verbose=0),
                               rtol=1e-5, atol=1e-6)


def test_e25_shared_vision_model_tells_digits_apart():
    digit_input = Input(shape=(27, 27, 1))
    x = Conv2D(64, (3, 3))(digit_input)
    x = Conv2D(64, (3, 3))(x)
    x = MaxPooling2D((2, 2))(x)
    out = Flatten()(x)
    vision_model = Model(digit_input, out)
    digit_a, digit_b = Input(shape=(27, 27, 1)), Input(shape=(27, 27, 1))
    out_a, out_b = vision_model(digit_a), vision_model(digit_b)
    concatenated = keras.layers.concatenate([out_a, out_b])
    out = Dense(1, activation='sigmoid')(concatenated)
    classification_model = Model([digit_a, digit_b], out)
    # 27 -> 25 -> 23 -> pool 11: 11*11*64 = 7744 features per digit
    assert out_a.shape == (None, 7744)
    assert classification_model.count_params() == 640 + 36928 + 2 * 7744 + 1  # 53057
    classification_model.compile(optimizer='rmsprop', loss='binary_crossentropy')
    before = vision_model.get_weights()
    classification_model.fit([np.random.rand(4, 27, 27, 1), np.random.rand(4, 27, 27, 1)],
                             np.array([[0], [1], [0], [1]]), epochs=1, verbose=0)
    assert not np.array_equal(before[0], vision_model.get_weights()[0])  # one set of weights, trained


def vision_model(size):
    model = Sequential()
    model.add(Conv2D(64, (3, 3), activation='relu', padding='same', input_shape=(size, size, 3)))
    model.add(Conv2D(64, (3, 3), activation='relu'))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(128, (3, 3), activation='relu', padding='same'))
    model.add(Conv2D(128, (3, 3), activation='relu'))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(256, (3, 3), activation='relu', padding='same'))
    model.add(Conv2D(256, (3, 3), activation='relu'))
    model.add(Conv2D(256, (3, 3), activation='relu'))
    model.add(MaxPooling2D((2, 2)))
    model.add(Flatten())
    return model


def vqa_models(size, frames):
    vision = vision_model(size)
    image_input = Input(shape=(size, size, 3))
    encoded_image = vision(image_input)
    question_input = Input(shape=(100,), dtype='int32')
    embedded_question = Embedding(input_dim=10000, output_dim=256, input_length=100)(question_input)
    encoded_question = LSTM(256)(embedded_question)
    merged = keras.layers.concatenate([encoded_question, encoded_image])
    output = Dense(1000, activation='softmax')(merged)
    vqa_model = Model(inputs=[image_input, question_input], outputs=output)
    video_input = Input(shape=(frames, size, size, 3))
    encoded_frame_sequence = TimeDistributed(vision)(video_input)
    encoded_video = LSTM(256)(encoded_frame_sequence)
    question_encoder = Model(inputs=question_input, outputs=encoded_question)
    video_question_input = Input(shape=(100,), dtype='int32')
    encoded_video_question = question_encoder(video_question_input)
    merged = keras.layers.concatenate([encoded_video, encoded_video_question])
    output = Dense(1000, activation='softmax')(merged)
    video_qa_model = Model(inputs=[video_input, video_question_input], outputs=output)
    return vision, vqa_model, video_qa_model


def test_e26_e27_question_answering_at_the_guide_sizes():
    vision, vqa_model, video_qa_model = vqa_models(224, 100)
    # 224 -> same 224 -> 222 -> pool 111 -> same 111 -> 109 -> pool 54 -> same 54 -> 52 -> 50 -> pool 25
    assert vision.output_shape == (None, 25 * 25 * 256)
    # 1792 + 36928 + 73856 + 147584 + 295168 + 2*590080
    assert vision.count_params() == 1735488
    # + 2560000 embedding + 4*256*(256+256+1) = 525312 LSTM + 160256*1000+1000 Dense
    assert vqa_model.count_params() == 165077800
    frames = next(layer for layer in video_qa_model.layers if isinstance(layer, TimeDistributed))
    assert frames.output_shape == (None, 100, 160000)
    # shared vision and question encoder + 4*256*(160000+256+1) LSTM + 512*1000+1000 Dense
    assert video_qa_model.count_params() == 1735488 + 164103168 + 2560000 + 525312 + 513000


def test_e26_e27_train_one_step_at_a_reduced_image_size():
    vision, vqa_model, video_qa_model = vqa_models(32, 3)
    questions = np.random.randint(1, 10000, size=(2, 100))
    answers = keras.utils.to_categorical([3, 999], 1000)
    for model, visual in ((vqa_model, np.random.rand(2, 32, 32, 3)), (video_qa_model, np.random.rand(2, 3, 32, 32, 3))):
        model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
        before = vision.get_weights()[0]
        loss = model.train_on_batch([visual, questions], answers)
        assert np.isfinite(loss)
        assert not np.array_equal(before, vision.get_weights()[0])
        assert model.predict([visual, questions], verbose=0).shape == (2, 1000)


def test_e31_dense_on_a_4d_tensor_acts_on_the_last_axis():
    visible = Input(shape=(64, 64, 1))
    conv1 = Conv2D(32, kernel_size=4, activation='relu')(visible)
    pool1 = MaxPooling2D(pool_size=(2, 2))(conv1)
    conv2 = Conv2D(16, kernel_size=4, activation='relu')(pool1)
    pool2 = MaxPooling2D(pool_size=(2, 2))(conv2)
    hidden1 = Dense(10, activation='relu')(pool2)
    output = Dense(1, activation='sigmoid')(hidden1)
    model = Model(inputs=visible, outputs=output)
    assert model.output_shape == (None, 13, 13, 1)  # 64 -> 61 -> 30 -> 27 -> 13
    assert model.count_params() == 544 + 8208 + 170 + 11


def test_e32_e34_e36_recurrent_models():
    visible = Input(shape=(100, 1))
    hidden1 = LSTM(10)(visible)
    hidden2 = Dense(10, activation='relu')(hidden1)
    output = Dense(1, activation='sigmoid')(hidden2)
    assert Model(inputs=visible, outputs=output).count_params() == 480 + 110 + 11  # E32; 4*10*(1+10+1) = 480

    visible = Input(shape=(100, 1))
    extract1 = LSTM(10)(visible)
    interp1 = Dense(10, activation='relu')(extract1)
    interp11 = Dense(10, activation='relu')(extract1)
    interp12 = Dense(20, activation='relu')(interp11)
    interp13 = Dense(10, activation='relu')(interp12)
    merge = concatenate([interp1, interp13])
    output = Dense(1, activation='sigmoid')(merge)
    assert Model(inputs=visible, outputs=output).count_params() == 480 + 110 + 110 + 220 + 210 + 21  # E34

    visible = Input(shape=(100, 1))
    extract = LSTM(10, return_sequences=True)(visible)
    class11 = LSTM(10)(extract)
    class12 = Dense(10, activation='relu')(class11)
    output1 = Dense(1, activation='sigmoid')(class12)
    output2 = TimeDistributed(Dense(1, activation='linear'))(extract)
    model = Model(inputs=visible, outputs=[output1, output2])  # E36
    assert model.output_shape == [(None, 1), (None, 100, 1)]
    assert model.count_params() == 480 + 840 + 110 + 11 + 11  # LSTM on 10 features: 4*10*(10+10+1) = 840
    model.compile(optimizer='adam', loss=['binary_crossentropy', 'mse'])
    model.fit(np.random.rand(4, 100, 1), [np.ones((4, 1)), np.zeros((4, 100, 1))], verbose=0)


def test_e33_e35_convolutional_branches():
    visible = Input(shape=(64, 64, 1))
    conv1 = Conv2D(32, kernel_size=4, activation='relu')(visible)
    pool1 = MaxPooling2D(pool_size=(2, 2))(conv1)
    flat1 = Flatten()(pool1)
    conv2 = Conv2D(16, kernel_size=8, activation='relu')(visible)
    pool2 = MaxPooling2D(pool_size=(2, 2))(conv2)
    flat2 = Flatten()(pool2)
    merge = concatenate([flat1, flat2])
    hidden1 = Dense(10, activation='relu')(merge)
    output = Dense(1, activation='sigmoid')(hidden1)
    model = Model(inputs=visible, outputs=output)
    # 30*30*32 + 28*28*16 = 41344 features; 544 + (64*16+16 = 1040) + 413450 + 11
    assert merge.shape == (None, 41344) and model.count_params() == 415045

    visible1 = Input(shape=(64, 64, 1))
    conv11 = Conv2D(32, kernel_size=4, activation='relu')(visible1)
    pool11 = MaxPooling2D(pool_size=(2, 2))(conv11)
    conv12 = Conv2D(16, kernel_size=4, activation='relu')(pool11)
    pool12 = MaxPooling2D(pool_size=(2, 2))(conv12)
    flat1 = Flatten()(pool12)
    visible2 = Input(shape=(32, 32, 3))
    conv21 = Conv2D(32, kernel_size=4, activation='relu')(visible2)
    pool21 = MaxPooling2D(pool_size=(2, 2))(conv21)
    conv22 = Conv2D(16, kernel_size=4, activation='relu')(pool21)
    pool22 = MaxPooling2D(pool_size=(2, 2))(conv22)
    flat2 = Flatten()(pool22)
    merge = concatenate([flat1, flat2])
    hidden1 = Dense(10, activation='relu')(merge)
    hidden2 = Dense(10, activation='relu')(hidden1)
    output = Dense(1, activation='sigmoid')(hidden2)
    model = Model(inputs=[visible1, visible2], outputs=output)
    # 13*13*16 + 5*5*16 = 3104 features; 544 + 8208 + 1568 + 8208 + 31050 + 110 + 11
    assert merge.shape == (None, 3104) and model.count_params() == 49699
    model.compile(optimizer='adam', loss='binary_crossentropy')
    model.fit([np.random.rand(4, 64, 64, 1), np.random.rand(4, 32, 32, 3)], np.ones((4, 1)), verbose=0)
