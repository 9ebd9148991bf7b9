"""nbgrader settings of every server the course server starts (students', instructors', the course's).

Installed by ``python3 tasks.py hub`` into the course environment's ``etc/jupyter/``, where nbgrader
reads it for every user: nobody needs a ``~/.jupyter/nbgrader_config.py`` of their own. The same
settings a student writes there by hand on another machine (README.md, "For students: assignments").
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "mlp-intro"
# the hub sets MLP_EXCHANGE_ROOT for every server it starts (deploy/jupyterhub_config.py)
c.Exchange.root = os.environ.get("MLP_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True  # work goes to ~/mlp-intro/<assignment>/
# feedback goes to ~/mlp-intro/<assignment>/feedback/2026-11-30_18-04-51_UTC/ (no spaces or colons)
c.ExchangeFactory.fetch_feedback = "mlp_lib.grading.exchange.ExchangeFetchFeedback"
c.ExchangeFactory.list = "mlp_lib.grading.exchange.ExchangeList"
