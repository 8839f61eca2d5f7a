"""Fetch, cache and verify dataset files, and read them as data only.

Every dataset file passes through here. A file is trusted only after its SHA-256 checksum
matches the one written in our code, so a truncated download or a tampered cache is caught
before it can become silently wrong training data. Archives are opened with
`allow_pickle=False`: a pickled object in a data file could run code when loaded.
"""
import hashlib
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


def sha256(path):
    """The SHA-256 hex digest of a file, read in chunks so large files need little memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_sha256(path, expected, remedy):
    """Raise a ChecksumError that names the file, both checksums and what to do."""
    actual = sha256(path)
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
        actual = sha256(path) if file_hash else None
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
