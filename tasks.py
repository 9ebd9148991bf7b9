#!/usr/bin/env python3
"""Set-up and everyday commands for the course, needing nothing but Python 3.

    python3 tasks.py setup [EXTRA]  # only set up .venv/ (EXTRA: student, instructor or dev)
    python3 tasks.py lab            # open the lectures in JupyterLab
    python3 tasks.py test           # run the test suite (extra args go to pytest)
    python3 tasks.py browser-test   # only the tests marked ``browser``
    python3 tasks.py bench          # run every benchmarks/bench_*.py
    python3 tasks.py notebooks      # build lectures/*.ipynb and assignment notebooks from their .md
    python3 tasks.py slides         # build the offline lecture decks into build/slides/
    python3 tasks.py hub            # set up and start the course server (root; deploy/hub.py)

Every command first makes sure ``.venv/`` exists and holds ``pip install -e ".[EXTRA]"``
plus the JupyterLab settings shipped in ``jupyter-config/``: ``lab`` needs the ``student``
extra (JupyterLab, ipympl, nbgrader's student side; no test tools), the other commands the
``dev`` extra (which contains ``instructor``, which contains ``student``). A stamp file in
``.venv/`` records what was installed, so later runs skip the install. ``slides`` also
installs the decks' browser files (``npm ci`` in ``slides/``, which needs Node.js and npm).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
STAMP_NAME = ".mlp-setup-stamp"

# Lab settings shipped with the package. They disable "comms over subshells"
# (@jupyterlab/apputils-extension:kernels-settings -> commsOverSubshells): with
# JupyterLab >= 4.4 and ipykernel >= 7, widget callbacks otherwise run on a subshell
# thread and matplotlib figures drawn from them come out blank (jupyterlab#19719).
# A regular install (wheel, `pip install .`) puts the file in place itself
# ([tool.setuptools.data-files] in pyproject.toml); setuptools' editable installs leave
# data files out, so for .venv/ (editable) set-up copies it to the same place.
LAB_OVERRIDES = ROOT / "jupyter-config" / "lab" / "settings" / "overrides.d" / "mlp_lib.json"
LAB_OVERRIDES_DEST = Path("share", "jupyter", "lab", "settings", "overrides.d", "mlp_lib.json")
# Where set-up version 1 copied the same settings; removed when it still holds our copy.
OLD_LAB_OVERRIDES_DEST = Path("share", "jupyter", "lab", "settings", "overrides.json")

# The extras of pyproject.toml that set-up installs, each containing the one before it:
# student (lectures in JupyterLab) < instructor (+ authoring, grading) < hub (+ JupyterHub)
# < dev (+ tests, lint).
EXTRAS = ("student", "instructor", "hub", "dev")

# The lecture decks' browser files (reveal.js, MathJax, ...): slides/package-lock.json,
# installed by `npm ci` into slides/node_modules, with a stamp of the lock file's hash.
WEB = ROOT / "slides"
WEB_STAMP_NAME = ".mlp-npm-stamp"

# Bump when the set-up steps themselves change, so existing venvs are refreshed.
SETUP_VERSION = "2"

PYTEST_NO_TESTS_COLLECTED = 5
IS_WINDOWS = os.name == "nt"


# --------------------------------------------------------------------------- paths

def venv_bin(venv: Path | None = None) -> Path:
    """Folder of the venv's executables (``Scripts`` on Windows, ``bin`` elsewhere)."""
    return (venv or VENV) / ("Scripts" if IS_WINDOWS else "bin")


def venv_exe(name: str, venv: Path | None = None) -> Path:
    """Path of executable ``name`` inside the venv."""
    return venv_bin(venv) / (name + ".exe" if IS_WINDOWS else name)


# --------------------------------------------------------------------------- stamp

def python_version() -> str:
    """Version of the interpreter the venv is built from, e.g. ``3.11.7``."""
    return ".".join(str(part) for part in sys.version_info[:3])


