"""Two routes for submissions in one course: an LMS zip and nbgrader's exchange.

Registered in ``nbgrader_config.py`` by :func:`configure`; used by ``course.py zip_collect`` and
``course.py nbgrader release_feedback`` (and the plain ``nbgrader`` commands in this folder).

* :class:`LmsFileNames` (``zip_collect``): reads ``<student_id>_<notebook>.ipynb`` as nbgrader's
  FileNameCollectorPlugin does, and also the names browsers and file managers give a second
  copy of a download (``a1 (1).ipynb``, ``a1 - Copy.ipynb``, ``a1 copy 2.ipynb``,
  ``a1-Copy1.ipynb``, ``a1-2.ipynb``). A name it cannot read is an error naming the file and the
  fix, never a notebook collected under a wrong name (which nbgrader then grades 0).
* :class:`ReleaseFeedback` (``release_feedback``): releases the feedback of every submission that
  came through the exchange and lists, without failing, the ones collected from an LMS zip:
  those have no submission secret (stock nbgrader crashes on the first one and releases nothing
  to anyone). Their feedback goes back through the LMS.
"""
from __future__ import annotations

import glob
import os
import re
import shutil

from nbgrader.exchange.default import ExchangeReleaseFeedback
from nbgrader.plugins import FileNameCollectorPlugin
from nbgrader.utils import notebook_hash

__all__ = ["LmsFileNames", "ReleaseFeedback", "configure", "original_name"]

# What a second download or a copy of "<name>.ipynb" is called: "<name> (1)" (Chrome, Firefox,
# Edge), "<name> - Copy", "<name> - Copy (2)" (Windows), "<name> copy", "<name> copy 2" (macOS),
# "<name>-Copy1" (JupyterLab's Duplicate), "<name>-1" / "<name> 2" (Safari, some LMSs).
_COPY_SUFFIX = re.compile(r"(?:\s*\(\d+\)|\s*-\s*copy(?:\s*\(\d+\))?|\s+copy(?:\s*\d+)?|-copy\d*|[-\s]\d+)$",
                          re.IGNORECASE)


def original_name(stem: str, known: set[str]) -> str | None:
    """The notebook name in ``known`` that ``stem`` is a renamed copy of (``stem`` itself if known).

    >>> original_name("a1 (1)", {"a1"})
    'a1'
    >>> original_name("a1_final", {"a1"}) is None
    True
    """
    while True:
        if stem in known:
            return stem
        shorter = _COPY_SUFFIX.sub("", stem).rstrip()
        if shorter == stem:
            return None
        stem = shorter


class LmsFileNames(FileNameCollectorPlugin):
    """nbgrader's file-name collector for ``zip_collect``, tolerant of renamed downloads."""

    def _released(self) -> set[str]:
        coursedir = self.parent.coursedir
        folder = coursedir.format_path(coursedir.release_directory, ".", coursedir.assignment_id)
        return {os.path.splitext(os.path.basename(p))[0] for p in glob.glob(os.path.join(folder, "*.ipynb"))}

    def collect(self, submitted_file: str) -> dict | None:
        if not hasattr(self, "_seen"):
            self._seen, self.skipped, self.renamed = {}, [], []
        if os.path.splitext(submitted_file)[1] not in self.valid_ext:
            return None
        name = os.path.basename(submitted_file)
        info = self._match(submitted_file)
        released = self._released()
        expected = ", ".join(f"<student_id>_{n}.ipynb" for n in sorted(released)) or "(nothing released)"
        if not info:
            self.log.error("Not collected: %s. Its name should be %s (the pattern is "
                           "c.FileNameCollectorPlugin.named_regexp in nbgrader_config.py); rename "
                           "it and run zip_collect again.", name, expected)
            self.skipped.append(submitted_file)
            return None
        stem = os.path.splitext(info["file_id"])[0]
        original = original_name(stem, released)
        if original is None:
            self.log.error("Not collected: %s (student %s). %r is not a notebook of this "
                           "assignment: the file should be named %s; rename it and run "
                           "zip_collect again.", name, info["student_id"], stem + ".ipynb", expected)
            self.skipped.append(submitted_file)
            return None
        if original != stem:
            self.log.warning("Collecting %s as %s's %s.ipynb (a renamed download)",
                             name, info["student_id"], original)
            self.renamed.append((submitted_file, info["student_id"], original))
        key = (info["student_id"], original)
        if key in self._seen:
            self.log.error("Student %s has two notebooks %s.ipynb in the download: %s and %s. "
                           "Keep the one to grade (delete the other from the zip) and run "
                           "zip_collect again.", key[0], original,
                           os.path.basename(self._seen[key]), name)
        self._seen[key] = submitted_file
        info["file_id"] = original + ".ipynb"
        return info


class ReleaseFeedback(ExchangeReleaseFeedback):
    """``release_feedback`` that skips submissions collected from an LMS (they have no secret)."""

    def copy_files(self):
        coursedir = self.coursedir
        excluded = set(coursedir.student_id_exclude.split(",")) if coursedir.student_id_exclude else set()
        regexp = re.escape(os.path.sep).join([
            coursedir.format_path(coursedir.feedback_directory, "(?P<student_id>.*)",
                                  coursedir.assignment_id, escape=True),
            "(?P<notebook_id>.*).html"])
        released, from_lms = 0, 0
        for html_file in sorted(glob.glob(os.path.join(self.src_path, "*.html"))):
            match = re.match(regexp, html_file)
            if match is None:
                self.log.error("Could not match '%s' with regexp '%s'", html_file, regexp)
                continue
            student_id, notebook_id = match.group("student_id"), match.group("notebook_id")
            if student_id in excluded:
                continue
            secret_file = os.path.join(os.path.dirname(html_file), "submission_secret.txt")
            if not os.path.exists(secret_file):
                from_lms += 1
                self.log.info("Not released: %s's %s was collected from an LMS zip, not through "
                              "the exchange; return %s through the LMS", student_id,
                              coursedir.assignment_id, os.path.relpath(html_file, coursedir.root))
                continue
            with open(secret_file) as fh:
                checksum = notebook_hash(secret=fh.read(), notebook_id=notebook_id)
            self.log.info("Releasing feedback for student '%s' on assignment '%s/%s/%s'", student_id,
                          coursedir.course_id, coursedir.assignment_id, notebook_id)
            tmp = os.path.join(self.dest_path, f"{checksum}-tmp.html")
            shutil.copy(html_file, tmp)
            os.replace(tmp, os.path.join(self.dest_path, f"{checksum}.html"))  # atomic, as nbgrader does
            released += 1
        self.log.info("Feedback released through the exchange: %d; collected from an LMS zip "
                      "(not released): %d", released, from_lms)


def configure(c) -> None:
    """Install :class:`LmsFileNames` and :class:`ReleaseFeedback` in the nbgrader config ``c``."""
    c.ZipCollectApp.collector_plugin = LmsFileNames
    c.ExchangeFactory.release_feedback = ReleaseFeedback
