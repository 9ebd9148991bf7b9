"""Interactive lecture figures: one module per lecture topic, each with ``*_demo()`` builders
that return a :class:`~mlp_lib.widgets._base.Demo` (a figure + ipywidgets controls whose
``update(**values)`` can be driven without a browser).

Modules: ``neurons`` (00), ``perceptron`` (01), ``mlp`` (02), ``backprop`` (03),
``saturation`` (04), ``clipping`` (05), ``initialization`` (06), ``gd_variants`` and ``playground``
(07). Every figure keeps its static parts cached (:mod:`._static`): an update redraws only what moves.
Import the one you need, e.g. ``from mlp_lib.widgets import neurons``; nothing is imported here
at package import time beyond the base pattern.
"""
from ._base import Demo, is_blank, new_figure, render, use_widget_backend

__all__ = ["Demo", "is_blank", "new_figure", "render", "use_widget_backend"]
