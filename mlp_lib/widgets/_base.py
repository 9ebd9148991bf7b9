"""The one pattern every lecture widget follows: a :class:`Demo` = a figure + controls +
an ``update(**values)`` that changes artists in place (``set_data``), never pyplot state.

* In JupyterLab with ``%matplotlib widget`` (ipympl) the figure's canvas is itself a widget
  and ``update`` ends with ``canvas.draw_idle()``: smooth, no flicker, thread-safe enough
  for callbacks that arrive on another thread ("comms over subshells").
* Where ipympl is missing (:func:`use_widget_backend` then chose the inline backend) or
  broken (its browser side never answers, as on some hosted runtimes), the figure is shown
  as a still image (a PNG in an ``Output`` widget) that is redrawn after each update: the
  controls still work, only zooming and panning are gone. An ipympl canvas is shown only
  once its browser side has reported in; until then the image stands in for it.
* Tests and benchmarks call ``demo.update(name=value)`` without a browser and check the
  rendered pixels with :meth:`Demo.render` / :func:`is_blank`.
"""
from __future__ import annotations

import base64
import io
import os
import warnings

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Demo", "new_figure", "is_blank", "render", "use_widget_backend"]

# Set to 1 to show every demo as still images even where ipympl is installed (for a
# hosted runtime whose browser side of ipympl is broken in a way that is not detected).
STATIC_ENV = "MLP_STATIC_FIGURES"


def _ipympl_active():
    backend = matplotlib.get_backend().lower()
    return "ipympl" in backend or "widget" in backend


def _is_ipympl_canvas(canvas):
    """True when ``canvas`` is an ipympl canvas, i.e. itself a widget the browser draws."""
    try:
        import ipywidgets
    except ImportError:
        return False
    return isinstance(canvas, ipywidgets.DOMWidget)


def use_widget_backend(shell=None):
    """Start a lecture: ``%matplotlib widget`` where ipympl works, still images elsewhere.

    A bare ``%matplotlib widget`` stops "Run All" with an error where ipympl is not
    installed (e.g. ``pip install mlp_lib`` without the ``student`` extra, or a hosted
    runtime). This runs it when ipympl can be imported, and otherwise (or with the
    environment variable ``MLP_STATIC_FIGURES=1``) switches to ``%matplotlib inline``
    with a one-line note; the demos then show still images that update.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell, optional
        Default: the running IPython (``get_ipython()``).

    Returns
    -------
    str
        ``"widget"`` or ``"inline"``: the backend in use. Outside IPython nothing is
        changed and matplotlib's current backend name is returned.
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None:
        return matplotlib.get_backend()
    reason = None
    if os.environ.get(STATIC_ENV) == "1":
        reason = f"{STATIC_ENV}=1 is set"
    else:
        try:
            import ipympl  # noqa: F401
            shell.run_line_magic("matplotlib", "widget")
            return "widget"
        except Exception as exc:  # missing, or installed but broken (version clash)
            reason = f"ipympl is not usable here ({type(exc).__name__}: {exc})"
    shell.run_line_magic("matplotlib", "inline")
    print(f"Note: {reason}; figures are still images that update when you move a control.")
    return "inline"


def new_figure(figsize=(8, 3.5), **kwargs):
    """A Figure with no pyplot state; with the ipympl backend its canvas is a widget.

    If the ipympl backend is active but its canvas cannot be made (a broken install),
    the figure keeps matplotlib's plain canvas and demos show it as a still image.
    """
    fig = Figure(figsize=figsize, layout="constrained", **kwargs)
    if _ipympl_active() and os.environ.get(STATIC_ENV) != "1":
        try:
            from ipympl.backend_nbagg import new_figure_manager_given_figure

            manager = new_figure_manager_given_figure(id(fig), fig)
        except Exception as exc:
            warnings.warn(f"ipympl could not make an interactive figure ({type(exc).__name__}: {exc}); "
                          "showing a still image instead.", RuntimeWarning, stacklevel=2)
            FigureCanvasAgg(fig)
            return fig
        manager.canvas.header_visible = False
        manager.canvas.toolbar_visible = False
        manager.canvas.footer_visible = False
    return fig


def png_bytes(fig, scale=1):
    """``fig`` drawn as PNG at ``scale`` times its dpi, for the still image of :meth:`Demo.widget`.

    Fast compression (zlib level 1): the image is redrawn on every control change, and
    level 1 encodes several times faster than the default for a slightly larger file.
    """
    from PIL import Image  # matplotlib's own dependency

    canvas, dpi = fig.canvas, fig.dpi
    try:  # a separate Agg canvas: drawing on ipympl's would send frames to its browser side
        agg = FigureCanvasAgg(fig)
        if scale != 1:
            fig.dpi = dpi * scale
        agg.draw()
        pixels = np.asarray(agg.buffer_rgba()).copy()
    finally:
        fig.dpi = dpi  # while the Agg canvas is current: no resize reaches ipympl
        fig.set_canvas(canvas)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _retina():
    """True where IPython's inline backend is set to 'retina' (as for the lecture decks)."""
    try:
        from matplotlib_inline.backend_inline import InlineBackend
    except ImportError:
        return False
    return InlineBackend.initialized() and "retina" in InlineBackend.instance().figure_formats


