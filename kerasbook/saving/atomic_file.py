"""Write a file all at once: into a temporary file beside it, then renamed over it.

A save that stops half-way (an error, Ctrl-C, a full disk) leaves the old file
as it was and no half-written file under the target's name: `os.replace` is a
single step on every operating system, within one folder.
"""
import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_write(filepath, overwrite=True):
    """Yield a temporary path in `filepath`'s folder; when the block ends without error it becomes `filepath`.

    Example:
        with atomic_write("model.keras") as path:
            write_everything_to(path)
    """
    filepath = os.fspath(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath!r} already exists; pass overwrite=True to replace it.")
    folder = os.path.dirname(os.path.abspath(filepath))
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(filepath)}.", suffix=".tmp")
    os.close(descriptor)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # the permissions a plain open() would have given
    try:
        yield temporary
        os.replace(temporary, filepath)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
