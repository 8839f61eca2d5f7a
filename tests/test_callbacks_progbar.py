"""The progress line (kerasbook/callbacks/progbar.py) in a terminal that cannot show its bar characters."""
import io
import sys

import numpy as np
import pytest

from kerasbook.layers import Dense
from kerasbook.models import Sequential


@pytest.mark.parametrize("encoding, bar", [("cp1252", "=" * 20), ("ascii", "=" * 20), ("utf-8", "━" * 20)])
def test_fit_draws_the_bar_in_characters_the_output_can_encode(monkeypatch, encoding, bar):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", write_through=True)
    monkeypatch.setattr(sys, "stdout", stream)
    model = Sequential([Dense(1, input_dim=2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((8, 2)), np.ones((8, 1)), batch_size=4, epochs=2, verbose=1)
    model.evaluate(np.ones((8, 2)), np.ones((8, 1)), batch_size=4, verbose=1)
    model.predict(np.ones((8, 2)), batch_size=4, verbose=1)
    text = raw.getvalue().decode(encoding)
    assert text.count(f"2/2 {bar} ") == 4 and "Epoch 2/2" in text
    if encoding != "utf-8":
        assert text.isascii()
