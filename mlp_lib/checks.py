r"""Checks for assignment tests: each raises ``AssertionError`` with a message that names the mistake.

The assignment notebooks' test cells call these, so a student reads e.g.

* ``dW has shape (8, 2), expected (2, 8)``
* ``sigmoid(-1000) returned nan — use a numerically stable form``
* ``gradient of W1 differs from finite differences (relative error 0.5): check the derivative of tanh``
* ``sigmoid must be implemented here, not imported from mlp_lib — no points for this part``
* ``train_perceptron did not finish within 3 s (infinite loop?)``

Every check returns None, so a test cell that ends with one shows no value (nbgrader would
read a number shown by the last line as partial credit).
"""
from __future__ import annotations

import dis
import signal
import threading
import types
import warnings
from contextlib import contextmanager

import numpy as np

from . import gradcheck

__all__ = ["check_array", "check_activation", "check_layer_gradients", "check_model_gradients",
           "check_not_imported", "time_limit", "TimeLimitExceeded"]


def _fail(message, hint=None):
    raise AssertionError(f"{message}: {hint}" if hint else message)


def _shape_text(shape):
    return "a single number (shape ())" if shape == () else str(tuple(shape))


def check_array(name, got, expected=None, *, shape=None, atol=1e-7, rtol=1e-5, hint=None):
    """Require ``got`` to be a finite numeric array of ``shape`` that is close to ``expected``.

    ``shape`` defaults to the shape of ``expected``; ``name`` is how the message calls the value
    (``"dW"``, ``"sigmoid(0)"``).
    """
    if got is None:
        _fail(f"{name} is None — did you forget to return a value?", hint)
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        arr = None
    if arr is None:
        _fail(f"{name} should be an array of numbers, got {type(got).__name__}", hint)
    if expected is not None:
        expected = np.asarray(expected, dtype=np.float64)
        shape = expected.shape if shape is None else shape
    if shape is not None and arr.shape != tuple(shape):
        _fail(f"{name} has shape {_shape_text(arr.shape)}, expected {_shape_text(tuple(shape))}", hint)
    for bad, test in (("nan", np.isnan), ("inf", np.isinf)):
        mask = test(arr)
        if np.any(mask):
            where = f" at index {tuple(int(i) for i in np.argwhere(mask)[0])}" if arr.ndim else ""
            _fail(f"{name} contains {bad}{where}", hint)
    if expected is None:
        return None
    close = np.isclose(arr, expected, atol=atol, rtol=rtol)
    if not np.all(close):
        idx = tuple(int(i) for i in np.argwhere(~close)[0])
        diff = float(np.max(np.abs(arr - expected)))
        at = f" at index {idx}" if arr.ndim else ""
        _fail(f"{name} is wrong{at}: got {arr[idx]:.6g}, expected {expected[idx]:.6g} "
              f"(largest difference {diff:.3g})", hint)
    return None


def _call_quietly(fn, x):
    """Call ``fn(x)``; return (result, first numpy warning message or None)."""
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        out = fn(x)
    messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return out, (messages[0] if messages else None)


def _check_stable(name, fn, reference, hint):
    for v in (-1000.0, 1000.0):
        label = f"{name}({v:g})"
        out, warning = _call_quietly(fn, np.array([v]))
        if out is None:
            _fail(f"{label} returned None — did you forget to return a value?")
        arr = np.asarray(out, dtype=np.float64)
        if np.any(np.isnan(arr)) or np.any(np.isinf(arr)):
            bad = "nan" if np.any(np.isnan(arr)) else "inf"
            _fail(f"{label} returned {bad} — use a numerically stable form", hint)
        if warning:
            _fail(f"{label} triggered the numpy warning '{warning}' — use a numerically stable form", hint)
        check_array(label, arr, reference(np.array([v])), atol=1e-7, hint=hint)


def check_activation(fn, name, reference, *, grad=None, reference_grad=None, hint=None, grad_hint=None):
    """Check an elementwise activation (and its derivative ``grad``) against reference functions.

    Values on a grid in [-6, 6] of shape (5, 5), the input left unchanged, and no nan, inf or
    overflow warning at ±1000. Then the same for ``grad`` against ``reference_grad``.
    """
    grad_name = getattr(grad, "__name__", "<")
    grad_name = f"{name}_grad" if grad_name.startswith("<") else grad_name
    for label, f, ref, h in ((name, fn, reference, hint), (grad_name, grad, reference_grad, grad_hint)):
        if ref is None:
            continue
        if not callable(f):
            _fail(f"{label} should be a function, got {type(f).__name__}")
        x = np.linspace(-6.0, 6.0, 25).reshape(5, 5)
        x_in = x.copy()
        out, warning = _call_quietly(f, x_in)
        if not np.array_equal(x_in, x):
            _fail(f"{label} changed its input array in place — compute and return a new array instead")
        check_array(f"{label}(x)", out, ref(x), atol=1e-7, hint=h)
        if warning:
            _fail(f"{label}(x) triggered the numpy warning '{warning}'", h)
        _check_stable(label, f, ref, h)
    return None


def _grad_label(key):
    return "the input x" if key == "x" else key


def check_layer_gradients(layer, x, *, name="layer", hint=None, tol=1e-5, rng=0):
    """Check ``layer.backward`` against central finite differences (:func:`mlp_lib.gradcheck.check_layer`).

    ``layer`` follows the course contract: ``forward(x)``, ``backward(dout)`` returning dx, and
    ``params``/``grads`` dicts with the same keys. Shapes and nan are checked first. A correct
    layer gives relative errors of ~1e-7 or less (BatchNorm in train mode: ~1e-6, hence ``tol``);
    a bug gives ~1e-2 or more.
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
    """Check backprop through a list of layers against finite differences of ``loss``.

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
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                codes.append(const)
            elif isinstance(const, str) and "mlp_lib" in const:
                return f"the name {const!r}"
        for ins in dis.get_instructions(code):
            if ins.opname == "IMPORT_NAME" and str(ins.argval).split(".")[0] == "mlp_lib":
                return str(ins.argval)
            if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME") and ins.argval in fn.__globals__:
                related.append(fn.__globals__[ins.argval])
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

    Looks at the object itself, its base classes, and every global, closure value, default
    argument and string its code refers to (following helpers defined alongside it).
    """
    if obj is None:
        _fail(f"{name} is None — define it in the cell above")
    found = _find_mlp_lib_use(obj, set())
    if found:
        _fail(f"{name} must be implemented here, not imported from mlp_lib — no points for this part "
              f"(it uses {found})")
    return None


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
