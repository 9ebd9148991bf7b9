"""Cells of assignment 3: training deep networks (14 points: 12 autograded, 2 graded by hand)."""

CELLS = [
    ("md", r'''
# Assignment 3 — Training deep networks

Lecture sections: *Vanishing/Exploding Gradient Solutions*, *Gradient Clipping*, *Weight
Initialization*, *Various GD types*.

You implement the tools that make deeper networks trainable: weight initialization, gradient
clipping, mini-batches and batch normalization — and explain in words why initializing with zeros
fails.

**How this notebook works**

* Write your code where it says `# YOUR CODE HERE` (delete `raise NotImplementedError()`), and your
  written answer where it says "YOUR ANSWER HERE".
* Run the test cell after each part. More (hidden) tests run at grading; each test cell is worth the
  points in its first line, and each part is graded on its own.
* Write the code yourself with numpy; a part that imports or calls `mlp_lib` gets no points.
* Do not edit or delete the test cells: they are put back before grading.
* Before you submit: *Kernel → Restart Kernel and Run All Cells*.
'''),
    ("md", r'''
## Part 1 — Xavier and He initialization (2 points)

Both draw $W^{[l]}$ of shape $(n_{in}, n_{out})$ from a normal distribution with mean 0; biases start at 0.

$$\text{Xavier (for tanh):}\; W^{[l]} \sim \mathcal N\!\left(0,\ \frac{1}{n^{[l-1]}}\right), \qquad
\text{He (for ReLU):}\; W^{[l]} \sim \mathcal N\!\left(0,\ \frac{2}{n^{[l-1]}}\right)$$

$n^{[l-1]} = n_{in}$ is the number of *inputs* of the layer (its fan-in). *Lecture erratum:* the slides
write $1/n^{[l]}$ and $2/n^{[l]}$; the variance that keeps the activations' variance constant from layer
to layer uses the fan-in $n^{[l-1]}$ (as in the deeplearning.ai note the lecture cites).

The second argument of `rng.normal` is the standard deviation $\sigma$, not the variance $\sigma^2$.
Draw the numbers from the `rng` you are given (a `numpy.random.Generator`), so that a seed makes the
result reproducible — not from `np.random.randn`.
'''),
    ("solution", "init", r'''
import numpy as np


def xavier_init(n_in, n_out, rng):
    """W of shape (n_in, n_out) drawn from N(0, 1/n_in) with the Generator rng."""
    ### BEGIN SOLUTION
    return rng.normal(0.0, np.sqrt(1.0 / n_in), size=(n_in, n_out))
    ### END SOLUTION


def he_init(n_in, n_out, rng):
    """W of shape (n_in, n_out) drawn from N(0, 2/n_in) with the Generator rng."""
    ### BEGIN SOLUTION
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
    ### END SOLUTION
'''),
    ("tests", "test_xavier", 1, r'''
# Tests for xavier_init (1 point)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(xavier_init, "xavier_init")
W = xavier_init(400, 300, np.random.default_rng(0))
check_array("xavier_init(400, 300, rng)", W, shape=(400, 300))
assert abs(W.mean()) < 0.01, f"the weights should have mean 0, got {W.mean():.3f}"
assert abs(W.std() - np.sqrt(1 / 400)) < 0.002, (
    f"the weights should have standard deviation sqrt(1/n_in) = {np.sqrt(1 / 400):.4f}, got {W.std():.4f}")
### BEGIN HIDDEN TESTS
W_wide = xavier_init(50, 2000, np.random.default_rng(61))
assert abs(W_wide.std() - np.sqrt(1 / 50)) < 0.004, (
    f"xavier_init(50, 2000): standard deviation {W_wide.std():.4f}, expected sqrt(1/n_in) = {np.sqrt(1 / 50):.4f} "
    "— the variance uses the fan-in n_in")
check_array("xavier_init with the same seed twice", xavier_init(30, 20, np.random.default_rng(62)),
            xavier_init(30, 20, np.random.default_rng(62)), hint="draw the numbers from the rng argument")
### END HIDDEN TESTS
print("xavier_init: tests passed")
'''),
    ("tests", "test_he", 1, r'''
# Tests for he_init (1 point)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(he_init, "he_init")
W = he_init(400, 300, np.random.default_rng(0))
check_array("he_init(400, 300, rng)", W, shape=(400, 300))
assert abs(W.mean()) < 0.01, f"the weights should have mean 0, got {W.mean():.3f}"
assert abs(W.std() - np.sqrt(2 / 400)) < 0.003, (
    f"the weights should have standard deviation sqrt(2/n_in) = {np.sqrt(2 / 400):.4f}, got {W.std():.4f}")
### BEGIN HIDDEN TESTS
W_he_wide = he_init(50, 2000, np.random.default_rng(63))
assert abs(W_he_wide.std() - np.sqrt(2 / 50)) < 0.006, (
    f"he_init(50, 2000): standard deviation {W_he_wide.std():.4f}, expected sqrt(2/n_in) = {np.sqrt(2 / 50):.4f}")
check_array("he_init with the same seed twice", he_init(30, 20, np.random.default_rng(64)),
            he_init(30, 20, np.random.default_rng(64)), hint="draw the numbers from the rng argument")
### END HIDDEN TESTS
print("he_init: tests passed")
'''),
    ("md", r'''
## Part 2 — Gradient clipping (3 points)

**By value** (1 point), with a minimum $\beta$ and a maximum $\alpha$, each component separately:
$g_i \leftarrow \alpha$ if $g_i > \alpha$, $g_i \leftarrow \beta$ if $g_i < \beta$. This can change the
direction of $g$.

**By norm** (2 points), with threshold $v$: if $\lVert g\rVert > v$ then
$g \leftarrow \frac{g}{\lVert g\rVert}\, v$; otherwise $g$ stays as it is. The direction is kept.
$\lVert g\rVert$ is the Euclidean norm of all entries. A zero gradient must stay zero (not `nan`).

Both functions return a new array and leave `g` unchanged.
'''),
    ("solution", "clipping", r'''
import numpy as np


def clip_by_value(g, min_value, max_value):
    """Each entry of g limited to [min_value, max_value] (β and α of the lecture)."""
    ### BEGIN SOLUTION
    return np.clip(g, min_value, max_value)
    ### END SOLUTION


def clip_by_norm(g, max_norm):
    """g rescaled to norm max_norm if its norm is larger, else g unchanged (a copy)."""
    ### BEGIN SOLUTION
    norm = np.sqrt(np.sum(g * g))
    if norm > max_norm:
        return g * (max_norm / norm)
    return g.copy()
    ### END SOLUTION
'''),
    ("tests", "test_clip_by_value", 1, r'''
# Tests for clip_by_value (1 point)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(clip_by_value, "clip_by_value")
g = np.array([-3.0, -0.5, 0.0, 2.0, 7.0])
check_array("clip_by_value(g, -1, 1)", clip_by_value(g, -1.0, 1.0), [-1.0, -0.5, 0.0, 1.0, 1.0])
### BEGIN HIDDEN TESTS
g_matrix = np.array([[-4.0, 0.25], [3.5, -0.75]])
g_matrix_copy = g_matrix.copy()
check_array("clip_by_value(g, -0.5, 2) on a matrix", clip_by_value(g_matrix, -0.5, 2.0), [[-0.5, 0.25], [2.0, -0.5]])
assert np.array_equal(g_matrix, g_matrix_copy), "clip_by_value changed g in place — return a new array"
### END HIDDEN TESTS
print("clip_by_value: tests passed")
'''),
    ("tests", "test_clip_by_norm", 2, r'''
# Tests for clip_by_norm (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(clip_by_norm, "clip_by_norm")
check_array("clip_by_norm([3, 4], 1)", clip_by_norm(np.array([3.0, 4.0]), 1.0), [0.6, 0.8],
            hint="‖[3, 4]‖ = 5 > 1, so g becomes g / 5 · 1")
check_array("clip_by_norm([3, 4], 10)", clip_by_norm(np.array([3.0, 4.0]), 10.0), [3.0, 4.0],
            hint="below the threshold g stays as it is")
### BEGIN HIDDEN TESTS
check_array("clip_by_norm(zeros, 1)", clip_by_norm(np.zeros(3), 1.0), np.zeros(3),
            hint="a zero gradient has norm 0 ≤ v and stays zero — do not divide by its norm")
g_norm_matrix = np.array([[1.0, -2.0], [2.0, 4.0]])  # norm 5
g_norm_copy = g_norm_matrix.copy()
check_array("clip_by_norm of a (2, 2) matrix with norm 5 to 2.5", clip_by_norm(g_norm_matrix, 2.5),
            g_norm_matrix / 2, hint="the norm covers all entries of the matrix")
assert np.array_equal(g_norm_matrix, g_norm_copy), "clip_by_norm changed g in place — return a new array"
### END HIDDEN TESTS
print("clip_by_norm: tests passed")
'''),
    ("md", r'''
## Part 3 — Mini-batches (2 points)

Mini-batch gradient descent estimates the gradient on a batch $\mathcal B \subset \mathcal D$. Write a
generator `minibatches(X, y, batch_size, rng)` that, for one epoch,

* shuffles the examples with `order = rng.permutation(n)` (the same permutation for `X` and `y`, so rows
  stay paired),
* yields `(X_batch, y_batch)` of `batch_size` rows each, in that order, and a last, smaller batch with
  the remaining rows when `batch_size` does not divide `n`.

`batch_size = n` gives batch gradient descent, `batch_size = 1` stochastic gradient descent.
'''),
    ("solution", "minibatches", r'''
import numpy as np


def minibatches(X, y, batch_size, rng):
    """Yield (X_batch, y_batch) covering the n rows once, shuffled with rng.permutation(n)."""
    ### BEGIN SOLUTION
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        rows = order[start:start + batch_size]
        yield X[rows], y[rows]
    ### END SOLUTION
'''),
    ("tests", "test_minibatches", 2, r'''
# Tests for minibatches (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported, time_limit

check_not_imported(minibatches, "minibatches")
X = np.arange(20.0).reshape(10, 2)
y = np.arange(10)
with time_limit(3, "minibatches"):
    batches = list(minibatches(X, y, 3, np.random.default_rng(0)))
sizes = [len(xb) for xb, yb in batches]
assert sizes == [3, 3, 3, 1], f"batch sizes for n=10, batch_size=3: got {sizes}, expected [3, 3, 3, 1]"
seen = np.concatenate([yb for xb, yb in batches])
assert sorted(seen.tolist()) == list(range(10)), f"every example must appear exactly once per epoch, got {seen}"
### BEGIN HIDDEN TESTS
for xb_hidden, yb_hidden in batches:
    check_array("X rows of a batch", xb_hidden, X[yb_hidden], hint="shuffle X and y with the same permutation")
expected_order = np.random.default_rng(71).permutation(10)
with time_limit(3, "minibatches"):
    order_hidden = np.concatenate([yb for xb, yb in minibatches(X, y, 4, np.random.default_rng(71))])
check_array("the order of the examples", order_hidden, expected_order, hint="use order = rng.permutation(n)")
with time_limit(3, "minibatches"):
    whole = list(minibatches(X, y, 10, np.random.default_rng(72)))
assert len(whole) == 1 and len(whole[0][0]) == 10, "batch_size = n must give a single batch of all n rows"
### END HIDDEN TESTS
print("minibatches: tests passed")
'''),
    ("md", r'''
## Part 4 — Batch normalization (5 points)

In **training mode**, for a mini-batch $x$ of shape $(N, D)$, per feature (column):

$$\mu = \frac1N\sum_n x_n,\quad \sigma^2 = \frac1N\sum_n (x_n-\mu)^2,\quad
\hat x = \frac{x-\mu}{\sqrt{\sigma^2+\epsilon}},\quad y = \gamma\,\hat x + \beta .$$

It also updates the running statistics used at evaluation time, with momentum $m$ (default 0.9) and the
unbiased variance $\frac{N}{N-1}\sigma^2$:
$\mu_{run} \leftarrow m\,\mu_{run} + (1-m)\,\mu$ and
$\sigma^2_{run} \leftarrow m\,\sigma^2_{run} + (1-m)\,\frac{N}{N-1}\sigma^2$.

In **evaluation mode** (`self.training = False`) it uses $\mu_{run}$ and $\sigma^2_{run}$ instead of the
batch statistics and does not update them, so a prediction does not depend on the rest of its batch.

**Backward** (`dout` $= \partial L/\partial y$): $\partial L/\partial\gamma = \sum_n \delta_n \hat x_n$,
$\partial L/\partial\beta = \sum_n \delta_n$, and with $\hat\delta = \delta\,\gamma$:

$$\text{training: } \frac{\partial L}{\partial x} = \frac{1}{N\sqrt{\sigma^2+\epsilon}}
\Big(N\,\hat\delta - \sum_n \hat\delta_n - \hat x \sum_n \hat\delta_n \hat x_n\Big), \qquad
\text{evaluation: } \frac{\partial L}{\partial x} = \frac{\hat\delta}{\sqrt{\sigma^2_{run}+\epsilon}} .$$

(In training mode $\mu$ and $\sigma^2$ depend on $x$, hence the two extra terms.) Keep in `forward`
what `backward` needs.
'''),
    ("solution", "batchnorm", r'''
import numpy as np


class BatchNorm:
    """Batch normalization of x (N, D) per feature, with learned gamma and beta of shape (D,)."""

    def __init__(self, num_features, momentum=0.9, eps=1e-5):
        self.params = {"gamma": np.ones(num_features), "beta": np.zeros(num_features)}
        self.grads = {"gamma": np.zeros(num_features), "beta": np.zeros(num_features)}
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.momentum, self.eps = momentum, eps
        self.training = True  # set to False for evaluation mode
        self.cache = None  # what forward keeps for backward

    def forward(self, x):
        """Normalize, scale and shift x; in training mode also update the running statistics."""
        ### BEGIN SOLUTION
        if self.training:
            n = x.shape[0]
            mu, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.running_mean = m * self.running_mean + (1 - m) * mu
            self.running_var = m * self.running_var + (1 - m) * var * n / (n - 1)
        else:
            mu, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        x_hat = (x - mu) * inv_std
        self.cache = (x_hat, inv_std, self.training)
        return self.params["gamma"] * x_hat + self.params["beta"]
        ### END SOLUTION

    def backward(self, dout):
        """Set grads["gamma"], grads["beta"]; return dL/dx (N, D)."""
        ### BEGIN SOLUTION
        x_hat, inv_std, training = self.cache
        self.grads["gamma"] = np.sum(dout * x_hat, axis=0)
        self.grads["beta"] = np.sum(dout, axis=0)
        d_hat = dout * self.params["gamma"]
        if not training:
            return d_hat * inv_std
        n = dout.shape[0]
        return (inv_std / n) * (n * d_hat - d_hat.sum(axis=0) - x_hat * np.sum(d_hat * x_hat, axis=0))
        ### END SOLUTION
'''),
    ("tests", "test_batchnorm_forward", 2, r'''
# Tests for BatchNorm.forward in training mode (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(BatchNorm, "BatchNorm")
x = np.random.default_rng(0).normal(3.0, 5.0, size=(32, 4))
bn = BatchNorm(4)
y = bn.forward(x)
check_array("forward(x)", y, shape=(32, 4))
check_array("the mean of each feature of y", y.mean(axis=0), np.zeros(4), atol=1e-6,
            hint="subtract the batch mean of each column (axis 0)")
check_array("the standard deviation of each feature of y", y.std(axis=0), np.ones(4), atol=1e-3,
            hint="divide by sqrt(σ² + ε) with the batch variance of each column")
### BEGIN HIDDEN TESTS
from mlp_lib import BatchNorm as ReferenceBatchNorm
x_bn = np.random.default_rng(81).normal(-1.0, 2.0, size=(8, 3))
bn_hidden, bn_reference = BatchNorm(3, momentum=0.8), ReferenceBatchNorm(3, momentum=0.8)
for bn_layer in (bn_hidden, bn_reference):
    bn_layer.params["gamma"][:] = [0.5, 2.0, -1.0]
    bn_layer.params["beta"][:] = [1.0, 0.0, 3.0]
check_array("forward(x) with gamma and beta", bn_hidden.forward(x_bn), bn_reference.forward(x_bn),
            hint="y = γ x̂ + β")
check_array("running_mean after one training step", bn_hidden.running_mean, bn_reference.running_mean,
            hint="μ_run ← m μ_run + (1 − m) μ")
check_array("running_var after one training step", bn_hidden.running_var, bn_reference.running_var,
            hint="σ²_run ← m σ²_run + (1 − m) N/(N − 1) σ²")
### END HIDDEN TESTS
print("BatchNorm.forward: tests passed")
'''),
    ("tests", "test_batchnorm_backward", 2, r'''
# Tests for BatchNorm.backward in training mode (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported, check_layer_gradients

check_not_imported(BatchNorm, "BatchNorm")
x = np.random.default_rng(1).normal(size=(8, 3))
bn = BatchNorm(3)
bn.forward(x)
dout = np.ones((8, 3))
dx = bn.backward(dout)
check_array("dx for dout = ones", dx, np.zeros((8, 3)), atol=1e-8,
            hint="in training mode y does not change when the same amount is added to a whole column")
check_array("dbeta", bn.grads["beta"], [8.0, 8.0, 8.0], hint="dβ = Σₙ δₙ")
check_layer_gradients(BatchNorm(3), x, name="BatchNorm", hint="see the training-mode formula for dx")
### BEGIN HIDDEN TESTS
bn_gradcheck = BatchNorm(5)
bn_gradcheck.params["gamma"][:] = np.random.default_rng(91).normal(size=5)
bn_gradcheck.params["beta"][:] = np.random.default_rng(92).normal(size=5)
check_layer_gradients(bn_gradcheck, np.random.default_rng(93).normal(2.0, 3.0, size=(6, 5)), name="BatchNorm",
                      hint="dx needs the terms from μ and σ² depending on x; dγ = Σₙ δₙ x̂ₙ")
### END HIDDEN TESTS
print("BatchNorm.backward: tests passed")
'''),
    ("tests", "test_batchnorm_eval", 1, r'''
# Tests for BatchNorm in evaluation mode (1 point)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(BatchNorm, "BatchNorm")
bn = BatchNorm(2)
bn.running_mean = np.array([1.0, -2.0])
bn.running_var = np.array([4.0, 0.25])
bn.training = False
y = bn.forward(np.array([[3.0, -2.0], [1.0, -1.5]]))
check_array("eval-mode forward(x)", y, [[2 / np.sqrt(4 + 1e-5), 0.0], [0.0, 0.5 / np.sqrt(0.25 + 1e-5)]],
            hint="evaluation mode uses running_mean and running_var, not the batch statistics")
check_array("running_mean after an eval-mode forward", bn.running_mean, [1.0, -2.0],
            hint="evaluation mode must not update the running statistics")
### BEGIN HIDDEN TESTS
from mlp_lib.checks import check_layer_gradients
bn_eval = BatchNorm(3)
x_eval = np.random.default_rng(101).normal(size=(16, 3))
for _ in range(5):
    bn_eval.forward(x_eval)
bn_eval.training = False
single_row = bn_eval.forward(x_eval[:1])
check_array("eval-mode output of one row alone vs in its batch", single_row, bn_eval.forward(x_eval)[:1],
            hint="a prediction in evaluation mode must not depend on the rest of the batch")
check_layer_gradients(bn_eval, x_eval[:4], name="BatchNorm (eval mode)",
                      hint="in evaluation mode dx = γ δ / sqrt(σ²_run + ε)")
### END HIDDEN TESTS
print("BatchNorm evaluation mode: tests passed")
'''),
    ("md", r'''
## Part 5 — Why not start from zero? (2 points, graded by hand)

The lecture says zero initialization ($W^{[l]} = 0$, $b^{[l]} = 0$) "performs very poorly", and so does
any constant initialization. In 3–5 sentences: what happens to the hidden units of a network
initialized this way during training, and why? Refer to the forward and the backward pass.
'''),
    ("answer", "zero_init_answer", 2, r'''
### BEGIN SOLUTION
With every weight equal, all hidden units of a layer compute exactly the same value in the forward
pass. In the backward pass they therefore get the same error signal and their incoming weights the
same gradient, so after each update they are still identical: gradient descent never breaks this
symmetry, and the whole layer acts like one unit, whatever its width. (With zeros and tanh the
gradients of the hidden weights are even exactly zero, so they do not move at all.) Random
initialization gives each unit different weights, so units can learn different features.
### END SOLUTION
'''),
]
