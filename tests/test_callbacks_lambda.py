"""LambdaCallback: each function called where its hook is, with Keras's arguments."""
import numpy as np
import pytest

import kerasbook
from kerasbook import layers
from kerasbook.callbacks import LambdaCallback


def fit(callback, epochs=2):
    m = kerasbook.Sequential([kerasbook.Input((2,)), layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    x = np.ones((8, 2), dtype="float32")
    return m.fit(x, x[:, :1], epochs=epochs, batch_size=4, verbose=0, callbacks=[callback])


def test_every_hook_is_called_in_order_with_its_arguments():
    calls = []
    fit(LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_begin=lambda batch, logs: calls.append(f"batch_begin {batch}"),
        on_train_batch_end=lambda batch, logs: calls.append(f"batch_end {batch} {sorted(logs)}"),
        on_epoch_end=lambda epoch, logs: calls.append(f"epoch_end {epoch} {sorted(logs)}"),
        on_train_end=lambda logs: calls.append("train_end")), epochs=1)
    assert calls == ["train_begin", "epoch_begin 0", "batch_begin 0", "batch_end 0 ['loss']", "batch_begin 1",
                     "batch_end 1 ['loss']", "epoch_end 0 ['loss']", "train_end"]


def test_keras_2s_batch_names_are_the_training_batch_hooks():
    batches = []
    fit(LambdaCallback(on_batch_begin=lambda batch, logs: batches.append(("begin", batch)),
                       on_batch_end=lambda batch, logs: batches.append(("end", batch))), epochs=1)
    assert batches == [("begin", 0), ("end", 0), ("begin", 1), ("end", 1)]


def test_any_other_hook_by_its_name():
    ended = []
    m = kerasbook.Sequential([kerasbook.Input((2,)), layers.Dense(1)])
    m.compile(optimizer="sgd", loss="mse")
    x = np.ones((4, 2), dtype="float32")
    m.evaluate(x, x[:, :1], verbose=0, callbacks=[LambdaCallback(on_test_end=lambda logs: ended.append(logs))])
    assert len(ended) == 1


def test_a_function_can_stop_training():
    stopper = LambdaCallback(on_epoch_end=lambda epoch, logs: setattr(stopper.model, "stop_training", epoch == 1))
    assert fit(stopper, epochs=5).epoch == [0, 1]


def test_a_name_that_is_no_hook_is_refused():
    with pytest.raises(TypeError, match="'on_epoch_ends'"):
        LambdaCallback(on_epoch_ends=print)
