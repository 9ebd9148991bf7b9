r"""Checks for assignment tests: each raises ``AssertionError`` with a message that names the mistake.

The assignment notebooks' test cells call these, so a student reads e.g.

* ``dW has shape (8, 2), expected (2, 8)``
* ``sigmoid(-1000) returned nan — use a numerically stable form``
* ``Tanh.backward(dout) is wrong: it ignores dout — dL/dx = dout ⊙ (1 − a²)``
* ``sigmoid must be implemented here, not imported from mlp_lib — no points for this part``
* ``train_perceptron did not finish within 3 s (infinite loop?)``

Each check also *records* what it saw (:mod:`mlp_lib.grading.record`): only the raw values the
student's code returned, as plain numbers. When a notebook is graded, the grader judges those
values again in its own process, against the expected values of the reference solution's run of
the same test — so a notebook that replaces ``np.allclose``, ``AssertionError`` or these checks,
or returns arrays whose comparisons lie, gains nothing. For the same reason a test passes the
student's *raw* results to a check and lets the check compute anything derived from them.

``expected=REFERENCE`` (hidden tests only) means "what the reference solution gives here": such a
check says nothing in the kernel and is judged by the grader.

Every check returns None, so a test cell that ends with one shows no value (nbgrader would
read a number shown by the last line as partial credit).
"""
from __future__ import annotations

import dis
import re
import signal
import threading
import types
import warnings
from contextlib import contextmanager

import numpy as np

from . import gradcheck
from .grading import kinds
from .grading.record import REFERENCE, observe

__all__ = ["REFERENCE", "check_array", "check_unchanged", "check_same", "check_differs", "check_statistics",
           "check_classifies", "check_minibatches", "check_activation", "check_not_imported", "time_limit",
           "TimeLimitExceeded", "check_layer_gradients", "check_model_gradients"]

_AssertionError = AssertionError  # bound before any student code runs


def _fail(message, hint=None):
    raise _AssertionError(f"{message}: {hint}" if hint else message)


def _check(kind, label, got, spec):
    """Record the observation; raise its message now if it fails (the grader judges it again)."""
    got, spec = observe(kind, label, got, spec)
    message = kinds.judge(kind, label, got, spec)
    if message:
        raise _AssertionError(message)


def check_array(name, got, expected=None, *, shape=None, atol=1e-7, rtol=1e-5, hint=None, mistakes=None):
    """Require ``got`` to be a finite numeric array of ``shape`` that is close to ``expected``.

    ``shape`` defaults to the shape of ``expected``; ``name`` is how the message calls the value
    (``"dW"``, ``"sigmoid(0)"``). ``mistakes`` maps a message to the value a known mistake gives
    (e.g. ``{"it ignores dout": 1 - a**2}``): when ``got`` is that value, the message says so.
    ``expected=REFERENCE``: the reference solution's value at this place (hidden tests).
    """
    spec = {"expected": expected, "shape": None if shape is None else tuple(shape), "atol": atol, "rtol": rtol,
            "hint": hint, "mistakes": [[message, value] for message, value in (mistakes or {}).items()]}
    _check("array", name, got, spec)


def check_unchanged(array, original, message):
    """Require ``array`` (an input the student's code received) to equal ``original`` exactly."""
    _check("unchanged", "input", array, {"expected": original, "message": message})


def check_same(name, first, second, *, prefix=False, atol=0.0, rtol=0.0, hint=None):
    """Require two results of the student's code to agree (e.g. the same seed twice).

    Lists and tuples (e.g. of batches) are compared number by number, in order. With
    ``prefix=True`` only the first ``len(first)`` rows of ``second`` count.
    """
    _check("same", name, (first, second), {"prefix": prefix, "atol": atol, "rtol": rtol, "hint": hint})


def check_differs(name, first, second, *, hint=None):
    """Require two results of the student's code to differ (e.g. two different seeds)."""
    _check("differs", name, (first, second), {"hint": hint})


def check_statistics(name, W, *, shape, mean, std, std_text, mean_tol, std_tol, hint=None):
    """Require random weights ``W`` of ``shape`` with the given mean and standard deviation.

    Within ``mean_tol`` and ``std_tol``; ``std_text`` is the formula the message shows, e.g.
    ``"sqrt(1/n_in)"``. Any distribution with these moments passes (normal or uniform).
    """
    _check("statistics", name, W, {"shape": tuple(shape), "mean": mean, "std": std, "std_text": std_text,
                                   "mean_tol": mean_tol, "std_tol": std_tol, "hint": hint})


def check_classifies(name, params, X, t, *, model, hint=None):
    """Require a model with the student's trained ``params`` to classify every row of ``X`` as ``t``.

    ``model="perceptron"``: ``params = (w, b)``, prediction step(X w + b).
    ``model="tanh-sigmoid"``: ``params = (W1, b1, W2, b2)``, prediction σ(tanh(X W1 + b1) W2 + b2) > 0.5.
    """
    _check("classifies", name, tuple(params), {"model": model, "X": X, "t": t, "hint": hint})


