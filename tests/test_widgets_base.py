"""mlp_lib.widgets._base: the fallback to still images where ipympl is missing or broken.

A demo whose figure is a plain matplotlib figure shows a PNG in an ``Output`` widget that is
redrawn on every update. A demo on an ipympl canvas shows the canvas only once ipympl's
browser side has reported in ("initialized"); until then (forever, where ipympl is broken)
the still image stands in for it.
"""
from __future__ import annotations

import sys

import ipywidgets as w
import matplotlib
import numpy as np
import pytest

from mlp_lib.widgets import _base


class FakeShell:
    """Records the line magics a function runs, like IPython's run_line_magic."""

    def __init__(self, fail_on=()):
        self.magics = []
        self.fail_on = set(fail_on)

    def run_line_magic(self, name, line):
        self.magics.append(f"%{name} {line}")
        if line in self.fail_on:
            raise RuntimeError(f"'{line}' is not a recognised GUI loop or backend name")


def line_demo(figure):
    """A one-slider demo: a sine whose frequency the slider sets."""
    ax = figure.add_subplot()
    x = np.linspace(0, 1, 50)
    (line,) = ax.plot(x, np.sin(x))
    ax.set_ylim(-1.1, 1.1)

    def update(freq):
        line.set_ydata(np.sin(2 * np.pi * freq * x))

    return _base.Demo(figure, {"freq": w.FloatSlider(value=1.0, min=0.5, max=3.0)}, update)


def shown_views(box):
    """The children of the demo's box below the controls that are not hidden."""
    return [child for child in box.children[1:] if child.layout.display != "none"]


def still_png(view):
    """The PNG bytes an Output widget shows (its one display_data output)."""
    import base64

    (output,) = view.outputs
    return base64.b64decode(output["data"]["image/png"])


@pytest.fixture
def no_ipympl(monkeypatch):
    """Make ``import ipympl`` (and its backend module) fail, as where it is not installed."""
    monkeypatch.setitem(sys.modules, "ipympl", None)
    monkeypatch.setitem(sys.modules, "ipympl.backend_nbagg", None)


@pytest.fixture
def widget_backend(monkeypatch):
    """Pretend ``%matplotlib widget`` is active (what new_figure checks)."""
    monkeypatch.setattr(matplotlib, "get_backend", lambda: "module://ipympl.backend_nbagg")


def test_plain_figure_is_a_still_image_that_follows_the_slider():
    demo = line_demo(_base.new_figure())
    box = demo.widget()
    (view,) = shown_views(box)
    assert isinstance(view, w.Output)
    before = still_png(view)
    assert before.startswith(b"\x89PNG")
    demo.update(freq=2.5)
    after = still_png(view)
    assert after != before, "the still image did not change with the slider"
    demo.controls["freq"].value = 1.5  # as a student moving the slider
    assert still_png(view) not in (before, after)
    assert not _base.is_blank(demo.render())


def test_ipympl_canvas_is_shown_once_the_browser_reports_in(widget_backend):
    pytest.importorskip("ipympl")
    demo = line_demo(_base.new_figure())
    canvas = demo.figure.canvas
    assert isinstance(canvas, w.DOMWidget), "with the widget backend the canvas is an ipympl widget"
    draws = []
    canvas.draw = lambda *args, **kwargs: draws.append(1)  # ipympl's draw sends frames to the browser
    box = demo.widget()
    demo.update(freq=1.5)
    assert draws == [] and demo.figure.canvas is canvas, (
        "the still image must be drawn on a canvas of its own: drawing on ipympl's canvas "
        "before its browser side is ready leaves the live figure empty")
    (view,) = shown_views(box)
    assert isinstance(view, w.Output), "before ipympl's browser side reports in, the image stands in"
    assert canvas in box.children and canvas.layout.display == "none"

    canvas._handle_custom_msg({"type": "initialized"}, [])  # what the browser sends
    assert shown_views(box) == [canvas] and view not in box.children
    frozen = still_png(view)
    demo.update(freq=2.0)
    assert still_png(view) == frozen, "a live canvas needs no still image any more"
    assert demo.widget().children[1:] == (canvas,)


def test_broken_ipympl_leaves_the_still_image(widget_backend, no_ipympl):
    with pytest.warns(RuntimeWarning, match="still image"):
        figure = _base.new_figure()
    demo = line_demo(figure)
    (view,) = shown_views(demo.widget())
    assert isinstance(view, w.Output)
    before = still_png(view)
    demo.update(freq=3.0)
    assert still_png(view) != before


def test_use_widget_backend_with_ipympl():
    pytest.importorskip("ipympl")
    shell = FakeShell()
    assert _base.use_widget_backend(shell) == "widget"
    assert shell.magics == ["%matplotlib widget"]


def test_use_widget_backend_without_ipympl(no_ipympl, capsys):
    shell = FakeShell()
    assert _base.use_widget_backend(shell) == "inline"
    assert shell.magics == ["%matplotlib inline"]
    note = capsys.readouterr()
    assert "ipympl is not usable here" in note.out and "still images" in note.out
    assert note.err == ""


def test_use_widget_backend_when_the_magic_fails(capsys):
    pytest.importorskip("ipympl")
    shell = FakeShell(fail_on={"widget"})
    assert _base.use_widget_backend(shell) == "inline"
    assert shell.magics == ["%matplotlib widget", "%matplotlib inline"]
    assert "not a recognised" in capsys.readouterr().out


def test_static_figures_can_be_forced(monkeypatch, widget_backend, capsys):
    monkeypatch.setenv(_base.STATIC_ENV, "1")
    shell = FakeShell()
    assert _base.use_widget_backend(shell) == "inline"
    assert shell.magics == ["%matplotlib inline"]
    assert f"{_base.STATIC_ENV}=1" in capsys.readouterr().out
    figure = _base.new_figure()
    assert not isinstance(figure.canvas, w.DOMWidget)


def test_use_widget_backend_outside_ipython_changes_nothing():
    backend = matplotlib.get_backend()
    assert _base.use_widget_backend() == backend
    assert matplotlib.get_backend() == backend


def test_still_image_is_retina_where_the_inline_backend_is(monkeypatch):
    """Decks are built with the inline backend set to 'retina': twice the pixels, same size."""
    from PIL import Image
    import io

    demo = line_demo(_base.new_figure(figsize=(4, 2)))
    (view,) = shown_views(demo.widget())
    assert Image.open(io.BytesIO(still_png(view))).size == (400, 200) and view.outputs[0]["metadata"] == {}
    monkeypatch.setattr(_base, "_retina", lambda: True)
    demo.update(freq=2.0)
    assert Image.open(io.BytesIO(still_png(view))).size == (800, 400)
    assert view.outputs[0]["metadata"] == {"image/png": {"width": 400, "height": 200}}
    assert demo.figure.dpi == 100, "drawing at twice the dpi must leave the figure as it was"
