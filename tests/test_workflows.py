"""The instructor's and the student's workflows, run from the documentation's own code blocks.

The blocks marked ``<!-- workflow: NAME -->`` in README.md ("For students: assignments") and
assignments/README.md ("For instructors", "Exchange") are executed line by line, as written, in
a fresh copy of the repository (a git clone of its files, with a clean ``git status``):

    instructor-setup   tasks.py setup, course.py students ~/class-list.csv, generate (all three)
    exchange-setup     the shared exchange folder (as root) and MLP_EXCHANGE_ROOT
    exchange-release   due date, release_assignment
    student-config     ~/.jupyter/nbgrader_config.py of the exchange student
    student            cd ~, list, fetch_assignment, (the test answers), mlp-check, submit
    instructor-lms     course.py zip_collect a1 ~/Downloads/a1_….zip (three students, one file renamed)
    exchange-collect   nbgrader collect
    instructor-grade   autograde, feedback, export
    exchange-feedback  release_feedback
    student            ... fetch_feedback

The exchange student is a real Unix account when the test runs as root (as CI does; the
approach of tests/test_exchange.py), the current user otherwise. Only two things are not from
the documentation: the files a person would bring (the class list, the LMS download, the
student's answers) and the exchange's path, /srv/nbgrader/exchange in the text, a temporary
folder here.

Asserted: every student gets feedback (the LMS students' files, the exchange student's fetched
one) with their score; grades.csv holds exactly the released assignment, one row per student;
nothing new appears in ``git status``; no command fails or prints a traceback; and the output a
person reads says what it should (renamed file collected, sandbox on, no checksum alarms,
maths as MathML).
"""
from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_exchange import (  # noqa: E402  (real Unix users, as the exchange round trip makes them)
    Actor, Users, UserSwitch, _can_switch_users, answer, course_assignment, terminal_progress,
)

REPO = Path(__file__).resolve().parents[1]
VENV = Path(sys.prefix)
A1 = "a1_activations_and_perceptron"
# a1's autograded points, read from its source notebook (nbgrader metadata of the test cells)
A1_POINTS = float(sum(c["metadata"]["nbgrader"]["points"] for c in json.loads(
    (REPO / "assignments" / "source" / A1 / f"{A1}.ipynb").read_text(encoding="utf-8"))["cells"]
    if c["metadata"].get("nbgrader", {}).get("grade")))
DOC_EXCHANGE = "/srv/nbgrader/exchange"
MARKER = re.compile(r"<!-- workflow: ([\w-]+) -->\s*\n\s*```(\w+)\n(.*?)\n\s*```", re.S)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="nbgrader's exchange does not run on Windows"),
]

# The LMS download: student id -> (file name in the zip, how the notebook is answered, score).
LMS = {
    "s101": (f"s101_{A1}.ipynb", "correct", A1_POINTS),
    "s102": (f"s102_{A1}.ipynb", "untouched", 0.0),
    "s777": (f"s777_{A1} (1).ipynb", "broken relu", A1_POINTS - 1),  # relu is worth 1 point; a browser's rename of a second download
}
NO_SUBMISSION = "s999"


def venv_is_current(clone: Path) -> bool:
    """True when ``tasks.py setup`` in ``clone`` would install nothing into the shared venv."""
    spec = importlib.util.spec_from_file_location("clone_tasks_stamp", clone / "tasks.py")
    clone_tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(clone_tasks)
    return clone_tasks.is_up_to_date(VENV / clone_tasks.STAMP_NAME, clone_tasks.compute_stamp(),
                                     clone_tasks.venv_exe("python", VENV))


def workflow_blocks() -> dict[str, tuple[str, str]]:
    """{name: (language, code)} of every marked block in the two READMEs."""
    blocks = {}
    for readme in (REPO / "README.md", REPO / "assignments" / "README.md"):
        for name, language, code in MARKER.findall(readme.read_text(encoding="utf-8")):
            assert name not in blocks, f"two blocks named {name}"
            blocks[name] = (language, "\n".join(line.strip() for line in code.splitlines()))
    return blocks


