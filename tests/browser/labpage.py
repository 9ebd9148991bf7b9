"""Driving a JupyterLab page with playwright: open a notebook, run it, read its outputs,
find widget controls and the figures they drive, compare rendered images.

Everything waits with a bound; a timeout raises AssertionError/TimeoutError with details.
"""
from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass

import numpy as np

STATUS_BAR = ".jp-StatusBar-Widget"
CODE_PROMPT = ".jp-Notebook .jp-CodeCell .jp-InputPrompt"
NUMBERED_PROMPT = re.compile(r"^\[\d+\]:$")

# A widget control the tests can change, and the figure elements a control can drive.
SLIDER = ".widget-slider .noUi-handle"
DROPDOWN = ".widget-dropdown select"
# ipympl draws into <canvas> elements inside .jupyter-matplotlib-canvas-div; a figure shown
# through an Output widget (inline backend) is an <img> inside .widget-output.
FIGURE = ".jupyter-matplotlib-canvas-div, .widget-output"


# --------------------------------------------------------------------------- waiting

def poll(predicate, timeout: float, interval: float = 0.25, message: str = "condition"):
    """Call ``predicate()`` until it returns something truthy; return that, or raise."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {message}")
        time.sleep(interval)


def kernel_status(page) -> str:
    """The kernel part of the status bar, e.g. 'Python 3 (ipykernel) | Idle'."""
    for text in page.locator(STATUS_BAR).all_inner_texts():
        for line in text.splitlines():
            if "|" in line:
                return line.strip()
    return ""


# --------------------------------------------------------------------------- notebook

def open_notebook(page, server, relpath: str, timeout: float = 90) -> None:
    """Open ``relpath`` in a fresh workspace and wait for its kernel to be idle."""
    page.goto(server.lab_url(relpath), wait_until="domcontentloaded", timeout=timeout * 1000)
    page.locator(".jp-NotebookPanel").first.wait_for(state="visible", timeout=timeout * 1000)

    def ready():
        # A notebook without kernelspec metadata asks which kernel to use: accept the default.
        dialog = page.locator(".jp-Dialog")
        if dialog.count() and "Select Kernel" in dialog.first.inner_text():
            dialog.locator(".jp-mod-accept").first.click()
            return False
        return kernel_status(page).endswith("| Idle")

    poll(ready, timeout, message=f"the kernel of {relpath} to be idle "
                                 f"(status bar: {kernel_status(page)!r})")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget")


def code_prompts(page) -> list[str]:
    # textContent, not innerText: cells scrolled out of view (content-visibility) have no innerText
    return [p.strip() for p in page.locator(CODE_PROMPT).all_text_contents()]


def clear_all_outputs(page) -> None:
    """Clear every output (Edit > Clear Outputs of All Cells): resets the prompts to [ ]."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    poll(lambda: all(not NUMBERED_PROMPT.match(p) for p in code_prompts(page)), 10,
         message="outputs to be cleared")


def click_menu(page, menu: str, item: str) -> None:
    """Click a main-menu item, e.g. ``click_menu(page, "Run", "Run All Cells")``."""
    page.locator(".lm-MenuBar-itemLabel").filter(has_text=re.compile(f"^{re.escape(menu)}$")).click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=re.compile(f"^{re.escape(item)}$")).click()


def run_all_cells(page, timeout: float = 120) -> float:
    """Run > Run All Cells, then wait until no cell is running and the kernel is idle.

    Returns the seconds it took. Does not require every cell to have run: after an error
    the kernel skips the rest; callers check :func:`unexecuted_cells` and :func:`error_outputs`.
    """
    clear_all_outputs(page)
    start = time.monotonic()
    click_menu(page, "Run", "Run All Cells")
    poll(lambda: any(p != "[ ]:" for p in code_prompts(page)), 30,
         message="the first cell to start running")

    stable = {"count": 0}

    def finished():
        prompts = code_prompts(page)
        done = "[*]:" not in prompts and kernel_status(page).endswith("| Idle")
        stable["count"] = stable["count"] + 1 if done else 0
        return stable["count"] >= 3  # idle on three polls in a row, 0.75 s

    try:
        poll(finished, timeout, message="all cells to finish")
    except AssertionError as exc:
        running = [i for i, p in enumerate(code_prompts(page)) if p == "[*]:"]
        raise AssertionError(f"{exc}; status bar {kernel_status(page)!r}; "
                             f"code cells still running or queued: {running}") from None
    return time.monotonic() - start


