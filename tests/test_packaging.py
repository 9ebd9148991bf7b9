"""Packaging checks: the extras match who installs, the floors are honest and in step with
environment.yml, the JupyterLab setting ships with the package, the version has one home,
tasks.py's set-up is idempotent, and CI runs the README's test command and the other
environments (lowest versions, built wheel, no ipympl)."""
from __future__ import annotations

import importlib.util
import json
import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib

import mlp_lib

ROOT = Path(__file__).resolve().parents[1]
SELF = "mlp-lib"

# PyPI name -> conda-forge name, where they differ (after normalising case and -_.).
PIP_TO_CONDA: dict[str, str] = {}
# What environment.yml holds: the library and the students' extra.
CONDA_EXTRAS = ("student",)
# Tools only maintainers need: never in the students' or instructors' extras.
MAINTAINER_TOOLS = {"pytest", "nbval", "pytest-timeout", "playwright", "ruff", "build"}
# The promise: releases current in late 2024 (or older) must install.
LATE_2024 = {"numpy": "2.1", "matplotlib": "3.9", "scipy": "1.14", "scikit-learn": "1.5",
             "ipywidgets": "8.1", "ipympl": "0.9", "jupyterlab": "4.3"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_tasks():
    return load_module("tasks", ROOT / "tasks.py")


def load_ci_envs():
    return load_module("ci_envs", ROOT / ".ci" / "envs.py")


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def requirements(pyproject: dict, extras=()) -> dict[str, SpecifierSet]:
    """name -> specifier of the runtime dependencies plus ``extras`` (without self-references)."""
    project = pyproject["project"]
    texts = [*project["dependencies"], *(t for e in extras for t in project["optional-dependencies"][e])]
    out = {}
    for text in texts:
        req = Requirement(text)
        name = normalise(req.name)
        if name != SELF:
            out[PIP_TO_CONDA.get(name, name)] = req.specifier
    return out


def extra_closure(pyproject: dict, extra: str) -> dict[str, SpecifierSet]:
    """Everything ``pip install mlp_lib[extra]`` asks for, following mlp_lib[...] references."""
    optional = pyproject["project"]["optional-dependencies"]
    seen, todo = [], [extra]
    while todo:
        name = todo.pop()
        seen.append(name)
        for text in optional[name]:
            req = Requirement(text)
            if normalise(req.name) == SELF:
                todo.extend(e for e in req.extras if e not in seen)
    return requirements(pyproject, seen)


def conda_requirements(environment: dict) -> tuple[dict[str, SpecifierSet], list[str]]:
    """(conda packages as name -> specifier set, the pip section's lines) of environment.yml."""
    conda, pip = {}, []
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry["pip"])
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", entry.strip())
        name, spec = match.groups()
        conda[normalise(name)] = SpecifierSet(spec.replace(" ", ""))
    return conda, pip


# --------------------------------------------------------------------------- metadata

def test_pyproject_basics(pyproject):
    project = pyproject["project"]
    assert project["name"] == "mlp_lib"
    assert project["requires-python"] == ">=3.10"
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert pyproject["tool"]["setuptools"]["packages"]["find"]["include"] == ["mlp_lib*"]
    for name, spec in requirements(pyproject, project["optional-dependencies"]).items():
        assert any(s.operator == ">=" for s in spec), f"{name} has no lower bound"
    pytest_cfg = pyproject["tool"]["pytest"]["ini_options"]
    assert pytest_cfg["testpaths"] == ["tests", "lectures"]
    assert "--nbval-lax" in pytest_cfg["addopts"]
    markers = {m.split(":")[0] for m in pytest_cfg["markers"]}
    assert {"browser", "slow"} <= markers


def test_extras_match_who_installs(pyproject):
    optional = pyproject["project"]["optional-dependencies"]
    assert set(optional) == {"student", "instructor", "hub", "dev"}
    student = extra_closure(pyproject, "student")
    instructor = extra_closure(pyproject, "instructor")
    hub = extra_closure(pyproject, "hub")
    dev = extra_closure(pyproject, "dev")
    assert {"jupyterlab", "ipympl", "nbgrader", "ipykernel"} <= set(student)
    assert not MAINTAINER_TOOLS & set(student), "students get no test tools"
    assert not MAINTAINER_TOOLS & set(instructor), "instructors get no test tools"
    assert "jupytext" in instructor and "jupytext" not in student
    assert set(student) < set(instructor) < set(hub) < set(dev)
    assert "jupyterhub" in hub and "jupyterhub" not in instructor, "only the course server needs JupyterHub"
    assert not MAINTAINER_TOOLS & set(hub), "the course server gets no test tools"
    assert MAINTAINER_TOOLS <= set(dev)


