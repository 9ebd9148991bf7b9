"""nbgrader extensions for this course, registered in ``nbgrader_config.py``.

* :class:`RestoreCells` (autograde, sanitize step; replaces nbgrader's OverwriteCells): resets the
  nbgrader metadata of every known cell from the gradebook, restores edited test cells (as
  OverwriteCells does) and puts back *deleted* test cells so they are graded like the others
  (stock nbgrader leaves them "needs manual grade" with no score).
* :class:`RecoveringExecute` (autograde, execution step; replaces Execute, and
  :func:`with_recovery` adds it to any Execute subclass, e.g. a sandboxed one): the per-cell
  timeout of Execute, plus recovery when the kernel dies (``os._exit``, a crash) or ignores the
  interrupt after a timeout: the cell gets an error, a new kernel starts, the earlier non-test
  cells run again and grading carries on with the next cell.
* :class:`HideHiddenTests` (feedback): removes hidden test code from the test cells *and* from the
  tracebacks and outputs, keeping the error messages (nbgrader's ClearHiddenTests only edits the
  source, and stock feedback does not even run it; a failing assert's traceback prints the line).

* :class:`SafeCollect` (collect): copies submissions from the exchange without following
  symbolic links, so a link planted in ``inbound/`` cannot pull the solutions or the gradebook
  into ``submitted/``.

:func:`configure` installs all of them in an nbgrader config; ``nbgrader_config.py`` calls it.
"""
from __future__ import annotations

import copy
import os
import re
import shutil
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from traitlets import Bool, Integer, List, Unicode

from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.exchange.default import ExchangeCollect
from nbgrader.preprocessors import Execute, NbGraderPreprocessor, OverwriteCells

__all__ = ["RestoreCells", "RecoveringExecute", "with_recovery", "HideHiddenTests", "configure"]


# --------------------------------------------------------------------------- sanitize

class RestoreCells(OverwriteCells):
    """OverwriteCells that also resets cell metadata and re-inserts deleted grade cells in place."""

    add_missing_cells = Bool(True, help="Put deleted grade cells back (they are graded normally).").tag(config=True)

    def preprocess(self, nb, resources):
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            source_nb = gb.find_notebook(resources["nbgrader"]["notebook"], resources["nbgrader"]["assignment"])
            grades = {c.name: float(c.max_score) for c in source_nb.grade_cells}
            solutions = {c.name for c in source_nb.solution_cells}
            tasks = {c.name for c in source_nb.task_cells}
            self._expected = {c.name: {"grade": c.name in grades, "solution": c.name in solutions,
                                       "locked": bool(c.locked), "points": grades.get(c.name),
                                       "task": c.name in tasks}
                              for c in source_nb.source_cells}
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, cell_index):
        meta = cell.metadata.get("nbgrader", {})
        expected = self._expected.get(meta.get("grade_id"))
        if expected is not None:  # a student may have flipped grade/solution/locked/points
            for key in ("grade", "solution", "locked"):
                meta[key] = expected[key]
            meta["schema_version"] = 3
            if expected["points"] is not None:
                meta["points"] = expected["points"]
            else:
                meta.pop("points", None)
            if expected["task"]:
                meta["task"] = True
            else:
                meta.pop("task", None)
        return super().preprocess_cell(cell, resources, cell_index)

    def add_missing_grade_cells(self, nb, resources):
        """Insert each missing grade cell after the nearest earlier source cell still present.

        (nbgrader 0.9.6's version only looks at the cell just before it in the source and
        fails with a KeyError when that one is missing too or is not a grade/solution cell.)
        """
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        order = [c.name for c in source_nb.source_cells]
        source = {c.name: c for c in source_nb.source_cells}
        solutions = {c.name for c in source_nb.solution_cells}
        for grade_cell in source_nb.grade_cells:
            name = grade_cell.name
            present = {cell.metadata["nbgrader"].get("grade_id"): i for i, cell in enumerate(nb.cells)
                       if "nbgrader" in cell.metadata}
            if name in present:
                continue
            self.log.warning("Grade cell %s is missing from the submission; putting it back", name)
            new = self.missing_cell_transform(source[name], grade_cell.max_score, is_solution=name in solutions)
            new["id"] = re.sub(r"[^A-Za-z0-9_-]", "-", f"restored-{name}")[:64]
            at = order.index(name) if name in order else len(order)
            before = [present[n] + 1 for n in order[:at] if n in present]
            after = [present[n] for n in order[at + 1:] if n in present]
            nb.cells.insert(max(before) if before else min(after, default=len(nb.cells)), new)
        return nb, resources


# --------------------------------------------------------------------------- execute

def _error_output(ename, message):
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"])


