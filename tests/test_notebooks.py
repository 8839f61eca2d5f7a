"""The course notebooks: every guide example is covered, executed, and up to date with the library.

nbval (configured in pyproject.toml) re-runs each notebook and compares its outputs;
these tests check what nbval cannot: that each example id E1…E37 is in some notebook's
`Examples:` line, that the saved outputs are complete and error-free except where a cell
shows an error on purpose, and that they were made from the library source as it is now.
"""
import importlib.util
import pathlib
import re

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLE_IDS = [f"E{i}" for i in range(1, 38)]
RAISES = "# NBVAL_RAISES_EXCEPTION"
RERUN = "re-run python tools/execute_notebooks.py"


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
        if RAISES in cell.source:
            assert errors, f"{name}, code cell {index}: marked {RAISES} but raised nothing"
            assert "raises-exception" in cell.metadata.get("tags", []), (
                f"{name}, code cell {index}: a cell that raises on purpose needs the 'raises-exception' tag "
                f"so that Run All goes on; {RERUN}")
        else:
            assert not errors, f"{name}, code cell {index} raised {errors[0].ename}: {errors[0].evalue}"
        assert not stderr, f"{name}, code cell {index} wrote to stderr: {''.join(stderr)[:500]}"


@pytest.mark.parametrize("name", sorted(NOTEBOOKS))
def test_notebook_outputs_match_the_library_source(name):
    stamped = NOTEBOOKS[name].metadata.get("kerasbook", {}).get("source_hash")
    assert stamped == tool.source_hash(), (
        f"{name} was executed with another version of kerasbook/ (its outputs are stale); {RERUN}")
