"""`plot_model`: files in every format, and a layout that shows every layer readably."""
import xml.etree.ElementTree as ElementTree

import pytest

from kerasbook import Model, Sequential
from kerasbook.backend import clear_session
from kerasbook.layers import Dense, Flatten, Input, TimeDistributed, add, concatenate
from kerasbook.utils import plot_model
from kerasbook.utils.graph_layout import count_crossings, layered_layout, place_in_order
from kerasbook.utils.plot_model import model_layout


@pytest.fixture(autouse=True)
def fresh_names():
    clear_session()


def mlp():  # E30
    visible = Input(shape=(10,))
    hidden = Dense(10, activation="relu")(visible)
    hidden = Dense(20, activation="relu")(hidden)
    hidden = Dense(10, activation="relu")(hidden)
    return Model(inputs=visible, outputs=Dense(1, activation="sigmoid")(hidden))


def towers():  # E23's shape with Dense towers
    inputs = Input(shape=(32,), name="image")
    t1 = Dense(8, name="tower_1b")(Dense(8, name="tower_1a")(inputs))
    t2 = Dense(8, name="tower_2b")(Dense(8, name="tower_2a")(inputs))
    t3 = Dense(8, name="tower_3b")(Dense(8, name="tower_3a")(inputs))
    return Model(inputs, concatenate([t1, t2, t3], name="mixed"))


def residual():  # E24
    x = Input(shape=(16,), name="x")
    y = Dense(16, name="conv")(x)
    return Model(x, add([x, y], name="sum"))


def siamese():  # E21 / E25
    vision = Sequential([Flatten(input_shape=(4, 4)), Dense(8)], name="vision_model")
    a, b = Input(shape=(4, 4), name="digit_a"), Input(shape=(4, 4), name="digit_b")
    merged = concatenate([vision(a), vision(b)], name="merged")
    return Model([a, b], Dense(1, activation="sigmoid", name="same")(merged))


def multi_output():  # E20's shape
    main = Input(shape=(100,), name="main_input")
    features = Dense(32, name="lstm")(main)
    aux_output = Dense(1, activation="sigmoid", name="aux_output")(features)
    aux_input = Input(shape=(5,), name="aux_input")
    x = concatenate([features, aux_input])
    for _ in range(3):
        x = Dense(64, activation="relu")(x)
    return Model([main, aux_input], [Dense(1, name="main_output")(x), aux_output])


MODELS = [mlp, towers, residual, siamese, multi_output]


def inside(inner, outer):
    return (outer[0] - 0.01 <= inner[0] and outer[1] - 0.01 <= inner[1]
            and inner[2] <= outer[2] + 0.01 and inner[3] <= outer[3] + 0.01)


def overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("build", MODELS)
@pytest.mark.parametrize("expand_nested", [False, True])
@pytest.mark.parametrize("show_shapes", [False, True])
def test_every_layer_has_a_box_inside_the_figure(build, expand_nested, show_shapes):
    model = build()
    layout = model_layout(model, show_shapes=show_shapes, show_dtype=show_shapes, expand_nested=expand_nested)
    names = {box.name for box in layout.boxes}
    expected = {layer.name for layer in model.layers} | {t.history[0].name for t in model.inputs}
    if expand_nested:
        expected = {name for name in expected if name != "vision_model"} | (
            {"flatten", "dense", "flatten_input"} if build is siamese else set())
    assert names == expected
    frame = (0, 0, layout.width, layout.height)
    for box in layout.boxes + layout.clusters:
        assert inside(box.bounds, frame), box
    for i, a in enumerate(layout.boxes):
        for b in layout.boxes[i + 1:]:
            assert not overlap(a.bounds, b.bounds), (a, b)
    for source, target, points in layout.edges:
        for x, y in points:
            assert 0 <= x <= layout.width and 0 <= y <= layout.height


@pytest.mark.parametrize("build", MODELS)
def test_inputs_on_top_outputs_at_the_bottom(build):
    model = build()
    layout = model_layout(model)
    lowest_input = max(layout.box(t.history[0].name).bounds[3] for t in model.inputs)
    for tensor in model.outputs:
        assert layout.box(tensor.history[0].name).bounds[1] > lowest_input
    last_rank = max(box.bounds[1] for box in layout.boxes)
    assert all(layout.box(t.history[0].name).bounds[1] == last_rank for t in model.outputs)


def test_left_to_right():
    model = mlp()
    layout = model_layout(model, rankdir="LR")
    xs = [layout.box(layer.name).x for layer in model.layers]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    assert layout.width > layout.height


