#!/usr/bin/env python3
"""Write lectures/00-03 (*.ipynb) from the cell texts below.

    python tools/make_lectures_00_03.py            # write, run, keep the checked outputs
    python tools/make_lectures_00_03.py --no-run   # write only (checked cells keep no reference)

The notebooks are saved without outputs, except the cells marked ``# NBVAL_CHECK_OUTPUT``:
nbval only compares cells that have an execution count, so those keep their printed text
(and nothing else) as the reference that ``pytest --nbval-lax lectures/`` checks.
Every cell gets ``metadata.slideshow.slide_type`` for ``jupyter nbconvert --to slides``.
"""
from __future__ import annotations

import sys

from lecture_cells import CHECK, code, main, md, setup  # noqa: F401


# --------------------------------------------------------------------------- 00

NB00 = [
    md("""
    # 00 · Neurons and activation functions

    *Introduction to Neural Networks* — lecture notebook 00 (replaces the slides "Biological
    analogy" and "Activation functions").
    """, "slide"),
    md("""
    ## Learning objectives

    After this notebook you can

    - write one artificial neuron as $z = f(w\\cdot x + b)$ and say what $w$, $b$ and $f$ do;
    - sketch the step, sigmoid, tanh, ReLU and leaky ReLU functions and their derivatives, and give their ranges;
    - explain why the decision boundary of one neuron is the line $w\\cdot x + b = 0$, whatever $f$ is;
    - say which activations *saturate* and why that matters for learning.
    """, "subslide"),
    setup("from mlp_lib import datasets",
          "from mlp_lib.activations import FUNCTIONS",
          "from mlp_lib.widgets import neurons as demos"),
    md("""
    ## From a biological to an artificial neuron

    A biological neuron collects signals through its dendrites, adds them up in the cell body and
    fires along its axon when the total is high enough. The artificial neuron keeps that arithmetic:

    $$z = f\\Big(\\sum_{i=1}^{d} w_i x_i + b\\Big) = f(w\\cdot x + b)$$

    - $x \\in \\mathbb R^d$: the inputs; $w$: one weight per input (negative = inhibitory);
    - $b$: the bias, which moves the threshold (the neuron "fires" when $w\\cdot x > -b$);
    - $f$: the activation function. The pre-activation $a = w\\cdot x + b$ is linear in $x$:
      all the non-linearity of a network comes from $f$.
    """, "slide"),
    md("""
    ## Activation functions

    | name | $f(x)$ | $f'(x)$ | range |
    |---|---|---|---|
    | step | $1$ if $x \\ge 0$, else $0$ | $0$ (undefined at 0) | $\\{0, 1\\}$ |
    | sigmoid | $\\sigma(x) = 1/(1+e^{-x})$ | $\\sigma(x)\\,(1-\\sigma(x))$ | $(0, 1)$ |
    | tanh | $\\tanh x = 2\\sigma(2x) - 1$ | $1-\\tanh^2 x$ | $(-1, 1)$ |
    | ReLU | $\\max(0, x)$ | $1$ if $x > 0$, else $0$ | $[0, \\infty)$ |
    | leaky ReLU | $x$ if $x > 0$, else $\\alpha x$ ($\\alpha = 0.01$) | $1$ or $\\alpha$ | $(-\\infty, \\infty)$ |

    > **Note (erratum).** The slides say that tanh squashes real numbers to $(0, 1)$. Its range is
    > $(-1, 1)$: $\\tanh x = 2\\sigma(2x) - 1$ is the sigmoid stretched to $(-1, 1)$ and centred at 0.
    """, "slide"),
    code("demos.activations_figure()", "subslide"),
    md("""
    The derivative is what learning uses (notebook 03). Sigmoid and tanh **saturate**: for large
    $|x|$ they flatten out and $f'(x) \\to 0$ (and $\\sigma' \\le 1/4$ everywhere). ReLU does not
    saturate for $x > 0$ ($f' = 1$) but is flat for $x < 0$; the leaky ReLU keeps a small slope
    $\\alpha$ there. The step has $f' = 0$ wherever it is defined, which is why the perceptron
    (notebook 01) is not trained by gradient descent.
    """, "fragment"),
    code(f"""
    {CHECK}
    x = np.array([-20.0, 0.0, 20.0])
    for name in demos.ACTIVATIONS:
        f, df = FUNCTIONS[name]
        low, mid, high = f(x)
        print(f"{{name:>10}}: f(-20) = {{low:+.3f}}  f(0) = {{mid:+.3f}}  f(20) = {{high:+.3f}}  f'(0) = {{df(x)[1]:.3f}}")
    """, "subslide"),
    md("""
    ## One neuron, interactive

    Left: a 1-D input, $z = f(w_1 x + b)$. $w_1$ sets how steep the transition is (and its
    direction), $b$ shifts it; it sits at $x = -b/w_1$ (dotted).

    Right: a 2-D input. The output depends on $x$ only through $w\\cdot x + b$, so it is constant
    along lines parallel to $w\\cdot x + b = 0$. That line (black) is where the neuron switches and
    $w$ (arrow) points to the side where $w\\cdot x + b > 0$. Changing $f$ changes how the output
    varies across the line — never where the line is.
    """, "slide"),
    code("demos.neuron_demo()"),
    md("""
    A neuron with any of these activations is a **linear classifier**: on which side of its
    threshold a point falls is decided by the sign of $w\\cdot x + b$ alone.
    """, "subslide"),
    code(f"""
    {CHECK}
    X, _ = datasets.moons(200, rng=0)
    w, b = np.array([1.5, -1.0]), 0.5
    a = X @ w + b
    threshold = {{"step": 0.5, "sigmoid": 0.5, "tanh": 0.0, "relu": 0.0, "leaky_relu": 0.0}}
    for name, level in threshold.items():
        f, _ = FUNCTIONS[name]
        print(f"{{name:>10}}: f(w·x + b) > {{level}} exactly where w·x + b > 0: {{np.array_equal(f(a) > level, a > 0)}}")
    """),
    md("""
    ## Summary

    - A neuron computes $z = f(w\\cdot x + b)$: a weighted sum, a shift, a non-linearity.
    - Its decision boundary is the hyperplane $w\\cdot x + b = 0$; $f$ only shapes the output
      around it. One neuron is a linear classifier.
    - Step $\\{0,1\\}$, sigmoid $(0,1)$, tanh $(-1,1)$, ReLU $[0,\\infty)$, leaky ReLU $\\mathbb R$.
      Sigmoid and tanh saturate ($f' \\to 0$ for large $|x|$); ReLU does not for $x > 0$.
    - Next, notebook 01: learning $w$ and $b$ with the perceptron rule.
    """, "slide"),
]

