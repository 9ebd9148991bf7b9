"""Sandboxed autograding: run each submission's code where it cannot reach the course.

``nbgrader autograde`` runs a submission's cells in a Jupyter kernel started with the
grader's own rights, in ``autograded/<student>/<assignment>/`` inside the course: student
code could rewrite ``gradebook.db`` or other students' notebooks, or read ``source/``
(solutions and hidden tests). This module keeps nbgrader as it is and changes only how the
kernel is started. :func:`configure` (called by ``nbgrader_config.py``) puts
:class:`SandboxExecuteMixin` in front of the Execute step of
``c.Autograde.autograde_preprocessors``, so its kernels come from
:class:`SandboxedKernelManager`, which launches them inside bubblewrap (``bwrap``):

* **Files**: the sandbox's file system starts empty. It shows the system folders
  (:data:`SYSTEM_PATHS`: ``/usr``, ``/etc``, ``/opt``...) and the Python installation (the
  venv, its base Python, editable installs such as ``mlp_lib/``), all read-only. The course,
  its git work tree, the gradebook's folder and home folders stay hidden even where they lie
  inside a shown folder. The kernel's working directory (the path nbgrader asks for) is a
  fresh, size-limited tmpfs holding a *copy* of the submission's own files: no notebook (the
  sanitized notebook there contains the hidden tests) and nothing the student had symlinked.
  ``/tmp`` and ``/dev/shm`` are private, size-limited tmpfs.
* **Channel to the grader**: ZMQ over ``ipc`` (Unix) sockets in a private folder bound into
  the sandbox, sealed read-only once the kernel has started. New PID, network, IPC and UTS
  namespaces: no network at all, not even the host's loopback; no view of the grader's
  processes (``/proc``, ``/proc/<ppid>/cwd``).
* **Identity and environment**: run as root (CI, a grading server), the kernel drops to
  a fresh unprivileged uid of its own (so per-uid process limits are per submission), without capabilities; as a normal user, bwrap puts it
  in a user namespace. An empty environment plus a short allow-list (no tokens, passwords).
* **Limits** (``prlimit``): address space per process (2 GiB: beyond it ``MemoryError``),
  processes + threads (256: then ``fork`` fails with "Resource temporarily unavailable"),
  file size, open files, no core dumps; the cell time limit stays nbgrader's
  ``c.Execute.timeout``. A cell that hits a limit gets a ``[autograder sandbox]`` line in its
  output (so in the feedback); processes it left running are stopped (frozen, then killed)
  so that the rest of the notebook is graded normally. ``--die-with-parent``: if the grader
  dies, the sandbox dies; when the kernel stops, the PID namespace and all its processes go.
* **Interrupts** at the time limit go over the kernel's control channel (a SIGINT to the
  launched process group would hit bwrap itself).

Scores are still computed by nbgrader in the grader's process from the outputs the kernel
sends back, and only that process can open the gradebook. Limits are configurable, e.g.
``c.SandboxedKernelManager.memory_limit = 4 * 1024**3``.

Requires Linux with ``bwrap`` (Debian/Ubuntu package ``bubblewrap``) and util-linux's
``prlimit`` (and ``setpriv`` when grading as root). :func:`sandbox_problem` says what is
missing, :func:`refuse_or_warn` is the grading command's check; see "Safe autograding" in
``assignments/README.md``.
"""
from __future__ import annotations

import ast
import functools
import itertools
import os
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
from fnmatch import fnmatch
from pathlib import Path
from typing import Any, Iterable

from jupyter_client.manager import AsyncKernelManager
from nbclient.util import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbformat.notebooknode import NotebookNode
from traitlets import Integer, List, Unicode

from nbgrader.preprocessors import Execute

GiB = 1024 ** 3
MiB = 1024 ** 2

#: System folders shown read-only to student code. Everything else on the machine is
#: absent from the sandbox, apart from the Python installation (:func:`software_paths`).
SYSTEM_PATHS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc",
                "/opt", "/nix/store", "/sys")

#: Environment variables passed through to the kernel when set for the grader
#: (nothing else is: the grader's environment may hold tokens and passwords).
ENV_ALLOWLIST = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "NBGRADER_EXECUTION",
                 "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                 "MPLBACKEND", "PYTHONHASHSEED")

SANDBOX_MESSAGE_TAG = "[autograder sandbox]"

