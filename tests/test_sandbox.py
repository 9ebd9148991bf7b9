"""Safe autograding: student code run by the course's grading command cannot escape.

The course in ``assignments/`` is copied to a temporary folder, assignment 1 is released, and
submissions are graded with the documented instructor command (``course.py autograde``):

1. two honest students are graded; every file of the course is hashed and their scores kept;
2. hostile submissions (the reference answers plus one extra attack cell) are graded together
   with another honest student: one overwrites every ``*.db`` / ``*.ipynb`` it can find up
   the tree (from its working directory, ``/proc/*/cwd`` and the course's known path), one
   prints ``source/``, its environment and tries the network, one rewrites the scores in the
   gradebook, one allocates 50 GB, one forks without end, one spins on all CPUs.

Then every earlier file is byte-identical, the gradebook is intact with unchanged scores,
every hostile submission gets its honest score (full marks: its answers are right) and a
message, and the hidden tests appear in no output. A last test shows the same attack *does*
wreck the gradebook with ``--unsafe-no-sandbox``, so the test would notice a broken sandbox.

Needs Linux with bubblewrap; skipped otherwise, unless MLP_REQUIRE_SANDBOX=1 (CI), which
makes a missing sandbox a failure.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
COURSE_SRC = ROOT / "assignments"
sys.path.insert(0, str(COURSE_SRC))
import sandbox  # noqa: E402  (assignments/sandbox.py)

A = "a1_activations_and_perceptron"
TIMEOUT = 20  # seconds per cell (the course's default; the hog costs one of these)
GENERATED = ("__pycache__", "gradebook.db", "release", "submitted", "autograded", "feedback",
             "exchange", ".nbgrader.log", "*.pyc")
PROBLEM = sandbox.sandbox_problem()
REQUIRED = os.environ.get("MLP_REQUIRE_SANDBOX") == "1"

needs_sandbox = pytest.mark.skipif(
    bool(PROBLEM) and not REQUIRED,
    reason=f"no autograding sandbox here ({PROBLEM}); set MLP_REQUIRE_SANDBOX=1 to fail instead")


def test_sandbox_available_when_required():
    if REQUIRED:
        assert PROBLEM is None, f"MLP_REQUIRE_SANDBOX=1 but: {PROBLEM}"
    elif PROBLEM:
        pytest.skip(f"no autograding sandbox here: {PROBLEM}")


# --------------------------------------------------------------------------- the attacks

WALK = r'''
import os
COURSE = {course!r}

def _ancestors(path):
    out = []
    while True:
        out.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            return out
        path = parent

def _roots():
    """Everything up the tree from here, from every process's cwd and from the course."""
    roots = set(_ancestors(os.getcwd())) | set(_ancestors(COURSE))
    for pid in ["self", "1", str(os.getppid())] + [p for p in os.listdir("/proc") if p.isdigit()]:
        try:
            roots.update(_ancestors(os.readlink(f"/proc/{{pid}}/cwd")))
        except OSError:
            pass
    return sorted(roots, key=len, reverse=True)  # deepest first

def find(suffixes, budget=40000):
    found, seen = [], set()
    for root in _roots():
        for dirpath, dirnames, filenames in os.walk(root):
            if dirpath in seen or dirpath in ("/proc", "/sys", "/dev", "/usr"):
                dirnames[:] = []
                continue
            seen.add(dirpath)
            budget -= 1 + len(filenames)
            if budget < 0:
                return found
            found += [os.path.join(dirpath, f) for f in filenames if f.endswith(suffixes)]
    return found
'''

ATTACKS = {
    # Overwrite every gradebook and notebook found up the tree; changes nothing outside the
    # course under test even if the sandbox is broken (it only reports writable files there).
    "wrecker": WALK + r'''
changed, refused = [], []
for path in find((".db", ".sqlite", ".ipynb")):
    if path.startswith(os.getcwd() + os.sep):
        continue
    if not path.startswith(COURSE + os.sep):
        if os.access(path, os.W_OK):
            changed.append("WRITABLE " + path)
        continue
    try:
        with open(path, "r+b") as f:
            f.write(b"\0" * 100 if path.endswith((".db", ".sqlite")) else b"{{}}" + b" " * 96)
        changed.append("WRECKED " + path)
    except OSError as e:
        refused.append(f"{{type(e).__name__}}: {{e}}")
