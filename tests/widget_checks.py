"""Shared by tests/test_widgets_*.py: a widget must redraw a non-blank, different figure."""
import numpy as np

from mlp_lib.widgets._base import is_blank


def sweep(demo, name, values):
    """Set control ``name`` to each of ``values``; every figure is non-blank and one differs."""
    images = []
    for value in values:
        demo.update(**{name: value})
        image = demo.render()
        assert not is_blank(image), f"blank figure after {name}={value!r}"
        images.append(image)
    assert any(not np.array_equal(images[0], im) for im in images[1:]), f"{name} does not change the figure"