#: Run in the kernel at start-up (IPKernelApp.exec_lines). When a cell runs out of memory,
#: the traceback would keep the cell's local variables (all that memory) alive, and every
#: later cell, the tests included, would fail too; this frees them before the traceback is
#: shown. (Memory the student keeps in global variables stays used: that is their choice.)
#: And a process forked by a cell that falls back into running the cell's kernel code is a
#: broken copy of the kernel (it cannot talk to the grader): it ends instead of formatting
#: tracebacks and spinning (a fork bomb's copies would otherwise starve the kernel of CPU).
#: Well-behaved children (multiprocessing, subprocess, fork-then-_exit) never get there.
#: Children the sandbox had to kill (SIGKILL, see SandboxedKernelManager.stop_strays) are
#: reaped before and after each cell: as zombies they would use up the process limit.
KERNEL_SETUP = """\
def _sandbox_free_memory(shell, etype, value, tb, tb_offset=None):
    import gc, traceback
    traceback.clear_frames(tb)
    gc.collect()
    try:
        return shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    except Exception:
        return [f"{etype.__name__}: {value}"]
get_ipython().set_custom_exc((MemoryError,), _sandbox_free_memory)
def _sandbox_after_fork(shell=get_ipython()):
    import os
    shell.showtraceback = lambda *args, **kwargs: os._exit(1)
    shell.events.register("post_run_cell", lambda *args: os._exit(0))
__import__("os").register_at_fork(after_in_child=_sandbox_after_fork)
def _sandbox_reap(*args, _os=__import__("os"), _signal=__import__("signal")):
    me = str(_os.getpid())
    for entry in _os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat") as f:
                state, ppid = f.read().rsplit(")", 1)[1].split()[:2]
            if state == "Z" and ppid == me:
                info = _os.waitid(_os.P_PID, int(entry), _os.WEXITED | _os.WNOHANG | _os.WNOWAIT)
                if info and info.si_code == _os.CLD_KILLED and info.si_status == _signal.SIGKILL:
                    _os.waitpid(int(entry), 0)
        except (OSError, ValueError):
            pass
get_ipython().events.register("pre_run_cell", _sandbox_reap)
get_ipython().events.register("post_run_cell", _sandbox_reap)
del _sandbox_free_memory, _sandbox_after_fork, _sandbox_reap
"""


_UID_BASE = 1_100_000  # far above the uids of accounts (/etc/login.defs allows up to 60000)
_uid_counter = itertools.count()


def _fresh_uid() -> int:
    """An unused unprivileged uid for one kernel: distinct per grader process and per kernel."""
    return _UID_BASE + (os.getpid() % 100_000) * 64 + next(_uid_counter) % 64


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


# --------------------------------------------------------------------------- availability

