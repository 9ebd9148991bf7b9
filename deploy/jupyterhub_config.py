"""JupyterHub configuration of the course server: one machine, real Unix accounts, nbgrader.

Started by ``python3 tasks.py hub`` (``deploy/hub.py``), which first sets up everything named
here; README.md "Course server" explains it for instructors. Who is who:

* **Students** and **instructors** log in with their Unix account (PAM) and each get their own
  JupyterLab, started as that account by JupyterHub's local process spawner, from the course
  environment (``<prefix>/env``: this package with its ``hub`` extra). Who may log in: the
  members of two Unix groups, ``mlp-students`` and ``mlp-instructors``.
* **The course** (nbgrader's course folder, gradebook, submissions) belongs to one more account,
  ``grader-mlp-intro``, whose JupyterLab runs as a hub *service* named after the course,
  ``mlp-intro``: its page is nbgrader's formgrader, ``/services/mlp-intro/formgrader``, and
  ``/services/mlp-intro/lab`` is its JupyterLab (terminal, course files). Only instructors may
  open it (JupyterHub role ``mlp-intro-instructors``).
* **The exchange**, ``/srv/nbgrader/exchange``, is where releases, submissions and feedback
  pass; nbgrader sets its permissions (README "What students can see").

The formgrader is opened as a page of its own, not inside JupyterLab: JupyterHub 4.1 and later
forbid framing any server's pages (``Content-Security-Policy: frame-ancestors 'none'``), so
JupyterLab's *Nbgrader > Formgrader* panel would stay blank. That protection stays on (allowing
frames from the same origin would let a student's page frame the instructors' formgrader); the
panel is switched off in the course's JupyterLab, and the service opens at the formgrader.

Settings come from the environment (``tasks.py hub`` passes them on; defaults in brackets):
``MLP_HUB_IP`` [all interfaces], ``MLP_HUB_PORT`` [8000], ``MLP_HUB_PREFIX`` [/opt/mlp-course],
``MLP_HUB_STATE`` [/srv/jupyterhub], ``MLP_EXCHANGE_ROOT`` [/srv/nbgrader/exchange],
``MLP_HUB_COURSE_USER`` [grader-mlp-intro], ``MLP_HUB_STUDENTS`` [mlp-students],
``MLP_HUB_INSTRUCTORS`` [mlp-instructors], ``MLP_HUB_AUTH`` [pam; or shared-password with
``MLP_HUB_PASSWORD``, for a trial or a test], ``MLP_HUB_ADMINS`` [none], ``MLP_HUB_CULL_IDLE``
[3600 s], ``MLP_HUB_SSL_CERT``/``MLP_HUB_SSL_KEY`` [none: put HTTPS in front],
``MLP_HUB_SERVER_ARGS`` [none: more options for every user's JupyterLab], and the internal
ports ``MLP_HUB_API_PORT`` [8081], ``MLP_HUB_PROXY_API_PORT`` [8001], ``MLP_HUB_COURSE_PORT`` [9999].
"""
import grp
import os
import pwd
import stat
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

HERE = Path(__file__).resolve().parent
COURSE_ID = "mlp-intro"


def setting(name, default):
    return os.environ.get(f"MLP_HUB_{name}") or default


PREFIX = Path(setting("PREFIX", "/opt/mlp-course"))
ENV = PREFIX / "env"
STATE = Path(setting("STATE", "/srv/jupyterhub"))
EXCHANGE = os.environ.get("MLP_EXCHANGE_ROOT") or "/srv/nbgrader/exchange"
COURSE_USER = setting("COURSE_USER", f"grader-{COURSE_ID}")
STUDENTS = setting("STUDENTS", "mlp-students")
INSTRUCTORS = setting("INSTRUCTORS", "mlp-instructors")


def group_members(name):
    """Login names in the Unix group ``name`` (members listed in it, and those for whom it is
    the primary group); empty if there is no such group."""
    try:
        group = grp.getgrnam(name)
    except KeyError:
        return set()
    return set(group.gr_mem) | {p.pw_name for p in pwd.getpwall() if p.pw_gid == group.gr_gid}


def in_course(username):
    """May ``username`` log in: a Unix account in the students' or the instructors' group."""
    try:
        pwd.getpwnam(username)
    except KeyError:
        return False
    return username in group_members(STUDENTS) | group_members(INSTRUCTORS)


# --------------------------------------------------------------------------- the hub itself

