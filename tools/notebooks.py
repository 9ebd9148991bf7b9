#!/usr/bin/env python3
"""Build the committed notebooks from their text sources, and check that they match.

Every lecture and assignment is written as a MyST Markdown text notebook (``NAME.md``, read and
written by jupytext) and committed next to the notebook built from it (``NAME.ipynb``)::

    python3 tasks.py notebooks                  # build every .ipynb; run the lectures, store checked outputs
    python3 tasks.py notebooks --no-run         # build only, keep the stored outputs of unchanged cells
    python3 tasks.py notebooks --check          # write nothing; exit 1 naming every stale notebook
    python3 tasks.py notebooks lectures/03_backpropagation.md   # only these sources

(or ``.venv/bin/python tools/notebooks.py ...``). A built notebook is the source's cells with

* stable cell ids: an nbgrader cell's id is its ``grade_id``; any other cell's is derived from
  its type and text, so rebuilding gives the same ids and a cell keeps its id when others move;
* the notebook metadata reduced to the kernel (no jupytext, widget or language state);
* no outputs, except in lecture cells tagged ``nbval-check-output``: those keep their printed
  text (stdout only) and an execution count, the reference that ``pytest --nbval-lax`` compares.
  A cell's stored text is kept while its source is unchanged; running refreshes it.

``--check`` builds each notebook in memory (keeping the stored outputs) and compares it byte for
byte with the committed file, so an edit to one side only, saved outputs or a changed cell id
all fail it. ``tests/test_notebooks.py`` runs it in CI.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import os
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
ASSIGNMENT_SOURCES = ROOT / "assignments" / "source"
CHECK_TAG = "nbval-check-output"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
RUN_TIMEOUT = 300  # s per cell when a lecture is run to store its checked outputs
PREFIX = {"markdown": "md", "code": "code", "raw": "raw"}  # of the cell ids derived from text


# --------------------------------------------------------------------------- sources

def is_text_notebook(path: Path) -> bool:
    """True when ``path`` is a MyST text notebook (its YAML header names the myst format)."""
    head = path.read_text(encoding="utf-8")[:600]
    return head.startswith("---\n") and "format_name: myst" in head


def all_sources() -> list[Path]:
    """Every text notebook: ``lectures/*.md`` and ``assignments/source/<name>/*.md``."""
    candidates = sorted(LECTURES.glob("*.md")) + sorted(ASSIGNMENT_SOURCES.glob("*/*.md"))
    return [p for p in candidates if is_text_notebook(p)]


def is_lecture(source: Path) -> bool:
    """Lectures live in a folder named ``lectures`` (here, or in a copy of it)."""
    return source.resolve().parent.name == LECTURES.name


def shown(path: Path) -> str:
    """``path`` relative to the repository when it is inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def notebook_path(source: Path) -> Path:
    return source.with_suffix(".ipynb")


# --------------------------------------------------------------------------- building

def cell_id(cell, taken: set[str]) -> str:
    """A stable id: the nbgrader ``grade_id``, else a digest of the cell's type and text."""
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    if grade_id:
        base = grade_id
    else:
        digest = hashlib.sha1(f"{cell.cell_type}\0{cell.source}".encode()).hexdigest()[:8]
        base = f"{PREFIX[cell.cell_type]}-{digest}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def is_checked(cell) -> bool:
    return cell.cell_type == "code" and CHECK_TAG in cell.metadata.get("tags", [])


def build(source: Path) -> nbformat.NotebookNode:
    """The notebook of ``source``: its cells with stable ids, no outputs, kernel metadata only."""
    text_nb = jupytext.read(source)
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": text_nb.metadata.get("kernelspec", KERNELSPEC),
                   "language_info": {"name": "python"}}
    taken: set[str] = set()
    for cell in text_nb.cells:
        new = {"markdown": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell,
               "raw": nbformat.v4.new_raw_cell}[cell.cell_type](cell.source)
        new.metadata = copy.deepcopy(cell.metadata)
        new.id = cell_id(new, taken)
        nb.cells.append(new)
    nbformat.validate(nb)
    return nb


