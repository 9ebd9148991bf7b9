"""``mlp-check NOTEBOOK``: check an assignment notebook before you submit it.

    mlp-check mlp-intro/a1_activations_and_perceptron/a1_activations_and_perceptron.ipynb

Runs the notebook from top to bottom in a fresh kernel, the way the grader does (your file is not
changed): the same time limit per cell, the tests loaded the same way, each test cell decided by
the same rules (:mod:`mlp_lib.grading.judge`). Test cells you edited or deleted are put back as
they were released, as grading does. Then it prints one line per graded cell::

    PASSED  test_relu                 1/1
    FAILED  test_sigmoid              0/1  AssertionError: sigmoid(-1000) returned nan ...
    MANUAL  explain_xor               3 pts, graded by hand

and the total of the visible-test points you passed. Hidden tests are not in your copy of the
notebook: they run only when the assignment is graded.

Exit status: 0 when every visible test passes and no cell raises an error, 1 when something
fails, 2 when the notebook cannot be checked (missing file, not a notebook, kernel did not start).
Installed with the course's package, so it works from any folder.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from . import CELL_TIMEOUT
from .cells import METADATA_KEY, grade_id, is_test_cell, judge_notebook, restore_tests
from .runtime import KERNEL_ARGUMENT

__all__ = ["check_notebook", "format_report", "report_data", "main", "Report", "CellResult", "CheckError"]

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2

# Statuses of one checked cell.
PASSED = "PASSED"
FAILED = "FAILED"
ERROR = "ERROR"      # a cell that is not a test raised (e.g. NotImplementedError in an answer)
NOT_RUN = "NOT RUN"  # the kernel died before this cell
HIDDEN = "HIDDEN"    # a test cell whose tests are all hidden (empty in the student copy)
MANUAL = "MANUAL"    # graded by hand: not checked here

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ARROW_LINE = re.compile(r"^\s*-*>\s*\d+\s(.*)$")
_FUNCTION_FRAME = re.compile(r"^Cell In\[\d+\], line \d+, in (\w+)\(")
MAX_MESSAGE_LINES = 6


class CheckError(Exception):
    """The notebook could not be checked at all (exit status 2)."""


@dataclass
class CellResult:
    """What happened to one graded (or failing) cell."""

    index: int                 # 0-based position in the notebook
    grade_id: str              # nbgrader's cell id, or "cell N" for cells without one
    status: str                # one of PASSED, FAILED, ERROR, NOT_RUN, HIDDEN, MANUAL
    points: float = 0.0        # points the cell is worth (0 for non-graded cells)
    message: str = ""          # the error's last line(s): "AssertionError: ..."
    kind: str = "test"         # "test", "manual", or "code" (an answer/other cell)
    restored: str = ""         # "edited" or "deleted": the test cell was put back as released
    modified: bool = False     # edited, and no release record to put it back (grading will)
    unanswered: bool = False   # a hand-graded answer still holding nbgrader's stub

    @property
    def score(self) -> float:
        return self.points if self.status == PASSED else 0.0


@dataclass
class Report:
    """Result of checking one notebook."""

    path: Path
    cells: list[CellResult] = field(default_factory=list)
    kernel_died: bool = False

    @property
    def tests(self) -> list[CellResult]:
        """Test cells that have visible tests (run here)."""
        return [c for c in self.cells if c.kind == "test" and c.status != HIDDEN]

    @property
    def visible_points(self) -> float:
        return sum(c.points for c in self.tests)

    @property
    def passed_points(self) -> float:
        return sum(c.score for c in self.tests)

    @property
    def problems(self) -> list[CellResult]:
        return [c for c in self.cells
                if c.status in (FAILED, ERROR, NOT_RUN) or c.modified or c.unanswered]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.kernel_died


# --------------------------------------------------------------------------- cells

def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def cell_kind(cell) -> str | None:
    """``"test"`` (autograder tests), ``"manual"`` (graded by hand) or None.

    Follows nbgrader's cell types: a grade cell that is not a solution cell holds
    autograder tests; a graded solution cell or a task is graded by hand.
    """
    meta = _nbgrader(cell)
    if meta.get("task"):
        return "manual"
    if meta.get("grade"):
        return "manual" if meta.get("solution") else "test"
    return None


def is_modified(cell) -> bool:
    """True when a locked test cell's source no longer matches nbgrader's checksum."""
    meta = _nbgrader(cell)
    if not meta.get("checksum"):
        return False
    try:
        from nbgrader.utils import compute_checksum
    except ImportError:  # nbgrader not installed: cannot tell
        return False
    try:
        return compute_checksum(cell) != meta["checksum"]
    except (KeyError, ValueError, TypeError):
        return False


# What nbgrader puts in answer cells of the released notebook.
_CODE_STUB = "raise NotImplementedError()"
_TEXT_STUB = "YOUR ANSWER HERE"


def is_unanswered(cell) -> bool:
    """True when an answer cell still holds the stub nbgrader put there."""
    if not _nbgrader(cell).get("solution"):
        return False
    stub = _CODE_STUB if cell.get("cell_type") == "code" else _TEXT_STUB
    return stub in cell.get("source", "")


def error_message(reply: dict) -> str:
    """The last line of a Python error, ``"Name: value"``, from an execute reply.

    With an empty value: for the ``raise NotImplementedError()`` nbgrader leaves in an
    answer, the name of the unwritten function; otherwise (a bare ``assert``) the
    failing line of the cell.
    """
    ename = reply.get("ename") or "Error"
    evalue = _ANSI.sub("", str(reply.get("evalue") or "")).strip()
    if evalue:
        lines = evalue.splitlines()
        if len(lines) > MAX_MESSAGE_LINES:
            lines = lines[:MAX_MESSAGE_LINES] + ["..."]
        return f"{ename}: " + "\n".join(lines)
    frames = [_ANSI.sub("", frame) for frame in reply.get("traceback") or []]
    if ename == "NotImplementedError":
        # The innermost function of the notebook is the unwritten answer.
        names = [m.group(1) for frame in frames for m in [_FUNCTION_FRAME.match(frame)] if m]
        if names:
            return f"{ename}: {names[-1]}() is not written yet"
        return f"{ename}: an answer this cell uses is not written yet"
    for frame in frames:  # the outermost frame is the cell itself
        for line in frame.splitlines():
            match = _ARROW_LINE.match(line)
            if match:
                return f"{ename} (at: {match.group(1).strip()})"
    return ename


# --------------------------------------------------------------------------- running

def execute(nb, cwd: Path, timeout: float, kernel_name: str | None = None):
    """Run every code cell of ``nb`` (in place) with the grading runtime; return ({index: reply}, died_at).

    ``died_at`` is the index of the cell during which the kernel died, else None.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    replies: dict[int, dict] = {}

    def on_cell_executed(cell, cell_index, execute_reply):
        replies[cell_index] = (execute_reply or {}).get("content", {})

    kwargs = {"kernel_name": kernel_name} if kernel_name else {}
    client = NotebookClient(
        nb,
        timeout=timeout,
        allow_errors=True,
        interrupt_on_timeout=True,
        error_on_timeout={
            "ename": "TimeoutError",
            "evalue": (f"the cell was still running after {timeout:g} s and was stopped "
                       "(an endless loop, or far too much work?)"),
            "traceback": [],
        },
        extra_arguments=[KERNEL_ARGUMENT],
        resources={"metadata": {"path": str(cwd)}},
        on_cell_executed=on_cell_executed,
        **kwargs,
    )
    died_at = None
    # The kernel's own stderr (not the notebook's output) holds only low-level noise,
    # except when it crashes: keep it aside and show it then.
    with tempfile.TemporaryFile(mode="w+") as kernel_stderr:
        try:
            client.execute(stderr=kernel_stderr)
        except DeadKernelError:
            died_at = next((i for i, c in enumerate(nb.cells)
                            if c.cell_type == "code" and c.source.strip() and i not in replies),
                           len(nb.cells))
            kernel_stderr.seek(0)
            tail = kernel_stderr.read().strip().splitlines()[-20:]
            if tail:
                print("The kernel died. Its last words:\n  " + "\n  ".join(tail),
                      file=sys.stderr)
    return replies, died_at