c.JupyterHub.bind_url = f"http://{setting('IP', '')}:{setting('PORT', '8000')}"
if setting("SSL_CERT", ""):
    c.JupyterHub.ssl_cert = setting("SSL_CERT", "")
    c.JupyterHub.ssl_key = setting("SSL_KEY", "")
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{setting('API_PORT', '8081')}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{setting('PROXY_API_PORT', '8001')}"
# the proxy from the npm registry, installed by `tasks.py hub` (npm ci in deploy/)
c.ConfigurableHTTPProxy.command = [str(HERE / "node_modules" / ".bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")

# --------------------------------------------------------------------------- who logs in

if setting("AUTH", "pam") == "shared-password":
    # One password for every account of the two groups: for trying the server out and for
    # tests. Anyone with it can log in as anyone: never for a real course.
    from jupyterhub.authenticators.shared import SharedPasswordAuthenticator

    class CourseSharedPasswordAuthenticator(SharedPasswordAuthenticator):
        """The shared password, for the course's Unix accounts only."""

        def check_allowed(self, username, authentication=None):
            return in_course(username)

    c.JupyterHub.authenticator_class = CourseSharedPasswordAuthenticator
    c.SharedPasswordAuthenticator.user_password = os.environ.get("MLP_HUB_PASSWORD")
else:
    # Unix passwords (or whatever PAM is set up for: LDAP, Kerberos, ...). For an LMS (LTI)
    # or university single sign-on (OAuth/OIDC), see README "Course server".
    c.JupyterHub.authenticator_class = "pam"
    c.PAMAuthenticator.allowed_groups = {STUDENTS, INSTRUCTORS}
c.Authenticator.admin_users = set(filter(None, setting("ADMINS", "").split(",")))

# --------------------------------------------------------------------------- each user's server

c.JupyterHub.spawner_class = "localprocess"
common_env = {
    "MLP_EXCHANGE_ROOT": EXCHANGE,
    # the course environment first: terminals find python, nbgrader, mlp-check
    "PATH": os.pathsep.join([str(ENV / "bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
    # many users share the cores; the teaching networks are faster on one BLAS thread anyway
    "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
}
c.Spawner.environment = {**common_env, "JUPYTER_CONFIG_PATH": str(PREFIX / "etc" / "jupyter-students")}
c.Spawner.env_keep = ["LANG", "LC_ALL", "TZ"]
# copies new lectures into ~/lectures/, then starts jupyterhub-singleuser (deploy/singleuser.py)
c.Spawner.cmd = [str(ENV / "bin" / "python"), str(PREFIX / "singleuser.py")]
c.Spawner.args = setting("SERVER_ARGS", "").split()  # more options for every user's server
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/lectures"
c.Spawner.http_timeout = 120  # a first start on a busy server can take a while
c.Spawner.start_timeout = 120


def keep_home_private(spawner):
    """Before a server starts: the user's home folder must not be readable by others."""
    home = pwd.getpwnam(spawner.user.name).pw_dir
    mode = os.stat(home).st_mode
    if mode & 0o077:
        os.chmod(home, stat.S_IMODE(mode) & 0o700)
        spawner.log.warning("made %s private (it was %o): other users could read it", home, stat.S_IMODE(mode))


c.Spawner.pre_spawn_hook = keep_home_private

# --------------------------------------------------------------------------- the course service

course_home = Path(pwd.getpwnam(COURSE_USER).pw_dir) if COURSE_USER in {p.pw_name for p in pwd.getpwall()} \
    else Path("/home") / COURSE_USER
course_clone = course_home / "mlp-course"
c.JupyterHub.services = [
    {
        "name": COURSE_ID,  # nbgrader: the service of a course is named after its course id
        "url": f"http://127.0.0.1:{setting('COURSE_PORT', '9999')}",
        "user": COURSE_USER,
        "cwd": str(course_clone / "assignments"),  # the formgrader reads nbgrader_config.py here
        "command": [str(ENV / "bin" / "jupyterhub-singleuser"),
                    f"--ServerApp.root_dir={course_clone}",
                    "--ServerApp.default_url=/formgrader"],
        "environment": {**common_env, "JUPYTER_CONFIG_PATH": str(PREFIX / "etc" / "jupyter-course")},
        "oauth_no_confirm": True,
        "display": True,
    },
    {
        "name": "idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                    f"--timeout={setting('CULL_IDLE', '3600')}"],
    },
]
c.JupyterHub.load_groups = {f"formgrade-{COURSE_ID}": {"users": sorted(group_members(INSTRUCTORS))}}
c.JupyterHub.load_roles = [
    {
        "name": f"{COURSE_ID}-instructors",
        "groups": [f"formgrade-{COURSE_ID}"],
        "scopes": [f"access:services!service={COURSE_ID}"],
    },
    {
        # stops servers idle for MLP_HUB_CULL_IDLE seconds: their memory goes back to the others
        "name": "idle-culler",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    },
]