# --------------------------------------------------------------------------- 01

NB01 = [
    md("""
    # 01 · The perceptron and its limits

    *Introduction to Neural Networks* — lecture notebook 01 (replaces the slides "Gradient
    descent" for the perceptron and "Limitations of perceptrons").
    """, "slide"),
    md("""
    ## Learning objectives

    After this notebook you can

    - state the perceptron rule and apply it to one misclassified example;
    - explain why it converges on linearly separable data and never stops on non-separable data;
    - say what the learning rate does — and does not do — in the perceptron rule;
    - recognise overfitting: training accuracy rising while test accuracy falls.
    """, "subslide"),
    setup("from mlp_lib.perceptron import Perceptron",
          "from mlp_lib.widgets import perceptron as demos"),
    md("""
    ## The perceptron rule

    Prediction: $\\hat y = \\mathrm{step}(w\\cdot x + b) \\in \\{0, 1\\}$. Visit the examples in a random
    order; for each one with $\\hat y \\ne t$:

    $$w \\leftarrow w + \\eta\\,(t - \\hat y)\\,x, \\qquad b \\leftarrow b + \\eta\\,(t - \\hat y)$$

    - a missed positive ($t = 1$, $\\hat y = 0$) adds $\\eta x$: $w$ turns towards $x$;
    - a false positive ($t = 0$, $\\hat y = 1$) subtracts $\\eta x$; correct predictions change nothing.

    One **epoch** is one pass over the data; training stops after an epoch without mistakes.
    """, "slide"),
    md("""
    ## Separable data: it converges

    **Perceptron convergence theorem** (Novikoff, 1962): if a line separates the classes with
    margin $\\gamma > 0$ and every $\\lVert x\\rVert \\le R$ (bias folded into $w$), the rule makes at most
    $(R/\\gamma)^2$ mistakes in total — in any order. The widget replays training epoch by epoch;
    ringed points are misclassified. Switch `data` to *not separable* for the next slide.
    """, "slide"),
    code("demos.perceptron_demo()"),
    code(f"""
    {CHECK}
    X_sep, y_sep = demos.perceptron_data("separable")
    p = demos.fit_quietly(Perceptron(rng=0, max_epochs=30), X_sep, y_sep)
    print(p.history_.message)
    print("mistakes per epoch:", p.history_.mistakes)
    """, "fragment"),
    md("""
    ## Non-separable data: it never terminates

    In this data set one point of class 1 lies exactly between two points of class 0, so no line
    separates the classes: every epoch has mistakes and the rule would cycle forever. `Perceptron`
    stops at `max_epochs` and says so with a `ConvergenceWarning`:
    """, "slide"),
    code("""
    X_non, y_non = demos.perceptron_data("not separable")
    p = Perceptron(rng=0, max_epochs=30).fit(X_non, y_non)
    """),
    code(f"""
    {CHECK}
    print(p.history_.message)
    print("mistakes per epoch:", p.history_.mistakes)
    print("an epoch without mistakes:", 0 in p.history_.mistakes)
    """, "fragment"),
    md("""
    ## The learning rate $\\eta$

    The slides: *"We should have a sufficiently small learning rate $\\eta$."*

    > **Note.** For the perceptron rule started at $w = 0, b = 0$ (the default here) this is not
    > true. Every update adds $\\pm\\eta x$, so at any time $w = \\eta \\sum_i c_i x_i$ and $b = \\eta\\, c_0$
    > with integer counts $c$ that do not depend on $\\eta$. Scaling $w$ and $b$ by $\\eta > 0$ does not
    > change the sign of $w\\cdot x + b$: the predictions, the mistakes and the number of epochs are
    > the same for every $\\eta$, only $\\lVert w\\rVert$ changes. $\\eta$ matters when $w$ does not start
    > at 0 (`init="random"`: a small $\\eta$ needs many mistakes to move away from the random start;
    > a large one forgets it) and for gradient descent on a smooth loss, where too large a step
    > overshoots (notebook 03).
    """, "slide"),
    code("demos.perceptron_lr_demo()", "subslide"),
    code(f"""
    {CHECK}
    for init in ("zeros", "random"):
        for lr in (0.01, 1.0, 10.0):
            h = demos.fit_quietly(Perceptron(lr=lr, init=init, rng=0, max_epochs=100), X_sep, y_sep).history_
            print(f"start w {{init:>6}}, η = {{lr:<5}}: {{h.n_epochs:3d}} epochs, {{sum(h.mistakes):3d}} mistakes")
    """, "fragment"),
    md("""
    ## Noisy data: test accuracy rises, then falls

    The slides: *"Test accuracy rises at first, but then starts falling."* To see it we need more
    dimensions than a plot can show: 60 training points in 30 dimensions, only $x_1$ carries the
    class, and 10% of the labels are flipped; test accuracy is measured on 1000 fresh points, and
    everything is repeated on 16 data sets (thin lines: each set's test accuracy).
    """, "slide"),
    code("""
    train_acc, test_acc = demos.noisy_accuracy_curves()
    demos.overfitting_figure((train_acc, test_acc))
    """),
    md("""
    Training accuracy keeps climbing towards 100%: the perceptron ends up fitting the flipped
    labels. Test accuracy peaks after a few epochs and then drops — **overfitting**. Remedies:
    stop early (keep the weights with the best validation accuracy) or average the weight
    vectors of all epochs (the *averaged perceptron*).
    """, "subslide"),
    code(f"""
    {CHECK}
    mean_test, mean_train = test_acc.mean(axis=0), train_acc.mean(axis=0)
    best = mean_test.argmax()
    print(f"test accuracy:  start {{mean_test[0]:.2f}}, best {{mean_test[best]:.2f}} (epoch {{best}}), last {{mean_test[-1]:.2f}}")
    print(f"train accuracy: start {{mean_train[0]:.2f}}, last {{mean_train[-1]:.2f}}")
    """, "fragment"),
    md("""
    ## Summary

    - Perceptron rule: on a mistake, $w \\leftarrow w + \\eta (t - \\hat y) x$, $b \\leftarrow b + \\eta (t - \\hat y)$.
    - Linearly separable data: at most $(R/\\gamma)^2$ mistakes, then it stops.
    - Not separable: mistakes in every epoch; it only stops because we cap the epochs.
    - From $w = 0$ the learning rate only rescales $w$; it matters from a random start and for
      gradient descent.
    - On noisy data training accuracy rises while test accuracy rises, then falls: stop early.
    - Next, notebook 02: XOR, which no perceptron can learn, and multilayer perceptrons.
    """, "slide"),
]