_UNEXECUTED_JS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const found = [];
  let k = -1;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    k++;
    if (cell.executionCount === null || cell.executionCount === undefined) found.push(k);
  }
  return found;
}"""


def unexecuted_cells(page) -> list[int]:
    """Indices (among code cells) of cells without an execution count, read from the notebook
    model (a cell whose input is collapsed shows no prompt to read)."""
    return page.evaluate(_UNEXECUTED_JS)


_ERRORS_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const cells = panel.content.model.cells;
  const found = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    const tags = cell.getMetadata('tags') || [];
    if (tags.includes('raises-exception')) continue;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'error') {
        found.push({cell: i, ename: out.ename, evalue: out.evalue,
                    source: cell.sharedModel.getSource().slice(0, 300),
                    traceback: (out.traceback || []).join('\\n')});
      }
    }
  }
  return found;
}"""


def error_outputs(page) -> list[dict]:
    """Error outputs in the notebook model (cells tagged raises-exception excepted, as nbval)."""
    return page.evaluate(_ERRORS_JS)


_STDERR_JS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  const found = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    for (const out of cell.outputs.toJSON()) {
      if (out.output_type === 'stream' && out.name === 'stderr') {
        found.push({cell: i, text: [].concat(out.text).join('').slice(0, 500)});
      }
    }
  }
  return found;
}"""


def stderr_outputs(page) -> list[dict]:
    """stderr stream outputs (warnings and the like: allowed, but worth a look)."""
    return page.evaluate(_STDERR_JS)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def format_errors(errors: list[dict]) -> str:
    parts = []
    for err in errors:
        tb = _ANSI.sub("", err["traceback"])[-1500:]
        parts.append(f"cell {err['cell']}: {err['ename']}: {err['evalue']}\n"
                     f"--- source ---\n{err['source']}\n--- traceback (end) ---\n{tb}")
    return "\n\n".join(parts)


_WIDGET_OUTPUTS_JS = """() => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  let n = 0;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    for (const out of cell.outputs.toJSON()) {
      if (out.data && out.data['application/vnd.jupyter.widget-view+json']) n++;
    }
  }
  return n;
}"""


def widget_problems(page, timeout: float = 30) -> list[str]:
    """Wait until every widget output is rendered; return texts of widgets that failed."""
    expected = page.evaluate(_WIDGET_OUTPUTS_JS)
    outputs = page.locator(".jp-Notebook .jp-OutputArea-output")

    def rendered():
        texts = outputs.all_text_contents()
        loading = sum("Loading widget..." in t for t in texts)
        views = page.locator(".jp-Notebook .jp-OutputArea-output > .jupyter-widgets").count()
        return loading == 0 and views >= expected

    try:
        poll(rendered, timeout, message=f"{expected} widget output(s) to render")
    except AssertionError as exc:
        return [str(exc)]
    return [t.strip()[:300] for t in outputs.all_text_contents()
            if "Error displaying widget" in t or "Error rendering" in t]


# --------------------------------------------------------------------------- images

def decode_png(data: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def blank_reason(img: np.ndarray, min_fraction: float = 0.002, min_colours: int = 8) -> str | None:
    """Why ``img`` looks blank (uniform / almost one colour), or None when it has content."""
    if img.size == 0:
        return "image is empty (0 pixels)"
    flat = img.reshape(-1, img.shape[-1])
    colours = len(np.unique(flat, axis=0))
    differs = np.any(img != img[0, 0], axis=-1).mean()
    if colours < min_colours or differs < min_fraction:
        return (f"{colours} distinct colour(s), {differs:.2%} of pixels differ from the corner "
                f"pixel {tuple(int(v) for v in img[0, 0])}")
    return None


def images_differ(a: np.ndarray, b: np.ndarray, min_pixels: int = 20) -> bool:
    if a.shape != b.shape:
        return True
    return int(np.any(a != b, axis=-1).sum()) >= min_pixels


def element_image(locator) -> np.ndarray:
    return decode_png(locator.screenshot(animations="disabled", timeout=15_000))


def settled_image(locator, timeout: float = 20) -> np.ndarray:
    """The element's image once it is non-blank and the same in two shots 0.3 s apart."""
    state: dict = {}

    def settled():
        img = element_image(locator)
        previous, state["img"] = state.get("img"), img
        state["blank"] = blank_reason(img)
        return state["blank"] is None and previous is not None and not images_differ(previous, img, 1)

    try:
        poll(settled, timeout, interval=0.3, message="a non-blank, steady figure")
    except AssertionError as exc:
        why = state.get("blank") or "it kept changing"
        raise AssertionError(f"{exc}: {why}") from None
    return state["img"]


