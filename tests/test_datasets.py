"""Datasets: shapes, dtypes, determinism, and that bad files are refused clearly.

Nothing here touches the network: downloads come from small files in a temporary folder
through `file://` origins, and the cache lives in a temporary `KERAS_HOME`.
"""
import gzip
import hashlib
import os
import pathlib
import re
import shutil

import numpy
import pytest

from kerasbook.datasets import (boston_housing, digit_sequences, digits, download, fashion_mnist, imdb, mnist,
                                reuters,
                                shapes_vqa)
from kerasbook.datasets.download import ChecksumError


def sha256_of(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


# digits

def test_digits_shapes_dtypes_and_split():
    (x_train, y_train), (x_test, y_test) = digits.load_data(test_split=0.2)
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert y_train.shape == (1438,) and y_test.shape == (359,)
    assert x_train.dtype == y_train.dtype == numpy.uint8
    assert x_train.max() == 16 and x_train.min() == 0
    assert set(numpy.unique(numpy.concatenate([y_train, y_test]))) == set(range(10))


def test_digits_split_is_deterministic_per_seed():
    (a, _), _ = digits.load_data(seed=1)
    (b, _), _ = digits.load_data(seed=1)
    (c, _), _ = digits.load_data(seed=2)
    numpy.testing.assert_array_equal(a, b)
    assert not numpy.array_equal(a, c)


def test_digits_rejects_bad_test_split():
    with pytest.raises(ValueError, match="test_split"):
        digits.load_data(test_split=1.5)


def test_digits_corrupt_file_names_file_and_both_checksums(tmp_path, monkeypatch):
    truncated = tmp_path / "digits.npz"
    truncated.write_bytes(pathlib.Path(digits.PATH).read_bytes()[:1000])
    monkeypatch.setattr(digits, "PATH", str(truncated))
    with pytest.raises(ChecksumError) as error:
        digits.load_data()
    message = str(error.value)
    assert str(truncated) in message and digits.FILE_HASH in message
    assert sha256_of(truncated) in message and "Reinstall kerasbook" in message


# reading .npz files as data only

class RunsCodeWhenUnpickled:
    """Unpickling this calls open(marker, "w"): the kind of object a data file must not hold."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return open, (self.marker, "w")


def test_load_npz_refuses_object_arrays_without_running_them(tmp_path):
    marker = tmp_path / "code_ran"
    path = tmp_path / "evil.npz"
    numpy.savez(path, x=numpy.array([RunsCodeWhenUnpickled(str(marker))], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle=False") as error:
        download.load_npz(path)
    assert str(path) in str(error.value)
    assert not marker.exists()


def test_load_npz_refuses_a_file_that_is_not_an_archive(tmp_path):
    path = tmp_path / "broken.npz"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValueError, match="broken.npz"):
        download.load_npz(path)


# digit sequences

def test_digit_rows_are_scaled_sequences():
    (x_train, y_train), (x_test, _) = digit_sequences.load_rows()
    assert x_train.shape == (1438, 8, 8) and x_test.shape == (359, 8, 8)
    assert x_train.dtype == numpy.float32 and x_train.min() == 0 and x_train.max() == 1
    assert y_train.dtype == numpy.uint8


def test_token_sequences_shapes_dtypes_and_determinism():
    (x_train, y_train), (x_test, y_test) = digit_sequences.load_data(
        num_words=200, maxlen=30, n=1000, seed=4)
    assert x_train.shape == (800, 30) and x_test.shape == (200, 30)
    assert x_train.dtype == numpy.int32 and y_train.dtype == numpy.uint8
    assert set(numpy.unique(y_train)) == {0, 1} and 0.4 < y_train.mean() < 0.6
    assert x_train.max() < 200
    (again, _), _ = digit_sequences.load_data(num_words=200, maxlen=30, n=1000, seed=4)
    numpy.testing.assert_array_equal(x_train, again)


def test_token_labels_follow_negation_and_majority():
    (x, y), _ = digit_sequences.load_data(num_words=100, maxlen=40, n=2000, test_split=0)
    stray_nots = 0
    for row, label in zip(x, y):
        tokens = list(row[row != digit_sequences.PAD])
        assert tokens[0] == digit_sequences.START  # pre-padded: the review ends the row
        votes = 0
        for previous, token in zip(tokens, tokens[1:]):
            if token in digit_sequences.POSITIVE or token in digit_sequences.NEGATIVE:
                polarity = 1 if token in digit_sequences.POSITIVE else -1
                votes += -polarity if previous == digit_sequences.NOT else polarity
            elif previous == digit_sequences.NOT:
                stray_nots += 1
        assert votes in (-3, -1, 1, 3)
        assert label == (votes > 0)
    assert stray_nots > 0


# shapes VQA

def parse_scene(image):
    """Find each shape from pixels alone: one per quarter, told apart by outline."""
    half = image.shape[0] // 2
    colour_of = {rgb: name for name, rgb in shapes_vqa.COLOURS.items()}
    scene = []
    for top in (0, half):
        for left in (0, half):
            quarter = image[top:top + half, left:left + half]
            on = quarter.any(axis=-1)
            if not on.any():
                continue
            rows, cols = numpy.nonzero(on)
            box = on[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
            colours = {tuple(int(v) for v in pixel) for pixel in quarter[on]}
            assert len(colours) == 1
            if box[0, 0] and box[0, -1]:
                shape = "square"
            elif box[3 * len(box) // 4].sum() > 1.8 * box[len(box) // 4].sum():
                shape = "triangle"  # much wider near the bottom than near the top
            else:
                shape = "circle"
            scene.append((shape, colour_of[colours.pop()]))
    return scene


def expected_answer(words, scene):
    shapes = [shape for shape, _ in scene]
    if words[:2] == ["what", "colour"]:
        assert shapes.count(words[-1]) == 1
        return dict(scene)[words[-1]]
    if words[:2] == ["how", "many"]:
        return str(shapes.count(words[-1][:-1]))
    return "yes" if (words[-1], words[-2]) in scene else "no"


@pytest.mark.parametrize("image_size", [32, 64])
def test_vqa_answers_match_the_drawn_images(image_size):
    train, test, (word_index, answers) = shapes_vqa.load_data(
        n=600, image_size=image_size, seed=7)
    (images, questions), labels = train
    assert images.shape == (480, image_size, image_size, 3) and images.dtype == numpy.uint8
    assert questions.shape == (480, 5) and questions.dtype == numpy.int32
    assert labels.shape == (480,) and labels.dtype == numpy.uint8
    assert test[0][0].shape == (120, image_size, image_size, 3)

    words_of = {index: word for word, index in word_index.items()}
    kinds = set()
    for image, question, label in zip(images, questions, labels):
        words = [words_of[token] for token in question if token]
        scene = parse_scene(image)
        assert 1 <= len(scene) <= 3
        assert answers[label] == expected_answer(words, scene), (words, scene)
        kinds.add(words[0])
    assert kinds == {"what", "how", "is"}


def test_vqa_is_deterministic_and_seed_dependent():
    ((a, qa), ya), _, _ = shapes_vqa.load_data(n=50, seed=3)
    ((b, qb), yb), _, _ = shapes_vqa.load_data(n=50, seed=3)
    ((c, _), _), _, _ = shapes_vqa.load_data(n=50, seed=4)
    numpy.testing.assert_array_equal(a, b)
    numpy.testing.assert_array_equal(qa, qb)
    numpy.testing.assert_array_equal(ya, yb)
    assert not numpy.array_equal(a, c)


# downloads: get_file, mnist, fashion_mnist

@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


@pytest.fixture
def fake_mnist(tmp_path, monkeypatch):
    """A tiny mnist.npz served from a file:// origin, with its checksum pinned."""
    server = tmp_path / "server"
    server.mkdir()
    source = server / "mnist.npz"
    rng = numpy.random.default_rng(0)
    numpy.savez(source, x_train=rng.integers(0, 256, (6, 28, 28), dtype=numpy.uint8),
                y_train=numpy.arange(6, dtype=numpy.uint8),
                x_test=rng.integers(0, 256, (2, 28, 28), dtype=numpy.uint8),
                y_test=numpy.arange(2, dtype=numpy.uint8))
    monkeypatch.setattr(mnist, "ORIGIN", source.as_uri())
    monkeypatch.setattr(mnist, "FILE_HASH", sha256_of(source))
    return source


def test_keras_home_defaults_to_dot_keras(monkeypatch, tmp_path):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert download.keras_home() == os.path.join(str(tmp_path), ".keras")


def test_mnist_downloads_into_keras_home_then_reuses_the_cache(keras_home, fake_mnist):
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (6, 28, 28) and x_test.shape == (2, 28, 28)
    assert y_train.dtype == numpy.uint8
    cached = keras_home / "datasets" / "mnist.npz"
    assert sha256_of(cached) == mnist.FILE_HASH

    fake_mnist.unlink()  # the origin is gone, so a second download would fail
    (again, _), _ = mnist.load_data()
    numpy.testing.assert_array_equal(x_train, again)


def test_mnist_respects_cache_dir_and_absolute_path(keras_home, fake_mnist, tmp_path):
    mnist.load_data(cache_dir=str(tmp_path / "elsewhere"))
    assert (tmp_path / "elsewhere" / "datasets" / "mnist.npz").exists()
    mnist.load_data(path=str(tmp_path / "here.npz"))
    assert (tmp_path / "here.npz").exists()
    assert not keras_home.exists() or not any(keras_home.rglob("*.npz"))


def test_bad_download_is_deleted_with_a_clear_error(keras_home, fake_mnist):
    fake_mnist.write_bytes(fake_mnist.read_bytes()[:500])  # the server sends a truncated file
    with pytest.raises(ChecksumError) as error:
        mnist.load_data()
    message = str(error.value)
    assert mnist.FILE_HASH in message and sha256_of(fake_mnist) in message
    assert fake_mnist.as_uri() in message and "deleted" in message
    assert list((keras_home / "datasets").iterdir()) == []


def test_corrupt_cache_is_deleted_and_downloaded_again(keras_home, fake_mnist):
    mnist.load_data()
    cached = keras_home / "datasets" / "mnist.npz"
    cached.write_bytes(cached.read_bytes()[:500])
    with pytest.warns(UserWarning, match="corrupt or truncated"):
        (x_train, _), _ = mnist.load_data()
    assert x_train.shape == (6, 28, 28) and sha256_of(cached) == mnist.FILE_HASH


def test_corrupt_cache_with_no_network_says_what_to_do(keras_home, fake_mnist):
    mnist.load_data()
    cached = keras_home / "datasets" / "mnist.npz"
    cached.write_bytes(b"garbage")
    fake_mnist.unlink()
    with pytest.warns(UserWarning, match=re.escape(str(cached))):
        with pytest.raises(OSError, match="Could not download") as error:
            mnist.load_data()
    assert str(cached) in str(error.value)
    assert not cached.exists()


def write_idx(path, values):
    header = bytes([0, 0, 8, values.ndim]) + b"".join(
        size.to_bytes(4, "big") for size in values.shape)
    with gzip.open(path, "wb") as file:
        file.write(header + values.astype(numpy.uint8).tobytes())


def test_fashion_mnist_reads_the_four_idx_files(keras_home, tmp_path, monkeypatch):
    server = tmp_path / "server"
    server.mkdir()
    rng = numpy.random.default_rng(1)
    contents = {"train-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28)),
                "train-labels-idx1-ubyte.gz": numpy.arange(5),
                "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (3, 28, 28)),
                "t10k-labels-idx1-ubyte.gz": numpy.arange(3)}
    for name, values in contents.items():
        write_idx(server / name, values)
    monkeypatch.setattr(fashion_mnist, "ORIGIN", server.as_uri() + "/")
    monkeypatch.setattr(fashion_mnist, "FILE_HASHES",
                        {name: sha256_of(server / name) for name in fashion_mnist.FILE_HASHES})

    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    numpy.testing.assert_array_equal(x_train, contents["train-images-idx3-ubyte.gz"])
    numpy.testing.assert_array_equal(y_test, contents["t10k-labels-idx1-ubyte.gz"])
    assert x_train.dtype == numpy.uint8 and x_train.flags.writeable
    assert (keras_home / "datasets" / "fashion-mnist" / "t10k-labels-idx1-ubyte.gz").exists()

    shutil.rmtree(server)  # cached now: no second download
    (again, _), _ = fashion_mnist.load_data()
    numpy.testing.assert_array_equal(x_train, again)


def test_pinned_hashes_are_sha256_hex():
    for file_hash in [mnist.FILE_HASH, digits.FILE_HASH, *fashion_mnist.FILE_HASHES.values()]:
        assert len(file_hash) == 64 and int(file_hash, 16) >= 0


# boston_housing: Keras's shuffle and split of its npz

@pytest.fixture
def fake_boston(tmp_path, monkeypatch):
    server = tmp_path / "server"
    server.mkdir()
    source = server / "boston_housing.npz"
    rng = numpy.random.default_rng(1)
    numpy.savez(source, x=rng.normal(size=(23, 13)), y=numpy.arange(23, dtype="float64"))
    monkeypatch.setattr(boston_housing, "ORIGIN", source.as_uri())
    monkeypatch.setattr(boston_housing, "FILE_HASH", sha256_of(source))
    return source


def test_boston_housing_shuffles_with_randomstate_and_splits_as_keras(keras_home, fake_boston):
    (x_train, y_train), (x_test, y_test) = boston_housing.load_data(test_split=0.3, seed=5)
    order = numpy.arange(23)
    numpy.random.RandomState(5).shuffle(order)
    numpy.testing.assert_array_equal(numpy.concatenate([y_train, y_test]), order)
    assert len(y_train) == int(23 * 0.7) and x_train.shape == (16, 13)
    numpy.testing.assert_array_equal(x_test, numpy.load(fake_boston)["x"][order[16:]])


def test_boston_housing_equals_keras_on_the_same_file(keras_home, fake_boston, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "jax"))  # Keras 3 on JAX, when installed
    keras_boston = pytest.importorskip("keras.src.datasets.boston_housing")
    monkeypatch.setattr(keras_boston, "get_file", lambda *args, **kwargs: str(fake_boston))
    for ours, theirs in zip(boston_housing.load_data(), keras_boston.load_data()):
        for a, b in zip(ours, theirs):
            numpy.testing.assert_array_equal(a, b)


