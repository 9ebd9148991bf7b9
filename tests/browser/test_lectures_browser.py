"""Each lecture notebook in a real JupyterLab: runs without errors, its widgets render, and
changing a widget control changes the (non-blank) figure it drives.

A full-page screenshot of every notebook is saved to tests/browser/screenshots/<name>.png.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import labpage

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# The lab setting shipped with the package (jupyter-config/lab/settings/overrides.d/mlp_lib.json).
KERNEL_SETTINGS_ID = "@jupyterlab/apputils-extension:kernels-settings"

# Collected at import time. MLP_BROWSER_LECTURES=<dir> points the test at other notebooks
# (used while developing the test itself): each is copied into the server's lectures/.
LECTURES = Path(os.environ.get("MLP_BROWSER_LECTURES", ROOT / "lectures"))
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))

RUN_TIMEOUT = 150  # s for "Run All Cells" of one notebook (each should take < 30 s)


@pytest.mark.timeout(300)
def test_lab_settings_are_in_effect(lab_server):
    """The server uses the shipped overrides.d/mlp_lib.json: comms over subshells disabled."""
    settings = lab_server.api(f"/lab/api/settings/{KERNEL_SETTINGS_ID}")
    prop = settings["schema"]["properties"]["commsOverSubshells"]
    assert prop["default"] == "disabled", (
        "commsOverSubshells default is not 'disabled': the lab settings overrides "
        f"(.venv/share/jupyter/lab/settings/overrides.d/mlp_lib.json) are not in effect: {prop}")
    user_value = (settings.get("settings") or {}).get("commsOverSubshells", "disabled")
    assert user_value == "disabled", f"user settings override commsOverSubshells: {user_value!r}"


@pytest.mark.timeout(300)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_lecture_in_jupyterlab(notebook, lab_server, page, screenshot_dir):
    relpath = f"lectures/{notebook.name}"
    if LECTURES != ROOT / "lectures":  # development: serve the chosen folder's notebook
        import shutil
        shutil.copy(notebook, lab_server.root / relpath)
    shot = screenshot_dir / f"{notebook.stem}.png"
    shot.unlink(missing_ok=True)
    try:
        labpage.open_notebook(page, lab_server, relpath)
        seconds = labpage.run_all_cells(page, timeout=RUN_TIMEOUT)
        print(f"{notebook.name}: Run All Cells took {seconds:.1f}s")

        errors = labpage.error_outputs(page)
        assert not errors, f"{notebook.name} has error output(s):\n{labpage.format_errors(errors)}"
        for out in labpage.stderr_outputs(page):  # warnings are allowed; show them
            print(f"{notebook.name}: stderr in cell {out['cell']}: {out['text'].strip()}")
        not_run = labpage.unexecuted_cells(page)
        assert not not_run, f"{notebook.name}: code cells {not_run} did not run"
        problems = labpage.widget_problems(page)
        assert not problems, f"{notebook.name}: widgets did not render: {problems}"

        _check_widgets_drive_figures(page, notebook.name)
    finally:
        try:
            labpage.notebook_screenshot(page, shot)
        except Exception as exc:  # the test's own failure matters more
            print(f"could not save screenshot {shot}: {exc}")
        lab_server.shutdown_kernels(relpath)
        if page.console_errors:
            print("browser console errors:\n  " + "\n  ".join(page.console_errors[:20]))


def _check_widgets_drive_figures(page, name: str) -> None:
    """Every figure must be non-blank; every figure with controls must follow one of them."""
    demos = labpage.find_demos(page)
    assert demos, f"{name}: no figure (ipympl canvas or Output widget image) found"
    driven = [d for d in demos if d.controls]
    assert driven, (f"{name}: no slider or dropdown next to any of its {len(demos)} figure(s); "
                    "expected widgets driving a figure")

    failures = []
    for demo in demos:
        where = f"figure {demo.index} (code cell {demo.cell})"
        try:
            before = labpage.settled_image(demo.figure)
        except AssertionError as exc:
            failures.append(f"{where} is blank after running the notebook: {exc}")
            continue
        if not demo.controls:
            continue
        tried = []
        for control, label in zip(demo.controls, demo.labels):
            change = labpage.change_control(control)
            if not change:
                tried.append(f"{label}: value did not change")
                continue
            after = labpage.wait_for_change(demo.figure, before)
            if after is None:
                tried.append(f"{label} {change}: figure unchanged after 20s")
                before = labpage.element_image(demo.figure)
                continue
            blank = labpage.blank_reason(after)
            if blank:
                failures.append(f"{where}: blank after {label} {change}: {blank}")
            else:
                print(f"{name}: {where} follows {label} {change}")
            break
        else:
            failures.append(f"{where}: no control changed it: {'; '.join(tried)}")
    for i, image in enumerate(labpage.static_images(page)):
        image.scroll_into_view_if_needed()
        blank = labpage.blank_reason(labpage.element_image(image))
        if blank:
            failures.append(f"static image {i} is blank: {blank}")
    assert not failures, f"{name}:\n  " + "\n  ".join(failures)