def commands(code: str) -> list[str]:
    """The command lines of a bash block (comments and blank lines left out)."""
    return [line for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#")]


class Workflow:
    """Runs documented command lines as the instructor (this process's user) or the student."""

    def __init__(self, clone: Path, instructor_home: Path, student: Actor, exchange: Path, progress):
        self.clone, self.home, self.student, self.exchange = clone, instructor_home, student, exchange
        self.env = {"PATH": f"{VENV / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin", "HOME": str(instructor_home),
                    "LANG": "C.UTF-8", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1"}
        self.progress = progress
        self.out: dict[str, subprocess.CompletedProcess] = {}
        self.adapted: list[str] = []

    def _line(self, line: str) -> str:
        return line.replace(DOC_EXCHANGE, str(self.exchange))

    def instructor(self, line: str) -> subprocess.CompletedProcess:
        line = self._line(line)
        export = re.match(r"export (\w+)=(\S+)$", line)
        if export:
            self.env[export.group(1)] = os.path.expanduser(export.group(2))
            return subprocess.CompletedProcess(line, 0, "", "")
        started = time.monotonic()
        proc = subprocess.run(["bash", "-c", line], cwd=self.clone, env=self.env, capture_output=True,
                              text=True, timeout=900)
        self.progress(f"$ {line[:100]} ({time.monotonic() - started:.1f} s, exit {proc.returncode})")
        self.out[line] = proc
        assert proc.returncode == 0, f"$ {line}\nexit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
        return proc

    def as_student(self, line: str) -> subprocess.CompletedProcess:
        line = self._line(line)
        words = shlex.split(line)
        if words[0] == "mlp-check" and not (VENV / "bin" / "mlp-check").exists():
            # The command installed with the package comes with issue 11; until then the same
            # check is assignments/check.py (the student cannot reach the clone: we run it).
            self.adapted.append(line)
            words = [sys.executable, str(REPO / "assignments" / "check.py"), *words[1:]]
            line = " ".join(shlex.quote(w) for w in words)
        started = time.monotonic()
        proc = self.student.run("bash", "-c", line, check=False, timeout=900)
        self.progress(f"{self.student.name}$ {line[:100]} ({time.monotonic() - started:.1f} s, "
                      f"exit {proc.returncode})")
        self.out[line] = proc
        assert proc.returncode == 0, (f"{self.student.name}$ {line}\nexit {proc.returncode}\n"
                                      f"{proc.stdout}\n{proc.stderr}")
        return proc


def _clone(clone: Path) -> None:
    """A fresh copy of the repository's files (tracked and new, not ignored), committed."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=REPO, capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        source = REPO / name
        if source.is_file():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, clone / name)
    git = ["git", "-c", "user.name=test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=clone, check=True)
    subprocess.run([*git, "add", "-A"], cwd=clone, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "clone"], cwd=clone, check=True)
    # The project's venv, as `tasks.py setup` would have made it (a link is not a folder to
    # git's ".venv/" pattern, so it is excluded locally).
    (clone / ".venv").symlink_to(VENV, target_is_directory=True)
    with open(clone / ".git" / "info" / "exclude", "a") as fh:
        fh.write("/.venv\n")


def _lms_download(clone: Path, path: Path) -> None:
    """The zip an LMS gives: each student's upload of the released notebook."""
    assignment = course_assignment()
    release = clone / "assignments" / "release" / A1 / f"{A1}.ipynb"
    correct = assignment.solutions()
    broken = dict(correct)
    broken[assignment.broken_answer] += assignment.breakage
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path, "w") as zf:
        for file_name, how, _ in LMS.values():
            notebook = Path(tmp) / file_name
            shutil.copy(release, notebook)
            if how != "untouched":
                answer(notebook, correct if how == "correct" else broken)
            zf.write(notebook, f"submissions/{file_name}")


@pytest.fixture(scope="module")
def workflow(request, tmp_path_factory):
    why_not = _can_switch_users() if not os.environ.get("MLP_EXCHANGE_TEST_ONE_USER") else "one user asked"
    base = Path(tempfile.mkdtemp(prefix="mlp-workflow-")) if why_not is None else tmp_path_factory.mktemp("workflow")
    base.chmod(0o755)
    users = Users()
    try:
        yield _run(request, base, why_not, users)
    finally:
        users.remove()
        shutil.rmtree(base, ignore_errors=True)


def _run(request, base: Path, why_not: str | None, users: Users) -> dict:
    blocks = workflow_blocks()
    expected = {"instructor-setup", "instructor-lms", "instructor-grade", "exchange-setup", "exchange-release",
                "exchange-collect", "exchange-feedback", "student-config", "student"}
    assert expected <= set(blocks), f"workflow blocks missing from the READMEs: {expected - set(blocks)}"

    instructor_home = base / "instructor"
    instructor_home.mkdir(mode=0o700)
    clone = instructor_home / "mlp-course"
    clone.mkdir()
    _clone(clone)
    exchange = base / "srv" / "exchange"   # DOC_EXCHANGE, made by the documented command
    exchange.parent.mkdir()

    login = f"stud{os.getpid() % 10000}"
    switch = None
    if why_not is None:
        switch = UserSwitch(base / "stash")
        users.add(login, base / login)
    else:
        (base / login).mkdir()
    student = Actor(login, base / login, switch, student_id=None if switch else login)

    flow = Workflow(clone, instructor_home, student, exchange, terminal_progress(request.config, "workflow"))
    (instructor_home / "class-list.csv").write_text(
        "id,first_name,last_name,email\n" + "".join(
            f"{s},First{s},Last{s},{s}@example.org\n" for s in [*LMS, NO_SUBMISSION, student.login]))

    for line in commands(blocks["instructor-setup"][1]):
        if line.startswith("python3 tasks.py setup") and not venv_is_current(clone):
            # The clone's .venv is a link to the venv running the tests: a set-up that would
            # reinstall would make that venv an editable install of this temporary clone.
            flow.adapted.append(f"{line} (skipped: the venv running the tests is not the one "
                                "tasks.py would leave for this commit; run `python3 tasks.py setup`)")
            continue
        flow.instructor(line)
    for name in ("exchange-setup", "exchange-release"):
        for line in commands(blocks[name][1]):
            flow.instructor(line)

    # The exchange student: configuration, then the assignment up to the submission.
    config = blocks["student-config"][1].replace(DOC_EXCHANGE, str(exchange))
    if switch is None:  # one login for everybody: say who the student is
        config += f'\nc.CourseDirectory.student_id = "{login}"\n'
    (student.home / ".jupyter").mkdir()
    (student.home / ".jupyter" / "nbgrader_config.py").write_text(config)
    if switch is not None:
        subprocess.run(["chown", "-R", f"{login}:{login}", str(student.home / ".jupyter")], check=True)
    student_lines = commands(blocks["student"][1])
    fetch_feedback = [i for i, line in enumerate(student_lines) if "fetch_feedback" in line]
    assert fetch_feedback, "the student block has no fetch_feedback"
    for line in student_lines[:fetch_feedback[0]]:
        if line.split()[0] == "mlp-check":   # the student has done the work by now
            answer(student.home / "mlp-intro" / A1 / f"{A1}.ipynb", course_assignment().solutions())
        flow.as_student(line)

    # The LMS download, then both collections, grading, feedback, export.
    _lms_download(clone, instructor_home / "Downloads" / f"{A1}.zip")
    for name in ("instructor-lms", "exchange-collect", "instructor-grade", "exchange-feedback"):
        for line in commands(blocks[name][1]):
            flow.instructor(line)
    for line in student_lines[fetch_feedback[0]:]:
        flow.as_student(line)

    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=clone,
                            capture_output=True, text=True, check=True).stdout
    return dict(flow=flow, clone=clone, student=student, real_user=switch is not None, why_not=why_not,
                git_status=status, blocks=blocks)