print(f"wrecker: {{len(changed)}} changed, {{len(refused)}} refused")
print("\n".join(changed + refused[:5]))
# and straight at the gradebook by its path, as nbgrader's layout gives it away
with open(os.path.join(COURSE, "gradebook.db"), "r+b") as f:
    f.write(b"\0" * 100)
''',
    # Print solutions and hidden tests, the environment, and call home.
    "peeker": WALK + r'''
import socket
for path in find((".ipynb", ".db", ".py", ".json")):
    try:
        text = open(path, errors="replace").read(400000)
    except OSError:
        continue
    if {assignment!r} in text or "mlp_lib.checks" in text:
        print(f"--- {{path}}\n{{text}}")
print("ENV", dict(os.environ))
for pid in ("self", "1", str(os.getppid())):
    try:
        print("PROC ENV", pid, open(f"/proc/{{pid}}/environ").read())
    except OSError as e:
        print("PROC ENV", pid, type(e).__name__, e)
for host, port in (("127.0.0.1", {port}), ("1.1.1.1", 53)):
    try:
        socket.create_connection((host, port), timeout=3).close()
        print("CONNECTED", host, port)
    except OSError as e:
        print("network:", host, port, type(e).__name__, e)
print(open(os.path.join(COURSE, "source", {assignment!r}, {assignment!r} + ".ipynb")).read())
''',
    # Rewrite the scores in the gradebook: its own up, everybody else's down.
    "forger": r'''
import os, sqlite3
COURSE = {course!r}
for path in (os.path.join(COURSE, "gradebook.db"), f"/proc/{{os.getppid()}}/cwd/gradebook.db",
             os.path.abspath("../../../gradebook.db")):
    try:
        con = sqlite3.connect(f"file:{{path}}?mode=rw", uri=True)
        con.execute("UPDATE grade SET manual_score = 0, auto_score = 0")
        con.commit()
        print("FORGED", path)
    except sqlite3.Error as e:
        print("forger:", path, type(e).__name__, e)
con = sqlite3.connect(f"file:{{os.path.join(COURSE, 'gradebook.db')}}?mode=rw", uri=True)
con.execute("UPDATE grade SET manual_score = 999")
''',
    # 50 GB in touched 256 MiB chunks; stops by itself at 8 GiB if nothing stops it first.
    "memory": r'''
import numpy as np