def check_minibatches(name, batches, X, y, batch_size, *, hint=None):
    """Require ``batches`` to be one epoch of (X_batch, y_batch) pairs over (X, y).

    Sizes ``batch_size``, ``batch_size``, …, the remainder; every example exactly once; the rows
    of each X_batch those of its labels. ``y`` must hold distinct labels (e.g. ``np.arange(n)``).
    """
    _check("minibatches", name, [tuple(batch) if type(batch) in (tuple, list) else batch for batch in batches],
           {"X": X, "y": y, "batch_size": batch_size, "hint": hint})


# --------------------------------------------------------------------------- activations

def _call_quietly(fn, x):
    """Call ``fn(x)``; return (result, first numpy warning message or None)."""
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        out = fn(x)
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return out, (messages[0] if messages else None)


def check_activation(fn, name, *, stable=False, hint=None):
    """Hidden tests of an elementwise function: compared with the reference solution's ``fn``.

    Values on a grid in [-6, 6] of shape (5, 5), the input left unchanged, and the values at
    ±1000 (never nan or inf). With ``stable=True`` also no numpy warning (overflow) at ±1000.
    """
    x = np.linspace(-6.0, 6.0, 25).reshape(5, 5)
    x_in = x.copy()
    out, _ = _call_quietly(fn, x_in)
    check_unchanged(x_in, x, f"{name} changed its input array in place — compute and return a new array instead")
    check_array(f"{name}(x)", out, REFERENCE, hint=hint)
    for v in (-1000.0, 1000.0):
        label = f"{name}({v:g})"
        out, warning = _call_quietly(fn, np.array([v]))
        _check("array", label, out, {"expected": REFERENCE, "atol": 1e-7, "rtol": 1e-5, "hint": hint,
                                     "stable_hint": "use a numerically stable form"})
        if stable:
            _check("no_warning", label, warning, {"hint": "use a numerically stable form"})


# --------------------------------------------------------------------------- gradients (for your own use)

def _grad_label(key):
    return "the input x" if key == "x" else key


def check_layer_gradients(layer, x, *, name="layer", hint=None, tol=1e-5, rng=0):
    """Check ``layer.backward`` against central finite differences (:func:`mlp_lib.gradcheck.check_layer`).

    For checking your own layers; the graded tests compare with the reference solution instead.
    ``layer`` follows the course contract: ``forward(x)``, ``backward(dout)`` returning dx, and
    ``params``/``grads`` dicts with the same keys. A correct layer gives relative errors of ~1e-7
    or less (BatchNorm in train mode: ~1e-6, hence ``tol``); a bug gives ~1e-2 or more.
    """
    x = np.array(x, dtype=np.float64)
    out = layer.forward(x.copy())
    check_array(f"{name}.forward(x)", out)
    dout = np.random.default_rng(rng).standard_normal(np.shape(out))
    dx = layer.backward(dout)
    check_array("dx (the value backward returns)", dx, shape=x.shape, hint=hint)
    params, grads = getattr(layer, "params", {}), getattr(layer, "grads", {})
    for key, value in params.items():
        if key not in grads:
            _fail(f"{name}.grads has no entry {key!r} — backward must set grads[{key!r}]", hint)
        check_array(f"d{key}", grads[key], shape=np.shape(value), hint=hint)
    result = gradcheck.check_layer(layer, x, rng=rng)
    for key, err in result.errors.items():
        if not err < tol:
            _fail(f"gradient of {_grad_label(key)} differs from finite differences (relative error {err:.2g})", hint)
    return None


def check_model_gradients(layers, loss, X, y, *, hint=None, tol=1e-5):
    """Check backprop through a list of layers against finite differences of ``loss`` (for your own use).

    ``loss`` is an :mod:`mlp_lib.losses` object. Weights are named as in the lecture: the
    first layer with parameters gives ``W1``, ``b1``, the second ``W2``, ``b2``, ...
    """
    from .layers import Sequential
    model = Sequential(layers)
    result = gradcheck.check_model(model, loss, X, y)
    numbers, count = {}, 0
    for i, layer in enumerate(model.layers):
        if getattr(layer, "params", None):
            count += 1
            numbers[str(i)] = count
    for key, err in result.errors.items():
        index, pname = key.split(".", 1)
        if not err < tol:
            _fail(f"gradient of {pname}{numbers[index]} differs from finite differences "
                  f"(relative error {err:.2g})", hint)
    return None


# --------------------------------------------------------------------------- not imported

_MODULE_NAME = re.compile(r"mlp_lib(\.\w+)*")


