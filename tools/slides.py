#!/usr/bin/env python3
"""Build the lecture decks: one reveal.js slide show per lecture, executed, offline.

    python3 tasks.py slides                           # every lecture -> build/slides/
    python3 tasks.py slides 03 05                     # only these lectures (or paths, names)
    python3 tasks.py slides --out /media/usb/slides   # another folder

(or ``.venv/bin/python tools/slides.py ...`` once ``slides/node_modules`` is installed). For each
lecture notebook ``lectures/NN_topic.ipynb`` this

1. executes a copy of it in a fresh kernel, with ``%matplotlib widget`` replaced by the inline
   backend, so that every figure, also a widget's, has a static PNG (the shown code keeps the
   original line; nothing is written into ``lectures/``);
2. replaces every widget by what it shows now: the values of its controls as one caption line
   ("η = 0.10 · steps = 15") and the current image of its figure. A widget with no static form
   (e.g. an ipympl canvas) stops the build instead of leaving a blank slide;
3. leaves out instructor-only cells: slide type ``skip``, the tags ``solution`` and
   ``remove-from-slides``, and nbgrader solution or test cells;
4. exports the deck with nbconvert's reveal template, every script, style sheet and font
   (reveal.js 4, MathJax 2.7, require.js, jQuery) loaded from ``_static/`` next to the deck,
   copied there from ``slides/node_modules`` (``npm ci``, run by ``tasks.py slides``); a deck
   that still refers to anything on the network is an error.

The output folder (``build/slides/`` by default) is self-contained: ``index.html``, one
``NN_topic.slides.html`` per lecture and ``_static/``. Copy it anywhere and open a deck in a
browser; no network and no server are needed.
"""
from __future__ import annotations

import argparse
import copy
import glob
import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
WEB = ROOT / "slides"                      # package.json, package-lock.json, the deck template
NODE_MODULES = WEB / "node_modules"
TEMPLATES = WEB / "templates"
TEMPLATE = "mlp_reveal"                    # slides/templates/mlp_reveal: nbconvert's reveal, offline
OUT = ROOT / "build" / "slides"
STATIC = "_static"
RUN_TIMEOUT = 300                          # s per cell
SLOW_S = 20                                # a kernel start or a cell slower than this is reported

INSTRUCTOR_TAGS = frozenset({"solution", "remove-from-slides"})
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_BACKEND = re.compile(r"^%matplotlib\s+(widget|ipympl)\s*$", re.MULTILINE)
# Twice the pixels of the figure size, shown at its size: sharp on a projector.
INLINE_BACKEND = "%matplotlib inline\n%config InlineBackend.figure_formats = ['retina']"

# The browser files of a deck: package -> (major version nbconvert's reveal template is written
# for, the files and folders of the package that a deck loads). Copied to <out>/_static/<package>/.
VENDOR = {
    "reveal.js": (4, ["LICENSE", "dist/reveal.css", "dist/reveal.js", "dist/theme/white.css",
                      "dist/theme/fonts/source-sans-pro", "plugin/notes"]),
    # MathJax.js?config=TeX-AMS_CHTML-full,Safe with its CommonHTML output and TeX web fonts.
    "mathjax": (2, ["LICENSE", "MathJax.js", "config/TeX-AMS_CHTML-full.js", "config/Safe.js", "extensions",
                    "jax/input/TeX", "jax/element", "jax/output/CommonHTML",
                    "fonts/HTML-CSS/TeX/woff", "fonts/HTML-CSS/TeX/otf", "localization/en"]),
    "requirejs": (2, ["require.js"]),      # its MIT licence notice is in the file's header
    "jquery": (3, ["LICENSE.txt", "dist/jquery.min.js"]),
}
MATHJAX_CONFIG = "TeX-AMS_CHTML-full,Safe"   # what nbconvert's template asks its CDN for
REVEAL_THEME = "white"                     # nbconvert's default ("simple") imports Google Fonts

# Where a page fetches something by itself (not <a href>, which only a click follows).
FETCHING = re.compile(
    r"""(?:\bsrc\s*=\s*["']?|<link\b[^>]*\bhref\s*=\s*["']?|@import\s+(?:url\()?\s*["']?|"""
    r"""\burl\(\s*["']?|\bimport\b[^;'"]*\bfrom\s*["']|\bimport\(\s*["'])"""
    r"""((?:https?:)?//[^\s"'()<>]+)""",
    re.IGNORECASE)


class DeckError(RuntimeError):
    """A lecture cannot become a correct offline deck (the message says which and why)."""


