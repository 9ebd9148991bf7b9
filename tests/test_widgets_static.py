"""mlp_lib.widgets._static: a figure drawn from cached static pixels looks the same as one drawn
in full, and the cache is drawn again whenever something in it changes."""
import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
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
    import pytest

    fig, ax, line, cache = figure(True)
    with pytest.raises(ValueError, match="already keeps its static parts cached"):
        keep_static(fig, [line])
