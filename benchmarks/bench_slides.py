"""Seconds to build every lecture deck (``python3 tasks.py slides``); goal: under a minute.

In one run, into a temporary folder:

1. every deck one at a time (``--jobs 1``), timing for each lecture the run (executing the
   notebook in a fresh kernel, as nbval does) and the export (widgets to images, instructor
   cells out, nbconvert's reveal template); the ratio export / run is what the deck adds to
   running the lecture;
2. the whole set as ``tasks.py slides`` builds it (``--jobs 2`` by default): the wall time an
   instructor waits, and its speed-up over 1.

The load average is printed with the figures: other work on the machine slows both.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/bench_slides.py
    .venv/bin/python benchmarks/bench_slides.py --jobs 2 --skip-serial

Needs the decks' browser files (``npm ci`` in slides/, done here if needed).
Exit status: 0 if the whole set builds within the goal, 1 otherwise.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 60.0


def load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # the process pool pickles tools/slides.py's functions by module name
    spec.loader.exec_module(module)
    return module


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2, help="lectures at a time for the whole set (default 2)")
    parser.add_argument("--skip-serial", action="store_true", help="only the whole set (step 2)")
    ns = parser.parse_args(argv)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")

    load_module("tasks", ROOT / "tasks.py").ensure_web_assets()
    sys.path.insert(0, str(ROOT / "tools"))
    slides = load_module("slides", ROOT / "tools" / "slides.py")
    notebooks = slides.lecture_notebooks([])
    print(f"{len(notebooks)} lectures; {load()}", flush=True)

    serial = None
    if not ns.skip_serial:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp)
            slides.install_static(out)
            rows, start = [], time.perf_counter()
            for notebook in notebooks:
                timings: dict = {}
                slides.build_deck(notebook, out, timings=timings)
                rows.append((notebook.stem, timings["run"], timings["export"]))
                print(f"  {notebook.stem:<50s} run {timings['run']:5.1f} s   export {timings['export']:4.1f} s",
                      flush=True)
            serial = time.perf_counter() - start
        run = sum(r[1] for r in rows)
        export = sum(r[2] for r in rows)
        print(f"one at a time: {serial:.1f} s (run {run:.1f} s, export {export:.1f} s; "
              f"export / run = {export / run:.2f}); {load()}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        decks, errors = slides.build_all(notebooks, Path(tmp), jobs=ns.jobs)
        whole = time.perf_counter() - start
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    speedup = f"; {serial / whole:.2f}x faster than one at a time" if serial else ""
    print(f"whole set, --jobs {ns.jobs}: {len(decks)} decks in {whole:.1f} s (goal < {GOAL_S:.0f} s)"
          f"{speedup}; {load()}", flush=True)
    return 0 if whole < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
