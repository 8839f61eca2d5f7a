"""Fetch, cache and verify dataset files, and read them as data only.

Every dataset file passes through here. A file is trusted only after its SHA-256 checksum
matches the one written in our code, so a truncated download or a tampered cache is caught
before it can become silently wrong training data. Archives are opened with
`allow_pickle=False`: a pickled object in a data file could run code when loaded.
"""
import hashlib
import io
import os
import urllib.request
import warnings
import zipfile

import numpy


class ChecksumError(ValueError):
    """A file's contents are not the ones its checksum promises."""


def keras_home():
    """Where downloads are cached: `$KERAS_HOME`, or `~/.keras` as in Keras."""
    return os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))


def sha256(path, algorithm="sha256"):
    """The SHA-256 hex digest of a file, read in chunks so large files need little memory.

    `algorithm='md5'` gives the MD5 digest instead: Keras pins a few small files by MD5.
    """
    digest = hashlib.new(algorithm)
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(path, expected, remedy):
    """Raise a ChecksumError that names the file, both checksums and what to do."""
    actual = sha256(path, _algorithm(expected))
    if actual != expected:
        raise ChecksumError(
            f"{path} is corrupt or truncated: expected SHA-256 {expected}, actual {actual}. "
            f"{remedy}")


def get_file(fname, origin, file_hash=None, cache_subdir="datasets", cache_dir=None):
    """Download `origin` once into the cache and return the local path, as Keras's get_file.

    A cached copy is checked against `file_hash` on every call; a bad one is deleted and
    downloaded again. A fresh download that fails the check is deleted and reported, so a
    bad file never stays in the cache. `file_hash=None` skips checking: only for files you
    trust. `fname` may be an absolute path, which then ignores the cache folders.

    Example:
        path = get_file("mnist.npz", "https://storage.googleapis.com/tensorflow/"
                        "tf-keras-datasets/mnist.npz", file_hash="731c5a...")
    """
    cache_dir = os.path.expanduser(cache_dir or keras_home())
    path = os.path.join(cache_dir, cache_subdir, fname)
    os.makedirs(os.path.dirname(path), exist_ok=True)

    if os.path.exists(path):
        actual = sha256(path, _algorithm(file_hash)) if file_hash else None
        if actual == file_hash:
            return path
        warnings.warn(f"{path} is corrupt or truncated: expected SHA-256 {file_hash}, "
                      f"actual {actual}. Deleting it and downloading it again.")
        os.remove(path)

    partial = path + ".part"
    _download(origin, partial, path)
    if file_hash:
        try:
            check_sha256(partial, file_hash,
                         f"The download from {origin} was deleted; call again to retry. If it "
                         f"fails again, the file at that address has changed.")
        except ChecksumError:
            os.remove(partial)
            raise
    os.replace(partial, path)
    return path


def _algorithm(file_hash):
    """Keras's rule: a 32-digit hash is MD5, any other SHA-256."""
    return "md5" if len(file_hash) == 32 else "sha256"


def _download(origin, partial, path):
    print(f"Downloading data from {origin}")
    try:
        with urllib.request.urlopen(origin, timeout=60) as response, open(partial, "wb") as file:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                file.write(chunk)
    except OSError as error:
        if os.path.exists(partial):
            os.remove(partial)
        raise OSError(f"Could not download {origin}: {error}. Check your internet connection, "
                      f"or download the file yourself and save it as {path}.") from error


def load_npz(path):
    """Read every array of an .npz archive into a dict, refusing pickled Python objects."""
    with open(path, "rb") as file:
        try:
            with numpy.load(file, allow_pickle=False) as archive:
                return {name: archive[name] for name in archive.files}
        except (ValueError, EOFError, zipfile.BadZipFile) as error:
            raise ValueError(
                f"{path} is not an .npz archive of plain arrays ({error}). kerasbook reads "
                f"dataset files as data only (allow_pickle=False), so object arrays are "
                f"refused.") from error


