"""The README's first example is what a newcomer copies first: it must run as written and learn."""
import pathlib
import re

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"


def test_the_first_example_runs_and_beats_guessing():
    first = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    namespace = {}
    exec(compile(first, "README.md", "exec"), namespace)  # the README's own code, nothing else
    model, x_test, y_test = namespace["model"], namespace["x_test"], namespace["y_test"]
    accuracy = (model.predict(x_test, verbose=0).argmax(axis=1) == y_test.argmax(axis=1)).mean()
    assert accuracy > 0.8  # ten classes: guessing gets about 0.1


def test_the_readme_names_every_notebook():
    text = README.read_text()
    notebooks = sorted(path.stem for path in (README.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert [name for name in notebooks if f"`{name}`" not in text] == []
