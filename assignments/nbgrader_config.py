"""nbgrader configuration of the course "mlp-intro".

nbgrader reads this file when it runs in this folder (``cd assignments && nbgrader ...``, or
``python assignments/course.py ...`` from the repository root). Every path is relative to this
file, so a copy of the folder is a complete, separate course. The gradebook (gradebook.db) and
the generated folders (release/, submitted/, autograded/, feedback/, exchange/) are not committed.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import course_grading  # noqa: E402  (this folder's course_grading.py)
import course_routes  # noqa: E402  (LMS zip and exchange in one course)
import feedback_html  # noqa: E402  (the feedback HTML: offline maths, parts by name)

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "mlp-intro"
c.CourseDirectory.root = HERE
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")

# Each source notebook source/<name>/<name>.ipynb is built from its text source <name>.md
# (jupytext MyST, with the solutions and hidden tests): never copy .md files into a release.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.md"]

# Exchange (release / fetch / submit / collect / feedback; README "Exchange"). By default a
# folder of this course, made by the first release_assignment; on a shared server set
# MLP_EXCHANGE_ROOT to a folder everyone can write to, e.g. /srv/nbgrader/exchange (mode 1777).
c.Exchange.root = os.environ.get("MLP_EXCHANGE_ROOT", os.path.join(HERE, "exchange"))
c.Exchange.path_includes_course = True

# zip_collect (submissions downloaded from an LMS as a zip; `course.py zip_collect NAME ZIP`
# puts it in downloaded/<assignment>/archive/): each notebook in the zip is named
# <student_id>_<notebook>.ipynb, possibly inside folders, e.g.
# s1234567_a1_activations_and_perceptron.ipynb. Adapt the expression to your LMS's file names.
# Renamed downloads ("... (1).ipynb", "... - Copy.ipynb") are read by course_routes.LmsFileNames.
c.FileNameCollectorPlugin.named_regexp = r".*/(?P<student_id>[^/]+?)_(?P<file_id>a\d+_[^/]+\.ipynb)$"

# Execution of student code (autograde). A cell running longer than the timeout is interrupted
# and gets no points; the other cells still run.
c.Execute.timeout = 20  # seconds per cell
c.Execute.interrupt_on_timeout = True
c.RecoveringExecute.max_kernel_restarts = 5

# The execution step is the Execute preprocessor in c.Autograde.autograde_preprocessors
# (nbgrader's default list). A sandbox replaces it with its own Execute subclass HERE, before
# course_grading.configure(c), which then adds kernel-death recovery around that class.

# --- Safe autograding (sandbox.py; README "Safe autograding") ------------------------------
# Student code runs in a bubblewrap sandbox: it sees only its own files and the installed
# software, with memory/process limits. Without a usable sandbox the kernels refuse to start,
# unless MLP_UNSAFE_NO_SANDBOX=1 (set by `course.py autograde --unsafe-no-sandbox`).
import sandbox  # noqa: E402  (this folder's sandbox.py)

sandbox.configure(c)
# --- end of safe autograding ---------------------------------------------------------------

# Both routes in one course: zip_collect reads renamed downloads; release_feedback releases the
# exchange's submissions and names those from an LMS zip (course_routes.py). Feedback HTML that
# works offline, with each part named (feedback_html.py).
course_routes.configure(c)
feedback_html.configure(c)

# Our safeguards, last: restore deleted/edited test cells before grading, recover from dead or
# unresponsive kernels, and keep hidden tests out of the feedback (see course_grading.py).
course_grading.configure(c)