def _from_mlp_lib(obj):
    """The dotted name of ``obj`` if it belongs to mlp_lib (not these checks), else None."""
    if isinstance(obj, types.ModuleType):
        mod, label = obj.__name__, obj.__name__
    elif isinstance(obj, (types.FunctionType, types.BuiltinFunctionType, type)):
        mod, label = getattr(obj, "__module__", "") or "", f"{obj.__module__}.{obj.__qualname__}"
    elif isinstance(obj, types.MethodType):
        return _from_mlp_lib(obj.__func__)
    else:
        mod = type(obj).__module__ or ""
        label = f"a {mod}.{type(obj).__qualname__} object"
    if (mod == "mlp_lib" or mod.startswith("mlp_lib.")) and mod != __name__:
        return label
    return None


def _code_uses(code, namespace, related):
    """The first use of mlp_lib visible in ``code`` itself (imports, module names), else None.

    Adds the globals it loads to ``related``. Text that merely mentions mlp_lib (a docstring, a
    message) is not a use; a string that *is* a module name of mlp_lib (``"mlp_lib.activations"``,
    as given to ``__import__`` or ``importlib.import_module``) is.
    """
    for ins in dis.get_instructions(code):
        if ins.opname == "IMPORT_NAME" and str(ins.argval).split(".")[0] == "mlp_lib":
            return str(ins.argval)
        if ins.opname == "LOAD_CONST" and isinstance(ins.argval, str) and _MODULE_NAME.fullmatch(ins.argval):
            return f"the module name {ins.argval!r}"
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and ins.argval in namespace:
            related.append(namespace[ins.argval])
    return None


def _find_mlp_lib_use(fn, seen):
    """Return a description of the first mlp_lib object ``fn`` uses (recursively), else None."""
    if id(fn) in seen:
        return None
    seen.add(id(fn))
    found = _from_mlp_lib(fn)
    if found:
        return found
    if isinstance(fn, type):
        for base in fn.__mro__[1:]:
            if _from_mlp_lib(base):
                return f"{_from_mlp_lib(base)} (as a base class)"
        for member in vars(fn).values():
            member = getattr(member, "__func__", member)  # staticmethod / classmethod
            if isinstance(member, (types.FunctionType, property)):
                funcs = [member] if isinstance(member, types.FunctionType) else [member.fget, member.fset]
                for f in funcs:
                    found = f is not None and _find_mlp_lib_use(f, seen)
                    if found:
                        return found
        return None
    if isinstance(fn, types.MethodType):
        return _find_mlp_lib_use(fn.__func__, seen)
    if not isinstance(fn, types.FunctionType):
        return None
    related = list(fn.__defaults__ or ()) + list((fn.__kwdefaults__ or {}).values())
    related += [c.cell_contents for c in (fn.__closure__ or ()) if _has_contents(c)]
    codes = [fn.__code__]
    while codes:
        code = codes.pop()
        codes += [const for const in code.co_consts if isinstance(const, types.CodeType)]
        found = _code_uses(code, fn.__globals__, related)
        if found:
            return found
    for obj in related:
        found = _from_mlp_lib(obj)
        if found:
            return found
        if isinstance(obj, (types.FunctionType, type)) and getattr(obj, "__module__", None) == fn.__module__:
            found = _find_mlp_lib_use(obj, seen)  # a helper the student wrote next to it
            if found:
                return found
    return None


def _has_contents(cell):
    try:
        cell.cell_contents
    except ValueError:  # an empty closure cell
        return False
    return True


def check_not_imported(obj, name):
    """Fail if the function or class ``obj`` is, wraps or calls mlp_lib's implementation.

    Looks at the object itself, its base classes, and every global, closure value and default
    argument its code refers to (following helpers defined alongside it), and at its imports.
    Comments and docstrings that mention mlp_lib do not count.
    """
    if obj is None:
        _fail(f"{name} is None — define it in the cell above")
    _check("not_imported", name, _find_mlp_lib_use(obj, set()), {})


# --------------------------------------------------------------------------- time limit

class TimeLimitExceeded(BaseException):
    """Raised where the code was when time ran out (shown in the traceback, with that line).

    A BaseException, so a student's ``except Exception`` cannot swallow it; :func:`time_limit`
    turns it into an AssertionError.
    """


@contextmanager
def time_limit(seconds, what="this code", hint=None):
    """Fail with ``"<what> did not finish within <seconds> s (infinite loop?)"`` if the block runs too long.

    Uses ``SIGALRM``, so it only acts in the main thread on POSIX; elsewhere it does nothing
    and the grader's per-cell timeout is the safety net.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise TimeLimitExceeded(f"stopped here after {seconds:g} s")

    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    timed_out = False
    try:
        yield
    except TimeLimitExceeded:
        timed_out = True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
    if timed_out:  # the traceback shows the TimeLimitExceeded first: where the code was stopped
        _fail(f"{what} did not finish within {seconds:g} s (infinite loop?)", hint)