# --------------------------------------------------------------------------- execution

def execute(nb, cwd: Path, timeout: int = RUN_TIMEOUT):
    """Run a copy of ``nb`` in a fresh kernel with the inline backend; return the copy.

    ``%matplotlib widget`` lines become ``%matplotlib inline`` for the run only, and
    ``MLP_STATIC_FIGURES=1`` makes ``use_widget_backend()`` choose inline as well: the returned
    notebook shows the original code, with the outputs of the inline run.
    """
    from nbclient import NotebookClient
    from traitlets.config import Config

    executed = copy.deepcopy(nb)
    originals = [cell.source for cell in executed.cells]
    for cell in executed.cells:
        if cell.cell_type == "code":
            cell.source = WIDGET_BACKEND.sub(INLINE_BACKEND, cell.source)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("MPLBACKEND", None)
    env["MLP_STATIC_FIGURES"] = "1"  # use_widget_backend() chooses the inline backend too
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    with tempfile.TemporaryDirectory(prefix="mlp-deck-") as sockets:
        config = Config()
        if os.name == "posix":
            # Unix sockets in a private folder, not TCP ports: two kernels starting at once
            # (--jobs 2, or other work on the machine) no longer race for a free port
            # (seen as "Address already in use" and "Kernel died before replying").
            config.KernelManager.transport = "ipc"
            config.KernelManager.ip = os.path.join(sockets, "kernel")
        client = NotebookClient(executed, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": str(cwd)}}, config=config)
        client.widget_registry["@jupyter-widgets/output"]["OutputModel"] = _output_widget_class()
        client.execute(env=env)
    for cell, source in zip(executed.cells, originals):
        cell.source = source
    return executed


def _output_widget_class():
    """nbclient's stand-in for the browser's Output widget, without its echo to the kernel.

    nbclient's version sends every output it captures back to the kernel as a comm message,
    on the shell socket on which it is at the same moment waiting for the cell's reply. Now and
    then that wait missed the reply and sat until the cell timeout (300 s), after which the run
    went on as if nothing had happened (seen 4 times in about 100 lecture runs on this 2-core
    machine, under load). The deck takes the outputs from nbclient's own copy of the widget
    state, which this class still fills; no lecture code reads them back in the kernel.
    """
    from nbclient.output_widget import OutputWidget

    class LocalOutputWidget(OutputWidget):
        def send(self, data=None, metadata=None, buffers=None):
            """Keep the captured outputs on this side (see above)."""

    return LocalOutputWidget


# --------------------------------------------------------------------------- widgets

def _control_value(state: dict):
    """The shown value of a control's state, or None if the model is not a value control."""
    if "_options_labels" in state:                      # Dropdown, SelectionSlider, ...
        index = state.get("index")
        labels = state["_options_labels"]
        if isinstance(index, int) and 0 <= index < len(labels):
            return labels[index]
        if isinstance(index, (list, tuple)):            # SelectMultiple
            return ", ".join(labels[i] for i in index)
        return "—"
    if "value" not in state:
        return None
    value = state["value"]
    fmt = state.get("readout_format")
    if fmt and isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return format(value, fmt)
        except ValueError:
            pass
    if isinstance(value, (list, tuple)):                # range sliders
        return "–".join(str(v) for v in value)
    return str(value)


def _widget_outputs(model_id: str, models: dict, where: str) -> list:
    """Static outputs for the widget ``model_id``: captions for controls, images for outputs."""
    if model_id not in models:
        raise DeckError(f"{where}: widget {model_id} has no saved state, so it has no static form")
    model = models[model_id]
    name, state = model["model_name"], model["state"]
    if name == "OutputModel":
        return [copy.deepcopy(o) for o in state.get("outputs", [])]
    if "children" in state:                             # VBox, HBox, GridBox, Tab, Accordion
        out: list = []
        for child in state["children"]:
            out += _widget_outputs(child.removeprefix("IPY_MODEL_"), models, where)
        return _merge_captions(out)
    if name == "ButtonModel":                           # an action, not a state: nothing to show
        return []
    if name in ("LabelModel", "HTMLModel", "HTMLMathModel"):
        text = state.get("value", "")
        return [_caption(text if name != "LabelModel" else html.escape(text))] if text else []
    value = _control_value(state)
    if value is None:
        raise DeckError(f"{where}: a {name} widget has no static form (no image, no value); a deck "
                        f"would show nothing here. Figures must be drawn with the inline backend.")
    label = state.get("description") or name.removesuffix("Model")
    return [_caption(f"{html.escape(label)} = {html.escape(value)}", control=True)]


def _caption(text: str, control: bool = False):
    out = nbformat.v4.new_output("display_data", data={"text/html": text, "text/plain": text})
    out.metadata["mlp_control"] = control
    return out


def _merge_captions(outputs: list) -> list:
    """Join consecutive control captions into one line: ``η = 0.10 · steps = 15``."""
    merged: list = []
    for out in outputs:
        if (out.get("metadata", {}).get("mlp_control") and merged
                and merged[-1].get("metadata", {}).get("mlp_control")):
            text = merged[-1]["data"]["text/plain"] + " · " + out["data"]["text/plain"]
            merged[-1] = _caption(text, control=True)
        else:
            merged.append(out)
    return merged


def static_widgets(nb, name: str = "notebook"):
    """Replace every widget view in ``nb`` by its static outputs; drop the widget state.

    A control becomes a caption ``<p class="mlp-widget-values">`` with its current value, an
    ``Output`` widget becomes the outputs it holds (the figure's PNG). Raises
    :class:`DeckError` naming the cell for a widget with neither.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.outputs:
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                outputs.append(output)
                continue
            where = f"{name}, cell {index}"
            for out in _widget_outputs(view["model_id"], state, where):
                if out.get("metadata", {}).pop("mlp_control", False):
                    text = out["data"]["text/html"]
                    out["data"]["text/html"] = f'<p class="mlp-widget-values">{text}</p>'
                outputs.append(nbformat.from_dict(out))
        cell.outputs = outputs
    nb.metadata.pop("widgets", None)
    return nb


# --------------------------------------------------------------------------- instructor cells

def is_instructor_only(cell) -> bool:
    """True for cells a deck leaves out: slide type ``skip``, tags ``solution`` or
    ``remove-from-slides``, and nbgrader solution or test (graded) cells."""
    if cell.metadata.get("slideshow", {}).get("slide_type") == "skip":
        return True
    if INSTRUCTOR_TAGS & set(cell.metadata.get("tags", [])):
        return True
    grader = cell.metadata.get("nbgrader", {})
    return bool(grader.get("solution") or (grader.get("grade") and cell.cell_type == "code"))


def strip_instructor_cells(nb):
    """``nb`` without its instructor-only cells (after it ran: later cells may need them)."""
    nb.cells = [cell for cell in nb.cells if not is_instructor_only(cell)]
    if not nb.cells:
        raise DeckError("every cell is instructor-only (skip/solution): nothing to show")
    return nb


# --------------------------------------------------------------------------- export

def vendor_versions(node_modules: Path = NODE_MODULES) -> dict[str, str]:
    """Installed version of each browser package; DeckError when one is missing or the wrong
    major version for nbconvert's reveal template."""
    versions = {}
    for package, (major, _) in VENDOR.items():
        manifest = node_modules / package / "package.json"
        if not manifest.exists():
            raise DeckError(f"{manifest.relative_to(ROOT) if manifest.is_relative_to(ROOT) else manifest} "
                            f"is missing: run `python3 tasks.py slides`, which installs the deck's "
                            f"browser files with `npm ci` in slides/")
        version = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        if int(version.split(".")[0]) != major:
            raise DeckError(f"{package} {version} is installed, but nbconvert's reveal template "
                            f"is written for {package} {major}.x (see slides/package.json)")
        versions[package] = version
    return versions


def install_static(out: Path, node_modules: Path = NODE_MODULES) -> Path:
    """Copy the browser files a deck loads to ``out/_static`` (skipped when already there)."""
    versions = vendor_versions(node_modules)
    static = out / STATIC
    stamp = static / ".installed"
    expected = json.dumps(versions, sort_keys=True) + hashlib.sha1(repr(VENDOR).encode()).hexdigest()
    if stamp.exists() and stamp.read_text(encoding="utf-8") == expected:
        return static
    shutil.rmtree(static, ignore_errors=True)
    for package, (_, parts) in VENDOR.items():
        for part in parts:
            src, dest = node_modules / package / part, static / package / part
            dest.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dest)
            else:
                shutil.copy2(src, dest)
    stamp.write_text(expected, encoding="utf-8")
    return static


