"""mlp_lib.grading.exchange: the students' feedback folders, named without spaces or colons.

The round trip through nbgrader's exchange with these classes (fetch_feedback, then ``nbgrader
list`` finding the fetched feedback) runs in tests/test_exchange.py, as real users; in JupyterLab's
Assignment List on the course server, in tests/browser/test_hub_browser.py.
"""
from __future__ import annotations

import pytest

pytest.importorskip("nbgrader")

from mlp_lib.grading.exchange import ExchangeFetchFeedback, ExchangeList, feedback_folder  # noqa: E402


def test_nbgraders_time_stamp_becomes_date_and_time_without_spaces_or_colons():
    assert feedback_folder("2026-11-30 18:04:51.123456 UTC") == "2026-11-30_18-04-51_UTC"


def test_a_time_stamp_in_another_time_zone_is_given_in_utc():
    # nbgrader writes its time stamps in c.Exchange.timezone (UTC unless configured)
    assert feedback_folder("2026-11-30 19:04:51.123456 CET") == "2026-11-30_18-04-51_UTC"
    assert feedback_folder("2026-12-01 01:04:51+07:00") == "2026-11-30_18-04-51_UTC"


def test_an_unreadable_time_stamp_keeps_its_text_without_spaces_or_colons():
    name = feedback_folder("week 3: late/extra")
    assert name == "week_3_late_extra"
    assert not set(" :/") & set(name)


@pytest.mark.parametrize("bad", ["", "   ", None, 20261130])
def test_a_missing_time_stamp_is_an_error_naming_it(bad):
    with pytest.raises(ValueError, match="timestamp must be a non-empty string"):
        feedback_folder(bad)


def test_the_classes_are_nbgraders_own_with_one_change():
    from nbgrader.exchange.default import ExchangeFetchFeedback as Stock
    from nbgrader.exchange.default import ExchangeList as StockList
    assert issubclass(ExchangeFetchFeedback, Stock) and issubclass(ExchangeList, StockList)
    assert ExchangeFetchFeedback.do_copy is not Stock.do_copy
    assert ExchangeList.parse_assignments is not StockList.parse_assignments


def test_fetch_feedback_copies_into_the_plain_folder(tmp_path):
    """do_copy, given what nbgrader found in the exchange, writes feedback/<plain name>/<nb>.html."""
    released = tmp_path / "exchange" / "abc123.html"
    released.parent.mkdir()
    released.write_text("<html>feedback</html>")
    fetch = ExchangeFetchFeedback()
    fetch.feedback_files = [("a1", "2026-11-30 18:04:51.123456 UTC", str(released))]
    fetch.do_copy(str(released.parent), str(tmp_path / "feedback"))
    copied = tmp_path / "feedback" / "2026-11-30_18-04-51_UTC" / "a1.html"
    assert copied.read_text() == "<html>feedback</html>"
    assert [p.name for p in (tmp_path / "feedback").iterdir()] == ["2026-11-30_18-04-51_UTC"]