def test_boston_housing_refuses_a_bad_download_and_a_bad_split(keras_home, fake_boston):
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=1.0)
    fake_boston.write_bytes(fake_boston.read_bytes()[:300])
    with pytest.raises(ChecksumError, match=boston_housing.FILE_HASH):
        boston_housing.load_data()


# imdb: ragged reviews read from pickled object arrays as data, processed as Keras

def ragged(reviews):
    array = numpy.empty(len(reviews), dtype=object)
    array[:] = [list(review) for review in reviews]
    return array


@pytest.fixture
def fake_imdb(tmp_path, monkeypatch):
    server = tmp_path / "server"
    server.mkdir()
    rng = numpy.random.default_rng(2)
    # Python ints, as in Keras's file (a NumPy scalar would be a pickled reference, refused)
    reviews = [[int(w) for w in rng.integers(1, 60, size=rng.integers(1, 12))] for _ in range(14)]
    reviews[3] = reviews[5]  # the same list twice: a memo reference in the pickle
    source = server / "imdb.npz"
    numpy.savez(source, x_train=ragged(reviews[:8]), y_train=numpy.arange(8) % 2,
                x_test=ragged(reviews[8:]), y_test=numpy.arange(6) % 2)
    words = server / "imdb_word_index.json"
    words.write_text('{"the": 1, "film": 2}')
    monkeypatch.setattr(imdb, "ORIGIN", server.as_uri() + "/")
    monkeypatch.setattr(imdb, "FILE_HASH", sha256_of(source))
    monkeypatch.setattr(imdb, "WORD_INDEX_HASH", hashlib.md5(words.read_bytes()).hexdigest())
    return source, reviews


