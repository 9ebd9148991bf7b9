#!/usr/bin/env python3
"""Instructor commands for the nbgrader course in this folder; run from anywhere, e.g.

    python assignments/course.py students class-list.csv      # import the class list (checked first)
    python assignments/course.py generate                    # release versions of every assignment
    python assignments/course.py zip_collect a1_activations_and_perceptron ~/Downloads/a1.zip
    python assignments/course.py autograde a1_activations_and_perceptron
    python assignments/course.py scores                      # points per student and part
    python assignments/course.py feedback                    # HTML feedback, hidden tests removed
    python assignments/course.py export                      # assignments/grades.csv (not committed)
    python assignments/course.py report                      # per part: who lost points, and why
    python assignments/course.py validate assignments/source/a2_backpropagation/a2_backpropagation.ipynb
    python assignments/course.py nbgrader release_assignment a1_activations_and_perceptron  # any nbgrader command

Each command does what the nbgrader command of the same name does, with this folder's
nbgrader_config.py, through nbgrader's Python API in this one process (the ``nbgrader``
command runs the nbgrader CLI in this folder). Verdicts come from the gradebook and nbgrader's
results, never from an exit code (``nbgrader validate`` exits 0 even when tests fail).
"""
from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import warnings
from datetime import datetime, timezone
from pathlib import Path

