"""SafeCollect: a link planted in the exchange's inbound/ never pulls instructor files into submitted/."""
import logging
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assignments"))
from course_grading import SafeCollect  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink") or os.name == "nt", reason="needs POSIX symlinks")


@pytest.fixture
def collector(tmp_path):
    return SafeCollect(coursedir=CourseDirectory(root=str(tmp_path / "course")), log=logging.getLogger("collect"))


def test_links_inside_a_submission_are_left_out(tmp_path, collector, caplog):
    secret = tmp_path / "course" / "source" / "a1" / "a1.ipynb"
    secret.parent.mkdir(parents=True)
    secret.write_text("SOLUTION AND HIDDEN TESTS")
    (tmp_path / "course" / "gradebook.db").write_text("GRADES")
    submission = tmp_path / "inbound" / "eve+a1+2026-01-01 00:00:00.000000 UTC+abc"
    (submission / "data").mkdir(parents=True)
    (submission / "a1.ipynb").symlink_to(secret)
    (submission / "data" / "grades.txt").symlink_to(tmp_path / "course" / "gradebook.db")
    (submission / "data" / "notes.txt").write_text("my own file")
    (submission / "more").symlink_to(secret.parent, target_is_directory=True)
    dest = tmp_path / "course" / "submitted" / "eve" / "a1"
    with caplog.at_level(logging.ERROR, logger="collect"):
        collector.do_copy(str(submission), str(dest))
    copied = {str(p.relative_to(dest)) for p in dest.rglob("*")}
    assert copied == {"data", "data/notes.txt"}
    assert not any(p.is_symlink() for p in dest.rglob("*"))
    assert "SOLUTION" not in "".join(p.read_text() for p in dest.rglob("*") if p.is_file())
    assert caplog.text.count("Not collecting the symbolic link") == 3


def test_a_submission_that_is_a_link_is_not_collected(tmp_path, collector, caplog):
    target = tmp_path / "course" / "source" / "a1"
    target.mkdir(parents=True)
    (target / "a1.ipynb").write_text("SOLUTION")
    link = tmp_path / "inbound" / "eve+a1+2026-01-01 00:00:00.000000 UTC+abc"
    link.parent.mkdir()
    link.symlink_to(target, target_is_directory=True)
    dest = tmp_path / "course" / "submitted" / "eve" / "a1"
    with caplog.at_level(logging.ERROR, logger="collect"):
        collector.do_copy(str(link), str(dest))
    assert not dest.exists()
    assert "is a symbolic link" in caplog.text


def test_the_course_config_installs_it():
    from traitlets.config import Config

    import course_grading

    c = Config()
    course_grading.configure(c)
    assert c.ExchangeFactory.collect is SafeCollect
