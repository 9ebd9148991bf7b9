"""Shared by the lecture generators (tools/make_lectures_*.py): cell builders and the
write-run-keep-checked-outputs step.

Notebooks are saved without outputs, except the cells marked ``# NBVAL_CHECK_OUTPUT``:
nbval only compares cells that have an execution count, so those keep their printed text
(and nothing else) as the reference that ``pytest --nbval-lax lectures/`` checks.
"""
from __future__ import annotations

import argparse
import copy
import os
from pathlib import Path
from textwrap import dedent

import nbformat as nbf

ROOT = Path(__file__).resolve().parents[1]
CHECK = "# NBVAL_CHECK_OUTPUT"


def md(text, slide="-"):
    cell = nbf.v4.new_markdown_cell(dedent(text).strip())
    cell.metadata["slideshow"] = {"slide_type": slide}
    return cell


def code(src, slide="-"):
    cell = nbf.v4.new_code_cell(dedent(src).strip())
    cell.metadata["slideshow"] = {"slide_type": slide}
    return cell


def setup(*imports):
    return code("%matplotlib widget\nimport numpy as np\n" + "\n".join(imports), slide="skip")


def build(cells):
    nb = nbf.v4.new_notebook()
    nb.cells = copy.deepcopy(cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def keep_checked_outputs(nb, executed):
    """Copy the printed text of the ``# NBVAL_CHECK_OUTPUT`` cells from ``executed`` into ``nb``."""
    for cell, ran in zip(nb.cells, executed.cells):
        if cell.cell_type != "code" or not cell.source.startswith(CHECK):
            continue
        streams = [o for o in ran.outputs if o.output_type == "stream"]
        others = [o for o in ran.outputs if o.output_type != "stream" or o.name != "stdout"]
        if others:
            raise RuntimeError(f"checked cell must print to stdout only, got {others}:\n{cell.source}")
        cell.outputs = [nbf.v4.new_output("stream", name="stdout", text="".join(o.text for o in streams))]
        cell.execution_count = ran.execution_count


def main(notebooks, description, argv=None):
    """Write (and by default run) the notebooks ``{name: cells}`` into lectures/."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-run", action="store_true", help="do not execute; checked cells keep no reference")
    parser.add_argument("names", nargs="*", help="notebooks to write (default: all four)")
    args = parser.parse_args(argv)
    out_dir = ROOT / "lectures"
    out_dir.mkdir(exist_ok=True)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    for name in args.names or notebooks:
        nb = build(notebooks[name])
        if not args.no_run:
            from nbclient import NotebookClient

            executed = copy.deepcopy(nb)
            NotebookClient(executed, timeout=300, kernel_name="python3",
                           resources={"metadata": {"path": str(out_dir)}}).execute()
            keep_checked_outputs(nb, executed)
        nbf.validate(nb)
        nbf.write(nb, out_dir / f"{name}.ipynb")
        print("wrote", (out_dir / f"{name}.ipynb").relative_to(ROOT))
    return 0

