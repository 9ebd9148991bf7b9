#!/usr/bin/env python3
"""Seconds to autograde one submission and N submissions, per assignment (goal: < 2 s per extra submission).

    python benchmarks/bench_grading.py            # N = 6
    python benchmarks/bench_grading.py -n 10
    python benchmarks/bench_grading.py --quick    # N = 3, assignment 1 only

Works on a temporary copy of ``assignments/``: generates the release notebooks, writes N copies
of the reference solution as submissions, then times the documented command
``course.py autograde <assignment>`` for one student and for all N. The times include starting
Python and nbgrader and one run of the reference solution, which the judge compares every
submission with (together a few seconds, paid once per grading run); "each, marginal" is
(time for N - time for 1) / (N - 1), the cost of one more submission, which the goal is about.
Wall-clock times: on a busy machine they grow, so the load average is printed with them.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
GOAL = 2.0  # seconds per extra submission (marginal)


def run(course, *args):
    """Run course.py; return its wall-clock seconds."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(course / "course.py"), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"course.py {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start


def write_reference_submissions(course, assignment, students):
    source = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", "",
                                                          c.source + "\n", flags=re.M)
               for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    release = nbformat.read(course / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in release.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    for student in students:
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(release, folder / f"{assignment}.ipynb")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=6, help="number of submissions per assignment (default 6)")
    parser.add_argument("--quick", action="store_true", help="N = 3, assignment 1 only")
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"(ignoring arguments meant for other benchmarks: {' '.join(unknown)})")
    n = 3 if args.quick else max(args.n, 2)

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as tmp:
        course = Path(tmp) / "assignments"
        shutil.copytree(ROOT / "assignments", course, ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "exchange", "downloaded", "gradebook.db",
            "__pycache__", "grades.csv"))
        names = sorted(p.name for p in (course / "source").iterdir() if p.is_dir())
        if args.quick:
            names = names[:1]
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
        print(f"generate ({len(names)} assignments): {run(course, 'generate', *names):.1f} s\n")
        print(f"{'assignment':<32s} {'1 submission':>13s} {f'{n} submissions':>15s} {'each':>6s} "
              f"{'each, marginal':>15s}")
        worst = 0.0  # the largest marginal cost
        for name in names:
            students = [f"student{i:02d}" for i in range(n)]
            write_reference_submissions(course, name, students)
            one = run(course, "autograde", name, "--student", students[0])
            many = run(course, "autograde", name)
            each, marginal = many / n, (many - one) / (n - 1)
            worst = max(worst, marginal)
            print(f"{name:<32s} {one:>11.1f} s {many:>13.1f} s {each:>4.1f} s {marginal:>13.2f} s")
        verdict = "meets" if worst < GOAL else "MISSES"
        print(f"\nslowest: {worst:.2f} s per extra submission — {verdict} the goal of < {GOAL:g} s "
              f"(load average now {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