# --------------------------------------------------------------------------- widgets

@dataclass
class Demo:
    """A figure in the notebook and the controls that sit with it (same widget box)."""

    index: int
    figure: object  # locator
    controls: list  # locators of slider handles / dropdown selects
    labels: list[str]
    cell: int  # code-cell index of the output holding it


_PAIR_JS = """([sliderSel, dropdownSel, figureSel]) => {
  // Tag each figure and, for each, the controls in the nearest enclosing widget box that
  // holds both; fall back to the cell's output area (controls and figure displayed apart).
  document.querySelectorAll('[data-bt-fig],[data-bt-ctl]').forEach(e => {
    e.removeAttribute('data-bt-fig'); e.removeAttribute('data-bt-ctl'); });
  const notebook = window.jupyterapp.shell.currentWidget.node;
  const codeCells = Array.from(notebook.querySelectorAll('.jp-CodeCell'));
  const figures = Array.from(notebook.querySelectorAll(figureSel))
    .filter(f => !f.parentElement.closest(figureSel))           // outermost only
    .filter(f => f.matches('.jupyter-matplotlib-canvas-div') || f.querySelector('img, canvas'))
    .filter(f => !f.querySelector('.jupyter-matplotlib-canvas-div'));  // ipympl inside Output: use the canvas
  const controlSel = sliderSel + ', ' + dropdownSel;
  const used = new Set();
  const result = [];
  figures.forEach((fig, i) => {
    fig.setAttribute('data-bt-fig', String(i));
    let controls = [];
    let box = fig.parentElement.closest('.widget-box');
    while (box && controls.length === 0) {
      controls = Array.from(box.querySelectorAll(controlSel));
      box = box.parentElement && box.parentElement.closest('.widget-box');
    }
    if (controls.length === 0) {
      const area = fig.closest('.jp-OutputArea');
      if (area) controls = Array.from(area.querySelectorAll(controlSel));
    }
    const labels = [];
    const ids = [];
    controls.forEach(c => {
      const key = c.getAttribute('data-bt-ctl') || ('c' + (used.size));
      if (!c.getAttribute('data-bt-ctl')) { c.setAttribute('data-bt-ctl', key); used.add(key); }
      ids.push(key);
      const holder = c.closest('.widget-slider, .widget-dropdown');
      const label = holder && holder.querySelector('.widget-label');
      labels.push(((label && label.textContent) || '').trim() +
                  (c.matches('select') ? ' (dropdown)' : ' (slider)'));
    });
    const cell = codeCells.findIndex(c => c.contains(fig));
    result.push({index: i, controls: ids, labels: labels, cell: cell});
  });
  return result;
}"""


