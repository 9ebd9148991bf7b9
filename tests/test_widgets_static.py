"""mlp_lib.widgets._static: a figure drawn from cached static pixels looks the same as one drawn
in full, and the cache is drawn again whenever something in it changes."""
import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.figure import Figure

from mlp_lib.widgets._base import render
from mlp_lib.widgets._static import keep_static, static_cache


def figure(cached):
    fig = Figure(figsize=(4, 3))
    ax = fig.add_subplot()
    x = np.linspace(0, 6, 100)
    (line,) = ax.plot(x, np.sin(x), label="sin")
    ax.imshow(np.outer(np.ones(5), np.arange(5)), extent=(0, 6, -1, 1), aspect="auto", alpha=0.3)
    ax.legend(loc="upper right")
    ax.set_title("static title")
    ax.set_xlabel("x")
    cache = keep_static(fig, [line]) if cached else None
    return fig, ax, line, cache


def test_same_pixels_and_one_bake_for_live_changes():
    fig, ax, line, cache = figure(True)
    ref, ref_ax, ref_line, _ = figure(False)
    for phase in (0.0, 0.5, 1.0):
        line.set_ydata(np.sin(np.linspace(0, 6, 100) + phase))
        ref_line.set_ydata(np.sin(np.linspace(0, 6, 100) + phase))
        assert np.array_equal(render(fig), render(ref))
    assert cache.bakes == 1 and static_cache(fig) is cache


def test_changes_to_cached_artists_are_drawn():
    fig, ax, line, cache = figure(True)
    ref, ref_ax, _, _ = figure(False)
    render(fig)
    for change in (lambda a: a.set_title("a new title"), lambda a: a.set_xlim(-1, 8),
                   lambda a: a.set_yscale("symlog"), lambda a: a.xaxis.set_label_text("time"),
                   lambda a: a.get_legend().texts[0].set_text("sine")):
        change(ax)
        change(ref_ax)
        bakes = cache.bakes
        assert np.array_equal(render(fig), render(ref))
        assert cache.bakes == bakes + 1


def test_a_new_size_is_drawn_again():
    fig, ax, line, cache = figure(True)
    render(fig)
    fig.set_size_inches(5, 3)
    ref, *_ = figure(False)
    ref.set_size_inches(5, 3)
    assert np.array_equal(render(fig), render(ref)) and cache.bakes == 2


def png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_savefig_draws_everything_and_the_cache_still_works_after():
    fig, ax, line, cache = figure(True)
    ref, *_ = figure(False)
    render(fig)
    assert png(fig) == png(ref)
    assert np.array_equal(render(fig), render(ref))


def test_disable():
    fig, ax, line, cache = figure(True)
    cache.disable()
    ref, *_ = figure(False)
    assert static_cache(fig) is None and np.array_equal(render(fig), render(ref))


def test_one_cache_per_figure():
    fig, ax, line, cache = figure(True)
    with pytest.raises(ValueError, match="already keeps its static parts cached"):
        keep_static(fig, [line])


def _every_demo():
    """Every public ``*_demo`` builder of mlp_lib.widgets, as ``benchmarks/bench_widgets.py`` finds them."""
    import importlib
    import inspect
    import pkgutil

    import mlp_lib.widgets as pkg

    found = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"mlp_lib.widgets.{info.name}")
        found += [(f"{info.name}.{name}", fn) for name, fn in inspect.getmembers(module, inspect.isfunction)
                  if name.endswith("_demo") and fn.__module__ == module.__name__]
    return found


def _sweeps(demo, k=3):
    """A few values for every control but Play: every option, or k values across a slider."""
    import ipywidgets as w

    sweeps = {}
    for name, control in demo.controls.items():
        if isinstance(control, w.Play):
            sweeps[name] = [1, 2, 0]
        elif hasattr(control, "options"):
            sweeps[name] = [o[1] if isinstance(o, tuple) else o for o in control.options][:4]
        elif isinstance(control, w.FloatLogSlider):
            sweeps[name] = [float(control.base ** e) for e in np.linspace(control.min, control.max, k)]
        else:
            sweeps[name] = [type(control.value)(v) for v in np.linspace(control.min, control.max, k)]
    return sweeps


@pytest.mark.parametrize("name, build", _every_demo(), ids=[name for name, _ in _every_demo()])
def test_every_widget_keeps_its_static_parts_and_looks_the_same(name, build):
    from widget_checks import same_as_uncached

    probe = build()
    assert static_cache(probe.figure) is not None, f"{name} redraws every text on every update: use keep_static"
    same_as_uncached(build, _sweeps(probe))


def test_an_artist_made_after_the_cache_is_drawn_once():
    fig, ax, line, cache = figure(True)
    ref, ref_ax, _, _ = figure(False)
    render(fig)
    for a in (ax, ref_ax):
        a.legend(["a new legend"], loc="lower left")  # a new Legend object, made by an update
        a.plot([0, 6], [0, 0.5], color="red")
    assert np.array_equal(render(fig), render(ref))


def test_figure_level_texts_and_legends_are_drawn_live_and_saved():
    def build(cached):
        fig, ax, line, _ = figure(False)
        fig.suptitle("a figure title")
        fig.legend(handles=[line], loc="lower left")
        if cached:
            keep_static(fig, [line])
        return fig

    fig, ref = build(True), build(False)
    assert np.array_equal(render(fig), render(ref))
    assert png(fig) == png(ref)
    assert np.array_equal(render(fig), render(ref))