def check_notebook(path, timeout: float = CELL_TIMEOUT, kernel_name: str | None = None) -> Report:
    """Execute the notebook at ``path`` (without saving it) and decide its visible tests."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise CheckError(f"no such notebook: {path}")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # nbformat raises several types for bad files
        raise CheckError(f"{path} is not a readable notebook: {exc}") from exc

    released = METADATA_KEY in nb.metadata  # then edited and deleted test cells are put back
    restored = dict(restore_tests(nb))
    modified = {i: not released and is_modified(c) for i, c in enumerate(nb.cells)}
    try:
        replies, died_at = execute(nb, path.resolve().parent, timeout, kernel_name)
    except Exception as exc:  # kernel not found, failed to start, ...
        raise CheckError(f"could not run {path.name}: {type(exc).__name__}: {exc}") from exc
    verdicts = judge_notebook(nb)

    report = Report(path=path, kernel_died=died_at is not None)
    for index, cell in enumerate(nb.cells):
        kind = cell_kind(cell)
        gid = grade_id(cell) or f"cell {index + 1}"
        points = float(_nbgrader(cell).get("points") or 0)
        reply = replies.get(index)

        if kind == "manual":
            report.cells.append(CellResult(index, gid, MANUAL, points, kind="manual",
                                           unanswered=is_unanswered(cell)))
            continue
        if cell.cell_type != "code":
            continue
        failed = reply is not None and reply.get("status") == "error"
        if kind == "test" and is_test_cell(cell):
            verdict = verdicts[grade_id(cell)]
            if not cell.source.strip():
                status, message = HIDDEN, ""
            elif died_at is not None and index >= died_at:
                status = NOT_RUN
                message = "the kernel died (out of memory? a crash?) before this cell finished"
            elif verdict.passed:
                status, message = PASSED, ""
            else:
                status, message = FAILED, error_message(reply) if failed else verdict.message
            report.cells.append(CellResult(index, gid, status, points, message, kind="test",
                                           restored=restored.get(gid, ""), modified=modified[index]))
        elif failed:
            report.cells.append(CellResult(index, gid, ERROR, 0.0, error_message(reply), kind="code"))
        elif died_at is not None and index == died_at:
            report.cells.append(CellResult(
                index, gid, NOT_RUN, 0.0,
                "the kernel died (out of memory? a crash?) while running this cell", kind="code"))
    return report


# --------------------------------------------------------------------------- output

def _points(value: float) -> str:
    return f"{value:g}"


def format_report(report: Report) -> str:
    """The text printed by the command: one line per graded cell, then totals."""
    lines = [f"Checked {report.path}", ""]
    width = max([len(c.grade_id) for c in report.cells] + [10])
    for c in report.cells:
        if c.kind == "test":
            if c.status == HIDDEN:
                detail = f"{_points(c.points)} pts, hidden tests: run only when graded"
            else:
                detail = f"{_points(c.score)}/{_points(c.points)}"
        elif c.kind == "manual":
            detail = f"{_points(c.points)} pts, graded by hand"
            if c.unanswered:
                detail += ": NOT ANSWERED YET"
        else:
            detail = f"cell {c.index + 1} (not a test) raised an error"
        line = f"  {c.status:<7} {c.grade_id:<{width}}  {detail}"
        if c.message:
            first, *rest = c.message.splitlines()
            line += f"  {first}"
            line += "".join("\n" + " " * 12 + more for more in rest)
        lines.append(line)
        if c.restored:
            what = "was edited" if c.restored == "edited" else "was missing"
            lines.append(" " * 12 + f"NOTE: this test cell {what}; it was checked as released, "
                         "as grading will do")
        if c.modified:
            lines.append(" " * 12 + "WARNING: this test cell was edited; grading uses the "
                         "original cell, so this result may not hold")
    tests = report.tests
    passed = sum(1 for c in tests if c.status == PASSED)
    lines += [
        "",
        f"Visible tests: {_points(report.passed_points)} of {_points(report.visible_points)} "
        f"points passed ({passed} of {len(tests)} test cells).",
    ]
    if any(c.status == HIDDEN for c in report.cells) or tests:
        lines.append("Hidden tests run only when the assignment is graded: passing here "
                     "does not guarantee full marks.")
    if report.ok:
        lines.append("All visible tests pass. Submit with: nbgrader submit <assignment>")
    else:
        count = len(report.problems)
        lines.append(f"{count} problem{'s' if count != 1 else ''} found: fix "
                     f"{'them' if count != 1 else 'it'} and run this check again "
                     "before you submit.")
    return "\n".join(lines)


def report_data(report: Report) -> dict:
    """The report as plain data (``mlp-check --json``)."""
    return {"path": str(report.path), "ok": report.ok, "kernel_died": report.kernel_died,
            "visible_points": report.visible_points, "passed_points": report.passed_points,
            "cells": [{"grade_id": c.grade_id, "kind": c.kind, "status": c.status, "points": c.points,
                       "score": c.score, "message": c.message, "restored": c.restored}
                      for c in report.cells]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mlp-check",
        description="Run an assignment notebook the way the grader does and report, per graded "
                    "test cell, PASSED or FAILED with the error message.")
    parser.add_argument("notebook", type=Path, help="the .ipynb file to check")
    parser.add_argument("--kernel", default=None,
                        help="kernel to run (default: the notebook's own, with this Python)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON (for scripts)")
    args = parser.parse_args(argv)

    try:
        report = check_notebook(args.notebook, kernel_name=args.kernel)
    except CheckError as exc:
        print(f"mlp-check: {exc}", file=sys.stderr)
        return EXIT_ERROR
    print(json.dumps(report_data(report), indent=1) if args.json else format_report(report))
    return EXIT_OK if report.ok else EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
