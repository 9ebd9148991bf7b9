"""The lecture decks in Chromium: the static deck offline, and the live slides in JupyterLab.

* ``test_offline_deck_shows_figures_and_typeset_maths``: lecture 03's deck is built with
  ``tools/slides.py`` (browser files from ``npm ci`` in ``slides/``, run here when needed), opened
  from disk with every non-``file:`` request blocked, and moved through with the keyboard to a
  slide with a figure and to one with a formula: the figure is loaded and not blank, every
  formula is MathJax output (once, not twice), no raw ``$`` is left, no request left the disk and
  none failed.
* ``test_live_slides_keep_widgets_working``: in JupyterLab, lecture 03 run and shown as slides
  with jupyterlab-slideshow (``deck:start``): the Skip cell (imports) never shows, and on the slide
  of the learning-rate widget, moving the slider changes its (non-blank) figure.

Screenshots: ``tests/browser/screenshots/slides-offline-*.png`` and ``slides-live.png``.
"""
from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

import pytest

import labpage
from conftest import require_browser

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import slides  # noqa: E402  (tools/slides.py)

LECTURE = "03_backpropagation"
REVEAL = f"'{slides.STATIC}/reveal.js/dist/reveal.js'"   # reveal.js is an AMD module (require.js)


def load_tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def offline_deck(tmp_path_factory) -> Path:
    """Lecture 03's deck, built into a temporary folder with its ``_static/``."""
    require_browser()
    try:
        load_tasks().ensure_web_assets()
    except SystemExit as exc:  # npm missing
        if os.environ.get("MLP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MLP_REQUIRE_BROWSER=1 but the deck cannot be built: {exc}", pytrace=False)
        pytest.skip(f"deck test skipped: {exc}")
    out = tmp_path_factory.mktemp("slides")
    decks, errors = slides.build_all([ROOT / "lectures" / f"{LECTURE}.ipynb"], out, jobs=1)
    assert not errors, "\n".join(errors)
    return decks[0]


# --------------------------------------------------------------------------- offline deck

_SLIDE_WITH = """(selector) => {
  // Index (in reading order) of the first innermost slide holding ``selector``.
  const slides = Array.from(document.querySelectorAll('.reveal .slides section'))
    .filter(s => !s.querySelector('section'));
  return slides.findIndex(s => s.querySelector(selector));
}"""

_PRESENT_INDEX = """() => {
  const slides = Array.from(document.querySelectorAll('.reveal .slides section'))
    .filter(s => !s.querySelector('section'));
  return slides.findIndex(s => s.classList.contains('present'));
}"""

_MATHS = """() => {
  const slide = document.querySelector('.reveal .slides section.present:not(.stack)');
  const visible = slide.cloneNode(true);
  visible.querySelectorAll('script, .MathJax_CHTML, .MJX_Assistive_MathML, .mjx-chtml').forEach(e => e.remove());
  return {typeset: slide.querySelectorAll('.MathJax_CHTML').length,
          sources: slide.querySelectorAll('script[type^="math/tex"]').length,
          processing: slide.querySelectorAll('.MathJax_Processing, .MathJax_Preview:not(:empty)').length,
          text: visible.textContent};
}"""


def go_to_slide(page, target: int, max_presses: int = 150) -> None:
    """Press the space bar (reveal.js: next fragment or slide) until slide ``target`` shows."""
    for _ in range(max_presses):
        if page.evaluate(_PRESENT_INDEX) == target:
            time.sleep(1.0)  # the slide transition
            return
        page.keyboard.press("Space")
        time.sleep(0.1)
    raise AssertionError(f"slide {target} not reached after {max_presses} presses "
                         f"(at slide {page.evaluate(_PRESENT_INDEX)})")


