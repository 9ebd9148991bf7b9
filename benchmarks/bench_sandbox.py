#!/usr/bin/env python3
"""Cost of the autograding sandbox: seconds per submission, plain nbgrader vs sandboxed.

    python benchmarks/bench_sandbox.py              # N = 4 submissions, 3 rounds
    python benchmarks/bench_sandbox.py -n 8 --rounds 5
    python benchmarks/bench_sandbox.py --quick      # N = 3, 2 rounds

Works on a temporary copy of ``assignments/``: releases assignment 1, writes N copies of the
reference solution as submissions, then times the documented command ``course.py autograde``
on the same submissions, plain (``--unsafe-no-sandbox``: nbgrader's own kernels) and sandboxed
(the default), taking turns. Per mode and round it grades all N and then one student:
"per submission" is the marginal cost (time for N - time for 1) / (N - 1), which leaves out
starting Python and nbgrader. The table shows the median over the rounds. (Wall time only: the
CPU time of sandboxed kernels does not reach getrusage through bwrap's namespaces.)

Also timed, in this process: starting a kernel, running ``1 + 1`` and stopping it, with
jupyter_client's AsyncKernelManager and with the sandbox's SandboxedKernelManager (taking turns;
the overhead is the median of the paired differences). This is all the sandbox adds per
submission (bwrap, the scratch copy, limits), so it is the less noisy measure on a busy machine.

Goal: the sandbox costs < 1 s more per submission than plain nbgrader. Needs Linux with
bubblewrap (see "Safe autograding" in assignments/README.md).
"""
from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "assignments"))
import sandbox  # noqa: E402

GOAL = 1.0  # seconds of overhead per submission
ASSIGNMENT = "a1_activations_and_perceptron"
GENERATED = ("__pycache__", "gradebook.db", "release", "submitted", "autograded", "feedback",
             "exchange", "downloaded", ".nbgrader.log")


def run(course: Path, *args: str) -> float:
    """Run course.py; return its wall time in seconds."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(course / "course.py"), *args],
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"course.py {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return wall


def write_submissions(course: Path, students: list[str]) -> None:
    source = nbformat.read(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]:
               re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", "", c.source + "\n", flags=re.M)
               for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")}
    release = nbformat.read(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers and cell.cell_type == "code":
            cell.source = answers[grade_id]
    for student in students:
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(release, folder / f"{ASSIGNMENT}.ipynb")


async def kernel_round_trip(manager_class, cwd: str) -> float:
    """Seconds to start a kernel, run ``1 + 1`` and shut it down."""
    start = time.perf_counter()
    km = manager_class(kernel_name="python3")
    await km.start_kernel(cwd=cwd, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=60)
        reply = await kc.execute_interactive("1 + 1", timeout=60, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        await km.shutdown_kernel()
        await km.cleanup_resources()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--submissions", type=int, default=4, help="N (default 4)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per mode (default 3)")
    parser.add_argument("--kernel-rounds", type=int, default=10,
                        help="kernel start+stop timings per mode (default 10)")
    parser.add_argument("--quick", action="store_true", help="N = 3, 2 rounds, 5 kernel rounds")
    args = parser.parse_args(argv)
    if args.quick:
        args.submissions, args.rounds, args.kernel_rounds = 3, 2, 5
    if args.submissions < 2:
        parser.error("-n must be at least 2")
    problem = sandbox.sandbox_problem()
    if problem:
        print(f"No sandbox on this machine, nothing to compare: {problem}")
        return 1

    with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as tmp:
        course = Path(tmp) / "course"
        shutil.copytree(ROOT / "assignments", course, ignore=shutil.ignore_patterns(*GENERATED))
        run(course, "generate", ASSIGNMENT)
        students = [f"s{i:02d}" for i in range(1, args.submissions + 1)]
        write_submissions(course, students)
        modes = {"plain nbgrader": ["--unsafe-no-sandbox"], "sandboxed": []}
        results: dict[str, list[float]] = {mode: [] for mode in modes}
        print(f"{args.submissions} submissions of {ASSIGNMENT}, {args.rounds} rounds, "
              "modes take turns", flush=True)
        for round_ in range(1, args.rounds + 1):
            for mode, flags in modes.items():
                wall_n = run(course, "autograde", ASSIGNMENT, *flags)
                wall_1 = run(course, "autograde", ASSIGNMENT, "--student", students[0], *flags)
                per = (wall_n - wall_1) / (args.submissions - 1)
                results[mode].append(per)
                print(f"  round {round_} {mode:15s} all {wall_n:6.2f} s, one {wall_1:6.2f} s "
                      f"-> {per:5.2f} s per submission", flush=True)

        cwd = course / "autograded" / students[0] / ASSIGNMENT
        from jupyter_client.manager import AsyncKernelManager
        kernels = {"plain nbgrader": AsyncKernelManager, "sandboxed": sandbox.SandboxedKernelManager}
        starts: dict[str, list[float]] = {mode: [] for mode in kernels}
        for _ in range(args.kernel_rounds):
            for mode, manager in kernels.items():
                starts[mode].append(asyncio.run(kernel_round_trip(manager, str(cwd))))

    med = {mode: statistics.median(v) for mode, v in results.items()}
    start_med = {mode: statistics.median(v) for mode, v in starts.items()}
    print(f"\n{'median':18s} {'s/submission':>13s} {'kernel start+1+1+stop (s)':>26s}")
    for mode in modes:
        print(f"{mode:18s} {med[mode]:13.2f} {start_med[mode]:26.2f}")
    extra = med["sandboxed"] - med["plain nbgrader"]
    # paired: each sandboxed start against the plain one just before it
    extra_start = statistics.median(s - p for s, p in zip(starts["sandboxed"],
                                                          starts["plain nbgrader"]))
    print(f"{'sandbox overhead':18s} {extra:+13.2f} {extra_start:+26.2f}")
    ok = extra < GOAL
    print(f"\nGoal: sandbox overhead < {GOAL:.0f} s per submission ({extra:+.2f} s): "
          f"{'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
