"""The students' side of nbgrader's exchange: feedback folders named without spaces or colons.

nbgrader's ``fetch_feedback`` puts a submission's feedback in
``~/mlp-intro/<assignment>/feedback/<submission time stamp>/``, a folder named like
``2026-11-30 18:04:51.123456 UTC``: hard to type in a terminal, and JupyterLab reads the part
before a colon as the name of a drive. These two classes name it ``2026-11-30_18-04-51_UTC``
instead (:func:`feedback_folder`); the Assignment List in JupyterLab, which asks ``list`` whether
feedback was fetched and where, then finds it there. Students' nbgrader configuration selects
them (the course server's provides it; README.md "For students: assignments" shows the lines)::

    c.ExchangeFactory.fetch_feedback = "mlp_lib.grading.exchange.ExchangeFetchFeedback"
    c.ExchangeFactory.list = "mlp_lib.grading.exchange.ExchangeList"

nbgrader is imported only when nbgrader loads this module (it is installed with the ``student``
extra, not with the library alone).
"""
from __future__ import annotations

import hashlib
import os
import re

from nbgrader.exchange.default import ExchangeFetchFeedback as _FetchFeedback
from nbgrader.exchange.default import ExchangeList as _List
from nbgrader.utils import notebook_hash, parse_utc

__all__ = ["feedback_folder", "ExchangeFetchFeedback", "ExchangeList"]


def feedback_folder(timestamp: str) -> str:
    """The folder name for the feedback of a submission made at ``timestamp``.

    ``"2026-11-30 18:04:51.123456 UTC"`` (nbgrader's time stamp, in any time zone) becomes
    ``"2026-11-30_18-04-51_UTC"``: the time in UTC to the second. A time stamp nbgrader cannot
    read keeps its text, with every run of characters other than letters, digits, ``.`` and
    ``-`` replaced by ``_``.
    """
    if not isinstance(timestamp, str) or not timestamp.strip():
        raise ValueError(f"timestamp must be a non-empty string (nbgrader's submission time stamp), "
                         f"got {timestamp!r}")
    try:
        moment = parse_utc(timestamp)
    except (ValueError, OverflowError):
        return re.sub(r"[^\w.-]+", "_", timestamp.strip())
    return moment.strftime("%Y-%m-%d_%H-%M-%S_UTC")


class ExchangeFetchFeedback(_FetchFeedback):
    """``nbgrader fetch_feedback``, into ``feedback/<feedback_folder(time stamp)>/``."""

    def do_copy(self, src, dest):
        self.feedback_files = [(notebook_id, feedback_folder(timestamp), path)
                               for notebook_id, timestamp, path in self.feedback_files]
        super().do_copy(src, dest)


def _checksum(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.md5(fh.read()).hexdigest()


class ExchangeList(_List):
    """``nbgrader list`` (and the Assignment List), looking for fetched feedback where
    :class:`ExchangeFetchFeedback` puts it.

    nbgrader's list looks in ``feedback/<time stamp>/``; after its own pass, each submission's
    "feedback fetched", "feedback updated" and the path the Assignment List opens are worked out
    again for ``feedback/<feedback_folder(time stamp)>/``. The time stamp shown stays nbgrader's.
    """

    def parse_assignments(self):
        assignments = super().parse_assignments()
        if self.inbound or self.cached:
            for assignment in assignments:
                for info in assignment["submissions"]:
                    if info.get("status") == "submitted":
                        self._find_local_feedback(info)
        return assignments

    def _find_local_feedback(self, info: dict) -> None:
        parts = [info["course_id"], info["assignment_id"]] if self.path_includes_course else [info["assignment_id"]]
        folder = os.path.abspath(os.path.join(self.assignment_dir, *parts, "feedback",
                                              feedback_folder(info["timestamp"])))
        secret_path = os.path.join(info["path"], "submission_secret.txt")
        secret = None
        if os.path.isfile(secret_path):
            with open(secret_path) as fh:
                secret = fh.read()
        for nb in info["notebooks"]:
            local = os.path.join(folder, f"{nb['notebook_id']}.html")
            nb["has_local_feedback"] = os.path.isfile(local)
            nb["local_feedback_path"] = local if nb["has_local_feedback"] else None
            nb["feedback_updated"] = False
            if nb["has_local_feedback"] and nb["has_exchange_feedback"] and secret is not None:
                released = os.path.join(self.root, info["course_id"], "feedback",
                                        f"{notebook_hash(secret=secret, notebook_id=nb['notebook_id'])}.html")
                nb["feedback_updated"] = os.path.isfile(released) and _checksum(released) != _checksum(local)
        if info["notebooks"]:
            info["has_local_feedback"] = all(nb["has_local_feedback"] for nb in info["notebooks"])
            info["feedback_updated"] = any(nb["feedback_updated"] for nb in info["notebooks"])
        info["local_feedback_path"] = folder if info.get("has_local_feedback") else None
