"""Grading a class: ``course.py autograde --jobs N`` gives exactly the serial grades, and
``course.py report`` tells the instructor which parts cost points, and why.

On a temporary copy of the course, assignment 1's corpus (tests/corpus/: correct answers written
differently, realistic mistakes, tampering) is graded twice with the documented command: one
submission at a time, then again with ``--jobs 2`` (two worker processes, each submission in its
own sandbox). Every part of every submission must get the same score, and every failed test
cell the same message in the autograded notebook (what the feedback shows). The output must
count the submissions as they finish. Then ``course.py report`` must agree with the gradebook:
per part, how many lost points and the commonest messages; the score distribution.
"""
from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import corpus

REPO = Path(__file__).resolve().parents[1]
A1 = "a1_activations_and_perceptron"

pytestmark = pytest.mark.slow


def course_py(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(course / "course.py"), *args], capture_output=True,
                          text=True, timeout=900)


def autograde(course: Path, *args: str) -> subprocess.CompletedProcess:
    """``course.py autograde A1 ARGS``, without the sandbox only where there is none."""
    proc = course_py(course, "autograde", A1, *args)
    if proc.returncode == 2 and "refusing to autograde" in proc.stderr:
        proc = course_py(course, "autograde", A1, "--unsafe-no-sandbox", *args)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return proc


def failure_messages(course: Path) -> dict[tuple[str, str], str]:
    """{(student, grade id): the error a failed test cell shows} from the autograded notebooks."""
    found = {}
    for path in sorted((course / "autograded").glob(f"*/{A1}/{A1}.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if gid and errors:
                found[(path.parents[1].name, gid)] = f"{errors[-1]['ename']}: {errors[-1]['evalue']}"
    return found


@pytest.fixture(scope="module")
def graded_twice(tmp_path_factory):
    course = tmp_path_factory.mktemp("parallel") / "assignments"
    shutil.copytree(REPO / "assignments", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "exchange", "downloaded", "gradebook.db",
        "__pycache__", "grades.csv", "reports"))
    assert course_py(course, "generate", A1).returncode == 0
    release = course / "release" / A1 / f"{A1}.ipynb"
    reference = corpus.reference_answers(course / "source" / A1 / f"{A1}.ipynb")
    entries = corpus.entries(A1)
    for name, entry in entries.items():
        folder = course / "submitted" / name / A1
        folder.mkdir(parents=True)
        nbformat.write(corpus.notebook(release, {**reference, **entry.cells}, entry.inserts),
                       folder / f"{A1}.ipynb")

    serial = autograde(course)
    scores_serial = json.loads(course_py(course, "scores", "--json").stdout)
    messages_serial = failure_messages(course)
    parallel = autograde(course, "--jobs", "2")
    scores_parallel = json.loads(course_py(course, "scores", "--json").stdout)
    messages_parallel = failure_messages(course)
    return dict(course=course, entries=entries, serial=serial, parallel=parallel,
                scores=(scores_serial, scores_parallel),
                messages=(messages_serial, messages_parallel))


def test_parallel_grading_gives_the_serial_scores(graded_twice):
    serial, parallel = graded_twice["scores"]
    students = set(graded_twice["entries"])
    assert set(serial[A1]) == set(parallel[A1]) == students
    for student in sorted(students):
        assert parallel[A1][student]["score"] == serial[A1][student]["score"], student
        assert parallel[A1][student]["parts"] == serial[A1][student]["parts"], student
    # and the corpus's own expectations hold (the grades are right, not only equal)
    for name, entry in graded_twice["entries"].items():
        lost = {gid for gid, part in parallel[A1][name]["parts"].items() if part["score"] < part["max_score"]}
        if entry.kind != "tamper":
            assert lost == entry.loses, name


def test_parallel_grading_gives_the_serial_messages(graded_twice):
    serial, parallel = graded_twice["messages"]
    assert serial, "no test cell failed at all: the corpus's mistakes were not graded"
    assert parallel == serial


def test_parallel_grading_shows_its_progress(graded_twice):
    out = graded_twice["parallel"].stdout
    n = len(graded_twice["entries"])
    assert f"Grading {n} submission(s), 2 at a time" in out
    done = re.findall(rf"^\[(\d+)/{n}\] graded (\S+): {A1}$", out, re.M)
    assert [int(k) for k, _ in done] == list(range(1, n + 1)), out
    assert {student for _, student in done} == set(graded_twice["entries"])
    assert "Traceback" not in out + graded_twice["parallel"].stderr


def test_jobs_must_be_a_positive_number(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "assignments" / "course.py"), "autograde", "--jobs", "0"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "--jobs" in proc.stderr and "expected a whole number of at least 1, got '0'" in proc.stderr


def test_report_agrees_with_the_gradebook(graded_twice, tmp_path):
    course = graded_twice["course"]
    proc = course_py(course, "report", A1, "--out", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    scores = graded_twice["scores"][1][A1]
    with open(tmp_path / f"{A1}_parts.csv", newline="", encoding="utf-8") as fh:
        rows = {row["part"]: row for row in csv.DictReader(fh)}
    parts = next(iter(scores.values()))["parts"]
    assert set(rows) == set(parts)
    for gid, row in rows.items():
        lost = sum(s["parts"][gid]["score"] < s["parts"][gid]["max_score"] for s in scores.values())
        assert int(row["lost_points"]) == lost, gid
        assert int(row["graded"]) == len(scores)
        assert float(row["lost_fraction"]) == pytest.approx(lost / len(scores), abs=1e-3)
        counts = [int(row[f"count_{i}"]) for i in (1, 2, 3) if row[f"count_{i}"]]
        assert counts == sorted(counts, reverse=True) and sum(counts) <= lost, gid
    # the same mistake with other values counts once, without the student's numbers
    relu = [rows["test_relu"][f"message_{i}"] for i in (1, 2, 3)]
    assert "AssertionError: relu([-2, 0, 3]) is wrong: got ≠ expected" in relu, relu
    with open(tmp_path / f"{A1}_scores.csv", newline="", encoding="utf-8") as fh:
        distribution = {float(row["score"]): int(row["students"]) for row in csv.DictReader(fh)}
    from collections import Counter
    assert distribution == Counter(s["score"] for s in scores.values())
    import numpy as np
    from PIL import Image
    with Image.open(tmp_path / f"{A1}.png") as image:
        pixels = np.asarray(image.convert("L"))
    assert pixels.shape[1] > 800 and len(np.unique(pixels)) > 8, "the report's figure is blank"
    assert f"{A1}: {len(scores)} graded submission(s)" in proc.stdout
    assert re.search(r"test_relu +\d+/\d+ lost points", proc.stdout), proc.stdout


def test_report_says_when_nothing_is_graded(tmp_path):
    course = tmp_path / "assignments"
    shutil.copytree(REPO / "assignments", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "exchange", "downloaded", "gradebook.db",
        "__pycache__", "grades.csv", "reports"))
    proc = course_py(course, "report")
    assert proc.returncode == 1
    assert "nothing graded yet: run course.py autograde first" in proc.stderr
