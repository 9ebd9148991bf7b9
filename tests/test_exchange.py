"""The students' side of grading, end to end, through nbgrader's exchange.

Shared server (``shared_server``): one instructor and two students, each with their own
home folder, working folder and nbgrader configuration, share one exchange folder, as
on a JupyterHub server. Assignment 1 of the course goes round::

    instructor: db student import, generate, release_assignment        (course.py)
    alice, bob: list, fetch_assignment; alice answers everything, bob breaks relu
    alice:      validate, submit
    bob:        submit (correct) ... the due date passes ... mlp-check, submit (broken)
    instructor: collect, autograde, feedback, release_feedback          (course.py)
    alice, bob: fetch_feedback

The tests assert that each student's fetched feedback and gradebook entry carry their own
score (11/11 and 10/11), that bob's later submission is the one graded and is flagged
late, and that bob can reach neither alice's submission nor her feedback.

Run as root (as CI is), the three actors are real, unprivileged users created for the
test and removed after it, so file permissions are enforced as on a server. Otherwise
they all run as the current user, told apart by ``c.CourseDirectory.student_id``, and
only the permission test is skipped (it says why).

Laptop (``laptop``): instructor and one student on one login, with the course's default
exchange folder inside the course; the same round trip without the second student.
The two round trips run side by side. ``MLP_EXCHANGE_TEST_ONE_USER=1`` runs the shared
server one on a single login even as root (as on a developer's machine).

The commands are the ones README.md ("For students: assignments") and
assignments/README.md ("Exchange") show; the last test checks that they still do.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = REPO / "assignments"
MLP_CHECK = Path(sys.executable).with_name("mlp-check")  # installed with the course's package
VENV_BIN = Path(sys.executable).parent
COURSE_ID = "mlp-intro"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32",
                       reason="nbgrader's exchange does not run on Windows"),
]

PROGRESS: list = []  # set by the round_trips fixture: writes a line to the terminal while pytest runs


def terminal_progress(config, label: str):
    """A function that prints ``label: text`` on the terminal at once, even while pytest
    captures output (the long fixtures would otherwise show nothing for minutes)."""
    import threading

    reporter = config.pluginmanager.getplugin("terminalreporter")
    capture = config.pluginmanager.getplugin("capturemanager")
    lock = threading.Lock()

    def progress(text: str) -> None:
        if reporter is None or capture is None:
            return
        with lock, capture.global_and_fixture_disabled():
            reporter.write_line(f"  {label}: {text}")
    return progress

_SCORE_RE = re.compile(r"\(Score: ([0-9.]+) / ([0-9.]+)\)")
_SOLUTION_MARKER = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


# --------------------------------------------------------------------------- the assignment

@dataclass
class Assignment:
    """The assignment used for the round trip and how the two students answer it."""

    assignment_id: str
    source: nbformat.NotebookNode
    # The answer cell bob breaks, the code he appends to it, and the test cells
    # (visible or hidden) that then fail.
    broken_answer: str
    breakage: str
    failing_tests: tuple[str, ...]

    def test_points(self) -> dict[str, float]:
        """Points of every autograder test cell, by grade id."""
        return {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader.get("points", 0))
                for c in self.source.cells
                if c.metadata.get("nbgrader", {}).get("grade")
                and not c.metadata.nbgrader.get("solution")}

    @property
    def full_score(self) -> float:
        return sum(self.test_points().values())

    @property
    def partial_score(self) -> float:
        points = self.test_points()
        return self.full_score - sum(points[g] for g in self.failing_tests)

    def solutions(self) -> dict[str, str]:
        """Answer-cell source as a correct student writes it: the solution, no markers."""
        answers = {}
        for cell in self.source.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") and cell.cell_type == "code":
                answers[meta["grade_id"]] = "\n".join(
                    line for line in cell.source.splitlines()
                    if not _SOLUTION_MARKER.match(line))
            elif meta.get("solution"):  # a written answer, graded by hand
                answers[meta["grade_id"]] = "My written answer."
        return answers


A1 = "a1_activations_and_perceptron"


def course_assignment() -> Assignment:
    """Assignment 1 of the course, and how bob gets 1 of its 11 points wrong."""
    return Assignment(
        assignment_id=A1,
        source=nbformat.read(ASSIGNMENTS / "source" / A1 / f"{A1}.ipynb", as_version=4),
        # |x| instead of max(0, x): the visible test of Part 3 fails.
        broken_answer="relu",
        breakage="\n\ndef relu(x):\n    return np.abs(np.asarray(x, dtype=float))\n",
        failing_tests=("test_relu",),
    )


def answer(notebook: Path, answers: dict[str, str]) -> None:
    """Edit a fetched notebook in place, as the student would in JupyterLab."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    nbformat.write(nb, notebook)


