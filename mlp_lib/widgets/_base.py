"""The one pattern every lecture widget follows: a :class:`Demo` = a figure + controls +
an ``update(**values)`` that changes artists in place (``set_data``), never pyplot state.

* In JupyterLab with ``%matplotlib widget`` (ipympl) the figure's canvas is itself a widget
  and ``update`` ends with ``canvas.draw_idle()``: smooth, no flicker, thread-safe enough
  for callbacks that arrive on another thread ("comms over subshells").
* Elsewhere (inline backend, nbval, tests) the figure is shown through an ``Output`` widget
  and re-displayed after each update.
* Tests and benchmarks call ``demo.update(name=value)`` without a browser and check the
  rendered pixels with :meth:`Demo.render` / :func:`is_blank`.
"""
from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Demo", "new_figure", "is_blank", "render"]


def _ipympl_active():
    backend = matplotlib.get_backend().lower()
    return "ipympl" in backend or "widget" in backend


def new_figure(figsize=(8, 3.5), **kwargs):
    """A Figure with no pyplot state; with the ipympl backend its canvas is a widget."""
    fig = Figure(figsize=figsize, layout="constrained", **kwargs)
    if _ipympl_active():
        from ipympl.backend_nbagg import new_figure_manager_given_figure

        manager = new_figure_manager_given_figure(id(fig), fig)
        manager.canvas.header_visible = False
        manager.canvas.toolbar_visible = False
        manager.canvas.footer_visible = False
    return fig


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
        self._output = None
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
        if _ipympl_active() and hasattr(self.figure.canvas, "draw_idle"):
            self.figure.canvas.draw_idle()
        elif self._output is not None:
            from IPython.display import display

            with self._output:
                self._output.clear_output(wait=True)
                display(self.figure)

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
        if _ipympl_active() and isinstance(self.figure.canvas, w.DOMWidget):
            view = self.figure.canvas
        else:
            if self._output is None:
                self._output = w.Output()
                self._show()
            view = self._output
        return w.VBox([controls, view])

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget())

    def __repr__(self):
        return f"Demo({self.title or 'widget'}, controls={list(self.controls)})"
