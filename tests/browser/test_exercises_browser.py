"""A student works through lecture 07 in a real JupyterLab: types a wrong answer into an exercise
and runs its check (the message says what is wrong), types a right one (it passes), opens the
collapsed solution, answers a quiz wrongly and rightly, opens a Think! answer, and plays and
pauses the training playground."""
from __future__ import annotations

import pytest

import labpage

pytestmark = pytest.mark.browser

LECTURE = "lectures/07_gradient_descent_variants.ipynb"
STUB = "std_16 = ...\nk_needed = ..."

_CELLS_JS = """(start) => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const found = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    found.push({type: cell.type, source: cell.sharedModel.getSource(),
                hidden: !!(cell.getMetadata('jupyter') || {}).source_hidden,
                tags: cell.getMetadata('tags') || []});
  }
  return found;
}"""

_OUTPUT_JS = """(index) => {
  const cell = window.jupyterapp.shell.currentWidget.content.model.cells.get(index);
  return {count: cell.executionCount,
          text: cell.outputs.toJSON().map(o => [].concat(o.text || '').join('')).join('')};
}"""


def cell_node(page, index):
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def answer(page, index, text):
    """Replace the source of cell ``index`` by typing ``text``, then run it and the next cell (the check)."""
    node = cell_node(page, index)
    node.scroll_into_view_if_needed()
    editor = node.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+a")
    page.keyboard.type(text)
    before = page.evaluate(_OUTPUT_JS, index + 1)["count"]
    page.keyboard.press("Shift+Enter")  # run the answer, go to the check cell
    page.keyboard.press("Shift+Enter")  # run the check
    return labpage.poll(lambda: _new_output(page, index + 1, before), 60, message="the check cell to run again")


def _new_output(page, index, before):
    out = page.evaluate(_OUTPUT_JS, index)
    return out["text"] if out["count"] not in (None, before) and out["text"] else None


@pytest.mark.timeout(400)
def test_a_student_answers_an_exercise_a_quiz_a_think_question_and_plays(lab_server, page):
    labpage.open_notebook(page, lab_server, LECTURE)
    labpage.run_all_cells(page, timeout=180)
    assert not labpage.error_outputs(page), labpage.format_errors(labpage.error_outputs(page))
    cells = page.evaluate(_CELLS_JS, 0)
    exercise = next(i for i, c in enumerate(cells) if c["type"] == "code" and c["source"] == STUB)
    check, solution = exercise + 1, exercise + 2
    assert "check_gradient_noise" in cells[check]["source"]
    assert "not answered yet" in page.evaluate(_OUTPUT_JS, check)["text"]

    wrong = answer(page, exercise, "std_16 = 2 / 16\nk_needed = 400")
    assert wrong.startswith("✗ Exercise 7.3: not yet — std_16 is wrong: got 0.125, expected 0.5"), wrong
    assert "s/√k" in wrong  # the hint
    right = answer(page, exercise, "std_16 = 2 / 4\nk_needed = 400")
    assert right.startswith("✓ Exercise 7.3: correct."), right

    # the solution is there, collapsed until the student opens it
    assert cells[solution]["hidden"] and "solution" in cells[solution]["tags"]
    node = cell_node(page, solution)
    node.scroll_into_view_if_needed()
    placeholder = node.locator(".jp-InputPlaceholder")
    assert placeholder.count() == 1 and "Solution of exercise 7.3" in placeholder.inner_text()
    assert node.locator(".cm-content").count() == 0 or not node.locator(".cm-content").is_visible()
    placeholder.locator(".jp-InputPlaceholder-content, .jp-Placeholder-content").first.click()
    labpage.poll(lambda: node.locator(".cm-content").count() and node.locator(".cm-content").is_visible(), 10,
                 message="the solution to open")
    assert "k_needed = int(round((2 / 0.1) ** 2))" in node.locator(".cm-content").inner_text()

    # the quiz: a wrong choice is explained, the right one confirmed
    quiz = page.locator(".jp-OutputArea-output").filter(has_text="double the batch size").first
    quiz.scroll_into_view_if_needed()
    feedback = quiz.locator(".widget-htmlmath").last
    quiz.locator(".widget-radio-box label").filter(has_text="Twice as many updates").click()
    quiz.get_by_role("button", name="Check").click()
    labpage.poll(lambda: "Not quite" in feedback.inner_text(), 20, message="the quiz's feedback")
    assert "fewer batches per epoch" in feedback.inner_text()
    quiz.locator(".widget-radio-box label").filter(has_text="Half as many updates").click()
    quiz.get_by_role("button", name="Check").click()
    labpage.poll(lambda: "✓ Right." in feedback.inner_text(), 20, message="the quiz's confirmation")

    # a Think! answer opens on click
    think = page.locator(".jp-RenderedMarkdown").filter(has_text="two hidden tanh units").first
    details = think.locator("details")
    details.scroll_into_view_if_needed()
    assert details.evaluate("d => d.open") is False
    details.locator("summary").click()
    assert details.evaluate("d => d.open") is True
    assert "three lines can enclose" in details.inner_text()

    # the playground: Play trains frame after frame, pressing it again pauses
    box = page.locator(".jp-OutputArea-output").filter(has=page.locator(".widget-play")).first
    box.scroll_into_view_if_needed()
    canvas = box.locator(".jupyter-matplotlib-canvas-div").first
    before = labpage.settled_image(canvas)
    play = box.locator(".widget-play button").first
    play.click()
    first = labpage.wait_for_change(canvas, before, timeout=30)
    assert first is not None, "the playground did not train after Play"
    assert labpage.wait_for_change(canvas, first, timeout=30) is not None, "only one frame was drawn"
    play.click()  # pause
    paused = labpage.settled_image(canvas, timeout=30)
    page.wait_for_timeout(1500)
    assert not labpage.images_differ(paused, labpage.element_image(canvas)), "the playground kept training after pause"
    assert labpage.blank_reason(paused) is None
    lab_server.shutdown_kernels(LECTURE)