def compute_stamp(pyproject: Path = PYPROJECT, overrides: Path = LAB_OVERRIDES,
                  version: str | None = None) -> str:
    """Hash of everything the installed venv depends on.

    Covers pyproject.toml, the shipped lab settings, the Python version and
    :data:`SETUP_VERSION`; a change in any of them means set-up must run again.
    """
    digest = hashlib.sha256()
    digest.update(f"setup={SETUP_VERSION}\npython={version or python_version()}\n".encode())
    for path in (pyproject, overrides):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def stamp_text(stamp: str, extra: str) -> str:
    """What the stamp file holds: the hash of :func:`compute_stamp` and the extra installed."""
    return f"{stamp}\nextra={extra}\n"


def installed_extra(stamp_file: Path, expected: str | None) -> str | None:
    """The extra that ``stamp_file`` says is installed, if its hash is ``expected`` (any
    hash when ``expected`` is None)."""
    if not stamp_file.exists():
        return None
    lines = stamp_file.read_text(encoding="utf-8").split()
    if len(lines) != 2 or expected not in (None, lines[0]) or not lines[1].startswith("extra="):
        return None
    extra = lines[1].removeprefix("extra=")
    return extra if extra in EXTRAS else None


def is_up_to_date(stamp_file: Path, expected: str, python: Path, extra: str = "dev") -> bool:
    """True when the venv at ``python`` exists and ``stamp_file`` holds ``expected`` for
    ``extra`` or for an extra that contains it (``dev`` contains ``student``)."""
    if not python.exists():
        return False
    installed = installed_extra(stamp_file, expected)
    return installed is not None and EXTRAS.index(installed) >= EXTRAS.index(extra)


# --------------------------------------------------------------------------- set-up

def run(cmd: list[str | Path], **kwargs) -> None:
    """Echo and run ``cmd``, stopping the script if it fails."""
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def venv_matches_python(venv: Path) -> bool:
    """True when the venv was made by the current interpreter's major.minor version."""
    cfg = venv / "pyvenv.cfg"
    if not cfg.exists():
        return False
    for line in cfg.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return value.strip().split(".")[:2] == [str(v) for v in sys.version_info[:2]]
    return True


def create_venv(venv: Path) -> None:
    """Create (or re-create, if made by another Python) ``venv`` with ``python -m venv``."""
    if venv_exe("python", venv).exists() and venv_matches_python(venv):
        return
    print(f"Creating virtual environment in {venv} ...", flush=True)
    run([sys.executable, "-m", "venv", "--clear", venv])


def install_lab_settings(venv: Path) -> Path:
    """Copy the shipped JupyterLab settings into the venv's ``overrides.d``; return the path.

    Also removes the copy that set-up version 1 made as ``overrides.json`` (it would take
    precedence over ``overrides.d``), but only while it still holds exactly our settings.
    """
    dest = venv / LAB_OVERRIDES_DEST
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(LAB_OVERRIDES, dest)
    old = venv / OLD_LAB_OVERRIDES_DEST
    if old.exists() and old.read_bytes() == LAB_OVERRIDES.read_bytes():
        old.unlink()
    return dest


def ensure_env(venv: Path | None = None, extra: str = "dev") -> Path:
    """Make the venv ready (create, ``pip install -e ".[extra]"``, lab settings) unless its
    stamp says it is, for ``extra`` or an extra that contains it.

    Idempotent: a second call with nothing changed only prints one line.
    Returns the venv's python.
    """
    if extra not in EXTRAS:
        raise ValueError(f"extra must be one of {', '.join(EXTRAS)}, got {extra!r}")
    venv = venv or VENV
    python = venv_exe("python", venv)
    stamp = venv / STAMP_NAME
    expected = compute_stamp()
    if is_up_to_date(stamp, expected, python, extra):
        print(f"{venv.name}/ is up to date (delete {venv.name}/{STAMP_NAME} to force a reinstall).",
              flush=True)
        return python

    # Reinstalling after a change keeps what was there: `lab` does not shrink a dev venv.
    previous = installed_extra(stamp, None) if python.exists() else None
    extra = max(extra, previous or extra, key=EXTRAS.index)
    create_venv(venv)
    stamp.unlink(missing_ok=True)
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
    run([python, "-m", "pip", "install", "-e", f".[{extra}]"], env=env)
    dest = install_lab_settings(venv)
    print(f"Installed JupyterLab settings to {dest}", flush=True)
    stamp.write_text(stamp_text(expected, extra), encoding="utf-8")
    return python


