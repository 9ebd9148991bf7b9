#!/usr/bin/env python3
"""The environments CI checks besides ``.venv/`` (which has the newest versions):

    python .ci/envs.py lowest   # every direct dependency at its floor: the tests, two lectures
    python .ci/envs.py wheel    # python -m build; the wheel in a clean venv: import, lab
                                # setting, one lecture; then without ipympl: another lecture

Run with the project's Python (``.venv/bin/python``: it has ``build``). Each environment is
a fresh venv in ``build/ci-envs/<name>/``, filled from PyPI. The floors are the ``>=``
bounds of pyproject.toml (``dependencies`` and every extra), installed as a pip
constraints file ``name==floor``: the same as ``uv pip install --resolution
lowest-direct``. Lectures run from a temporary copy, so the source tree is not importable.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENVS = ROOT / "build" / "ci-envs"
SELF = "mlp-lib"  # the project's own name in self-referencing extras (mlp_lib[student])

# Two lectures for the lowest versions: widgets (00) and a checked training printout (05).
LOWEST_LECTURES = ["00_neurons_and_activations", "05_gradient_clipping"]
# Every test but the browser ones (tests/browser/): the library, the widgets, the students'
# check, and nbgrader at its floor in one real round trip (test_exchange.py: release, fetch,
# submit, collect, sandboxed autograde, feedback, with real accounts). Left to the main run,
# where they run with the newest versions, because they cost most of the time and test the
# same grading code again rather than the versions: the corpus graded whole
# (test_grading_pipeline.py, ~320 s at the floors) and twice more in parallel
# (test_grading_a_class.py, ~110 s), the sandbox's hostile submissions (test_sandbox.py:
# timing against bubblewrap's limits, about the machine), and the README's workflows as
# written (test_workflows.py, ~100 s). With them this step took 14 minutes; without, about 3.
LOWEST_TESTS = "tests/test_*.py"
LOWEST_SKIP = {"tests/test_sandbox.py", "tests/test_workflows.py", "tests/test_grading_pipeline.py",
               "tests/test_grading_a_class.py"}
WHEEL_LECTURE = "00_neurons_and_activations"
NO_IPYMPL_LECTURE = "03_backpropagation"



def normalise(name: str) -> str:
    return name.replace("_", "-").replace(".", "-").lower()


# --------------------------------------------------------------------------- floors

def floors(pyproject: dict) -> dict[str, str]:
    """``{name: lowest version}`` of every direct dependency, from its ``>=`` bound.

    Raises ValueError for a requirement without a ``>=`` bound, or listed twice with
    different bounds.
    """
    from packaging.requirements import Requirement

    project = pyproject["project"]
    texts = [*project["dependencies"], *(t for extra in project.get("optional-dependencies", {}).values()
                                          for t in extra)]
    result: dict[str, str] = {}
    for text in texts:
        req = Requirement(text)
        name = normalise(req.name)
        if name == SELF:
            continue
        lows = [spec.version for spec in req.specifier if spec.operator == ">="]
        if len(lows) != 1:
            raise ValueError(f"{text!r}: every dependency needs exactly one '>=' lower bound (its floor)")
        if result.get(name, lows[0]) != lows[0]:
            raise ValueError(f"{name} has two floors: {result[name]} and {lows[0]}")
        result[name] = lows[0]
    return result


def constraints_text(floor_versions: dict[str, str]) -> str:
    """A pip constraints file pinning each package to its floor."""
    return "".join(f"{name}=={version}\n" for name, version in sorted(floor_versions.items()))


def read_pyproject() -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- helpers

def step(message: str) -> None:
    print(f"\n=== {message}", flush=True)


def run(cmd: list, **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def clean_env() -> dict[str, str]:
    """This environment without anything that would put the source tree on sys.path."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return env


def make_venv(name: str) -> Path:
    venv = ENVS / name
    run([sys.executable, "-m", "venv", "--clear", venv])
    return venv


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def pip_install(venv: Path, *args, cwd: Path = ROOT) -> float:
    """``pip install ARGS`` in ``venv``; returns the seconds it took."""
    start = time.monotonic()
    run([venv_python(venv), "-m", "pip", "install", "--progress-bar", "off", *args], cwd=cwd, env=clean_env())
    return time.monotonic() - start


def installed_versions(venv: Path, names) -> dict[str, str | None]:
    code = ("import json, sys\nfrom importlib.metadata import version, PackageNotFoundError\n"
            "out = {}\nfor n in sys.argv[1:]:\n    try: out[n] = version(n)\n"
            "    except PackageNotFoundError: out[n] = None\nprint(json.dumps(out))")
    result = subprocess.run([str(venv_python(venv)), "-c", code, *names], check=True,
                            capture_output=True, text=True, env=clean_env())
    return json.loads(result.stdout)


def copy_lecture(name: str, dest: Path) -> Path:
    """Copy lecture ``name`` into ``dest`` (unchanged: it starts with ``use_widget_backend()``)."""
    source = ROOT / "lectures" / f"{name}.ipynb"
    target = dest / source.name
    shutil.copyfile(source, target)
    return target


def run_lecture(venv: Path, notebook: Path) -> None:
    """Run every cell of ``notebook`` with nbval, from its own folder, in ``venv``'s kernel."""
    run([venv_python(venv), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
         "--nbval-current-env", "--rootdir", notebook.parent, notebook.name],
        cwd=notebook.parent, env=clean_env())