# --------------------------------------------------------------------------- 02

NB02 = [
    md("""
    # 02 · XOR and multilayer perceptrons

    *Introduction to Neural Networks* — lecture notebook 02 (replaces the slides "Multi-layered
    perceptron" to "Non-linearity").
    """, "slide"),
    md("""
    ## Learning objectives

    After this notebook you can

    - show why no perceptron computes XOR, and how a network with one hidden layer does;
    - read a hidden layer as a learned feature map that makes the classes linearly separable;
    - explain why stacking linear layers adds nothing;
    - state the universal approximation property and watch the error shrink with the width;
    - define the depth of a network as the longest path in its graph.
    """, "subslide"),
    setup("from mlp_lib import BinaryCrossEntropy, Dense, Identity, Sequential, Sigmoid, datasets, fit",
          "from mlp_lib.perceptron import Perceptron",
          "from mlp_lib.widgets import mlp as demos",
          "from mlp_lib.widgets.perceptron import fit_quietly"),
    md("""
    ## Why more than one neuron?

    - A perceptron is linear: its decision boundary is a line (a hyperplane), so it fails when the
      classes are not linearly separable.
    - Biology suggests the fix: chain neurons, the outputs of some are the inputs of others.

    ### XOR

    | $x_1$ | $x_2$ | XOR |
    |---|---|---|
    | 0 | 0 | 0 |
    | 0 | 1 | 1 |
    | 1 | 0 | 1 |
    | 1 | 1 | 0 |

    No line does it: we would need $b < 0$, $w_1 + b \\ge 0$, $w_2 + b \\ge 0$ and $w_1 + w_2 + b < 0$;
    adding the middle two gives $w_1 + w_2 + b \\ge -b > 0$, a contradiction.
    """, "slide"),
    code("""
    X, y = datasets.xor(200, noise=0.15, rng=0)
    perceptron = fit_quietly(Perceptron(rng=0), X, y)
    mlp = demos.train_xor_mlp(X, y)
    demos.xor_figure(X, y, perceptron, mlp)
    """, "subslide"),
    code(f"""
    {CHECK}
    X4, y4 = datasets.xor_table()
    table_perceptron = fit_quietly(Perceptron(rng=0, max_epochs=100), X4, y4)
    mlp_says = (mlp.predict(X4)[:, 0] > 0.5).astype(int)
    print("x1 x2 | XOR | perceptron | MLP")
    for (x1, x2), t, p, m in zip(X4, y4, table_perceptron.predict(X4), mlp_says):
        print(f" {{x1:.0f}}  {{x2:.0f}} |  {{t}}  |     {{p}}      |  {{m}}")
    print(f"perceptron: best accuracy in 100 epochs {{max(table_perceptron.history_.train_accuracy):.2f}}, "
          f"converged: {{table_perceptron.history_.converged}}")
    print(f"2-layer MLP: accuracy {{np.mean(mlp_says == y4):.2f}}")
    """, "fragment"),
    md("""
    ## The multilayer perceptron

    Inputs $X_i$ are fully connected to the hidden units $Y_j$, which are fully connected to the
    outputs $Z_k$; each connection has a weight ($W^1_{ij}$, $W^2_{jk}$) and each unit a bias (a
    weight from a unit whose output is always 1):

    $$Y_j = f\\Big(b^1_j + \\sum_i X_i W^1_{ij}\\Big), \\qquad Z_k = g\\Big(b^2_k + \\sum_j Y_j W^2_{jk}\\Big)$$

    With 2 sigmoid hidden units, each hidden unit draws one line in the input plane (left). Plot
    every point at its hidden outputs $(h_1, h_2)$ instead (right): there one line — the output
    unit — separates the classes. The hidden layer has *learned features* in which XOR is linear.
    """, "slide"),
    code("demos.hidden_space_figure(mlp, X, y)"),
    md("""
    ## More linear layers are still linear

    - 1-layer MLP: $Z = g(Wx)$
    - 2-layer MLP: $Z = g(W_2\\, f(W_1 x))$
    - 3-layer MLP: $Z = g(W_3\\, f_2(W_2\\, f_1(W_1 x)))$

    > **Note (erratum).** The slide writes the 1-layer MLP as $Z = q(Wx)$; it is the output
    > activation $g$: $Z = g(Wx)$.

    Without the non-linear $f$ the layers collapse:
    $W_2(W_1x + b_1) + b_2 = (W_2W_1)\\,x + (W_2b_1 + b_2)$ — one linear layer.
    """, "slide"),
    code(f"""
    {CHECK}
    deep_linear = Sequential([Dense(2, 8, rng=0), Identity(), Dense(8, 8, rng=1), Identity(), Dense(8, 1, rng=2)])
    W, b = demos.collapse_linear(deep_linear)
    X_test = np.random.default_rng(0).normal(size=(1000, 2))
    print("3 linear layers = 1 layer with W of shape", W.shape, "and b of shape", b.shape)
    print("max |deep(x) - (x W + b)| < 1e-12:", np.abs(deep_linear.forward(X_test) - (X_test @ W + b)).max() < 1e-12)
    """, "fragment"),
    code(f"""
    {CHECK}
    linear_net = Sequential([Dense(2, 8, rng=0), Identity(), Dense(8, 8, rng=1), Identity(), Dense(8, 1, rng=2), Sigmoid()])
    fit(linear_net, BinaryCrossEntropy(), X, y, lr=0.5, epochs=100, batch_size=20, rng=0, progress=False)
    accuracy = np.mean((linear_net.predict(X)[:, 0] > 0.5) == y)
    print(f"3 linear layers + sigmoid output, trained on XOR: accuracy {{accuracy:.2f}}")
    """, "fragment"),
    md("""
    ## Universal approximation

    A 2-layer network — one hidden layer of enough non-polynomial units (sigmoid, step, ReLU, …)
    and a linear output — can approximate any continuous function on a bounded region to any
    accuracy (Cybenko 1989, Hornik 1991, Leshno et al. 1993). *How many hidden units?* The
    theorem does not say; for some functions the number grows exponentially with the input dimension.

    The widget builds such a network for $f(x) = \\sin 3x + x/2$: hidden unit $i$ switches on at a
    point $k_i$ (ReLU: a kink, step/sigmoid: a step), and the output weights are the least-squares
    fit. The theorem says good weights *exist*; gradient descent (notebook 03) is how we find them.
    """, "slide"),
    code("demos.universal_approximation_demo()", "subslide"),
    code(f"""
    {CHECK}
    x = np.linspace(-2, 2, 200)
    for n in (1, 3, 10, 30):
        model = demos.approximator(n, "relu", x)
        mse = np.mean((model.forward(x[:, None])[:, 0] - demos.target_function(x)) ** 2)
        print(f"hidden ReLU units: {{n:2d}}  mean squared error: {{mse:.1e}}")
    """, "fragment"),
    md("""
    ## What does *deep* mean?

    In any directed acyclic graph (DAG), the **depth** is the length of the longest path from a
    source to a sink. An MLP with $L$ weight layers has depth $L$; a skip connection adds a
    shorter path and leaves the depth unchanged.
    """, "slide"),
    code("demos.dag_figure()"),
    code(f"""
    {CHECK}
    print("example DAG:", demos.dag_depth(demos.EXAMPLE_DAG))
    mlp_edges = [(f"x{{i}}", f"h{{j}}") for i in (1, 2) for j in (1, 2, 3)] + [(f"h{{j}}", "z") for j in (1, 2, 3)]
    print("2-layer MLP:", demos.dag_depth(mlp_edges))
    """, "fragment"),
    md("""
    ## Summary

    - No line separates XOR, so no perceptron learns it; a hidden layer of 2 units is enough.
    - Hidden units compute features; in the hidden space the classes become linearly separable.
      Nobody tells the hidden units what to compute: training must find their weights.
    - Without non-linear activations any stack of layers is one linear layer.
    - One hidden layer can approximate any continuous function, given enough units.
    - Depth = longest source-to-sink path of the network's DAG.
    - Next, notebook 03: back-propagation, the way to train all the weights.
    """, "slide"),
]