def test_merge_inputs_in_argument_order():
    layout = model_layout(towers())
    xs = [layout.box(name).x for name in ("tower_1b", "tower_2b", "tower_3b")]
    assert xs == sorted(xs)
    arriving = [points[-1][0] for source, target, points in layout.edges if target.name == "mixed"]
    assert arriving == sorted(arriving) and len(arriving) == 3


def test_skip_connection_goes_around_the_box_it_skips():
    layout = model_layout(residual())
    conv = layout.box("conv").bounds
    skip = next(points for source, target, points in layout.edges if source.name == "x" and target.name == "sum")
    assert len(skip) > 2  # routed through the rank of 'conv'
    for x, y in skip:
        assert not (conv[0] <= x <= conv[2] and conv[1] <= y <= conv[3])
    add_edges = [points[-1][0] for source, target, points in layout.edges if target.name == "sum"]
    assert add_edges[0] < add_edges[1]  # add([x, y]): x arrives on the left


def test_shared_model_once_with_both_calls():
    layout = model_layout(siamese())
    assert [box.name for box in layout.boxes].count("vision_model") == 1
    into = [(source.name, points[-1][0]) for source, target, points in layout.edges if target.name == "vision_model"]
    assert [name for name, _ in sorted(into, key=lambda item: item[1])] == ["digit_a", "digit_b"]


def test_expand_nested_draws_a_cluster_around_the_inner_layers():
    layout = model_layout(siamese(), expand_nested=True)
    cluster = layout.box("vision_model")
    assert cluster.kind == "cluster" and layout.clusters == [cluster]
    for name in ("flatten_input", "flatten", "dense"):
        assert inside(layout.box(name).bounds, cluster.bounds)
    for name in ("digit_a", "digit_b", "merged", "same"):
        assert not overlap(layout.box(name).bounds, cluster.bounds)
    into_input = [points[-1] for source, target, points in layout.edges if source.name in ("digit_a", "digit_b")]
    top_of_inner_input = layout.box("flatten_input").bounds[1]
    assert all(abs(y - top_of_inner_input) < 1e-6 for _, y in into_input)


def test_box_text_follows_the_options():
    model = mlp()
    plain = model_layout(model, show_layer_names=False).box("dense")
    assert plain.lines == ["Dense"]
    detailed = model_layout(model, show_shapes=True, show_dtype=True, show_layer_activations=True,
                            show_trainable=True).box("dense")
    assert detailed.lines == ["dense (Dense)", "Input shape: (None, 10)", "Output shape: (None, 10)",
                              "dtype: float32", "Activation: relu", "Trainable: True"]
    wrapped = Model(i := Input(shape=(3, 2)), TimeDistributed(Dense(4), name="td")(i))
    assert model_layout(wrapped).box("td").lines == ["td (TimeDistributed(Dense))"]


