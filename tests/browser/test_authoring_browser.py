"""Editing a lecture's text source in a real JupyterLab, as a maintainer would.

The lecture's MyST source (``lectures/NAME.md``) is opened with *Open With → Jupytext Notebook*
from the file browser's context menu, a markdown cell is edited and the notebook is saved with
Ctrl+S. The text source on disk must then hold the edit (and keep its format and the cell's slide
metadata); ``tools/notebooks.py`` rebuilds the notebook from it, and the rebuilt notebook passes
nbval (its checked outputs still compared). The server works on a temporary copy of lectures/.
"""
from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

import labpage

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
BUILDER = ROOT / "tools" / "notebooks.py"
LECTURE = "00_neurons_and_activations"
EDIT = "Edited in JupyterLab by the authoring test."


def open_with(page, server, folder: str, name: str, factory: str) -> None:
    """Right-click ``folder/name`` in the file browser and choose Open With → ``factory``."""
    page.goto(f"{server.url}/lab/tree/{folder}?token={server.token}&reset", wait_until="domcontentloaded")
    item = page.locator(".jp-DirListing-item").filter(has_text=re.compile(f"^{re.escape(name)}"))
    item.first.wait_for(state="visible", timeout=60_000)
    item.first.click(button="right")
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile("^Open With$")).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(f"^{re.escape(factory)}$")).click()
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=60_000)
    # Save only once the kernel is there: the notebook's language info comes with it, and
    # everything the test compares must not depend on how fast the kernel started.
    labpage.poll(lambda: labpage.kernel_status(page).endswith("| Idle"), 90,
                 message=f"the kernel of {name} to be idle")


@pytest.mark.timeout(300)
def test_edit_a_lecture_source_in_jupyterlab(lab_server, page):
    source = lab_server.root / "lectures" / f"{LECTURE}.md"
    built = source.with_suffix(".ipynb")
    before = source.read_text(encoding="utf-8")
    assert EDIT not in before

    open_with(page, lab_server, "lectures", source.name, "Jupytext Notebook")
    tab = page.locator(".lm-TabBar-tab.jp-mod-current[data-type=\"document-title\"]")
    assert source.name in tab.inner_text(), "the text source itself must be open, not its .ipynb"

    cell = page.locator(".jp-MarkdownCell").filter(has_text="Learning objectives").first
    cell.dblclick()  # edit mode: the markdown source in CodeMirror
    editor = cell.locator(".cm-content")
    editor.wait_for(state="visible")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(f"\n\n{EDIT}")
    page.keyboard.press("Shift+Enter")  # render the cell
    page.keyboard.press("Control+s")

    labpage.poll(lambda: EDIT in source.read_text(encoding="utf-8"), 30,
                 message=f"the edit to reach {source.name} on disk")
    after = source.read_text(encoding="utf-8")
    assert "format_name: myst" in after, "the source must stay a MyST text notebook"
    edited_cell = after[after.index("## Learning objectives") - 60:after.index(EDIT)]
    assert '+++ {"slideshow": {"slide_type": "subslide"}}' in edited_cell, "the cell's slide metadata was lost"
    # only that cell changed: the diff adds the edited line (and blank lines), nothing else
    changes = changed_lines(before, after)
    assert [c for c in changes if c.strip("+ ")] == [f"+{EDIT}"], "\n".join(changes)

    build = subprocess.run([sys.executable, str(BUILDER), "--no-run", str(source)],
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout + build.stderr
    check = subprocess.run([sys.executable, str(BUILDER), "--check", str(source)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    nb = nbformat.read(built, as_version=4)
    assert any(EDIT in c.source for c in nb.cells if c.cell_type == "markdown")
    checked = [c for c in nb.cells if "nbval-check-output" in c.metadata.get("tags", [])]
    assert checked and all(c.outputs for c in checked), "the rebuilt notebook lost its checked outputs"

    nbval = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
                            built.name], cwd=built.parent, capture_output=True, text=True, timeout=240)
    assert nbval.returncode == 0, nbval.stdout[-3000:] + nbval.stderr[-2000:]
    assert re.search(r"\d+ passed", nbval.stdout), nbval.stdout[-500:]


ASSIGNMENT = "a1_activations_and_perceptron"
GRADE_ID = "test_sigmoid"


@pytest.mark.timeout(300)
def test_create_assignment_panel_edits_an_assignment_source(lab_server, page):
    """nbgrader's *Create Assignment* panel works on the text source: points go to the .md."""
    folder = lab_server.root / "assignments" / "source"
    shutil.copytree(ROOT / "assignments" / "source" / ASSIGNMENT, folder / ASSIGNMENT)
    shutil.copy2(ROOT / "assignments" / "source" / "jupytext.toml", folder / "jupytext.toml")
    source = folder / ASSIGNMENT / f"{ASSIGNMENT}.md"
    before = source.read_text(encoding="utf-8")
    assert f"grade_id: {GRADE_ID}\n  locked: true\n  points: 2\n" in before

    open_with(page, lab_server, f"assignments/source/{ASSIGNMENT}", source.name, "Jupytext Notebook")
    page.locator(".lm-TabBar-tab[data-id='nbgrader-create_assignemnt']").click()  # sic, nbgrader's id
    widget = page.locator(".nbgrader-CellWidget").filter(
        has=page.locator(".nbgrader-CellId input")).filter(has_text="Points")

    def points_input():
        for i in range(widget.count()):
            if widget.nth(i).locator(".nbgrader-CellId input").input_value() == GRADE_ID:
                return widget.nth(i).locator(".nbgrader-CellPoints input")
        return None

    points = labpage.poll(points_input, 30, message=f"the Create Assignment widget of {GRADE_ID}")
    assert points.input_value() == "2"
    points.fill("3")
    points.press("Enter")
    page.locator(".jp-NotebookPanel").first.click()
    page.keyboard.press("Control+s")

    labpage.poll(lambda: "points: 3" in source.read_text(encoding="utf-8"), 30,
                 message=f"the new points to reach {source.name}")
    old, new = (jupytext.reads(text, fmt="md:myst") for text in (before, source.read_text(encoding="utf-8")))
    assert [c.source for c in new.cells] == [c.source for c in old.cells]
    for old_cell, new_cell in zip(old.cells, new.cells):
        expected = old_cell.metadata
        if expected.get("nbgrader", {}).get("grade_id") == GRADE_ID:
            # nbgrader also writes its default "task: false" into the cell it edited
            expected = dict(expected, nbgrader=dict(expected["nbgrader"], points=3, task=False))
        assert new_cell.metadata == expected
    nb = nbformat.read(subprocess_build(source), as_version=4)
    (cell,) = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == GRADE_ID]
    assert cell.metadata["nbgrader"]["points"] == 3 and cell.id == GRADE_ID


def subprocess_build(source: Path) -> Path:
    """Build ``source``'s notebook with tools/notebooks.py; return its path."""
    build = subprocess.run([sys.executable, str(BUILDER), "--no-run", str(source)],
                           capture_output=True, text=True, timeout=120)
    assert build.returncode == 0, build.stdout + build.stderr
    return source.with_suffix(".ipynb")


def changed_lines(before: str, after: str) -> list[str]:
    """The removed (``-``) and added (``+``) lines between two texts, without diff headers."""
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))[2:]
    return [line for line in diff if not line.startswith("@@")]
