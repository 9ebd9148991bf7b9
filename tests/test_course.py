"""course.py's own checks: the class list, where grades may be written, readable durations."""
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assignments"))
import course  # noqa: E402


def write(tmp_path, text, name="class.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_class_list_with_a_header_is_read(tmp_path):
    path = write(tmp_path, "\ufeffid, first_name,last_name,email\ns1,Ada,Lovelace,ada@x.org\n\ns2,Alan,,\n")
    assert course.read_class_list(path) == [
        {"id": "s1", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@x.org"},
        {"id": "s2", "first_name": "Alan", "last_name": None, "email": None}]


@pytest.mark.parametrize("text, message", [
    ("s1,Ada,Lovelace,ada@x.org\ns2,Alan,Turing,alan@x.org\n",
     "the first line must name the columns, e.g. id,first_name,last_name,email"),
    ("id,name\ns1,Ada\n", "unknown column(s) name in the header"),
    ("id,email\ns1,a@x.org\ns1,b@x.org\n", "line 3: the id s1 is already on line 2"),
    ("id,email\n,a@x.org\n", "line 2: no id"),
    ("id,email\ns 1,a@x.org\n", "line 2: the id 's 1' contains a space"),
    ("id,email\ns1\n", "line 2: 1 values for 2 columns"),
    ("id,email\n", "names no student"),
    ("", "is empty"),
])
def test_a_bad_class_list_is_refused_with_the_reason(tmp_path, text, message):
    with pytest.raises(ValueError, match="class.csv") as error:
        course.read_class_list(write(tmp_path, text))
    assert message in str(error.value)


def test_students_command_exits_1_and_imports_nobody_on_a_bad_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(course, "gradebook", lambda: pytest.fail("the gradebook must not be opened"))
    monkeypatch.setattr(course, "_setup_logging", lambda quiet=False: None)  # leave pytest's logging alone
    path = write(tmp_path, "s1,Ada,Lovelace,ada@x.org\n")
    assert course.main(["students", str(path)]) == 1
    assert "the first line must name the columns" in capsys.readouterr().err


def test_nbgraders_own_import_is_checked_the_same_way(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(course, "nbgrader", lambda *a: pytest.fail("nbgrader must not run"))
    monkeypatch.setattr(course, "_setup_logging", lambda quiet=False: None)
    path = write(tmp_path, "s1,Ada,Lovelace,ada@x.org\n")
    assert course.main(["nbgrader", "db", "student", "import", str(path)]) == 1
    assert "the first line must name the columns" in capsys.readouterr().err


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.mark.skipif(subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
                    reason="git not installed")
def test_grades_are_not_written_where_git_would_commit_them(tmp_path):
    repo = tmp_path / "repo"
    (repo / "assignments").mkdir(parents=True)
    _git("init", "-q", cwd=repo)
    (repo / ".gitignore").write_text("assignments/grades.csv\n")
    assert "not ignored" in course.repository_problem(repo / "grades.csv")
    assert "not ignored" in course.repository_problem(repo / "new" / "folder" / "grades.csv")
    assert course.repository_problem(repo / "assignments" / "grades.csv") is None
    assert course.repository_problem(tmp_path / "grades.csv") is None  # outside any repository


def test_the_default_export_file_is_ignored_by_this_repository():
    assert course.repository_problem(course.COURSE / "grades.csv") is None


@pytest.mark.parametrize("seconds, text", [(0.4, "0 s"), (59, "59 s"), (61, "1 min 1 s"),
                                           (7500.7, "2 h 05 min"), (90000, "1 day 1 h"), (200000, "2 days 7 h")])
def test_durations_read_like_a_person_writes_them(seconds, text):
    assert course.duration(seconds) == text


def test_colour_codes_are_removed():
    assert course.plain("\x1b[31mNotImplementedError\x1b[39m: x") == "NotImplementedError: x"