def test_object_arrays_of_lists_are_read_without_unpickling(tmp_path, fake_imdb):
    source, reviews = fake_imdb
    arrays = download.load_npz_of_sequences(source)
    assert [list(map(int, r)) for r in arrays["x_train"]] == [list(map(int, r)) for r in reviews[:8]]
    numpy.testing.assert_array_equal(arrays["y_test"], numpy.arange(6) % 2)


def test_a_pickle_that_would_run_code_is_refused_by_the_data_reader(tmp_path):
    marker = tmp_path / "code_ran"
    path = tmp_path / "evil.npz"
    numpy.savez(path, x=numpy.array([RunsCodeWhenUnpickled(str(marker))], dtype=object))
    with pytest.raises(ValueError, match="refusing"):
        download.load_npz_of_sequences(path)
    assert not marker.exists()


@pytest.mark.parametrize("options", [{}, {"num_words": 30, "skip_top": 4}, {"maxlen": 8, "seed": 7},
                                     {"start_char": None, "oov_char": None, "num_words": 40, "index_from": 0}])
def test_imdb_equals_keras_on_the_same_file(keras_home, fake_imdb, monkeypatch, options):
    source, _ = fake_imdb
    monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "jax"))
    keras_imdb = pytest.importorskip("keras.src.datasets.imdb")
    monkeypatch.setattr(keras_imdb, "get_file", lambda *args, **kwargs: str(source))
    ours, theirs = imdb.load_data(**options), keras_imdb.load_data(**options)
    for (x, y), (keras_x, keras_y) in zip(ours, theirs):
        assert x.dtype == object and [list(map(int, r)) for r in x] == [list(map(int, r)) for r in keras_x]
        numpy.testing.assert_array_equal(y, keras_y)