# Opcodes that only build data (numbers, strings, tuples, lists, the memo): what an
# object array of lists of ints is made of. Any other opcode stops the reading.
_DATA_OPCODES = {"PROTO", "FRAME", "MEMOIZE", "BINPUT", "LONG_BINPUT", "PUT", "BINGET", "LONG_BINGET", "GET",
                 "MARK", "EMPTY_LIST", "APPEND", "APPENDS", "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3",
                 "BININT", "BININT1", "BININT2", "LONG1", "INT", "NONE", "NEWTRUE", "NEWFALSE",
                 "SHORT_BINUNICODE", "BINUNICODE", "SHORT_BINBYTES", "BINBYTES", "STACK_GLOBAL", "GLOBAL",
                 "REDUCE", "BUILD", "STOP"}
_ARRAY_GLOBALS = {"numpy.core.multiarray _reconstruct", "numpy._core.multiarray _reconstruct",
                  "numpy ndarray", "numpy dtype"}


def read_object_array(stream):
    """The items of a pickled NumPy object array of lists of numbers, read as data: nothing is unpickled.

    `pickletools.genops` only parses the opcodes; this walks them with a small stack,
    accepting data opcodes and the three NumPy names an array's pickle mentions, which
    are kept as strings and never imported or called. Anything else is refused.
    """
    import pickletools
    stack, marks, memo = [], [], {}
    for opcode, argument, _ in pickletools.genops(stream):
        name = opcode.name
        if name not in _DATA_OPCODES:
            raise ValueError(f"refusing pickle opcode {name}: only plain lists of numbers are read")
        if name in ("MEMOIZE",):
            memo[len(memo)] = stack[-1]
        elif name in ("BINPUT", "LONG_BINPUT", "PUT"):
            memo[argument] = stack[-1]
        elif name in ("BINGET", "LONG_BINGET", "GET"):
            stack.append(memo[argument])
        elif name == "MARK":
            marks.append(len(stack))
        elif name == "EMPTY_LIST":
            stack.append([])
        elif name == "APPEND":
            item = stack.pop()
            stack[-1].append(item)
        elif name in ("APPENDS", "TUPLE"):
            start = marks.pop()
            items, stack[start:] = stack[start:], []
            if name == "TUPLE":
                stack.append(tuple(items))
            else:
                stack[-1].extend(items)
        elif name in ("EMPTY_TUPLE", "TUPLE1", "TUPLE2", "TUPLE3"):
            size = {"EMPTY_TUPLE": 0, "TUPLE1": 1, "TUPLE2": 2, "TUPLE3": 3}[name]
            items = tuple(stack[len(stack) - size:])
            del stack[len(stack) - size:]
            stack.append(items)
        elif name in ("NONE", "NEWTRUE", "NEWFALSE"):
            stack.append({"NONE": None, "NEWTRUE": True, "NEWFALSE": False}[name])
        elif name in ("STACK_GLOBAL", "GLOBAL"):
            qualified = argument if name == "GLOBAL" else f"{stack.pop(-2)} {stack.pop()}"
            if qualified not in _ARRAY_GLOBALS:
                raise ValueError(f"refusing pickled reference to {qualified!r}")
            stack.append(("global", qualified))
        elif name == "REDUCE":
            arguments = stack.pop()
            stack.append(("call", stack.pop(), arguments))
        elif name == "BUILD":
            state = stack.pop()
            stack.append(("build", stack.pop(), state))
        elif name == "STOP":
            break
        elif name not in ("PROTO", "FRAME"):
            stack.append(argument)  # a number, a string or bytes
    built = stack[-1] if stack else None
    if not (isinstance(built, tuple) and built[0] == "build" and isinstance(built[2], tuple)
            and isinstance(built[2][-1], list)):
        raise ValueError("not the pickle of a NumPy object array")
    items = built[2][-1]
    array = numpy.empty(len(items), dtype=object)
    array[:] = [list(item) if isinstance(item, list) else item for item in items]
    return array


def load_npz_of_sequences(path):
    """An .npz whose members may be object arrays of lists (Keras's imdb.npz, reuters.npz), read as data only."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            with archive.open(member) as raw:
                stream = io.BytesIO(raw.read())
            try:
                arrays[member[:-len(".npy")]] = numpy.lib.format.read_array(stream, allow_pickle=False)
            except ValueError:
                stream.seek(0)
                version = numpy.lib.format.read_magic(stream)
                header = (numpy.lib.format.read_array_header_1_0 if version[0] == 1
                          else numpy.lib.format.read_array_header_2_0)
                header(stream)
                arrays[member[:-len(".npy")]] = read_object_array(stream)
    return arrays
