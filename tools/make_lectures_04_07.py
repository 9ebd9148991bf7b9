#!/usr/bin/env python3
"""Write lectures/04-07 (*.ipynb) from the cell texts below.

    python tools/make_lectures_04_07.py            # write, run, keep the checked outputs
    python tools/make_lectures_04_07.py --no-run   # write only (checked cells keep no reference)

The notebooks are saved without outputs, except the cells marked ``# NBVAL_CHECK_OUTPUT``:
nbval only compares cells that have an execution count, so those keep their printed text
(and nothing else) as the reference that ``pytest --nbval-lax lectures/`` checks.
Every cell gets ``metadata.slideshow.slide_type`` for ``jupyter nbconvert --to slides``.
(Same conventions as tools/make_lectures_00_03.py.)
"""
from __future__ import annotations

import sys

from lecture_cells import CHECK, code, main, md, setup  # noqa: F401


# --------------------------------------------------------------------------- 04

NB04 = [
    md("""
    # 04 · Saturation and vanishing / exploding gradients

    *Introduction to Neural Networks* — lecture notebook 04 (replaces the slides "Vanishing/Exploding
    Gradient", "… Reasons", "… Solutions" and "Saturating Functions").
    """, "slide"),
    md("""
    ## Learning objectives

    After this notebook you can

    - tell saturating activations (sigmoid, tanh) from non-saturating ones (ReLU) and say what
      saturation does to the derivative;
    - explain why backpropagation multiplies one factor per layer, so that gradients shrink or grow
      exponentially with depth;
    - read per-layer gradient norms and recognise vanishing and exploding gradients;
    - recognise an exploding run (the loss becomes nan) and name the remedies;
    - say what batch normalization computes and why it keeps every layer's outputs healthy.
    """, "subslide"),
    setup("from mlp_lib.activations import FUNCTIONS", "from mlp_lib.widgets import saturation as demos"),
    md(r"""
    ## Saturating functions

    An activation **saturates** when it flattens out for large inputs: $f'(x) \to 0$ as
    $|x| \to \infty$ (its output is bounded).

    | $f$ | range | $f'(x)$ | largest $f'$ |
    |---|---|---|---|
    | sigmoid $\sigma(x) = 1/(1+e^{-x})$ | $(0, 1)$ | $\sigma(x)\,(1-\sigma(x))$ | $1/4$ at $0$ |
    | $\tanh x = 2\sigma(2x) - 1$ | $(-1, 1)$ | $1 - \tanh^2 x$ | $1$ at $0$ |
    | ReLU $\max(0, x)$ | $[0, \infty)$ | $1$ if $x > 0$, else $0$ | $1$ for every $x > 0$ |

    Sigmoid and tanh saturate on both sides; ReLU does not saturate for $x > 0$ (its flat side
    $x < 0$ gives "dead" units instead).

    > **Note (erratum).** The slide "Saturating Functions" says tanh squashes real numbers to
    > $(0, 1)$. Its range is $(-1, 1)$: tanh is odd, $\tanh(-x) = -\tanh x$.
    """, "slide"),
    code("demos.saturation_figure()", "subslide"),
    code(f"""
    {CHECK}
    x = np.array([0.0, 2.0, 5.0, 10.0])
    for name in ["sigmoid", "tanh", "relu"]:
        f, df = FUNCTIONS[name]
        print(f"{{name:>7}}: f'(x) at x = 0, 2, 5, 10:  " + "  ".join(f"{{d:.1e}}" for d in df(x)))
    """),
    md("""
    A unit whose input sits in a flat (grey) region passes almost no gradient back: it has
    *saturated*. And even at its best a sigmoid multiplies the gradient by $1/4$.
    """, "fragment"),
    md(r"""
    ## Why gradients vanish or explode

    With $z^{[l]} = a^{[l-1]} W^{[l]} + b^{[l]}$ and $a^{[l]} = f(z^{[l]})$, backpropagation
    (notebook 03) computes, from the output layer $L$ down,

    $$\delta^{[l]} = \frac{\partial \mathcal L}{\partial z^{[l]}}
      = \big(\delta^{[l+1]}\, W^{[l+1]\,T}\big) \odot f'\big(z^{[l]}\big),
      \qquad \frac{\partial \mathcal L}{\partial W^{[l]}} = a^{[l-1]\,T}\,\delta^{[l]}.$$

    So $\delta^{[l]}$ is $\delta^{[L]}$ times one factor $W^{T}\operatorname{diag}(f')$ **per layer**
    in between. If each factor scales a vector by about $g$ (for $W\sim\mathcal N(0,\sigma^2)$ of
    width $n$: $g \approx \sigma\sqrt n \times$ a typical $f'$), then
    $\lVert\delta^{[l]}\rVert \approx g^{\,L-l}\,\lVert\delta^{[L]}\rVert$:

    - $g < 1$: **vanishing** — the layers near the input barely learn;
    - $g > 1$: **exploding** — huge updates, the loss jumps around or becomes nan.

    > **Note.** The slide "Vanishing/Exploding Gradient Reasons" lists *symptoms* (a loss that
    > changes wildly or stalls, early layers that do not change). The *reason* is this product of
    > per-layer factors.
    """, "slide"),
    md(r"""
    ### Gradient norms, layer by layer

    One batch of 256 digits through a net of `depth` Dense layers (width 32) with
    $W \sim \mathcal N(0, \sigma^2)$, $b = 0$; the bars are $\lVert\partial\mathcal L/\partial W^{[l]}\rVert$
    (log scale), the right panel the spread of each hidden layer's output.
    Try sigmoid with σ = 0.1 (vanishing), ReLU with σ = 1 (exploding), and tanh or ReLU with
    σ ≈ 0.2–0.25, the Xavier / He scale of notebook 06.
    """, "subslide"),
    code("demos.gradient_norms_demo()"),
    code(f"""
    {CHECK}
    for activation, sigma in [("sigmoid", 0.1), ("tanh", 0.1), ("relu", 0.25), ("relu", 1.0)]:
        norms = demos.layer_gradient_norms(10, activation, sigma)
        print(f"{{activation:>7}}, σ = {{sigma:<4}}: ‖∂L/∂W‖ layer 1 {{norms[0]:.0e}}, layer 10 {{norms[-1]:.0e}}")
    """, "subslide"),
    md(r"""
    Sigmoid with small weights loses about a factor 7 per layer: the first layer's gradient is
    a few $10^{-8}$ times the last one's. ReLU at the He scale ($\sigma = \sqrt{2/32} = 0.25$) keeps every
    layer within a decade; with $\sigma = 1$ every gradient is enormous.
    """, "fragment"),
    md(r"""
    ## Exploding: the loss becomes nan

    The same 10-layer ReLU net, with weights twice the He scale ($\sigma = 0.5$), trained on
    digits with mini-batches of 64 and $\alpha = 0.02$. Each layer doubles the signal, the first
    updates are huge, the next forward pass overflows and the loss becomes `nan`.
    `fit` checks the loss of every step: it **stops** and `History.message` says where, instead of
    training on garbage. The He-initialized net trains normally.
    """, "slide"),
    code(f"""
    {CHECK}
    runs = demos.exploding_runs()
    for label, history in runs.items():
        print(f"{{label}}: {{history.message or f'{{history.epochs}} epochs, loss {{history.loss[-1]:.2f}}'}}")
    """),
    code("demos.step_loss_figure(runs)", "subslide"),
    md("""
    Remedies: a smaller learning rate, a good initialization (notebook 06), gradient clipping
    (notebook 05) and batch normalization (next).
    """, "fragment"),
    md(r"""
    ## Batch normalization

    Between a Dense layer and its activation, normalize each feature over the mini-batch
    $\mathcal B$ of $N$ rows, then scale and shift with two learned vectors $\gamma, \beta$:

    $$\mu = \frac1N\sum_{n} z_n,\quad \sigma^2 = \frac1N\sum_{n}(z_n-\mu)^2,\quad
      \hat z = \frac{z-\mu}{\sqrt{\sigma^2+\epsilon}},\quad y = \gamma\odot\hat z + \beta.$$

    Whatever the weights do, every activation then sees inputs with mean $\beta$ and spread
    $\gamma$ (at first 0 and 1): sigmoid and tanh stay out of their flat regions, and the
    per-layer factors of the previous slides stay near 1. At test time the running averages of
    $\mu$ and $\sigma^2$ replace the batch statistics (`model.eval()`), so a prediction does not
    depend on the rest of its batch.
    """, "slide"),
    md(r"""
    Two bad cases, 10 layers of width 32 on digits, without (red) and with (green)
    `BatchNorm`: sigmoid with $\sigma = 0.1$ (the signal collapses to 0.5 and gradients vanish)
    and tanh with $\sigma = 1$ (every unit saturated at ±1). Left: each hidden layer's outputs
    (5–95 % thin bar, 25–75 % thick bar, median dot); right: test accuracy.
    """, "subslide"),
    code("""
    bn_runs = demos.batchnorm_runs()
    demos.batchnorm_demo(runs=bn_runs)
    """),
    code(f"""
    {CHECK}
    for case, run in bn_runs.items():
        plain, bn = run["plain"].val_accuracy[-1], run["batchnorm"].val_accuracy[-1]
        print(f"{{case}}: test accuracy without BatchNorm {{plain:.1f}}, with {{bn:.1f}}")
    """, "subslide"),
    md(r"""
    ## Summary

    - Sigmoid $(0,1)$ and tanh $(-1,1)$ saturate: $f' \to 0$ for large $|x|$, and $\sigma' \le 1/4$.
      ReLU does not saturate for $x > 0$.
    - Backprop multiplies one factor per layer, so gradients vanish ($g<1$) or explode ($g>1$)
      exponentially with depth. Per-layer gradient norms show it at a glance.
    - An exploding run ends in nan; `fit` stops and says at which epoch and step.
    - Remedies: initialization that keeps the variance per layer (notebook 06), non-saturating
      activations, gradient clipping (notebook 05), and batch normalization, which re-centres and
      re-scales every layer's inputs over the mini-batch.
    """, "slide"),
]