@functools.lru_cache(maxsize=None)
def sandbox_problem() -> str | None:
    """Why student code cannot be sandboxed on this machine, or ``None`` if it can.

    Checks the platform, the tools, and that bwrap really can create the namespaces
    (it may be installed but blocked, e.g. in an unprivileged container).
    """
    if not sys.platform.startswith("linux"):
        return (f"the autograding sandbox needs Linux with bubblewrap; this is {sys.platform}. "
                "Grade on a Linux machine (or in a Linux container/VM).")
    missing = [tool for tool in ("bwrap", "prlimit") + (("setpriv",) if _is_root() else ())
               if shutil.which(tool) is None]
    if missing:
        return (f"{', '.join(missing)} not found. Install it: on Debian/Ubuntu "
                "`sudo apt-get install bubblewrap util-linux`.")
    probe = [shutil.which("bwrap"), *_namespace_args(), "--ro-bind", "/", "/",
             "--dev", "/dev", "--proc", "/proc", "--", "true"]
    try:
        result = subprocess.run(probe, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap could not be started: {exc}"
    if result.returncode != 0:
        error = result.stderr.strip() or f"exit code {result.returncode}"
        return f"bwrap is installed but cannot create a sandbox here ({error}). {namespace_remedy(_is_root())}"
    return None


def _sysctl(name: str, proc_sys: str = "/proc/sys") -> str | None:
    """The value of sysctl ``name`` (e.g. ``kernel.unprivileged_userns_clone``), if it exists."""
    try:
        return Path(proc_sys, *name.split(".")).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _container(root: str = "/", environ: Any = None) -> str | None:
    """``"Kubernetes"``, ``"Docker"`` or ``"Podman"`` when this runs in such a container."""
    environ = os.environ if environ is None else environ
    if environ.get("KUBERNETES_SERVICE_HOST"):
        return "Kubernetes"
    if Path(root, ".dockerenv").exists():
        return "Docker"
    if Path(root, "run", ".containerenv").exists():
        return "Podman"
    return None


def namespace_remedy(is_root: bool, sysctl: Any = _sysctl, container: Any = _container) -> str:
    """Why bwrap may be refused its namespaces here, and the exact way to allow them.

    As root, bwrap needs the capability CAP_SYS_ADMIN (containers drop it); as a normal user,
    unprivileged user namespaces, which Ubuntu 23.10 and later block with AppArmor and some
    kernels switch off with a sysctl. See "Safe autograding" in assignments/README.md.
    """
    where = container()
    if where:
        options = ("docker run --cap-add SYS_ADMIN --security-opt seccomp=unconfined "
                   "--security-opt apparmor=unconfined ..." if where != "Kubernetes" else
                   "securityContext: {runAsUser: 0, capabilities: {add: [SYS_ADMIN]}, "
                   "seccompProfile: {type: Unconfined}, appArmorProfile: {type: Unconfined}}")
        return (f"This runs in a {where} container, whose default seccomp and AppArmor profiles "
                "forbid the namespaces and mounts the sandbox needs. Grade on the host or in a "
                f"VM, or grade as root in a container started with: {options} "
                "(see 'Safe autograding' in assignments/README.md).")
    if is_root:
        return ("As root, bwrap needs the capability CAP_SYS_ADMIN, which this process lacks "
                "(a restricted container or service?). Grade as root without that restriction, "
                "or as a normal user (see 'Safe autograding' in assignments/README.md).")
    if sysctl("kernel.apparmor_restrict_unprivileged_userns") == "1":
        return ("Ubuntu 23.10 and later block unprivileged user namespaces with AppArmor "
                "(kernel.apparmor_restrict_unprivileged_userns = 1). Allow them for bwrap alone "
                "with an AppArmor profile: `printf 'abi <abi/4.0>,\\ninclude <tunables/global>\\n"
                "profile bwrap /usr/bin/bwrap flags=(unconfined) {\\n  userns,\\n}\\n' | sudo tee "
                "/etc/apparmor.d/bwrap && sudo apparmor_parser -r /etc/apparmor.d/bwrap`. "
                "Or grade as root (sudo), which needs no user namespace.")
    if sysctl("kernel.unprivileged_userns_clone") == "0":
        return ("Unprivileged user namespaces are switched off (kernel.unprivileged_userns_clone "
                "= 0). Switch them on: `sudo sysctl -w kernel.unprivileged_userns_clone=1`, and "
                "`echo kernel.unprivileged_userns_clone=1 | sudo tee /etc/sysctl.d/50-bwrap.conf` "
                "to keep it after a reboot. Or grade as root (sudo).")
    if sysctl("user.max_user_namespaces") == "0":
        return ("User namespaces are switched off (user.max_user_namespaces = 0). Allow them: "
                "`sudo sysctl -w user.max_user_namespaces=15000`, and put "
                "`user.max_user_namespaces=15000` in /etc/sysctl.d/50-bwrap.conf to keep it. "
                "Or grade as root (sudo).")
    return ("Unprivileged user namespaces seem to be blocked here (see 'Safe autograding' in "
            "assignments/README.md for the usual causes). Or grade as root (sudo).")


@functools.lru_cache(maxsize=None)
def _bwrap_supports(option: str) -> bool:
    try:
        out = subprocess.run([shutil.which("bwrap") or "bwrap", "--help"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in out.stdout + out.stderr


def _namespace_args() -> list[str]:
    # Not --unshare-all: as root that would add a user namespace, and we drop to an
    # unprivileged uid with setpriv instead (a normal user gets a user namespace anyway).
    return ["--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent"]


# --------------------------------------------------------------------------- paths

def _real(path: str | os.PathLike) -> str:
    return os.path.realpath(os.path.abspath(path))


def _is_within(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _git_toplevel(path: str) -> str | None:
    """The folder holding ``.git`` at or above ``path`` (the repository of the course)."""
    current = Path(path)
    for candidate in (current, *current.parents):
        if (candidate / ".git").exists():
            return str(candidate)
    return None


def _editable_roots(site_dirs: Iterable[str]) -> list[str]:
    """Source folders of editable installs (setuptools ``__editable__*finder.py`` files)."""
    roots = []
    for site_dir in site_dirs:
        try:
            finders = sorted(Path(site_dir).glob("__editable__*finder.py"))
        except OSError:
            continue
        for finder in finders:
            try:
                tree = ast.parse(finder.read_text(encoding="utf-8"))
            except (OSError, SyntaxError, UnicodeDecodeError):
                continue
            for node in tree.body:
                target = getattr(node, "target", None) or (getattr(node, "targets", None) or [None])[0]
                if isinstance(target, ast.Name) and target.id == "MAPPING":
                    try:
                        mapping = ast.literal_eval(node.value)
                    except ValueError:
                        continue
                    roots.extend(str(v) for v in mapping.values())
    return roots


def software_paths() -> list[str]:
    """Installed software the kernel needs: Python prefixes and editable installs.

    Assumes the kernel runs this same interpreter (nbgrader's default ``python3`` kernel).
    """
    site_dirs = list(site.getsitepackages()) + [sysconfig.get_paths()["purelib"]]
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
             os.path.dirname(sys.executable), os.path.dirname(_real(sys.executable)),
             *site_dirs, *_editable_roots(site_dirs)]
    result = []
    for path in paths:
        if path and os.path.isdir(path):
            for p in dict.fromkeys((os.path.abspath(path), _real(path))):
                if p not in result:
                    result.append(p)
    return result


def _outermost(paths: Iterable[str]) -> list[str]:
    """Drop paths inside another path of the list; sort shallow first."""
    result: list[str] = []
    for path in sorted(set(paths), key=lambda p: (p.count("/"), p)):
        if not any(_is_within(path, kept) for kept in result):
            result.append(path)
    return result


# --------------------------------------------------------------------------- command line

def bwrap_command(kernel_cmd: list[str], *, cwd: str, stage_dir: str, ipc_dir: str,
                  readonly: Iterable[str], masked: Iterable[str], env: dict[str, str],
                  memory_limit: int, process_limit: int, file_size_limit: int,
                  open_files_limit: int, scratch_size: int, tmp_size: int,
                  uid: int | None) -> list[str]:
    """The full command that runs ``kernel_cmd`` sandboxed (see the module docstring).

    The sandbox's file system starts empty. It shows, read-only, the system folders
    (:data:`SYSTEM_PATHS`) and ``readonly`` (the Python installation); ``masked`` folders
    (the course, the gradebook's folder...) are covered by empty tmpfs even where they lie
    inside a shown folder. ``cwd`` becomes a fresh size-limited tmpfs filled with a copy of
    ``stage_dir``; ``ipc_dir`` (connection file, ZMQ sockets) is the only host folder the
    kernel may write to. ``uid`` (when the grader is root) is the unprivileged user that
    runs the kernel.
    """
    size = _bwrap_supports("--size")
    cmd = [shutil.which("bwrap") or "bwrap", *_namespace_args(), "--clearenv"]

    def tmpfs(path: str, mode: str, limit: int) -> list[str]:
        return ["--perms", mode, *(["--size", str(limit)] if size else []), "--tmpfs", path]

    system = [p for p in SYSTEM_PATHS if os.path.isdir(p) and not os.path.islink(p)]
    for path in SYSTEM_PATHS:
        if os.path.islink(path):             # e.g. /bin -> usr/bin on merged-/usr systems
            cmd += ["--symlink", os.readlink(path), path]
    cmd += ["--dev", "/dev", *tmpfs("/dev/shm", "1777", tmp_size), "--proc", "/proc",
            *tmpfs("/tmp", "1777", tmp_size)]
    software = [p for p in _outermost(readonly) if os.path.isdir(p)]
    masks = _outermost(p for p in masked if p != "/" and os.path.exists(p)
                       and any(_is_within(p, b) for b in system + software))
    # Software inside a system folder is visible already, unless a mask covers it.
    software = [p for p in software if not any(_is_within(p, b) for b in system)
                or any(_is_within(p, m) for m in masks)]
    shown = system + software
    made: set[str] = set()

    def parents(path: str) -> list[str]:
        # bwrap creates missing mount points as 0700 root; the sandbox user must be able
        # to walk through them, so create them first (0711: traversable, not listable).
        chain = []
        current = os.path.dirname(path)
        while current not in ("/", "/tmp"):
            visible = any(_is_within(current, b) for b in shown) and not any(
                _is_within(current, m) for m in masks)
            if not visible and current not in masks:
                chain.append(current)
            current = os.path.dirname(current)
        out: list[str] = []
        for directory in reversed(chain):
            if directory not in made:
                made.add(directory)
                out += ["--perms", "0711", "--dir", directory]
        return out

    # Mounts in order of depth, so that a mount inside another comes after it.
    ops = [(p, 0) for p in system] + [(p, 1) for p in masks] + [(p, 2) for p in software]
    for path, kind in sorted(ops, key=lambda op: (op[0].count("/"), op[1], op[0])):
        if kind == 0:
            cmd += ["--ro-bind", path, path]
        elif kind == 1 and os.path.isdir(path):
            cmd += parents(path) + tmpfs(path, "0755", 1 * MiB)   # made read-only below
        elif kind == 1:
            cmd += ["--ro-bind", "/dev/null", path]               # a file, e.g. a gradebook
        else:
            cmd += parents(path) + ["--ro-bind", path, path]
    cmd += parents(ipc_dir) + ["--bind", ipc_dir, ipc_dir]
    cmd += parents(stage_dir) + ["--ro-bind", stage_dir, stage_dir]
    cmd += parents(cwd) + tmpfs(cwd, "0777", scratch_size)
    for path in masks:
        if os.path.isdir(path):
            cmd += ["--remount-ro", path]
    cmd += ["--remount-ro", "/dev", "--remount-ro", "/"]
    for key, value in sorted(env.items()):
        cmd += ["--setenv", key, value]
    cmd += ["--chdir", cwd, "--"]
    if uid is not None:
        cmd += [shutil.which("setpriv") or "setpriv", f"--reuid={uid}", f"--regid={uid}",
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs",
                "--"]
    cmd += [shutil.which("prlimit") or "prlimit", f"--as={memory_limit}",
            f"--nproc={process_limit}", f"--fsize={file_size_limit}",
            f"--nofile={open_files_limit}", "--core=0", "--"]
    # Fill the scratch folder with the submission's files, as the sandbox user, then
    # become the kernel.
    cmd += ["/bin/sh", "-c", 'cp -R -- "$0"/. . && exec "$@"', stage_dir, *kernel_cmd]
    return cmd


def stage_submission(src: str, dest: str, *, skip: Iterable[str] = (),
                     ignore: Iterable[str] = ()) -> list[str]:
    """Copy the files the kernel may see from ``src`` (the kernel's cwd) to ``dest``.

    Leaves out notebooks (nbgrader's sanitized copy there holds the hidden tests),
    symlinks, ``ignore`` patterns and the relative paths in ``skip``. Returns the
    relative paths copied.
    """
    skip = set(skip)
    patterns = ["*.ipynb", *ignore]
    copied = []
    for dirpath, dirnames, filenames in os.walk(src):
        rel_dir = os.path.relpath(dirpath, src)
        dirnames[:] = [d for d in dirnames
                       if not os.path.islink(os.path.join(dirpath, d))
                       and not any(fnmatch(d, p) for p in patterns)]
        for name in filenames:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            path = os.path.join(dirpath, name)
            if (rel in skip or os.path.islink(path) or not os.path.isfile(path)
                    or any(fnmatch(name, p) for p in patterns)):
                continue
            target = os.path.join(dest, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(path, target)
            os.chmod(target, 0o644)
            copied.append(rel)
    for dirpath, _, _ in os.walk(dest):
        os.chmod(dirpath, 0o755)
    return copied


def symlinked_files(folder: str) -> list[str]:
    """Relative paths under ``folder`` that are symlinks or lie under a symlinked folder.

    nbgrader copies a submission's files by following symlinks, so a symlink in
    ``submitted/`` would carry the file it points to (the gradebook, ``source/``) into
    the kernel's folder; such files are left out of the sandbox.
    """
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                found.append(os.path.relpath(path, folder))
    return sorted(found)


# --------------------------------------------------------------------------- kernel manager

class SandboxedKernelManager(AsyncKernelManager):
    """Start the kernel inside bubblewrap, with resource limits (see module docstring)."""

    memory_limit = Integer(2 * GiB, help="Address-space limit per kernel process, in bytes "
                           "(RLIMIT_AS); allocations beyond it raise MemoryError.").tag(config=True)
    process_limit = Integer(256, help="Processes + threads the sandbox user may have "
                            "(RLIMIT_NPROC).").tag(config=True)
    file_size_limit = Integer(256 * MiB, help="Largest file the kernel may write, in bytes "
                              "(RLIMIT_FSIZE).").tag(config=True)
    open_files_limit = Integer(1024, help="Open file descriptors (RLIMIT_NOFILE).").tag(config=True)
    scratch_size = Integer(512 * MiB, help="Size of the tmpfs that holds the submission's "
                           "scratch copy (the kernel's working directory).").tag(config=True)
    tmp_size = Integer(256 * MiB, help="Size of the kernel's private /tmp.").tag(config=True)
    sandbox_uid = Integer(None, allow_none=True,
                          help="Unprivileged uid (and gid) that runs the kernel when the grader is "
                          "root. None (default): a fresh uid per kernel, from a range no account "
                          "uses, so the process limit (counted per uid) of one submission cannot "
                          "starve another graded at the same time.").tag(config=True)
    course_root = Unicode("", help="The course folder, hidden from the kernel. Set by "
                          "SandboxedExecute from nbgrader's CourseDirectory.root.").tag(config=True)
    hidden_paths = List(Unicode(), help="More files or folders to keep hidden from the "
                        "kernel even inside a folder it may read.").tag(config=True)
    readonly_paths = List(Unicode(), help="More folders the kernel may read (read-only), "
                          "besides the system folders and the Python installation."
                          ).tag(config=True)
    env_allowlist = List(Unicode(), list(ENV_ALLOWLIST), help="Environment variables copied "
                         "from the grader to the kernel.").tag(config=True)
    skip_files = List(Unicode(), help="Relative paths in the kernel's folder not to copy "
                      "into the sandbox (set by SandboxedExecute: symlinks in the "
                      "submission).").tag(config=True)
    ignore = List(Unicode(), [".ipynb_checkpoints", "__pycache__", "*.pyc"],
                  help="File name patterns not copied into the sandbox.").tag(config=True)

    _private: str | None = None
    _sealed = False
    _kernel_pid: int | None = None  # host pid of the kernel process, found by seal()
    strays_stopped = 0  # processes stopped since the last cell ended (see SandboxExecuteMixin)

    # -- paths ---------------------------------------------------------------------

    def sandbox_masked_paths(self, cwd: str) -> list[str]:
        """Folders kept hidden even if they lie inside a folder the kernel may read: the
        course (or, without one, the folder above the kernel's), the git work tree around
        it, the grader's home and :attr:`hidden_paths`."""
        root = _real(self.course_root) if self.course_root else os.path.dirname(_real(cwd))
        masked = [root, os.path.expanduser("~"), "/root", "/home"]
        top = _git_toplevel(root)
        if top:
            masked.append(top)
        masked += [_real(p) for p in self.hidden_paths]
        return [p for p in dict.fromkeys(masked) if p and p != "/"]

    def sandbox_readonly_paths(self) -> list[str]:
        """Software folders shown read-only; never one that holds or lies in the course."""
        sensitive = [_real(p) for p in [self.course_root, *self.hidden_paths] if p]
        keep = []
        for path in software_paths() + [_real(p) for p in self.readonly_paths]:
            clash = [s for s in sensitive if _is_within(s, path) or _is_within(path, s)]
            if clash:
                self.log.warning("sandbox: not showing %s to student code (overlaps %s)",
                                 path, ", ".join(clash))
                continue
            keep.append(path)
        return keep

    def sandbox_env(self) -> dict[str, str]:
        python_bin = os.path.dirname(sys.executable)
        env = {
            "PATH": f"{python_bin}:/usr/local/bin:/usr/bin:/bin",
            "HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            # The kernel's parent inside the PID namespace is bwrap, pid 1; this also
            # stops ipykernel printing its "Ctrl-C will not work" note.
            "JPY_PARENT_PID": "1",
        }
        for key in self.env_allowlist:
            if key in os.environ:
                env[key] = os.environ[key]
        spec = self.kernel_spec
        if spec is not None and spec.env:
            env.update(spec.env)
        return env

    # -- lifecycle -----------------------------------------------------------------

    def _sandbox_uid(self) -> int | None:
        if not _is_root():
            return None
        if self.sandbox_uid is not None:
            return self.sandbox_uid
        if getattr(self, "_fresh_uid", None) is None:
            self._fresh_uid = _fresh_uid()
        return self._fresh_uid

    def _remove_private(self) -> None:
        if self._private:
            shutil.rmtree(self._private, ignore_errors=True)
            self._private = None

    async def _async_pre_start_kernel(self, **kw: Any):
        problem = sandbox_problem()
        if problem:
            raise RuntimeError(f"cannot sandbox the kernel: {problem}")
        self._remove_private()
        # Under /tmp, which the sandbox always covers with its own tmpfs.
        self._private = tempfile.mkdtemp(prefix="nbgrader-sandbox-", dir="/tmp")
        ipc = os.path.join(self._private, "ipc")
        os.mkdir(ipc, 0o700)
        uid = self._sandbox_uid()
        if uid is not None:
            os.chown(ipc, uid, uid)
        # ZMQ over Unix sockets in a folder bound into the sandbox: no TCP needed,
        # so the kernel can live in an empty network namespace.
        self.transport = "ipc"
        self.ip = os.path.join(ipc, "kernel")
        self.connection_file = os.path.join(ipc, "kernel.json")
        if self.ipykernel:
            kw["extra_arguments"] = [*kw.get("extra_arguments", []),
                                     f"--IPKernelApp.exec_lines={KERNEL_SETUP}"]
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        assert self._private is not None
        cwd = _real(kw.get("cwd") or os.getcwd())
        stage = os.path.join(self._private, "stage")
        os.mkdir(stage, 0o755)
        copied = stage_submission(cwd, stage, skip=self.skip_files, ignore=self.ignore)
        self.log.debug("sandbox: %d file(s) copied for the kernel: %s", len(copied), copied)
        uid = self._sandbox_uid()
        if uid is not None:
            os.chown(self.connection_file, uid, uid)
        cmd = bwrap_command(
            kernel_cmd, cwd=cwd, stage_dir=stage, ipc_dir=os.path.dirname(self.connection_file),
            readonly=self.sandbox_readonly_paths(), masked=self.sandbox_masked_paths(cwd),
            env=self.sandbox_env(),
            memory_limit=self.memory_limit, process_limit=self.process_limit,
            file_size_limit=self.file_size_limit, open_files_limit=self.open_files_limit,
            scratch_size=self.scratch_size, tmp_size=self.tmp_size, uid=uid)
        self.log.debug("sandbox: %s", cmd)
        kw["cwd"] = self._private
        kw["env"] = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                     "LANG": "C.UTF-8"}
        # The kernel's own stdout/stderr (not the notebook's outputs, which travel over
        # ZMQ) go to a log file, not the grader's terminal; RLIMIT_FSIZE bounds it.
        with open(os.path.join(self._private, "kernel.log"), "wb") as log:
            kw["stdout"] = log
            kw["stderr"] = subprocess.STDOUT
            self._sealed, self._kernel_pid = False, None
            await super()._async_launch_kernel(cmd, **kw)

    def seal(self) -> None:
        """Once the kernel has bound its sockets, make the ipc folder read-only to it.

        Run as root, the folder goes back to root, so student code cannot write there;
        as a normal user (same uid inside the sandbox) it is only chmod-ed.
        """
        if not self._private or not self.connection_file:
            return
        ipc = os.path.dirname(self.connection_file)
        if _is_root():
            os.chown(self.connection_file, 0, 0)
            os.chown(ipc, 0, 0)
        os.chmod(ipc, 0o755)
        self._sealed = True
        # The kernel: the first process after bwrap's init (pid 1) in the sandbox.
        inside = {inner: pid for pid, inner in self.sandbox_processes().items() if inner > 1}
        self._kernel_pid = inside[min(inside)] if inside else None

    def sandbox_processes(self) -> dict[int, int]:
        """Processes in the sandbox's PID namespace: {host pid: pid inside the sandbox}.

        Inside, bwrap's init is pid 1 and the kernel the next one (setpriv, prlimit and sh
        all ``exec``); everything else was started by student code.
        """
        outer = getattr(self.provisioner, "pid", None)
        if not outer:
            return {}
        table = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/status", encoding="utf-8") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
                table[int(entry.name)] = (int(fields["PPid"]), fields.get("NSpid", "").split())
            except (OSError, ValueError, KeyError):
                continue
        inits = [pid for pid, (ppid, _) in table.items() if ppid == outer]
        if not inits:
            return {}
        try:
            namespace = os.readlink(f"/proc/{inits[0]}/ns/pid")
        except OSError:
            return {}
        found = {}
        for pid, (_, nspid) in table.items():
            try:
                if nspid and os.readlink(f"/proc/{pid}/ns/pid") == namespace:
                    found[pid] = int(nspid[-1])
            except OSError:
                continue
        return found

    def stop_strays(self) -> int:
        """Kill every process student code started in the sandbox; keep the kernel.

        Used after a cell hit the time or process limit: left-over processes (a fork
        bomb's children) would otherwise hold the process limit and starve the kernel.
        """
        # Freeze first (SIGSTOP), scanning again until nothing new turns up, so that a fork
        # bomb cannot replace its processes faster than they are killed; then kill.
        if not self._kernel_pid:
            return 0
        frozen: set[int] = set()
        for _ in range(100):
            new = {pid for pid, inner in self.sandbox_processes().items()
                   if inner > 1 and pid != self._kernel_pid and pid not in frozen}
            if not new:
                break
            for pid in new:
                try:
                    os.kill(pid, signal.SIGSTOP)
                except OSError:
                    pass
            frozen |= new
        for pid in frozen:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if frozen:
            self.log.warning("sandbox: stopped %d process(es) left by student code", len(frozen))
        return len(frozen)

    def kernel_log(self, limit: int = 4000) -> str:
        """The end of the sandboxed kernel's own stdout/stderr (start-up errors)."""
        if not self._private:
            return ""
        try:
            with open(os.path.join(self._private, "kernel.log"), "rb") as f:
                f.seek(0, os.SEEK_END)
                f.seek(max(0, f.tell() - limit))
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client would send SIGINT to the launched process group, which starts with
        # bwrap itself: bwrap would die and take the kernel with it. Ask the kernel on its
        # control channel instead (ipykernel then sends itself SIGINT).
        if not self.has_kernel:
            await super()._async_interrupt_kernel()
            return
        self.strays_stopped += self.stop_strays()
        msg = self.session.msg("interrupt_request", content={})
        self._connect_control_socket()
        self.session.send(self._control_socket, msg)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        if not self._sealed and self._private:
            self.log.error("sandbox: the kernel did not start. Its output:\n%s",
                           self.kernel_log())
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._remove_private()

    # AsyncKernelManager binds these public names to the base class's functions.
    pre_start_kernel = _async_pre_start_kernel
    interrupt_kernel = _async_interrupt_kernel
    cleanup_resources = _async_cleanup_resources


# --------------------------------------------------------------------------- preprocessor

def limit_messages(cell: NotebookNode, *, memory_limit: int, process_limit: int,
                   timeout: int | None) -> list[str]:
    """Plain explanations for the errors in ``cell`` that came from a sandbox limit."""
    messages = []
    for out in cell.get("outputs", []):
        if out.get("output_type") != "error":
            continue
        ename, evalue = out.get("ename", ""), str(out.get("evalue", ""))
        if "MemoryError" in ename:
            messages.append(f"This cell ran out of memory: a submission may use at most "
                            f"{memory_limit / GiB:.1f} GiB ({ename}).")
        elif ("Resource temporarily unavailable" in evalue or "[Errno 11]" in evalue) and \
                ename in ("BlockingIOError", "OSError", "RuntimeError"):
            messages.append(f"This cell hit the limit of {process_limit} processes and threads "
                            f"per submission ({ename}: {evalue}).")
        elif ename == "CellTimeoutError":
            limit = f"{timeout} s" if timeout else "the time limit"
            messages.append(f"This cell was stopped after {limit} (the per-cell time limit).")
    return list(dict.fromkeys(messages))


class SandboxExecuteMixin:
    """Put before an nbgrader ``Execute`` class: its kernels start in the sandbox.

    Use :func:`sandboxed` to combine it with a class, or :class:`SandboxedExecute`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)

    def _converter(self) -> Any:
        # Execute's parent is the exporter; the exporter's parent is nbgrader's converter.
        return getattr(getattr(self, "parent", None), "parent", None)

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        if not isinstance(km, SandboxedKernelManager):
            return km
        converter = self._converter()
        coursedir = getattr(converter, "coursedir", None)
        if coursedir is not None:
            if not km.course_root:
                km.course_root = os.path.abspath(coursedir.root)
            km.ignore = list(dict.fromkeys(list(km.ignore) + list(coursedir.ignore)))
            db_url = str(coursedir.db_url)
            if db_url.startswith("sqlite:///"):
                db_path = os.path.abspath(db_url[len("sqlite:///"):])
                # The gradebook may live outside the course: hide its folder too.
                km.hidden_paths = list(km.hidden_paths) + [os.path.dirname(db_path)]
            info = (self.resources or {}).get("nbgrader", {})
            student, assignment = info.get("student"), info.get("assignment")
            if student and assignment and hasattr(converter, "_format_source"):
                submitted = coursedir.format_path(coursedir.submitted_directory, student,
                                                  assignment)
                links = symlinked_files(submitted)
                if links:
                    self.log.warning("sandbox: %s/%s: symlinks in the submission are not "
                                     "given to student code: %s", student, assignment, links)
                km.skip_files = list(km.skip_files) + links
        return km

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None):
        self._refuse_symlinked_notebook(resources or {})
        return super().preprocess(nb, resources, km=km)

    def _refuse_symlinked_notebook(self, resources: Any) -> None:
        # nbgrader reads submitted/<student>/<assignment>/<notebook>.ipynb following
        # symlinks: a "submission" linking to source/ would be graded as the solution.
        converter = self._converter()
        coursedir = getattr(converter, "coursedir", None)
        info = resources.get("nbgrader", {})
        student, assignment, notebook = (info.get(k) for k in ("student", "assignment",
                                                               "notebook"))
        if coursedir is None or not (student and assignment and notebook):
            return
        folder = os.path.abspath(coursedir.format_path(coursedir.submitted_directory,
                                                       student, assignment))
        path = os.path.join(folder, f"{notebook}.ipynb")
        if os.path.islink(path) or not _is_within(_real(path), _real(folder)):
            raise RuntimeError(f"sandbox: {path} is a symlink; refusing to grade it "
                               "(it could point at source/ or another student's work).")

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        if isinstance(self.km, SandboxedKernelManager):
            self.km.seal()
        return kc

    # NotebookClient binds the sync name to the base class's coroutine function.
    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int):
        # A fork bomb: the kernel reports "Resource temporarily unavailable" while its copies
        # keep forking and starve it. Stop them now rather than after the cell's reply.
        km = self.km
        if (msg.get("msg_type") == "error" and isinstance(km, SandboxedKernelManager)
                and "Resource temporarily unavailable" in str(msg["content"].get("evalue", ""))):
            km.strays_stopped += km.stop_strays()
        return super().output(outs, msg, display_id, cell_index)

    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int):
        try:
            return super().preprocess_cell(cell, resources, index)
        except (DeadKernelError, CellTimeoutError) as exc:
            # The kernel died, or ignored the interrupt at the time limit. (The course's
            # RecoveringExecute, around this class, then starts a new kernel.)
            km = self.km
            if isinstance(km, SandboxedKernelManager):
                stopped, km.strays_stopped = km.strays_stopped, 0
                stopped += km.stop_strays()
                what = ("died" if isinstance(exc, DeadKernelError)
                        else "did not stop at the time limit")
                cell.outputs.append(NotebookNode(
                    output_type="stream", name="stderr",
                    text=f"{SANDBOX_MESSAGE_TAG} The kernel {what} while running this cell"
                         + (f"; the {stopped} processes it had started were stopped" if stopped
                            else "")
                         + f". Limits per submission: {km.memory_limit / GiB:.1f} GiB of memory, "
                         f"{km.process_limit} processes and threads, {self.timeout} s per cell.\n"))
            raise

    def on_cell_executed(self, **kwargs: Any) -> None:
        super().on_cell_executed(**kwargs)
        km = self.km
        if not isinstance(km, SandboxedKernelManager):
            return
        cell = kwargs["cell"]
        messages = limit_messages(cell, memory_limit=km.memory_limit,
                                  process_limit=km.process_limit, timeout=self.timeout)
        stopped, km.strays_stopped = km.strays_stopped, 0  # e.g. at a timeout's interrupt
        if messages:
            # Left-over processes would keep the limit exhausted (and the CPUs busy)
            # for the rest of the notebook.
            stopped += km.stop_strays()
        if stopped:
            messages.append(f"The {stopped} processes it started and left running were stopped "
                            f"(a submission may have {km.process_limit} processes and threads "
                            "at a time).")
        for message in messages:
            cell.outputs.append(NotebookNode(output_type="stream", name="stderr",
                                             text=f"{SANDBOX_MESSAGE_TAG} {message}\n"))


class SandboxedExecute(SandboxExecuteMixin, Execute):
    """nbgrader's ``Execute``, with the kernel in :class:`SandboxedKernelManager`."""


# --------------------------------------------------------------------------- configuration

#: Set to "1" to run student code without the sandbox (``--unsafe-no-sandbox``).
UNSAFE_ENV = "MLP_UNSAFE_NO_SANDBOX"


def sandboxed(execute_class: type) -> type:
    """``execute_class`` (nbgrader's Execute or a subclass) with sandboxed kernels."""
    if issubclass(execute_class, SandboxExecuteMixin):
        return execute_class
    if execute_class is Execute:
        return SandboxedExecute
    return type(f"Sandboxed{execute_class.__name__}", (SandboxExecuteMixin, execute_class),
                {"__module__": __name__, "__doc__": execute_class.__doc__})


def configure(c: Any) -> None:
    """Sandbox the Execute step of ``c.Autograde.autograde_preprocessors`` (nbgrader config).

    Called from nbgrader_config.py. Leaves the list unchanged when the environment variable
    :data:`UNSAFE_ENV` is "1" (the grading command's ``--unsafe-no-sandbox``). Where no
    sandbox is usable, sandboxed kernels refuse to start (nothing runs unisolated).
    """
    from nbgrader.converters import Autograde
    from traitlets.utils.importstring import import_item

    if os.environ.get(UNSAFE_ENV) == "1":
        return
    configured = c.Autograde.get("autograde_preprocessors") if "Autograde" in c else None
    steps = [import_item(p) if isinstance(p, str) else p
             for p in (configured or Autograde.class_traits()["autograde_preprocessors"].default())]
    c.Autograde.autograde_preprocessors = [
        sandboxed(p) if isinstance(p, type) and issubclass(p, Execute) else p for p in steps]


def refuse_or_warn(unsafe: bool, stream: Any = None) -> bool:
    """For the grading command: may autograding go on? Prints why not, plainly.

    Sandbox available: True. Not available: prints the reason and False, unless
    ``unsafe`` (then a warning, :data:`UNSAFE_ENV` is set for nbgrader, and True).
    """
    stream = stream or sys.stderr
    problem = sandbox_problem()
    if unsafe:
        os.environ[UNSAFE_ENV] = "1"
        print("WARNING: --unsafe-no-sandbox: student code runs with your rights and can read "
              "or change the gradebook, source/ and every other submission."
              + (f" (No sandbox here anyway: {problem})" if problem else ""),
              file=stream, flush=True)
        return True
    os.environ.pop(UNSAFE_ENV, None)
    if problem:
        print("ERROR: refusing to autograde: student code would run unisolated, with your "
              f"rights. No sandbox: {problem}\n"
              "Grade on Linux with bubblewrap, or pass --unsafe-no-sandbox to run student "
              "code unisolated anyway (only for code you trust).", file=stream, flush=True)
        return False
    return True