def test_imdb_marks_the_start_shifts_indices_and_replaces_rare_words(keras_home, fake_imdb):
    _, reviews = fake_imdb
    (x_train, _), _ = imdb.load_data(num_words=20, seed=0)
    order = numpy.arange(8)
    numpy.random.RandomState(0).shuffle(order)
    expected = [[1] + [w + 3 if w + 3 < 20 else 2 for w in reviews[i]] for i in order]
    assert [list(map(int, r)) for r in x_train] == expected


def test_imdb_word_index_and_checksums(keras_home, fake_imdb):
    source, _ = fake_imdb
    assert imdb.get_word_index() == {"the": 1, "film": 2}
    source.write_bytes(source.read_bytes()[:200])
    with pytest.raises(ChecksumError, match=imdb.FILE_HASH):
        imdb.load_data()


# reuters: one array of stories, shuffled, processed and split as Keras

@pytest.fixture
def fake_reuters(tmp_path, monkeypatch):
    server = tmp_path / "server"
    server.mkdir()
    rng = numpy.random.default_rng(4)
    stories = [[int(w) for w in rng.integers(1, 50, size=rng.integers(1, 10))] for _ in range(17)]
    source = server / "reuters.npz"
    numpy.savez(source, x=ragged(stories), y=numpy.arange(17) % 46)
    words = server / "reuters_word_index.json"
    words.write_text('{"oil": 1}')
    monkeypatch.setattr(reuters, "ORIGIN", server.as_uri() + "/")
    monkeypatch.setattr(reuters, "FILE_HASH", sha256_of(source))
    monkeypatch.setattr(reuters, "WORD_INDEX_HASH", hashlib.md5(words.read_bytes()).hexdigest())
    return source