def exporter():
    """nbconvert's SlidesExporter with every URL pointing into ``_static/``."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.SlidesExporter.reveal_url_prefix = f"{STATIC}/reveal.js"
    config.SlidesExporter.reveal_theme = REVEAL_THEME
    config.SlidesExporter.reveal_scroll = True        # a long slide scrolls instead of being cut
    config.SlidesExporter.reveal_number = "c/t"
    # 16:10 and wider than reveal's 960 x 700: a figure of 8-9 inches fits next to its text.
    config.SlidesExporter.reveal_width = "1280"
    config.SlidesExporter.reveal_height = "800"
    config.SlidesExporter.mathjax_url = f"{STATIC}/mathjax/MathJax.js?config={MATHJAX_CONFIG}"
    config.SlidesExporter.require_js_url = f"{STATIC}/requirejs/require.js"
    config.SlidesExporter.jquery_url = f"{STATIC}/jquery/dist/jquery.min.js"
    config.SlidesExporter.exclude_anchor_links = True
    config.SlidesExporter.extra_template_basedirs = [str(TEMPLATES)]
    config.SlidesExporter.template_name = TEMPLATE
    return SlidesExporter(config=config)


def remote_references(page: str) -> list[str]:
    """Addresses on the network that ``page`` would fetch when opened (scripts, styles, fonts)."""
    return sorted(set(FETCHING.findall(page)))


def render_deck(nb, name: str) -> str:
    """The deck's HTML for an executed, stripped notebook with static widgets."""
    page, _ = exporter().from_notebook_node(nb, resources={"metadata": {"name": name}})
    remote = remote_references(page)
    if remote:
        raise DeckError(f"{name}: the deck would fetch {', '.join(remote)} at view time")
    return page