# --------------------------------------------------------------------------- 03

NB03 = [
    md("""
    # 03 · Back-propagation

    *Introduction to Neural Networks* — lecture notebook 03 (replaces the slides "Learning by
    perturbing weights" to "Learning rate").
    """, "slide"),
    md("""
    ## Learning objectives

    After this notebook you can

    - run one forward and one backward pass of a small sigmoid network by hand, with the
      slides' $\\delta$ formulas (signs fixed);
    - show that the per-example algorithm of the slides and the vectorized layers make the same update;
    - check gradients with finite differences;
    - explain with forward-pass counts why back-propagation beats perturbing weights;
    - predict what gradient descent does with a too small, a good and a too large learning rate.
    """, "subslide"),
    setup("from mlp_lib import BinaryCrossEntropy, Dense, ReLU, Sequential, Sigmoid, SquaredError, Tanh, datasets, fit",
          "from mlp_lib.gradcheck import check_model",
          "from mlp_lib.textbook import from_sequential, textbook_backprop_epoch, textbook_update, to_sequential",
          "from mlp_lib.widgets import backprop as demos"),
    md("""
    ## Finding the weights

    $$\\min_{W_N, \\ldots, W_1} \\sum_{n=1}^{N} \\tfrac12 \\big(t_n - Z_n\\big)^2, \\qquad
      Z = g\\big(W_N f_{N-1}(\\cdots f_1(W_1 x)\\cdots)\\big)$$

    - the squared loss can be replaced by any other (cross-entropy, notebook 04 on);
    - traditionally networks were not regularized, but you can add a penalty;
    - we minimize by gradient descent, which needs $\\partial E/\\partial W$ for **every** weight and
      guarantees no global optimum.

    **Learning by perturbing weights** avoids derivatives: change a weight at random and keep the
    change if the error went down. It needs forward passes over the training data for every single
    weight change, and late in training almost every large change makes things worse. Perturbing
    all weights at once and correlating the changes with the error is no better: it takes many trials
    to see the effect of one weight through the noise of all the others. We count this below.
    """, "slide"),
    md("""
    ## The back-propagation algorithm (sigmoid units, squared error)

    Initialize every weight to a small random value. Until the stopping condition, for each
    training example $\\langle x, t\\rangle$:

    1. forward: compute every unit's output, hidden outputs $y_h$, network outputs $z_k$;
    2. for each output unit $k$: $\\delta_k = z_k(1 - z_k)(t_k - z_k)$;
    3. for each hidden unit $h$ (last hidden layer first): $\\delta_h = y_h(1 - y_h)\\sum_k W_{hk}\\,\\delta_k$;
    4. for each weight: $W_{hk} \\leftarrow W_{hk} + \\eta\\,\\delta_k\\,x_h$ ($x_h$: the input this weight multiplies).

    > **Note (erratum).** On the slides the minus signs are lost: they print
    > $\\delta_k = z_k(1\\ z_k)(t_k\\ y_k)$ and $\\delta_h = y_h(1\\ y_h)\\sum_k W_{hk}\\delta_k$. The correct
    > formulas are above; the output delta also uses $z_k$ (the output), not $y_k$ (the name of hidden
    > outputs). $\\delta$ is *minus* the derivative of $E = \\tfrac12\\sum_k (t_k - z_k)^2$ with respect
    > to the unit's net input, so the "+" update is a gradient *descent* step:
    > $\\partial E/\\partial W_{hk} = -\\delta_k\\, x_h$.
    """, "slide"),
    md("""
    Why: with $\\mathrm{net}_k = \\sum_h W_{hk} y_h + b_k$ and $z_k = \\sigma(\\mathrm{net}_k)$, the chain rule gives
    $\\frac{\\partial E}{\\partial \\mathrm{net}_k} = -(t_k - z_k)\\, z_k(1 - z_k) = -\\delta_k$. A hidden output
    $y_h$ feeds every output unit, so its effects add up:
    $\\frac{\\partial E}{\\partial y_h} = \\sum_k W_{hk}\\frac{\\partial E}{\\partial \\mathrm{net}_k} = -\\sum_k W_{hk}\\delta_k$,
    and $\\frac{\\partial E}{\\partial \\mathrm{net}_h} = y_h(1 - y_h)\\frac{\\partial E}{\\partial y_h} = -\\delta_h$.
    We never need to know what a hidden unit *should* output — only how fast the error changes with it.
    """, "subslide"),
    md("""
    ## One step by hand

    A 2-2-1 network of sigmoid units, one example $x = (1, 0.5)$ with target $t = 1$, $\\eta = 0.5$.
    """, "slide"),
    code("""
    weights, biases, x, t = demos.tiny_network()
    demos.network_figure(weights, biases, x, t)
    """),
    code(f"""
    {CHECK}
    print(demos.backprop_report(weights, biases, x, t, eta=0.5))
    """, "subslide"),
    md("""
    ## The same update, vectorized

    The library's layers do the same for a whole batch $X$ of shape $(N, d)$ with matrices: a
    Dense layer computes $A = XW + b$; backward, with $\\Delta = \\partial J/\\partial A$,
    $\\partial J/\\partial W = X^\\top \\Delta$, $\\partial J/\\partial b = \\sum_n \\Delta_n$ and
    $\\partial J/\\partial X = \\Delta W^\\top$; a sigmoid layer multiplies by $z(1 - z)$. With
    `SquaredError` on a batch of one example, one gradient-descent step is the slide's update:
    """, "slide"),
    code(f"""
    {CHECK}
    def largest_difference(a, b):
        return max(np.abs(u - v).max() for u, v in zip(a[0] + a[1], b[0] + b[1]))

    slide = textbook_update(weights, biases, x, t, eta=0.5)
    model = to_sequential(weights, biases)
    fit(model, SquaredError(), x[None, :], t[None, :], lr=0.5, epochs=1, batch_size=1, shuffle=False, progress=False)
    print("one example, same update:", largest_difference(slide, from_sequential(model)) < 1e-12)

    X4, y4 = datasets.xor_table()
    slide = textbook_backprop_epoch(weights, biases, X4, y4, eta=0.5)
    model = to_sequential(weights, biases)
    fit(model, SquaredError(), X4, y4, lr=0.5, epochs=1, batch_size=1, shuffle=False, progress=False)
    print("one epoch of XOR, same weights:", largest_difference(slide, from_sequential(model)) < 1e-12)
    """, "fragment"),
    md("""
    ## Gradient check

    Compare the back-propagated gradient with central differences, one parameter at a time:
    $\\frac{\\partial J}{\\partial \\theta_i} \\approx \\frac{J(\\theta + h e_i) - J(\\theta - h e_i)}{2h}$, by the relative
    error $\\lVert a - n\\rVert / (\\lVert a\\rVert + \\lVert n\\rVert)$. In float64 with $h = 10^{-5}$,
    about $10^{-7}$ or less is right; $10^{-2}$ or more is a bug (a lost minus sign gives 1).
    """, "slide"),
    code("""
    X_moons, y_moons = datasets.moons(50, rng=0)
    net = Sequential([Dense(2, 5, rng=0), Tanh(), Dense(5, 5, rng=1), ReLU(), Dense(5, 1, rng=2), Sigmoid()])
    result = check_model(net, BinaryCrossEntropy(), X_moons, y_moons)
    result
    """),
    code(f"""
    {CHECK}
    print("every relative error below 1e-7:", result.ok(1e-7))
    """, "fragment"),
    md("""
    ## Perturbing weights vs back-propagation

    Cost counted in forward passes over the training set (500 digits, a 64-16-10 tanh network,
    1210 weights):

    - **perturb one weight**: 1 forward pass per trial, which changes one of the 1210 weights;
    - **perturb all weights**: 10 random perturbations + 1 pass per step, for a noisy estimate of
      the gradient (its noise grows with the number of weights);
    - **back-propagation**: 1 forward + 1 backward pass (≈ 2 forward passes) gives all 1210
      derivatives exactly.
    """, "slide"),
    code("""
    results = demos.perturb_vs_backprop(budget=3000)
    demos.perturb_figure(results, target=0.5)
    """),
    code(f"""
    {CHECK}
    for r in results:
        print(f"{{r.method:28s}}: loss {{r.loss[0]:.2f}} -> {{r.loss_at(3000):.2g}} within 3000 forward passes")
    """, "fragment"),
    md("""
    ## Gradient descent and the learning rate

    The slides' recipe: compute the slope $\\partial J/\\partial\\theta$ at the current parameters,
    step size = slope × learning rate, new parameters = old − step size; repeat until the slope
    is almost 0. On the parabola $J(\\theta) = \\theta^2$ one step is
    $\\theta \\leftarrow \\theta - \\eta\\, 2\\theta = (1 - 2\\eta)\\,\\theta$:

    - $\\eta$ small: tiny steps, slow ("the lower the learning rate, the slower we travel downhill");
    - $\\eta = 0.5$: the minimum in one step; $0.5 < \\eta < 1$: overshoots and oscillates, but converges;
    - $\\eta > 1$: every step overshoots further — gradient descent **diverges**.
    """, "slide"),
    code("demos.gd_parabola_demo()"),
    code(f"""
    {CHECK}
    for lr in (0.02, 0.3, 0.9, 1.05):
        print(f"η = {{lr:<4}}: θ after 15 steps = {{demos.parabola_steps(lr)[-1]:+.3g}}  (start -4)")
    """, "fragment"),
    md("""
    ## Summary

    - Back-propagation: one forward pass, then deltas from the output back,
      $\\delta_k = z_k(1 - z_k)(t_k - z_k)$, $\\delta_h = y_h(1 - y_h)\\sum_k W_{hk}\\delta_k$, and
      $W_{hk} \\leftarrow W_{hk} + \\eta\\,\\delta_k x_h$ (the slides lost the minus signs).
    - The vectorized layers compute exactly the same update; a gradient check confirms the derivatives.
    - All derivatives for the price of about 3 forward passes: far cheaper than perturbing weights.
    - It finds a local, not necessarily global, minimum; it generalizes to any DAG.
    - The learning rate must be small enough not to diverge and large enough to make progress.
    """, "slide"),
]

NOTEBOOKS = {
    "00_neurons_and_activations": NB00,
    "01_perceptron_and_its_limits": NB01,
    "02_xor_and_multilayer_perceptrons": NB02,
    "03_backpropagation": NB03,
}


if __name__ == "__main__":
    sys.exit(main(NOTEBOOKS, __doc__))