COURSE = Path(__file__).resolve().parent
# nbgrader runs `alembic` (installed next to this python) when it creates the gradebook
os.environ["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])


def assignments():
    """Names of the assignments: the folders of source/."""
    return sorted(p.name for p in (COURSE / "source").iterdir() if (p / f"{p.name}.ipynb").exists())


def nbgrader(*args):
    """Run ``nbgrader *args`` in the course folder; return its exit code (for information only)."""
    print("+ nbgrader", *args, flush=True)
    return subprocess.call([sys.executable, "-m", "nbgrader", *args], cwd=COURSE)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def plain(text):
    """``text`` without terminal colour codes (IPython colours its tracebacks)."""
    return _ANSI.sub("", text)


def duration(seconds):
    """Seconds as a person reads them: "45 s", "12 min 5 s", "3 h 02 min", "2 days 4 h"."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, sec = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {sec} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days > 1 else ''} {hours} h"


def convert(converter_class, assignment, student="*", **settings):
    """Run an nbgrader converter (GenerateAssignment, Autograde, GenerateFeedback) in this process.

    This is what ``nbgrader generate_assignment|autograde|generate_feedback`` do, minus a Python
    start-up per command. ``assignment`` and ``student`` may be globs ("*": all of them).
    ``settings`` are config values, e.g. ``Execute={"timeout": 5}``. Returns False if nbgrader
    reported an error for some notebook (it still processes the others).
    """
    from nbgrader.converters import NbGraderException
    from nbgrader.coursedir import CourseDirectory
    config = load_config()
    config.CourseDirectory.assignment_id = assignment
    config.CourseDirectory.student_id = student
    for section, values in settings.items():
        for key, value in values.items():
            config[section][key] = value
    converter = converter_class(coursedir=CourseDirectory(config=config), config=config)
    converter.force = True
    print(f"+ {converter_class.__name__} {assignment} (student {student})", flush=True)
    try:
        converter.start()
    except NbGraderException:
        return False
    return True


def _patterns(names):
    """Assignment ids for :func:`convert`: "*" (one run for all) when ``names`` are all of them."""
    return ["*"] if len(names) > 1 and set(names) == set(assignments()) else list(names)


# nbgrader messages that say nothing to act on: every autograde reports "Attribute 'checksum' for
# cell test_... has changed!" for every test cell with hidden tests (the student's copy never had
# them), which reads like tampering; what the student really changed is reported after grading
# (see edited_test_cells). Regenerating feedback "removes" the previous files.
_NOISE = (re.compile(r"^Attribute 'checksum' for cell \S+ has changed!"),
          re.compile(r"^Removing existing (assignment|notebook)"),
          re.compile(r"^\S.* is [0-9.e+-]+ seconds late$"),        # shown by print_scores, readably
          re.compile(r"^Late submission penalty: 0(\.0)?$"))


class TidyLog(logging.Filter):
    """nbgrader's log, for a person: noise out, and "[k/N] student: assignment" while grading.

    ``quiet`` keeps only warnings, errors and the progress lines (the full log: ``--verbose``).
    """

    def __init__(self, quiet=False):
        super().__init__()
        self.quiet, self.todo, self.seen = quiet, [], []

    def expect(self, pairs):
        """The (student, assignment) pairs about to be graded: progress counts against these."""
        self.todo, self.seen = list(pairs), []

    def filter(self, record):
        message = record.getMessage()
        if any(pattern.search(message) for pattern in _NOISE):
            return False
        match = re.match(r"Sanitizing .*[/\\]([^/\\]+)[/\\]([^/\\]+)[/\\][^/\\]+\.ipynb$", message)
        if match and self.todo:
            pair = (match.group(1), match.group(2))
            if pair not in self.seen:
                self.seen.append(pair)
                try:  # never let the progress line stop the grading
                    print(f"[{len(self.seen)}/{len(self.todo)}] grading {pair[0]}: {pair[1]}", flush=True)
                except OSError:
                    pass
            return False
        return record.levelno >= logging.WARNING or not self.quiet


LOG_FILTER = TidyLog()


def _setup_logging(quiet=False):
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    LOG_FILTER.quiet = quiet
    handler.addFilter(LOG_FILTER)
    log = logging.getLogger("traitlets")  # nbgrader's converters log here when run without an app
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False
    # nbgrader 0.9.6 trips SQLAlchemy's autoflush on every new submission: harmless, but on stderr
    warnings.filterwarnings("ignore", message=r".*not in session, add operation along")


def load_config():
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader("nbgrader_config.py", path=str(COURSE)).load_config()


def gradebook():
    from nbgrader.api import Gradebook
    config = load_config()
    return Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id)


def collect_scores(names=None):
    """{assignment: {student: {"score", "max_score", "needs_manual_grade", "parts": {grade_id: {...}}}}}.

    Only submissions that have been autograded are listed.
    """
    result = {}
    with gradebook() as gb:
        for assignment in gb.assignments:
            if names and assignment.name not in names:
                continue
            per_student = result.setdefault(assignment.name, {})
            for submission in assignment.submissions:
                parts = {}
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        parts[grade.name] = {"score": grade.score, "max_score": grade.max_score,
                                             "auto_score": grade.auto_score,
                                             "needs_manual_grade": grade.needs_manual_grade}
                per_student[submission.student.id] = {
                    "score": submission.score, "max_score": submission.max_score,
                    "needs_manual_grade": submission.needs_manual_grade, "parts": parts,
                    "seconds_late": submission.total_seconds_late,
                    "late_penalty": submission.late_submission_penalty}
    return result


def graded_students(name, student=None):
    return sorted(p.parent.name for p in (COURSE / "autograded").glob(f"{student or '*'}/{name}"))


def ungraded(names, student=None):
    """(assignment, student, why) for submissions without an autograded notebook."""
    missing = []
    for name in names:
        expected = {p.name for p in (COURSE / "release" / name).glob("*.ipynb")}
        for folder in sorted((COURSE / "submitted").glob(f"{student or '*'}/{name}")):
            student_id = folder.parent.name
            for nb in sorted(folder.glob("*.ipynb")):
                if expected and nb.name not in expected:
                    missing.append((name, student_id, f"{nb.relative_to(COURSE)} is not a notebook of "
                                    f"{name} (expected {', '.join(sorted(expected))}): rename it and "
                                    "grade again"))
                    break
                if not (COURSE / "autograded" / student_id / name / nb.name).exists():
                    missing.append((name, student_id, "see the log above"))
                    break
    return missing


def print_scores(scores, restored=None):
    """One line per student and assignment, then the parts that lost points, lateness and
    ``restored`` ({(assignment, student): [test cells the student changed]})."""
    for assignment, students in scores.items():
        print(f"\n{assignment}")
        for student, s in sorted(students.items()):
            flag = "  (needs manual grading)" if s["needs_manual_grade"] else ""
            print(f"  {student:<24s} {s['score']:5.1f} / {s['max_score']:.1f}{flag}")
            lost = [f"{k} {v['score']:g}/{v['max_score']:g}" for k, v in s["parts"].items()
                    if v["score"] < v["max_score"] and not v["needs_manual_grade"]]
            if lost:
                print("      lost points in:", ", ".join(lost))
            if s.get("seconds_late"):
                penalty = s.get("late_penalty") or 0
                print(f"      submitted late by {duration(s['seconds_late'])}"
                      + (f": {penalty:g} points off" if penalty else " (no points off)"))
            changed = (restored or {}).get((assignment, student))
            if changed:
                print("      changed test cells, graded in their original form:", ", ".join(changed))


def edited_test_cells(name, student):
    """The test cells of a submission that differ from the release: ["test_relu (edited)", ...].

    nbgrader grades the original test cells whatever the student did to them; this says so only
    where the student really changed something (its own log flags every test cell with hidden
    tests, edited or not).
    """
    import nbformat
    release_folder = COURSE / "release" / name
    found = []
    for release_nb in sorted(release_folder.glob("*.ipynb")):
        submitted = COURSE / "submitted" / student / name / release_nb.name
        if not submitted.exists():
            continue
        try:
            cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c
                     for c in nbformat.read(submitted, as_version=4).cells}
        except Exception:  # noqa: BLE001 - not a notebook: nbgrader reports it
            continue
        for cell in nbformat.read(release_nb, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if not (meta.get("grade") and meta.get("locked") and not meta.get("solution")):
                continue
            theirs = cells.get(meta["grade_id"])
            if theirs is None:
                found.append(f"{meta['grade_id']} (deleted)")
            elif theirs.source.strip() != cell.source.strip():
                found.append(f"{meta['grade_id']} (edited)")
    return found


def sandbox_summary(timeout=None):
    """One line saying how student code is isolated, from the configuration nbgrader will use."""
    import sandbox
    from nbgrader.converters import Autograde
    config = load_config()
    steps = config.Autograde.get("autograde_preprocessors") or Autograde.class_traits()[
        "autograde_preprocessors"].default()
    if not any(isinstance(p, type) and issubclass(p, sandbox.SandboxExecuteMixin) for p in steps):
        return None
    traits = sandbox.SandboxedKernelManager.class_traits()
    settings = config.SandboxedKernelManager if "SandboxedKernelManager" in config else {}

    def value(name):
        return settings.get(name, traits[name].default())

    if timeout is None:
        timeout = config.Execute.get("timeout", 30) if "Execute" in config else 30
    return (f"Sandbox on: each submission runs in bubblewrap with only its own files, no network, "
            f"{value('memory_limit') / 1024**3:g} GiB of memory per process, "
            f"{value('process_limit')} processes, {timeout} s per cell.")


# --------------------------------------------------------------------------- commands

def cmd_generate(args):
    from nbgrader.converters import GenerateAssignment
    names = args.assignments or assignments()
    for name in names:
        convert(GenerateAssignment, name, student=".")
    missing = [n for n in names if not (COURSE / "release" / n / f"{n}.ipynb").exists()]
    for name in missing:
        print(f"ERROR: no release version of {name} (see the log above)", file=sys.stderr)
    return 1 if missing else 0


def cmd_autograde(args):
    """Autograde in one run: every submission of the given assignments (all by default)."""
    # --- safe autograding (sandbox.py): no sandbox -> refuse, unless --unsafe-no-sandbox ---
    from sandbox import refuse_or_warn
    if not refuse_or_warn(args.unsafe_no_sandbox):
        return 2
    # --- end of safe autograding ---
    from nbgrader.converters import Autograde
    names = args.assignments or assignments()
    if not args.unsafe_no_sandbox:
        summary = sandbox_summary(args.timeout)
        print(summary or "WARNING: the sandbox is not in nbgrader_config.py's autograde steps: "
              "student code runs unisolated.", flush=True)
    settings = {"Execute": {"timeout": args.timeout}} if args.timeout else {}
    todo = [(p.parent.name, p.name) for name in names
            for p in sorted((COURSE / "submitted").glob(f"{args.student or '*'}/{name}")) if p.is_dir()]
    if not todo:
        print(f"Nothing to grade: no submissions of {', '.join(names)} in submitted/ "
              "(collect them first: zip_collect or nbgrader collect).", file=sys.stderr)
        return 1
    jobs = min(args.jobs, len(todo))
    if jobs > 1:
        print(f"Grading {len(todo)} submission(s), {jobs} at a time ...", flush=True)
        autograde_in_parallel(todo, jobs, settings, quiet=LOG_FILTER.quiet)
    else:
        print(f"Grading {len(todo)} submission(s) ...", flush=True)
        LOG_FILTER.expect(todo)
        for pattern in _patterns(names):
            convert(Autograde, pattern, student=args.student or "*", **settings)
    restored = {(name, student): edited_test_cells(name, student) for student, name in todo}
    print_scores(collect_scores(names), restored)
    failed = ungraded(names, args.student)
    for name, student, why in failed:
        print(f"ERROR: {student}'s {name} could not be graded: {why}", file=sys.stderr)
    return 1 if failed else 0


# --------------------------------------------------------------------------- grading in parallel

# Each worker process writes to the one gradebook; SQLite serialises the short writes, and a
# worker waits up to this long for another one's write instead of failing with "database is locked".
GRADEBOOK_BUSY_TIMEOUT = 120  # s
_WORKER_SETTINGS: dict = {}   # a worker's config values for convert(), set by _worker_start
_WORKER_LOG: list = []        # the log lines of the submission a worker is grading


def _worker_start(settings, quiet):
    """Set up a grading worker: nbgrader's log to a list (sent back with each result), no prints."""
    global _WORKER_SETTINGS, _WORKER_LOG
    sys.path.insert(0, str(COURSE))
    _setup_logging(quiet=quiet)
    _WORKER_LOG = []
    handler = logging.getLogger("traitlets").handlers[0]
    handler.emit = lambda record: _WORKER_LOG.append(handler.format(record))
    db_url = load_config().CourseDirectory.db_url
    if db_url.startswith("sqlite:") and "?" not in db_url:
        settings = dict(settings, CourseDirectory={"db_url": f"{db_url}?timeout={GRADEBOOK_BUSY_TIMEOUT}"})
    _WORKER_SETTINGS = settings


def _grade_one(assignment, student):
    """In a worker: autograde one submission (its own kernel, in its own sandbox); (ok, log lines)."""
    from contextlib import redirect_stdout
    from nbgrader.converters import Autograde
    del _WORKER_LOG[:]
    with redirect_stdout(open(os.devnull, "w")):  # convert()'s "+ Autograde ..." line
        ok = convert(Autograde, assignment, student=student, **_WORKER_SETTINGS)
    return ok, list(_WORKER_LOG)


def autograde_in_parallel(todo, jobs, settings, quiet=True):
    """Autograde the (student, assignment) pairs of ``todo`` in ``jobs`` worker processes.

    Each worker runs nbgrader's Autograde for one submission at a time, exactly as the serial run
    does for each (same configuration, sandbox, judge and reference run), so scores are the same;
    only the order in which submissions finish differs. A progress bar (on a terminal) and one
    line per finished submission show how far it is; each worker's warnings and errors are
    printed under the submission they belong to.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from tqdm import tqdm

    # "spawn": fresh workers, nothing inherited from this process's state (a forked copy of
    # ZMQ sockets or asyncio loops is not safe); the grading runtime and nbgrader load in each.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start,
                             initargs=(settings, quiet)) as pool, \
            tqdm(total=len(todo), unit="submission", disable=None, file=sys.stderr, leave=False) as bar:
        futures = {pool.submit(_grade_one, assignment, student): (student, assignment)
                   for student, assignment in todo}
        for done, future in enumerate(as_completed(futures), start=1):
            student, assignment = futures[future]
            try:
                ok, log = future.result()
            except Exception as error:  # noqa: BLE001 - a worker died: report it, grade the rest
                ok, log = False, [f"[ERROR] the grading worker failed: {error!r}"]
            bar.write(f"[{done}/{len(todo)}] graded {student}: {assignment}"
                      + ("" if ok else " (with errors, see below)"), file=sys.stdout)
            for line in log:
                bar.write(f"    {line}", file=sys.stdout)
            sys.stdout.flush()
            bar.update()


def cmd_feedback(args):
    from nbgrader.converters import GenerateFeedback
    names = args.assignments or assignments()
    for pattern in _patterns(names):
        convert(GenerateFeedback, pattern, student=args.student or "*")
    missing = [(n, s) for n in names for s in graded_students(n, args.student)
               if not (COURSE / "feedback" / s / n).is_dir()]
    for name, student in missing:
        print(f"ERROR: no feedback for {student}'s {name} (see the log above)", file=sys.stderr)
    return 1 if missing else 0


EXPORT_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
                  "raw_score", "late_submission_penalty", "score", "max_score"]  # as `nbgrader export`


def repository_problem(path):
    """Why writing ``path`` would put it where ``git add -A`` commits it; None if it would not."""
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    try:
        top = subprocess.run(["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True)
    except OSError:  # no git: nothing to commit it to
        return None
    if top.returncode != 0:
        return None
    ignored = subprocess.run(["git", "-C", top.stdout.strip(), "check-ignore", "-q", str(path)])
    if ignored.returncode == 0:
        return None
    return f"{path} is inside the git repository {top.stdout.strip()} and not ignored by it"


def exported_assignments(gb, names):
    """The assignments to export: ``names``, or every assignment with a graded submission."""
    known = [a.name for a in gb.assignments]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"ERROR: no assignment {', '.join(unknown)} in the gradebook "
                         f"(it has: {', '.join(known) or 'none'})")
    if names:
        return list(names), []
    graded = [a.name for a in gb.assignments if a.num_submissions > 0]
    return graded, [n for n in known if n not in graded]


def cmd_export(args):
    """One CSV row per student and released assignment (graded ones unless named), as ``nbgrader export``."""
    from nbgrader.api import MissingEntry
    target = Path(args.to).expanduser().resolve() if args.to else COURSE / "grades.csv"
    problem = repository_problem(target)
    if problem and not args.inside_repo:
        print(f"ERROR: not writing students' grades there: {problem}, so one `git add -A` would "
              f"commit them. Leave out --to (it writes {COURSE / 'grades.csv'}, which the course's .gitignore covers), "
              "write outside the repository, or add --inside-repo if you mean it.", file=sys.stderr)
        return 1
    rows, manual = [], {}
    with gradebook() as gb:
        names, left_out = exported_assignments(gb, args.assignments)
        for assignment in gb.assignments:
            if assignment.name not in names:
                continue
            for student in gb.students:
                row = {"assignment": assignment.name, "duedate": assignment.duedate, "student_id": student.id,
                       "last_name": student.last_name, "first_name": student.first_name,
                       "email": student.email, "max_score": assignment.max_score}
                try:
                    submission = gb.find_submission(assignment.name, student.id)
                except MissingEntry:  # nothing submitted: 0
                    row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                else:
                    penalty = submission.late_submission_penalty or 0.0
                    row.update(timestamp=submission.timestamp, raw_score=submission.score,
                               late_submission_penalty=penalty, score=max(0.0, submission.score - penalty))
                    if submission.needs_manual_grade:
                        manual.setdefault(assignment.name, []).append(student.id)
                rows.append({k: "" if v is None else str(v) for k, v in row.items()})
    if not names:
        print("ERROR: nothing to export: no assignment has a graded submission yet "
              "(name assignments to export them anyway).", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {target}: {len(rows)} rows, assignments {', '.join(names)}")
    if left_out:
        print(f"not exported (nothing graded yet; name them to export them): {', '.join(left_out)}")
    for name, students in manual.items():
        print(f"WARNING: {name}: {len(students)} submission(s) still need manual grading "
              f"({', '.join(students)}); their scores are not final.")
    return 0


def cmd_scores(args):
    scores = collect_scores(args.assignments)
    if args.json:
        print(json.dumps(scores, indent=1, sort_keys=True))
    else:
        print_scores(scores)
    return 0


def cmd_validate(args):
    """Run the notebooks' tests with nbgrader's Validator and turn its result into an exit code."""
    from nbgrader.validator import Validator
    config = load_config()
    if os.name == "posix":  # local sockets: no "Kernel is running over TCP without encryption" warning
        config.KernelManager.transport = "ipc"
    validator = Validator(config=config)
    status = 0
    for path in args.notebooks:
        results = validator.validate(os.path.abspath(path))
        problems = {k: v for k, v in results.items() if k in ("failed", "changed", "type_changed")}
        if not problems:
            print(f"PASSED  {path}")
            continue
        status = 1
        print(f"FAILED  {path}")
        for cell in problems.get("failed", []):
            first = cell["source"].splitlines()[0] if cell["source"] else ""
            error = plain(cell["raw_error"]).strip()
            last = error.splitlines()[-1] if error else ""
            print(f"  {first}\n    {last}")
        for key in ("changed", "type_changed"):
            for cell in problems.get(key, []):
                print(f"  a locked cell was {key.replace('_', ' ')}: {cell['source'].splitlines()[0]}")
    return status


# --------------------------------------------------------------------------- report

# A failure message without the student's own values, so that the same mistake counts once:
# "relu([-2, 0, 3]) is wrong at index (0,): got 2, expected 0 (largest difference 2)" and the same
# with other numbers both read "relu([-2, 0, 3]) is wrong: got ≠ expected".
_STUDENT_VALUES = (
    (re.compile(r" at index \([^)]*\): got .*?, expected .*? \(largest difference [^)]*\)"), ": got ≠ expected"),
    (re.compile(r"(got|returned|gave) (array\()?[-+0-9.e\[\], ]+\)?"), r"\1 …"),
)


def failure_message(output):
    """The message of a failed test cell's error output, one line, without the student's values."""
    text = plain(f"{output.get('ename', 'Error')}: {output.get('evalue', '')}").strip().splitlines()
    message = text[0] if text else "Error"
    for pattern, replacement in _STUDENT_VALUES:
        message = pattern.sub(replacement, message)
    return message if len(message) <= 200 else message[:199] + "…"


def item_analysis(name):
    """Per part of ``name``: points, how many graded submissions lost points there, and why.

    Returns (parts, totals): parts is a list of dicts in the notebook's order (``part``,
    ``max_points``, ``graded``, ``lost``, ``lost_fraction``, ``mean_score``, ``messages``: a
    list of (message, count), most common first; manually graded parts not graded yet are
    left out of ``graded``); totals is {student: total score}.
    """
    import nbformat
    from collections import Counter
    scores = collect_scores([name]).get(name, {})
    order = []
    for source in sorted((COURSE / "source" / name).glob("*.ipynb")):
        order += [c.metadata["nbgrader"]["grade_id"] for c in nbformat.read(source, as_version=4).cells
                  if c.metadata.get("nbgrader", {}).get("grade")]
    messages = {gid: Counter() for gid in order}
    for student in scores:
        for notebook in sorted((COURSE / "autograded" / student / name).glob("*.ipynb")):
            for cell in nbformat.read(notebook, as_version=4).cells:
                gid = cell.metadata.get("nbgrader", {}).get("grade_id")
                errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                if gid in messages and errors and scores[student]["parts"].get(gid, {}).get("score", 1) < \
                        scores[student]["parts"].get(gid, {}).get("max_score", 0):
                    messages[gid][failure_message(errors[-1])] += 1
    parts = []
    for gid in order:
        graded = [s["parts"][gid] for s in scores.values() if gid in s["parts"] and not s["parts"][gid]["needs_manual_grade"]]
        lost = sum(p["score"] < p["max_score"] for p in graded)
        max_points = next((s["parts"][gid]["max_score"] for s in scores.values() if gid in s["parts"]), 0.0)
        parts.append({"part": gid, "max_points": max_points, "graded": len(graded), "lost": lost,
                      "lost_fraction": lost / len(graded) if graded else float("nan"),
                      "mean_score": sum(p["score"] for p in graded) / len(graded) if graded else float("nan"),
                      "messages": messages[gid].most_common()})
    return parts, {student: s["score"] for student, s in scores.items()}


def write_report(name, folder, top=3):
    """``<name>_parts.csv``, ``<name>_scores.csv`` and ``<name>.png`` in ``folder``; their paths."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from collections import Counter
    parts, totals = item_analysis(name)
    folder.mkdir(parents=True, exist_ok=True)
    parts_csv, scores_csv, figure_png = (folder / f"{name}_parts.csv", folder / f"{name}_scores.csv",
                                         folder / f"{name}.png")
    with open(parts_csv, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["part", "max_points", "graded", "lost_points", "lost_fraction", "mean_score"]
                        + [f"{k}_{i}" for i in range(1, top + 1) for k in ("message", "count")])
        for p in parts:
            common = [x for message, count in p["messages"][:top] for x in (message, count)]
            writer.writerow([p["part"], f"{p['max_points']:g}", p["graded"], p["lost"], f"{p['lost_fraction']:.3f}",
                             f"{p['mean_score']:.3f}", *common, *[""] * (2 * top - len(common))])
    distribution = Counter(totals.values())
    max_score = max((s["max_score"] for s in collect_scores([name]).get(name, {}).values()), default=0.0)
    with open(scores_csv, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["score", "max_score", "students"])
        for score in sorted(distribution):
            writer.writerow([f"{score:g}", f"{max_score:g}", distribution[score]])

    from matplotlib.ticker import MaxNLocator
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, max(3.5, 0.45 * len(parts) + 1.5)),
                                      gridspec_kw={"width_ratios": [3, 1]})
    shown = [p for p in parts if p["graded"]]
    y = range(len(shown))
    left.barh(y, [100 * p["lost_fraction"] for p in shown], color="tab:red")
    left.set_yticks(list(y), [p["part"] for p in shown])
    left.invert_yaxis()
    left.set_xlim(0, 100)
    left.set_xlabel("students who lost points (%)")
    left.set_title(f"{name}: per part ({len(totals)} submissions)")
    for i, p in zip(y, shown):  # the share, and the commonest message, next to each bar
        label = f"{100 * p['lost_fraction']:.0f}%"
        if p["messages"]:
            message = p["messages"][0][0].split(": ", 1)[-1]
            label += f"  {message if len(message) <= 60 else message[:59] + '…'}"
        left.text(100 * p["lost_fraction"] + 1, i, label, va="center", fontsize=7)
    scores = sorted(distribution)
    right.bar([f"{s:g}" for s in scores], [distribution[s] for s in scores], color="tab:blue")
    right.set_xlabel(f"score (of {max_score:g})")
    right.set_ylabel("students")
    right.yaxis.set_major_locator(MaxNLocator(integer=True))
    right.set_title("score distribution")
    fig.tight_layout()
    fig.savefig(figure_png, dpi=110, bbox_inches="tight")
    plt.close(fig)
    return parts, totals, (parts_csv, scores_csv, figure_png)


