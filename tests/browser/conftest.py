"""Fixtures for the real-browser tests: a private JupyterLab server and Debian's Chromium.

* ``lab_server`` (session): starts ``python -m jupyterlab`` from this interpreter (the
  project's ``.venv``) on 127.0.0.1, a free port and a random token, serving a temporary
  copy of ``lectures/`` (so running notebooks never writes into the repository), with its
  own runtime, config, workspaces and user-settings folders. It waits until ``/api/status``
  answers, checks that the shipped lab settings (``commsOverSubshells: disabled``) are in
  effect, and always stops the server (terminate, then kill) at the end.
* ``browser`` (session): Chromium at ``/usr/bin/chromium`` (or ``$MLP_CHROMIUM``) driven by
  the ``playwright`` package; no browser is ever downloaded.
* ``page`` (per test): a fresh browser context and page.

Without Chromium or playwright the tests are skipped, unless ``MLP_REQUIRE_BROWSER=1``
(as in ``.ci/run``), which turns the skip into a failure.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROWSER_DIR = Path(__file__).resolve().parent
SCREENSHOT_DIR = BROWSER_DIR / "screenshots"

CHROMIUM = os.environ.get("MLP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

SERVER_START_TIMEOUT = 120  # s; two busy cores can make the first start slow
SERVER_STOP_TIMEOUT = 20  # s between terminate and kill

# Test-only user settings: no news/update pop-up covering the notebook in screenshots.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


# --------------------------------------------------------------------------- availability

def browser_unavailable_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"the playwright Python package is not importable ({exc}); run `python3 tasks.py test`"
    try:
        import jupyterlab  # noqa: F401  (the server is started from this interpreter)
    except ImportError as exc:
        return f"jupyterlab is not importable from {sys.executable} ({exc}); run `python3 tasks.py test`"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM} (install it with `apt-get install chromium`)"
    return None


def require_browser() -> None:
    """Skip the calling test (fail it when MLP_REQUIRE_BROWSER=1) if the browser is missing."""
    reason = browser_unavailable_reason()
    if reason is None:
        return
    if os.environ.get("MLP_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MLP_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(f"browser test skipped: {reason}")


def pytest_collection_modifyitems(config, items):
    """Run the browser tests last, after the unit tests and the nbval notebook runs."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    if browser:
        others = [item for item in items if not item.get_closest_marker("browser")]
        items[:] = others + browser


# --------------------------------------------------------------------------- server

def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab server started by the ``lab_server`` fixture."""

    url: str  # http://127.0.0.1:PORT
    token: str
    root: Path  # the server's root_dir (a temporary folder)
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def api(self, path: str, method: str = "GET", timeout: float = 10):
        """Call the REST API with the token; return the decoded JSON (None if empty)."""
        request = urllib.request.Request(
            self.url + path, method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def lab_url(self, relpath: str) -> str:
        """URL opening ``relpath`` (relative to root) in a fresh default workspace."""
        quoted = urllib.parse.quote(relpath)
        return f"{self.url}/lab/tree/{quoted}?token={self.token}&reset"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "<no log>"

    def shutdown_kernels(self, path_prefix: str = "") -> None:
        """Delete the sessions (and their kernels) whose notebook path starts with prefix."""
        try:
            for session in self.api("/api/sessions"):
                if session.get("path", "").startswith(path_prefix):
                    self.api(f"/api/sessions/{session['id']}", method="DELETE", timeout=20)
        except (OSError, ValueError):
            pass  # best effort; the server's own shutdown stops the rest


def _wait_until_ready(server: LabServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"jupyter lab exited with code {server.process.returncode} while starting:\n"
                + server.log_tail())
        try:
            status = server.api("/api/status", timeout=5)
            if isinstance(status, dict) and "started" in status:
                return
        except (OSError, ValueError) as exc:  # connection refused, 403 before ready, ...
            last_error = exc
        time.sleep(0.5)
    raise RuntimeError(f"jupyter lab not ready after {timeout:.0f}s (last error: {last_error}):\n"
                       + server.log_tail())


def _stop(process: subprocess.Popen) -> None:
    """Terminate the server (it shuts its kernels down), then kill its process group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    try:  # the server was started in its own session: kill whatever is left of it
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, AttributeError, OSError):
        pass
    try:
        process.wait(timeout=SERVER_STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()


def _copy_lectures(dest: Path) -> None:
    src = ROOT / "lectures"
    if src.is_dir():
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    else:
        dest.mkdir(parents=True)


@contextlib.contextmanager
def running_lab_server(base: Path):
    """Start a private JupyterLab over a copy of the lectures in ``base``; stop it on exit.

    Used by the ``lab_server`` fixture and by ``benchmarks/bench_browser_latency.py``.
    """
    root = base / "root"
    root.mkdir()
    _copy_lectures(root / "lectures")
    dirs = {name: base / name for name in ("runtime", "config", "workspaces", "user-settings", "ipython")}
    for path in dirs.values():
        path.mkdir()
    for relpath, values in USER_SETTINGS.items():
        target = dirs["user-settings"] / relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")

    token = secrets.token_hex(24)
    port = free_port()
    # `-m jupyterlab` rather than `-m jupyter lab`: the latter looks `jupyter-lab` up on
    # PATH, which can find another environment's copy.
    cmd = [
        sys.executable, "-m", "jupyterlab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        f"--LabApp.user_settings_dir={dirs['user-settings']}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # window.jupyterapp lets the tests read the notebook model (error outputs, tags).
        "--LabApp.expose_app_in_browser=True",
        # Safety net should this process die without its teardown: an orphaned server
        # culls its idle kernels and then exits by itself.
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
        "--ServerApp.shutdown_no_activity_timeout=1200",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI runs as root; jupyter refuses otherwise
    env = dict(
        os.environ,
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTER_CONFIG_DIR=str(dirs["config"]),  # no user config from ~/.jupyter
        IPYTHONDIR=str(dirs["ipython"]),  # no user IPython start-up files
        PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        PYTHONUNBUFFERED="1",
    )
    env.pop("JUPYTER_TOKEN", None)
    env.pop("MPLBACKEND", None)  # the notebooks choose their backend (%matplotlib widget)
    log_path = base / "jupyter-lab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = LabServer(f"http://127.0.0.1:{port}", token, root, log_path, process)
    try:
        _wait_until_ready(server, SERVER_START_TIMEOUT)
        yield server
    finally:
        server.shutdown_kernels()
        _stop(process)


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory) -> LabServer:
    """A private JupyterLab server over a temporary copy of the lectures."""
    require_browser()  # no point starting a server the tests cannot drive
    with running_lab_server(tmp_path_factory.mktemp("jupyterlab")) as server:
        yield server


# --------------------------------------------------------------------------- browser

@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through playwright (never a downloaded browser)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                           headless=True, timeout=60_000)
    except Exception:
        manager.stop()
        raise
    try:
        yield chromium
    finally:
        try:
            chromium.close()
        finally:
            manager.stop()


@pytest.fixture
def page(browser):
    """A fresh context and page; browser console errors are kept in ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda msg: pg.console_errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: pg.console_errors.append(f"page error: {exc}"))
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR
