#!/usr/bin/env python3
"""Instructor commands for the nbgrader course in this folder; run from anywhere, e.g.

    python assignments/course.py generate                    # release versions of every assignment
    python assignments/course.py autograde a1_activations_and_perceptron
    python assignments/course.py scores                      # points per student and part
    python assignments/course.py export --to grades.csv
    python assignments/course.py feedback                    # HTML feedback, hidden tests removed
    python assignments/course.py validate assignments/source/a2_backpropagation/a2_backpropagation.ipynb
    python assignments/course.py nbgrader zip_collect a1_activations_and_perceptron   # any nbgrader command

Each command does what the nbgrader command of the same name does, with this folder's
nbgrader_config.py, through nbgrader's Python API in this one process (the ``nbgrader``
command runs the nbgrader CLI in this folder). Verdicts come from the gradebook and nbgrader's
results, never from an exit code (``nbgrader validate`` exits 0 even when tests fail).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
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


def _setup_logging():
    import logging
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
    log = logging.getLogger("traitlets")  # nbgrader's converters log here when run without an app
    log.handlers[:] = [handler]
    log.setLevel(logging.INFO)
    log.propagate = False


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
                    "needs_manual_grade": submission.needs_manual_grade, "parts": parts}
    return result


def graded_students(name, student=None):
    return sorted(p.parent.name for p in (COURSE / "autograded").glob(f"{student or '*'}/{name}"))


def ungraded(names, student=None):
    """(assignment, student) pairs submitted but without an autograded notebook."""
    missing = []
    for name in names:
        for folder in sorted((COURSE / "submitted").glob(f"{student or '*'}/{name}")):
            student_id = folder.parent.name
            for nb in folder.glob("*.ipynb"):
                if not (COURSE / "autograded" / student_id / name / nb.name).exists():
                    missing.append((name, student_id))
                    break
    return missing


def print_scores(scores):
    for assignment, students in scores.items():
        print(f"\n{assignment}")
        for student, s in sorted(students.items()):
            flag = "  (needs manual grading)" if s["needs_manual_grade"] else ""
            print(f"  {student:<24s} {s['score']:5.1f} / {s['max_score']:.1f}{flag}")
            lost = [f"{k} {v['score']:g}/{v['max_score']:g}" for k, v in s["parts"].items()
                    if v["score"] < v["max_score"] and not v["needs_manual_grade"]]
            if lost:
                print("      lost points in:", ", ".join(lost))


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
    settings = {"Execute": {"timeout": args.timeout}} if args.timeout else {}
    for pattern in _patterns(names):
        convert(Autograde, pattern, student=args.student or "*", **settings)
    print_scores(collect_scores(names))
    failed = ungraded(names, args.student)
    for name, student in failed:
        print(f"ERROR: {student}'s {name} could not be graded (see the log above)", file=sys.stderr)
    return 1 if failed else 0


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


def cmd_export(args):
    """What ``nbgrader export`` does: one CSV row per student and assignment."""
    from nbgrader.plugins import CsvExportPlugin
    target = Path(args.to).resolve()
    with gradebook() as gb:
        CsvExportPlugin(config=load_config(), to=str(target)).export(gb)
    if not target.exists():
        print(f"ERROR: nbgrader export did not write {target}", file=sys.stderr)
        return 1
    print(f"wrote {target}")
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
    validator = Validator(config=load_config())
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
            last = cell["raw_error"].strip().splitlines()[-1] if cell["raw_error"].strip() else ""
            print(f"  {first}\n    {last}")
        for key in ("changed", "type_changed"):
            for cell in problems.get(key, []):
                print(f"  a locked cell was {key.replace('_', ' ')}: {cell['source'].splitlines()[0]}")
    return status


def cmd_nbgrader(args):
    return nbgrader(*args.args)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="course.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("generate", help="nbgrader generate_assignment --force (all assignments by default)")
    p.add_argument("assignments", nargs="*")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("autograde", help="autograde every submission; print scores; exit 1 if one failed")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--student", help="only this student")
    p.add_argument("--timeout", type=int, help="seconds per cell (default: c.Execute.timeout, 20)")
    p.add_argument("--unsafe-no-sandbox", action="store_true",  # safe autograding (sandbox.py)
                   help="run student code WITHOUT the sandbox, with your rights (README: Safe autograding)")
    p.set_defaults(func=cmd_autograde)

    p = sub.add_parser("feedback", help="nbgrader generate_feedback --force, hidden tests removed")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--student", help="only this student")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("export", help="nbgrader export: one CSV row per student and assignment")
    p.add_argument("--to", default="grades.csv", help="CSV file to write (default: ./grades.csv)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("scores", help="points per student and part, from the gradebook")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_scores)

    p = sub.add_parser("validate", help="run a notebook's tests; exit 1 if one fails")
    p.add_argument("notebooks", nargs="+")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("nbgrader", help="run any nbgrader command in the course folder")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_nbgrader)

    args = parser.parse_args(argv)
    _setup_logging()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
