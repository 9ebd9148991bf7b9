#!/usr/bin/env python3
"""Seconds to autograde a class's submissions one at a time and with ``--jobs N``, in one run.

    python benchmarks/bench_parallel_grading.py              # 40 submissions, --jobs 1 and 2
    python benchmarks/bench_parallel_grading.py -n 80 --jobs 1 2 4

Works on a temporary copy of ``assignments/``: releases assignment 1 and writes N submissions,
cycling through the grading corpus (tests/corpus/: correct answers, mistakes, tampering), then
times the documented command ``course.py autograde a1 --jobs J`` for each J (every run regrades
all N), and checks that every run gives every student the same score. The speed-up is the ratio
of the times in this one run; on a busy machine both grow, so the load average is printed with
them (and the number of CPUs: more jobs than cores cannot help).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import corpus  # noqa: E402  (the grading corpus: how students answer)

A1 = "a1_activations_and_perceptron"


def course_py(course: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(course / "course.py"), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"course.py {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start, proc


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=40, help="number of submissions (default 40)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="--jobs values to time (default 1 2)")
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"(ignoring arguments meant for other benchmarks: {' '.join(unknown)})")
    with tempfile.TemporaryDirectory(prefix="bench-parallel-") as tmp:
        course = Path(tmp) / "assignments"
        shutil.copytree(ROOT / "assignments", course, ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "exchange", "downloaded", "gradebook.db",
            "__pycache__", "grades.csv", "reports"))
        course_py(course, "generate", A1)
        release = course / "release" / A1 / f"{A1}.ipynb"
        reference = corpus.reference_answers(course / "source" / A1 / f"{A1}.ipynb")
        entries = list(corpus.entries(A1).values())
        for i in range(args.n):
            entry = entries[i % len(entries)]
            folder = course / "submitted" / f"s{i:03d}_{entry.name}" / A1
            folder.mkdir(parents=True)
            nbformat.write(corpus.notebook(release, {**reference, **entry.cells}, entry.inserts),
                           folder / f"{A1}.ipynb")
        unsafe = [] if "Sandbox on" in course_py(course, "autograde", A1, "--student", "s000_" + entries[0].name)[1].stdout \
            else ["--unsafe-no-sandbox"]
        print(f"{os.cpu_count()} CPUs; {args.n} submissions of {A1}"
              + (" (NO SANDBOX on this machine)" if unsafe else ", each in its own sandbox"))
        print(f"{'jobs':>4s} {'seconds':>8s} {'per submission':>15s} {'speed-up':>9s} {'load before/after':>18s}")
        times, scores = {}, {}
        for jobs in args.jobs:
            load = os.getloadavg()[0]
            seconds, _ = course_py(course, "autograde", A1, "--jobs", str(jobs), *unsafe)
            times[jobs] = seconds
            _, out = course_py(course, "scores", "--json")
            scores[jobs] = {s: v["score"] for s, v in json.loads(out.stdout)[A1].items()}
            print(f"{jobs:>4d} {seconds:>8.1f} {seconds / args.n:>13.2f} s {times[args.jobs[0]] / seconds:>8.2f}x "
                  f"{load:>9.1f} / {os.getloadavg()[0]:.1f}", flush=True)
        same = all(s == scores[args.jobs[0]] for s in scores.values())
        print(f"same score for every student in every run: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