@pytest.mark.parametrize("options", [{}, {"num_words": 25, "skip_top": 3, "test_split": 0.5},
                                     {"maxlen": 7, "seed": 1}, {"start_char": None, "oov_char": None}])
def test_reuters_equals_keras_on_the_same_file(keras_home, fake_reuters, monkeypatch, options):
    monkeypatch.setenv("KERAS_BACKEND", os.environ.get("KERAS_BACKEND", "jax"))
    keras_reuters = pytest.importorskip("keras.src.datasets.reuters")
    monkeypatch.setattr(keras_reuters, "get_file", lambda *args, **kwargs: str(fake_reuters))
    for (x, y), (keras_x, keras_y) in zip(reuters.load_data(**options), keras_reuters.load_data(**options)):
        assert x.dtype == object and [list(map(int, r)) for r in x] == [list(map(int, r)) for r in keras_x]
        numpy.testing.assert_array_equal(y, keras_y)


def test_reuters_split_word_index_and_checksum(keras_home, fake_reuters):
    (x_train, _), (x_test, _) = reuters.load_data()
    assert len(x_train) == int(17 * 0.8) and len(x_test) == 17 - int(17 * 0.8)
    assert reuters.get_word_index() == {"oil": 1}
    fake_reuters.write_bytes(fake_reuters.read_bytes()[:200])
    with pytest.raises(ChecksumError, match=reuters.FILE_HASH):
        reuters.load_data(cache_dir=str(keras_home / "fresh"))  # the cached copy above is still good