def _output(flow: Workflow, fragment: str) -> str:
    found = [p.stdout + p.stderr for line, p in flow.out.items() if fragment in line]
    assert found, f"no command containing {fragment!r} was run"
    return "\n".join(found)


_SCORE = re.compile(r"\(Score: ([0-9.]+) / ([0-9.]+)\)")


def test_every_student_gets_feedback_with_their_score(workflow):
    clone, student = workflow["clone"], workflow["student"]
    for lms_student, (_, _, score) in LMS.items():
        html = clone / "assignments" / "feedback" / lms_student / A1 / f"{A1}.html"
        assert html.is_file(), f"no feedback for {lms_student}"
        assert _SCORE.search(html.read_text()).groups() == (str(score), str(A1_POINTS))
    fetched = sorted((student.home / "mlp-intro" / A1 / "feedback").glob(f"*/{A1}.html"))
    assert len(fetched) == 1, fetched
    # the README's student configuration names the folder without spaces or colons
    assert re.fullmatch(r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_UTC", fetched[0].parent.name), fetched[0]
    assert _SCORE.search(fetched[0].read_text()).groups() == (str(A1_POINTS), str(A1_POINTS))
    released = _output(workflow["flow"], "release_feedback")
    assert "Feedback released through the exchange: 1; collected from an LMS zip (not released): 3" in released
    for lms_student in LMS:
        assert f"Not released: {lms_student}'s {A1} was collected from an LMS zip" in released


def test_the_csv_holds_exactly_the_released_assignment(workflow):
    clone, student = workflow["clone"], workflow["student"]
    with open(clone / "assignments" / "grades.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["assignment"] for r in rows} == {A1}   # a2 and a3 were registered, never handed out
    scores = {r["student_id"]: float(r["score"]) for r in rows}
    assert scores == {**{s: score for s, (_, _, score) in LMS.items()}, NO_SUBMISSION: 0.0, student.login: A1_POINTS}
    assert "not exported (nothing graded yet" in _output(workflow["flow"], "course.py export")


def test_nothing_new_in_git_status(workflow):
    assert workflow["git_status"] == "", "students' data in the repository:\n" + workflow["git_status"]


def test_no_command_failed_or_printed_a_traceback(workflow):
    for line, proc in workflow["flow"].out.items():
        assert "Traceback" not in proc.stdout + proc.stderr, f"$ {line}\n{proc.stdout}\n{proc.stderr}"


def test_the_output_says_what_happened(workflow):
    flow = workflow["flow"]
    collected = _output(flow, "zip_collect")
    assert f"Collecting s777_{A1} (1).ipynb as s777's {A1}.ipynb (a renamed download)" in collected
    assert f"collected 3 submission(s) of {A1} into submitted/: s101, s102, s777" in collected
    graded = _output(flow, "course.py autograde")
    assert "Attribute 'checksum'" not in graded        # nobody edited a test cell
    assert "changed test cells" not in graded
    assert "[4/4] grading" in graded                   # progress, one line per submission
    if os.environ.get("MLP_REQUIRE_SANDBOX") or "Sandbox on" in graded:
        assert "Sandbox on: each submission runs in bubblewrap" in graded
    assert "seconds late" not in graded
    due = _output(flow, "db assignment add")
    assert re.search(rf"{A1} is due 2027-01-31 22:59 UTC", due), due
    checked = _output(flow, "check")
    assert "FAILED" not in checked and "PASSED" in checked, checked
    feedback = (workflow["clone"] / "assignments" / "feedback" / "s101" / A1 / f"{A1}.html").read_text()
    assert "<math" in feedback and "mathjax" not in feedback.lower() and "cdn" not in feedback.lower()


def test_the_students_are_real_accounts_where_possible(workflow):
    if not workflow["real_user"]:
        pytest.skip(f"the exchange student ran as the current user: {workflow['why_not']}")
    listing = _output(workflow["flow"], "nbgrader list")
    assert f"mlp-intro {A1}" in listing


def test_adapted_steps_are_only_the_known_ones(workflow):
    """What the test could not run as written, and why (reported, not hidden)."""
    for line in workflow["flow"].adapted:
        assert line.startswith(("mlp-check", "python3 tasks.py setup")), line
    print(json.dumps(workflow["flow"].adapted))


def _free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_lab_shows_the_lectures_and_fetches_into_home_mlp_intro(workflow):
    """`python3 tasks.py lab`'s server, for a student whose clone is in the home folder: the
    Assignment List's fetch lands in ~/mlp-intro/, and JupyterLab can open it and the lectures."""

    import secrets
    import urllib.parse
    import urllib.request

    clone, home = workflow["clone"], workflow["clone"].parent
    spec = importlib.util.spec_from_file_location("clone_tasks", clone / "tasks.py")
    tasks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tasks)
    config = workflow["blocks"]["student-config"][1].replace(DOC_EXCHANGE, str(workflow["flow"].exchange))
    (home / ".jupyter").mkdir(exist_ok=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(config)   # this login as a student

    token, port = secrets.token_hex(16), _free_port()
    cmd = tasks.lab_command(["--no-browser", "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
                             f"--IdentityProvider.token={token}", "--LabApp.news_url=",
                             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"], home=home)
    assert f"--ServerApp.root_dir={home}" in cmd and "--LabApp.default_url=/lab/tree/mlp-course/lectures" in cmd
    env = dict(workflow["flow"].env)
    log = open(home / "lab.log", "wb")
    process = subprocess.Popen(cmd, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"

    def request(path, data=None):
        req = urllib.request.Request(url + path, headers={"Authorization": f"token {token}"},
                                     data=urllib.parse.urlencode(data).encode() if data else None)
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, response.read()

    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                request("/api/status")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (home / "lab.log").read_text()
                time.sleep(0.5)
        status, body = request("/assignments/fetch", {"course_id": "mlp-intro", "assignment_id": A1})
        assert status == 200 and json.loads(body)["success"], body[:2000]
        assert (home / "mlp-intro" / A1 / f"{A1}.ipynb").is_file()
        assert not (clone / "mlp-intro").exists()
        assert request(f"/api/contents/mlp-intro/{A1}/{A1}.ipynb?content=0")[0] == 200
        assert request("/api/contents/mlp-course/lectures?content=0")[0] == 200
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
        log.close()