# --------------------------------------------------------------------------- actors

def _others_can_enter(path: Path) -> bool:
    return bool(path.stat().st_mode & stat.S_IXOTH)


def _blocked_ancestors(paths: list[Path]) -> dict[Path, list[Path]]:
    """For each folder that other users cannot enter, the needed paths below it."""
    blocked: dict[Path, list[Path]] = {}
    for path in paths:
        path = path.resolve()
        for ancestor in reversed(path.parents):
            if not _others_can_enter(ancestor):
                blocked.setdefault(ancestor, []).append(path)
                break
    return blocked


class UserSwitch:
    """Runs commands as other, unprivileged users (needs root).

    The Python running the tests may live where other users cannot enter (pyenv
    under /root, mode 0700). Then each command runs in a private mount namespace in
    which that folder is replaced by an empty tmpfs holding only the interpreter's
    folders; nothing changes outside the namespace.
    """

    def __init__(self, stash: Path, also: tuple = ()):
        needed = [Path(sys.base_prefix), Path(sys.prefix), REPO, *also]
        self.blocked = _blocked_ancestors(needed)
        self.script = ""
        if self.blocked:
            lines = ["set -e"]
            binds = []
            for i, (folder, paths) in enumerate(sorted(self.blocked.items())):
                for j, path in enumerate(paths):
                    keep = stash / f"{i}-{j}"
                    keep.mkdir(parents=True, exist_ok=True)
                    lines.append(f"mount --bind '{path}' '{keep}'")
                    binds.append((keep, path))
                lines.append(f"mount -t tmpfs -o mode=0755 tmpfs '{folder}'")
            for keep, path in binds:
                lines += [f"mkdir -p '{path}'", f"mount --bind '{keep}' '{path}'"]
            lines.append('exec "$@"')
            self.script = "\n".join(lines)

    def wrap(self, user: str, argv: list[str]) -> list[str]:
        setpriv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", "--"]
        if not self.script:
            return setpriv + argv
        return ["unshare", "--mount", "--propagation", "private", "--",
                "sh", "-c", self.script, "sh", *setpriv, *argv]


