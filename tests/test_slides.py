"""The lecture decks (``tools/slides.py``, ``python3 tasks.py slides``) without a browser.

* ``slides/package.json`` pins reveal.js 4 and MathJax 2 (what nbconvert's reveal template is
  written for), with licences we may ship, and its lock file agrees;
* widgets become their controls' values and their figure's image; a widget with neither stops
  the build; instructor-only cells (skip, ``solution``, ``remove-from-slides``, nbgrader
  solutions and tests) are left out;
* a deck that would fetch anything from the network is refused;
* a small notebook with a lecture widget becomes a deck with a non-blank PNG, the original
  ``%matplotlib widget`` line, and no instructor cell.

The browser side (the deck opened offline in Chromium) is tests/browser/test_slides_browser.py.
"""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import re
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import slides  # noqa: E402  (tools/slides.py)

from mlp_lib.widgets import is_blank  # noqa: E402

SHIPPABLE_LICENSES = {"MIT", "Apache-2.0"}


def load_tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- npm manifest

def test_package_json_pins_the_major_versions_the_template_is_written_for():
    manifest = json.loads((slides.WEB / "package.json").read_text(encoding="utf-8"))
    deps = manifest["dependencies"]
    assert set(deps) == set(slides.VENDOR), "package.json and tools/slides.py VENDOR name other packages"
    for package, (major, _) in slides.VENDOR.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", deps[package]), f"{package} is not pinned exactly: {deps[package]}"
        assert int(deps[package].split(".")[0]) == major, f"{package} {deps[package]} is not {major}.x"