# --------------------------------------------------------------------------- lowest

def cmd_lowest(args) -> int:
    """Every direct dependency at its floor: the tests (not the browser, sandbox or workflow ones), two lectures."""
    floor_versions = floors(read_pyproject())
    ENVS.mkdir(parents=True, exist_ok=True)
    constraints = ENVS / "lowest-constraints.txt"
    constraints.write_text(constraints_text(floor_versions), encoding="utf-8")

    step("lowest versions: install the floors of pyproject.toml")
    print(constraints.read_text(), end="")
    venv = make_venv("lowest")
    seconds = pip_install(venv, "-c", constraints, "-e", ".[dev]")
    got = installed_versions(venv, floor_versions)
    from packaging.version import Version

    wrong = {n: got[n] for n, v in floor_versions.items() if got[n] is None or Version(got[n]) != Version(v)}
    if wrong:
        print(f"ERROR: not installed at their floors: {wrong}", file=sys.stderr)
        return 1
    print(f"Installed {len(floor_versions)} direct dependencies at their floors in {seconds:.0f}s.")

    step("lowest versions: the tests (not the browser, sandbox or workflow ones) and two lectures")
    with tempfile.TemporaryDirectory(prefix="mlp-lowest-") as tmp:
        lectures = [copy_lecture(name, Path(tmp)) for name in LOWEST_LECTURES]
        tests = sorted(p for p in ROOT.glob(LOWEST_TESTS) if p.relative_to(ROOT).as_posix() not in LOWEST_SKIP)
        run([venv_python(venv), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not browser",
             *[t.relative_to(ROOT) for t in tests]], cwd=ROOT, env=clean_env())
        for lecture in lectures:
            run_lecture(venv, lecture)
    print("lowest versions: OK")
    return 0


# --------------------------------------------------------------------------- wheel

LAB_SETTING_CHECK = r"""
import json, os, sys, tempfile
from jupyterlab.commands import get_app_dir
from jupyterlab_server.settings_utils import get_settings

app_dir = get_app_dir()
plugin = "@jupyterlab/apputils-extension:kernels-settings"
with tempfile.TemporaryDirectory() as user_settings:  # no user settings: the defaults
    settings, _ = get_settings(os.path.join(app_dir, "settings"), os.path.join(app_dir, "schemas"),
                               user_settings, schema_name=plugin)
default = settings["schema"]["properties"]["commsOverSubshells"]["default"]
print(f"{plugin} commsOverSubshells default: {default!r} (app dir {app_dir})")
sys.exit(0 if default == "disabled" else 1)
"""


def cmd_wheel(args) -> int:
    """Build the wheel; install it in a clean venv; check it, with and without ipympl."""
    dist = ENVS / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    step("wheel: python -m build (sdist, then the wheel from the sdist)")
    run([sys.executable, "-m", "build", "--outdir", dist, ROOT], cwd=ROOT, env=clean_env())
    (wheel,) = dist.glob("mlp_lib-*.whl")

    step("wheel: install it with the student extra in a clean venv (not editable)")
    venv = make_venv("wheel")
    with tempfile.TemporaryDirectory(prefix="mlp-wheel-") as tmp:
        tmp = Path(tmp)
        seconds = pip_install(venv, f"{wheel}[student]", "pytest", "nbval", cwd=tmp)
        print(f"Installed the wheel with [student] (+ pytest, nbval) in {seconds:.0f}s.")
        python = venv_python(venv)
        where = subprocess.run([str(python), "-c", "import mlp_lib; print(mlp_lib.__file__); "
                                "print(mlp_lib.__version__)"], cwd=tmp, env=clean_env(),
                               check=True, capture_output=True, text=True).stdout.split()
        print(f"import mlp_lib -> {where[0]} (version {where[1]})")
        if not Path(where[0]).resolve().is_relative_to(venv.resolve()):
            print("ERROR: mlp_lib was not imported from the installed wheel", file=sys.stderr)
            return 1
        if where[1] not in wheel.name:
            print(f"ERROR: mlp_lib.__version__ {where[1]} is not the wheel's ({wheel.name})", file=sys.stderr)
            return 1
        run([python, "-c", LAB_SETTING_CHECK], cwd=tmp, env=clean_env())
        run_lecture(venv, copy_lecture(WHEEL_LECTURE, tmp))

        step("without ipympl: a lecture shows still images")
        run([python, "-m", "pip", "uninstall", "-y", "ipympl"], env=clean_env())
        if subprocess.run([str(python), "-c", "import ipympl"], capture_output=True, env=clean_env()).returncode == 0:
            print("ERROR: ipympl is still importable", file=sys.stderr)
            return 1
        run_lecture(venv, copy_lecture(NO_IPYMPL_LECTURE, tmp))
    print("wheel: OK")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python .ci/envs.py", description=__doc__.splitlines()[0])
    parser.add_argument("env", choices=["lowest", "wheel"])
    args = parser.parse_args(argv)
    start = time.monotonic()
    try:
        code = {"lowest": cmd_lowest, "wheel": cmd_wheel}[args.env](args)
    except subprocess.CalledProcessError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        code = exc.returncode or 1
    print(f"{args.env}: finished with exit code {code} in {time.monotonic() - start:.0f}s", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
