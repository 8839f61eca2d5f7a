"""Binder: `binder/requirements.txt` and `binder/postBuild` give an environment that runs the course.

This builds what repo2docker builds, in a fresh virtual environment (no system site
packages): install the requirements, run postBuild from the repository root, then execute
the smallest notebook there with nbclient. pip's download cache is reused, so a warm run
takes about a minute. Without network access to the package index the test is skipped.
"""
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import urllib.parse
import venv

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOK = "02_functional_api.ipynb"  # the quickest notebook of the course

RUN_NOTEBOOK = """
import sys
import nbformat
from nbclient import NotebookClient

notebook = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(notebook, timeout=300, kernel_name="python3",
               resources={"metadata": {"path": sys.argv[2]}}).execute()
errors = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs
          if output.output_type == "error"]
assert not errors, errors
print("".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
              for output in cell.outputs if output.output_type == "stream"))
"""


def _index_reachable(timeout=5):
    """Whether pip's package index answers on its port (PIP_INDEX_URL, else PyPI)."""
    url = urllib.parse.urlparse(os.environ.get("PIP_INDEX_URL", "https://pypi.org/simple"))
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=timeout).close()
        return True
    except OSError:
        return False


def _run(command, cwd, env):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, (
        f"{' '.join(map(str, command))} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result.stdout


def test_postbuild_is_strict_and_installs_the_package():
    lines = (ROOT / "binder" / "postBuild").read_text().splitlines()
    assert lines[0].startswith("#!"), "postBuild needs a shebang line"
    assert "set -e" in lines, "postBuild must stop at the first failing command (set -e)"
    assert any(line.strip().startswith("pip install") and line.rstrip().endswith(" .") for line in lines), (
        "postBuild must install kerasbook from the repository (pip install -e . or pip install .)")
    assert os.access(ROOT / "binder" / "postBuild", os.X_OK), "postBuild must be executable"


@pytest.mark.slow
def test_binder_environment_runs_a_notebook(tmp_path):
    if not _index_reachable():
        pytest.skip("no network access to the package index: cannot build the Binder environment")
    environment = tmp_path / "binder-venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False, clear=True).create(environment)
    bin_dir = environment / ("Scripts" if sys.platform == "win32" else "bin")
    python = bin_dir / "python"

    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "KERASBOOK_BACKEND")}
    env.update(PATH=f"{bin_dir}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(environment),
               PIP_DISABLE_PIP_VERSION_CHECK="1", OPENBLAS_NUM_THREADS="1")

    _run([python, "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"], ROOT, env)
    _run(["bash", "binder/postBuild"], ROOT, env)
    location = _run([python, "-c", "import kerasbook, sys; print(kerasbook.__file__, sys.prefix)"], tmp_path, env)
    assert str(ROOT / "kerasbook") in location and str(environment) in location, location

    work = tmp_path / "notebooks"
    work.mkdir()
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, work / NOTEBOOK)
    printed = _run([python, "-c", RUN_NOTEBOOK, str(work / NOTEBOOK), str(work)], tmp_path, env)
    assert "test accuracy" in printed, printed[-2000:]
