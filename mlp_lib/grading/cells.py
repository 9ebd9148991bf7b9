"""Test cells of an assignment notebook: what was released, and the verdicts after a run.

Used by the grader and by ``mlp-check`` alike, so that both apply the same rules:

* :func:`judge_notebook` takes the records out of an executed notebook, decides every test cell
  (:func:`mlp_lib.grading.judge.judge_cell`) and writes the decision into the cell the way
  nbgrader reads it: a failing cell shows an error with the message, and text on stderr (a numpy
  warning, say) is moved to stdout, because a warning is not a failure — nbgrader alone would
  score such a cell 0. The verdict is also kept in the cell's metadata (``mlp_grading``).
* :func:`released_tests` lists the test cells of a released notebook (visible code, metadata,
  order), stored in the notebook's metadata at release; :func:`restore_tests` puts edited or
  deleted test cells back from it, as grading does from the gradebook.
"""
from __future__ import annotations

import copy
import re

import nbformat

from .judge import judge_cell
from .record import MIME

__all__ = ["METADATA_KEY", "grade_id", "is_test_cell", "take_records", "shown_error", "apply_verdict",
           "judge_notebook", "released_tests", "restore_tests"]

#: Key of our entries in notebook and cell metadata.
METADATA_KEY = "mlp_grading"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell):
    return _nbgrader(cell).get("grade_id")


def is_test_cell(cell):
    """An autograded test cell: an nbgrader grade cell with code that is not a solution."""
    meta = _nbgrader(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def take_records(cell):
    """Remove the record outputs from ``cell``; return their data."""
    records, kept = [], []
    for output in cell.get("outputs", []):
        if output.get("output_type") in ("display_data", "execute_result") and MIME in output.get("data", {}):
            data = output["data"][MIME]
            records.append(data if isinstance(data, dict) else {})
        else:
            kept.append(output)
    cell["outputs"] = kept
    return records


def shown_error(cell):
    """``"Type: message"`` of the first error output of ``cell``, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            ename, evalue = output.get("ename", "Error"), str(output.get("evalue", "")).strip()
            return f"{ename}: {evalue}" if evalue else ename
    return None


def apply_verdict(cell, verdict):
    """Make nbgrader read ``verdict`` from ``cell``'s outputs; keep it in the cell's metadata."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            output["name"] = "stdout"  # a warning is not a failure (see the module docstring)
    if not verdict.passed:
        # what a reader sees of an error output is its traceback (feedback, JupyterLab)
        shown = [_ANSI.sub("", "\n".join(o.get("traceback", [])))
                 for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if not any(verdict.message in text for text in shown):
            cell["outputs"].append(nbformat.v4.new_output(
                "error", ename="AssertionError", evalue=verdict.message,
                traceback=[f"\x1b[0;31mAssertionError\x1b[0m: {verdict.message}"]))
    cell.setdefault("metadata", {})[METADATA_KEY] = verdict.to_dict()


def judge_notebook(nb, references=None):
    """Decide every test cell of the executed ``nb`` (in place); return ``{grade_id: Verdict}``.

    ``references``: ``{grade_id: record}`` of the reference solution's run (grading), or None.
    Records are removed from every cell.
    """
    verdicts = {}
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        records = take_records(cell)
        if not is_test_cell(cell):
            continue
        gid = grade_id(cell)
        reference = None
        if references is not None:
            if gid not in references:
                raise KeyError(f"the reference solution's run has no record of the test cell {gid!r}")
            reference = references[gid]
        verdict = judge_cell(cell.source, records, reference=reference, error=shown_error(cell))
        apply_verdict(cell, verdict)
        verdicts[gid] = verdict
    return verdicts


# --------------------------------------------------------------------------- releases

def released_tests(nb):
    """What a release must remember of its test cells, for :func:`restore_tests`."""
    return {"version": 1,
            "order": [grade_id(c) for c in nb.cells if grade_id(c)],
            "tests": {grade_id(c): {"source": c.source, "nbgrader": copy.deepcopy(dict(_nbgrader(c)))}
                      for c in nb.cells if is_test_cell(c)}}


def restore_tests(nb):
    """Put back edited or deleted test cells from the release's record; return ``[(grade_id, how)]``.

    ``how`` is ``"edited"`` or ``"deleted"``. A notebook without the record is left unchanged.
    """
    released = nb.metadata.get(METADATA_KEY, {})
    tests, order = released.get("tests") or {}, released.get("order") or []
    restored = []
    for gid, original in tests.items():
        present = {grade_id(c): i for i, c in enumerate(nb.cells) if grade_id(c)}
        new = nbformat.v4.new_code_cell(original["source"])
        new.metadata["nbgrader"] = copy.deepcopy(original["nbgrader"])
        if gid in present:
            cell = nb.cells[present[gid]]
            if cell.source != original["source"] or cell.cell_type != "code":
                new.id = cell.get("id", new.id)
                nb.cells[present[gid]] = new
                restored.append((gid, "edited"))
            else:
                cell.metadata["nbgrader"] = new.metadata["nbgrader"]
            continue
        at = order.index(gid) if gid in order else len(order)
        before = [present[n] + 1 for n in order[:at] if n in present]
        after = [present[n] for n in order[at + 1:] if n in present]
        nb.cells.insert(max(before) if before else min(after, default=len(nb.cells)), new)
        restored.append((gid, "deleted"))
    return restored