class RecoveringExecute(Execute):
    """nbgrader's Execute, plus: a dead or unresponsive kernel costs one cell, not the notebook.

    With ``interrupt_on_timeout`` (nbgrader's default) a cell that runs past ``timeout`` is
    interrupted and gets a CellTimeoutError, and execution continues. Two cases would otherwise
    abort the whole notebook (nbgrader then records no grades for the submission):

    * the kernel dies (``os._exit``, a segfault, running out of memory);
    * the cell ignores the interrupt (e.g. a loop with a bare ``except:``).

    Then the cell gets an error output, the kernel is replaced by a fresh one, the code cells
    above that are not test cells run again (their outputs are discarded), and grading goes on.
    Use :func:`with_recovery` to add this to another Execute subclass (e.g. a sandboxed one).
    """

    max_kernel_restarts = Integer(5, help="Kernel restarts allowed per notebook.").tag(config=True)
    startup_retries = Integer(2, help="Attempts to start the first kernel again if it dies at start-up "
                                      "(e.g. a busy machine).").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        for attempt in range(self.startup_retries + 1):
            self._restarts, self._failed, self._started = 0, set(), False
            try:
                return super().preprocess(nb, resources, km)
            except Exception as error:  # noqa: BLE001 — only retried before any cell ran
                if self._started or attempt == self.startup_retries:
                    raise
                self.log.warning("The kernel did not start (%s); trying again", error)
                time.sleep(2.0 * (attempt + 1))

    def preprocess_cell(self, cell, resources, index):
        self._started = True
        if cell.cell_type != "code":
            return cell, resources
        if self._restarts > self.max_kernel_restarts:
            cell.outputs = [_error_output("NotRun", "not run: the kernel died too often in the cells above")]
            return cell, resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            message = ("the kernel died while running this cell (os._exit, a crash or running out of memory); "
                       "the cells above were run again in a new kernel and grading went on below")
            cell.outputs.append(_error_output("DeadKernelError", message))
        except CellTimeoutError:
            message = (f"this cell did not finish within {self.timeout} s and ignored the interrupt "
                       "(an infinite loop?); the cells above were run again in a new kernel and grading went on below")
            cell.outputs.append(_error_output("CellTimeoutError", message))
        self.log.warning("Cell %d: %s", index, message)
        self._failed.add(index)
        self._restart_kernel(index)
        return cell, self.resources

    def _restart_kernel(self, index):
        """Replace the kernel and re-run the code cells above ``index`` that set things up."""
        self._restarts += 1
        self._cleanup_kernel()
        if self._restarts > self.max_kernel_restarts:
            return
        for attempt in range(self.startup_retries + 1):
            try:
                self.km = self.create_kernel_manager()
                self.start_new_kernel()
                self.start_new_kernel_client()
                break
            except Exception as error:  # noqa: BLE001
                if self.km is not None:
                    self._cleanup_kernel()
                if attempt == self.startup_retries:
                    raise
                self.log.warning("The new kernel did not start (%s); trying again", error)
                time.sleep(2.0 * (attempt + 1))
        for i, earlier in enumerate(self.nb.cells[:index]):
            if earlier.cell_type != "code" or utils.is_grade(earlier) or i in self._failed:
                continue
            try:
                super().preprocess_cell(copy.deepcopy(earlier), self.resources, i)
            except (DeadKernelError, CellTimeoutError):
                self._failed.add(i)
                return self._restart_kernel(index)


def with_recovery(executor):
    """``executor`` (an Execute subclass) with :class:`RecoveringExecute`'s recovery added."""
    if issubclass(executor, RecoveringExecute):
        return executor
    if executor is Execute:
        return RecoveringExecute
    return type(f"Recovering{executor.__name__}", (RecoveringExecute, executor), {"__module__": __name__})


class SafeCollect(ExchangeCollect):
    """nbgrader's ``collect``, except that it never follows a symbolic link in a submission.

    Students can write into the exchange's ``inbound/`` folder directly, not only through
    ``nbgrader submit``. Stock ``collect`` copies a submission with ``shutil.copytree``, which
    follows links with the instructor's rights: a link to ``source/<a>/<a>.ipynb`` (the
    solution and hidden tests) or to ``gradebook.db`` would arrive in ``submitted/`` as a real
    file. Here links are left out (a submission that is itself a link is not collected at
    all) and each one is logged as an error naming the student's folder.
    """

    def do_copy(self, src, dest, log=None):
        if os.path.islink(src):
            self.log.error("Not collecting %s: the submission is a symbolic link", src)
            return
        nbgrader_ignore = utils.ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                                max_file_size=self.coursedir.max_file_size, log=self.log)

        def ignore(directory, names):
            skipped = set(nbgrader_ignore(directory, names))
            for name in names:
                if os.path.islink(os.path.join(directory, name)):
                    self.log.error("Not collecting the symbolic link %s", os.path.join(directory, name))
                    skipped.add(name)
            return skipped

        if self.get_size(src) > 1000 * self.coursedir.max_dir_size:
            raise RuntimeError(f"Directory size of {src} is too big")
        shutil.copytree(src, dest, ignore=ignore)
        if self.coursedir.groupshared:  # as nbgrader does: group members may write
            for dirname, _, _ in os.walk(dest):
                os.chmod(dirname, (os.stat(dirname).st_mode | 0o2770) & 0o2777)