# --------------------------------------------------------------------------- 05

NB05 = [
    md("""
    # 05 · Gradient clipping

    *Introduction to Neural Networks* — lecture notebook 05 (replaces the slides "In case of a
    large or small gradient, what will happen?", "Gradient Clipping by value" and "… by norm").
    """, "slide"),
    md("""
    ## Learning objectives

    After this notebook you can

    - explain why a cliff in the loss surface throws gradient descent far away;
    - clip a gradient by value (each component to $[\\beta, \\alpha]$) and by norm (to length $v$);
    - show that clipping by value changes the gradient's direction and clipping by norm does not;
    - use clipping in training with `fit(..., clip=ClipByNorm(v))`.
    """, "subslide"),
    setup("from mlp_lib import ClipByNorm, ClipByValue", "from mlp_lib.clipping import clip_by_norm, clip_by_value",
          "from mlp_lib.widgets import clipping as demos"),
    md(r"""
    ## Large gradients: cliffs

    A step $\theta \leftarrow \theta - \eta g$ moves $\theta$ by $\eta\lVert g\rVert$ (in this notebook the
    learning rate is $\eta$: the lecture's clipping slides use $\alpha$ for the clipping bound). Where the
    loss has a **cliff** — a narrow region where it changes very fast, as in recurrent networks
    (Goodfellow et al., *Deep Learning*, Fig. 10.17) — $\lVert g\rVert$ is huge and one step throws
    $\theta$ far away, undoing many steps of progress. (A tiny gradient has the opposite problem:
    the step does not move at all.)

    Our surface: a bowl whose minimum $m$ lies behind a wall of slope $C = 20$ along the line
    $n\cdot\theta = 0$:

    $$L(\theta) = \tfrac12\lVert\theta - m\rVert^2 + \frac{C}{k}\log\big(1+e^{k\,n\cdot\theta}\big),
      \qquad \nabla L(\theta) = \theta - m + C\,\sigma(k\,n\cdot\theta)\,n .$$

    On the near side the second term is flat; on the cliff its gradient is $\approx C\,n$.
    """, "slide"),
    code(f"""
    {CHECK}
    for name, point in [("start", demos.START), ("★ on the cliff", demos.POINT)]:
        g = demos.cliff_grad(point)
        print(f"{{name:>14}}: g = {{np.round(g, 2)}}, ‖g‖ = {{np.linalg.norm(g):.1f}}, step with η = 0.3: {{0.3 * np.linalg.norm(g):.1f}}")
    """),
    md(r"""
    ## Clipping by value and by norm

    **By value** (lecture notation: a maximum $\alpha$ and a minimum $\beta$), for each component:

    $$g_i \leftarrow \alpha \ \text{ if } g_i > \alpha, \qquad g_i \leftarrow \beta \ \text{ if } g_i < \beta .$$

    **By norm**, with a threshold $v$:

    $$\text{if } \lVert g\rVert > v: \quad g \leftarrow \frac{g}{\lVert g\rVert}\, v .$$

    Both bound the step. Clipping by value projects $g$ onto the box $[\beta, \alpha]^d$ and
    **changes its direction**; clipping by norm shrinks it along the ray and **keeps its
    direction**. In `mlp_lib`: `clip_by_value(g, β, α)`, `clip_by_norm(g, v)` (and the in-place
    `ClipByValue`, `ClipByNorm` for training, where $\lVert g\rVert$ is the norm over *all*
    parameters together).
    """, "slide"),
    code(f"""
    {CHECK}
    g = demos.cliff_grad(demos.POINT)
    by_value = clip_by_value(g, -1.0, 1.0)   # β = −1, α = 1
    by_norm, norm = clip_by_norm(g, 1.0)     # v = 1
    for name, v in [("raw", g), ("by value", by_value), ("by norm", by_norm)]:
        angle = np.degrees(np.arctan2(v[1], v[0]))
        print(f"{{name:>8}}: g = {{np.round(v, 3)}}, ‖g‖ = {{np.linalg.norm(v):6.3f}}, direction {{angle:4.1f}}°")
    """),
    md(r"""
    ## Descents on the cliff

    Thirty steps from the square (learning rate `lr` $= \eta$), with the same threshold for both
    methods ($\alpha = -\beta = v$). Left: the paths (the black line is the foot of the cliff); middle:
    the loss per step; right: at ★, the raw gradient (cut: it is far longer), the value-clipped one
    (a corner of the dashed box) and the norm-clipped one (on the dashed circle, along the raw
    gradient's ray).
    """, "slide"),
    code("demos.clipping_demo()"),
    md(r"""
    Without clipping, every step that lands on the cliff is thrown about $\eta C$ away and the
    loss jumps up again and again. Clipping by value bounds each component: the path bends
    towards the diagonals (crooked), but stays near the minimum. Clipping by norm goes where the
    gradient points, at most $\eta v$ per step, and stays on course.
    """, "fragment"),
    code(f"""
    {CHECK}
    for method, label in demos.METHODS.items():
        path = demos.descend(lr=0.3, threshold=1.0, clip=method)
        largest = np.max(np.linalg.norm(np.diff(path, axis=0), axis=1))
        print(f"{{label:>13}}: largest step {{largest:.2f}}")
    """, "subslide"),
    md(r"""
    ## Clipping in training

    Notebook 04's exploding net (10 ReLU layers, $W\sim\mathcal N(0, 0.5^2)$, $\eta = 0.02$),
    trained for 5 epochs on digits without clipping, clipping each gradient component to $[-1, 1]$,
    and clipping the norm of the whole gradient (all layers together) to 5:
    """, "slide"),
    code(f"""
    {CHECK}
    for clip, history in demos.clipped_training_runs().items():
        result = history.message or f"loss {{history.loss[0]:.0f}} → {{history.loss[-1]:.1f}}"
        print(f"{{clip:>42}}: {{result}}")
    """),
    md("""
    Clipping turns a run that dies in the first epoch into one that learns. It treats the symptom:
    the initialization is still bad, and a He-initialized net learns faster (notebook 06).
    """, "fragment"),
    md(r"""
    ## Summary

    - Near a cliff the gradient is huge and one step throws the parameters far away.
    - Clip by value: each $g_i$ into $[\beta, \alpha]$ — cheap, bounded, but changes the direction.
    - Clip by norm: if $\lVert g\rVert > v$, $g \leftarrow v\,g/\lVert g\rVert$ — bounded and same
      direction; the norm is taken over all parameters together.
    - In `mlp_lib`: `fit(model, loss, X, y, clip=ClipByNorm(5.0))` (or `ClipByValue(1.0)`).
      $v$ is a hyperparameter: a little above the typical gradient norm of healthy steps.
    """, "slide"),
]

