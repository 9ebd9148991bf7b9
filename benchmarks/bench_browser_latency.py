"""Latency of every slider-driven lecture figure in a real browser, against the floor of the stack.

For each lecture notebook (in a private JupyterLab in Debian's Chromium, as the browser tests
use): run all cells, then for every figure that has sliders next to it and for each of those
sliders, press an arrow key on the slider several times and time each press from the key event
to the moment the figure's canvas is repainted with the new image (ipympl draws the PNG it
receives onto the canvas with ``drawImage``; the page records that call). The median over the
presses is compared with the same measurement for a bare ipympl figure of the same size
(9 × 3.6 in) whose slider only moves one line: the floor of this stack (slider → kernel →
``draw_idle`` → render → PNG → browser). The goal is every widget within 1.3 × that floor.

The floor figure is a cell appended to each lecture (in the server's copy, never in lectures/),
and its slider is pressed right after each press on a lecture slider, on the same page and kernel:
pairs of measurements a second apart, under the same load (the machine is shared; a burst of
load hits both). The ratio of a slider is its median over the median of the floor presses
paired with it; the table also gives it against the floor of the whole run.

    python benchmarks/bench_browser_latency.py                 # all lectures, 7 presses per slider
    python benchmarks/bench_browser_latency.py -k 04 --presses 5
    python benchmarks/bench_browser_latency.py --json latency.json

Needs Chromium (``/usr/bin/chromium`` or ``$MLP_CHROMIUM``) and the venv (``python3 tasks.py test``
once). Takes 3–6 minutes. Report the machine load (``uptime``) with the numbers: on a busy machine
every figure, the floor included, is slower. Exit status 0 if every widget meets the goal.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

GOAL = 1.3
FIGSIZE = (9, 3.6)

FLOOR_CODE = f"""\
import ipywidgets as w
import numpy as np
from ipympl.backend_nbagg import new_figure_manager_given_figure
from matplotlib.figure import Figure

fig = Figure(figsize={FIGSIZE})
canvas = new_figure_manager_given_figure(1, fig).canvas
canvas.header_visible = canvas.toolbar_visible = canvas.footer_visible = False
ax = fig.add_subplot()
x = np.linspace(0, 10, 500)
(line,) = ax.plot(x, np.sin(x))

def move(change):
    line.set_ydata(np.sin(x + change.new))
    canvas.draw_idle()

slider = w.FloatSlider(value=0, min=0, max=5, step=0.1, description="phase")
slider.observe(move, names="value")
w.VBox([slider, canvas])
"""

# Installed in every page: the time of a key press (capture phase) and of the first repaint of
# the watched canvas after it.
HOOKS_JS = """
(() => {
  window.__lat = {target: null, armed: false, t0: null, t1: null, draws: 0};
  const draw = CanvasRenderingContext2D.prototype.drawImage;
  CanvasRenderingContext2D.prototype.drawImage = function (...args) {
    const result = draw.apply(this, args);
    const lat = window.__lat;
    if (lat.target && this.canvas === lat.target && lat.t0 !== null) {
      lat.draws += 1;
      if (lat.t1 === null) lat.t1 = performance.now();
    }
    return result;
  };
  document.addEventListener('keydown', () => {
    if (window.__lat.armed) { window.__lat.t0 = performance.now(); window.__lat.armed = false; }
  }, true);
  window.__latArm = (selector) => {
    const figure = document.querySelector(selector);
    window.__lat = Object.assign(window.__lat, {target: figure && figure.querySelector('canvas'),
                                                armed: true, t0: null, t1: null, draws: 0});
    return window.__lat.target !== null;
  };
})();
"""

CELL_SOURCE_JS = """(index) => {
  const cells = window.jupyterapp.shell.currentWidget.content.model.cells;
  let k = -1;
  for (let i = 0; i < cells.length; i++) {
    if (cells.get(i).type === 'code' && ++k === index) return cells.get(i).sharedModel.getSource();
  }
  return '';
}"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=7, help="key presses per slider (default 7)")
    parser.add_argument("--settle", type=float, default=0.4, help="seconds to wait after each repaint")
    parser.add_argument("-k", dest="only", default=None, help="only lectures whose file name contains this")
    parser.add_argument("--json", dest="json_path", default=None, help="also write the results to this file")
    return parser.parse_args(argv)