def configure(c):
    """Install this module's preprocessors in the nbgrader config ``c`` (call it last).

    OverwriteCells becomes RestoreCells; whichever Execute class the autograde steps use (nbgrader's
    own, or a sandboxed subclass set earlier in the config) gets :func:`with_recovery`; feedback
    gets HideHiddenTests.
    """
    c.ExchangeFactory.collect = SafeCollect
    from nbgrader.converters import Autograde, GenerateFeedback
    from nbgrader.preprocessors import GetGrades
    from traitlets.utils.importstring import import_item

    def steps(name):
        configured = c.Autograde.get(name) if "Autograde" in c else None
        return [import_item(p) if isinstance(p, str) else p
                for p in (configured or Autograde.class_traits()[name].default())]

    c.Autograde.sanitize_preprocessors = [RestoreCells if p is OverwriteCells else p
                                          for p in steps("sanitize_preprocessors")]
    c.Autograde.autograde_preprocessors = [with_recovery(p) if isinstance(p, type) and issubclass(p, Execute) else p
                                           for p in steps("autograde_preprocessors")]
    feedback = c.GenerateFeedback.get("preprocessors") if "GenerateFeedback" in c else None
    feedback = list(feedback or GenerateFeedback.class_traits()["preprocessors"].default())
    if HideHiddenTests not in feedback:
        feedback.insert(feedback.index(GetGrades) + 1 if GetGrades in feedback else 0, HideHiddenTests)
    c.GenerateFeedback.preprocessors = feedback


# --------------------------------------------------------------------------- feedback

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CODE_LINE = re.compile(r"^\s*(?:-*>\s*)?\d+\s?(.*)$")


def _code_lines(frame):
    """The source lines IPython shows in one traceback frame (ANSI colours removed)."""
    lines = _ANSI.sub("", frame).split("\n")[1:]
    return {m.group(1).strip() for m in map(_CODE_LINE.match, lines) if m and m.group(1).strip()}


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback without hidden tests: cut them from the source, tracebacks and printed output.

    In a test cell with a hidden region, a traceback keeps its header, the frames of the
    student's own cells and the final ``Error: message`` line; the frames of the test cell
    itself (which would print hidden lines) and of library files are dropped. Any output line
    anywhere in the notebook that contains a hidden line is replaced.
    """

    begin = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end = Unicode("END HIDDEN TESTS").tag(config=True)
    min_length = Integer(12, help="Hidden lines shorter than this are not searched for in outputs.").tag(config=True)
    # Configurable (as in nbgrader's GetGrades), so the HTML exporter's setting of it is no warning.
    display_data_priority = List(Unicode(), ["text/html", "application/pdf", "text/latex", "image/svg+xml",
                                             "image/png", "image/jpeg", "text/plain"]).tag(config=True)

    def preprocess(self, nb, resources):
        secrets = set()
        for cell in nb.cells:
            if cell.cell_type == "code" and self.begin in cell.source:
                test_lines = {line.strip() for line in cell.source.split("\n") if line.strip()}
                cell.source, hidden = self._split(cell.source)
                secrets |= {line.strip() for line in hidden if len(line.strip()) >= self.min_length}
                for output in cell.outputs:
                    if output.output_type == "error":
                        output.traceback = self._clean_traceback(output.traceback, test_lines)
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                self._redact(output, secrets)
        return nb, resources

    def _split(self, source):
        kept, hidden, inside = [], [], False
        for line in source.split("\n"):
            if self.begin in line:
                inside = True
            elif self.end in line:
                inside = False
            elif inside:
                hidden.append(line)
            else:
                kept.append(line)
        return "\n".join(kept), hidden

    @staticmethod
    def _clean_traceback(traceback, test_lines):
        """Drop the frames of the test cell and of files; keep header, student frames, last line."""
        kept, dropped = [], False
        for entry in traceback[:-1]:
            text = _ANSI.sub("", entry).lstrip()
            is_cell = text.startswith("Cell In[")
            if (is_cell and _code_lines(entry) & test_lines) or text.startswith(("File ", "Input In [")):
                dropped = True
            else:
                kept.append(entry)
        note = ["(the test cell's code is not shown)"] if dropped else []
        return [*kept, *note, *traceback[-1:]]

    @staticmethod
    def _redact(output, secrets):
        if not secrets:
            return

        def clean(text):
            lines = text.split("\n")
            return "\n".join("[hidden test code removed]" if any(s in _ANSI.sub("", ln) for s in secrets) else ln
                             for ln in lines)

        if output.get("output_type") == "stream":
            output.text = clean(output.text)
        elif output.get("output_type") == "error":
            output.evalue = clean(output.evalue)
            output.traceback = [clean(t) for t in output.traceback]
        elif "data" in output:
            for mime, value in output.data.items():
                if mime.startswith("text/") and isinstance(value, str):
                    output.data[mime] = clean(value)
