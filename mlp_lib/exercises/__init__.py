r"""Lecture exercises: the student's answer checked at once, in the assignments' message style.

An exercise in a lecture is three cells:

1. the student's cell, where ``...`` marks each value (or function body) to write::

       xavier = ...   # the Xavier σ of a layer with 64 inputs

2. a check cell (slide type *skip*) that calls the lecture's checker::

       exercises.check_layer_sigmas(xavier, glorot, he)

3. the reference solution (slide type *skip*, tag ``solution``, input collapsed until the
   student expands it), which ends with ``exercises.check_layer_sigmas.reference(xavier, glorot, he)``.

Running the check cell prints one line and never raises, so a wrong answer does not stop
*Run All* in the middle of a lecture:

* ``Exercise 6.2 (σ for a layer): not answered yet — replace the ... in the cell above ...``
* ``✗ Exercise 6.2: not yet — xavier is wrong: got 0.0156, expected 0.125 ...: the lecture's Xavier: σ² = 1/n_in``
* ``✓ Exercise 6.2: correct. mlp_lib.init.xavier(), glorot() and he() draw exactly these.``

The messages are those of :mod:`mlp_lib.checks` (``check_array``), as in the assignments.
Unattempted answers are told apart from wrong ones: an argument that is ``...`` (Ellipsis), or a
function whose body is only ``...``, is "not answered yet". In CI (nbval) the student's cell stays
untouched, so the check cell prints the "not answered" line (a checked output) and the solution
cell's ``reference(...)`` proves that the reference answer passes (it raises if not).

A checker is a function decorated with :func:`exercise`; its body calls the checks of
:mod:`mlp_lib.checks`. Each lecture's checkers live in the module of the same name as its
widgets (``mlp_lib.exercises.backprop`` for lecture 03), with its quizzes (``quiz_*``, built on :class:`.quiz.Quiz`).
"""
from __future__ import annotations

import dis
import functools
import inspect
import types
from dataclasses import dataclass

__all__ = ["exercise", "Exercise", "Outcome", "is_unanswered"]

_STUB_OPS = {"RESUME", "NOP", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST", "POP_TOP", "CACHE"}


def _is_stub(function):
    """True when the function's body does nothing but return None or ``...``."""
    for ins in dis.get_instructions(function.__code__):
        if ins.opname not in _STUB_OPS:
            return False
        if ins.opname in ("LOAD_CONST", "RETURN_CONST") and ins.argval not in (None, Ellipsis):
            return False
    return True


def is_unanswered(value):
    """True for a value the student has not written yet: ``...``, or a function whose body is
    only ``...`` (or ``pass``, or a docstring)."""
    if value is Ellipsis:
        return True
    return isinstance(value, types.FunctionType) and _is_stub(value)


@dataclass(frozen=True)
class Outcome:
    """The result of checking an answer: ``status`` is "correct", "wrong" or "unanswered"."""

    status: str
    message: str

    @property
    def correct(self):
        return self.status == "correct"


class Exercise:
    """A lecture exercise: ``number`` ("6.1"), a short ``title`` and a ``test`` function.

    ``test(*answers)`` raises ``AssertionError`` with a message that names the mistake (use the
    checks of :mod:`mlp_lib.checks`) and returns None, or a remark, when the answers are right.
    Call the exercise with the student's answers to print the verdict; :meth:`evaluate` returns
    it as an :class:`Outcome`; :meth:`reference` is for the solution cell.
    """

    def __init__(self, number, title, test):
        if not callable(test):
            raise TypeError(f"test must be a function, got {type(test).__name__}")
        self.number, self.title, self.test = str(number), str(title), test
        self.names = list(inspect.signature(test).parameters)
        functools.update_wrapper(self, test)

    def evaluate(self, *answers, **named):
        """Check the answers; return an :class:`Outcome` (never raises for a wrong answer)."""
        try:
            bound = inspect.signature(self.test).bind(*answers, **named)
        except TypeError as exc:
            raise TypeError(f"exercise {self.number} takes ({', '.join(self.names)}): {exc}") from None
        missing = [name for name, value in bound.arguments.items() if is_unanswered(value)]
        if missing:
            what = "the ..." if len(missing) == len(self.names) else "the ... of " + ", ".join(missing)
            return Outcome("unanswered", f"Exercise {self.number} ({self.title}): not answered yet — "
                                         f"replace {what} in the cell above, run it, then run this cell again.")
        try:
            remark = self.test(*bound.args, **bound.kwargs)
        except AssertionError as exc:
            return Outcome("wrong", f"✗ Exercise {self.number}: not yet — {exc}")
        except Exception as exc:  # the student's function raised: say so instead of a traceback
            return Outcome("wrong", f"✗ Exercise {self.number}: not yet — your code raised "
                                    f"{type(exc).__name__}: {exc}")
        return Outcome("correct", f"✓ Exercise {self.number}: correct." + (f" {remark}" if remark else ""))

    def __call__(self, *answers, **named):
        """Print the verdict on the student's answers (one line; nothing is returned)."""
        print(self.evaluate(*answers, **named).message)

    def reference(self, *answers, **named):
        """For the solution cell: print that the reference answer passes, or raise
        ``AssertionError`` with the reason (so a broken reference fails the notebook run)."""
        outcome = self.evaluate(*answers, **named)
        if not outcome.correct:
            raise AssertionError(f"the reference solution of exercise {self.number} fails its check: "
                                 f"{outcome.message}")
        print(f"✓ Exercise {self.number}: the solution (collapsed above: click its ⋯ to show it) passes the check.")

    def __repr__(self):
        return f"Exercise({self.number!r}, {self.title!r})"


def exercise(number, title):
    """Decorator: turn ``test(*answers)`` into an :class:`Exercise` with this number and title."""
    return lambda test: Exercise(number, title, test)
