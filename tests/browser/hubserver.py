"""A course server for a test: ``python3 tasks.py hub`` on 127.0.0.1, real Unix accounts, cleaned up.

Used by tests/browser/test_hub_browser.py and benchmarks/bench_hub_memory.py. Needs root (as CI
runs). Everything the hub touches is the test's own: a temporary state folder and exchange,
free ports, Unix groups and accounts with a random tag (students ``mlps<tag>a``/``b``, an
instructor ``mlpi<tag>``, the course account ``mlpg<tag>``), all removed afterwards. Only the
course environment is kept, in ``build/hub-test/`` (git ignores ``build/``), so that a second run
does not install it again (``tasks.py hub`` reinstalls it when the package changes).

This Python may live where other accounts cannot enter (pyenv under /root, mode 0700); the hub
then runs in a private mount namespace in which that folder holds only what is needed
(tests/test_exchange.py's UserSwitch): servers started as the students can run it, and nothing
changes outside the namespace. A real server uses a Python installed for everyone.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from test_exchange import UserSwitch, Users, _can_switch_users  # noqa: E402

from conftest import free_port  # noqa: E402

PREFIX = ROOT / "build" / "hub-test"
START_TIMEOUT = 900  # s: the first run installs the course environment


def unavailable_reason() -> str | None:
    """Why a course server cannot be started here, or None."""
    if not sys.platform.startswith("linux"):
        return "the course server runs on Linux"
    why = _can_switch_users()
    if why:
        return why
    for tool in ("npm", "groupadd", "userdel", "unshare", "git", "bwrap"):
        if shutil.which(tool) is None:
            return f"{tool} not found"
    return None


@dataclass
class CourseHub:
    """A running course server and its accounts."""

    url: str                      # http://127.0.0.1:PORT
    password: str                 # the shared password (MLP_HUB_AUTH=shared-password)
    env: dict                     # the MLP_HUB_* settings it was started with
    base: Path                    # temporary folder: state, exchange, students' homes
    students: list[str]
    instructor: str
    course_user: str
    switch: UserSwitch
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    users: Users = field(default_factory=Users)
    groups: list[str] = field(default_factory=list)
    setup_output: list[str] = field(default_factory=list)

    @property
    def clone(self) -> Path:
        import pwd
        return Path(pwd.getpwnam(self.course_user).pw_dir) / "mlp-course"

    def home(self, user: str) -> Path:
        import pwd
        return Path(pwd.getpwnam(user).pw_dir)

    def in_namespace(self, argv: list[str]) -> list[str]:
        if not self.switch.script:
            return argv
        return ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", self.switch.script, "sh", *argv]

    def tasks_hub(self, *args: str, timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess:
        """``python3 tasks.py hub ARGS`` (set-up only, here), as the administrator runs it."""
        proc = subprocess.run(self.in_namespace([sys.executable, str(ROOT / "tasks.py"), "hub", *args]),
                              cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout)
        self.setup_output.append(proc.stdout + proc.stderr)
        assert proc.returncode == 0, f"tasks.py hub {' '.join(args)} failed:\n{proc.stdout[-5000:]}\n{proc.stderr[-5000:]}"
        return proc

    def start(self) -> None:
        """``python3 tasks.py hub --ip 127.0.0.1 --port PORT``; returns once it prints its URL."""
        self.log_path = self.base / "hub.log"
        log = open(self.log_path, "wb")
        port = self.url.rsplit(":", 1)[1]
        self.process = subprocess.Popen(
            self.in_namespace([sys.executable, str(ROOT / "tasks.py"), "hub", "--ip", "127.0.0.1", "--port", port]),
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 180
        while f"the course server is running: {self.url}/" not in self.log():
            assert self.process.poll() is None, f"the hub exited ({self.process.returncode}):\n{self.log()[-5000:]}"
            assert time.monotonic() < deadline, f"the hub did not start within 180 s:\n{self.log()[-5000:]}"
            time.sleep(0.5)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except (OSError, AttributeError):
            return ""

    def run_as(self, user: str, argv: list[str], cwd: Path | None = None, timeout: float = 600,
               check: bool = True) -> subprocess.CompletedProcess:
        """A command as ``user``, in the environment the hub gives that user's terminal."""
        env = {"PATH": f"{PREFIX / 'env' / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(self.home(user)),
               "USER": user, "LOGNAME": user, "LANG": "C.UTF-8", "MLP_EXCHANGE_ROOT": self.env["MLP_EXCHANGE_ROOT"],
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        argv = self.in_namespace(["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups", "--", *argv])
        proc = subprocess.run(argv, cwd=cwd or self.home(user), env=env, capture_output=True, text=True,
                              timeout=timeout)
        if check:
            assert proc.returncode == 0, f"{user}$ {' '.join(argv[-6:])}\n{proc.stdout[-5000:]}\n{proc.stderr[-5000:]}"
        return proc

    def api(self, path: str, token: str) -> dict:
        request = urllib.request.Request(f"{self.url}/hub/api{path}", headers={"Authorization": f"token {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")

    def processes_of(self, user: str) -> list[int]:
        """Pids of the processes running as ``user`` (its server and kernels)."""
        import pwd
        uid = pwd.getpwnam(user).pw_uid
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.stat(f"/proc/{entry}").st_uid == uid:
                        found.append(int(entry))
                except OSError:
                    pass
        return found

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # tasks.py hub (exec'd as deploy/hub.py) passes it on to jupyterhub, which stops every server
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except OSError:
                pass
        users = [*self.students, self.instructor, self.course_user]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # what the hub left running (userdel refuses busy users)
            left = []
            for user in users:
                try:
                    left += self.processes_of(user)
                except KeyError:  # no such user (any more)
                    pass
            if not left:
                break
            for pid in left:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.2)

    def remove(self) -> None:
        self.stop()
        self.users.remove()
        subprocess.run(["userdel", "--remove", self.course_user], capture_output=True)
        for group in (self.env["MLP_HUB_STUDENTS"], self.env["MLP_HUB_INSTRUCTORS"], self.course_user):
            subprocess.run(["groupdel", group], capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


def start_course_hub() -> CourseHub:
    """Set up (tasks.py hub --setup-only, twice: the second must change nothing), add the
    accounts, start the hub. The caller removes it with :meth:`CourseHub.remove`."""
    tag = secrets.token_hex(2)
    base = Path(tempfile.mkdtemp(prefix="mlp-hub-"))
    base.chmod(0o755)
    PREFIX.mkdir(parents=True, exist_ok=True)
    caches = tuple(p for p in (Path.home() / ".cache" / "pip", Path.home() / ".npm") if p.is_dir())
    switch = UserSwitch(base / "stash", also=(PREFIX, *caches))
    port = free_port()
    env = dict(os.environ, MLP_HUB_PREFIX=str(PREFIX), MLP_HUB_STATE=str(base / "state"),
               MLP_EXCHANGE_ROOT=str(base / "exchange"), MLP_HUB_COURSE_USER=f"mlpg{tag}",
               MLP_HUB_STUDENTS=f"mlpstu{tag}", MLP_HUB_INSTRUCTORS=f"mlpins{tag}",
               MLP_HUB_AUTH="shared-password", MLP_HUB_PASSWORD=secrets.token_urlsafe(12),
               MLP_HUB_API_PORT=str(free_port()), MLP_HUB_PROXY_API_PORT=str(free_port()),
               MLP_HUB_COURSE_PORT=str(free_port()), PIP_DISABLE_PIP_VERSION_CHECK="1",
               # window.jupyterapp, through which tests/browser/labpage.py reads notebooks
               MLP_HUB_SERVER_ARGS="--LabApp.expose_app_in_browser=True")
    env.pop("JUPYTERHUB_API_TOKEN", None)
    hub = CourseHub(url=f"http://127.0.0.1:{port}", password=env["MLP_HUB_PASSWORD"], env=env, base=base,
                    students=[f"mlps{tag}a", f"mlps{tag}b"], instructor=f"mlpi{tag}", course_user=f"mlpg{tag}",
                    switch=switch)
    try:
        hub.tasks_hub("--setup-only")
        hub.tasks_hub("--setup-only")  # idempotent: nothing to do the second time
        for name in [*hub.students, hub.instructor]:
            hub.users.add(name, base / name)
            group = env["MLP_HUB_INSTRUCTORS"] if name == hub.instructor else env["MLP_HUB_STUDENTS"]
            subprocess.run(["usermod", "--append", "--groups", group, name], check=True, capture_output=True)
        hub.start()
    except BaseException:
        hub.remove()
        raise
    return hub


def login(page, hub: CourseHub, user: str, next_path: str = "") -> None:
    """Log in on the hub's page as ``user`` (the shared password); wait for the redirect."""
    page.goto(f"{hub.url}/hub/login" + (f"?next={next_path}" if next_path else ""), wait_until="domcontentloaded")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", hub.password)
    page.click("input[type=submit], button[type=submit]")


class UserLab:
    """What tests/browser/labpage.py needs of a server: a user's JupyterLab behind the hub."""

    def __init__(self, hub: CourseHub, user: str):
        self.hub, self.user = hub, user
        self.url = f"{hub.url}/user/{user}"

    def lab_url(self, relpath: str) -> str:
        return f"{self.url}/lab/tree/{urllib.parse.quote(relpath)}?reset"

