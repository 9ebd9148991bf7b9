"""Deciding a test cell from its record, outside the student's kernel.

A test cell passes when its record (see :mod:`mlp_lib.grading.runtime`) shows that

1. it ran as written: exactly one record, of the cell's own code, with nothing the tests rely
   on replaced by the notebook;
2. every check it made passes, judged here again from the raw values (:mod:`~mlp_lib.grading.kinds`);
   when grading, each check is judged with the expectations of the *reference solution's* record
   of the same cell, and the two records must hold the same checks in the same order;
3. it raised no error and made all its checks.

Anything else the cell printed does not count: a warning on stderr is not a failure (nbgrader's
own rule would give the cell 0; :mod:`~mlp_lib.grading.cells` applies ours instead).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from . import kinds
from .record import decode

__all__ = ["Verdict", "judge_cell", "hidden_lines", "source_sha256"]

BEGIN_HIDDEN, END_HIDDEN = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"


@dataclass
class Verdict:
    """The decision on one test cell; ``line`` (1-based, in the cell) is where it failed."""

    passed: bool
    message: str = ""
    reason: str = ""          # "check", "error", "record", "changed", "order" (empty when passed)
    line: int | None = None
    hidden: bool = False      # the failure happened in the hidden tests

    def to_dict(self):
        return {"passed": self.passed, "message": self.message, "reason": self.reason, "line": self.line,
                "hidden": self.hidden}


def hidden_lines(source):
    """The 1-based line numbers of ``source`` inside ``### BEGIN/END HIDDEN TESTS`` (markers included)."""
    lines, inside = set(), False
    for number, line in enumerate(source.split("\n"), start=1):
        if BEGIN_HIDDEN in line:
            inside = True
        if inside:
            lines.add(number)
        if END_HIDDEN in line:
            inside = False
    return frozenset(lines)


def source_sha256(source):
    return hashlib.sha256(source.encode("utf-8", "replace")).hexdigest()


def _fail(message, reason, line=None, hidden_at=frozenset()):
    return Verdict(False, message, reason, line, line in hidden_at if line is not None else False)


def _records_problem(records, error):
    if len(records) == 1:
        return None
    if not records:
        if error:
            return _fail(error, "error")
        return _fail("this test cell reported no results: its checks did not run", "record")
    return _fail(f"this test cell reported its results {len(records)} times (something in the notebook "
                 "imitates the tests' reports)", "record")


def judge_cell(source, records, *, reference=None, error=None):
    """The :class:`Verdict` on a test cell whose code is ``source``.

    ``records``: the records found in the cell's outputs. ``reference``: the record of the same
    cell in the reference solution's run (when grading), or None (``mlp-check``: each check is
    then judged with the expectations the student's own run computed). ``error``: the error the
    cell shows (``"Type: message"``), if any — e.g. a timeout, which leaves no record.
    """
    hidden = hidden_lines(source)
    problem = _records_problem(records, error)
    if problem:
        return problem
    record = records[0]
    try:
        if record.get("version") != 1 or record.get("source_sha256") != source_sha256(source):
            return _fail("the code that ran in this test cell is not the test cell's code", "record")
        if record.get("changed"):
            names = ", ".join(str(name) for name in record["changed"][:6])
            return _fail(f"the notebook replaced {names}, which the tests rely on — the tests cannot "
                         "check this part, no points for it", "changed")
        return _judge_observations(record, reference, error, hidden)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return _fail(f"the results of this test cell could not be read ({type(exc).__name__})", "record")


def _judge_observations(record, reference, error, hidden):
    mine = list(record["observations"])
    theirs = list(reference["observations"]) if reference is not None else None
    for i, observation in enumerate(mine):
        line = observation.get("line")
        if theirs is not None:
            if i >= len(theirs) or (observation["kind"], observation["label"]) != (theirs[i]["kind"], theirs[i]["label"]):
                return _fail("the checks of this test cell did not run as written (they differ from the "
                             "reference solution's run)", "order", line, hidden)
        spec_source = theirs[i] if theirs is not None else observation
        spec = {key: decode(value) for key, value in spec_source["spec"].items()}
        got = decode(observation["got"])
        reference_got = decode(theirs[i]["got"]) if theirs is not None else None
        message = kinds.judge(observation["kind"], observation["label"], got, spec, reference_got)
        if message:
            return _fail(message, "check", line, hidden)
    failure = record.get("error")
    if failure:
        text = f"{failure['type']}: {failure['message']}" if failure.get("message") else str(failure["type"])
        return _fail(error or text, "error", failure.get("line"), hidden)
    if error:
        return _fail(error, "error")
    if theirs is not None and len(mine) < len(theirs):
        return _fail("this test cell stopped before making all its checks", "order")
    return Verdict(True)
