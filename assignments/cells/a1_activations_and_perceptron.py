"""Cells of assignment 1: activation functions and the perceptron (10 points, 5 parts)."""

CELLS = [
    ("md", r'''
# Assignment 1 — Activation functions and the perceptron

Lecture sections: *Activation Functions*, *Limitations of Perceptrons*.

**How this notebook works**

* Write your code in the cells that say `# YOUR CODE HERE` and delete the `raise NotImplementedError()` line.
* After each part comes a test cell. Run it: it checks your code and says what is wrong. The tests you
  see are only part of the grading tests — more run when your work is graded, so test the edge cases
  named in the text yourself.
* Each test cell is worth the points in its first line, and each part is graded on its own.
* Write the code yourself with numpy. A function that imports or calls the course library
  `mlp_lib` gets a message and no points for that part.
* Do not edit or delete the test cells: they are put back before grading.
* Before you submit: *Kernel → Restart Kernel and Run All Cells*, and check that every test cell passes.
'''),
    ("md", r'''
## Part 1 — Sigmoid (2 points)

$$\sigma(x) = \frac{1}{1 + e^{-x}} \in (0, 1), \qquad \sigma'(x) = \sigma(x)\,\bigl(1 - \sigma(x)\bigr)$$

Both functions work elementwise on a numpy array of any shape and return a new array (do not
change `x` in place).

**Numerical stability.** For $x = -1000$, $e^{-x} = e^{1000}$ overflows to `inf` (numpy prints a
warning), and the form $e^{x}/(1+e^{x})$ gives `inf/inf = nan` for $x = 1000$. Your `sigmoid` must return
0 and 1 there without warnings. Two ways: use $\sigma(x) = e^{x}/(1+e^{x})$ for $x < 0$ and
$1/(1+e^{-x})$ for $x \ge 0$ (compute each only where it is safe), or
$\sigma(x) = \exp\bigl(-\log(1 + e^{-x})\bigr)$ with `np.logaddexp(0, -x)` $= \log(1 + e^{-x})$.
'''),
    ("solution", "sigmoid", r'''
import numpy as np


def sigmoid(x):
    """σ(x) = 1 / (1 + exp(-x)), elementwise, without overflow for large |x|."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    return np.exp(-np.logaddexp(0.0, -x))
    ### END SOLUTION


def sigmoid_grad(x):
    """σ'(x) = σ(x) (1 - σ(x)), elementwise."""
    ### BEGIN SOLUTION
    s = sigmoid(x)
    return s * (1.0 - s)
    ### END SOLUTION
'''),
    ("tests", "test_sigmoid", 2, r'''
# Tests for sigmoid and sigmoid_grad (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(sigmoid, "sigmoid")
check_not_imported(sigmoid_grad, "sigmoid_grad")
check_array("sigmoid(0)", sigmoid(np.array([0.0])), [0.5])
check_array("sigmoid([-2, 2])", sigmoid(np.array([-2.0, 2.0])), [0.1192029220, 0.8807970780])
check_array("sigmoid_grad(0)", sigmoid_grad(np.array([0.0])), [0.25])
### BEGIN HIDDEN TESTS
from mlp_lib.activations import sigmoid as reference_sigmoid, sigmoid_grad as reference_sigmoid_grad
from mlp_lib.checks import check_activation
check_activation(sigmoid, "sigmoid", reference_sigmoid, grad=sigmoid_grad,
                 reference_grad=reference_sigmoid_grad, grad_hint="σ'(x) = σ(x)(1 − σ(x))")
### END HIDDEN TESTS
print("sigmoid: tests passed")
'''),
    ("md", r'''
## Part 2 — Tanh (2 points)

$$\tanh(x) = \frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} \in (-1, 1), \qquad \tanh'(x) = 1 - \tanh^2(x)$$

*Lecture erratum:* the slide on saturating functions says tanh squashes numbers to (0, 1); its range
is **(−1, 1)**.

Write `tanh` from exponentials, not with `np.tanh` (the point is to meet the overflow problem).
The formula above gives `inf/inf = nan` at $x = \pm 1000$. Divide numerator and denominator by
$e^{|x|}$: with $u = e^{-2|x|} \in (0, 1]$, $\tanh(x) = \operatorname{sign}(x)\,\frac{1 - u}{1 + u}$,
which never overflows.
'''),
    ("solution", "tanh", r'''
import numpy as np


def tanh(x):
    """tanh(x), elementwise, from exponentials, without overflow for large |x|."""
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=float)
    u = np.exp(-2.0 * np.abs(x))
    return np.sign(x) * (1.0 - u) / (1.0 + u)
    ### END SOLUTION


def tanh_grad(x):
    """tanh'(x) = 1 - tanh(x)^2, elementwise."""
    ### BEGIN SOLUTION
    t = tanh(x)
    return 1.0 - t * t
    ### END SOLUTION
'''),
    ("tests", "test_tanh", 2, r'''
# Tests for tanh and tanh_grad (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(tanh, "tanh")
check_not_imported(tanh_grad, "tanh_grad")
check_array("tanh(0)", tanh(np.array([0.0])), [0.0])
check_array("tanh([-1, 2])", tanh(np.array([-1.0, 2.0])), [-0.7615941560, 0.9640275801],
            hint="tanh takes values in (−1, 1)")
check_array("tanh_grad(0)", tanh_grad(np.array([0.0])), [1.0])
### BEGIN HIDDEN TESTS
from mlp_lib.activations import tanh as reference_tanh, tanh_grad as reference_tanh_grad
from mlp_lib.checks import check_activation
check_activation(tanh, "tanh", reference_tanh, grad=tanh_grad, reference_grad=reference_tanh_grad,
                 hint="tanh takes values in (−1, 1)", grad_hint="tanh'(x) = 1 − tanh²(x)")
### END HIDDEN TESTS
print("tanh: tests passed")
'''),
    ("md", r'''
## Part 3 — ReLU (2 points)

$$\mathrm{ReLU}(x) = \max(0, x), \qquad \mathrm{ReLU}'(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}$$

The derivative does not exist at 0; like most libraries we take $\mathrm{ReLU}'(0) = 0$.
Return new arrays: `x[x < 0] = 0` would change the caller's array.
'''),
    ("solution", "relu", r'''
import numpy as np


def relu(x):
    """max(0, x), elementwise."""
    ### BEGIN SOLUTION
    return np.maximum(np.asarray(x, dtype=float), 0.0)
    ### END SOLUTION


def relu_grad(x):
    """1 where x > 0, else 0 (also at x = 0)."""
    ### BEGIN SOLUTION
    return (np.asarray(x) > 0).astype(float)
    ### END SOLUTION
'''),
    ("tests", "test_relu", 2, r'''
# Tests for relu and relu_grad (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(relu, "relu")
check_not_imported(relu_grad, "relu_grad")
check_array("relu([-2, 0, 3])", relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])
check_array("relu_grad([-2, 3])", relu_grad(np.array([-2.0, 3.0])), [0.0, 1.0])
### BEGIN HIDDEN TESTS
from mlp_lib.activations import relu as reference_relu, relu_grad as reference_relu_grad
from mlp_lib.checks import check_activation
check_activation(relu, "relu", reference_relu, grad=relu_grad, reference_grad=reference_relu_grad,
                 grad_hint="ReLU'(x) is 1 for x > 0 and 0 for x <= 0 (also at 0)")
### END HIDDEN TESTS
print("relu: tests passed")
'''),
    ("md", r'''
## Part 4 — The perceptron update (2 points)

A perceptron predicts $\hat y = \mathrm{step}(w^\top x + b)$ with $\mathrm{step}(z) = 1$ if $z \ge 0$,
else $0$. For one example $x$ with target $t \in \{0, 1\}$ and learning rate $\eta$, the update is

$$w \leftarrow w + \eta\,(t - \hat y)\,x, \qquad b \leftarrow b + \eta\,(t - \hat y).$$

It changes nothing when the prediction is right ($t = \hat y$). Return the new `(w, b)`: `w` a new
array of the same shape, `b` a float. Do not change the `w` you were given (no `w += ...`).
'''),
    ("solution", "perceptron_update", r'''
import numpy as np


def step(z):
    """Heaviside step (given): 1 where z >= 0, else 0."""
    return np.where(np.asarray(z) >= 0, 1, 0)


def perceptron_update(w, b, x, t, lr=1.0):
    """One perceptron update for the example (x, t); returns the new (w, b)."""
    ### BEGIN SOLUTION
    y_hat = step(np.dot(w, x) + b)
    w_new = w + lr * (t - y_hat) * x
    b_new = float(b + lr * (t - y_hat))
    return w_new, b_new
    ### END SOLUTION
'''),
    ("tests", "test_perceptron_update", 2, r'''
# Tests for perceptron_update (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(perceptron_update, "perceptron_update")
w0 = np.array([0.0, 0.0])
result = perceptron_update(w0, 0.0, np.array([1.0, 2.0]), 0, lr=0.5)  # step(0) = 1, but t = 0: a mistake
assert isinstance(result, tuple) and len(result) == 2, "perceptron_update must return the pair (w, b)"
check_array("w after the update", result[0], [-0.5, -1.0])
check_array("b after the update", result[1], -0.5)
w1, b1 = perceptron_update(np.array([1.0, 1.0]), 0.0, np.array([1.0, 2.0]), 1, lr=0.5)  # right already
check_array("w after a correct prediction", w1, [1.0, 1.0], hint="nothing changes when t equals the prediction")
check_array("b after a correct prediction", b1, 0.0, hint="nothing changes when t equals the prediction")
### BEGIN HIDDEN TESTS
w_hidden = np.array([0.25, -0.75, 2.0])
w_kept = w_hidden.copy()
w2, b2 = perceptron_update(w_hidden, -1.5, np.array([1.0, 1.0, 0.5]), 1, lr=0.1)  # z = -1: predicts 0, t = 1
assert np.array_equal(w_hidden, w_kept), "perceptron_update changed the w it was given — return a new array"
check_array("w after the update", w2, [0.35, -0.65, 2.05])
check_array("b after the update", b2, -1.4)
### END HIDDEN TESTS
print("perceptron_update: tests passed")
'''),
    ("md", r'''
## Part 5 — Training a perceptron (2 points)

Start from $w = 0$, $b = 0$. One *epoch* visits the examples `X[0], X[1], …` in order (no shuffling)
and applies the update to each one. Training stops after the first epoch without a mistake — or
after `max_epochs` epochs, because on data that is not linearly separable (XOR) there is always a
mistake: "the training algorithm may not terminate" (lecture). Return `(w, b, epochs)` where
`epochs` is the number of epochs run.

You may call your `perceptron_update` (the test for this part swaps in a correct one, so a bug in
Part 4 does not cost points here).
'''),
    ("solution", "train_perceptron", r'''
import numpy as np


def train_perceptron(X, t, lr=1.0, max_epochs=100):
    """Perceptron training on X (n, d) with targets t in {0, 1}; returns (w, b, epochs)."""
    ### BEGIN SOLUTION
    w, b = np.zeros(X.shape[1]), 0.0
    epochs = 0
    for epochs in range(1, max_epochs + 1):
        mistakes = 0
        for x_i, t_i in zip(X, t):
            if step(np.dot(w, x_i) + b) != t_i:
                mistakes += 1
            w, b = perceptron_update(w, b, x_i, t_i, lr)
        if mistakes == 0:
            break
    return w, b, epochs
    ### END SOLUTION
'''),
    ("tests", "test_train_perceptron", 2, r'''
# Tests for train_perceptron (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported, time_limit

check_not_imported(train_perceptron, "train_perceptron")


def correct_update(w, b, x, t, lr=1.0):
    y_hat = 1 if np.dot(w, x) + b >= 0 else 0
    return w + lr * (t - y_hat) * x, b + lr * (t - y_hat)


students_update = globals().get("perceptron_update")
perceptron_update = correct_update  # grade the loop on its own, with a correct update
try:
    X_and = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t_and = np.array([0, 0, 0, 1])
    with time_limit(3, "train_perceptron on AND", hint="stop after an epoch without mistakes"):
        result = train_perceptron(X_and, t_and, lr=1.0, max_epochs=50)
    assert isinstance(result, tuple) and len(result) == 3, "train_perceptron must return (w, b, epochs)"
    w, b, epochs = result
    predictions = np.where(X_and @ np.asarray(w) + b >= 0, 1, 0)
    check_array("predictions on AND after training", predictions, t_and, hint="AND is linearly separable")
    ### BEGIN HIDDEN TESTS
    import warnings
    from mlp_lib.perceptron import Perceptron
    expected = Perceptron(lr=1.0, max_epochs=50, shuffle=False).fit(X_and, t_and)
    check_array("w on AND", w, expected.w_)
    check_array("b on AND", b, expected.b_)
    assert epochs == expected.history_.n_epochs, f"epochs on AND: got {epochs}, expected {expected.history_.n_epochs}"
    X_xor_hidden = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t_xor_hidden = np.array([0, 1, 1, 0])
    with time_limit(3, "train_perceptron on XOR", hint="stop after max_epochs epochs even if mistakes remain"):
        w_x, b_x, epochs_x = train_perceptron(X_xor_hidden, t_xor_hidden, lr=0.5, max_epochs=7)
    assert epochs_x == 7, f"XOR is not separable: expected training to stop at max_epochs=7, got epochs={epochs_x}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the reference warns that XOR did not converge
        expected_xor = Perceptron(lr=0.5, max_epochs=7, shuffle=False).fit(X_xor_hidden, t_xor_hidden)
    check_array("w on XOR after max_epochs", w_x, expected_xor.w_)
    check_array("b on XOR after max_epochs", b_x, expected_xor.b_)
    ### END HIDDEN TESTS
finally:
    perceptron_update = students_update
print("train_perceptron: tests passed")
'''),
]
