"""The HTML summary a notebook shows for a model."""
import re

import pytest

import kerasbook
from kerasbook import Model, Sequential
from kerasbook.backend import clear_session
from kerasbook.layers import Dense, Dropout, Flatten, Input, TimeDistributed, add, concatenate
from kerasbook.widgets.summary import summary_html


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()


def rows(html):
    return re.findall(r"<tr>(.*?)</tr>", html)


def test_sequential_rows_totals_and_bars():
    model = Sequential([Dense(32, activation="relu", input_shape=(100,)), Dropout(0.5), Dense(10)], name="mlp")
    html = summary_html(model)
    assert 'Model: "mlp"' in html
    assert "<b>dense</b> (Dense)" in html and "<b>dropout</b> (Dropout)" in html and "<b>dense_1</b> (Dense)" in html
    assert "<code>(None, 32)</code>" in html and "<code>(None, 10)</code>" in html
    assert "Connected to" not in html
    assert "3,232" in html and "330" in html
    total = 3232 + 330
    assert f"<b>Total params:</b> {total:,} (13.91 KB)" in html
    assert f"<b>Trainable params:</b> {total:,}" in html and "<b>Non-trainable params:</b> 0 (0.00 B)" in html
    assert "90.7%" in html and "9.3%" in html  # each layer's share, drawn as a bar
    assert "<script" not in html


def test_functional_connected_to_and_every_layer():
    inputs = Input(shape=(8,), name="x")
    a = Dense(4, name="left")(inputs)
    b = Dense(4, name="right")(inputs)
    outputs = add([a, b], name="join")
    model = Model(inputs, outputs)
    html = summary_html(model)
    assert "Connected to" in html
    body = rows(html)[1:]  # the first row is the header
    assert len(body) == len(model.layers) == 4
    for layer in model.layers:
        assert f"<b>{layer.name}</b> ({type(layer).__name__})" in html
    join_row = next(row for row in body if "<b>join</b>" in row)
    assert "left[0][0]<br>right[0][0]" in join_row


def test_nested_model_is_expandable_details():
    vision = Sequential([Flatten(input_shape=(4, 4)), Dense(3)], name="vision")
    a, b = Input(shape=(4, 4)), Input(shape=(4, 4))
    merged = concatenate([vision(a), vision(b)])
    model = Model([a, b], Dense(1)(merged))
    html = summary_html(model)
    assert html.count("<details>") == 1
    details = html[html.index("<details>"):html.index("</details>")]
    assert "2 layers inside 'vision' (Sequential)" in details
    assert "<b>flatten</b> (Flatten)" in details and "<b>dense</b> (Dense)" in details
    assert "<b>vision</b> (Sequential)" in html
    assert "vision[0][0]<br>vision[1][0]" in html  # the shared model's two calls


def test_wrapped_model_is_expandable():
    step = Sequential([Dense(2, input_shape=(3,))], name="step")
    model = Model(inputs := Input(shape=(5, 3)), TimeDistributed(step)(inputs))
    html = summary_html(model)
    assert "1 layers inside 'step' (Sequential)" in html
    assert "<code>(None, 5, 2)</code>" in html


def test_deterministic_and_escaped():
    def build():
        clear_session()
        inputs = Input(shape=(3,), name="<in>")
        return Model(inputs, Dense(2)(inputs))
    first, second = summary_html(build()), summary_html(build())
    assert first == second
    assert "&lt;in&gt;" in first and "<in>" not in first
    assert not re.search(r"0x[0-9a-f]{6,}", first)


def test_unbuilt_sequential_says_so():
    model = Sequential([Dense(3), Dense(1)])
    html = summary_html(model)
    assert "Not built yet" in html and "<b>dense</b> (Dense)" in html and "<code>?</code>" in html


def test_model_repr_html_and_widgets_summary():
    model = Sequential([Dense(2, input_shape=(3,))])
    assert model._repr_html_() == summary_html(model)
    table = kerasbook.widgets.summary(model)
    assert table._repr_html_() == summary_html(model)
    assert "Total params: 8" in repr(table)