def cell_timings(nb, started_at: datetime) -> dict:
    """From the execution times nbclient records: seconds until the first cell started
    (``"startup"``: kernel start), the slowest cell (``"slowest"``: (index, seconds)), the
    longest wait between a cell's reply and the next cell's start (``"longest_gap"``: (index of
    the earlier cell, seconds): time lost on this side) and the end of the last cell
    (``"last_reply"``, seconds after ``started_at``)."""
    spans = []
    for index, cell in enumerate(nb.cells):
        times = cell.metadata.get("execution", {})
        if "iopub.status.busy" in times and "shell.execute_reply" in times:
            busy = datetime.fromisoformat(times["iopub.status.busy"].replace("Z", "+00:00"))
            done = datetime.fromisoformat(times["shell.execute_reply"].replace("Z", "+00:00"))
            spans.append((index, busy, done))
    if not spans:
        return {}
    gaps = [(i, (next_busy - done).total_seconds())
            for (i, _, done), (_, next_busy, _) in zip(spans, spans[1:])]
    return {"startup": (spans[0][1] - started_at).total_seconds(),
            "slowest": max(((i, (done - busy).total_seconds()) for i, busy, done in spans),
                           key=lambda item: item[1]),
            "longest_gap": max(gaps, key=lambda item: item[1], default=(None, 0.0)),
            "last_reply": (spans[-1][2] - started_at).total_seconds()}


def build_deck(notebook: Path, out: Path = OUT, timeout: int = RUN_TIMEOUT,
               timings: dict | None = None) -> Path:
    """Execute ``notebook`` and write its offline deck ``out/<name>.slides.html``.

    ``timings``, if given, receives the seconds spent running (``"run"``) and exporting
    (``"export"``).
    """
    timings = {} if timings is None else timings
    name = notebook.stem
    nb = nbformat.read(notebook, as_version=4)
    start, started_at = time.perf_counter(), datetime.now(timezone.utc)
    try:
        executed = execute(nb, cwd=notebook.parent, timeout=timeout)
    except Exception as exc:  # nbclient's CellExecutionError carries the traceback text
        raise DeckError(f"{name}: running the notebook failed:\n{exc}") from exc
    timings["run"] = time.perf_counter() - start
    timings.update(cell_timings(executed, started_at))
    deck = render_deck(strip_instructor_cells(static_widgets(executed, name)), name)
    path = out / f"{name}.slides.html"
    path.write_text(deck, encoding="utf-8")
    timings["export"] = time.perf_counter() - start - timings["run"]
    return path


def write_index(out: Path, decks: list[Path]) -> Path:
    """``out/index.html``: a list of the decks, to open the right one in class."""
    items = "\n".join(f'<li><a href="{html.escape(d.name)}">{html.escape(d.name.removesuffix(".slides.html"))}</a></li>'
                      for d in sorted(decks))
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>Introduction to Neural Networks: slides</title></head>\n"
            "<body style=\"font-family: sans-serif; max-width: 40em; margin: 2em auto\">\n"
            "<h1>Introduction to Neural Networks: slides</h1>\n"
            "<p>Arrow keys move between slides, <kbd>Esc</kbd> shows the overview, <kbd>S</kbd> opens "
            "the speaker view, <kbd>F</kbd> full screen.</p>\n"
            f"<ul>\n{items}\n</ul>\n</body></html>\n")
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


