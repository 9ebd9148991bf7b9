"""The feedback HTML students read: one self-contained file that needs no internet.

Registered in ``nbgrader_config.py`` by :func:`configure`; ``course.py feedback`` (and ``nbgrader
generate_feedback`` in this folder) then write feedback with :class:`FeedbackExporter`:

* **Maths without MathJax.** nbgrader's feedback loads MathJax from a CDN, so offline (an exam
  room, a train) a student sees raw LaTeX. Here every formula of the markdown cells is turned
  into MathML when the feedback is written (`latex2mathml`), which browsers draw themselves: no
  script, no download, nothing to serve next to the file. A formula the converter does not know
  stays as its LaTeX source, in a ``<code>`` element.
* **Parts by name.** The table of contents at the top names each graded part after the heading
  above its test ("Part 3 — ReLU: 0 / 2"), instead of nbgrader's "Test cell" for every one.
* **Whole messages.** Long output lines (an assertion message, a traceback) wrap instead of
  running off the page.

The template is ``templates/mlp_feedback/index.html.j2``, which extends nbgrader's.
"""
from __future__ import annotations

import html
import os
import re

from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

__all__ = ["FeedbackExporter", "latex_to_mathml", "part_titles", "configure"]

TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
TEMPLATE_NAME = "mlp_feedback"

_POINTS = re.compile(r"\s*\(\s*\d+(?:\.\d+)?\s+points?\s*\)\s*$", re.IGNORECASE)


def latex_to_mathml(latex: str, display: bool = False) -> str:
    """MathML for the formula ``latex``; its escaped source in ``<code>`` if it cannot be converted.

    >>> latex_to_mathml(r"x^2").startswith('<math')
    True
    """
    from latex2mathml.converter import convert

    try:
        return convert(latex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - any macro latex2mathml lacks: show the source instead
        delimiter = "$$" if display else "$"
        return f'<code class="latex">{html.escape(delimiter + latex + delimiter)}</code>'


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with formulas written as MathML instead of left for MathJax."""

    def block_math(self, body: str) -> str:
        return latex_to_mathml(body, display=True)

    def inline_math(self, body: str) -> str:
        return latex_to_mathml(body)

    def latex_environment(self, name: str, body: str) -> str:
        return latex_to_mathml(rf"\begin{{{name}}}{body}\end{{{name}}}", display=True)


def _heading(source: str) -> str | None:
    for line in source.splitlines():
        if line.startswith("#"):
            return _POINTS.sub("", line.lstrip("#").strip()) or None
    return None


def part_titles(nb) -> dict[str, str]:
    """{grade_id: title} for every graded cell: the last markdown heading above it.

    "## Part 3 — ReLU (2 points)" above ``test_relu`` gives ``{"test_relu": "Part 3 — ReLU"}``
    (the points are left out: the feedback shows the score). A graded cell with no heading
    above it keeps its grade id.
    """
    titles, current = {}, None
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "markdown" and not meta.get("grade"):
            current = _heading(cell.source) or current
        if meta.get("grade") and meta.get("grade_id"):
            titles[meta["grade_id"]] = current or meta["grade_id"]
    return titles


class FeedbackExporter(HTMLExporter):
    """HTMLExporter for nbgrader's feedback: MathML maths, part names, wrapped output."""

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        renderer = MathMLRenderer(escape=False, attachments=cell.get("attachments", {}),
                                  embed_images=self.embed_images, path=path,
                                  anchor_link_text=self.anchor_link_text,
                                  exclude_anchor_links=self.exclude_anchor_links,
                                  **getattr(self, "lexer_options", {}))  # nbconvert >= 7.17 only
        return MarkdownWithMath(renderer=renderer).render(source)

    def from_notebook_node(self, nb, resources=None, **kw):
        resources = self._init_resources(resources)
        resources["mlp_parts"] = part_titles(nb)
        return super().from_notebook_node(nb, resources, **kw)


def configure(c) -> None:
    """Write feedback with :class:`FeedbackExporter` and this folder's template (nbgrader config ``c``)."""
    import nbgrader

    nbgrader_templates = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions",
                                      "formgrader", "templates")
    static = os.path.join(os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "static")
    # nbgrader 0.9.6 ships bootstrap under node_modules/, 0.9.5 (the newest for Python 3.10) under components/
    bootstrap_css = next((path for path in (os.path.join(static, "node_modules", "bootstrap", "dist", "css"),
                                            os.path.join(static, "components", "bootstrap", "css"))
                          if os.path.exists(os.path.join(path, "bootstrap.min.css"))),
                         os.path.join(static, "node_modules", "bootstrap", "dist", "css"))
    c.GenerateFeedback.exporter_class = FeedbackExporter
    # FeedbackExporter's own section: it wins over the HTMLExporter settings nbgrader makes
    c.FeedbackExporter.template_name = TEMPLATE_NAME
    c.FeedbackExporter.extra_template_basedirs = [TEMPLATES, nbgrader_templates]
    c.FeedbackExporter.extra_template_paths = [bootstrap_css, nbgrader_templates]  # "feedback/index.html.j2"