# --------------------------------------------------------------------------- 06

NB06 = [
    md("""
    # 06 · Weight initialization

    *Introduction to Neural Networks* — lecture notebook 06 (replaces the slides "Weight
    Initialization": zero, simple random, Xavier and He initialization).
    """, "slide"),
    md("""
    ## Learning objectives

    After this notebook you can

    - explain why zero (or any constant) weights never break the symmetry between hidden units;
    - compare $\\mathcal N(0,1)$, $\\mathcal N(0,0.01^2)$, Xavier, Glorot and He by the spread of every
      layer's outputs in a deep network;
    - derive the variance rule behind Xavier and He, and pick one for tanh or ReLU;
    - see what initialization does to learning curves and decision boundaries.
    """, "subslide"),
    setup("from mlp_lib.widgets import initialization as demos"),
    md(r"""
    ## Notation

    $n^{[l]}$: number of units of layer $l$ ($n^{[0]}$ = inputs); $W^{[l]}$: its weights, shape
    $(n^{[l-1]}, n^{[l]})$; $b^{[l]}$: its biases; $a^{[l]} = f(z^{[l]})$ its outputs, with
    $z^{[l]} = a^{[l-1]}W^{[l]} + b^{[l]}$. Every scheme below starts with $b^{[l]} = 0$.
    """, "slide"),
    md(r"""
    ## Zero (and constant) initialization

    $W^{[l]} = 0,\ b^{[l]} = 0$. Simple, and it performs very poorly. Why? All hidden units of a
    layer compute the same output, so they receive the same gradient and take the same step:
    after any number of updates they are still identical. The network **fails to break
    symmetry** and a layer of 8 units is worth one. With $W = 0$ exactly it is worse: the gradient
    reaching the hidden layer is $\delta W^{T} = 0$, so its weights never move at all.
    """, "slide"),
    code("""
    sym = demos.symmetry_runs()
    demos.symmetry_figure(sym)
    """, "subslide"),
    code(f"""
    {CHECK}
    for label, (model, history) in sym.items():
        identical = demos.hidden_unit_spread(model) < 1e-9
        print(f"{{label:>15}}: all hidden units identical: {{identical}}, test accuracy {{history.val_accuracy[-1]:.2f}}")
    """),
    md("""
    A 64-8-10 tanh net trained for 30 epochs on digits: with zeros only the output bias learns;
    with a constant 0.05 the weights change, but every hidden unit learns the *same* feature.
    Random weights break the symmetry: each unit finds its own feature.
    """, "fragment"),
    md(r"""
    ## Random initialization and the variance rule

    Simple random: $W^{[l]} \sim \mathcal N(0, \sigma^2)$. The lecture's best practice $\sigma = 0.01$
    works for small networks, but in deep ones too small a $\sigma$ makes the signal (and the
    gradient) vanish and too large a $\sigma$ makes it explode or saturate (notebook 04).

    For independent zero-mean weights and inputs, one unit of layer $l$ has
    $\operatorname{Var}(z^{[l]}) = n^{[l-1]}\,\sigma^2\,\mathbb E\big[(a^{[l-1]})^2\big]$. Keeping it equal
    across layers (mean 0, same variance in every layer) gives

    | scheme | $\operatorname{Var}(W^{[l]})$ | for | `mlp_lib.init` |
    |---|---|---|---|
    | Xavier (lecture) | $1/n^{[l-1]}$ | tanh (≈ linear near 0) | `xavier()` |
    | Glorot & Bengio (2010) | $2/(n^{[l-1]} + n^{[l]})$ | tanh; also keeps the backward pass | `glorot()` |
    | He et al. (2015) | $2/n^{[l-1]}$ | ReLU (it zeroes half: $\mathbb E[a^2] = \operatorname{Var}(z)/2$) | `he()` |

    > **Note (erratum).** The slides write $\sigma^2 = 1/n^{[l]}$ (Xavier) and $2/n^{[l]}$ (He) with
    > $n^{[l]}$ "layer $l$ neurons number". The rule needs the *fan-in*, the number of inputs of
    > layer $l$: $n^{[l-1]}$. Also, what the slides call Xavier, $\mathcal N(0, 1/n_{in})$, is
    > often called LeCun normal; Glorot and Bengio's own "Xavier" is $\mathcal N(0, 2/(n_{in}+n_{out}))$.
    """, "slide"),
    code(f"""
    {CHECK}
    shape = (64, 10)  # e.g. the output layer of the next slide's net: n_in = 64, n_out = 10
    for label, scheme in demos.SCHEMES.items():
        if label != "zeros":
            print(f"{{label:>28}}: σ = {{scheme.std(shape):.3f}}")
    """),
    md(r"""
    ## Every layer's outputs in a deep network

    A 6-layer net (5 hidden layers of 64 units) on handwritten digits; histograms of each hidden
    layer's outputs on 256 images, at initialization (epoch 0) or after up to 4 epochs of training
    (mini-batches of 64, $\alpha = 0.1$).

    > **Note.** The lecture's figures used MNIST (70,000 images of 28×28 pixels, trained for 4
    > epochs). Here scikit-learn's *digits* (1,797 images of 8×8, shipped with scikit-learn, no
    > download) stands in for it so that the notebook runs in seconds;
    > `mlp_lib.datasets.load_mnist` loads MNIST if you have the files.
    """, "slide"),
    code("""
    runs = demos.init_runs()
    demos.activation_histograms_demo(runs=runs)
    """),
    code(f"""
    {CHECK}
    for (scheme, activation), history in runs.items():
        layer5 = history.init_stats[history.hidden[-1]]["values"]
        print(f"{{activation:>4}}, {{scheme:>19}}: std of layer 5 outputs at initialization {{layer5.std():.1e}}")
    """, "subslide"),
    md(r"""
    With $\mathcal N(0,1)$, tanh units saturate at ±1 and ReLU outputs grow about $\sqrt{32} \approx 6$-fold
    per layer; with $\mathcal N(0, 0.01^2)$ the signal shrinks about tenfold per layer. Xavier (tanh) and He
    (ReLU) keep the spread roughly constant from layer to layer.
    """, "fragment"),
    md("## Learning curves", "slide"),
    code("demos.training_curves_figure(runs)"),
    md("""
    $\\mathcal N(0, 0.01^2)$ does not learn at all in 4 epochs (vanished gradients); $\\mathcal N(0,1)$
    learns slowly with tanh (saturated units) and not at all with ReLU (its first, exploded updates
    kill the units). Xavier and He learn at once; for ReLU, He is clearly better than Xavier.
    """, "fragment"),
    md(r"""
    ## Decision boundaries after 600 epochs

    As in the lecture's figure: small networks (width 10, 2–4 layers) on two circles, trained with
    600 epochs of batch gradient descent ($\alpha = 0.5$) from each initialization. Left: the
    decision regions; right: the training loss of every scheme for the same network.
    """, "slide"),
    code("""
    data = demos.boundary_runs()
    demos.init_boundary_demo(data=data)
    """),
    code(f"""
    {CHECK}
    X, y, boundary = data
    for scheme in ["zeros", "N(0, 0.01²)", "N(0, 1)", "Xavier N(0, 1/n_in)", "He N(0, 2/n_in)"]:
        accuracy = {{f: boundary[scheme, f, 3][1].accuracy[-1] for f in ("tanh", "relu")}}
        print(f"3 layers, {{scheme:>19}}: training accuracy tanh {{accuracy['tanh']:.2f}}, relu {{accuracy['relu']:.2f}}")
    """, "subslide"),
    md(r"""
    ## Summary

    - Zero or constant weights never break symmetry: hidden units stay identical. Use random weights
      (biases may start at 0).
    - Choose $\sigma$ so that every layer's outputs keep their variance: Xavier $1/n^{[l-1]}$ (or
      Glorot $2/(n^{[l-1]}+n^{[l]})$) for tanh, He $2/n^{[l-1]}$ for ReLU. A fixed $\sigma$ such as 0.01
      or 1 makes deep networks vanish or explode.
    - Good initialization is the first remedy for vanishing / exploding gradients (notebook 04);
      `Dense(n_in, n_out, init="he")` selects it in `mlp_lib`.
    """, "slide"),
]

