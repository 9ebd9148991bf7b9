#!/usr/bin/env python3
"""Seconds to autograde a class's submissions one at a time and with ``--jobs N``, in one run.

    python benchmarks/bench_parallel_grading.py              # 40 submissions, --jobs 1 and 2
    python benchmarks/bench_parallel_grading.py -n 80 --jobs 1 2 4

Works on a temporary copy of ``assignments/``: releases assignment 1 and writes N submissions,
cycling through the grading corpus (tests/corpus/: correct answers, mistakes, tampering), then
times the documented command ``course.py autograde a1 --jobs J`` for each J (every run regrades
all N), and checks that every run gives every student the same score. The speed-up is the ratio
of the times in this one run; on a busy machine both grow, so the load average is printed with
them (and the number of CPUs: more jobs than cores cannot help). "steady" is the rate between the
first and the last progress line (without the run's fixed start: nbgrader, the reference run in
each worker), "cores busy" the machine's busy CPU seconds per second of the run.
"""
from __future__ import annotations

import argparse
import json
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
sys.path.insert(0, str(ROOT / "tests"))
import corpus  # noqa: E402  (the grading corpus: how students answer)

A1 = "a1_activations_and_perceptron"


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (not idle, not waiting for disk) since boot;
    NaN where there is no /proc/stat. Machine-wide because the sandboxed kernels are not the
    grader's waited-for children (their CPU time never reaches its rusage)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return float("nan")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def course_py(course: Path, *args: str) -> tuple[float, subprocess.CompletedProcess, float, list[float]]:
    """Run ``course.py *args``; (wall seconds, the process, CPU seconds the machine was busy, and
    the times since the start at which its progress lines ``[k/N] grading|graded ...`` appeared)."""
    start, cpu = time.perf_counter(), machine_cpu()
    with tempfile.TemporaryFile("w+") as errors:
        proc = subprocess.Popen([sys.executable, "-u", str(course / "course.py"), *args], stdout=subprocess.PIPE,
                                stderr=errors, text=True)
        lines, marks = [], []
        for line in proc.stdout:
            lines.append(line)
            if PROGRESS.match(line):
                marks.append(time.perf_counter() - start)
        proc.wait()
        errors.seek(0)
        out, err = "".join(lines), errors.read()
    if proc.returncode != 0:
        sys.exit(f"course.py {' '.join(args)} failed:\n{out[-3000:]}\n{err[-3000:]}")
    return (time.perf_counter() - start, subprocess.CompletedProcess(proc.args, 0, out, err),
            machine_cpu() - cpu, marks)


# course.py's progress: "[k/N] grading <student>: ..." (one at a time: as each starts) or
# "[k/N] graded <student>: ..." (--jobs: as each ends). Either way N-1 submissions lie between the
# first and the last line: their rate, without the run's fixed start and end, is the steady state.
PROGRESS = re.compile(r"^\[\d+/\d+\] grad(ing|ed) ")


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
        # 'cores busy' = the machine's busy CPU seconds / wall seconds during the run (grader,
        # workers, sandboxed kernels, and anything else running): what one job already uses of
        # the cores is what a second job cannot add.
        print(f"{'jobs':>4s} {'seconds':>8s} {'per submission':>15s} {'speed-up':>9s} {'steady s/sub':>13s} "
              f"{'steady speed-up':>16s} {'cores busy':>11s} {'load before/after':>18s}")
        times, steady, scores = {}, {}, {}
        for jobs in args.jobs:
            load = os.getloadavg()[0]
            seconds, _, cpu, marks = course_py(course, "autograde", A1, "--jobs", str(jobs), *unsafe)
            times[jobs] = seconds
            steady[jobs] = (marks[-1] - marks[0]) / (len(marks) - 1) if len(marks) > 1 else float("nan")
            _, out, _, _ = course_py(course, "scores", "--json")
            scores[jobs] = {s: v["score"] for s, v in json.loads(out.stdout)[A1].items()}
            print(f"{jobs:>4d} {seconds:>8.1f} {seconds / args.n:>13.2f} s {times[args.jobs[0]] / seconds:>8.2f}x "
                  f"{steady[jobs]:>11.2f} s {steady[args.jobs[0]] / steady[jobs]:>15.2f}x "
                  f"{cpu / seconds:>11.2f} {load:>9.1f} / {os.getloadavg()[0]:.1f}", flush=True)
        same = all(s == scores[args.jobs[0]] for s in scores.values())
        print(f"same score for every student in every run: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
