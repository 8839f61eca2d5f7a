"""Execute the course notebooks in place and stamp each with the library's source hash.

Run it after changing a notebook or anything under `kerasbook/`:

    python tools/execute_notebooks.py                 # every notebook in notebooks/
    python tools/execute_notebooks.py 03_convnets     # only those whose name contains a pattern

Each notebook runs top to bottom in a fresh kernel of this Python, in a scratch folder
(so the pictures its code writes, `plot_model(model, to_file='model.png')`, stay out of
notebooks/; `conftest.py` does the same for nbval), its outputs are saved, and `metadata.kerasbook.source_hash` records which library
source produced them. `tests/test_notebooks.py` fails when that hash is stale, and
nbval re-runs every notebook and compares its outputs with the saved ones.
Cells that show an error on purpose carry the `raises-exception` cell tag (View >
Cell Tags… in JupyterLab), so this script, nbval and JupyterLab's "Run All" carry
on past them; an older visible `# NBVAL_RAISES_EXCEPTION` line becomes that tag.
The saved outputs name no folder of this machine: paths in tracebacks are made
relative to this checkout, or to the Python installation ("…/numpy/…").
"""
import hashlib
import os
import pathlib
import site
import sys
import sysconfig
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
RAISES = "# NBVAL_RAISES_EXCEPTION"


def source_hash(root=ROOT):
    """SHA-256 of every `kerasbook/**/*.py` file's path and contents, in sorted path order."""
    digest = hashlib.sha256()
    for path in sorted((root / "kerasbook").rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def notebook_paths(patterns=()):
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    return [p for p in paths if not patterns or any(pattern in p.name for pattern in patterns)]


def tag_raising_cells(notebook):
    """Turn each visible `# NBVAL_RAISES_EXCEPTION` line into the cell's `raises-exception` tag."""
    for cell in notebook.cells:
        if cell.cell_type != "code" or RAISES not in cell.source:
            continue
        cell.source = "\n".join(line for line in cell.source.split("\n") if line.strip() != RAISES)
        tags = cell.metadata.setdefault("tags", [])
        if "raises-exception" not in tags:
            tags.append("raises-exception")


def machine_folders():
    """(folder, what to write instead): this checkout, then the Python installation's folders, longest first.

    IPython writes the home folder as '~', so each folder is also listed that way.
    """
    home = os.path.expanduser("~")
    python = {sys.prefix, sys.base_prefix, *site.getsitepackages(), site.getusersitepackages(),
              *sysconfig.get_paths().values()}
    folders = [(str(ROOT) + os.sep, "")] + [(folder.rstrip(os.sep) + os.sep, "…/") for folder in python]
    folders += [("~" + folder[len(home):], short) for folder, short in folders
                if home != os.sep and folder.startswith(home + os.sep)]
    return sorted(set(folders), key=lambda pair: len(pair[0]), reverse=True)


def without_machine_paths(notebook):
    """Take this machine's folders out of every saved output (tracebacks, printed text, reprs)."""
    folders = machine_folders()

    def relative(text):
        for folder, short in folders:
            text = text.replace(folder, short)
        return text

    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "traceback" in output:
                output.traceback = [relative(line) for line in output.traceback]
            for key in ("text", "evalue"):
                if key in output:
                    output[key] = relative(output[key])
            for kind, value in output.get("data", {}).items():
                if kind.startswith("text/") and isinstance(value, str):
                    output.data[kind] = relative(value)


def execute(path, timeout=600):
    """Run one notebook in place; returns the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    tag_raising_cells(notebook)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kerasbook-notebooks-") as scratch:  # the kernel's cwd
        NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": scratch}}).execute()
    seconds = time.perf_counter() - start
    without_machine_paths(notebook)
    notebook.metadata["kerasbook"] = {"source_hash": source_hash()}
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                       "name": "python3"}
    nbformat.write(notebook, path)
    return seconds


def quiet_blas():
    """One BLAS thread per kernel, unless the caller chose otherwise.

    kerasbook's matrices are small: on a busy 2-core machine OpenBLAS's threads spin
    waiting for each other and a notebook runs up to 10 times slower. One thread gives
    the same numbers and steady timings. `conftest.py` (at the root) does the same for nbval.
    """
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def main(patterns):
    os.environ.pop("KERASBOOK_BACKEND", None)  # the saved outputs are NumPy's; notebook 10 asks for CuPy itself
    quiet_blas()
    paths = notebook_paths(patterns)
    if not paths:
        sys.exit(f"No notebook in {NOTEBOOKS} matches {patterns}.")
    total = 0.0
    for path in paths:
        seconds = execute(path)
        total += seconds
        print(f"{seconds:6.1f} s  {path.relative_to(ROOT)}", flush=True)
    print(f"{total:6.1f} s  in all ({len(paths)} notebooks)")


if __name__ == "__main__":
    main(sys.argv[1:])
