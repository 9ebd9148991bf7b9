"""course_routes: renamed LMS downloads are read as the notebook they copy; release_feedback
releases exchange submissions and names (without failing) those collected from an LMS zip."""
import logging
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "assignments"))
from course_routes import LmsFileNames, ReleaseFeedback, original_name  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402
from traitlets.config import Configurable  # noqa: E402

A1 = "a1_activations_and_perceptron"
REGEXP = r".*/(?P<student_id>[^/]+?)_(?P<file_id>a\d+_[^/]+\.ipynb)$"  # as in nbgrader_config.py


@pytest.mark.parametrize("stem", [A1, f"{A1} (1)", f"{A1}(2)", f"{A1} - Copy", f"{A1} - Copy (3)",
                                  f"{A1} copy", f"{A1} copy 2", f"{A1}-Copy1", f"{A1}-2", f"{A1} (1) (1)"])
def test_browser_and_file_manager_copies_are_recognised(stem):
    assert original_name(stem, {A1, "a2_backpropagation"}) == A1


@pytest.mark.parametrize("stem", [f"{A1}_final", f"{A1} v2", "a1", f"my {A1}", f"{A1}.ipynb"])
def test_other_names_are_not_guessed(stem):
    assert original_name(stem, {A1}) is None


@pytest.fixture
def collector(tmp_path):
    release = tmp_path / "release" / A1
    release.mkdir(parents=True)
    (release / f"{A1}.ipynb").write_text("{}")
    app = Configurable()  # stands for ZipCollectApp, which passes itself as the parent
    app.coursedir = CourseDirectory(root=str(tmp_path), assignment_id=A1)
    return LmsFileNames(parent=app, named_regexp=REGEXP, log=logging.getLogger("zip"))


def test_a_renamed_download_is_collected_under_its_real_name(collector, caplog):
    with caplog.at_level(logging.WARNING, logger="zip"):
        info = collector.collect(f"/x/extracted/s777_{A1} (1).ipynb")
    assert info["student_id"] == "s777" and info["file_id"] == f"{A1}.ipynb"
    assert f"Collecting s777_{A1} (1).ipynb as s777's {A1}.ipynb (a renamed download)" in caplog.text


def test_an_unreadable_name_is_an_error_naming_the_file_and_the_fix(collector, caplog):
    with caplog.at_level(logging.ERROR, logger="zip"):
        assert collector.collect(f"/x/extracted/s777_{A1}_final.ipynb") is None
        assert collector.collect("/x/extracted/homework.ipynb") is None
    assert f"Not collected: s777_{A1}_final.ipynb (student s777)" in caplog.text
    assert f"the file should be named <student_id>_{A1}.ipynb" in caplog.text
    assert "Not collected: homework.ipynb" in caplog.text
    assert len(collector.skipped) == 2


def test_two_copies_of_one_students_notebook_are_named(collector, caplog):
    collector.collect(f"/x/extracted/s1_{A1}.ipynb")
    with caplog.at_level(logging.ERROR, logger="zip"):
        collector.collect(f"/x/extracted/s1_{A1} (1).ipynb")
    assert f"Student s1 has two notebooks {A1}.ipynb in the download" in caplog.text


def test_release_feedback_skips_lms_submissions_and_releases_the_others(tmp_path, caplog):
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    for student, secret in (("s101", None), ("alice", "secret-a"), ("s102", None)):
        folder = course / "feedback" / student / A1
        folder.mkdir(parents=True)
        (folder / f"{A1}.html").write_text(f"feedback of {student}")
        if secret:  # came through the exchange: nbgrader's submit wrote a secret
            (folder / "submission_secret.txt").write_text(secret)
            (folder / "timestamp.txt").write_text("2026-01-01 00:00:00.000000 UTC")
    exchange.mkdir()
    coursedir = CourseDirectory(root=str(course), assignment_id=A1, course_id="mlp-intro")
    releaser = ReleaseFeedback(coursedir=coursedir, root=str(exchange), log=logging.getLogger("rf"))
    with caplog.at_level(logging.INFO, logger="rf"):
        releaser.start()
    released = list((exchange / "mlp-intro" / "feedback").glob("*.html"))
    assert [p.read_text() for p in released] == ["feedback of alice"]
    for student in ("s101", "s102"):
        assert f"Not released: {student}'s {A1} was collected from an LMS zip" in caplog.text
    assert "Feedback released through the exchange: 1; collected from an LMS zip (not released): 2" in caplog.text


def test_the_course_config_installs_them():
    from traitlets.config import Config

    import course_routes

    c = Config()
    course_routes.configure(c)
    assert c.ZipCollectApp.collector_plugin is LmsFileNames
    assert c.ExchangeFactory.release_feedback is ReleaseFeedback