def test_lock_file_agrees_and_licences_are_shippable():
    manifest = json.loads((slides.WEB / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((slides.WEB / "package-lock.json").read_text(encoding="utf-8"))
    packages = lock["packages"]
    assert packages[""]["dependencies"] == manifest["dependencies"], "run `npm install` in slides/"
    for path, entry in packages.items():
        if not path:
            continue
        name = path.removeprefix("node_modules/")
        assert entry.get("license") in SHIPPABLE_LICENSES, f"{name}: licence {entry.get('license')!r}"
        assert entry.get("integrity", "").startswith("sha512-"), f"{name} has no integrity hash"
    for package, version in manifest["dependencies"].items():
        assert packages[f"node_modules/{package}"]["version"] == version


def write_fake_package(node_modules: Path, package: str, version: str, parts: list[str]) -> None:
    root = node_modules / package
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": package, "version": version}), encoding="utf-8")
    for part in parts:
        path = root / part
        if "." in Path(part).name:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{package}/{part}", encoding="utf-8")
        else:  # a folder
            path.mkdir(parents=True, exist_ok=True)
            (path / "inside.js").write_text(f"{package}/{part}/inside.js", encoding="utf-8")


@pytest.fixture
def fake_node_modules(tmp_path):
    node_modules = tmp_path / "node_modules"
    for package, (major, parts) in slides.VENDOR.items():
        write_fake_package(node_modules, package, f"{major}.1.0", parts)
    return node_modules


def test_install_static_copies_every_file_a_deck_loads_once(fake_node_modules, tmp_path):
    out = tmp_path / "decks"
    static = slides.install_static(out, fake_node_modules)
    for package, (_, parts) in slides.VENDOR.items():
        for part in parts:
            assert (static / package / part).exists(), f"{package}/{part} was not copied"
    marker = static / "reveal.js" / "dist" / "reveal.js"
    marker.write_text("changed here", encoding="utf-8")
    slides.install_static(out, fake_node_modules)  # same versions: nothing is copied again
    assert marker.read_text(encoding="utf-8") == "changed here"


def test_missing_or_wrong_browser_packages_are_named(fake_node_modules):
    manifest = fake_node_modules / "reveal.js" / "package.json"
    manifest.write_text(json.dumps({"version": "5.2.1"}), encoding="utf-8")
    with pytest.raises(slides.DeckError, match=r"reveal\.js 5\.2\.1 is installed.*reveal\.js 4\.x"):
        slides.vendor_versions(fake_node_modules)
    manifest.unlink()
    with pytest.raises(slides.DeckError, match=r"missing: run `python3 tasks.py slides`.*npm ci"):
        slides.vendor_versions(fake_node_modules)


def test_npm_ci_runs_only_when_the_lock_file_changed(tmp_path, monkeypatch):
    tasks = load_tasks()
    web = tmp_path / "slides"
    (web / "node_modules").mkdir(parents=True)
    (web / "package-lock.json").write_text('{"lockfileVersion": 3}', encoding="utf-8")
    digest = hashlib.sha256((web / "package-lock.json").read_bytes()).hexdigest()
    (web / "node_modules" / tasks.WEB_STAMP_NAME).write_text(digest + "\n", encoding="utf-8")
    monkeypatch.setattr(tasks.shutil, "which", lambda name: None)  # npm would fail if called
    assert tasks.ensure_web_assets(web) == web / "node_modules"

    (web / "package-lock.json").write_text('{"lockfileVersion": 3, "changed": 1}', encoding="utf-8")
    with pytest.raises(SystemExit, match="npm not found"):
        tasks.ensure_web_assets(web)


# --------------------------------------------------------------------------- instructor cells

def cell(kind="code", source="x = 1", slide_type=None, tags=(), nbgrader=None):
    new = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
    if slide_type:
        new.metadata["slideshow"] = {"slide_type": slide_type}
    if tags:
        new.metadata["tags"] = list(tags)
    if nbgrader:
        new.metadata["nbgrader"] = nbgrader
    return new


@pytest.mark.parametrize("hidden, made", [
    (True, dict(slide_type="skip")),
    (True, dict(tags=["solution"])),
    (True, dict(tags=["nbval-check-output", "remove-from-slides"])),
    (True, dict(nbgrader={"solution": True, "grade": False, "grade_id": "q1"})),
    (True, dict(nbgrader={"solution": False, "grade": True, "grade_id": "t1", "points": 1})),
    (False, dict(slide_type="fragment", tags=["nbval-check-output"])),
    (False, dict(slide_type="notes")),
    (False, dict(kind="markdown", nbgrader={"solution": False, "grade": True, "grade_id": "m1"})),
])
def test_instructor_only_cells(hidden, made):
    assert slides.is_instructor_only(cell(**made)) is hidden


def test_strip_instructor_cells_keeps_the_others_in_order():
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell(source="a"), cell(source="b", tags=["solution"]), cell(source="c", slide_type="skip"),
                cell(source="d")]
    assert [c.source for c in slides.strip_instructor_cells(nb).cells] == ["a", "d"]
    nb.cells = [cell(slide_type="skip")]
    with pytest.raises(slides.DeckError, match="every cell is instructor-only"):
        slides.strip_instructor_cells(nb)


# --------------------------------------------------------------------------- widgets

PNG = base64.b64encode(b"\x89PNG fake").decode()


def model(name, **state):
    return {"model_name": name, "model_module": "@jupyter-widgets/controls", "model_module_version": "2.0.0",
            "state": state}


def widget_notebook(state, model_id="box"):
    nb = nbformat.v4.new_notebook()
    code = cell(source="demo")
    code.outputs = [nbformat.v4.new_output("display_data", data={
        "text/plain": "VBox(...)", slides.WIDGET_VIEW: {"model_id": model_id, "version_major": 2}})]
    nb.cells = [cell(kind="markdown", source="# t"), code]
    nb.metadata["widgets"] = {slides.WIDGET_STATE: {"state": state, "version_major": 2, "version_minor": 0}}
    return nb


def test_a_widget_becomes_its_controls_values_and_its_figure():
    state = {
        "box": model("VBoxModel", children=["IPY_MODEL_row", "IPY_MODEL_out"]),
        "row": model("HBoxModel", children=["IPY_MODEL_lr", "IPY_MODEL_f", "IPY_MODEL_go"]),
        "lr": model("FloatSliderModel", description="η", value=0.1, readout_format=".2f"),
        "f": model("DropdownModel", description="f", index=1, _options_labels=["tanh", "relu <&>"]),
        "go": model("ButtonModel", description="train"),
        "out": model("OutputModel", outputs=[{"output_type": "display_data", "metadata": {},
                                              "data": {"image/png": PNG, "text/plain": "<Figure>"}}]),
    }
    nb = slides.static_widgets(widget_notebook(state), "demo.ipynb")
    outputs = nb.cells[1].outputs
    assert [list(o.data) for o in outputs] == [["text/html", "text/plain"], ["image/png", "text/plain"]]
    assert outputs[0].data["text/html"] == '<p class="mlp-widget-values">η = 0.10 · f = relu &lt;&amp;&gt;</p>'
    assert outputs[1].data["image/png"] == PNG
    assert "widgets" not in nb.metadata
    nbformat.validate(nb)


@pytest.mark.parametrize("state, message", [
    ({"box": model("VBoxModel", children=["IPY_MODEL_canvas"]),
      "canvas": model("MPLCanvasModel", _figure_label="Figure 1")},
     r"demo\.ipynb, cell 1: a MPLCanvasModel widget has no static form"),
    ({}, r"demo\.ipynb, cell 1: widget box has no saved state"),
])
def test_a_widget_without_a_static_form_stops_the_build(state, message):
    with pytest.raises(slides.DeckError, match=message):
        slides.static_widgets(widget_notebook(state), "demo.ipynb")


# --------------------------------------------------------------------------- offline pages

def test_remote_references_finds_what_a_page_fetches_by_itself():
    page = """
    <script src="https://cdn.example.org/require.js"></script>
    <link rel="stylesheet" href="//fonts.example.org/css?family=Lato">
    <style>@import url(https://fonts.example.org/a.css); .x { background: url('http://img.example.org/b.png') }</style>
    <script type="module">import mermaid from 'https://cdn.example.org/mermaid.mjs';</script>
    <script src="_static/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"></script>
    <a href="https://example.org/read-more">a link is only followed when clicked</a>
    """
    assert slides.remote_references(page) == [
        "//fonts.example.org/css?family=Lato", "http://img.example.org/b.png",
        "https://cdn.example.org/mermaid.mjs", "https://cdn.example.org/require.js",
        "https://fonts.example.org/a.css"]


def test_nbconverts_own_reveal_template_would_fetch_from_cdns():
    """Why the deck needs its own URLs and template: the defaults go to the network."""
    from nbconvert import SlidesExporter

    nb = nbformat.v4.new_notebook(cells=[cell(kind="markdown", source="# Title\n$x^2$")])
    page, _ = SlidesExporter().from_notebook_node(nb)
    remote = " ".join(slides.remote_references(page))
    for needle in ("reveal.js", "mathjax", "require", "jquery", "mermaid"):
        assert needle in remote.lower(), f"nbconvert no longer loads {needle} from a CDN: update this test"


def test_cell_timings_name_a_slow_kernel_start_and_the_slowest_cell():
    from datetime import datetime, timezone

    nb = nbformat.v4.new_notebook(cells=[cell(source="a"), cell(kind="markdown", source="m"),
                                         cell(source="b"), cell(source="c")])
    for index, busy, reply in [(0, "10:00:02.5", "10:00:03.0"), (2, "10:00:03.1", "10:00:45.1"),
                               (3, "10:00:45.2", "10:00:46.2")]:
        nb.cells[index].metadata["execution"] = {
            "iopub.status.busy": f"2026-01-05T{busy}Z", "shell.execute_reply": f"2026-01-05T{reply}Z"}
    started = datetime(2026, 1, 5, 10, 0, 0, tzinfo=timezone.utc)
    timings = slides.cell_timings(nb, started)
    assert timings["startup"] == pytest.approx(2.5)
    assert timings["slowest"] == (2, pytest.approx(42.0))
    assert timings["last_reply"] == pytest.approx(46.2)
    assert timings["longest_gap"] == (0, pytest.approx(0.1))
    assert slides.cell_timings(nbformat.v4.new_notebook(cells=[cell()]), started) == {}


# --------------------------------------------------------------------------- lecture names

@pytest.mark.parametrize("name", ["03", "03_backpropagation", "lectures/03_backpropagation.md",
                                  "lectures/03_backpropagation.ipynb"])
def test_lectures_can_be_named_briefly(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert slides.lecture_notebooks([name]) == [(ROOT / "lectures" / "03_backpropagation.ipynb").resolve()]


@pytest.mark.parametrize("name, message", [("99", "no such notebook"), ("0", "ambiguous")])
def test_unknown_or_ambiguous_lecture_names_are_refused(name, message, monkeypatch):
    monkeypatch.chdir(ROOT)
    with pytest.raises(slides.DeckError, match=message):
        slides.lecture_notebooks([name])


def test_every_lecture_is_built_by_default():
    names = [p.name for p in slides.lecture_notebooks([])]
    assert names == sorted(p.name for p in (ROOT / "lectures").glob("[0-9][0-9]_*.ipynb"))
    assert len(names) >= 8


# --------------------------------------------------------------------------- one deck

DECK_SOURCE = [
    ("code", "%matplotlib widget\nfrom mlp_lib.widgets import backprop as demos", {}),
    ("markdown", "# A deck\n\nThe learning rate $\\eta$ and $$J(\\theta) = \\theta^2$$", {"slide_type": "slide"}),
    ("code", "demos.gd_parabola_demo(lr=0.3)", {"slide_type": "slide"}),
    ("code", "SECRET_SOLUTION = 'instructor answer'\nprint(SECRET_SOLUTION)",
     {"slide_type": "skip", "tags": ["solution"]}),
    ("code", "print('answer checked: ' + SECRET_SOLUTION)", {"tags": ["remove-from-slides"]}),
    ("markdown", "Shown after the hidden cells.", {}),
]


@pytest.fixture(scope="module")
def small_deck(tmp_path_factory):
    folder = tmp_path_factory.mktemp("deck")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for kind, source, meta in DECK_SOURCE:
        new = cell(kind=kind, source=source, slide_type=meta.get("slide_type"), tags=meta.get("tags", ()))
        nb.cells.append(new)
    notebook = folder / "99_small.ipynb"
    nbformat.write(nb, notebook)
    out = folder / "out"
    out.mkdir()
    path = slides.build_deck(notebook, out)
    return path.read_text(encoding="utf-8")


def page_text(page: str) -> str:
    """The text a reader sees: tags, styles and scripts removed."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)))


def test_deck_shows_the_code_as_written_and_the_widget_as_an_image(small_deck):
    text = page_text(small_deck)
    assert "%matplotlib widget" in text
    assert "inline" not in text and "InlineBackend" not in text
    assert '<p class="mlp-widget-values">η = 0.30</p>' in small_deck
    images = re.findall(r'<img\b[^>]*\bsrc="data:image/png;base64,([^"]+)"', small_deck)
    assert len(images) == 1, f"expected the widget's figure as one PNG, found {len(images)}"
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(base64.b64decode(images[0]))).convert("RGBA"))
    assert pixels.shape[1] >= 1200, "figures are saved at twice their size (retina) for projectors"
    assert not is_blank(pixels)


def test_deck_leaves_out_instructor_cells_and_keeps_the_rest(small_deck):
    assert "SECRET_SOLUTION" not in small_deck and "instructor answer" not in small_deck
    assert "Shown after the hidden cells." in page_text(small_deck)
    assert "$\\eta$" in small_deck  # MathJax typesets it in the browser


def test_deck_loads_everything_from_static_and_nothing_from_the_network(small_deck):
    assert slides.remote_references(small_deck) == []
    assert 'src="_static/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"' in small_deck
    assert '"_static/reveal.js/dist/reveal.js"' in small_deck
    assert 'href="_static/reveal.js/dist/theme/white.css"' in small_deck
    assert "application/vnd.jupyter.widget" not in small_deck


def test_a_failing_lecture_names_itself(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[cell(source="1 / 0")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = tmp_path / "98_broken.ipynb"
    nbformat.write(nb, notebook)
    with pytest.raises(slides.DeckError, match=r"98_broken: running the notebook failed:[\s\S]*ZeroDivisionError"):
        slides.build_deck(notebook, tmp_path)