def test_floors_are_late_2024_or_older(pyproject):
    floors = load_ci_envs().floors(pyproject)
    for name, newest_allowed in LATE_2024.items():
        floor = Version(floors[name])
        assert floor.release[:2] <= Version(newest_allowed).release[:2], (
            f"{name}>={floor}: the floor must stay at {newest_allowed} or older "
            "(students with a year-old environment must be able to install)")


def test_floors_come_from_every_extra():
    envs = load_ci_envs()
    pyproject = {"project": {"dependencies": ["numpy>=2.1", "tqdm>=4.66,<5"],
                             "optional-dependencies": {"a": ["mlp_lib[b]", "ipympl>=0.9.2"],
                                                       "b": ["numpy>=2.1"]}}}
    floors = envs.floors(pyproject)
    assert floors == {"numpy": "2.1", "tqdm": "4.66", "ipympl": "0.9.2"}
    assert envs.constraints_text(floors) == "ipympl==0.9.2\nnumpy==2.1\ntqdm==4.66\n"
    with pytest.raises(ValueError, match="lower bound"):
        envs.floors({"project": {"dependencies": ["numpy"]}})
    with pytest.raises(ValueError, match="two floors"):
        envs.floors({"project": {"dependencies": ["numpy>=2.1"],
                                 "optional-dependencies": {"a": ["numpy>=2.2"]}}})


def test_version_has_one_home(pyproject):
    assert "version" not in pyproject["project"]
    assert "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "mlp_lib.__version__"}
    try:
        assert version("mlp_lib") == mlp_lib.__version__, "installed metadata is stale: reinstall"
    except PackageNotFoundError:
        pytest.skip("mlp_lib is not installed here (only importable from the source tree)")


def test_changelog_names_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[?([^\]\s]+)\]?", text, flags=re.M)
    assert headings, "CHANGELOG.md has no '## <version>' headings"
    released = [h for h in headings if h.lower() != "unreleased"]
    assert released[0] == mlp_lib.__version__, (
        f"the newest release in CHANGELOG.md is {released[0]}, mlp_lib.__version__ is {mlp_lib.__version__}")


def test_licenses():
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Permission is hereby granted, free of charge" in mit
    cc = (ROOT / "LICENSE-CC-BY-4.0.txt").read_text(encoding="utf-8")
    assert cc.startswith("Creative Commons Attribution 4.0 International")
    assert "Section 8 – Interpretation." in cc
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "MIT" in readme and "CC BY 4.0" in readme


def test_contributing_has_its_sections():
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for heading in ("## Editing", "## Testing", "## Benchmarks", "## Naming guide"):
        assert heading in text, f"CONTRIBUTING.md has no {heading!r} section"


# --------------------------------------------------------------------------- environment.yml

def test_environment_matches_pyproject(pyproject, environment):
    assert environment["channels"] == ["conda-forge"]
    wanted = requirements(pyproject, CONDA_EXTRAS)
    conda, _ = conda_requirements(environment)

    assert conda.pop("python") == SpecifierSet(pyproject["project"]["requires-python"])
    conda.pop("pip", None)
    assert set(conda) == set(wanted), (
        f"only in pyproject: {sorted(set(wanted) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(wanted))}"
    )
    for name, spec in wanted.items():
        assert conda[name] == spec, f"{name}: pyproject {spec} vs environment.yml {conda[name]}"


def test_environment_installs_the_package_with_its_lab_setting(environment):
    _, pip = conda_requirements(environment)
    # A regular install: setuptools' editable installs leave out the data files, and with
    # them the JupyterLab setting the lectures need.
    assert pip == ["."]


# --------------------------------------------------------------------------- lab setting

