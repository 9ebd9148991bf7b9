"""Tests for the students' pre-submission check, ``mlp-check`` (``mlp_lib/grading/check.py``).

A tiny nbgrader assignment is authored here and released with nbgrader's own preprocessors,
so the notebooks checked are exactly what students fetch: hidden tests stripped, answers
replaced by ``raise NotImplementedError()``, checksums in the metadata. The command runs as
students run it: the installed ``mlp-check``, from a folder that is not the repository.
(tests/test_grading_pipeline.py compares its verdicts with the grader's on the whole corpus.)
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mlp_lib.grading import CELL_TIMEOUT
from mlp_lib.grading import check
from mlp_lib.grading.cells import METADATA_KEY, released_tests

REPO = Path(__file__).resolve().parents[1]
MLP_CHECK = Path(sys.executable).with_name("mlp-check")

pytestmark = pytest.mark.slow


# --------------------------------------------------------------------------- a tiny course

def _cell(source: str, **nbgrader) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "solution": False,
                                 "grade": False, **nbgrader}
    return cell


def tiny_source_notebook() -> nbformat.NotebookNode:
    """Two answers, three test cells (one of them all hidden), one manually graded."""
    nb = new_notebook(cells=[
        new_markdown_cell("# Tiny assignment"),
        _cell("import numpy as np\n\n"
              "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
              solution=True, grade_id="double"),
        _cell("from mlp_lib.checks import check_array\ncheck_array('double(2)', double(2), 4)\n"
              "### BEGIN HIDDEN TESTS\nassert double(-1) == -2\n### END HIDDEN TESTS",
              grade=True, locked=True, points=2, grade_id="test_double"),
        _cell("def safe_exp(x):\n    ### BEGIN SOLUTION\n"
              "    return np.exp(np.minimum(x, 700.0))\n    ### END SOLUTION",
              solution=True, grade_id="safe_exp"),
        _cell("value = safe_exp(1000.0)\n"
              "assert np.isfinite(value), "
              "f'safe_exp(1000) returned {value} - clip the input before np.exp'",
              grade=True, locked=True, points=3, grade_id="test_safe_exp"),
        _cell("### BEGIN HIDDEN TESTS\nassert safe_exp(0.0) == 1.0\n### END HIDDEN TESTS",
              grade=True, locked=True, points=1, grade_id="test_hidden"),
        new_markdown_cell("Explain why."),
    ])
    manual = new_markdown_cell("YOUR ANSWER HERE")
    manual.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "solution": True,
                                   "grade": True, "points": 2, "grade_id": "explain"}
    nb.cells.append(manual)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def release_version(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What ``nbgrader generate_assignment`` makes of a source notebook.

    Runs the same nbgrader preprocessors in process (the checksums come out identical),
    which takes milliseconds instead of seconds; the real command is exercised by
    tests/test_exchange.py.
    """
    from nbgrader.preprocessors import (CheckCellMetadata, ClearHiddenTests, ClearOutput,
                                        ClearSolutions, ComputeChecksums, LockCells)
    resources: dict = {}
    for preprocessor in (LockCells, ClearSolutions, ClearOutput, CheckCellMetadata,
                         ClearHiddenTests, ComputeChecksums, CheckCellMetadata):
        nb, resources = preprocessor().preprocess(nb, resources)
    return nb


def with_release_record(path: Path) -> Path:
    """The notebook at ``path`` with the record of its test cells the course's release adds."""
    nb = nbformat.read(path, as_version=4)
    nb.metadata[METADATA_KEY] = released_tests(nb)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """The tiny assignment as students get it."""
    notebook = tmp_path_factory.mktemp("release") / "tiny.ipynb"
    nbformat.write(release_version(tiny_source_notebook()), notebook)
    return notebook


