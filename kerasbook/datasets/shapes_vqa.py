"""A tiny visual-question-answering set: coloured shapes and questions about them.

Each RGB image holds one to three shapes, each in its own quarter of a black canvas, so
they never touch. Each image comes with one question, such as "how many circles", as
token ids, and its answer as an index into `ANSWERS`. Answering needs both inputs: a conv
net that sees the image and an Embedding+LSTM that reads the question, merged before the
classifier. Everything is drawn with NumPy from a seed, so the set is the same every time.
"""
import numpy

SHAPES = ("circle", "square", "triangle")
COLOURS = {"red": (230, 40, 40), "green": (40, 200, 60), "blue": (50, 90, 240),
           "yellow": (240, 220, 40)}
VOCABULARY = ("what", "colour", "is", "the", "how", "many", "there", "a",
              *SHAPES, *(shape + "s" for shape in SHAPES), *COLOURS)
WORD_INDEX = {word: i + 1 for i, word in enumerate(VOCABULARY)}  # 0 pads
ANSWERS = ("no", "yes", "0", "1", "2", "3", *COLOURS)
QUESTION_LENGTH = 5


def load_data(n=10000, image_size=32, test_split=0.2, seed=113):
    """Generate `n` (image, question, answer) triples and split off a test set.

    Returns:
        `((x_train, q_train), y_train), ((x_test, q_test), y_test), (word_index, answers)`:
        uint8 images `(n, image_size, image_size, 3)`, int32 questions `(n, 5)` pre-padded
        with 0, uint8 answers `(n,)` indexing `answers`, and the word index of the questions.

    Example:
        ((x_train, q_train), y_train), test, (word_index, answers) = shapes_vqa.load_data()
        print(answers[y_train[0]])
    """
    if image_size < 24:
        raise ValueError(f"shapes_vqa.load_data expected image_size >= 24, received {image_size}")
    rng = numpy.random.default_rng(seed)
    images = numpy.zeros((n, image_size, image_size, 3), dtype="uint8")
    questions = numpy.zeros((n, QUESTION_LENGTH), dtype="int32")
    answers = numpy.zeros(n, dtype="uint8")
    for i in range(n):
        scene = _scene(rng)
        _draw(images[i], scene, rng)
        question, answer = _ask(rng, scene)
        tokens = [WORD_INDEX[word] for word in question.split()]
        questions[i, QUESTION_LENGTH - len(tokens):] = tokens
        answers[i] = ANSWERS.index(answer)
    n_test = int(round(n * test_split))
    return (((images[n_test:], questions[n_test:]), answers[n_test:]),
            ((images[:n_test], questions[:n_test]), answers[:n_test]),
            (dict(WORD_INDEX), list(ANSWERS)))


def _scene(rng):
    """One to three (shape, colour) pairs; the same pair may appear twice."""
    return [(SHAPES[rng.integers(len(SHAPES))], list(COLOURS)[rng.integers(len(COLOURS))])
            for _ in range(rng.integers(1, 4))]


def _draw(image, scene, rng):
    """Paint each shape at a random size and place inside its own quarter of the image."""
    size = image.shape[0]
    cell = size / 2
    y, x = numpy.mgrid[0:size, 0:size] + 0.5  # pixel centres
    for (shape, colour), quarter in zip(scene, rng.permutation(4)):
        r = rng.uniform(0.28, 0.38) * cell
        cy = (quarter // 2) * cell + rng.uniform(r + 1, cell - r - 1)
        cx = (quarter % 2) * cell + rng.uniform(r + 1, cell - r - 1)
        if shape == "circle":
            mask = (y - cy) ** 2 + (x - cx) ** 2 <= r ** 2
        elif shape == "square":
            mask = (numpy.abs(y - cy) <= 0.85 * r) & (numpy.abs(x - cx) <= 0.85 * r)
        else:  # triangle, apex up: half as wide as its base at half its height
            mask = (y >= cy - r) & (y <= cy + r) & (numpy.abs(x - cx) <= (y - cy + r) / 2)
        image[mask] = COLOURS[colour]


def _ask(rng, scene):
    """One question about the scene, as text, and its answer."""
    shapes = [shape for shape, _ in scene]
    single = [shape for shape in SHAPES if shapes.count(shape) == 1]
    kind = rng.integers(3)
    if kind == 0 and single:
        shape = single[rng.integers(len(single))]
        return f"what colour is the {shape}", dict(scene)[shape]
    if kind == 1:
        shape = SHAPES[rng.integers(len(SHAPES))]
        return f"how many {shape}s", str(shapes.count(shape))
    if rng.random() < 0.5:  # half the time ask about a shape that is there, so "yes" is common
        shape, colour = scene[rng.integers(len(scene))]
    else:
        shape, colour = SHAPES[rng.integers(len(SHAPES))], list(COLOURS)[rng.integers(len(COLOURS))]
    return f"is there a {colour} {shape}", "yes" if (shape, colour) in scene else "no"
