"""Cells of assignment 2: backpropagation (14 points, 6 parts)."""

CELLS = [
    ("md", r'''
# Assignment 2 — Backpropagation

Lecture sections: *Multi-Layered Perceptron*, *Back Propagation*, *Gradient Descent*.

You build the pieces of a multi-layer perceptron — a dense layer, the backward pass of two
activations, the squared-error loss and one training step — and train it on XOR.

**How this notebook works**

* Write your code where it says `# YOUR CODE HERE` and delete the `raise NotImplementedError()` line.
* Run the test cell after each part: it checks your code and says what is wrong. More (hidden) tests
  run when your work is graded. Each test cell is worth the points in its first line.
* Each part is graded on its own: a test uses the course library's correct version of the *other*
  parts, so a mistake in one part only costs that part.
* Write the code yourself with numpy; a part that imports or calls `mlp_lib` gets no points.
* Do not edit or delete the test cells: they are put back before grading.
* Before you submit: *Kernel → Restart Kernel and Run All Cells*.

**Conventions** (as in `mlp_lib`): a batch is a matrix with one example per row, `x` of shape
$(N, n_{in})$. Every layer has `forward(x)` and `backward(dout)`, where `dout` is
$\partial L/\partial(\text{output})$ and `backward` returns $\partial L/\partial x$. Parameters live in
the dict `layer.params` and their gradients in `layer.grads`, with the same keys.
'''),
    ("md", r'''
## Part 1 — Dense layer, forward pass (2 points)

$$z = x W + b, \qquad x: (N, n_{in}),\quad W: (n_{in}, n_{out}),\quad b: (n_{out},),\quad z: (N, n_{out})$$

Row $n$ of $z$ is the lecture's $b_j + \sum_i x_i W_{ij}$ for example $n$ (numpy broadcasting adds $b$
to every row). `forward` must also keep `x` in `self.x`: the backward pass needs it.

## Part 2 — Dense layer, backward pass (3 points)

Given $\delta$ = `dout` $= \partial L/\partial z$ of shape $(N, n_{out})$:

$$\frac{\partial L}{\partial W} = x^\top \delta \;\; (n_{in}, n_{out}), \qquad
\frac{\partial L}{\partial b} = \sum_{n=1}^{N} \delta_n \;\; (n_{out},), \qquad
\frac{\partial L}{\partial x} = \delta\, W^\top \;\; (N, n_{in}).$$

Store the first two in `self.grads["W"]` and `self.grads["b"]` (replacing the old values, not adding
to them) and return the third. Each gradient has the shape of what it is the gradient of.
'''),
    ("solution", "dense", r'''
import numpy as np


class Dense:
    """Fully connected layer z = x W + b: x (N, in_features) -> z (N, out_features)."""

    def __init__(self, in_features, out_features, rng=None):
        rng = np.random.default_rng(rng)
        std = np.sqrt(1.0 / in_features)  # Xavier initialization (assignment 3)
        self.params = {"W": rng.normal(0.0, std, size=(in_features, out_features)),
                       "b": np.zeros(out_features)}
        self.grads = {"W": np.zeros((in_features, out_features)), "b": np.zeros(out_features)}
        self.x = None  # the input of the last forward pass

    def forward(self, x):
        """Return z = x W + b and keep x for the backward pass."""
        ### BEGIN SOLUTION
        self.x = x
        return x @ self.params["W"] + self.params["b"]
        ### END SOLUTION

    def backward(self, dout):
        """Set grads["W"] and grads["b"] from dout = dL/dz (N, out_features); return dL/dx (N, in_features)."""
        ### BEGIN SOLUTION
        self.grads["W"] = self.x.T @ dout
        self.grads["b"] = dout.sum(axis=0)
        return dout @ self.params["W"].T
        ### END SOLUTION

    def __repr__(self):
        n_in, n_out = self.params["W"].shape
        return f"Dense({n_in} -> {n_out})"
'''),
    ("tests", "test_dense_forward", 2, r'''
# Tests for Dense.forward (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(Dense, "Dense")
layer = Dense(2, 3, rng=0)
layer.params["W"] = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]])
layer.params["b"] = np.array([0.5, -0.5, 0.0])
z = layer.forward(np.array([[1.0, 1.0], [0.0, 2.0]]))
check_array("forward(x)", z, [[3.5, 0.5, -0.5], [4.5, 1.5, 1.0]], hint="z = x W + b")
### BEGIN HIDDEN TESTS
layer_hidden = Dense(5, 8, rng=11)
x_hidden = np.random.default_rng(12).normal(size=(7, 5))
expected_z = x_hidden @ layer_hidden.params["W"] + layer_hidden.params["b"]
check_array("forward(x) for a (7, 5) batch into Dense(5, 8)", layer_hidden.forward(x_hidden), expected_z,
            hint="z = x W + b has shape (N, out_features)")
assert layer_hidden.x is not None, "forward must keep its input in self.x for the backward pass"
check_array("forward(x) for a single row", layer_hidden.forward(x_hidden[:1]), expected_z[:1])
### END HIDDEN TESTS
print("Dense.forward: tests passed")
'''),
    ("tests", "test_dense_backward", 3, r'''
# Tests for Dense.backward (3 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(Dense, "Dense")
layer = Dense(2, 8, rng=0)
x = np.random.default_rng(1).normal(size=(4, 2))
layer.forward(x)
dout = np.random.default_rng(2).normal(size=(4, 8))
dx = layer.backward(dout)
check_array("dW", layer.grads["W"], shape=(2, 8), hint="dW = xᵀ δ has the shape of W")
check_array("db", layer.grads["b"], shape=(8,), hint="db sums δ over the batch (axis 0)")
check_array("dx", dx, shape=(4, 2), hint="backward must return dx = δ Wᵀ")
check_array("dW", layer.grads["W"], x.T @ dout, hint="dW = xᵀ δ")
check_array("db", layer.grads["b"], dout.sum(axis=0), hint="db = Σₙ δₙ")
check_array("dx", dx, dout @ layer.params["W"].T, hint="dx = δ Wᵀ")
### BEGIN HIDDEN TESTS
from mlp_lib.checks import check_layer_gradients
x_gradcheck = np.random.default_rng(21).normal(size=(6, 3))
check_layer_gradients(Dense(3, 5, rng=22), x_gradcheck, name="Dense",
                      hint="dW = xᵀδ, db = Σₙ δₙ, dx = δ Wᵀ")
twice = Dense(3, 5, rng=23)
twice.forward(x_gradcheck)
dout_twice = np.ones((6, 5))
twice.backward(dout_twice)
W_before = twice.params["W"].copy()
twice.backward(dout_twice)
check_array("dW after calling backward twice with the same dout", twice.grads["W"], x_gradcheck.T @ dout_twice,
            hint="replace grads['W'] on each call instead of adding to it")
check_array("W after backward", twice.params["W"], W_before, hint="backward must not change the parameters")
### END HIDDEN TESTS
print("Dense.backward: tests passed")
'''),
    ("md", r'''
## Part 3 — Activations as layers, backward pass (2 points)

An activation $a = f(z)$ has no parameters; its backward pass multiplies elementwise by the derivative:
$\partial L/\partial z = \partial L/\partial a \odot f'(z)$. Both derivatives can be written with the
output $a$ that `forward` kept:

$$\tanh: \; f'(z) = 1 - a^2, \qquad \sigma: \; f'(z) = a\,(1 - a).$$

*Lecture erratum:* the slide's output delta reads $\delta_{nk} = z_k(1\ z_k)(t_k\ y_k)$ and the hidden
delta $y(1\ y)$: the minus signs were lost. They are $z_k(1 - z_k)(t_k - z_k)$ and
$y_{h}(1 - y_{h})\sum_k W_{hk}\,\delta_k$ — the sigmoid derivative $a(1-a)$ you implement here.
'''),
    ("solution", "activations", r'''
import numpy as np


class Tanh:
    """tanh as a layer; forward keeps its output, which is all backward needs."""

    def __init__(self):
        self.params, self.grads = {}, {}  # no parameters
        self.out = None

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, dout):
        """Return dL/dx = dout * tanh'(x), using the output kept by forward."""
        ### BEGIN SOLUTION
        return dout * (1.0 - self.out ** 2)
        ### END SOLUTION


class Sigmoid:
    """The logistic sigmoid as a layer."""

    def __init__(self):
        self.params, self.grads = {}, {}
        self.out = None

    def forward(self, x):
        self.out = np.exp(-np.logaddexp(0.0, -x))  # 1 / (1 + exp(-x)) without overflow
        return self.out

    def backward(self, dout):
        """Return dL/dx = dout * σ'(x), using the output kept by forward."""
        ### BEGIN SOLUTION
        return dout * self.out * (1.0 - self.out)
        ### END SOLUTION
'''),
    ("tests", "test_activation_backward", 2, r'''
# Tests for Tanh.backward and Sigmoid.backward (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(Tanh, "Tanh")
check_not_imported(Sigmoid, "Sigmoid")
x = np.array([[-1.0, 0.0, 2.0]])
tanh_layer, sigmoid_layer = Tanh(), Sigmoid()
tanh_layer.forward(x)
sigmoid_layer.forward(x)
check_array("Tanh.backward(ones)", tanh_layer.backward(np.ones((1, 3))), 1 - np.tanh(x) ** 2,
            hint="the derivative of tanh is 1 − tanh²")
check_array("Sigmoid.backward(ones)", sigmoid_layer.backward(np.ones((1, 3))), [[0.19661193, 0.25, 0.10499359]],
            atol=1e-8, hint="σ'(x) = σ(x)(1 − σ(x))")
### BEGIN HIDDEN TESTS
from mlp_lib import Dense as ReferenceDense, SquaredError as ReferenceSquaredError
from mlp_lib.checks import check_layer_gradients, check_model_gradients
x_activations = np.random.default_rng(31).normal(size=(5, 4))
check_layer_gradients(Tanh(), x_activations, name="Tanh", hint="check the derivative of tanh: 1 − tanh²")
check_layer_gradients(Sigmoid(), x_activations, name="Sigmoid", hint="check the derivative of σ: σ(1 − σ)")
network = [ReferenceDense(2, 4, rng=32), Tanh(), ReferenceDense(4, 1, rng=33), Sigmoid()]
X_network = np.random.default_rng(34).normal(size=(6, 2))
check_model_gradients(network, ReferenceSquaredError(), X_network, np.ones((6, 1)),
                      hint="check the derivatives in Tanh.backward and Sigmoid.backward")
### END HIDDEN TESTS
print("Tanh.backward and Sigmoid.backward: tests passed")
'''),
    ("md", r'''
## Part 4 — Squared-error loss (2 points)

For network outputs $z$ and targets $t$, both of shape $(N, K)$, the cost is the lecture's squared
error averaged over the batch, with its gradient:

$$J = \frac1N \sum_{n=1}^{N} \tfrac12 \lVert t_n - z_n \rVert^2, \qquad
\frac{\partial J}{\partial z} = \frac{z - t}{N} \;\; (N, K).$$

Mind the sign: $\partial J/\partial z = -(t - z)/N$. The lecture's $\delta$ uses $(t - z)$ because its
update *adds* $\eta\,\delta\,x$; we follow $\theta \leftarrow \theta - \alpha\,g$ with the gradient $g$.
Return the pair `(J, dz)` with `J` a single number.
'''),
    ("solution", "loss", r'''
import numpy as np


def squared_error(z, t):
    """J = (1/N) Σ_n ½ ||t_n − z_n||² for z, t of shape (N, K); returns (J, dJ/dz)."""
    ### BEGIN SOLUTION
    n = z.shape[0]
    diff = z - t
    return 0.5 * float(np.sum(diff * diff)) / n, diff / n
    ### END SOLUTION
'''),
    ("tests", "test_squared_error", 2, r'''
# Tests for squared_error (2 points)
import numpy as np
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(squared_error, "squared_error")
result = squared_error(np.array([[0.5], [0.0]]), np.array([[1.0], [0.0]]))
assert isinstance(result, tuple) and len(result) == 2, "squared_error must return the pair (J, dz)"
J, dz = result
check_array("J", J, 0.0625, hint="J = (1/N) Σ ½ (t − z)², here (½ · 0.25 + 0) / 2")
check_array("dz", dz, [[-0.25], [0.0]], hint="dJ/dz = (z − t) / N")
### BEGIN HIDDEN TESTS
from mlp_lib.losses import SquaredError as ReferenceSquaredError
from mlp_lib.gradcheck import numerical_gradient
z_loss = np.random.default_rng(41).normal(size=(5, 3))
t_loss = np.random.default_rng(42).normal(size=(5, 3))
reference_loss = ReferenceSquaredError()
expected_J = reference_loss.forward(z_loss, t_loss)
J_hidden, dz_hidden = squared_error(z_loss.copy(), t_loss)
check_array("J for a (5, 3) batch", J_hidden, expected_J, hint="sum over the outputs K, average over the examples N")
if np.allclose(dz_hidden, -reference_loss.backward()):
    raise AssertionError("dz has the wrong sign: dJ/dz = (z − t) / N (the slide's δ is its negative)")
check_array("dz for a (5, 3) batch", dz_hidden, reference_loss.backward(), hint="dJ/dz = (z − t) / N")
z_numeric = z_loss.copy()
numeric_dz = numerical_gradient(lambda: squared_error(z_numeric, t_loss)[0], z_numeric)
check_array("dz compared with finite differences of your J", dz_hidden, numeric_dz, atol=1e-7)
### END HIDDEN TESTS
print("squared_error: tests passed")
'''),
    ("md", r'''
## Part 5 — One training step (2 points)

`train_step(layers, X, t, lr)` does one step of gradient descent on the batch `(X, t)` for a network
given as a list of layers:

1. forward: pass `X` through the layers in order;
2. loss: `J, dout = squared_error(output, t)`;
3. backward: pass `dout` through the layers in reverse order (each `backward` returns the `dout` of the
   layer before it);
4. update every parameter of every layer: $\theta \leftarrow \theta - \text{lr}\cdot g$, i.e.
   `layer.params[key] -= lr * layer.grads[key]` for each key;

and returns `J` (computed before the update). The tests run it with `mlp_lib`'s layers and loss, so
only your step is graded here.
'''),
    ("solution", "train_step", r'''
import numpy as np


def train_step(layers, X, t, lr):
    """One gradient-descent step on the batch (X, t); returns the loss before the update."""
    ### BEGIN SOLUTION
    out = X
    for layer in layers:
        out = layer.forward(out)
    J, dout = squared_error(out, t)
    for layer in reversed(layers):
        dout = layer.backward(dout)
    for layer in layers:
        for key in layer.params:
            layer.params[key] -= lr * layer.grads[key]
    return J
    ### END SOLUTION
'''),
    ("tests", "test_train_step", 2, r'''
# Tests for train_step (2 points)
import copy
import numpy as np
import mlp_lib
from mlp_lib.checks import check_array, check_not_imported

check_not_imported(train_step, "train_step")


def correct_squared_error(z, t):
    loss = mlp_lib.SquaredError()
    return loss.forward(z, t), loss.backward()


def correct_step(layers, X, t, lr):
    """The reference: the library's forward, backward and θ ← θ − lr · g on the same layers."""
    model, loss = mlp_lib.Sequential(layers), mlp_lib.SquaredError()
    J = loss.forward(model.forward(X), t)
    model.backward(loss.backward())
    mlp_lib.SGD(lr).step(model.params, model.grads)
    return J


students_squared_error = globals().get("squared_error")
squared_error = correct_squared_error  # grade the step on its own, with a correct loss
try:
    net = [mlp_lib.Dense(2, 3, rng=0), mlp_lib.Tanh(), mlp_lib.Dense(3, 1, rng=1), mlp_lib.Sigmoid()]
    expected_net = copy.deepcopy(net)
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    t = np.array([[0.0], [1.0], [1.0], [0.0]])
    J = train_step(net, X, t, lr=0.5)
    expected_J = correct_step(expected_net, X, t, lr=0.5)
    check_array("the loss train_step returns", J, expected_J, hint="return J computed before the update")
    for number, (layer, expected_layer) in enumerate(zip(net[::2], expected_net[::2]), start=1):
        for key in ("W", "b"):
            check_array(f"{key}{number} after one step", layer.params[key], expected_layer.params[key],
                        hint="θ ← θ − lr · g for every parameter of every layer")
    ### BEGIN HIDDEN TESTS
    rng_step = np.random.default_rng(51)
    deep_net = [mlp_lib.Dense(3, 5, rng=52), mlp_lib.Tanh(), mlp_lib.Dense(5, 4, rng=53), mlp_lib.Tanh(),
                mlp_lib.Dense(4, 2, rng=54)]
    deep_expected = copy.deepcopy(deep_net)
    X_deep, t_deep = rng_step.normal(size=(6, 3)), rng_step.normal(size=(6, 2))
    for repeat in range(3):
        J_deep = train_step(deep_net, X_deep, t_deep, lr=0.1)
        expected_J_deep = correct_step(deep_expected, X_deep, t_deep, lr=0.1)
        check_array(f"the loss of step {repeat + 1} on a 3-layer network", J_deep, expected_J_deep)
    for number, (layer, expected_layer) in enumerate(zip(deep_net[::2], deep_expected[::2]), start=1):
        for key in ("W", "b"):
            check_array(f"{key}{number} after three steps of a 3-layer network", layer.params[key],
                        expected_layer.params[key], hint="update every layer, biases included")
    ### END HIDDEN TESTS
finally:
    squared_error = students_squared_error
print("train_step: tests passed")
'''),
    ("md", r'''
## Part 6 — Your layer learns XOR (3 points)

A perceptron cannot learn XOR; a network with a hidden layer can. The test trains
`[Dense(2, 4), tanh, Dense(4, 1), sigmoid]` with **your** `Dense` (and the library's activations, loss
and update, so only your layer is graded here) for 2000 steps of gradient descent with learning rate 2
on the four XOR examples, and requires all four to be classified correctly (output > 0.5 means 1).
With 4 tanh hidden units this converges from essentially every random start; with 2 it fails for about
a quarter of them. Nothing to write: if Parts 1 and 2 are right, this passes.
'''),
    ("tests", "test_xor", 3, r'''
# Your Dense layer trains an MLP on XOR (3 points)
import numpy as np
import mlp_lib
from mlp_lib.checks import check_array, time_limit

X_xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
t_xor = np.array([[0.0], [1.0], [1.0], [0.0]])


def train_xor(seed, steps=2000, lr=2.0):
    rng = np.random.default_rng(seed)
    layers = [Dense(2, 4, rng=rng), mlp_lib.Tanh(), Dense(4, 1, rng=rng), mlp_lib.Sigmoid()]
    loss = mlp_lib.SquaredError()
    for _ in range(steps):
        out = X_xor
        for layer in layers:
            out = layer.forward(out)
        loss.forward(out, t_xor)
        dout = loss.backward()
        for layer in reversed(layers):
            dout = layer.backward(dout)
        for layer in layers:
            for key in layer.params:
                layer.params[key] -= lr * layer.grads[key]
    return out


with time_limit(10, "training on XOR"):
    output = train_xor(seed=0)
check_array("predictions on XOR (seed 0)", (output > 0.5).astype(float), t_xor,
            hint="check Dense.forward and Dense.backward")
### BEGIN HIDDEN TESTS
for seed_hidden in (1, 2, 3):
    with time_limit(10, f"training on XOR with seed {seed_hidden}"):
        output_hidden = train_xor(seed=seed_hidden)
    check_array(f"predictions on XOR (seed {seed_hidden})", (output_hidden > 0.5).astype(float), t_xor,
                hint="check Dense.forward and Dense.backward")
### END HIDDEN TESTS
print("XOR: learned")
'''),
]