def _still_outputs(fig):
    """An ``Output`` widget's outputs showing ``fig`` as a PNG (set at once: no flicker, and
    no kernel needed, so decks built from executed notebooks keep the image). Twice the
    pixels, shown at the figure's size, where the inline backend asks for 'retina'."""
    scale = 2 if _retina() else 1
    png = png_bytes(fig, scale)
    width, height = fig.get_size_inches() * fig.dpi
    metadata = {"image/png": {"width": round(width), "height": round(height)}} if scale != 1 else {}
    return ({"output_type": "display_data", "metadata": metadata,
             "data": {"image/png": base64.b64encode(png).decode("ascii"),
                      "text/plain": "<still image of the figure>"}},)


def render(fig):
    """Draw ``fig`` with Agg and return its pixels as an (H, W, 4) uint8 array."""
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def is_blank(image_or_fig, min_fraction=0.002):
    """True if (almost) every pixel has the background colour: an empty or failed figure."""
    img = render(image_or_fig) if isinstance(image_or_fig, Figure) else np.asarray(image_or_fig)
    background = img[0, 0]
    differs = np.any(img != background, axis=-1)
    return differs.mean() < min_fraction


class Demo:
    """A figure driven by ipywidgets controls.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
    controls : dict name -> ipywidgets control (slider, dropdown, …)
    update : callable(**values)
        Changes the figure's artists for the given control values; called once at start.
    """

    def __init__(self, figure, controls, update, title=None):
        self.figure = figure
        self.controls = dict(controls)
        self._update = update
        self.title = title
        self._output = None  # ipywidgets.Output with the still image, until an ipympl canvas is live
        self._boxes = []  # the boxes widget() made with both, to drop the image from once live
        self._live = False  # True once ipympl's browser side has reported in
        if _is_ipympl_canvas(figure.canvas):
            # ipympl stops syncing its data URL once the browser has reported in (maybe in an
            # earlier cell); later reports come as messages, so listen from the start.
            self._live = getattr(figure.canvas, "syncing_data_url", True) is False
            figure.canvas.on_msg(self._on_canvas_message)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    @property
    def values(self):
        return {name: c.value for name, c in self.controls.items()}

    def update(self, **values):
        """Set control values (without firing callbacks twice) and redraw the figure."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"unknown control(s) {sorted(unknown)}; this demo has {sorted(self.controls)}")
        for name, value in values.items():
            c = self.controls[name]
            c.unobserve(self._on_change, names="value")
            try:
                c.value = value
            finally:
                c.observe(self._on_change, names="value")
        self._update(**self.values)
        self._show()

    def _on_change(self, change):
        self._update(**self.values)
        self._show()

    def _show(self):
        if _is_ipympl_canvas(self.figure.canvas):
            self.figure.canvas.draw_idle()
        if self._output is not None and not self._live:
            self._output.outputs = _still_outputs(self.figure)

    def _on_canvas_message(self, _canvas, content, _buffers):
        """ipympl's browser side made the canvas ("initialized"): show it, drop the image."""
        if content.get("type") == "initialized" and not self._live:
            self._live = True
            self.figure.canvas.layout.display = None
            for box in self._boxes:  # removed, not hidden: nothing invisible stays on the page
                box.children = tuple(child for child in box.children if child is not self._output)
            self._boxes = []

    def render(self):
        """The figure's current pixels (H, W, 4), for tests and benchmarks."""
        return render(self.figure)

    def widget(self):
        """The ipywidgets box: controls above the figure."""
        import ipywidgets as w

        for control in self.controls.values():
            if hasattr(control.style, "description_width"):
                control.style.description_width = "initial"  # show the whole label, never "hidden un…"
        controls = w.HBox(list(self.controls.values()), layout=w.Layout(flex_flow="row wrap"))
        canvas = self.figure.canvas
        if self._live:
            return w.VBox([controls, canvas])
        if self._output is None:
            self._output = w.Output()
            self._output.outputs = _still_outputs(self.figure)
        if not _is_ipympl_canvas(canvas):
            return w.VBox([controls, self._output])
        # The canvas stays hidden until ipympl's browser side reports in; where it never
        # does (ipympl broken there), the still image is what the student sees.
        canvas.layout.display = "none"
        box = w.VBox([controls, canvas, self._output])
        self._boxes.append(box)
        return box

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget())

    def __repr__(self):
        return f"Demo({self.title or 'widget'}, controls={list(self.controls)})"