def ensure_web_assets(web: Path | None = None) -> Path:
    """Install the decks' browser files with ``npm ci`` unless they match the lock file.

    Idempotent like :func:`ensure_env`: a stamp in ``node_modules`` holds the hash of
    ``package-lock.json``. Returns the ``node_modules`` folder.
    """
    web = web or WEB
    modules = web / "node_modules"
    stamp = modules / WEB_STAMP_NAME
    expected = hashlib.sha256((web / "package-lock.json").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text(encoding="utf-8").strip() == expected:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("ERROR: npm not found. The slides need Node.js 18 or newer with npm "
                         "(e.g. `apt-get install nodejs npm`, or https://nodejs.org).")
    run([npm, "ci", "--prefix", web, "--no-audit", "--no-fund"])
    stamp.write_text(expected + "\n", encoding="utf-8")
    return modules


# --------------------------------------------------------------------------- commands

def run_pytest(python: Path, args: list[str]) -> int:
    """Run pytest in the venv; 'no tests collected' counts as a failure."""
    cmd = [str(python), "-m", "pytest", *args]
    print("+", " ".join(cmd), flush=True)
    env = dict(os.environ)
    # Small teaching networks run faster and steadier on one BLAS thread than on two
    # (measured: 9.5 s -> 1.6 s for lecture 06's deep net on this 2-core machine).
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    if code == PYTEST_NO_TESTS_COLLECTED:
        print("ERROR: pytest collected no tests (exit code 5); treating this as a failure.",
              file=sys.stderr)
    return code


def cmd_test(args: list[str]) -> int:
    """``test``: the whole suite (tests/ and the lecture notebooks)."""
    return run_pytest(ensure_env(), args)


def cmd_browser_test(args: list[str]) -> int:
    """``browser-test``: only the tests marked ``browser``."""
    return run_pytest(ensure_env(), ["-m", "browser", *args])


def lab_root(home: Path | None = None) -> tuple[Path, str]:
    """The folder JupyterLab serves and the URL of the lectures in it.

    The home folder when the repository is inside it: students then reach both the lectures and
    their assignments, which ``nbgrader fetch_assignment`` and JupyterLab's Assignment List put
    in ``~/mlp-intro/`` (the Assignment List fetches into the folder JupyterLab serves). Else the
    repository.
    """
    home = Path(home or Path.home()).resolve()
    try:
        inside = ROOT.relative_to(home)
    except ValueError:
        return ROOT, "/lab/tree/lectures"
    return home, "/lab/tree/" + "/".join((inside / "lectures").parts)


def lab_command(args: list[str], is_root: bool | None = None, home: Path | None = None) -> list[str]:
    """The ``jupyter lab`` command line: see :func:`lab_root`; lectures/ opened."""
    if is_root is None:
        is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    root, lectures_url = lab_root(home)
    cmd = [
        str(venv_exe("jupyter")), "lab",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url={lectures_url}",
    ]
    if is_root:
        cmd.append("--allow-root")  # JupyterLab refuses to run as root otherwise
    return cmd + list(args)


def cmd_lab(args: list[str]) -> int:
    """``lab``: start JupyterLab on the lectures (extra args go to ``jupyter lab``)."""
    ensure_env(extra="student")
    cmd = lab_command(args)
    root, _ = lab_root()
    if root == ROOT:
        print(f"Note: {ROOT} is not inside your home folder, so JupyterLab serves only the "
              "repository: assignments you fetch to ~/mlp-intro/ do not show in it (clone the "
              "course into your home folder to have both).", flush=True)
    print("+", " ".join(cmd), flush=True)
    os.chdir(root)  # nbgrader's Assignment List reads its settings and fetches from here
    if IS_WINDOWS:
        try:
            return subprocess.call(cmd)
        except KeyboardInterrupt:
            return 130
    os.execv(cmd[0], cmd)  # let jupyter own the terminal and Ctrl-C
    return 0  # not reached


def cmd_bench(args: list[str]) -> int:
    """``bench``: run every ``benchmarks/bench_*.py`` with the venv's python."""
    python = ensure_env()
    scripts = sorted((ROOT / "benchmarks").glob("bench_*.py"))
    if not scripts:
        print("ERROR: no benchmarks/bench_*.py found.", file=sys.stderr)
        return 1
    failed = []
    for script in scripts:
        cmd = [str(python), str(script.relative_to(ROOT)), *args]
        print("+", " ".join(cmd), flush=True)
        if subprocess.call(cmd, cwd=ROOT) != 0:
            failed.append(script.name)
    if failed:
        print(f"ERROR: {len(failed)} benchmark(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"{len(scripts)} benchmark(s) ran.")
    return 0


def cmd_notebooks(args: list[str]) -> int:
    """``notebooks``: build every notebook from its text source (``tools/notebooks.py``)."""
    python = ensure_env()
    cmd = [str(python), str(ROOT / "tools" / "notebooks.py"), *args]
    print("+", " ".join(cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT)


def cmd_setup(args: list[str]) -> int:
    """``setup [EXTRA]``: only make ``.venv/`` ready, by default as every other command does
    first (the ``dev`` extra); ``setup student`` or ``setup instructor`` installs less."""
    if len(args) > 1 or (args and args[0] not in EXTRAS):
        print(f"ERROR: setup takes one of {', '.join(EXTRAS)} or nothing, got {' '.join(args)!r}",
              file=sys.stderr)
        return 2
    python = ensure_env(extra=args[0] if args else "dev")
    print(f"Ready: {python}")
    return 0


def cmd_hub(args: list[str]) -> int:
    """``hub``: set up and start the course server (``deploy/hub.py``; as root, on Linux)."""
    cmd = [sys.executable, str(ROOT / "deploy" / "hub.py"), *args]
    print("+", " ".join(cmd), flush=True)
    if IS_WINDOWS:  # hub.py says why it cannot run there
        return subprocess.call(cmd, cwd=ROOT)
    os.chdir(ROOT)
    os.execv(cmd[0], cmd)  # the hub owns the terminal, Ctrl-C and signals
    return 0  # not reached


def cmd_slides(args: list[str]) -> int:
    """``slides``: build the offline lecture decks (``tools/slides.py``) into build/slides/."""
    python = ensure_env()
    ensure_web_assets()
    cmd = [str(python), str(ROOT / "tools" / "slides.py"), *args]
    print("+", " ".join(cmd), flush=True)
    env = dict(os.environ)
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return subprocess.call(cmd, cwd=ROOT, env=env)


COMMANDS = {
    "setup": cmd_setup,
    "lab": cmd_lab,
    "test": cmd_test,
    "browser-test": cmd_browser_test,
    "bench": cmd_bench,
    "notebooks": cmd_notebooks,
    "slides": cmd_slides,
    "hub": cmd_hub,
}


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command; return its exit code."""
    parser = argparse.ArgumentParser(
        prog="python3 tasks.py",
        description="Set up .venv/ and run the course's commands.",
        epilog="Arguments after the command are passed on (to pytest, jupyter lab or the benchmarks).",
    )
    parser.add_argument("command", choices=COMMANDS, help="what to run")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="passed through")
    ns = parser.parse_args(argv)
    try:
        return COMMANDS[ns.command](ns.args)
    except subprocess.CalledProcessError as exc:
        print(f"ERROR: command failed with exit code {exc.returncode}", file=sys.stderr)
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
