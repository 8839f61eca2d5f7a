"""In a real browser: JupyterLab runs a notebook and shows the summary, graph, live plot and progress.

Starts JupyterLab on 127.0.0.1 (random free port, no token) in a temporary folder,
drives Debian's Chromium with Playwright, runs every cell, checks what is on the page
and takes screenshots (also into $KERASBOOK_SCREENSHOTS when set).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"

try:
    from playwright.sync_api import sync_playwright
except ImportError:
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
    pytest.mark.skipif(sync_playwright is None, reason="Python Playwright is missing (pip install playwright)"),
]

CELLS = [
    """import numpy
import kerasbook, kerasbook.widgets
from kerasbook import Model
from kerasbook.layers import Input, Dense, Dropout, concatenate
from kerasbook.utils import plot_model
from kerasbook.callbacks import LivePlot
kerasbook.utils.set_random_seed(0)""",
    """inputs = Input(shape=(8,), name='features')
wide = Dense(16, activation='relu', name='wide')(inputs)
deep = Dense(8, activation='relu', name='deep_2')(Dense(8, activation='relu', name='deep_1')(inputs))
merged = concatenate([wide, deep], name='merged')
outputs = Dense(1, activation='sigmoid', name='score')(Dropout(0.2)(merged))
model = Model(inputs, outputs, name='wide_and_deep')
model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])""",
    "model",
    "plot_model(model, to_file='model.png', show_shapes=True)",
    """rng = numpy.random.default_rng(0)
x = rng.normal(size=(600, 8)).astype('float32')
y = (x[:, :1] + x[:, 1:2] > 0).astype('float32')
history = model.fit(x, y, epochs=4, batch_size=32, validation_split=0.2, verbose=1,
                    callbacks=[LivePlot(smoothing=0.8)])""",
    "kerasbook.widgets.inspect(model, x[:16], y[:16])",
    "print('ALL' + ' CELLS DONE')",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_notebook(path):
    notebook = {"cells": [{"cell_type": "code", "execution_count": None, "id": f"cell-{i}", "metadata": {},
                           "outputs": [], "source": source} for i, source in enumerate(CELLS)],
                "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                            "name": "python3"}},
                "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(notebook))


def write_settings(folder):
    """No virtual scrolling (every cell stays in the page), no news or update checks."""
    settings = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
                "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
                    "fetchNews": "false", "checkForUpdates": False}}
    for name, values in settings.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    write_notebook(root / "check.ipynb")
    write_settings(root / ".settings")
    port = free_port()
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".config"), "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"), "PYTHONPATH": str(Path(__file__).parents[1])}
    log = open(root / "lab.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip", "127.0.0.1", "--port", str(port),
         "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}",
         f"--LabApp.user_settings_dir={root / '.settings'}", "--ServerApp.disable_check_xsrf=True"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError("JupyterLab did not start:\n" + (root / "lab.log").read_text()[-3000:])
                time.sleep(0.3)
        yield url, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def save_screenshot(locator, root, name):
    path = root / "screenshots" / name
    path.parent.mkdir(exist_ok=True)
    locator.screenshot(path=str(path))
    target = os.environ.get("KERASBOOK_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)
    return path


def accept_kernel_dialog(page, wait_ms=1500):
    """JupyterLab sometimes asks which kernel to start; take the preferred one."""
    try:
        page.wait_for_selector(".jp-Dialog .jp-mod-accept", timeout=wait_ms)
    except Exception:
        return
    page.locator(".jp-Dialog .jp-mod-accept").click()


def test_notebook_renders_summary_graph_live_plot_and_progress(lab):
    url, root = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 1800})
            page.goto(f"{url}/lab/tree/check.ipynb?reset", timeout=30000)
            panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
            page.wait_for_selector(f"{panel} .jp-Cell", timeout=30000)
            page.wait_for_selector(f"{panel} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=30000)
            accept_kernel_dialog(page)
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
            page.locator('li[data-command="runmenu:run-all"]').click()
            accept_kernel_dialog(page)
            page.wait_for_selector(f"{panel} .jp-OutputArea-output:has-text('ALL CELLS DONE')", timeout=45000)

            cells = page.locator(f"{panel} .jp-CodeCell")
            assert cells.count() == len(CELLS)
            errors = page.locator(f"{panel} .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            assert "Traceback" not in " ".join(errors.all_inner_texts())

            summary = cells.nth(2).locator(".kerasbook-summary")
            text = summary.inner_text()
            for expected in ("wide_and_deep", "Connected to", "merged (Concatenate)", "deep_1[0][0]",
                             "Total params:"):
                assert expected in text
            save_screenshot(cells.nth(2).locator(".jp-OutputArea"), root, "summary.png")

            graph = cells.nth(3).locator(".jp-OutputArea-output img")
            assert graph.count() == 1 and graph.evaluate("img => img.naturalHeight") > 300
            save_screenshot(cells.nth(3).locator(".jp-OutputArea"), root, "plot_model.png")

            training = cells.nth(4).locator(".jp-OutputArea")
            outputs = training.inner_text()
            assert "Epoch 4/4" in outputs
            assert re.search(r"15/15 ━{20} \S+ \S+/step - accuracy: \d\.\d{4} - loss: \d\.\d{4}", outputs)
            assert "ETA" not in outputs  # every epoch's line was updated to its final text
            live = training.locator("img")
            assert live.count() == 1 and live.evaluate("img => img.naturalWidth") > 300
            save_screenshot(training, root, "live_plot.png")

            inspector = cells.nth(5).locator(".jp-OutputArea")
            dropdown = inspector.locator(".widget-dropdown select")
            picture = inspector.locator("img")
            assert dropdown.count() == 1 and picture.count() == 1
            before = picture.get_attribute("src")
            dropdown.select_option(label="score (Dense)")
            deadline = time.time() + 15  # the output is re-rendered: poll the current <img>, not the old one
            while picture.get_attribute("src") == before and time.time() < deadline:
                page.wait_for_timeout(200)
            assert picture.get_attribute("src") != before, "choosing a layer did not update the picture"
            assert "score (Dense)" in inspector.locator(".widget-html-content").inner_text()
            save_screenshot(inspector, root, "inspect.png")
            page.screenshot(path=str(root / "screenshots" / "page.png"))
        except Exception:
            page.screenshot(path=str(root / "failure.png"))
            print(f"Screenshot of the page: {root / 'failure.png'}; server log: {root / 'lab.log'}")
            raise
        finally:
            browser.close()