def student_copy(released: Path, folder: Path, answers: dict[str, str]) -> Path:
    """A copy of the released notebook with the given answer cells filled in."""
    nb = nbformat.read(released, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "tiny.ipynb"
    nbformat.write(nb, path)
    return path


CORRECT = {
    "double": "import numpy as np\n\ndef double(x):\n    return 2 * x",
    "safe_exp": "def safe_exp(x):\n    return np.exp(np.minimum(x, 700.0))",
    "explain": "Because exp overflows.",
}


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The installed command, run from ``cwd`` (not the repository)."""
    return subprocess.run([str(MLP_CHECK), *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def lines_for(output: str) -> dict[str, str]:
    """Map grade id -> its report line."""
    found = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in ("PASSED", "FAILED", "ERROR", "HIDDEN", "MANUAL"):
            found[parts[1]] = line
    return found


# --------------------------------------------------------------------------- the command

def test_unanswered_notebook_fails_every_visible_test(released, tmp_path):
    notebook = student_copy(released, tmp_path, {})
    before = notebook.read_bytes()
    result = run_cli(str(notebook), cwd=tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    lines = lines_for(result.stdout)
    assert lines["test_double"].split()[0] == "FAILED"
    assert lines["test_double"].endswith("NotImplementedError: double() is not written yet")
    assert lines["test_safe_exp"].endswith("NotImplementedError: safe_exp() is not written yet")
    assert lines["test_safe_exp"].split()[0] == "FAILED"
    assert lines["test_hidden"].split()[0] == "HIDDEN"
    assert lines["explain"].split()[0] == "MANUAL"
    assert "NOT ANSWERED YET" in lines["explain"]
    assert "Visible tests: 0 of 5 points passed (0 of 2 test cells)." in result.stdout
    # The student's file is left alone (nothing executed is saved back).
    assert notebook.read_bytes() == before
    # No raw traceback dump, no kernel start-up noise.
    assert "Traceback" not in result.stdout + result.stderr
    assert "\x1b[" not in result.stdout
    assert result.stderr == ""


def test_correct_notebook_passes(released, tmp_path):
    notebook = student_copy(released, tmp_path / "work", CORRECT)
    result = run_cli(str(notebook), cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    lines = lines_for(result.stdout)
    assert lines["test_double"].split()[:3] == ["PASSED", "test_double", "2/2"]
    assert lines["test_safe_exp"].split()[:3] == ["PASSED", "test_safe_exp", "3/3"]
    assert "Visible tests: 5 of 5 points passed (2 of 2 test cells)." in result.stdout
    assert "Hidden tests run only when the assignment is graded" in result.stdout
    assert lines["explain"].split()[:4] == ["MANUAL", "explain", "2", "pts,"]
    assert "NOT ANSWERED" not in result.stdout


def test_failing_test_prints_its_feedback_message(released, tmp_path):
    notebook = student_copy(released, tmp_path, {
        **CORRECT, "safe_exp": "def safe_exp(x):\n    return np.exp(x)"})
    report = check.check_notebook(notebook)

    by_id = {c.grade_id: c for c in report.cells}
    assert by_id["test_double"].status == check.PASSED
    assert by_id["test_safe_exp"].status == check.FAILED
    assert by_id["test_safe_exp"].message == (
        "AssertionError: safe_exp(1000) returned inf - clip the input before np.exp")
    assert (report.passed_points, report.visible_points) == (2, 5)
    assert not report.ok
    text = check.format_report(report)
    assert "FAILED  test_safe_exp  0/3  AssertionError: safe_exp(1000) returned inf" in text
    assert "1 problem found" in text


def test_error_in_an_answer_cell_is_reported(released, tmp_path):
    notebook = student_copy(released, tmp_path, {
        **CORRECT, "safe_exp": "def safe_exp(x):\n    return np.exp(x)\n\nsafe_exp(undefined)"})
    report = check.check_notebook(notebook)

    errors = [c for c in report.cells if c.status == check.ERROR]
    assert [(c.grade_id, c.message) for c in errors] == [
        ("safe_exp", "NameError: name 'undefined' is not defined")]
    assert "cell 4 (not a test) raised an error" in check.format_report(report)
    assert not report.ok


def test_edited_test_cell_is_flagged_without_a_release_record(released, tmp_path):
    notebook = student_copy(released, tmp_path, {**CORRECT, "test_double": "assert True"})
    report = check.check_notebook(notebook)

    by_id = {c.grade_id: c for c in report.cells}
    assert by_id["test_double"].status == check.PASSED  # the edited cell passes, but grading runs the original
    assert by_id["test_double"].modified
    assert not by_id["test_safe_exp"].modified
    assert not report.ok
    assert "this test cell was edited" in check.format_report(report)


def test_edited_and_deleted_test_cells_are_checked_as_released(released, tmp_path):
    """As grading does: the release records its test cells, and the check puts them back."""
    recorded = with_release_record(Path(shutil.copy(released, tmp_path / "release.ipynb")))
    notebook = student_copy(recorded, tmp_path / "work", {
        **CORRECT, "double": "import numpy as np\n\ndef double(x):\n    return 3 * x",
        "test_double": "print('double: tests passed')"})
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_safe_exp"]
    nbformat.write(nb, notebook)
    report = check.check_notebook(notebook)

    by_id = {c.grade_id: c for c in report.cells}
    assert by_id["test_double"].status == check.FAILED and by_id["test_double"].restored == "edited"
    assert by_id["test_double"].message.startswith("AssertionError: double(2) is wrong")
    assert by_id["test_safe_exp"].status == check.PASSED and by_id["test_safe_exp"].restored == "deleted"
    assert "this test cell was missing; it was checked as released" in check.format_report(report)


def test_a_warning_is_not_a_failure_as_in_grading(released, tmp_path):
    notebook = student_copy(released, tmp_path, {
        **CORRECT, "safe_exp": "def safe_exp(x):\n    np.float64(1.0) / np.float64(0.0)  # warns\n"
                               "    return np.exp(np.minimum(x, 700.0))"})
    report = check.check_notebook(notebook)
    assert {c.grade_id: c.status for c in report.tests} == {"test_double": check.PASSED,
                                                            "test_safe_exp": check.PASSED}
    assert report.ok


def test_tampering_is_judged_as_in_grading(released, tmp_path):
    notebook = student_copy(released, tmp_path, {
        **CORRECT, "double": "import numpy as np\nnp.isfinite = lambda value: True\n\n"
                             "def double(x):\n    return 2 * x"})
    report = check.check_notebook(notebook)
    by_id = {c.grade_id: c for c in report.cells}
    assert by_id["test_double"].status == check.FAILED
    assert by_id["test_double"].message.startswith("the notebook replaced numpy.isfinite")


def test_same_time_limit_as_grading():
    from traitlets.config.loader import PyFileConfigLoader
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO / "assignments")).load_config()
    assert config.Execute.timeout == CELL_TIMEOUT
    assert check.check_notebook.__defaults__[0] == CELL_TIMEOUT


def test_json_report_and_the_old_path(released, tmp_path):
    notebook = student_copy(released, tmp_path / "work", CORRECT)
    result = run_cli("--json", str(notebook), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["passed_points"] == data["visible_points"] == 5
    assert {c["grade_id"]: c["status"] for c in data["cells"] if c["kind"] == "test"} == {
        "test_double": "PASSED", "test_safe_exp": "PASSED", "test_hidden": "HIDDEN"}
    old = subprocess.run([sys.executable, str(REPO / "assignments" / "check.py"), str(notebook)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert old.returncode == 0 and "All visible tests pass." in old.stdout, old.stdout + old.stderr


def test_endless_loop_times_out_and_later_cells_still_run(released, tmp_path):
    notebook = student_copy(released, tmp_path, {
        **CORRECT, "double": "import numpy as np\n\ndef double(x):\n    return 2 * x\n\n"
                             "while True:\n    pass"})
    report = check.check_notebook(notebook, timeout=3)

    by_id = {c.grade_id: c for c in report.cells}
    assert by_id["double"].status == check.ERROR
    assert by_id["double"].message.startswith("TimeoutError: the cell was still running after 3 s")
    assert by_id["test_double"].status == check.PASSED
    assert by_id["test_safe_exp"].status == check.PASSED


def test_kernel_death_is_reported_and_later_tests_are_not_run(released, tmp_path):
    notebook = student_copy(released, tmp_path, {
        **CORRECT, "safe_exp": "import os\nos._exit(1)"})
    report = check.check_notebook(notebook)

    by_id = {c.grade_id: c for c in report.cells}
    assert report.kernel_died
    assert by_id["test_double"].status == check.PASSED
    assert by_id["safe_exp"].status == check.NOT_RUN
    assert by_id["test_safe_exp"].status == check.NOT_RUN
    assert "the kernel died" in by_id["test_safe_exp"].message
    assert not report.ok


def test_missing_or_broken_notebook_exits_2(tmp_path, capsys):
    assert check.main([str(tmp_path / "nope.ipynb")]) == 2
    assert "mlp-check: no such notebook" in capsys.readouterr().err

    broken = tmp_path / "broken.ipynb"
    broken.write_text("{not json")
    assert check.main([str(broken)]) == 2
    assert "is not a readable notebook" in capsys.readouterr().err


# --------------------------------------------------------------------------- messages

def test_error_message_keeps_the_last_line_only():
    assert check.error_message({"ename": "ValueError", "evalue": "bad shape (3,)",
                                "traceback": ["..."]}) == "ValueError: bad shape (3,)"


def test_error_message_of_a_bare_assert_shows_the_failing_line():
    traceback = [
        "\x1b[31m---------------------------------------------------------------\x1b[39m",
        "\x1b[31mAssertionError\x1b[39m   Traceback (most recent call last)",
        "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[3]\x1b[39m\x1b[32m, line 2\x1b[39m\n"
        "\x1b[32m      1\x1b[39m x = \x1b[32m1\x1b[39m\n"
        "\x1b[32m----> \x1b[39m\x1b[32m2\x1b[39m \x1b[38;5;28;01massert\x1b[39;00m x == 2\n",
        "\x1b[31mAssertionError\x1b[39m: ",
    ]
    assert check.error_message({"ename": "AssertionError", "evalue": "",
                                "traceback": traceback}) == "AssertionError (at: assert x == 2)"


def test_long_messages_are_cut():
    message = check.error_message({"ename": "AssertionError",
                                   "evalue": "\n".join(f"line {i}" for i in range(20))})
    assert message.splitlines()[0] == "AssertionError: line 0"
    assert message.splitlines()[-1] == "..."
    assert len(message.splitlines()) == check.MAX_MESSAGE_LINES + 1


def test_not_implemented_names_the_unwritten_function():
    traceback = [
        "\x1b[31m---------------------------------------------------------------\x1b[39m",
        "\x1b[31mNotImplementedError\x1b[39m   Traceback (most recent call last)",
        "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[8]\x1b[39m\x1b[32m, line 7\x1b[39m\n"
        "\x1b[32m----> \x1b[39m\x1b[32m7\x1b[39m result = perceptron_update(w0, 0.0, x, 0)\n",
        "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[7]\x1b[39m\x1b[32m, line 12\x1b[39m, in "
        "\x1b[36mperceptron_update\x1b[39m\x1b[34m(w, b, x, t, lr)\x1b[39m\n"
        "\x1b[32m---> \x1b[39m\x1b[32m12\x1b[39m     raise NotImplementedError()\n",
        "\x1b[31mNotImplementedError\x1b[39m: ",
    ]
    assert check.error_message({"ename": "NotImplementedError", "evalue": "",
                                "traceback": traceback}) == (
        "NotImplementedError: perceptron_update() is not written yet")
    assert check.error_message({"ename": "NotImplementedError", "evalue": "",
                                "traceback": []}) == (
        "NotImplementedError: an answer this cell uses is not written yet")