def add_floor_cell(path: Path) -> None:
    """Append the floor figure to the notebook at ``path`` (the server's copy of a lecture). Its
    text source goes: with it, jupytext would read the cells from the .md and drop this one."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(FLOOR_CODE))
    nbformat.write(nb, path)
    path.with_suffix(".md").unlink(missing_ok=True)


def slider_value(control):
    return control.get_attribute("aria-valuetext") or control.get_attribute("aria-valuenow")


def at_end(control, key):
    try:
        now = float(control.get_attribute("aria-valuenow"))
        bound = control.get_attribute("aria-valuemax" if key == "ArrowRight" else "aria-valuemin")
        return now >= float(bound) if key == "ArrowRight" else now <= float(bound)
    except (TypeError, ValueError):
        return False


def press_once(page, demo, control, key):
    """Press ``key`` on the slider; return the milliseconds to the repaint and the key to press next."""
    if at_end(control, key):
        key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
    before = slider_value(control)
    if not page.evaluate("(sel) => window.__latArm(sel)", f'[data-bt-fig="{demo.index}"]'):
        raise RuntimeError("figure has no canvas (not an ipympl figure)")
    control.press(key)
    if slider_value(control) == before:
        raise RuntimeError(f"the slider did not move ({key} at {before})")
    page.wait_for_function("() => window.__lat.t1 !== null", timeout=30_000)
    return page.evaluate("() => window.__lat.t1 - window.__lat.t0"), key


def measure_pairs(page, demo, control, floor, presses, settle):
    """Alternate presses on the widget's slider and on the floor's: the two lists of milliseconds,
    each press of the floor taken right after one of the widget, under the same load."""
    import labpage

    for figure in (demo.figure, floor.figure):
        figure.scroll_into_view_if_needed()
        labpage.settled_image(figure)
    times, floors, key, floor_key = [], [], "ArrowRight", "ArrowRight"
    for _ in range(presses):
        demo.figure.scroll_into_view_if_needed()
        ms, key = press_once(page, demo, control, key)
        times.append(ms)
        time.sleep(settle)
        floor.figure.scroll_into_view_if_needed()
        ms, floor_key = press_once(page, floor, floor.controls[0], floor_key)
        floors.append(ms)
        time.sleep(settle)
    return times, floors


def measure_notebook(page, server, relpath, presses, settle):
    """``[(label, [ms, ...], [floor ms, ...]), ...]`` for every slider of every figure of the notebook,
    each followed by as many presses on the floor figure (the notebook's last cell)."""
    import labpage

    labpage.open_notebook(page, server, relpath)
    labpage.run_all_cells(page, timeout=180)
    errors = labpage.error_outputs(page)
    if errors:
        raise RuntimeError(f"{relpath} has errors:\n{labpage.format_errors(errors)}")
    labpage.widget_problems(page)
    demos = labpage.find_demos(page)
    floor, lectures = demos[-1], demos[:-1]  # the appended cell holds the floor figure
    rows = []
    for demo in lectures:
        source = page.evaluate(CELL_SOURCE_JS, demo.cell).strip().splitlines()
        what = (source[-1] if source else f"cell {demo.cell}")[:48]
        for control, label in zip(demo.controls, demo.labels):
            if not label.endswith("(slider)"):
                continue
            name = f"{what}  [{label.replace(' (slider)', '')}]"
            try:
                times, floors = measure_pairs(page, demo, control, floor, presses, settle)
                rows.append((name, times, floors))
                print(f"  {name}: {summary(times)}; floor {summary(floors)}", flush=True)
            except Exception as exc:  # report and go on
                rows.append((name, f"ERROR {type(exc).__name__}: {str(exc).splitlines()[0][:120]}", []))
                print(f"  {name}: {rows[-1][1]}", flush=True)
    server.shutdown_kernels(relpath)
    return rows


def summary(times):
    if isinstance(times, str):
        return times
    return f"median {statistics.median(times):6.1f} ms (min {min(times):.0f}, max {max(times):.0f})"


def main(argv=None):
    args = parse_args(argv)
    import conftest  # tests/browser/conftest.py: the private JupyterLab and the Chromium settings

    reason = conftest.browser_unavailable_reason()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    results = {"lectures": {}, "load_before": load}
    with tempfile.TemporaryDirectory(prefix="mlp-latency-") as tmp, \
            conftest.running_lab_server(Path(tmp)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=conftest.CHROMIUM, args=conftest.CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.set_default_timeout(30_000)
        context.add_init_script(HOOKS_JS)
        page = context.new_page()
        for notebook in sorted((server.root / "lectures").glob("*.ipynb")):
            if args.only and args.only not in notebook.name:
                continue
            add_floor_cell(notebook)
            print(f"{notebook.stem}:", flush=True)
            results["lectures"][notebook.stem] = measure_notebook(page, server, f"lectures/{notebook.name}",
                                                                  args.presses, args.settle)
        browser.close()
    results["load_after"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    return report(results, args.json_path)


def report(results, json_path=None):
    rows = [(lecture, *row) for lecture, lecture_rows in results["lectures"].items() for row in lecture_rows]
    all_floor = [t for *_, floors in rows for t in floors]
    overall = statistics.median(all_floor) if all_floor else float("nan")
    print(f"\nfloor (bare ipympl figure, one line), median of all {len(all_floor)} presses: {overall:.1f} ms; "
          f"goal: every widget <= {GOAL} x the floor measured with it; load average before "
          f"{results['load_before']}, after {results['load_after']}\n")
    header = (f"{'lecture':<46} {'widget [slider]':<62} {'median ms':>9} {'floor ms':>8} {'x floor':>7} "
              f"{'x all':>6}  ok")
    print(header)
    print("-" * len(header))
    failed = []
    for lecture, name, times, floors in rows:
        if isinstance(times, str):
            failed.append(name)
            print(f"{lecture:<46} {name:<62} {times}")
            continue
        median, floor = statistics.median(times), statistics.median(floors)
        ok = median <= GOAL * floor
        failed += [] if ok else [name]
        print(f"{lecture:<46} {name:<62} {median:>9.1f} {floor:>8.1f} {median / floor:>7.2f} "
              f"{median / overall:>6.2f}  {'yes' if ok else 'NO'}")
    if json_path:
        Path(json_path).write_text(json.dumps(results, indent=1), encoding="utf-8")
    print()
    if failed:
        print(f"FAIL: {len(failed)} slider(s) above {GOAL} x the floor measured with them")
        return 1
    print(f"OK: every slider-driven figure within {GOAL} x the floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
