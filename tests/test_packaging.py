"""Packaging checks: pyproject.toml and environment.yml agree, tasks.py set-up is
idempotent, and CI runs the README's test command."""
from __future__ import annotations

import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]

# PyPI name -> conda-forge name, where they differ (after normalising case and -_.).
PIP_TO_CONDA: dict[str, str] = {}
# Packages that environment.yml installs with pip (not on conda-forge, or only behind).
PIP_ONLY = {"playwright"}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def load_tasks():
    spec = importlib.util.spec_from_file_location("tasks", ROOT / "tasks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def pyproject_requirements(pyproject: dict) -> dict[str, SpecifierSet]:
    project = pyproject["project"]
    reqs = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    out = {}
    for text in reqs:
        req = Requirement(text)
        name = normalise(req.name)
        out[PIP_TO_CONDA.get(name, name)] = req.specifier
    return out


def conda_requirements(environment: dict) -> tuple[dict[str, SpecifierSet], dict[str, SpecifierSet]]:
    """(conda packages, pip packages) of environment.yml as name -> specifier set."""
    conda, pip = {}, {}
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            for text in entry["pip"]:
                if text.startswith("-"):
                    continue  # -e . and other options
                req = Requirement(text)
                pip[normalise(req.name)] = req.specifier
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)\s*(.*)", entry.strip())
        name, spec = match.groups()
        conda[normalise(name)] = SpecifierSet(spec.replace(" ", ""))
    return conda, pip


def test_pyproject_basics(pyproject):
    project = pyproject["project"]
    assert project["name"] == "mlp_lib"
    assert project["requires-python"] == ">=3.10"
    assert pyproject["tool"]["setuptools"]["packages"]["find"]["include"] == ["mlp_lib*"]
    every = pyproject_requirements(pyproject)
    for name, spec in every.items():
        assert any(s.operator == ">=" for s in spec), f"{name} has no lower bound"
    pytest_cfg = pyproject["tool"]["pytest"]["ini_options"]
    assert pytest_cfg["testpaths"] == ["tests", "lectures"]
    assert "--nbval-lax" in pytest_cfg["addopts"]
    markers = {m.split(":")[0] for m in pytest_cfg["markers"]}
    assert {"browser", "slow"} <= markers


def test_environment_matches_pyproject(pyproject, environment):
    assert environment["channels"] == ["conda-forge"]
    wanted = pyproject_requirements(pyproject)
    conda, pip = conda_requirements(environment)

    assert conda.pop("python") == SpecifierSet(pyproject["project"]["requires-python"])
    conda.pop("pip", None)
    assert set(pip) == PIP_ONLY
    assert not set(conda) & set(pip), "listed both for conda and for pip"

    got = {**conda, **pip}
    assert set(got) == set(wanted), (
        f"only in pyproject: {sorted(set(wanted) - set(got))}; "
        f"only in environment.yml: {sorted(set(got) - set(wanted))}"
    )
    for name, spec in wanted.items():
        assert got[name] == spec, f"{name}: pyproject {spec} vs environment.yml {got[name]}"


def test_environment_installs_the_package(environment):
    pip_sections = [e["pip"] for e in environment["dependencies"] if isinstance(e, dict)]
    assert pip_sections and "-e ." in pip_sections[0]


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
    stamp.write_text(expected + "\n")
    assert tasks.is_up_to_date(stamp, expected, python)  # second run: no-op
    assert tasks.compute_stamp(pyproject, overrides, version="3.11.7") == expected

    assert tasks.compute_stamp(pyproject, overrides, version="3.12.1") != expected
    pyproject.write_text("[project]\nname = 'y'\n")
    assert not tasks.is_up_to_date(stamp, tasks.compute_stamp(pyproject, overrides, version="3.11.7"),
                                   python)
    pyproject.write_text("[project]\nname = 'x'\n")
    overrides.write_text('{"a": 1}')
    assert tasks.compute_stamp(pyproject, overrides, version="3.11.7") != expected

    python.unlink()
    assert not tasks.is_up_to_date(stamp, expected, python)  # venv deleted


def test_ensure_env_installs_once(tmp_path, monkeypatch, capsys):
    """ensure_env() with the real repo files: the second call runs no command."""
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
    tasks.ensure_env(venv)
    assert any("venv" in c for c in calls)
    assert any(c[-3:] == ["install", "-e", ".[dev]"] for c in calls)
    assert (venv / tasks.LAB_OVERRIDES_DEST).read_bytes() == tasks.LAB_OVERRIDES.read_bytes()

    calls.clear()
    capsys.readouterr()
    tasks.ensure_env(venv)
    assert calls == []
    assert "up to date" in capsys.readouterr().out


def test_lab_overrides_disable_comms_over_subshells():
    import json

    settings = json.loads((ROOT / "jupyter-config/lab/settings/overrides.json").read_text())
    assert settings["@jupyterlab/apputils-extension:kernels-settings"]["commsOverSubshells"] == "disabled"


def test_lab_overrides_match_installed_jupyterlab_schema():
    """The plugin id and setting exist in the installed JupyterLab's schemas."""
    import json

    schema = (Path(sys.prefix) / "share/jupyter/lab/schemas/@jupyterlab/apputils-extension"
              / "kernels-settings.json")
    if not schema.exists():
        pytest.skip("JupyterLab's schemas are not installed in this environment")
    props = json.loads(schema.read_text())["properties"]
    values = {choice["const"] for choice in props["commsOverSubshells"]["oneOf"]}
    assert "disabled" in values


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


def test_ci_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    code = [line.split("#")[0] for line in script.splitlines()]
    assert script.startswith("#!/usr/bin/env bash")
    assert any("set -euo pipefail" in line for line in code)
    assert any(re.search(r"MLP_REQUIRE_BROWSER=1\s+python3 tasks\.py test\b", line) for line in code)
    assert "python3 tasks.py test" in (ROOT / "README.md").read_text(encoding="utf-8")