# --------------------------------------------------------------------------- 07

NB07 = [
    md("""
    # 07 · Batch, stochastic and mini-batch gradient descent

    *Introduction to Neural Networks* — lecture notebook 07 (replaces the slides "Stochastic
    Gradient Descent Algorithm", "Learning Rate" and "Various GD types").
    """, "slide"),
    md("""
    ## Learning objectives

    After this notebook you can

    - write batch, stochastic and mini-batch gradient descent as one update rule with different
      batch sizes;
    - predict what their paths look like over a loss contour;
    - compare them per epoch and per second, and explain the cost of one update;
    - choose a variant and a batch size for a problem.
    """, "subslide"),
    setup("from mlp_lib import Dense, Sequential, SquaredError, fit, minibatches",
          "from mlp_lib.widgets import gd_variants as demos"),
    md(r"""
    ## One rule, three ways to estimate the gradient

    The training cost is the average loss over the data set $\mathcal D = \{d_i\}_{i=1}^n$,
    $\mathcal J(\theta) = \frac1n\sum_{i=1}^n \mathcal L(d_i;\theta)$, and every variant updates
    $\theta \leftarrow \theta - \alpha\,g$ (here $\alpha$ is the learning rate). They differ in how
    $g$ is computed:

    | variant | $g$ | examples per update | updates per epoch |
    |---|---|---|---|
    | batch | $\frac1n\sum_{i=1}^n\nabla_\theta\mathcal L(d_i;\theta)$ | $n$ | 1 |
    | stochastic | $\nabla_\theta\mathcal L(d_i;\theta)$, one random $i$ | 1 | $n$ |
    | mini-batch | $\frac1{\lvert\mathcal B\rvert}\sum_{d\in\mathcal B}\nabla_\theta\mathcal L(d;\theta)$ | $k = \lvert\mathcal B\rvert$ | $\lceil n/k\rceil$ |

    In `mlp_lib` they are one function, `minibatches(X, y, batch_size)`, and one argument,
    `fit(..., batch_size=n | 1 | k)`; each epoch visits the examples in a new random order.

    > **Note.** The slides titled "Stochastic Gradient Descent Algorithm" list the steps of plain
    > (batch) gradient descent; what makes it *stochastic* is only which examples enter $g$.
    """, "slide"),
    md(r"""
    ## A problem with two parameters

    Linear regression $\hat y = \theta_1 x + \theta_2$ on $n = 50$ points $y = 2x - 1 + \varepsilon$,
    with the squared error $\mathcal J(\theta) = \frac1n\sum_i \tfrac12(\theta_1 x_i + \theta_2 - y_i)^2$
    and, on a batch $\mathcal B$,

    $$\hat g = \frac1{\lvert\mathcal B\rvert}\sum_{i\in\mathcal B}
      (\theta_1 x_i + \theta_2 - y_i)\begin{pmatrix}x_i\\ 1\end{pmatrix}.$$

    It is exactly `fit(Sequential([Dense(1, 1)]), SquaredError(), X, y, batch_size=k)`:
    """, "slide"),
    code(f"""
    {CHECK}
    X, y = demos.regression_data(50)
    for k in [50, 10, 1]:
        print(f"batch size {{k:>2}}: {{sum(1 for _ in minibatches(X, y, k))}} updates per epoch")
    model = Sequential([Dense(1, 1)])
    model[0].params["W"][:], model[0].params["b"][:] = demos.START
    fit(model, SquaredError(), X, y, lr=0.1, epochs=3, batch_size=5, rng=0, progress=False)
    same = np.allclose(demos.descend(X, y, 5, lr=0.1, epochs=3)[-1], [model[0].params["W"][0, 0], model[0].params["b"][0]])
    print("descend(...) gives the same θ as fit(...):", same)
    """),
    md("""
    ## Paths over the loss contour

    Every variant runs 20 epochs (passes over the data) from the square; the star is the
    minimum. Change the mini-batch size $k$ and the learning rate.
    """, "slide"),
    code("demos.gd_variants_demo()"),
    md(r"""
    Batch GD moves smoothly but makes one update per epoch. Stochastic GD makes $n$ cheap, noisy
    updates: it gets close fast, then bounces around the minimum (with a fixed $\alpha$ it never
    settles). Mini-batches average out part of the noise (its variance falls like $1/k$). A too
    large $\alpha$ (try 1.0) makes every variant diverge; a too small one makes them crawl.
    """, "fragment"),
    code(f"""
    {CHECK}
    for k in [50, 5, 1]:
        path = demos.descend(X, y, k, lr=0.1, epochs=20)
        print(f"batch size {{k:>2}}: {{len(path) - 1:>4}} updates, cost after 20 epochs {{demos.cost(*path[-1], X, y):.3f}}")
    """, "subslide"),
    md("""
    ## Per epoch and per second

    The same problem with $n = 1000$, trained with `fit` for 20 epochs ($\\alpha = 0.1$);
    `History.seconds` records the time since the start of training after each epoch. The
    seconds depend on the machine, so look at the shapes rather than the numbers.
    """, "slide"),
    code("""
    histories = demos.variant_histories()
    demos.epoch_and_second_figure(histories)
    """),
    md("""
    Per epoch, stochastic GD wins: it makes 1000 updates per pass. Per second, mini-batches win:
    an update on 32 examples costs hardly more than an update on one.
    """, "fragment"),
    md("""
    ## The cost of one update

    Time per update and per epoch of `fit` on a 64-128-10 network on digits (1,437 training
    images), against the batch size $k$:
    """, "slide"),
    code("demos.cost_per_update_figure(demos.cost_per_update())"),
    md("""
    Up to a few dozen examples an update costs about the same: the fixed overhead (Python, one
    call per layer) dominates and the matrix products are vectorized. Beyond that the cost grows
    about in proportion to $k$, and the cost of an epoch stops falling. So an epoch of stochastic
    GD ($n$ updates) is by far the slowest, while large batches give few updates per epoch.
    GPUs widen the flat part further. (Timings depend on the machine and on what else runs.)
    """, "fragment"),
    md(r"""
    ## When to choose which

    | | batch | stochastic | mini-batch |
    |---|---|---|---|
    | gradient | exact | very noisy | noisy, variance $\propto 1/k$ |
    | updates per epoch | 1 | $n$ | $n/k$ |
    | cost per update | $\propto n$ | smallest, overhead-bound | ≈ one example's, up to the hardware's width |
    | good for | small data sets, smooth convex problems | streaming (online) data, tiny memory | **the default for neural networks** |

    - Start with mini-batches of 32–256 and tune $k$ with the learning rate (larger $k$ tolerates
      a larger $\alpha$).
    - The noise of small batches is not only a cost: it helps leave saddle points and sharp minima.
      To converge, decay $\alpha$ over time.
    """, "slide"),
    md(r"""
    ## Summary

    - One rule, $\theta \leftarrow \theta - \alpha g$; batch ($k=n$), stochastic ($k=1$) and
      mini-batch ($k$) GD differ only in how many examples estimate $g$.
    - Small batches: many cheap, noisy updates per epoch; large batches: few, exact, expensive ones.
    - On real hardware an update's cost is flat in $k$ up to a point, which is why mini-batch GD
      is the recommended default.
    """, "slide"),
]

NOTEBOOKS = {
    "04_saturation_and_vanishing_exploding_gradients": NB04,
    "05_gradient_clipping": NB05,
    "06_weight_initialization": NB06,
    "07_gradient_descent_variants": NB07,
}


if __name__ == "__main__":
    sys.exit(main(NOTEBOOKS, __doc__))
