"""Exercises and quiz of lecture 04 — saturation and vanishing / exploding gradients."""
from __future__ import annotations

import numpy as np

from ..checks import check_array
from . import exercise
from .quiz import Quiz

__all__ = ["check_gain", "check_rms_tanh_grad", "check_unit_gain_sigma", "quiz_flat_bars"]


@exercise("4.1", "the gain per layer")
def check_gain(g, ratio):
    """ReLU layers of width n = 32 with σ = 0.5: the gain g and ‖δ^[1]‖ / ‖δ^[10]‖ = g⁹."""
    g_true = 0.5 * np.sqrt(32) / np.sqrt(2)
    if np.ndim(g) == 0 and np.isclose(float(g), 0.5 * np.sqrt(32)):
        raise AssertionError("g is σ√n without the rms of f′: half of the ReLU units pass the gradient, "
                             "rms(f′) = 1/√2")
    check_array("g", g, g_true, hint="g = σ √n · rms(f′), with rms(f′) = 1/√2 for ReLU")
    check_array("ratio", ratio, g_true ** 9, rtol=1e-6,
                hint="from layer 10 back to layer 1 the gradient passes 9 layers: g⁹")
    return "δ is 512 times larger at the input than at the output: exploding."


@exercise("4.2", "the rms of tanh′")
def check_rms_tanh_grad(rms):
    """√E[tanh′(z)²] for z ~ N(0, 1), estimated from samples (tolerance 0.01)."""
    z = np.random.default_rng(0).standard_normal(2_000_000)
    exact = float(np.sqrt(np.mean((1 - np.tanh(z) ** 2) ** 2)))
    if np.ndim(rms) == 0 and abs(float(rms) - float(np.mean(1 - np.tanh(z) ** 2))) < 0.005:
        raise AssertionError("that is the mean of tanh′(z), not the root of the mean of its square")
    check_array("rms", rms, exact, atol=0.01, rtol=0,
                hint="draw many z ~ N(0, 1), e.g. rng.standard_normal(100_000); rms = √(mean((1 − tanh²z)²))")
    return "Units whose inputs have std 1 pass back about 0.68 of the gradient: less than the 1 at z = 0."


@exercise("4.3", "σ for a gain of 1")
def check_unit_gain_sigma(sigma_relu, sigma_tanh):
    """Width n = 32: the σ with g = 1 for ReLU (rms f′ = 1/√2) and for tanh near 0 (f′ ≈ 1)."""
    check_array("sigma_relu", sigma_relu, np.sqrt(2 / 32), hint="σ √n / √2 = 1, so σ = √(2/n)")
    check_array("sigma_tanh", sigma_tanh, np.sqrt(1 / 32), hint="σ √n · 1 = 1, so σ = √(1/n)")
    return "These are He's and Xavier's σ (notebook 06). Try them in the widget."


def quiz_flat_bars():
    return Quiz("In the widget, tanh with σ = 0.1 over 10 layers: the blue bars ‖∂L/∂W^[l]‖ are about flat. "
                "What does that tell you?",
                [("The gradients do not vanish: this network trains well.",
                  "Flat is not healthy here: δ shrinks about 250-fold towards the input, the forward signal "
                  "shrinks as fast towards the output, and every weight gradient is small."),
                 ("δ and the forward signal change in opposite directions and cancel in a^[l−1]ᵀ δ^[l].",
                  "Right: ∂L/∂W^[l] is the product of both signals; to see vanishing gradients, look at δ "
                  "(red bars) and the forward signal (right panel)."),
                 ("tanh does not saturate with small weights, so nothing can vanish.",
                  "It is not saturated (its inputs are near 0, f′ ≈ 1), yet the factor σ√n ≈ 0.57 per layer "
                  "makes δ vanish.")], answer=1)
