"""The course notebooks: every guide example is covered, executed, and up to date with the library.

nbval (configured in pyproject.toml) re-runs each notebook and compares its outputs;
these tests check what nbval cannot: that each example id E1…E37 is in some notebook's
`Examples:` line, that the saved outputs are complete and error-free except where a cell
shows an error on purpose (its `raises-exception` tag says so), that they name no folder of
the machine that ran them, and that they were made from the library source as it is now.
"""
import importlib.util
import os
import pathlib
import re
import site
import subprocess

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE_IDS = [f"E{i}" for i in range(1, 38)]
RAISES = "raises-exception"
RERUN = "re-run python tools/execute_notebooks.py"
ABSOLUTE_PATH = re.compile(r"(?<![\w.~…/:-])/(?:[\w.+-]+/){2,}|(?<![\w.])~/[\w.+-]+")
COLOURS = re.compile(r"\x1b\[[0-9;]*m")


def _load_tool():
    spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "tools" / "execute_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()
PATHS = tool.notebook_paths()
NOTEBOOKS = {path.name: nbformat.read(path, as_version=4) for path in PATHS}


def examples_of(notebook):
    """The example ids on the `Examples:` line of the notebook's first markdown cell."""
    first = next((cell for cell in notebook.cells if cell.cell_type == "markdown"), None)
    match = first and re.search(r"^Examples:(.*)$", first.source, re.M)
    return re.findall(r"\bE\d+\b", match.group(1)) if match else []


def test_there_are_notebooks():
    assert len(PATHS) >= 10, f"expected the numbered course in {tool.NOTEBOOKS}, found {[p.name for p in PATHS]}"


def test_every_example_is_in_a_notebook():
    covered = {example: name for name, notebook in NOTEBOOKS.items() for example in examples_of(notebook)}
    missing = [example for example in EXAMPLE_IDS if example not in covered]
    assert not missing, f"examples in no notebook's 'Examples:' line: {missing}"


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebook_is_executed_without_unexpected_errors(name):
    notebook = NOTEBOOKS[name]
    assert examples_of(notebook), f"{name}: the first markdown cell needs an 'Examples: E…' line"
    code = [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]
    unexecuted = [index for index, cell in enumerate(code) if cell.execution_count is None]
    assert not unexecuted, f"{name}: code cells {unexecuted} have not been run; {RERUN}"
    assert any(cell.outputs for cell in code), f"{name} has no saved outputs; {RERUN}"
    for index, cell in enumerate(code):
        errors = [output for output in cell.outputs if output.output_type == "error"]
        stderr = [output.text for output in cell.outputs
                  if output.output_type == "stream" and output.name == "stderr"]
        if RAISES in cell.metadata.get("tags", []):
            assert errors, f"{name}, code cell {index}: tagged {RAISES} but raised nothing"
        else:
            assert not errors, f"{name}, code cell {index} raised {errors[0].ename}: {errors[0].evalue}"
        assert not stderr, f"{name}, code cell {index} wrote to stderr: {''.join(stderr)[:500]}"


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebook_outputs_match_the_library_source(name):
    stamped = NOTEBOOKS[name].metadata.get("kerasbook", {}).get("source_hash")
    assert stamped == tool.source_hash(), (
        f"{name} was executed with another version of kerasbook/ (its outputs are stale); {RERUN}")


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_a_cell_that_fails_on_purpose_says_so_in_its_tag_not_in_its_code(name):
    marked = [index for index, cell in enumerate(NOTEBOOKS[name].cells) if tool.RAISES in cell.source]
    assert not marked, f"{name}, cells {marked}: move {tool.RAISES!r} into the {RAISES!r} tag; {RERUN}"


def cell_output_texts(cell):
    for output in cell.get("outputs", []):
        yield from output.get("traceback", [])
        yield from (output.get(key, "") for key in ("text", "evalue"))
        yield from (value for kind, value in output.get("data", {}).items()
                    if kind.startswith("text/") and isinstance(value, str))


def output_texts(notebook):
    for cell in notebook.cells:
        yield from cell_output_texts(cell)


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_saved_outputs_name_no_folder_of_the_machine_that_ran_them(name):
    found = sorted({path for text in output_texts(NOTEBOOKS[name])
                    for path in ABSOLUTE_PATH.findall(COLOURS.sub("", text))})
    assert not found, f"{name}: saved outputs name the folders {found}; {RERUN}"


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_no_cell_shows_the_history_objects_repr(name):
    """A cell ending in a bare `model.fit(...)` shows `<…History at 0x…>`; it is `history = model.fit(...)`."""
    found = [index for index, cell in enumerate(NOTEBOOKS[name].cells)
             if any("History at 0x" in text for text in cell_output_texts(cell))]
    assert not found, f"{name}, cells {found} show a History object's repr: assign what fit returns; {RERUN}"


def test_the_notebooks_folder_holds_only_notebooks():
    """What a student's file browser shows: no test configuration (conftest.py and the sanitize file are elsewhere)."""
    tracked = subprocess.run(["git", "ls-files", "notebooks"], cwd=ROOT, capture_output=True, text=True)
    if tracked.returncode:
        pytest.skip("not a git checkout")
    others = [path for path in tracked.stdout.split() if not path.endswith(".ipynb")]
    assert not others, f"notebooks/ should hold only the notebooks (and their data), found {others}"


def test_the_tool_runs_a_notebook_in_a_scratch_folder(tmp_path):
    """The pictures a notebook writes (plot_model's to_file) land neither beside it nor in notebooks/."""
    path = tmp_path / "writes.ipynb"
    cell = nbformat.v4.new_code_cell("open('written_by_the_notebook.png', 'w').close()")
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    tool.execute(path, timeout=120)
    assert nbformat.read(path, as_version=4).cells[0].execution_count == 1
    assert not (tmp_path / "written_by_the_notebook.png").exists()
    assert not (tool.NOTEBOOKS / "written_by_the_notebook.png").exists()


def test_the_tool_turns_the_visible_marker_into_the_tag():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"{tool.RAISES}\nmodel.fit(data, labels)"),
        nbformat.v4.new_code_cell("model.fit(data, labels)")])
    tool.tag_raising_cells(notebook)
    tool.tag_raising_cells(notebook)
    assert [cell.source for cell in notebook.cells] == ["model.fit(data, labels)"] * 2
    assert notebook.cells[0].metadata.tags == [RAISES] and "tags" not in notebook.cells[1].metadata


def test_the_tool_takes_the_machines_folders_out_of_saved_outputs():
    library = str(ROOT / "kerasbook" / "models" / "trainer.py")
    numpy_file = os.path.join(site.getsitepackages()[0], "numpy", "core", "fromnumeric.py")
    error = nbformat.v4.new_output("error", ename="ValueError", evalue=f"see {library}",
                                   traceback=[f"\x1b[32m{library}:12\x1b[39m", f"File {numpy_file}:3"])
    printed = nbformat.v4.new_output("stream", name="stdout", text=f"<module 'numpy' from '{numpy_file}'>")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[error, printed])])
    tool.without_machine_paths(notebook)
    assert error.traceback == ["\x1b[32mkerasbook/models/trainer.py:12\x1b[39m", "File …/numpy/core/fromnumeric.py:3"]
    assert error.evalue == "see kerasbook/models/trainer.py"
    assert printed.text == "<module 'numpy' from '…/numpy/core/fromnumeric.py'>"
    assert not any(ABSOLUTE_PATH.findall(COLOURS.sub("", text)) for text in output_texts(notebook))