def test_png_svg_pdf_files(tmp_path):
    import IPython.display
    model = mlp()
    png = plot_model(model, to_file=str(tmp_path / "multilayer_perceptron_graph.png"))
    assert isinstance(png, IPython.display.Image)
    assert (tmp_path / "multilayer_perceptron_graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = plot_model(model, to_file=str(tmp_path / "model.svg"), show_shapes=True)
    assert isinstance(svg, IPython.display.SVG)
    root = ElementTree.parse(tmp_path / "model.svg").getroot()
    assert root.tag.endswith("svg")
    assert plot_model(model, to_file=str(tmp_path / "model.pdf")) is None
    assert (tmp_path / "model.pdf").read_bytes()[:5] == b"%PDF-"


def test_svg_is_deterministic(tmp_path):
    model = towers()
    plot_model(model, to_file=str(tmp_path / "a.svg"))
    plot_model(model, to_file=str(tmp_path / "b.svg"))
    assert (tmp_path / "a.svg").read_bytes() == (tmp_path / "b.svg").read_bytes()


def test_png_size_follows_dpi(tmp_path):
    from PIL import Image
    model = mlp()
    plot_model(model, to_file=str(tmp_path / "a.png"), dpi=72)
    plot_model(model, to_file=str(tmp_path / "b.png"), dpi=144)
    small, big = Image.open(tmp_path / "a.png").size, Image.open(tmp_path / "b.png").size
    assert abs(big[0] - 2 * small[0]) <= 2 and abs(big[1] - 2 * small[1]) <= 2


def test_pyplot_state_untouched(tmp_path):
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    plot_model(mlp(), to_file=str(tmp_path / "m.png"))
    assert plt.get_fignums() == before


def test_errors_name_the_problem(tmp_path):
    with pytest.raises(ValueError, match="extension"):
        plot_model(mlp(), to_file=str(tmp_path / "model.gif"))
    with pytest.raises(ValueError, match="not yet been built"):
        plot_model(Sequential([Dense(2)]), to_file=str(tmp_path / "model.png"))
    with pytest.raises(ValueError, match="rankdir"):
        model_layout(mlp(), rankdir="BT")


def test_layout_on_its_own():
    nodes = ["a", "b", "c", "d"]
    sizes = {key: (40, 20) for key in nodes}
    edges = [("a", "c", 0, 2), ("b", "c", 1, 2), ("a", "d", 0, 1), ("c", "d", 0, 1)]
    layout = layered_layout(nodes, sizes, edges)
    assert layout.ranks == {"a": 0, "b": 0, "c": 1, "d": 2}
    assert layout.boxes["a"][0] < layout.boxes["b"][0]


def test_crossings_are_removed():
    nodes = ["a", "b", "c", "d"]
    edges = [("a", "d", 0, 1), ("b", "c", 0, 1)]  # given crossed: c and d listed the other way round
    layout = layered_layout(nodes, {key: (30, 20) for key in nodes}, edges)
    assert (layout.boxes["a"][0] < layout.boxes["b"][0]) == (layout.boxes["d"][0] < layout.boxes["c"][0])
    assert count_crossings([["a", "b"], ["c", "d"]], [("a", "d", 0, 1), ("b", "c", 0, 1)]) == 1


def test_place_in_order_keeps_gaps():
    assert place_in_order([0, 0, 0], [10, 10, 10], 5) == [-15, 0, 15]
    assert place_in_order([0, 100], [10, 10], 5) == [0, 100]


# --- the guide's own models (E21, E23, E24, E25, E26), as soon as their layers exist ------------------

import kerasbook.layers as layers  # noqa: E402


def needs(*names):
    missing = [name for name in names if not hasattr(layers, name)]
    return pytest.mark.skipif(bool(missing), reason=f"kerasbook.layers has no {', '.join(missing)} yet")


def e21_shared_lstm():
    tweet_a, tweet_b = Input(shape=(140, 256)), Input(shape=(140, 256))
    shared_lstm = layers.LSTM(64)
    merged_vector = concatenate([shared_lstm(tweet_a), shared_lstm(tweet_b)], axis=-1)
    return Model(inputs=[tweet_a, tweet_b], outputs=Dense(1, activation="sigmoid")(merged_vector))


def e23_inception():
    Conv2D, MaxPooling2D = layers.Conv2D, layers.MaxPooling2D
    input_img = Input(shape=(256, 256, 3))
    tower_1 = Conv2D(64, (1, 1), padding="same", activation="relu")(input_img)
    tower_1 = Conv2D(64, (3, 3), padding="same", activation="relu")(tower_1)
    tower_2 = Conv2D(64, (1, 1), padding="same", activation="relu")(input_img)
    tower_2 = Conv2D(64, (5, 5), padding="same", activation="relu")(tower_2)
    tower_3 = MaxPooling2D((3, 3), strides=(1, 1), padding="same")(input_img)
    tower_3 = Conv2D(64, (1, 1), padding="same", activation="relu")(tower_3)
    return Model(input_img, concatenate([tower_1, tower_2, tower_3], axis=1))


def e24_residual():
    x = Input(shape=(256, 256, 3))
    y = layers.Conv2D(3, (3, 3), padding="same")(x)
    return Model(x, add([x, y]))


def e25_shared_vision():
    Conv2D, MaxPooling2D = layers.Conv2D, layers.MaxPooling2D
    digit_input = Input(shape=(27, 27, 1))
    x = Conv2D(64, (3, 3))(digit_input)
    x = Conv2D(64, (3, 3))(x)
    x = MaxPooling2D((2, 2))(x)
    vision_model = Model(digit_input, Flatten()(x))
    digit_a, digit_b = Input(shape=(27, 27, 1)), Input(shape=(27, 27, 1))
    concatenated = concatenate([vision_model(digit_a), vision_model(digit_b)])
    return Model([digit_a, digit_b], Dense(1, activation="sigmoid")(concatenated))


def e26_vqa():
    Conv2D, MaxPooling2D = layers.Conv2D, layers.MaxPooling2D
    vision_model = Sequential()
    vision_model.add(Conv2D(64, (3, 3), activation="relu", padding="same", input_shape=(224, 224, 3)))
    vision_model.add(Conv2D(64, (3, 3), activation="relu"))
    vision_model.add(MaxPooling2D((2, 2)))
    vision_model.add(Conv2D(128, (3, 3), activation="relu", padding="same"))
    vision_model.add(Conv2D(128, (3, 3), activation="relu"))
    vision_model.add(MaxPooling2D((2, 2)))
    vision_model.add(Conv2D(256, (3, 3), activation="relu", padding="same"))
    vision_model.add(Conv2D(256, (3, 3), activation="relu"))
    vision_model.add(Conv2D(256, (3, 3), activation="relu"))
    vision_model.add(MaxPooling2D((2, 2)))
    vision_model.add(Flatten())
    image_input = Input(shape=(224, 224, 3))
    encoded_image = vision_model(image_input)
    question_input = Input(shape=(100,), dtype="int32")
    embedded_question = layers.Embedding(input_dim=10000, output_dim=256, input_length=100)(question_input)
    encoded_question = layers.LSTM(256)(embedded_question)
    merged = concatenate([encoded_question, encoded_image])
    return Model(inputs=[image_input, question_input], outputs=Dense(1000, activation="softmax")(merged))


SEEDS = [
    pytest.param(e21_shared_lstm, marks=needs("LSTM"), id="E21"),
    pytest.param(e23_inception, marks=needs("Conv2D", "MaxPooling2D"), id="E23"),
    pytest.param(e24_residual, marks=needs("Conv2D"), id="E24"),
    pytest.param(e25_shared_vision, marks=needs("Conv2D", "MaxPooling2D"), id="E25"),
    pytest.param(e26_vqa, marks=needs("Conv2D", "MaxPooling2D", "Embedding", "LSTM"), id="E26"),
]


def assert_readable(layout, model):
    """Every box inside the picture, none overlapping, inputs above outputs, merge inputs in argument order."""
    frame = (0, 0, layout.width, layout.height)
    for box in layout.boxes + layout.clusters:
        assert inside(box.bounds, frame), box
    for i, a in enumerate(layout.boxes):
        for b in layout.boxes[i + 1:]:
            assert not overlap(a.bounds, b.bounds), (a, b)
    for tensor in model.inputs:
        for output in model.outputs:
            assert layout.box(tensor.history[0].name).y < layout.box(output.history[0].name).y
    for node in model._nodes:
        if len(node.input_tensors) > 1 and not isinstance(node.layer, Model):
            arriving = [points[-1][0] for source, target, points in layout.edges if target is node.layer]
            assert arriving == sorted(arriving), node


_built = {}


@pytest.mark.parametrize("build", SEEDS)
@pytest.mark.parametrize("expand_nested", [False, True])
def test_seed_models_are_readable(build, expand_nested, tmp_path):
    if build not in _built:  # E26 has 160 million weights: build each model once
        _built[build] = build()
    model = _built[build]
    layout = model_layout(model, show_shapes=True, expand_nested=expand_nested)
    assert_readable(layout, model)
    drawn = {box.name for box in layout.boxes} | {box.name for box in layout.clusters}
    assert {layer.name for layer in model.layers} <= drawn
    plot_model(model, to_file=str(tmp_path / "model.png"), show_shapes=True, expand_nested=expand_nested)
    assert (tmp_path / "model.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("build", MODELS)
def test_small_models_are_readable(build):
    model = build()
    assert_readable(model_layout(model, show_shapes=True), model)


def test_models_nested_two_deep():
    inner = Sequential([Dense(2, input_shape=(3,), name="core")], name="inner")
    middle_input = Input(shape=(3,), name="middle_in")
    middle = Model(middle_input, inner(middle_input), name="middle")
    outer_input = Input(shape=(3,), name="outer_in")
    model = Model(outer_input, Dense(1, name="head")(middle(outer_input)))
    layout = model_layout(model, expand_nested=True)
    assert [cluster.name for cluster in layout.clusters] == ["middle", "inner"]
    assert inside(layout.box("inner").bounds, layout.box("middle").bounds)
    assert inside(layout.box("core").bounds, layout.box("inner").bounds)
    into_head = next(points for source, target, points in layout.edges if target.name == "head")
    core = layout.box("core")
    assert into_head[0] == (core.x, core.bounds[3])  # leaves from the innermost layer that made the output
    assert_readable(layout, model)