def test_lab_setting_ships_in_the_package(pyproject):
    tasks = load_tasks()
    data_files = pyproject["tool"]["setuptools"]["data-files"]
    target = "share/jupyter/lab/settings/overrides.d"
    assert data_files == {target: ["jupyter-config/lab/settings/overrides.d/mlp_lib.json"]}
    # tasks.py copies the same file to the same place for the editable .venv/.
    assert tasks.LAB_OVERRIDES == ROOT / data_files[target][0]
    assert tasks.LAB_OVERRIDES_DEST.as_posix() == f"{target}/mlp_lib.json"


def test_lab_overrides_disable_comms_over_subshells():
    settings = json.loads((ROOT / "jupyter-config/lab/settings/overrides.d/mlp_lib.json").read_text())
    assert settings["@jupyterlab/apputils-extension:kernels-settings"]["commsOverSubshells"] == "disabled"


def test_lab_overrides_match_installed_jupyterlab_schema():
    """The plugin id and setting exist in the installed JupyterLab's schemas."""
    schema = (Path(sys.prefix) / "share/jupyter/lab/schemas/@jupyterlab/apputils-extension"
              / "kernels-settings.json")
    if not schema.exists():
        pytest.skip("JupyterLab's schemas are not installed here, or it is older than 4.4 "
                    "(no comms over subshells, so nothing to turn off)")
    props = json.loads(schema.read_text())["properties"]
    values = {choice["const"] for choice in props["commsOverSubshells"]["oneOf"]}
    assert "disabled" in values


# --------------------------------------------------------------------------- tasks.py set-up

def test_stamp_makes_second_setup_a_no_op(tmp_path):
    tasks = load_tasks()
    pyproject = tmp_path / "pyproject.toml"
    overrides = tmp_path / "overrides.json"
    pyproject.write_text("[project]\nname = 'x'\n")
    overrides.write_text("{}")
    python = tmp_path / "python"
    stamp = tmp_path / "stamp"

    expected = tasks.compute_stamp(pyproject, overrides, version="3.11.7")
    assert not tasks.is_up_to_date(stamp, expected, python)  # nothing installed yet
    python.write_text("")
    stamp.write_text(tasks.stamp_text(expected, "dev"))
    assert tasks.is_up_to_date(stamp, expected, python)  # second run: no-op
    assert tasks.compute_stamp(pyproject, overrides, version="3.11.7") == expected

    assert tasks.compute_stamp(pyproject, overrides, version="3.12.1") != expected
    pyproject.write_text("[project]\nname = 'y'\n")
    assert not tasks.is_up_to_date(stamp, tasks.compute_stamp(pyproject, overrides, version="3.11.7"),
                                   python)
    pyproject.write_text("[project]\nname = 'x'\n")
    overrides.write_text('{"a": 1}')
    assert tasks.compute_stamp(pyproject, overrides, version="3.11.7") != expected

    stamp.write_text(expected + "\n")  # a stamp of set-up version 1: no extra recorded
    assert not tasks.is_up_to_date(stamp, expected, python)
    stamp.write_text(tasks.stamp_text(expected, "dev"))
    python.unlink()
    assert not tasks.is_up_to_date(stamp, expected, python)  # venv deleted


def test_stamp_knows_which_extra_contains_which(tmp_path):
    tasks = load_tasks()
    python = tmp_path / "python"
    python.write_text("")
    stamp = tmp_path / "stamp"
    stamp.write_text(tasks.stamp_text("h", "student"))
    assert tasks.is_up_to_date(stamp, "h", python, "student")
    assert not tasks.is_up_to_date(stamp, "h", python, "instructor")
    assert not tasks.is_up_to_date(stamp, "h", python, "dev")
    stamp.write_text(tasks.stamp_text("h", "dev"))
    assert all(tasks.is_up_to_date(stamp, "h", python, extra) for extra in tasks.EXTRAS)