def cmd_report(args):
    """After grading: per part, who lost points and why; the score distribution (CSV and figure)."""
    folder = Path(args.out).expanduser().resolve() if args.out else COURSE / "reports"
    problem = repository_problem(folder / "report.csv")
    if problem and not args.out:
        problem = None  # assignments/reports/ is ignored by the course's .gitignore
    if problem:
        print(f"ERROR: not writing students' results there: {problem}.", file=sys.stderr)
        return 1
    graded = [n for n, students in collect_scores(args.assignments).items() if students]
    unknown = [n for n in args.assignments if n not in graded]
    if unknown:
        print(f"ERROR: nothing graded for {', '.join(unknown)} (autograde it first).", file=sys.stderr)
        return 1
    if not graded:
        print("ERROR: nothing graded yet: run course.py autograde first.", file=sys.stderr)
        return 1
    for name in graded:
        parts, totals, files = write_report(name, folder)
        print(f"\n{name}: {len(totals)} graded submission(s), mean score "
              f"{sum(totals.values()) / len(totals):.1f}")
        for p in parts:
            if not p["graded"]:
                print(f"  {p['part']:<32s} not graded yet (manual grading)")
                continue
            print(f"  {p['part']:<32s} {p['lost']:>3d}/{p['graded']} lost points ({100 * p['lost_fraction']:.0f}%)")
            for message, count in p["messages"][:3]:
                print(f"      {count:>3d} × {message}")
        print("wrote " + ", ".join(str(f) for f in files))
    return 0


