"""Hold back Ctrl-C while weights are being written, so a model is never half-updated."""
import signal
import threading
from contextlib import contextmanager


@contextmanager
def deferred_interrupt():
    """Inside this block a SIGINT is remembered, then raised once the block is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append((signum, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if received and callable(previous):
            previous(*received[0])
