"""The lectures' exercises, quizzes, Think! questions and links, as the students and the slide
decks get them (the built notebooks in lectures/).

Contract shared with the slide decks: a reference-solution cell carries ``slide_type: skip``, the tag
``solution`` and a collapsed input (``jupyter.source_hidden``); an exercise-check cell carries
``slide_type: skip`` (and ``nbval-check-output``, so CI compares its "not answered yet" line). In CI
the student's cell stays untouched and the solution cell's ``.reference(...)`` raises if the
reference answer fails its check.
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))


def slide_type(cell):
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def lecture(request):
    return request.param, nbformat.read(request.param, as_version=4).cells


def test_every_exercise_has_a_student_cell_a_check_and_a_collapsed_solution(lecture):
    path, cells = lecture
    number = path.stem[:2].lstrip("0") or "0"
    prompts = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "### ✎ Exercise" in c.source]
    assert len(prompts) >= 3, f"{path.name}: {len(prompts)} exercise(s), at least 3 expected"
    solutions = [i for i, c in enumerate(cells) if "solution" in c.metadata.get("tags", [])]
    assert len(solutions) == len(prompts), f"{path.name}: {len(prompts)} exercises but {len(solutions)} solutions"
    for k, (prompt, solution) in enumerate(zip(prompts, solutions), start=1):
        title = cells[prompt].source.splitlines()[0]
        assert f"Exercise {number}.{k} " in title, f"{path.name}: exercise {k} is titled {title!r}"
        student, check = cells[solution - 2], cells[solution - 1]
        assert prompt < solution - 2, f"{path.name}: {title}: prompt, student cell, check, solution in this order"
        assert student.cell_type == "code" and "..." in student.source, f"{title}: the student's cell has no ..."
        assert "exercises.check_" in check.source and slide_type(check) == "skip", f"{title}: check cell"
        assert "nbval-check-output" in check.metadata.get("tags", []), f"{title}: the check's output is not checked"
        sol = cells[solution]
        assert slide_type(sol) == "skip" and sol.metadata.get("jupyter", {}).get("source_hidden") is True, \
            f"{title}: the solution must be left out of the slides and collapsed"
        assert sol.source.startswith(f"# Solution of exercise {number}.{k}"), f"{title}: first line {sol.source[:40]!r}"
        checker = re.search(r"exercises\.(check_\w+)\(", check.source).group(1)
        assert f"exercises.{checker}.reference(" in sol.source, f"{title}: the solution must call {checker}.reference"


def test_stored_check_output_says_not_answered_yet(lecture):
    path, cells = lecture
    for cell in cells:
        if cell.cell_type == "code" and cell.source.startswith("exercises.check_"):
            text = "".join(out.get("text", "") for out in cell.outputs)
            assert "not answered yet" in text, f"{path.name}: {cell.source!r} stored {text!r}"


def test_quizzes_and_think_questions(lecture):
    path, cells = lecture
    assert any(c.cell_type == "code" and re.search(r"exercises\.quiz_\w+\(\)", c.source) for c in cells), \
        f"{path.name}: no quiz"
    thinks = [c for c in cells if c.cell_type == "markdown" and c.source.startswith("**Think!**")]
    assert thinks, f"{path.name}: no Think! question"
    for cell in thinks:
        assert "<details><summary>Answer</summary>" in cell.source and "</details>" in cell.source, \
            f"{path.name}: a Think! question without a collapsible answer"


def test_navigation_links_exist(lecture):
    path, cells = lecture
    assert "[All lectures](README.md)" in cells[0].source, f"{path.name}: the title has no link to the index"
    where = cells[-1]
    assert where.cell_type == "markdown" and where.source.startswith("## Where next"), f"{path.name}: no Where next"
    assert "nbgrader fetch_assignment a" in where.source, f"{path.name}: the matching assignment is not named"
    for cell in (cells[0], where):
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", cell.source):
            if not target.startswith("http"):
                assert (LECTURES / target).exists(), f"{path.name}: broken link {target}"


def test_index_links_every_lecture():
    index = (LECTURES / "README.md").read_text(encoding="utf-8")
    for notebook in NOTEBOOKS:
        assert f"]({notebook.name})" in index, f"lectures/README.md does not link {notebook.name}"
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", index):
        if not target.startswith("http"):
            assert (LECTURES / target).exists(), f"lectures/README.md: broken link {target}"
