#!/usr/bin/env python3
"""Set up and start the course server: ``python3 tasks.py hub`` (as root) runs this.

    python3 tasks.py hub                      # set up what is missing, start, print the URL
    python3 tasks.py hub --port 443           # (with MLP_HUB_SSL_CERT/KEY) or behind a proxy
    python3 tasks.py hub --setup-only         # only set up
    python3 tasks.py hub --environment-only   # only the course environment (steps 1-2; e.g. an image)

Every step checks first and does only what is missing, so running it again is safe (and quick):

1. **The course environment**, ``<prefix>/env`` (``MLP_HUB_PREFIX``, /opt/mlp-course): a venv with
   this package and its ``hub`` extra (JupyterLab, nbgrader, JupyterHub, the idle culler),
   installed like a wheel, not editable: students' servers run from it and need no access to
   this repository (whose ``assignments/source`` holds the solutions and hidden tests).
   Reinstalled when the package's files change. Next to it, readable by all: ``lectures/``,
   ``etc/jupyter-students/`` and ``etc/jupyter-course/`` (deploy/jupyter/), ``singleuser.py``.
2. **The proxy**, configurable-http-proxy from the npm registry (``npm ci`` in deploy/).
3. **Folders**: the exchange (``MLP_EXCHANGE_ROOT``, /srv/nbgrader/exchange, mode 1777) and
   the hub's state (``MLP_HUB_STATE``, /srv/jupyterhub, mode 0700).
4. **Accounts**: the Unix groups of students and instructors (``mlp-students``,
   ``mlp-instructors``), and the course account (``grader-mlp-intro``, home 0700) holding a clone
   of this repository, ``~/mlp-course``, whose ``.venv`` is the course environment.
5. **JupyterHub**, with deploy/jupyterhub_config.py. If it is running already (its pid file),
   only the URL is printed.

Settings are environment variables (see deploy/jupyterhub_config.py and README "Course server").
Needs Linux, root, Python 3.10+ installed where every account can run it, Node.js 20+ with npm.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
COURSE_ID = "mlp-intro"
STAMP = ".mlp-hub-stamp"


def setting(name: str, default: str) -> str:
    return os.environ.get(f"MLP_HUB_{name}") or default


def settings() -> dict:
    prefix = Path(setting("PREFIX", "/opt/mlp-course")).resolve()
    return {
        "prefix": prefix,
        "env": prefix / "env",
        "state": Path(setting("STATE", "/srv/jupyterhub")),
        "exchange": Path(os.environ.get("MLP_EXCHANGE_ROOT") or "/srv/nbgrader/exchange"),
        "course_user": setting("COURSE_USER", f"grader-{COURSE_ID}"),
        "students": setting("STUDENTS", "mlp-students"),
        "instructors": setting("INSTRUCTORS", "mlp-instructors"),
        "ip": setting("IP", ""),
        "port": int(setting("PORT", "8000")),
    }


def say(text: str) -> None:
    print(f"[hub] {text}", flush=True)


def run(cmd: list, **kwargs) -> subprocess.CompletedProcess:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], check=True, **kwargs)


# --------------------------------------------------------------------------- checks

def unreachable_by_others(path: Path) -> str | None:
    """Why other accounts cannot run or read ``path``, or None: a folder on the way they cannot enter."""
    path = Path(os.path.realpath(path))
    for folder in [*reversed(path.parents), path]:
        mode = folder.stat().st_mode
        needed = stat.S_IXOTH if folder.is_dir() else stat.S_IROTH
        if not mode & needed:
            return f"{folder} (mode {stat.S_IMODE(mode):o})"
    return None


def problems() -> list[str]:
    found = []
    if not sys.platform.startswith("linux"):
        found.append(f"the course server runs on Linux (this is {sys.platform})")
    elif os.geteuid() != 0:
        found.append("run it as root (sudo python3 tasks.py hub): the hub starts each user's server "
                     "as that user")
    for path in (Path(sys.executable), Path(sys.base_prefix) / "lib"):
        blocked = unreachable_by_others(path)
        if blocked:
            found.append(f"students' servers could not run this Python ({sys.executable}): other accounts "
                         f"cannot enter {blocked}. Use a Python installed for everyone (e.g. the "
                         "distribution's /usr/bin/python3) or let others enter that folder")
            break
    for tool in ("npm", "useradd", "groupadd", "git"):
        if shutil.which(tool) is None:
            found.append(f"{tool} not found" + (" (Node.js 20 or newer with npm: apt-get install nodejs npm)"
                                                 if tool == "npm" else ""))
    return found


# --------------------------------------------------------------------------- 1. course environment

def package_stamp() -> str:
    """Hash of what the course environment is built from: Python version, pyproject, the package."""
    digest = hashlib.sha256(f"python={sys.version_info[:3]}\n".encode())
    files = [ROOT / "pyproject.toml", *sorted((ROOT / "mlp_lib").rglob("*.py")),
             *sorted((ROOT / "jupyter-config").rglob("*.json"))]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def ensure_course_env(env: Path) -> Path:
    python = env / "bin" / "python"
    stamp, expected = env / STAMP, package_stamp()
    if python.exists() and stamp.exists() and stamp.read_text().strip() == expected:
        say(f"course environment {env} is up to date")
        return python
    if not python.exists():
        run([sys.executable, "-m", "venv", "--clear", env])
    pip_env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    # not editable: like a wheel, so the servers never read this repository
    run([python, "-m", "pip", "install", "--progress-bar", "off", f"{ROOT}[hub]"], env=pip_env,
        cwd=env.parent)
    stamp.write_text(expected + "\n")
    return python


def install_shared_files(prefix: Path, env: Path) -> None:
    """Lectures, the single-user start script and the Jupyter configuration, readable by all."""
    lectures = prefix / "lectures"
    if lectures.exists():
        shutil.rmtree(lectures)
    lectures.mkdir()
    for notebook in sorted((ROOT / "lectures").glob("*.ipynb")):
        shutil.copyfile(notebook, lectures / notebook.name)
    shutil.copyfile(HERE / "singleuser.py", prefix / "singleuser.py")
    for role in ("students", "course"):
        target = prefix / "etc" / f"jupyter-{role}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(HERE / "jupyter" / role, target)
    system = env / "etc" / "jupyter"
    system.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "jupyter" / "all" / "nbgrader_config.py", system / "nbgrader_config.py")
    # no "get notified about Jupyter news?" question in every student's JupyterLab
    overrides = env / "share" / "jupyter" / "lab" / "settings" / "overrides.d"
    overrides.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HERE / "jupyter" / "lab-overrides.json", overrides / "mlp_course_server.json")
    shared = [prefix, lectures, *lectures.iterdir(), prefix / "singleuser.py", *(prefix / "etc").rglob("*"),
              prefix / "etc"]
    for path in shared:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)
    say(f"lectures and settings installed in {prefix}")


# --------------------------------------------------------------------------- 2.-4.

def ensure_proxy() -> Path:
    sys.path.insert(0, str(ROOT))
    import tasks  # the same idempotent `npm ci` as the slides' files

    modules = tasks.ensure_web_assets(HERE)
    return modules / ".bin" / "configurable-http-proxy"


def ensure_folders(s: dict) -> None:
    exchange = s["exchange"]
    if not exchange.is_dir():
        exchange.mkdir(parents=True)
    if stat.S_IMODE(exchange.stat().st_mode) != 0o1777:
        exchange.chmod(0o1777)  # everyone may add a course folder; nbgrader sets modes below it
    s["state"].mkdir(parents=True, exist_ok=True)
    s["state"].chmod(0o700)


def _exists(kind: str, name: str) -> bool:
    return subprocess.run(["getent", kind, name], capture_output=True).returncode == 0


def ensure_accounts(s: dict) -> Path:
    """The two groups and the course account with its clone; returns the clone."""
    for group in (s["students"], s["instructors"]):
        if not _exists("group", group):
            run(["groupadd", group])
    user = s["course_user"]
    if not _exists("passwd", user):
        run(["useradd", "--create-home", "--shell", "/bin/bash", "--user-group", "--key", "HOME_MODE=0700", user])
    import pwd
    account = pwd.getpwnam(user)
    home = Path(account.pw_dir)
    home.chmod(0o700)  # the gradebook holds everybody's grades
    clone = home / "mlp-course"
    if not clone.exists():
        run(["git", "clone", "--quiet", "--no-hardlinks", ROOT, clone])
        (clone / ".venv").symlink_to(s["env"], target_is_directory=True)
        with open(clone / ".git" / "info" / "exclude", "a") as fh:
            fh.write("/.venv\n")
        run(["chown", "-R", f"{account.pw_uid}:{account.pw_gid}", clone])
        say(f"the course: {clone} (a clone of {ROOT}; `git pull` there for updates)")
    return clone


# --------------------------------------------------------------------------- 5. the hub

def url(s: dict) -> str:
    host = s["ip"] or socket.getfqdn()
    scheme = "https" if setting("SSL_CERT", "") else "http"
    return f"{scheme}://{host}:{s['port']}/"


def running_pid(state: Path) -> int | None:
    """The pid of the hub started with this state folder, if it is still running."""
    try:
        pid = int((state / "jupyterhub.pid").read_text().strip())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"jupyterhub" in command else None  # not a reused pid


def wait_until_up(s: dict, process: subprocess.Popen, timeout: float = 180) -> bool:
    """True once the hub answers through the proxy (its API's version), False if it stopped."""
    scheme = "https" if setting("SSL_CERT", "") else "http"
    probe = f"{scheme}://{s['ip'] or '127.0.0.1'}:{s['port']}/hub/api/"
    context = None
    if scheme == "https":  # the certificate names the public host, not this address
        import ssl
        context = ssl._create_unverified_context()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(probe, timeout=5, context=context) as response:
                if b'"version"' in response.read():
                    return True
        except OSError:  # not listening yet, or the proxy's 404/503 before the hub is routed
            pass
        time.sleep(0.5)
    return False


def start_hub(s: dict, python: Path, extra_args: list[str]) -> int:
    pid = running_pid(s["state"])
    if pid:
        say(f"the course server is already running (pid {pid}): {url(s)}")
        return 0
    env = dict(os.environ, MLP_HUB_PREFIX=str(s["prefix"]), MLP_HUB_STATE=str(s["state"]),
               MLP_EXCHANGE_ROOT=str(s["exchange"]), MLP_HUB_IP=s["ip"], MLP_HUB_PORT=str(s["port"]))
    cmd = [str(python.with_name("jupyterhub")), "-f", str(HERE / "jupyterhub_config.py"), *extra_args]
    print("+", " ".join(cmd), flush=True)
    process = subprocess.Popen(cmd, cwd=s["state"], env=env)
    # stopping this command (Ctrl-C, systemctl stop) stops the hub, which stops every server
    signal.signal(signal.SIGTERM, lambda *_: process.send_signal(signal.SIGTERM))
    try:
        if wait_until_up(s, process):
            say(f"the course server is running: {url(s)}  (Ctrl-C stops it)")
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGTERM)
        return process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 tasks.py hub", description=__doc__.splitlines()[0],
                                     epilog="Other arguments go to jupyterhub.")
    parser.add_argument("--ip", help="address to listen on (default: all; MLP_HUB_IP)")
    parser.add_argument("--port", type=int, help="port to listen on (default 8000; MLP_HUB_PORT)")
    parser.add_argument("--setup-only", action="store_true", help="set up, do not start the hub")
    parser.add_argument("--environment-only", action="store_true",
                        help="only steps 1 and 2: the course environment, shared files and proxy (no root "
                             "needed, no accounts or folders: e.g. for building an image)")
    args, extra = parser.parse_known_args(argv)
    if args.ip is not None:
        os.environ["MLP_HUB_IP"] = args.ip
    if args.port is not None:
        os.environ["MLP_HUB_PORT"] = str(args.port)
    if args.environment_only:
        s = settings()
        s["prefix"].mkdir(parents=True, exist_ok=True)
        ensure_course_env(s["env"])
        install_shared_files(s["prefix"], s["env"])
        ensure_proxy()
        say(f"course environment ready in {s['prefix']}")
        return 0
    found = problems()
    if found:
        for problem in found:
            print(f"ERROR: {problem}", file=sys.stderr)
        return 1
    s = settings()
    s["prefix"].mkdir(parents=True, exist_ok=True)
    s["prefix"].chmod(0o755)
    python = ensure_course_env(s["env"])
    install_shared_files(s["prefix"], s["env"])
    ensure_proxy()
    ensure_folders(s)
    ensure_accounts(s)
    if args.setup_only:
        say(f"set up; start it with `python3 tasks.py hub` (it will be at {url(s)})")
        return 0
    return start_hub(s, python, extra)


if __name__ == "__main__":
    sys.exit(main())
