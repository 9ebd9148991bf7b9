#!/usr/bin/env python3
"""Write the nbgrader source notebooks ``source/<name>/<name>.ipynb`` from ``cells/<name>.py``.

    python assignments/make_notebooks.py           # (re)write assignments/source/*/*.ipynb
    python assignments/make_notebooks.py --check   # exit 1 if a notebook differs from what this writes

The notebooks are the source of truth for nbgrader; this script only keeps them consistent
(nbgrader metadata, no outputs, stable cell ids). Edit the cell texts in
``assignments/cells/<name>.py`` and run it again, or edit a notebook in Jupyter with the
nbgrader "Create Assignment" toolbar and stop using this script for that notebook.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cells import ASSIGNMENTS  # noqa: E402

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _nbgrader(grade_id, *, grade, solution, locked, points=None):
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def build(cells):
    """Turn the ``(kind, ...)`` tuples of cells/<name>.py into an nbformat notebook."""
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    n_markdown = 0
    for kind, *args in cells:
        if kind == "md":
            n_markdown += 1
            cell = nbformat.v4.new_markdown_cell(args[0].strip("\n"))
            cell.id = f"md-{n_markdown:02d}"
        elif kind == "solution":  # student code, graded by the test cells after it
            grade_id, source = args
            cell = nbformat.v4.new_code_cell(source.strip("\n"))
            cell.metadata = _nbgrader(grade_id, grade=False, solution=True, locked=False)
            cell.id = grade_id
        elif kind == "tests":  # autograded: full points unless the cell raises
            grade_id, points, source = args
            cell = nbformat.v4.new_code_cell(source.strip("\n"))
            cell.metadata = _nbgrader(grade_id, grade=True, solution=False, locked=True, points=points)
            cell.id = grade_id
        elif kind == "answer":  # written answer, graded by hand
            grade_id, points, source = args
            cell = nbformat.v4.new_markdown_cell(source.strip("\n"))
            cell.metadata = _nbgrader(grade_id, grade=True, solution=True, locked=False, points=points)
            cell.id = grade_id
        else:
            raise ValueError(f"unknown cell kind {kind!r}")
        nb.cells.append(cell)
    nbformat.validate(nb)
    return nb


def notebook_path(name):
    return HERE / "source" / name / f"{name}.ipynb"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 if a notebook is out of date")
    args = parser.parse_args(argv)
    stale = []
    for name, cells in ASSIGNMENTS.items():
        path = notebook_path(name)
        text = nbformat.writes(build(cells)) + "\n"
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(HERE.parent)}")
    if args.check and stale:
        print("out of date (run python assignments/make_notebooks.py):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