def find_demos(page) -> list[Demo]:
    """Every figure in the current notebook with the slider/dropdown controls next to it."""
    found = page.evaluate(_PAIR_JS, [SLIDER, DROPDOWN, FIGURE])
    demos = []
    for item in found:
        demos.append(Demo(
            index=item["index"],
            figure=page.locator(f'[data-bt-fig="{item["index"]}"]'),
            controls=[page.locator(f'[data-bt-ctl="{key}"]') for key in item["controls"]],
            labels=item["labels"],
            cell=item["cell"],
        ))
    return demos


def static_images(page) -> list:
    """Images shown directly in output areas (e.g. a returned Figure rendered as PNG)."""
    return page.locator(".jp-Notebook .jp-OutputArea-output.jp-RenderedImage > img").all()


def change_control(control, presses: int = 3) -> str:
    """Change a slider (arrow keys on its handle) or dropdown (next option); describe it."""
    control.scroll_into_view_if_needed()
    tag = control.evaluate("e => e.tagName.toLowerCase()")
    if tag == "select":
        options = control.locator("option").all()
        values = [o.get_attribute("value") for o in options]
        current = control.input_value()
        if len(values) < 2:
            return ""
        new = values[(values.index(current) + 1) % len(values)] if current in values else values[0]
        control.select_option(new)
        return f"dropdown {current!r} -> {new!r}"
    # noUiSlider rounds aria-valuenow to one decimal; aria-valuetext has the full value.
    def value():
        return control.get_attribute("aria-valuetext") or control.get_attribute("aria-valuenow")

    before = value()
    try:
        at_max = float(control.get_attribute("aria-valuenow")) >= float(control.get_attribute("aria-valuemax"))
    except (TypeError, ValueError):
        at_max = False
    control.focus()
    for _ in range(presses):
        control.press("ArrowLeft" if at_max else "ArrowRight")
    after = value()
    if before == after and not at_max:  # e.g. at the maximum after all: go the other way
        for _ in range(presses):
            control.press("ArrowLeft")
        after = value()
    return f"slider {before} -> {after}" if before != after else ""


def wait_for_change(locator, before: np.ndarray, timeout: float = 20,
                    settle: float = 5) -> np.ndarray | None:
    """The element's new image once it differs from ``before`` (None if it never does).

    After the first difference, waits up to ``settle`` seconds for a non-blank image, so a
    redraw in progress is not judged; a figure that stays blank is returned as it is.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        img = element_image(locator)
        if images_differ(before, img):
            settle_until = time.monotonic() + settle
            time.sleep(0.3)
            img = element_image(locator)
            while blank_reason(img) and time.monotonic() < settle_until:
                time.sleep(0.3)
                img = element_image(locator)
            return img
        time.sleep(0.25)
    return None


# --------------------------------------------------------------------------- screenshots

def notebook_screenshot(page, path, max_height: int = 14_000) -> None:
    """Screenshot of the whole rendered notebook: the window is made as tall as the notebook."""
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
    measure = """() => {
      const outer = window.jupyterapp.shell.currentWidget.node.querySelector('.jp-WindowedPanel-outer');
      if (!outer) return [document.body.scrollHeight, 0];
      outer.scrollTop = 0;
      // not scrollHeight: "scroll past end" pads the notebook by a window height
      const cells = outer.querySelectorAll('.jp-Cell');
      const last = cells[cells.length - 1];
      const content = last ? last.getBoundingClientRect().bottom - outer.getBoundingClientRect().top + 40
                           : outer.scrollHeight;
      return [Math.ceil(content), window.innerHeight - outer.clientHeight];
    }"""
    size = page.viewport_size
    try:
        for _ in range(3):  # cells below the fold get their real height once laid out
            content, chrome = page.evaluate(measure)
            height = int(min(max(content + chrome, size["height"]), max_height))
            if height == page.viewport_size["height"]:
                break
            page.set_viewport_size({"width": size["width"], "height": height})
            page.wait_for_timeout(600)
        page.evaluate(measure)  # scrolled to the top
        page.wait_for_timeout(300)
        page.screenshot(path=str(path), animations="disabled", timeout=30_000)
    finally:
        page.set_viewport_size(size)
