"""Submissions written the way students write them, graded by tests/test_grading_pipeline.py.

``tests/corpus/<assignment>/<name>.py`` is one submission, as the answer cells it changes::

    \"\"\"One line: what this submission does.

    loses: test_sigmoid                  (the parts that lose points, or: nothing)
    message: sigmoid(-1000) triggered    (text its feedback must show; any number of lines)
    base: mistake_sigmoid_overflow       (tamper_* only: the same submission without the tampering)
    \"\"\"
    # %% sigmoid                         (replaces the answer cell with grade id "sigmoid")
    ...
    # %% after sigmoid                   (a new cell of the student's after that one)
    ...

Every other answer cell is the reference solution's. ``correct_*`` submissions are correct
answers written differently (several parts each) and lose nothing; ``mistake_*`` hold one
realistic mistake each; ``tamper_*`` add tampering to their ``base``, and must not score more.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

CORPUS = Path(__file__).resolve().parent
_SOLUTION_MARK = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)
_CELL = re.compile(r"^# %% (after )?(\w+)[ \t]*$", re.M)


@dataclass
class Entry:
    """One corpus submission (see the module docstring)."""

    assignment: str
    name: str
    summary: str
    loses: set = field(default_factory=set)
    messages: list = field(default_factory=list)
    base: str | None = None
    cells: dict = field(default_factory=dict)      # grade_id -> source
    inserts: list = field(default_factory=list)    # (after grade_id, source)

    @property
    def kind(self):
        return self.name.split("_", 1)[0]


def _parse(assignment, path):
    text = path.read_text(encoding="utf-8")
    match = re.match(r'\s*"""(.*?)"""\n', text, re.S)
    assert match, f"{path}: no docstring"
    doc = match.group(1).strip()
    entry = Entry(assignment, path.stem, doc.splitlines()[0])
    for line in doc.splitlines():
        key, _, value = line.partition(":")
        value = value.strip()
        if key == "loses":
            entry.loses = set() if value == "nothing" else {v.strip() for v in value.split(",")}
        elif key == "message":
            entry.messages.append(value)
        elif key == "base":
            entry.base = value
    body = text[match.end():]
    marks = list(_CELL.finditer(body))
    for mark, following in zip(marks, marks[1:] + [None]):
        source = body[mark.end():following.start() if following else len(body)].strip("\n") + "\n"
        if mark.group(1):
            entry.inserts.append((mark.group(2), source))
        else:
            entry.cells[mark.group(2)] = source
    assert entry.kind in ("correct", "mistake", "tamper"), f"{path}: unknown kind {entry.kind}"
    assert entry.cells or entry.inserts, f"{path}: no cells"
    return entry


def entries(assignment):
    """Every corpus entry of ``assignment``, by name; a tamper entry includes its base's cells."""
    found = {p.stem: _parse(assignment, p) for p in sorted((CORPUS / assignment).glob("*.py"))}
    for entry in found.values():
        if entry.base:
            base = found[entry.base]
            entry.cells = {**base.cells, **entry.cells}
            entry.inserts = base.inserts + entry.inserts
    return found


def reference_answers(source_notebook):
    """``{grade_id: source}`` of the solution cells, without the BEGIN/END SOLUTION lines."""
    nb = nbformat.read(source_notebook, as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: _SOLUTION_MARK.sub("", c.source + "\n")
            for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")}


def notebook(release_notebook, answers, inserts=()):
    """The released notebook with ``answers`` in its answer cells and the ``inserts`` added."""
    nb = nbformat.read(release_notebook, as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    for after, source in inserts:
        index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == after)
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    return nb