STUDENT_COLUMNS = ("id", "first_name", "last_name", "email", "lms_user_id")  # nbgrader's Student


def read_class_list(path):
    """The students of a class-list CSV, checked: [{"id": ..., "first_name": ..., ...}].

    The first line names the columns (``id`` is required, the others are optional). Raises
    ValueError naming the file, the line and what was expected.
    """
    example = "id,first_name,last_name,email"
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            lines = list(csv.reader(fh))
    except OSError as error:
        raise ValueError(f"cannot read the class list {path}: {error.strerror}") from None
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise ValueError(f"{path} is empty; expected a header line ({example}) and one line per student")
    header = [cell.strip().lower() for cell in lines[0]]
    if "id" not in header:
        raise ValueError(f"{path}: the first line must name the columns, e.g. {example} (only id is "
                         f"required); it is {','.join(lines[0])!r}. Add a header line.")
    unknown = [h for h in header if h not in STUDENT_COLUMNS]
    if unknown:
        raise ValueError(f"{path}: unknown column(s) {', '.join(unknown)} in the header; "
                         f"the columns can be {', '.join(STUDENT_COLUMNS)}")
    students, seen = [], {}
    for number, line in enumerate(lines[1:], start=2):
        if len(line) != len(header):
            raise ValueError(f"{path}, line {number}: {len(line)} values for {len(header)} columns "
                             f"({','.join(header)}): {','.join(line)!r}")
        row = {key: value.strip() or None for key, value in zip(header, line, strict=True)}
        if not row["id"]:
            raise ValueError(f"{path}, line {number}: no id")
        if re.search(r"[\s/\\+*]", row["id"]):
            raise ValueError(f"{path}, line {number}: the id {row['id']!r} contains a space, '/', "
                             "'\\', '+' or '*'; ids are login names or matriculation numbers")
        if row["id"] in seen:
            raise ValueError(f"{path}, line {number}: the id {row['id']} is already on line {seen[row['id']]}")
        seen[row["id"]] = number
        students.append(row)
    if not students:
        raise ValueError(f"{path} names no student: expected one line per student after the header")
    return students