@pytest.mark.timeout(300)
def test_offline_deck_shows_figures_and_typeset_maths(browser, offline_deck, screenshot_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, offline=True)
    context.set_default_timeout(30_000)
    outside, failed, errors = [], [], []

    def only_files(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", only_files)
    page = context.new_page()
    page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
    try:
        page.goto(offline_deck.as_uri())
        page.locator(".reveal.ready").wait_for(state="attached")
        assert page.evaluate("() => typeof MathJax !== 'undefined' && !!MathJax.Hub"), "MathJax did not load"

        figure_slide = page.evaluate(_SLIDE_WITH, ".jp-RenderedImage img")
        maths_slide = page.evaluate(_SLIDE_WITH, "script[type^='math/tex'], .MathJax_CHTML, .MathJax_Preview")
        if maths_slide < 0:  # not typeset yet: find the $ in the text
            maths_slide = page.evaluate("""() => Array.from(document.querySelectorAll('.reveal .slides section'))
              .filter(s => !s.querySelector('section')).findIndex(s => /\\$[^$]+\\$/.test(s.textContent))""")
        assert figure_slide >= 0, f"{offline_deck.name} has no slide with a figure"
        assert maths_slide >= 0, f"{offline_deck.name} has no slide with a formula"

        for target, kind in sorted([(maths_slide, "formula"), (figure_slide, "figure")]):
            go_to_slide(page, target)
            if kind == "figure":
                img = page.locator(".reveal .slides section.present:not(.stack) .jp-RenderedImage img").first
                img.scroll_into_view_if_needed()
                assert img.evaluate("i => i.complete && i.naturalWidth > 0"), "the figure did not load"
                reason = labpage.blank_reason(labpage.element_image(img))
                assert reason is None, f"the figure on slide {target} is blank: {reason}"
            else:
                maths = labpage.poll(lambda: (lambda m: m if m["typeset"] and not m["processing"] else None)(
                    page.evaluate(_MATHS)), 30, message="MathJax to typeset the slide")
                assert maths["typeset"] == maths["sources"], (
                    f"{maths['sources']} formula(s) but {maths['typeset']} typeset: shown twice or not at all")
                assert "$" not in maths["text"], f"raw TeX left on slide {target}: {maths['text'][:300]!r}"
            page.screenshot(path=str(screenshot_dir / f"slides-offline-{kind}.png"))
    finally:
        context.close()
    assert not outside, f"the deck tried to reach the network: {outside}"
    assert not failed, f"files the deck could not load: {failed}"
    assert not errors, f"browser console errors: {errors}"


# --------------------------------------------------------------------------- live slides

_SLIDER_ON_SCREEN = """(selector) => Array.from(document.querySelectorAll(selector)).some(e => {
  const r = e.getBoundingClientRect();
  return r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && getComputedStyle(e).visibility !== 'hidden';
})"""

# The lecture's first code cell (slide type Skip: imports and %matplotlib widget) on screen?
_SKIPPED_CELL_ON_SCREEN = """() => Array.from(document.querySelectorAll('.jp-Notebook .jp-CodeCell')).some(c => {
  if (!c.textContent.includes('%matplotlib widget')) return false;
  const r = c.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight
    && getComputedStyle(c).visibility !== 'hidden' && getComputedStyle(c).display !== 'none';
})"""


@pytest.mark.timeout(300)
def test_live_slides_keep_widgets_working(lab_server, page, screenshot_dir):
    relpath = f"lectures/{LECTURE}.ipynb"
    labpage.open_notebook(page, lab_server, relpath)
    labpage.run_all_cells(page)
    assert not labpage.error_outputs(page)
    page.evaluate("""async () => {
      const notebook = window.jupyterapp.shell.currentWidget.content;
      const first = notebook.widgets.findIndex(cell => cell.model.type === 'code');
      await notebook.scrollToCell(notebook.widgets[first]);
      notebook.activeCellIndex = 0;
    }""")
    labpage.poll(lambda: page.evaluate(_SKIPPED_CELL_ON_SCREEN), 10,
                 message="the Skip cell on screen in the notebook view (else the check below proves nothing)")
    assert page.evaluate("() => window.jupyterapp.commands.hasCommand('deck:start')"), (
        "jupyterlab-slideshow is not installed in the lab (deck:start missing)")
    try:
        page.evaluate("() => window.jupyterapp.commands.execute('deck:start')")
        page.locator('body[data-jp-deck-mode="presenting"]').wait_for(state="attached")
        for _ in range(60):  # forward, slide by slide, to the learning-rate widget
            assert not page.evaluate(_SKIPPED_CELL_ON_SCREEN), "a cell of slide type Skip is shown"
            if page.evaluate(_SLIDER_ON_SCREEN, labpage.SLIDER):
                break
            page.evaluate("() => window.jupyterapp.commands.execute('deck:forward')")
            time.sleep(0.5)
        else:
            raise AssertionError("no slide of the deck shows a slider")
        time.sleep(1.0)
        demo = next(d for d in labpage.find_demos(page) if d.controls and d.figure.is_visible())
        before = labpage.settled_image(demo.figure)
        change = labpage.change_control(demo.controls[0])
        assert change, f"could not move {demo.labels[0]}"
        after = labpage.wait_for_change(demo.figure, before)
        page.screenshot(path=str(screenshot_dir / "slides-live.png"))
        assert after is not None, f"{change} in the slides did not change the figure"
        assert labpage.blank_reason(after) is None, f"after {change} the figure is blank"
    finally:
        # Leave presentation mode: the extension saves it as a setting that would otherwise
        # carry over into the other browser tests of this server.
        page.evaluate("() => window.jupyterapp.commands.execute('deck:stop')")
        page.locator('body[data-jp-deck-mode="presenting"]').wait_for(state="detached")
        lab_server.shutdown_kernels(relpath)
