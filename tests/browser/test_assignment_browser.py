"""An assignment's release notebook in a real JupyterLab, as a student first sees it.

The release version is made with the course's documented instructor command
(``python assignments/course.py generate <assignment>``, which runs
``nbgrader generate_assignment --force``) in a temporary copy of ``assignments/``. The notebook
is opened and run with every answer still the stub nbgrader put there; the first visible test
cell must fail with a readable message: a NotImplementedError whose short traceback leads to
the ``# YOUR CODE HERE`` stub of the function the test calls, not into library internals.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import labpage

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
COURSE = ROOT / "assignments"
SOURCE = COURSE / "source"
NAMES = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").is_file()) if SOURCE.is_dir() else []
PREFERRED = "a1_activations_and_perceptron"
ASSIGNMENT = PREFERRED if PREFERRED in NAMES else (NAMES[0] if NAMES else None)

# Generated or private course data that must not be copied into the temporary course.
NOT_COPIED = shutil.ignore_patterns("gradebook.db", "release", "submitted", "autograded", "feedback",
                                    "exchange", ".nbgrader.log", "__pycache__", ".ipynb_checkpoints")
# Frames of library code in a traceback: the student should not have to read these.
INTERNALS = re.compile(r"site-packages|mlp_lib[/\\]|lib[/\\]python3")


@pytest.fixture(scope="module")
def release_notebook(lab_server, tmp_path_factory):
    """Generate the release version of ASSIGNMENT inside the lab's root; return its path."""
    if ASSIGNMENT is None:
        pytest.fail(f"no assignment notebook found in {SOURCE}/<name>/<name>.ipynb", pytrace=False)
    course = lab_server.root / "course"
    shutil.copytree(COURSE, course, ignore=NOT_COPIED)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path_factory.mktemp("nbgrader-config")))
    env.pop("MLP_EXCHANGE_ROOT", None)  # the copy's own exchange folder
    cmd = [sys.executable, str(course / "course.py"), "generate", ASSIGNMENT]
    result = subprocess.run(cmd, cwd=course, env=env, capture_output=True, text=True, timeout=240)
    release = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert result.returncode == 0 and release.is_file(), (
        f"`{' '.join(cmd[1:])}` failed (exit {result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return release


def _first_visible_test(release: Path):
    """(cell index, source) of the first autograder test cell of the release notebook."""
    import nbformat

    nb = nbformat.read(release, as_version=4)
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            return index, cell.source
    pytest.fail(f"{release.name} has no visible test cell (nbgrader grade cell)", pytrace=False)


def _stub_functions(release: Path) -> set[str]:
    """Names of the functions whose body is still nbgrader's stub in the release notebook."""
    import nbformat

    names = set()
    for cell in nbformat.read(release, as_version=4).cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            for match in re.finditer(r"def (\w+)\(.*?(?=\ndef |\Z)", cell.source, re.S):
                if "raise NotImplementedError()" in match.group(0):
                    names.add(match.group(1))
    return names


@pytest.mark.timeout(420)
def test_release_notebook_stub_fails_readably(lab_server, page, release_notebook, screenshot_dir):
    relpath = release_notebook.relative_to(lab_server.root).as_posix()
    test_index, test_source = _first_visible_test(release_notebook)
    stubs = _stub_functions(release_notebook)
    assert stubs, f"{release_notebook.name}: no answer cell with nbgrader's stub (raise NotImplementedError())"
    shot = screenshot_dir / f"{ASSIGNMENT}_release.png"
    shot.unlink(missing_ok=True)
    try:
        labpage.open_notebook(page, lab_server, relpath)
        labpage.run_all_cells(page, timeout=180)

        errors = labpage.error_outputs(page)
        assert errors, "running the release notebook with the stubs raised no error at all"
        first = errors[0]
        assert first["cell"] == test_index, (
            f"the first error is in cell {first['cell']}, not in the first visible test cell "
            f"{test_index}:\n{labpage.format_errors([first])}")
        assert first["ename"] == "NotImplementedError", labpage.format_errors([first])

        cell = page.locator(".jp-Notebook .jp-Cell").nth(test_index)
        cell.scroll_into_view_if_needed()
        shown = "\n".join(cell.locator(".jp-OutputArea-output").all_text_contents())
        called = sorted(name for name in stubs if re.search(rf"\b{name}\(", test_source))
        assert "NotImplementedError" in shown, f"the test cell does not show NotImplementedError:\n{shown}"
        assert "YOUR CODE HERE" in shown, (
            f"the traceback does not lead to the answer's '# YOUR CODE HERE' stub:\n{shown}")
        assert any(f"in {name}(" in shown for name in called), (
            f"the traceback does not name the unfinished function ({', '.join(called)}):\n{shown}")
        # IPython's frame headers: "Cell In[2], line 7" and "File /path/mod.py:12, in f(x)"
        frames = re.findall(r"^(?:Cell In\[\d+\], line \d+|File \S).*$", shown, re.M)
        internal = [f for f in frames if INTERNALS.search(f)]
        assert not internal and len(frames) <= 3, (
            f"the student has to read through {len(frames)} frames ({len(internal)} in library code) "
            f"to find the unfinished answer:\n{shown}")
        print(f"{release_notebook.name}: first visible test shows:\n{shown.strip()}")
    finally:
        try:
            labpage.notebook_screenshot(page, shot)
        except Exception as exc:
            print(f"could not save screenshot {shot}: {exc}")
        lab_server.shutdown_kernels(relpath)