def test_ensure_env_installs_what_each_command_needs(tmp_path, monkeypatch, capsys):
    """ensure_env() with the real repo files: lab installs the student extra, test the dev
    extra on top, and a call that finds its extra (or a bigger one) runs no command."""
    tasks = load_tasks()
    venv = tmp_path / "venv"
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append([str(c) for c in cmd])
        if "venv" in calls[-1]:  # python -m venv: make the interpreter appear
            python = tasks.venv_exe("python", venv)
            python.parent.mkdir(parents=True)
            python.write_text("")
            (venv / "pyvenv.cfg").write_text(f"version = {tasks.python_version()}\n")

    monkeypatch.setattr(tasks, "run", fake_run)
    old_copy = venv / tasks.OLD_LAB_OVERRIDES_DEST
    old_copy.parent.mkdir(parents=True)
    old_copy.write_bytes(tasks.LAB_OVERRIDES.read_bytes())  # what set-up version 1 left

    tasks.ensure_env(venv, extra="student")
    assert any("venv" in c for c in calls)
    assert [c[-3:] for c in calls if "install" in c] == [["install", "-e", ".[student]"]]
    assert (venv / tasks.LAB_OVERRIDES_DEST).read_bytes() == tasks.LAB_OVERRIDES.read_bytes()
    assert not old_copy.exists(), "the old overrides.json copy would shadow overrides.d"

    calls.clear()
    capsys.readouterr()
    tasks.ensure_env(venv, extra="student")
    assert calls == []
    assert "up to date" in capsys.readouterr().out

    tasks.ensure_env(venv, extra="dev")
    assert [c[-3:] for c in calls] == [["install", "-e", ".[dev]"]], "dev goes on top, no new venv"
    calls.clear()
    tasks.ensure_env(venv, extra="student")
    tasks.ensure_env(venv)
    assert calls == []

    monkeypatch.setattr(tasks, "compute_stamp", lambda: "pyproject.toml changed")
    tasks.ensure_env(venv, extra="student")
    assert [c[-3:] for c in calls] == [["install", "-e", ".[dev]"]], "a change must not shrink the venv"

    with pytest.raises(ValueError, match="extra must be one of"):
        tasks.ensure_env(venv, extra="teacher")


def test_lab_installs_only_the_student_extra(monkeypatch):
    tasks = load_tasks()
    asked = []
    monkeypatch.setattr(tasks, "ensure_env", lambda venv=None, extra="dev": asked.append(extra))
    monkeypatch.setattr(tasks.os, "execv", lambda *a: None)
    monkeypatch.setattr(tasks.os, "chdir", lambda *a: None)
    monkeypatch.setattr(tasks, "IS_WINDOWS", False)
    tasks.cmd_lab([])
    tasks.cmd_setup(["instructor"])
    assert asked == ["student", "instructor"]
    assert tasks.cmd_setup(["teacher"]) == 2


def test_lab_command_runs_lectures_and_allows_root():
    tasks = load_tasks()
    # A clone outside the home folder: the repository is served, the lectures opened.
    cmd = tasks.lab_command(["--port", "8899"], is_root=True, home=tasks.ROOT / "elsewhere")
    assert cmd[1] == "lab"
    assert "--LabApp.default_url=/lab/tree/lectures" in cmd
    assert f"--ServerApp.root_dir={tasks.ROOT}" in cmd
    assert "--allow-root" in cmd
    assert cmd[-2:] == ["--port", "8899"]
    assert "--allow-root" not in tasks.lab_command([], is_root=False)


def test_lab_serves_the_home_folder_that_holds_the_clone():
    """~/mlp-intro/ (where students' assignments are fetched) and the lectures, in one JupyterLab."""
    tasks = load_tasks()
    home = tasks.ROOT.parents[1]
    cmd = tasks.lab_command([], is_root=False, home=home)
    inside = tasks.ROOT.relative_to(home).as_posix()
    assert f"--ServerApp.root_dir={home}" in cmd
    assert f"--LabApp.default_url=/lab/tree/{inside}/lectures" in cmd


def test_no_tests_collected_is_a_failure(monkeypatch, capsys):
    tasks = load_tasks()
    monkeypatch.setattr(tasks.subprocess, "call", lambda *a, **k: 5)
    assert tasks.run_pytest(Path("python"), []) != 0
    assert "no tests" in capsys.readouterr().err


# --------------------------------------------------------------------------- CI

def test_ci_runs_the_tests_lint_and_the_other_environments():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    code = [line.split("#")[0] for line in script.splitlines()]
    assert script.startswith("#!/usr/bin/env bash")
    assert any("set -euo pipefail" in line for line in code)
    assert any(re.search(r"MLP_REQUIRE_BROWSER=1\s+python3 tasks\.py test\b", line) for line in code)
    assert "python3 tasks.py test" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert any(re.search(r"ruff check\b", line) for line in code)
    for env in ("lowest", "wheel"):
        assert any(re.search(rf"\.ci/envs\.py {env}\b", line) for line in code), f".ci/run does not check {env}"
