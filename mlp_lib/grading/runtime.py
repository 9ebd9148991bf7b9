"""The kernel side of grading, loaded before any cell of the notebook runs.

The grader and ``mlp-check`` start the kernel with :data:`KERNEL_ARGUMENT` (an IPython
``exec_lines`` entry) which calls :func:`install`. From then on, for every cell:

* before it runs, a fresh :class:`~mlp_lib.grading.record.Recorder` collects the observations of
  the checks it calls;
* after it runs, the cell's *record* is sent as one display output of type
  :data:`~mlp_lib.grading.record.MIME`: the observations, the error (type, message,
  line of the cell) and the names of the functions the tests rely on that the notebook has
  replaced since the kernel started (``numpy.allclose``, ``builtins.abs``,
  ``mlp_lib.checks.check_array``, ``mlp_lib.layers.Dense.forward``, …).

What it compares and sends is bound at start-up, before the notebook's code can change anything;
the record is judged in the grader's process (:mod:`mlp_lib.grading.judge`). A notebook that
removes these hooks only loses its records, and a test cell without its record gets no points.
"""
from __future__ import annotations

import hashlib
import os
import sys
import types

__all__ = ["KERNEL_ARGUMENT", "install", "snapshot", "changes"]

#: Argument for the kernel's command line (``IPKernelApp.exec_lines``) that installs the runtime.
KERNEL_ARGUMENT = ('--IPKernelApp.exec_lines=__import__("mlp_lib.grading.runtime", fromlist=["install"])'
                   '.install(get_ipython())')

#: Modules whose functions and classes the tests rely on (besides numpy's and mlp_lib's own).
STANDARD_MODULES = ("builtins", "math", "warnings", "signal", "contextlib", "threading", "types", "dis")
#: Modules the tests and checks use, imported at start-up so that they are watched from the start.
PRELOAD = ("numpy", "numpy.random", "numpy.linalg", "mlp_lib", "mlp_lib.checks", "mlp_lib.gradcheck",
           "mlp_lib.perceptron", "mlp_lib.init", "mlp_lib.grading.kinds", "mlp_lib.grading.record")
#: Builtins that IPython and ipykernel themselves set around each cell.
IPYTHON_BUILTINS = frozenset({"exit", "quit", "get_ipython", "display", "input", "_", "__", "___", "__IPYTHON__"})


def _is_watched_module(name):
    return (name in STANDARD_MODULES or name in ("numpy", "mlp_lib")
            or name.startswith(("numpy.", "mlp_lib.")))


# Default arguments: bound when the kernel imports this module, before any student code runs.
def _identity(value, _isinstance=isinstance, _function=types.FunctionType, _wrappers=(staticmethod, classmethod)):
    """The object, and for a Python function also the code and defaults it runs with."""
    if _isinstance(value, _wrappers):
        value = value.__func__
    if _isinstance(value, _function):
        return (value, value.__code__, value.__defaults__, value.__kwdefaults__)
    return (value,)


def _watch_list(modules, _vars=vars, _list=list, _callable=callable, _isinstance=isinstance,
                _module=types.ModuleType, _descriptors=(property, staticmethod, classmethod), _getattr=getattr):
    """``[(module, name, member or None)]``: the callables, classes and modules to watch.

    Every callable and module in ``modules``; for mlp_lib's classes also their methods.
    """
    watch = []
    for module in modules:
        prefix = module.__name__
        for name, value in _list(_vars(module).items()):
            if prefix == "builtins" and name in IPYTHON_BUILTINS:
                continue
            if not (_isinstance(value, _module) or _callable(value)):
                continue
            watch.append((module, name, None))
            if _isinstance(value, type) and prefix.startswith("mlp_lib") and _getattr(value, "__module__", None) == prefix:
                watch += [(module, name, member) for member, attribute in _list(_vars(value).items())
                          if _callable(attribute) or _isinstance(attribute, _descriptors)]
    return watch


def _current(module, name, member, _vars=vars, _missing=None):
    """The object watched at (module, name, member) now (None when it is gone)."""
    value = _vars(module).get(name, _missing)
    if member is not None and value is not None:
        try:
            value = _vars(value).get(member, _missing)
        except TypeError:  # no longer a class
            return _missing
    return value


def snapshot():
    """``(modules, watched)``: the watched modules by name, and ``{(module, name, member): identity}``."""
    modules = {name: module for name, module in list(sys.modules.items())
               if _is_watched_module(name) and isinstance(module, types.ModuleType)}
    watched = {key: _identity(_current(*key)) for key in _watch_list(modules.values())}
    return modules, watched


def changes(modules, watched, _modules=sys.modules, _identity=_identity, _current=_current, _len=len,
            _zip=zip, _all=all, _sorted=sorted, _id=id, _getattr=getattr):
    """Qualified names of the watched objects that differ from the snapshot ``(modules, watched)``.

    An object seen under several names (``check_array`` imported into other modules) whose code was
    changed in place is named once, by the name it was defined under when that name is watched.
    """
    found = [f"sys.modules[{name!r}]" for name, module in modules.items() if _modules.get(name) is not module]
    by_object = {}  # id of the object in the snapshot -> the names under which it changed
    for key, old in watched.items():
        new = _identity(_current(*key))
        if _len(old) != _len(new) or not _all(a is b for a, b in _zip(old, new)):
            module, name, member = key
            by_object.setdefault(_id(old[0]), []).append(
                (f"{module.__name__}.{name}" + (f".{member}" if member else ""), old[0]))
    for names in by_object.values():
        obj = names[0][1]
        home = f"{_getattr(obj, '__module__', None)}.{_getattr(obj, '__qualname__', None)}"
        rebound = [qualified for qualified, _ in names]
        found += [home] if home in rebound else rebound
    return _sorted(found)[:20]


def install(shell):
    """Start recording in the kernel of ``shell`` (an IPython InteractiveShell). Call it once."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    from . import record

    baseline = snapshot()
    # Everything the hooks use is bound here, out of reach of the notebook's rebinding.
    slot, recorder_class, mime = record._active, record.Recorder, record.MIME
    publish, sha256, changed, str_, type_ = shell.display_pub.publish, hashlib.sha256, changes, str, type
    kernel_pid, getpid = os.getpid(), os.getpid  # a process forked by a cell must not report

    def error_of(error):
        if error is None:
            return None
        line, tb = None, error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_name == "<module>":
                line = tb.tb_lineno
                break
            tb = tb.tb_next
        try:
            message = str_(error)[:1000]
        except Exception:  # noqa: BLE001 — a student's exception with a broken __str__
            message = "(the message could not be read)"
        return {"type": type_(error).__name__, "message": message, "line": line}

    def pre_run_cell(info):
        slot[0] = recorder_class()

    def post_run_cell(result):
        if getpid() != kernel_pid:
            return
        recorder, slot[0] = slot[0], None
        error = result.error_in_exec or result.error_before_exec
        observations = recorder.observations if recorder is not None else []
        raw = result.info.raw_cell if result.info is not None else ""
        cell_record = {"version": 1, "source_sha256": sha256(raw.encode("utf-8", "replace")).hexdigest(),
                       "observations": observations, "error": error_of(error), "changed": changed(*baseline)}
        publish({mime: cell_record}, metadata={})

    shell.events.register("pre_run_cell", pre_run_cell)
    shell.events.register("post_run_cell", post_run_cell)