def cmd_students(args):
    """Import (create or update) the students of a class-list CSV, after checking all of it."""
    try:
        students = read_class_list(args.csv)
    except ValueError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    with gradebook() as gb:
        known = {s.id for s in gb.students}
        for row in students:
            gb.update_or_create_student(row["id"], **{k: v for k, v in row.items() if k != "id"})
    new = sum(row["id"] not in known for row in students)
    print(f"{len(students)} students in the gradebook from {args.csv}: {new} new, "
          f"{len(students) - new} updated")
    return 0


def cmd_zip_collect(args):
    """``nbgrader zip_collect`` for an LMS download: put the zip in place, collect, say what happened."""
    name = args.assignment
    if not (COURSE / "release" / name).is_dir():
        print(f"ERROR: {name} has no release version: run `course.py generate {name}` first "
              "(zip_collect checks the notebooks' names against it).", file=sys.stderr)
        return 1
    archive = COURSE / "downloaded" / name / "archive"
    archive.mkdir(parents=True, exist_ok=True)
    if args.zips:
        for old in archive.iterdir():  # the previous download: the new one replaces it
            shutil.rmtree(old) if old.is_dir() else old.unlink()
        for zip_file in args.zips:
            if not Path(zip_file).is_file():
                print(f"ERROR: no such file: {zip_file}", file=sys.stderr)
                return 1
            shutil.copy2(zip_file, archive / Path(zip_file).name)
    if not any(archive.iterdir()):
        print(f"ERROR: nothing to collect: give the LMS download, `course.py zip_collect {name} "
              f"submissions.zip`, or put it in {archive}", file=sys.stderr)
        return 1
    print(f"+ nbgrader zip_collect --force {name}", flush=True)
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "zip_collect", "--force", name], cwd=COURSE,
                          capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    collected = sorted(set(re.findall(r"Copying to: .*[/\\]submitted[/\\]([^/\\]+)[/\\]", log)))
    problems = [line for line in log.splitlines()
                if re.search(r"\| (ERROR|CRITICAL)\]|Not collected:|Skipped", line)]
    for line in log.splitlines():
        if re.search(r"\| (WARNING|ERROR|CRITICAL)\]", line) and "Directory not found. Creating" not in line \
                and "Clearing existing files" not in line:
            print(line)
    print(f"collected {len(collected)} submission(s) of {name} into submitted/: {', '.join(collected) or 'none'}")
    if proc.returncode != 0 or problems:
        print(f"ERROR: {len(problems) or 'some'} file(s) not collected (see above); fix them in "
              f"the zip and run zip_collect again.", file=sys.stderr)
        return 1
    return 0


