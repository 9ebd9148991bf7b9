"""clip_by_value assumes symmetric bounds [-max_value, max_value] and ignores min_value.

loses: test_clip_by_value
message: clip_by_value(g, -0.5, 2) on a matrix is wrong
"""
# %% clipping
import numpy as np


def clip_by_value(g, min_value, max_value):
    return np.clip(g, -max_value, max_value)


def clip_by_norm(g, max_norm):
    norm = np.sqrt(np.sum(g * g))
    if norm > max_norm:
        return g * (max_norm / norm)
    return g.copy()