def stored_outputs(path: Path) -> dict[str, tuple]:
    """``{source text: (outputs, execution_count)}`` of the checked cells of a built notebook."""
    if not path.exists():
        return {}
    nb = nbformat.read(path, as_version=4)
    return {c.source: (c.outputs, c.execution_count) for c in nb.cells if is_checked(c) and c.outputs}


def keep_outputs(nb, stored: dict[str, tuple]) -> list[int]:
    """Give each checked cell of ``nb`` its stored output; return the indices still without one."""
    missing = []
    for i, cell in enumerate(nb.cells):
        if not is_checked(cell):
            continue
        if cell.source in stored:
            cell.outputs, cell.execution_count = copy.deepcopy(stored[cell.source])
        else:
            missing.append(i)
    return missing


def run_checked_outputs(nb, cwd: Path) -> None:
    """Execute a copy of ``nb`` in ``cwd`` and store the stdout of its checked cells in ``nb``."""
    from nbclient import NotebookClient

    executed = copy.deepcopy(nb)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    NotebookClient(executed, timeout=RUN_TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute(env=env)
    for cell, ran in zip(nb.cells, executed.cells):
        if not is_checked(cell):
            continue
        others = [o for o in ran.outputs if o.output_type != "stream" or o.name != "stdout"]
        if others:
            raise RuntimeError(f"a cell tagged {CHECK_TAG} may only print to stdout; it gave "
                               f"{[o.output_type for o in others]}:\n{cell.source}")
        text = "".join(o.text for o in ran.outputs)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
        cell.execution_count = ran.execution_count


def render(nb) -> str:
    return nbformat.writes(nb) + "\n"


def built_text(source: Path, run: bool) -> tuple[str, list[int]]:
    """The text of the built notebook of ``source`` and the checked cells left without output."""
    nb = build(source)
    missing: list[int] = []
    if is_lecture(source):
        if run:
            run_checked_outputs(nb, source.parent)
        else:
            missing = keep_outputs(nb, stored_outputs(notebook_path(source)))
    return render(nb), missing


def write(source: Path, text: str) -> Path:
    """Write the built notebook; give it the source's mtime, so jupytext sees them in step."""
    path = notebook_path(source)
    path.write_text(text, encoding="utf-8")
    mtime = source.stat().st_mtime
    os.utime(path, (mtime, mtime))
    return path


# --------------------------------------------------------------------------- command line

def resolve(names: list[str]) -> list[Path]:
    if not names:
        return all_sources()
    sources = []
    for name in names:
        path = Path(name)
        path = path if path.is_absolute() else Path.cwd() / path
        path = path.with_suffix(".md")
        if not path.exists() or not is_text_notebook(path):
            raise SystemExit(f"error: {name}: not a text notebook (expected a MyST .md file under "
                             f"lectures/ or assignments/source/<name>/)")
        sources.append(path)
    return sources


def stale_notebooks(sources: list[Path]) -> list[str]:
    """Why each built notebook differs from its source (empty when all are in step)."""
    problems = []
    for source in sources:
        path = notebook_path(source)
        rel = shown(path)
        text, missing = built_text(source, run=False)
        if not path.exists():
            problems.append(f"{rel}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{rel}: differs from what {source.name} builds (edited on one side only, "
                            "saved outputs, or changed cell ids)")
        if missing:
            problems.append(f"{rel}: checked cells {missing} have no stored output")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py notebooks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is stale")
    mode.add_argument("--no-run", action="store_true",
                      help="do not run the lectures; keep the stored outputs of unchanged checked cells")
    parser.add_argument("sources", nargs="*", help="text notebooks to build (default: all)")
    args = parser.parse_args(argv)
    sources = resolve(args.sources)
    if args.check:
        problems = stale_notebooks(sources)
        if problems:
            print("Out of date; run `python3 tasks.py notebooks`:", *problems, sep="\n  ")
            return 1
        print(f"{len(sources)} notebooks are in step with their sources.")
        return 0
    incomplete = []
    for source in sources:
        run = is_lecture(source) and not args.no_run
        if run:
            print(f"running {shown(source)} ...", flush=True)
        text, missing = built_text(source, run=run)
        path = write(source, text)
        print(f"wrote {shown(path)}", flush=True)
        if missing:
            incomplete.append(f"{shown(path)}: checked cells {missing}")
    if incomplete:
        print("No stored output (run without --no-run to store it):", *incomplete, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
