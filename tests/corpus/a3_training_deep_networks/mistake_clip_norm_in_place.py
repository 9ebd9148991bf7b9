"""clip_by_norm rescales g in place and returns it.

The feedback names the real cause, not a wrong value computed after g changed.

loses: test_clip_by_norm
message: clip_by_norm changed g in place — return a new array
"""
# %% clipping
import numpy as np


def clip_by_value(g, min_value, max_value):
    return np.clip(g, min_value, max_value)


def clip_by_norm(g, max_norm):
    norm = np.sqrt(np.sum(g * g))
    if norm > max_norm:
        g *= max_norm / norm
    return g