# --------------------------------------------------------------------------- command line

def lecture_notebooks(names: list[str]) -> list[Path]:
    """The notebooks to build: every ``lectures/NN_*.ipynb``, or the ones named."""
    if not names:
        return sorted(LECTURES.glob("[0-9][0-9]_*.ipynb"))
    paths = []
    for name in names:
        path = Path(name)
        if path.suffix == ".md":
            path = path.with_suffix(".ipynb")
        if not path.exists() and (LECTURES / path.name).exists():
            path = LECTURES / path.name
        if not path.exists():                           # a name or its start: "03", "03_backprop"
            matches = sorted(LECTURES.glob(f"{glob.escape(name)}*.ipynb"))
            if len(matches) > 1:
                raise DeckError(f"lecture {name!r} is ambiguous: {', '.join(m.name for m in matches)}")
            path = matches[0] if matches else path
        if not path.exists() or path.suffix != ".ipynb":
            raise DeckError(f"lecture {name!r}: no such notebook (expected lectures/NN_topic.ipynb)")
        paths.append(path.resolve())
    return paths


def _build_one(args):
    notebook, out, timeout = args
    start, timings = time.perf_counter(), {}
    try:
        deck = build_deck(notebook, out, timeout, timings)
    except DeckError as exc:
        return None, time.perf_counter() - start, timings, str(exc)
    return deck, time.perf_counter() - start, timings, None


def build_all(notebooks: list[Path], out: Path = OUT, jobs: int = 2,
              timeout: int = RUN_TIMEOUT) -> tuple[list[Path], list[str]]:
    """Build the decks of ``notebooks`` into ``out``, ``jobs`` lectures at a time."""
    out.mkdir(parents=True, exist_ok=True)
    install_static(out)
    tasks = [(nb, out, timeout) for nb in notebooks]
    if jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(_build_one, tasks))
    else:
        results = [_build_one(task) for task in tasks]
    decks, errors = [], []
    for (notebook, _, _), (deck, seconds, timings, error) in zip(tasks, results):
        if error:
            errors.append(error)
            print(f"FAILED  {notebook.name} ({seconds:.1f} s)", flush=True)
        else:
            decks.append(deck)
            slow = ""
            if timings.get("startup", 0) > SLOW_S:
                slow += f"; the kernel took {timings['startup']:.0f} s to start"
            if timings.get("slowest", (0, 0))[1] > SLOW_S:
                slow += f"; cell {timings['slowest'][0]} ran {timings['slowest'][1]:.0f} s"
            if timings.get("longest_gap", (0, 0))[1] > SLOW_S:
                slow += (f"; {timings['longest_gap'][1]:.0f} s passed between cell "
                         f"{timings['longest_gap'][0]}'s reply and the next cell")
            if timings["run"] - timings.get("last_reply", timings["run"]) > SLOW_S:
                slow += f"; the kernel took {timings['run'] - timings['last_reply']:.0f} s to stop"
            print(f"built   {_shown(deck)} ({seconds:.1f} s: run {timings['run']:.1f} s, "
                  f"export {timings['export']:.1f} s{slow})", flush=True)
    write_index(out, [d for d in out.glob("*.slides.html")])
    return decks, errors


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py slides", description=__doc__.split("\n")[0])
    parser.add_argument("lectures", nargs="*", help="lecture notebooks or names (default: all)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {_shown(OUT)})")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="lectures executed at the same time (default: 2, or 1 on one core)")
    parser.add_argument("--timeout", type=int, default=RUN_TIMEOUT, help="seconds per cell")
    ns = parser.parse_args(argv)
    if ns.jobs < 1:
        parser.error(f"--jobs must be at least 1, got {ns.jobs}")
    start = time.perf_counter()
    try:
        decks, errors = build_all(lecture_notebooks(ns.lectures), ns.out.resolve(), ns.jobs, ns.timeout)
    except DeckError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    for error in errors:
        print(f"ERROR: {error}", file=sys.stderr)
    print(f"{len(decks)} deck(s) in {_shown(ns.out.resolve())} in {time.perf_counter() - start:.1f} s; "
          f"open {_shown(ns.out.resolve() / 'index.html')} in a browser.", flush=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
