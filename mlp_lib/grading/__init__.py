"""How the assignments are graded, shared by the grader and the students' ``mlp-check``.

A test cell calls the checks of :mod:`mlp_lib.checks`. Each check gives the student a message at
once *and* records an observation: the raw values the student's code produced, as plain data.
The decision that counts is taken outside the student's kernel, from those values:

* :mod:`~mlp_lib.grading.record` — observations and their plain-data encoding (kernel side);
* :mod:`~mlp_lib.grading.kinds` — how each kind of observation is judged (pure functions of data,
  run by the checks in the kernel for the message and again by the judge);
* :mod:`~mlp_lib.grading.runtime` — loaded into the kernel before any student cell: collects each
  cell's observations, notes changes to numpy, builtins and the course's code, and sends the
  cell's record to the grader;
* :mod:`~mlp_lib.grading.judge` — decides a test cell from its record (and the reference
  solution's record of the same cell, when grading);
* :mod:`~mlp_lib.grading.cells` — test cells of an executed notebook: records out, verdicts in;
* :mod:`~mlp_lib.grading.check` — the ``mlp-check NOTEBOOK`` command;
* :mod:`~mlp_lib.grading.exchange` — the students' side of nbgrader's exchange (feedback folders
  named without spaces or colons).

The limits and rules below are the same for grading and for ``mlp-check``.
"""

#: Seconds a cell may run, when grading and in ``mlp-check`` (nbgrader's ``c.Execute.timeout``).
CELL_TIMEOUT = 20
