"""Shared by tests/test_widgets_*.py: a widget must redraw a non-blank, different figure, and a
figure whose static parts are cached must look as it does without the cache."""
import numpy as np

from mlp_lib.widgets._base import is_blank
from mlp_lib.widgets._static import static_cache


def sweep(demo, name, values):
    """Set control ``name`` to each of ``values``; every figure is non-blank and one differs."""
    images = []
    for value in values:
        demo.update(**{name: value})
        image = demo.render()
        assert not is_blank(image), f"blank figure after {name}={value!r}"
        images.append(image)
    assert any(not np.array_equal(images[0], im) for im in images[1:]), f"{name} does not change the figure"


def same_as_uncached(make_demo, sweeps, max_fraction=1e-3):
    """Build two demos with ``make_demo()``, drop the static cache of the second, drive both through
    ``sweeps`` ({control: [values]}) and require their pictures to agree after every update (at
    most ``max_fraction`` of the pixels differ: tick marks drawn under data lines)."""
    cached, plain = make_demo(), make_demo()
    cache = static_cache(cached.figure)
    assert cache is not None, "this widget has no static cache"
    static_cache(plain.figure).disable()
    for name, values in sweeps.items():
        for value in values:
            cached.update(**{name: value})
            plain.update(**{name: value})
            a, b = cached.render(), plain.render()
            assert a.shape == b.shape
            differ = np.any(a != b, axis=-1).mean()
            assert differ <= max_fraction, \
                f"{name}={value!r}: {differ:.2%} of the pixels differ from the uncached figure"
    return cache