def report_due_date(args):
    """After ``db assignment add NAME --duedate=...``: the due date as stored, and whether it has passed."""
    if args[:3] != ["db", "assignment", "add"] or len(args) < 4 or not any(a.startswith("--duedate") for a in args):
        return
    with gradebook() as gb:
        due = gb.find_assignment(args[3]).duedate
    if due is None:
        return
    left = (due.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc)).total_seconds()
    when = f"in {duration(left)}" if left > 0 else f"{duration(-left)} ago"
    print(f"{args[3]} is due {due:%Y-%m-%d %H:%M} UTC ({when}).")
    if left <= 0:
        print("WARNING: that due date has passed: every submission will be flagged late. "
              "Give the date with its time zone, e.g. --duedate=\"2027-01-31 23:59 Europe/Berlin\".",
              file=sys.stderr)


def cmd_nbgrader(args):
    if list(args.args[:3]) == ["db", "student", "import"] and len(args.args) > 3:
        try:  # nbgrader imports nobody from a file without a header line, and exits 0
            read_class_list(args.args[3])
        except ValueError as error:
            print(f"ERROR: {error}", file=sys.stderr)
            return 1
    status = nbgrader(*args.args)
    if status == 0:
        report_due_date(list(args.args))
    return status


def positive_int(text):
    """argparse type: an integer of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(prog="course.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("students", help="import the class list (CSV with a header line: id,first_name,"
                                        "last_name,email); checked first, exit 1 on a bad file")
    p.add_argument("csv", help="the class list")
    p.set_defaults(func=cmd_students)

    p = sub.add_parser("generate", help="nbgrader generate_assignment --force (all assignments by default)")
    p.add_argument("assignments", nargs="*")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("zip_collect", help="collect an LMS download: copy the zip to downloaded/NAME/archive/, "
                                           "nbgrader zip_collect --force; exit 1 if a file was not collected")
    p.add_argument("assignment")
    p.add_argument("zips", nargs="*", help="the downloaded zip(s); without: what is in downloaded/NAME/archive/")
    p.set_defaults(func=cmd_zip_collect)

    p = sub.add_parser("autograde", help="autograde every submission; print scores; exit 1 if one failed")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--student", help="only this student")
    p.add_argument("--timeout", type=int, help="seconds per cell (default: c.Execute.timeout, 20)")
    p.add_argument("--jobs", "-j", type=positive_int, default=1, metavar="N",
                   help="grade N submissions at a time, each in its own process and sandbox "
                        "(default 1; up to one per CPU core, and 2 GiB of memory each)")
    p.add_argument("--unsafe-no-sandbox", action="store_true",  # safe autograding (sandbox.py)
                   help="run student code WITHOUT the sandbox, with your rights (README: Safe autograding)")
    p.add_argument("--verbose", action="store_true", help="nbgrader's whole log")
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("feedback", help="nbgrader generate_feedback --force, hidden tests removed")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--student", help="only this student")
    p.add_argument("--verbose", action="store_true", help="nbgrader's whole log")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="one CSV row per student and graded assignment (as nbgrader export)")
    p.add_argument("assignments", nargs="*", help="export these (default: every assignment with a graded submission)")
    p.add_argument("--to", help="CSV file to write (default: assignments/grades.csv, which git ignores)")
    p.add_argument("--inside-repo", action="store_true",
                   help="allow --to a file inside the repository that git does not ignore")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("scores", help="points per student and part, from the gradebook")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_scores)

    p = sub.add_parser("report", help="after grading: per part, the share of students who lost points and "
                                      "the commonest failure messages; the score distribution (CSV, figure)")
    p.add_argument("assignments", nargs="*", help="these (default: every assignment with graded submissions)")
    p.add_argument("--out", help="folder for the files (default: assignments/reports/, which git ignores)")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("validate", help="run a notebook's tests; exit 1 if one fails")
    p.add_argument("notebooks", nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("nbgrader", help="run any nbgrader command in the course folder")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_nbgrader)

    args = parser.parse_args(argv)
    _setup_logging(quiet=args.command in ("autograde", "feedback") and not args.verbose)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
