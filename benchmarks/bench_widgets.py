"""Median milliseconds per widget update, headless: every ``*_demo`` in ``mlp_lib.widgets``.

For each public ``*_demo`` function of every module in ``mlp_lib/widgets`` (found by
import, so new widgets are benchmarked without editing this file), build the demo with its
defaults, then sweep each control through several values (sliders: evenly spaced over
min..max; dropdowns and buttons: every option; checkboxes: both) and time
``demo.update(name=value)`` followed by an Agg render of the figure, i.e. what a student waits
for after moving a control. The goal is a median below 100 ms for every widget.

    python benchmarks/bench_widgets.py               # all widgets
    python benchmarks/bench_widgets.py --threads 1   # single-threaded BLAS (set before numpy loads)
    python benchmarks/bench_widgets.py -k clipping --values 7 --repeat 2

Exit status: 0 if every widget meets the goal, 1 otherwise.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

GOAL_MS = 100.0
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
               "NUMEXPR_NUM_THREADS")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=None,
                        help="BLAS/OpenMP threads (sets OPENBLAS_NUM_THREADS etc. before importing numpy)")
    parser.add_argument("--values", type=int, default=5, help="values per slider (default 5)")
    parser.add_argument("--repeat", type=int, default=1, help="sweeps over every control (default 1)")
    parser.add_argument("-k", dest="only", default=None, help="only widgets whose module.name contains this")
    return parser.parse_args(argv)


def slider_values(control, k):
    """Values a sweep visits: every option, both booleans, or ``k`` evenly spaced slider values."""
    import ipywidgets as w
    import numpy as np

    if isinstance(control, (w.Checkbox, w.ToggleButton)):
        return [not control.value, control.value]
    if hasattr(control, "options"):  # Dropdown, RadioButtons, ToggleButtons, SelectionSlider, ...
        return [opt[1] if isinstance(opt, tuple) else opt for opt in control.options]
    if isinstance(control, w.FloatLogSlider):  # min/max are exponents of base
        return [float(control.base ** e) for e in np.linspace(control.min, control.max, k)]
    if isinstance(control, (w.IntSlider, w.BoundedIntText)):
        return sorted({int(round(v)) for v in np.linspace(control.min, control.max, k)})
    if hasattr(control, "min") and hasattr(control, "max"):
        return [float(v) for v in np.linspace(control.min, control.max, k)]
    return [control.value]


def find_demos(only=None):
    """``[(qualified name, builder)]`` for every public ``*_demo`` in the mlp_lib.widgets modules."""
    import importlib
    import inspect
    import pkgutil

    import mlp_lib.widgets as pkg

    demos = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"mlp_lib.widgets.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.endswith("_demo") and not name.startswith("_") and fn.__module__ == module.__name__:
                qualified = f"{info.name}.{name}"
                if only is None or only in qualified:
                    demos.append((qualified, fn))
    return demos


def bench(builder, k, repeat):
    """Build the demo, sweep its controls; return (build seconds, update wall ms, update CPU ms,
    number of controls). CPU time tells a busy machine (wall >> CPU) from a slow widget."""
    from mlp_lib.widgets._base import is_blank, render

    start = time.perf_counter()
    demo = builder()
    build = time.perf_counter() - start
    render(demo.figure)  # first draw (fonts, caches) is not what a student waits for on each move
    initial = demo.values
    times, cpu = [], []
    for _ in range(repeat):
        for name, control in demo.controls.items():
            for value in slider_values(control, k):
                t0, c0 = time.perf_counter(), time.process_time()
                demo.update(**{name: value})
                image = render(demo.figure)
                times.append(1e3 * (time.perf_counter() - t0))
                cpu.append(1e3 * (time.process_time() - c0))
                if is_blank(image):
                    raise RuntimeError(f"blank figure after update({name}={value!r})")
            demo.update(**{name: initial[name]})
    return build, times, cpu, len(demo.controls)


def main(argv=None):
    args = parse_args(argv)
    if args.threads is not None:
        for var in THREAD_VARS:
            os.environ[var] = str(args.threads)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import matplotlib

    matplotlib.use("Agg")
    import numpy as np

    demos = find_demos(args.only)
    if not demos:
        print("no *_demo functions found in mlp_lib/widgets", file=sys.stderr)
        return 1
    threads = args.threads if args.threads is not None else os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(f"widget update + Agg render, BLAS threads: {threads}, goal: median < {GOAL_MS:.0f} ms "
          f"(wall clock; 'CPU ms' is this process's CPU time: wall >> CPU means a busy machine)\n")
    header = (f"{'widget':<42} {'controls':>8} {'updates':>7} {'build s':>8} {'median ms':>10} {'max ms':>8} "
              f"{'CPU ms':>7}  ok")
    print(header)
    print("-" * len(header))
    failed = []
    for qualified, builder in demos:
        try:
            build, times, cpu, n_controls = bench(builder, args.values, args.repeat)
        except Exception as exc:  # report and go on: one broken widget should not hide the others
            failed.append(qualified)
            print(f"{qualified:<42} ERROR {type(exc).__name__}: {exc}", flush=True)
            continue
        median = float(np.median(times))
        ok = median < GOAL_MS
        if not ok:
            failed.append(qualified)
        print(f"{qualified:<42} {n_controls:>8} {len(times):>7} {build:>8.2f} {median:>10.1f} {max(times):>8.1f} "
              f"{np.median(cpu):>7.1f}  {'yes' if ok else 'NO'}", flush=True)
    print()
    if failed:
        print(f"FAIL: {len(failed)} of {len(demos)} widgets miss the goal (median < {GOAL_MS:.0f} ms): "
              + ", ".join(failed))
        return 1
    print(f"OK: all {len(demos)} widgets meet the goal (median < {GOAL_MS:.0f} ms per update)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
