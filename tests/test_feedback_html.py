"""feedback_html: formulas become MathML (no MathJax, no CDN), parts are named after their heading."""
import sys
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("nbgrader")
pytest.importorskip("latex2mathml")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assignments"))
from feedback_html import FeedbackExporter, latex_to_mathml, part_titles  # noqa: E402


def test_formulas_become_mathml():
    inline = latex_to_mathml(r"\sigma(x) = \frac{1}{1 + e^{-x}}")
    assert inline.startswith("<math") and 'display="inline"' in inline and "<mfrac>" in inline
    assert 'display="block"' in latex_to_mathml(r"\lVert g\rVert", display=True)


def test_a_formula_the_converter_cannot_read_stays_readable():
    shown = latex_to_mathml(r"\frac{1}{")
    assert shown == '<code class="latex">$\\frac{1}{$</code>'


def _cell(cell, **nbgrader):
    cell.metadata["nbgrader"] = {"schema_version": 3, "locked": True, "solution": False, **nbgrader}
    return cell


def graded_notebook():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(cells=[
        md("# Assignment\nIntro with $x^2$ and\n\n$$\\tanh(x) = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}$$"),
        md("## Part 1 — Sigmoid (2 points)\nText."),
        _cell(code("def sigmoid(x): ..."), grade=False, solution=True, locked=False, grade_id="sigmoid"),
        _cell(code("assert sigmoid(0) == 0.5", outputs=[nbformat.v4.new_output(
            "error", ename="AssertionError", evalue="x" * 400, traceback=["AssertionError: " + "x" * 400])]),
            grade=True, grade_id="test_sigmoid", points=2, score=0.0),
        md("## Part 2 — Written answer (1 point)"),
        _cell(md("My answer."), grade=True, solution=True, locked=False, grade_id="answer", points=1, score=1.0),
        _cell(code("# another graded cell under the same heading"), grade=True, grade_id="extra", points=1, score=1.0),
    ])


def test_parts_are_named_after_the_heading_above_them():
    titles = part_titles(graded_notebook())
    assert titles == {"test_sigmoid": "Part 1 — Sigmoid", "answer": "Part 2 — Written answer",
                      "extra": "Part 2 — Written answer"}  # the solution cell "sigmoid" is not graded
    nb = graded_notebook()
    nb.cells = nb.cells[2:4]
    assert part_titles(nb) == {"test_sigmoid": "test_sigmoid"}  # no heading: its grade id


def test_the_page_stands_alone_and_names_the_parts(tmp_path):
    from traitlets.config import Config

    import feedback_html

    c = Config()
    feedback_html.configure(c)
    exporter = FeedbackExporter(config=c)
    resources = {"nbgrader": {"notebook": "a1", "score": 1.0, "max_score": 3.0, "late_penalty": 0.0}}
    page, _ = exporter.from_notebook_node(graded_notebook(), resources)
    assert "<math" in page and "$$" not in page and "$x^2$" not in page
    assert "mathjax" not in page.lower() and "cdnjs" not in page.lower() and "<script src=" not in page
    assert "Part 1 — Sigmoid</a> (tests): 0.0 / 2.0" in page
    assert "Part 2 — Written answer</a> (written answer): 1.0 / 1.0" in page
    assert "Test cell" not in page
    assert "white-space: pre-wrap" in page  # long messages wrap instead of being cut off
    assert "x" * 400 in page
