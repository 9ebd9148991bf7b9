"""Tests for mlp_lib.grading.cells: verdicts written the way nbgrader reads them; released tests put back."""
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mlp_lib.grading import record
from mlp_lib.grading.cells import (METADATA_KEY, apply_verdict, judge_notebook, released_tests, restore_tests,
                                   take_records)
from mlp_lib.grading.judge import Verdict, source_sha256


def cell(source, grade_id, **nbgrader):
    c = new_code_cell(source)
    c.metadata["nbgrader"] = {"grade_id": grade_id, "grade": False, "solution": False, "locked": False,
                              "schema_version": 3, **nbgrader}
    return c


def graded_cell(source, grade_id, points=1):
    return cell(source, grade_id, grade=True, locked=True, points=points)


def record_output(source, observations=(), error=None):
    data = {"version": 1, "source_sha256": source_sha256(source), "observations": list(observations),
            "error": error, "changed": []}
    return new_output("display_data", data={record.MIME: data})


def test_take_records_removes_them():
    c = graded_cell("x = 1", "t")
    c.outputs = [new_output("stream", name="stdout", text="hi\n"), record_output("x = 1")]
    (found,) = take_records(c)
    assert found["source_sha256"] == source_sha256("x = 1")
    assert [o.output_type for o in c.outputs] == ["stream"]


def test_a_passing_cell_keeps_its_warning_as_text_not_as_a_failure():
    from nbgrader.utils import determine_grade
    c = graded_cell("t()", "t", points=2)
    c.outputs = [new_output("stream", name="stderr", text="RuntimeWarning: divide by zero\n")]
    assert determine_grade(c) == (0, 2)  # nbgrader alone: stderr means 0 points
    apply_verdict(c, Verdict(True))
    assert determine_grade(c) == (2, 2)
    assert c.outputs[0].name == "stdout" and "divide by zero" in c.outputs[0].text
    assert c.metadata[METADATA_KEY]["passed"] is True


def test_a_failing_cell_shows_the_judges_message_once():
    from nbgrader.utils import determine_grade
    c = graded_cell("t()", "t", points=2)
    apply_verdict(c, Verdict(False, "z is wrong", "check", 3, True))
    assert determine_grade(c) == (0, 2)
    assert [(o.ename, o.evalue) for o in c.outputs] == [("AssertionError", "z is wrong")]
    apply_verdict(c, Verdict(False, "z is wrong", "check", 3, True))  # already shown: not again
    assert len(c.outputs) == 1
    hidden = graded_cell("t()", "t")  # an error whose traceback a hook emptied: the message is added
    hidden.outputs = [new_output("error", ename="AssertionError", evalue="z is wrong",
                                 traceback=["ERROR: An error occurred while showtraceback was disabled"])]
    apply_verdict(hidden, Verdict(False, "z is wrong", "check", 3, True))
    assert [o.traceback[-1] for o in hidden.outputs][-1].endswith("AssertionError\x1b[0m: z is wrong")
    assert c.metadata[METADATA_KEY] == {"passed": False, "message": "z is wrong", "reason": "check", "line": 3,
                                        "hidden": True}


def test_judge_notebook_decides_test_cells_and_cleans_every_cell():
    student, passing, failing = cell("x = 1", "answer", solution=True), graded_cell("ok()", "t1"), graded_cell("no()", "t2")
    student.outputs = [record_output("x = 1")]  # a student's own cell may call checks: ignored
    passing.outputs = [record_output("ok()")]
    failing.outputs = [new_output("error", ename="AssertionError", evalue="no", traceback=[]),
                       record_output("no()", error={"type": "AssertionError", "message": "no", "line": 1})]
    nb = new_notebook(cells=[student, passing, failing, new_markdown_cell("text")])
    verdicts = judge_notebook(nb)
    assert {gid: v.passed for gid, v in verdicts.items()} == {"t1": True, "t2": False}
    assert verdicts["t2"].message == "AssertionError: no"
    assert all(record.MIME not in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    with pytest.raises(KeyError, match="no record of the test cell 't1'"):
        judge_notebook(nb, references={})


def released_notebook():
    nb = new_notebook(cells=[new_markdown_cell("# A"), cell("def f(): ...", "f", solution=True),
                             graded_cell("assert f() == 1", "test_f"), cell("def g(): ...", "g", solution=True),
                             graded_cell("assert g() == 2", "test_g", points=2)])
    nb.metadata[METADATA_KEY] = released_tests(nb)
    return nb


def test_restore_tests_puts_back_edited_and_deleted_test_cells():
    nb = released_notebook()
    assert restore_tests(nb) == []
    nb.cells[2].source = "print('tests passed')"
    nb.cells[2].metadata["nbgrader"]["points"] = 100
    del nb.cells[4]
    restored = restore_tests(nb)
    assert sorted(restored) == [("test_f", "edited"), ("test_g", "deleted")]
    sources = [c.source for c in nb.cells]
    assert sources[2] == "assert f() == 1" and sources[4] == "assert g() == 2"
    assert nb.cells[2].metadata["nbgrader"]["points"] == 1
    nbformat.validate(nb)


def test_restore_tests_puts_a_test_back_where_grading_does():
    nb = released_notebook()
    nb.cells = [nb.cells[3], nb.cells[0], nb.cells[1], nb.cells[2]]  # g moved to the top, test_g deleted
    restore_tests(nb)  # after the last of the cells released before it (course_grading.RestoreCells' rule)
    assert [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells] == ["g", None, "f", "test_f", "test_g"]


def test_a_notebook_without_the_release_record_is_left_alone():
    nb = released_notebook()
    del nb.metadata[METADATA_KEY]
    nb.cells[2].source = "changed"
    assert restore_tests(nb) == [] and nb.cells[2].source == "changed"
