"""Short tracebacks, as Keras gives them: your code and kerasbook's message, not kerasbook's insides.

An error in `model.fit(...)` would otherwise show some twenty frames of the
training loop before the one line that says what is wrong. The public entry
points (`fit`, `evaluate`, `predict`, `compile`, `Model(...)`, calling a layer,
…) are wrapped in `filter_traceback`: when an exception leaves them, every frame
whose file is inside the kerasbook package is cut out of its traceback (and out
of the tracebacks of the exceptions it was raised from). Frames of your own code
that kerasbook called, such as your `train_step` or a callback, stay.

``kerasbook.config.disable_traceback_filtering()`` (or KERASBOOK_TRACEBACK_FILTERING=0
before import) shows the full traceback again.
"""
import functools
import os
import sys
import types

from .. import config

PACKAGE_FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def filter_traceback(fn):
    """Wrap a public function so that an error leaving it shows no kerasbook frame."""

    @functools.wraps(fn)
    def error_handler(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as error:
            if not config.is_traceback_filtering_enabled():
                raise
            strip_kerasbook_frames(error)
            if sys.version_info < (3, 11):
                raise error  # Python 3.10's bare raise would restore the full traceback
            raise  # a bare raise adds no frame of its own, so not even this one shows

    return error_handler


def strip_kerasbook_frames(error):
    """Cut kerasbook's frames out of `error`'s traceback and those of the errors it came from."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        error.__traceback__ = _without_kerasbook_frames(error.__traceback__)
        error = error.__cause__ or error.__context__


def _without_kerasbook_frames(traceback):
    kept = []
    while traceback is not None:
        if not traceback.tb_frame.f_code.co_filename.startswith(PACKAGE_FOLDER):
            kept.append(traceback)
        traceback = traceback.tb_next
    filtered = None
    for entry in reversed(kept):
        filtered = types.TracebackType(filtered, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return filtered