@dataclass
class Actor:
    name: str                    # the user's name (a real login when switch is set)
    home: Path
    switch: UserSwitch | None    # None: runs as the current user
    student_id: str | None = None   # when not the login name
    env: dict = field(default_factory=dict)
    log: list = field(default_factory=list)

    @property
    def login(self) -> str:
        """The id nbgrader files this actor's submissions under."""
        if self.student_id:
            return self.student_id
        if self.switch is not None:
            return self.name
        import pwd
        return pwd.getpwuid(os.getuid()).pw_name

    def run(self, *argv: str, cwd: Path | None = None, check: bool = True,
            timeout: float = 300) -> subprocess.CompletedProcess:
        env = {
            "PATH": f"{VENV_BIN}{os.pathsep}/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home), "USER": self.name, "LOGNAME": self.name,
            "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
            **self.env,
        }
        command = list(argv)
        if self.switch is not None:
            command = self.switch.wrap(self.name, command)
        started = time.monotonic()
        result = subprocess.run(command, cwd=cwd or self.home, env=env, capture_output=True,
                                text=True, timeout=timeout)
        self.log.append((argv, result))
        if PROGRESS:  # the round trips take minutes: say which step is running
            words = " ".join(Path(a).name if os.path.isabs(a) else a for a in argv[:5])
            PROGRESS[0](f"{self.name}: {' '.join(words.split())[:90]}"
                        f" ({time.monotonic() - started:.1f} s, exit {result.returncode})")
        if check and result.returncode != 0:
            raise AssertionError(f"{self.name}: {' '.join(argv)} exited {result.returncode}\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def nbgrader(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run(str(VENV_BIN / "nbgrader"), *args, **kwargs)

    def python(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run(sys.executable, *args, **kwargs)

    def course(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        """The course's instructor command, ``python course.py ...``, in the course."""
        kwargs.setdefault("cwd", self.home / "course")
        return self.run(sys.executable, "course.py", *args, **kwargs)

    def documented_forms(self) -> list[str]:
        """The commands this actor ran, as README.md and assignments/README.md write them.

        ``nbgrader submit a1_...``, ``mlp-check mlp-intro/...``,
        ``assignments/course.py nbgrader collect a1_...`` (options and absolute paths,
        which differ per machine, left out).
        """
        forms = []
        for argv, _ in self.log:
            program = Path(argv[0]).name
            if program == "nbgrader":
                forms.append(" ".join(["nbgrader", *argv[1:]]))
            elif argv[1:2] == ["course.py"]:
                words = [w for w in argv[2:] if not w.startswith("--") and not os.path.isabs(w)]
                forms.append(" ".join(["assignments/course.py", *words]))
            elif program == "mlp-check":
                forms.append(" ".join(["mlp-check", *argv[1:]]))
        return forms


PROBE = r"""
import json, os, sys
results = {}
for label, op, path in json.loads(sys.argv[1]):
    try:
        if op == "list":
            os.listdir(path)
        elif op == "read":
            with open(path, "rb") as fh:
                fh.read(1)
        elif op == "write":
            with open(os.path.join(path, ".probe"), "w"):
                pass
            os.remove(os.path.join(path, ".probe"))
        results[label] = "ok"
    except PermissionError:
        results[label] = "denied"
    except FileNotFoundError:
        results[label] = "missing"
print(json.dumps(results))
"""


def probe(actor: Actor, checks: list[tuple[str, str, Path]]) -> dict[str, str]:
    """Try file operations as ``actor``; {label: "ok" | "denied" | "missing"}."""
    result = actor.python("-c", PROBE, json.dumps(
        [(label, op, str(path)) for label, op, path in checks]))
    return json.loads(result.stdout)


def _can_switch_users() -> str | None:
    """None when the test can create users and run commands as them; else why not."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "not root: cannot create the test's student users"
    for tool in ("useradd", "userdel", "setpriv"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    return None


class Users:
    """Temporary unprivileged users; removed by :meth:`remove`."""

    def __init__(self):
        self.names: list[str] = []

    def add(self, name: str, home: Path) -> None:
        subprocess.run(["useradd", "--no-create-home", "--home-dir", str(home),
                        "--shell", "/usr/sbin/nologin", "--user-group", name],
                       check=True, capture_output=True, text=True)
        self.names.append(name)
        home.mkdir(mode=0o700)
        shutil.chown(home, name, name)
        home.chmod(0o700)

    def remove(self) -> None:
        for name in self.names:
            subprocess.run(["userdel", name], capture_output=True, text=True)
        self.names = []


# --------------------------------------------------------------------------- the round trip

@dataclass
class RoundTrip:
    setup: str                   # "shared-server" or "laptop"
    assignment: Assignment
    course: Path
    exchange: Path
    instructor: Actor
    students: list[Actor]
    real_users: bool
    why_not_real_users: str | None
    steps: dict = field(default_factory=dict)

    @property
    def alice(self) -> Actor:
        return self.students[0]

    @property
    def bob(self) -> Actor:
        return self.students[1]


def _timestamp(cache_entry: Path) -> str:
    return (cache_entry / "timestamp.txt").read_text()


def _cache_entries(student: Actor, assignment_id: str) -> list[Path]:
    cache = student.home / ".local" / "share" / "jupyter" / "nbgrader_cache" / COURSE_ID
    return sorted(cache.glob(f"*+{assignment_id}+*"), key=_timestamp)


def _copy_course(assignment: Assignment, course: Path) -> None:
    """The instructor's course: a copy of assignments/ (its configuration, commands and
    templates, which keep every path relative to themselves) with one source assignment."""
    course.mkdir()
    for path in ASSIGNMENTS.iterdir():
        if path.is_file() and path.suffix == ".py":
            shutil.copy2(path, course / path.name)
    shutil.copytree(ASSIGNMENTS / "templates", course / "templates")  # the feedback page
    source = course / "source" / assignment.assignment_id
    source.mkdir(parents=True)
    nbformat.write(assignment.source, source / f"{assignment.assignment_id}.ipynb")


# The students' exchange classes (mlp_lib/grading/exchange.py): feedback/<2026-11-30_18-04-51_UTC>/
FETCH_FEEDBACK = "mlp_lib.grading.exchange.ExchangeFetchFeedback"
LIST = "mlp_lib.grading.exchange.ExchangeList"


def _student_config(exchange: Path, student_id: str | None) -> str:
    """What a student puts in ~/.jupyter/nbgrader_config.py (see README.md)."""
    config = ("c = get_config()\n"
              f"c.CourseDirectory.course_id = {json.dumps(COURSE_ID)}\n"
              f"c.Exchange.root = {json.dumps(str(exchange))}\n"
              "c.Exchange.path_includes_course = True\n"
              f"c.ExchangeFactory.fetch_feedback = {json.dumps(FETCH_FEEDBACK)}\n"
              f"c.ExchangeFactory.list = {json.dumps(LIST)}\n")
    if student_id is not None:
        # One login shared by several test students: say who is who.
        config += f"c.CourseDirectory.student_id = {json.dumps(student_id)}\n"
    return config


SETUPS = ("shared-server", "laptop")


@pytest.fixture(scope="module")
def round_trips(request, tmp_path_factory):
    """Both round trips, run side by side: each is a chain of single-threaded commands."""
    PROGRESS[:] = [terminal_progress(request.config, "exchange")]
    bases = {setup: _base_folder(setup, tmp_path_factory) for setup in SETUPS}
    with ThreadPoolExecutor(max_workers=len(SETUPS)) as pool:
        futures = {setup: pool.submit(_start_round_trip, setup, bases[setup])
                   for setup in SETUPS}
    started, failures = {}, []
    for setup, future in futures.items():
        try:
            started[setup] = future.result()
        except Exception as exc:  # noqa: BLE001 - re-raised below, after clean-up
            failures.append(exc)
    try:
        if failures:
            raise failures[0]
        yield {setup: trip for setup, (trip, _) in started.items()}
    finally:
        PROGRESS.clear()
        for _, clean_up in started.values():
            clean_up()


@pytest.fixture(scope="module")
def shared_server(round_trips):
    """Two students and an instructor, as separate users when the test runs as root."""
    return round_trips["shared-server"]


@pytest.fixture(scope="module")
def laptop(round_trips):
    """One login, one student, the course's default exchange folder."""
    return round_trips["laptop"]


@pytest.fixture(params=["shared_server", "laptop"])
def round_trip(request):
    return request.getfixturevalue(request.param)


def _why_not_real_users(setup: str) -> str | None:
    if setup == "laptop":
        return "one login on a laptop"
    if os.environ.get("MLP_EXCHANGE_TEST_ONE_USER"):
        return "MLP_EXCHANGE_TEST_ONE_USER is set"
    return _can_switch_users()


def _base_folder(setup: str, tmp_path_factory) -> Path:
    if _why_not_real_users(setup) is None:
        # Folders every test user can enter (pytest's tmp folders are private to root).
        base = Path(tempfile.mkdtemp(prefix=f"mlp-exchange-{setup}-"))
        base.chmod(0o755)
        return base
    return tmp_path_factory.mktemp(f"exchange-{setup}")


def _start_round_trip(setup: str, base: Path):
    """Set up the actors in ``base`` and drive the round trip; (trip, clean_up)."""
    why_not = _why_not_real_users(setup)
    users = Users()

    def clean_up():
        users.remove()
        shutil.rmtree(base, ignore_errors=True)

    try:
        trip = _set_up(setup, base, why_not, users)
        started = time.monotonic()
        (_drive_shared_server if setup == "shared-server" else _drive_laptop)(trip)
        trip.steps["seconds"] = time.monotonic() - started
    except BaseException:
        clean_up()
        raise
    return trip, clean_up


def _set_up(setup: str, base: Path, why_not: str | None, users: Users) -> RoundTrip:
    assignment = course_assignment()
    tag = secrets.token_hex(2)
    switch = None
    roles = ("instructor", "alice", "bob") if setup == "shared-server" else (
        "instructor", "student")
    names = {role: f"{role}{tag}" for role in roles}
    if why_not is None:
        switch = UserSwitch(base / "stash")
        for role, name in names.items():
            users.add(name, base / role)
        # Can a test user run this Python at all?
        result = Actor(names["alice"], base / "alice", switch).python(
            "-c", "import os, mlp_lib; print(os.getuid())", check=False)
        if result.returncode != 0 or result.stdout.strip() == "0":
            why_not = ("could not run Python as an unprivileged user: "
                       + (result.stderr.strip().splitlines() or ["?"])[-1])
            switch = None
            users.remove()
            for role in roles:
                shutil.rmtree(base / role, ignore_errors=True)
    if switch is None:
        for role in roles:
            (base / role).mkdir()

    instructor = Actor(names["instructor"], base / "instructor", switch)
    course = instructor.home / "course"
    _copy_course(assignment, course)
    if setup == "shared-server":
        # The shared exchange folder, as an administrator creates it on a server.
        exchange = base / "shared" / "exchange"
        exchange.mkdir(parents=True)
        exchange.chmod(0o1777)
        instructor.env["MLP_EXCHANGE_ROOT"] = str(exchange)
    else:
        # The course's default: a folder inside the course, made by release_assignment.
        exchange = course / "exchange"
    if switch is not None:
        subprocess.run(["chown", "-R", f"{instructor.name}:{instructor.name}", str(course)],
                       check=True)

    students = []
    for role in roles[1:]:
        one_login = switch is None and setup == "shared-server"
        student = Actor(names[role], base / role, switch,
                        student_id=names[role] if one_login else None)
        (student.home / ".jupyter").mkdir()
        (student.home / ".jupyter" / "nbgrader_config.py").write_text(
            _student_config(exchange, student.student_id))
        if switch is not None:
            subprocess.run(["chown", "-R", f"{student.name}:{student.name}",
                            str(student.home / ".jupyter")], check=True)
        students.append(student)

    return RoundTrip(setup, assignment, course, exchange, instructor, students,
                     real_users=switch is not None, why_not_real_users=why_not)


def _release(trip: RoundTrip) -> None:
    a = trip.assignment.assignment_id
    instructor = trip.instructor
    class_list = instructor.home / "students.csv"   # ids are the students' login names
    class_list.write_text("id,first_name,last_name,email\n" + "".join(
        f"{s.login},{s.name},Student,{s.name}@example.org\n" for s in trip.students))
    instructor.course("students", str(class_list))
    instructor.course("generate")  # every assignment of the course: here the one
    instructor.course("nbgrader", "release_assignment", a)
    trip.steps["modes_after_release"] = {
        name: stat.S_IMODE((trip.exchange / COURSE_ID / name).stat().st_mode)
        for name in ("outbound", "inbound")}
    trip.steps["modes_after_release"]["course"] = stat.S_IMODE(
        (trip.exchange / COURSE_ID).stat().st_mode)
    trip.steps["modes_after_release"]["root"] = stat.S_IMODE(trip.exchange.stat().st_mode)


def _grade(trip: RoundTrip) -> None:
    a = trip.assignment.assignment_id
    instructor, course, steps = trip.instructor, trip.course, trip.steps
    steps["collect"] = instructor.course("nbgrader", "collect", a)
    steps["collected_timestamps"] = {
        s.login: (course / "submitted" / s.login / a / "timestamp.txt").read_text()
        for s in trip.students}
    autograde = instructor.course("autograde", a, check=False)
    if autograde.returncode == 2 and "refusing to autograde" in autograde.stderr:
        # No sandbox on this machine (not Linux, no bubblewrap: tests/test_sandbox.py's
        # business). The exchange is what is tested here: grade without it.
        steps["no_sandbox"] = autograde.stderr
        autograde = instructor.course("autograde", a, "--unsafe-no-sandbox", check=False)
    assert autograde.returncode == 0, autograde.stdout + autograde.stderr
    steps["autograde"] = autograde
    instructor.course("feedback", a)
    instructor.course("nbgrader", "release_feedback", a)
    steps["feedback_mode"] = stat.S_IMODE((trip.exchange / COURSE_ID / "feedback").stat().st_mode)


def _fetch_feedback(trip: RoundTrip) -> None:
    a = trip.assignment.assignment_id
    trip.steps["feedback"] = {}
    trip.steps["listed_after_feedback"] = {}
    for student in trip.students:
        student.nbgrader("fetch_feedback", a)
        trip.steps["feedback"][student.login] = sorted(
            (student.home / COURSE_ID / a / "feedback").glob(f"*/{a}.html"))
        # what the Assignment List asks: has the feedback been fetched, and where is it?
        trip.steps["listed_after_feedback"][student.login] = student.nbgrader("list", "--cached")


def _read_gradebook(trip: RoundTrip) -> None:
    from nbgrader.api import Gradebook
    a = trip.assignment.assignment_id
    with Gradebook(f"sqlite:///{trip.course / 'gradebook.db'}", course_id=COURSE_ID) as gb:
        trip.steps["gradebook"] = {}
        for s in trip.students:
            submission = gb.find_submission(a, s.login)
            trip.steps["gradebook"][s.login] = {
                "score": submission.score,
                "max_score": submission.max_score,
                "seconds_late": submission.total_seconds_late,
                "penalty": submission.late_submission_penalty,
            }
        trip.steps["gradebook_duedate"] = gb.find_assignment(a).duedate


def _drive_shared_server(trip: RoundTrip) -> None:
    """Two students and one instructor, one exchange folder."""
    a = trip.assignment.assignment_id
    instructor, alice, bob, steps = trip.instructor, trip.alice, trip.bob, trip.steps
    _release(trip)

    steps["list"] = alice.nbgrader("list")
    for student in trip.students:
        student.nbgrader("fetch_assignment", a)
    notebook = f"{COURSE_ID}/{a}/{a}.ipynb"
    correct = trip.assignment.solutions()
    broken = dict(correct)
    broken[trip.assignment.broken_answer] += trip.assignment.breakage
    answer(alice.home / notebook, correct)
    answer(bob.home / notebook, correct)

    # Alice validates (JupyterLab's "Validate" button runs the same) and submits.
    steps["alice_validate"] = alice.nbgrader("validate", notebook)
    alice.nbgrader("submit", a)
    # Bob submits a correct notebook first...
    bob.nbgrader("submit", a)
    # ... then the due date passes (set in the gradebook; nbgrader's timestamps are UTC) ...
    due = datetime.now(timezone.utc)
    instructor.course("nbgrader", "db", "assignment", "add", a,
                      f"--duedate={due.strftime('%Y-%m-%d %H:%M:%S.%f')} UTC")
    steps["duedate"] = due.replace(tzinfo=None)
    time.sleep(0.01)
    # ... and he breaks one function, runs the check, and submits again, late.
    answer(bob.home / notebook, broken)
    steps["bob_check"] = bob.run(str(MLP_CHECK), notebook, check=False)
    bob.nbgrader("submit", a)
    steps["submissions"] = {s.login: [_timestamp(p) for p in _cache_entries(s, a)]
                            for s in trip.students}

    _grade(trip)
    _fetch_feedback(trip)
    _read_gradebook(trip)


def _drive_laptop(trip: RoundTrip) -> None:
    """One login for instructor and student, the course's default exchange folder."""
    a = trip.assignment.assignment_id
    (student,) = trip.students
    _release(trip)
    student.nbgrader("fetch_assignment", a)
    answer(student.home / COURSE_ID / a / f"{a}.ipynb", trip.assignment.solutions())
    student.nbgrader("submit", a)
    trip.steps["submissions"] = {student.login: [_timestamp(p)
                                                 for p in _cache_entries(student, a)]}
    _grade(trip)
    _fetch_feedback(trip)
    _read_gradebook(trip)


# --------------------------------------------------------------------------- the tests

def _feedback_score(html: Path) -> tuple[float, float]:
    match = _SCORE_RE.search(html.read_text())
    assert match, f"no score in {html}"
    return float(match.group(1)), float(match.group(2))


def test_exchange_folders_and_release(round_trip):
    trip = round_trip
    a = trip.assignment.assignment_id
    modes = trip.steps["modes_after_release"]
    assert modes["root"] & 0o777 == 0o777         # anyone may create a course folder
    assert modes["course"] == 0o755
    assert modes["outbound"] == 0o755             # students read releases, cannot change them
    assert modes["inbound"] == 0o2733             # students write submissions, cannot list them
    assert trip.steps["feedback_mode"] == 0o711   # feedback can be fetched, not listed
    if trip.setup == "laptop":
        # The course's default exchange: a folder inside the course (not committed).
        assert trip.exchange == trip.course / "exchange"
    else:
        assert f"{COURSE_ID} {a}" in trip.steps["list"].stdout + trip.steps["list"].stderr
    for student in trip.students:
        assert nbformat.read(student.home / COURSE_ID / a / f"{a}.ipynb", as_version=4).cells


def test_each_student_gets_their_own_feedback_with_the_right_score(round_trip):
    trip = round_trip
    full, partial = trip.assignment.full_score, trip.assignment.partial_score
    assert 0 < partial < full
    expected = {trip.students[0].login: full}
    if trip.setup == "shared-server":
        expected[trip.bob.login] = partial
    gradebook = trip.steps["gradebook"]
    for login, score in expected.items():
        assert gradebook[login]["score"] == pytest.approx(score), login
        feedback = trip.steps["feedback"][login]
        assert len(feedback) == 1, f"{login} fetched {feedback}"
        assert _feedback_score(feedback[0]) == pytest.approx(
            (score, gradebook[login]["max_score"]))


def test_feedback_folders_have_no_spaces_or_colons_and_list_finds_them(round_trip):
    """Feedback lands in feedback/2026-11-30_18-04-51_UTC/, and ``nbgrader list`` (which the
    Assignment List in JupyterLab calls) sees it there as fetched."""
    trip = round_trip
    for student in trip.students:
        (html,) = trip.steps["feedback"][student.login]
        folder = html.parent.name
        assert re.fullmatch(r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_UTC", folder), folder
        listed = trip.steps["listed_after_feedback"][student.login]
        lines = [line for line in (listed.stdout + listed.stderr).splitlines() if trip.assignment.assignment_id in line]
        graded = trip.steps["collected_timestamps"][student.login]
        (line,) = [line for line in lines if graded in line]
        assert line.endswith("(feedback already fetched)"), lines
        # an earlier submission (bob's first) has no feedback: nothing fetched for it
        assert all(line.endswith("(no feedback available)") for line in lines if graded not in line), lines


def test_later_submission_counts_and_is_flagged_late(shared_server):
    trip = shared_server
    steps = trip.steps
    alice, bob = trip.alice.login, trip.bob.login
    first, second = steps["submissions"][bob]
    assert steps["collected_timestamps"][bob] == second
    assert steps["collected_timestamps"][alice] == steps["submissions"][alice][0]
    # Bob's feedback belongs to his second submission (feedback/<its time, without spaces or colons>/).
    from mlp_lib.grading.exchange import feedback_folder
    assert steps["feedback"][bob][0].parent.name == feedback_folder(second)

    from nbgrader.utils import parse_utc
    assert parse_utc(first) < steps["duedate"] < parse_utc(second)
    gradebook = steps["gradebook"]
    assert steps["gradebook_duedate"] == steps["duedate"]
    assert gradebook[bob]["seconds_late"] > 0
    assert gradebook[alice]["seconds_late"] == 0
    log = steps["autograde"].stdout + steps["autograde"].stderr
    # course.py's summary says it as a person reads it, under bob's score; no raw float
    assert re.search(rf"  {re.escape(bob)} .*\n(      .*\n)*      submitted late by [0-9]+ (s|min)", log), log
    assert "seconds late" not in log


def test_student_checks_before_submitting(shared_server):
    trip = shared_server
    validate = trip.steps["alice_validate"]
    assert "Success! Your notebook passes all the tests." in validate.stdout

    # Bob's mlp-check: one line per test cell, the broken part FAILED with its message.
    check = trip.steps["bob_check"]
    assert check.returncode == 1, check.stdout + check.stderr
    statuses = {}
    for line in check.stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("PASSED", "FAILED", "HIDDEN"):
            statuses[words[1]] = words[0]
    assert statuses == {g: ("FAILED" if g in trip.assignment.failing_tests else "PASSED")
                        for g in trip.assignment.test_points()}, check.stdout
    assert re.search(r"FAILED +test_relu +0/1 +AssertionError: relu\(\[-2, 0, 3\]\) is wrong",
                     check.stdout), check.stdout
    assert (f"Visible tests: {trip.assignment.partial_score:g} of "
            f"{trip.assignment.full_score:g} points passed") in check.stdout


def test_students_cannot_reach_each_others_work(shared_server):
    trip = shared_server
    if not trip.real_users:
        pytest.skip(f"file permissions not tested: {trip.why_not_real_users}")
    a = trip.assignment.assignment_id
    alice, bob = trip.alice, trip.bob
    course_exchange = trip.exchange / COURSE_ID
    alice_feedback = trip.steps["feedback"][alice.login][0]
    alice_cache = _cache_entries(alice, a)[0]

    results = probe(bob, [
        ("list inbound", "list", course_exchange / "inbound"),
        ("list released feedback", "list", course_exchange / "feedback"),
        ("write into the release", "write", course_exchange / "outbound" / a),
        ("list alice's home", "list", alice.home),
        ("read alice's fetched feedback", "read", alice_feedback),
        ("read alice's submission secret", "read", alice_cache / "submission_secret.txt"),
        ("list the course folder", "list", trip.course),
        # controls: what bob is meant to reach
        ("read the release", "read", course_exchange / "outbound" / a / f"{a}.ipynb"),
        ("list his own feedback", "list", bob.home / COURSE_ID / a / "feedback"),
    ])
    assert results == {
        "list inbound": "denied",
        "list released feedback": "denied",
        "write into the release": "denied",
        "list alice's home": "denied",
        "read alice's fetched feedback": "denied",
        "read alice's submission secret": "denied",
        "list the course folder": "denied",
        "read the release": "ok",
        "list his own feedback": "ok",
    }
    # Submissions are only as hidden as their names, so nbgrader adds a random part;
    # each one is owned by the student who made it.
    inbound = sorted((course_exchange / "inbound").iterdir())
    assert len(inbound) == 3
    for path in inbound:
        parts = path.name.split("+")
        assert len(parts) == 4 and len(parts[-1]) >= 12, path.name
        assert parts[0] == path.owner(), (path.name, path.owner())
    collect = trip.steps["collect"]
    assert "cheating attempt" not in collect.stdout + collect.stderr


def _section(readme: Path, heading: str) -> str:
    text = readme.read_text(encoding="utf-8")
    assert heading + "\n" in text, f"{readme} has no section {heading!r}"
    section = text.split(heading + "\n", 1)[1]
    return section.split("\n## ", 1)[0]


def test_readmes_show_what_the_test_does(shared_server, laptop):
    students_doc = _section(REPO / "README.md", "## For students: assignments")
    instructors_doc = (_section(ASSIGNMENTS / "README.md", "## For instructors")
                       + _section(ASSIGNMENTS / "README.md", "## Exchange"))

    flowing = " ".join(students_doc.split())  # prose is wrapped: "**Validate**\n  button"
    for trip in (shared_server, laptop):
        for student in trip.students:
            for form in student.documented_forms():
                if form.startswith("nbgrader validate "):  # what JupyterLab's Validate button runs
                    assert "**Validate** button" in flowing
                    continue
                assert form in students_doc, f"README.md does not show: {form}"
        for form in trip.instructor.documented_forms():
            assert form in instructors_doc, f"assignments/README.md does not show: {form}"
    # The students' configuration, but for the exchange's path.
    for line in _student_config(Path("/x"), None).splitlines():
        if not line.startswith("c.Exchange.root"):
            assert line in students_doc, line
            assert line in instructors_doc, line
    assert "--duedate=" in instructors_doc
    assert "MLP_EXCHANGE_ROOT" in instructors_doc
    assert "-m 1777" in instructors_doc   # the mode the test gives the shared folder