def allocate(total_gib=50, chunk_mib=256):
    chunks = []
    for i in range(total_gib * 1024 // chunk_mib):
        chunks.append(np.ones(chunk_mib * 2**20, dtype=np.uint8))
        if (i + 1) * chunk_mib >= 8 * 1024:
            print("MEMORY LIMIT NOT ENFORCED")
            break

allocate()
''',
    # Fork without end; stops by itself at ~3000 processes if nothing stops it first.
    "fork": r'''
import os
while len(os.listdir("/proc")) < 3000:
    os.fork()
print("PROCESS LIMIT NOT ENFORCED")
''',
    # Busy children on every CPU, then busy itself: only the cell time limit ends it.
    "hog": r'''
import os
for _ in range(os.cpu_count() or 2):
    if os.fork() == 0:
        while True:
            pass
while True:
    pass
''',
}

# What each hostile submission's attack cell must show (any one string of each tuple).
EXPECTED = {
    "wrecker": [("wrecker: 0 changed",), ("No such file or directory",)],
    "peeker": [("No such file or directory",), ("network: 127.0.0.1",),
               ("Network is unreachable", "Connection refused")],
    "forger": [("unable to open database file",)],
    "memory": [("MemoryError",), (sandbox.SANDBOX_MESSAGE_TAG,), ("out of memory",)],
    "fork": [("Resource temporarily unavailable", "were stopped"), (sandbox.SANDBOX_MESSAGE_TAG,),
             ("256 processes and threads",)],
    "hog": [("CellTimeoutError", "KeyboardInterrupt"), (sandbox.SANDBOX_MESSAGE_TAG,),
            (f"stopped after {TIMEOUT} s", f"{TIMEOUT} s per cell")],
}
FORBIDDEN = ("WRECKED", "WRITABLE", "FORGED", "CONNECTED", "NOT ENFORCED")
MARKER = "# hostile submission:"


# --------------------------------------------------------------------------- helpers

def run(*args, env=None, check=True):
    """Run the course's grading command line (``python course.py ...``)."""
    started = time.perf_counter()
    result = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True,
                            env=env, timeout=600)
    result.seconds = time.perf_counter() - started
    if check and result.returncode != 0:
        raise AssertionError(f"{args} exited {result.returncode}:\n{result.stdout[-3000:]}\n"
                             f"{result.stderr[-6000:]}")
    return result


def copy_course(dest: Path) -> Path:
    shutil.copytree(COURSE_SRC, dest, ignore=shutil.ignore_patterns(*GENERATED))
    return dest


def honest_notebook(course: Path):
    """The release notebook with the reference answers filled in (full marks)."""
    source = nbformat.read(course / "source" / A / f"{A}.ipynb", as_version=4)
    release = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("solution"):
            cell.source = answers[meta["grade_id"]]
    return release


def submit(course: Path, student: str, nb) -> None:
    folder = course / "submitted" / student / A
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{A}.ipynb")


def hostile_notebook(course: Path, kind: str, **fields):
    nb = honest_notebook(course)
    code = f"{MARKER} {kind}\n" + ATTACKS[kind].format(course=str(course), assignment=A, **fields)
    nb.cells.insert(1, nbformat.v4.new_code_cell(code))
    return nb


def attack_outputs(course: Path, student: str, printed_only: bool = False) -> str:
    nb = nbformat.read(course / "autograded" / student / A / f"{A}.ipynb", as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(MARKER)]
    assert len(cells) == 1, f"{student}: attack cell not found in the autograded notebook"
    return outputs_text(cells[0], printed_only)


def outputs_text(cell, printed_only: bool = False) -> str:
    """The outputs of ``cell`` as text; ``printed_only``: without tracebacks (which quote
    the cell's source)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif printed_only:
            continue
        elif out.output_type == "error":
            parts += [out.ename, out.evalue, *out.traceback]
        else:
            parts += [str(v) for v in out.get("data", {}).values()]
    return "\n".join(parts)


def hidden_lines(course: Path) -> list[str]:
    nb = nbformat.read(course / "source" / A / f"{A}.ipynb", as_version=4)
    lines = []
    for cell in nb.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) >= 20:
                lines.append(line.strip())
    assert lines, "assignment 1 has no hidden tests to look for"
    return lines


def tree_hashes(course: Path) -> dict[str, str]:
    result = {}
    for path in sorted(course.rglob("*")):
        if path.is_file() or path.is_symlink():
            result[str(path.relative_to(course))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return result


def scores(course: Path) -> dict:
    out = run(course / "course.py", "scores", A, "--json").stdout
    return json.loads(out[out.index("{"):]).get(A, {})


# --------------------------------------------------------------------------- the graded course

STUDENTS = ["x1_wrecker", "x2_peeker", "x3_honest", "x4_forger", "x5_memory", "x6_fork",
            "x7_hog"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Grade honest students, snapshot the course, then grade the hostile ones."""
    if PROBLEM and not REQUIRED:
        pytest.skip(f"no autograding sandbox here: {PROBLEM}")
    course = copy_course(tmp_path_factory.mktemp("sandbox") / "course")
    run(course / "course.py", "generate", A)

    # 1. two honest students: full marks and no answers at all
    submit(course, "a_full", honest_notebook(course))
    submit(course, "b_blank", nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4))
    run(course / "course.py", "autograde", A, "--timeout", TIMEOUT)
    before_scores = scores(course)

    # 2. the hostile submissions, graded together with another honest student
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.setblocking(False)
    for student in STUDENTS:
        kind = student.split("_", 1)[1]
        if kind == "honest":
            submit(course, student, honest_notebook(course))
        else:
            submit(course, student, hostile_notebook(course, kind,
                                                     port=listener.getsockname()[1]))
    before_files = tree_hashes(course)
    secret = secrets.token_hex(16)
    env = dict(os.environ, MLP_SANDBOX_TEST_SECRET=secret, AWS_SECRET_ACCESS_KEY=secret)
    result = run(course / "course.py", "autograde", A, "--student", "x*", "--timeout", TIMEOUT,
                 env=env)
    try:
        listener.accept()
        connected = True
    except BlockingIOError:
        connected = False
    listener.close()
    feedback = run(course / "course.py", "feedback", A, "--student", "x*", check=False)
    print(f"\nhostile run: {len(STUDENTS)} submissions in {result.seconds:.1f} s "
          f"(of which one cell timeout of {TIMEOUT} s)")
    return dict(course=course, before_scores=before_scores, before_files=before_files,
                after_scores=scores(course), result=result, secret=secret,
                connected=connected, feedback=feedback)


@needs_sandbox
def test_every_other_file_is_byte_identical(graded):
    course, before = graded["course"], graded["before_files"]
    after = tree_hashes(course)
    legit = ("gradebook.db", ".nbgrader.log")
    new_allowed = ("autograded/x", "feedback/x")
    changed = [p for p, h in before.items() if p not in legit and after.get(p) != h]
    added = [p for p in after if p not in before and p not in legit
             and not p.startswith(new_allowed) and not p.endswith("gradebook.db-journal")]
    assert not changed, f"files changed or removed while grading hostile code: {changed}"
    assert not added, f"files created outside the hostile students' folders: {added}"


@needs_sandbox
def test_gradebook_intact_and_other_scores_unchanged(graded):
    db = graded["course"] / "gradebook.db"
    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT count(*) FROM grade WHERE manual_score = 999 "
                           "OR auto_score > 100").fetchone()[0] == 0
    before, after = graded["before_scores"], graded["after_scores"]
    assert before["a_full"]["score"] == before["a_full"]["max_score"] > 0
    assert before["b_blank"]["score"] == 0
    for student in ("a_full", "b_blank"):
        assert after[student] == before[student], f"{student}'s scores changed"


@needs_sandbox
def test_hostile_submissions_get_their_honest_score(graded):
    after, full = graded["after_scores"], graded["before_scores"]["a_full"]
    assert graded["result"].returncode == 0
    for student in STUDENTS:
        assert student in after, f"{student} was not graded:\n{graded['result'].stderr[-3000:]}"
        got = {k: v["score"] for k, v in after[student]["parts"].items()}
        want = {k: v["score"] for k, v in full["parts"].items()}
        assert got == want, f"{student}: {got} != {want}"


@needs_sandbox
@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_hostile_submission_gets_a_message(graded, kind):
    student = next(s for s in STUDENTS if s.endswith("_" + kind))
    text = attack_outputs(graded["course"], student)
    for options in EXPECTED[kind]:
        assert any(o in text for o in options), f"{student}: none of {options} in:\n{text[-3000:]}"
    printed = attack_outputs(graded["course"], student, printed_only=True)
    for word in FORBIDDEN:
        assert word not in printed, f"{student}: {word!r} in its output:\n{printed[-3000:]}"


@needs_sandbox
def test_limit_messages_reach_the_feedback(graded):
    for kind in ("memory", "fork", "hog"):
        student = next(s for s in STUDENTS if s.endswith("_" + kind))
        html = (graded["course"] / "feedback" / student / A / f"{A}.html").read_text()
        assert sandbox.SANDBOX_MESSAGE_TAG in html, f"no sandbox message in {student}'s feedback"


@needs_sandbox
def test_no_hidden_tests_secrets_or_network(graded):
    course = graded["course"]
    text = attack_outputs(course, "x2_peeker")
    leaked = [line for line in hidden_lines(course) if line in text]
    assert not leaked, f"hidden tests printed by student code: {leaked}"
    assert graded["secret"] not in text, "the grader's environment reached student code"
    assert not graded["connected"], "student code connected to the grader's loopback"


@needs_sandbox
def test_without_sandbox_the_same_attack_wrecks_the_gradebook(graded, tmp_path):
    """The control experiment: --unsafe-no-sandbox runs plain nbgrader, and the attack works."""
    course = tmp_path / "course"
    shutil.copytree(graded["course"], course)
    submit(course, "y_wrecker", hostile_notebook(course, "wrecker"))
    result = run(course / "course.py", "autograde", A, "--student", "y_wrecker",
                 "--unsafe-no-sandbox", check=False)
    assert "WARNING: --unsafe-no-sandbox" in result.stderr
    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        with sqlite3.connect(course / "gradebook.db") as con:
            con.execute("SELECT count(*) FROM grade").fetchone()
    wrecked = (course / "submitted" / "a_full" / A / f"{A}.ipynb").read_bytes()
    assert wrecked.startswith(b"{}"), "the unsandboxed attack did not reach other notebooks"


def test_grading_command_refuses_without_sandbox(tmp_path):
    """No bwrap on PATH: the command says so and grades nothing, unless --unsafe-no-sandbox."""
    course = copy_course(tmp_path / "course")
    env = dict(os.environ, PATH=str(Path(sys.executable).parent))
    result = run(course / "course.py", "autograde", A, env=env, check=False)
    assert result.returncode == 2
    assert "refusing to autograde" in result.stderr and "--unsafe-no-sandbox" in result.stderr
    assert "bwrap" in result.stderr or "Linux" in result.stderr
    assert not (course / "autograded").exists()


# --------------------------------------------------------------------------- unit tests

def test_configure_sandboxes_the_execute_step():
    from nbgrader.preprocessors import Execute, SaveAutoGrades

    c = Config()
    c.Autograde.autograde_preprocessors = [Execute, SaveAutoGrades]
    sandbox.configure(c)
    assert c.Autograde.autograde_preprocessors == [sandbox.SandboxedExecute, SaveAutoGrades]

    class Custom(Execute):
        pass

    wrapped = sandbox.sandboxed(Custom)
    assert issubclass(wrapped, Custom) and issubclass(wrapped, sandbox.SandboxExecuteMixin)
    assert wrapped().kernel_manager_class is sandbox.SandboxedKernelManager


def test_unsafe_flag_leaves_the_config_alone(monkeypatch):
    from nbgrader.preprocessors import Execute

    monkeypatch.setenv(sandbox.UNSAFE_ENV, "1")
    c = Config()
    c.Autograde.autograde_preprocessors = [Execute]
    sandbox.configure(c)
    assert c.Autograde.autograde_preprocessors == [Execute]


def test_refuse_or_warn(monkeypatch, capsys):
    monkeypatch.delenv(sandbox.UNSAFE_ENV, raising=False)
    monkeypatch.setattr(sandbox, "sandbox_problem", lambda: "bwrap not found")
    assert sandbox.refuse_or_warn(False) is False
    assert "refusing to autograde" in capsys.readouterr().err
    assert sandbox.refuse_or_warn(True) is True
    assert "WARNING" in capsys.readouterr().err
    assert os.environ[sandbox.UNSAFE_ENV] == "1"


def test_stage_leaves_out_notebooks_and_symlinks(tmp_path):
    src, dest = tmp_path / "src", tmp_path / "dest"
    (src / "data").mkdir(parents=True)
    (src / "a1.ipynb").write_text("hidden tests inside")
    (src / "data" / "x.csv").write_text("1,2")
    (src / "helper.py").write_text("x = 1")
    (src / "helper.pyc").write_text("")
    (src / "link.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "secret.txt").write_text("gradebook")
    copied = sandbox.stage_submission(str(src), str(dest), skip={"helper.py"}, ignore=["*.pyc"])
    assert sorted(copied) == ["data/x.csv"]
    assert sorted(p.name for p in dest.rglob("*")) == ["data", "x.csv"]


def test_symlinked_files(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "ok.txt").write_text("")
    (tmp_path / "d" / "gb.db").symlink_to("/nonexistent/gradebook.db")
    (tmp_path / "up").symlink_to("..")
    assert sandbox.symlinked_files(str(tmp_path)) == ["d/gb.db", "up"]


def test_limit_messages():
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("error", ename="_ArrayMemoryError", evalue="Unable to allocate",
                               traceback=[]),
        nbformat.v4.new_output("error", ename="BlockingIOError",
                               evalue="[Errno 11] Resource temporarily unavailable", traceback=[]),
        nbformat.v4.new_output("error", ename="CellTimeoutError", evalue="", traceback=[]),
        nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[]),
    ]
    messages = sandbox.limit_messages(cell, memory_limit=2 * 1024**3, process_limit=256,
                                      timeout=20)
    assert len(messages) == 3
    assert "2.0 GiB" in messages[0] and "256" in messages[1] and "20 s" in messages[2]


@pytest.mark.parametrize("is_root, sysctls, container, expected", [
    (False, {}, "Docker", ["Docker container", "--cap-add SYS_ADMIN", "seccomp=unconfined",
                           "apparmor=unconfined"]),
    (True, {}, "Kubernetes", ["Kubernetes container", "capabilities: {add: [SYS_ADMIN]}",
                              "seccompProfile: {type: Unconfined}", "appArmorProfile: {type: Unconfined}"]),
    (True, {}, None, ["CAP_SYS_ADMIN"]),
    (False, {"kernel.apparmor_restrict_unprivileged_userns": "1"}, None,
     ["Ubuntu 23.10", "profile bwrap /usr/bin/bwrap flags=(unconfined)", "userns,",
      "sudo apparmor_parser -r /etc/apparmor.d/bwrap"]),
    (False, {"kernel.unprivileged_userns_clone": "0"}, None,
     ["sudo sysctl -w kernel.unprivileged_userns_clone=1", "/etc/sysctl.d/"]),
    (False, {"user.max_user_namespaces": "0"}, None, ["sudo sysctl -w user.max_user_namespaces=15000"]),
    (False, {"kernel.apparmor_restrict_unprivileged_userns": "0"}, None, ["usual causes"]),
])
def test_refusal_names_the_exact_remedy(is_root, sysctls, container, expected):
    message = sandbox.namespace_remedy(is_root, sysctl=sysctls.get, container=lambda: container)
    for phrase in expected:
        assert phrase in message, f"{phrase!r} missing from: {message}"


def test_remedy_reads_the_real_switches(tmp_path):
    (tmp_path / "kernel").mkdir()
    (tmp_path / "kernel" / "apparmor_restrict_unprivileged_userns").write_text("1\n")
    assert sandbox._sysctl("kernel.apparmor_restrict_unprivileged_userns", str(tmp_path)) == "1"
    assert sandbox._sysctl("kernel.unprivileged_userns_clone", str(tmp_path)) is None
    assert sandbox._container(str(tmp_path), environ={}) is None
    (tmp_path / ".dockerenv").write_text("")
    assert sandbox._container(str(tmp_path), environ={}) == "Docker"
    assert sandbox._container(str(tmp_path), environ={"KUBERNETES_SERVICE_HOST": "10.0.0.1"}) == "Kubernetes"
    (tmp_path / ".dockerenv").unlink()
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / ".containerenv").write_text("")
    assert sandbox._container(str(tmp_path), environ={}) == "Podman"


def test_the_printed_apparmor_profile_is_the_documented_one():
    """The one-line printf in the Ubuntu message writes the profile assignments/README.md shows."""
    message = sandbox.namespace_remedy(False, sysctl={"kernel.apparmor_restrict_unprivileged_userns": "1"}.get,
                                       container=lambda: None)
    fmt = message.split("printf '", 1)[1].split("'", 1)[0]
    profile = [line.strip() for line in fmt.split("\\n") if line.strip()]
    readme = [line.strip() for line in (COURSE_SRC / "README.md").read_text(encoding="utf-8").splitlines()]
    assert profile[0] == "abi <abi/4.0>," and "userns," in profile
    starts = [i for i, line in enumerate(readme) if line == profile[0]]
    assert any(readme[i:i + len(profile)] == profile for i in starts), profile
