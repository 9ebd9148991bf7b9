#!/usr/bin/env python3
"""Training speed of ``mlp_lib.fit`` against a matrix-product floor, scikit-learn and PyTorch.

    python benchmarks/bench_training.py --threads 1
    python benchmarks/bench_training.py --workloads W1,W3 --repeats 11
    python benchmarks/bench_training.py --quick          # W2 on a 6000-row subset

For every workload, all implementations train the same network shapes on the same data
(same dtype, batch size, plain SGD without momentum or weight decay, shuffled every epoch):

* W1: digits (scikit-learn ``load_digits``, 1797 x 64, scaled to [0, 1]), 64-64-10, ReLU,
  softmax cross-entropy, batch 32, float64.
* W2: MNIST-shaped synthetic data, 60000 x 784 uniform float32 pixels, labels from a random linear
  teacher, 784-256-128-10, ReLU, softmax cross-entropy, batch 128, float32.
* W3: XOR, 200 points (``mlp_lib.datasets.xor``), 2-8-1, tanh hidden, sigmoid output, binary
  cross-entropy, full batch, float64.

Implementations: ``mlp_lib`` (``fit(..., progress=False)``); ``floor`` (only the matrix products a
training step needs: ``x @ W`` per layer, ``dW = a.T @ delta`` per layer and ``dx = delta @ W.T``
for every layer but the first, into preallocated arrays with ``np.matmul(..., out=...)``, over the
same batches, no shuffling, no elementwise work: no library can beat it with the same BLAS);
``sklearn`` (``MLPClassifier(solver="sgd", momentum=0, alpha=0, ...)``, one ``partial_fit`` per
epoch); ``torch`` (CPU, ``nn.Sequential`` + ``torch.optim.SGD``, manual batching; only if
``import torch`` works; ``torch.set_num_threads`` matches numpy's BLAS threads).

One timed block runs a few epochs (W3: 200, W1: 5, W2: 1) and gives seconds per epoch. After one
warm-up block each, the implementations take turns for ``--repeats`` rounds (a busy machine slows
them alike); the table shows the median, min and max over the rounds and the median's ratio to the
floor. ``--threads N`` sets OPENBLAS/OMP/MKL_NUM_THREADS before numpy is imported.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
GOALS = {"W1": 3.0, "W2": 1.5, "W3": 3.0}  # mlp_lib s/epoch <= goal x floor


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--threads", type=int, default=None,
                   help="BLAS/OpenMP threads (sets %s before numpy loads); default: leave as is" % "/".join(THREAD_VARS))
    p.add_argument("--workloads", default="W1,W2,W3", help="comma-separated subset of W1,W2,W3")
    p.add_argument("--repeats", type=int, default=7, help="timed rounds, each running every implementation once (default 7)")
    p.add_argument("--quick", action="store_true", help="W2 on a 6000-row subset of the 60000 rows")
    p.add_argument("--no-torch", action="store_true", help="skip PyTorch even if it is installed")
    args = p.parse_args(argv)
    args.workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    bad = [w for w in args.workloads if w not in GOALS]
    if bad:
        p.error(f"--workloads: unknown {bad}; choose from {sorted(GOALS)}")
    if args.repeats < 1:
        p.error("--repeats must be >= 1")
    if args.threads is not None and args.threads < 1:
        p.error("--threads must be >= 1")
    return args


ARGS = parse_args() if __name__ == "__main__" else None
if ARGS is not None and ARGS.threads is not None:
    for var in THREAD_VARS:  # must happen before numpy (and its BLAS) is loaded
        os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from mlp_lib import (BinaryCrossEntropy, Dense, ReLU, Sequential, Sigmoid,  # noqa: E402
                     SoftmaxCrossEntropy, Tanh, fit)
from mlp_lib.datasets import xor  # noqa: E402


# ---------------------------------------------------------------- workloads
def make_workload(name, quick=False):
    """Data and hyper-parameters of one workload as a dict."""
    if name == "W1":
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        return dict(name=name, X=np.ascontiguousarray(X / 16.0), y=y.astype(np.int64), sizes=[64, 64, 10],
                    hidden="relu", out="softmax", batch=32, lr=0.1, dtype=np.float64, epochs_per_block=5,
                    note="digits 1797x64, 64-64-10 ReLU, softmax CE, batch 32, float64")
    if name == "W2":
        n = 6000 if quick else 60000
        rng = np.random.default_rng(0)
        X = rng.random((60000, 784), dtype=np.float32)[:n]
        teacher = rng.standard_normal((784, 10)).astype(np.float32)
        y = np.argmax((X - 0.5) @ teacher, axis=1).astype(np.int64)
        return dict(name=name, X=np.ascontiguousarray(X), y=y, sizes=[784, 256, 128, 10], hidden="relu",
                    out="softmax", batch=128, lr=0.05, dtype=np.float32, epochs_per_block=1,
                    note=f"synthetic {n}x784{' (--quick subset of 60000)' if quick else ''}, "
                         "784-256-128-10 ReLU, softmax CE, batch 128, float32")
    if name == "W3":
        X, y = xor(n=200, noise=0.1, rng=0)
        return dict(name=name, X=X, y=y, sizes=[2, 8, 1], hidden="tanh", out="sigmoid", batch=200, lr=0.5,
                    dtype=np.float64, epochs_per_block=200,
                    note="XOR 200x2, 2-8-1 tanh, sigmoid + BCE, full batch, float64")
    raise ValueError(name)


# ---------------------------------------------------------------- implementations
# Each setup returns (run_block, accuracy): run_block() trains epochs_per_block epochs.

def setup_mlp_lib(w):
    sizes, dt = w["sizes"], w["dtype"]
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        last = i == len(sizes) - 2
        layers.append(Dense(a, b, init="xavier" if last or w["hidden"] == "tanh" else "he", rng=i, dtype=dt))
        if not last:
            layers.append(ReLU() if w["hidden"] == "relu" else Tanh())
    if w["out"] == "sigmoid":
        layers.append(Sigmoid())
    model = Sequential(layers)
    loss = SoftmaxCrossEntropy() if w["out"] == "softmax" else BinaryCrossEntropy()
    rng = np.random.default_rng(0)

    def run_block():
        fit(model, loss, w["X"], w["y"], lr=w["lr"], epochs=w["epochs_per_block"], batch_size=w["batch"],
            progress=False, rng=rng)

    def accuracy():
        return float(np.mean(loss.predict_labels(model.predict(w["X"])) == w["y"]))

    return run_block, accuracy


def setup_floor(w):
    X, sizes, dt, bs = w["X"], w["sizes"], w["dtype"], w["batch"]
    n, L = len(X), len(sizes) - 1
    rng = np.random.default_rng(0)
    Ws = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(dt) for a, b in zip(sizes[:-1], sizes[1:])]
    dWs = [np.empty_like(W) for W in Ws]
    bufs = {}
    for m in {min(bs, n), n % bs or min(bs, n)}:  # full batches and the last, shorter one
        z = [np.empty((m, b), dtype=dt) for b in sizes[1:]]  # layer outputs, reused as δ
        dx = [np.empty((m, a), dtype=dt) for a in sizes[:-1]]
        bufs[m] = (z, dx)

    def epoch():
        for start in range(0, n, bs):
            xb = X[start:start + bs]
            z, dx = bufs[len(xb)]
            a = xb
            for l in range(L):
                np.matmul(a, Ws[l], out=z[l])  # forward: a W
                a = z[l]
            for l in range(L - 1, -1, -1):
                delta = z[l]
                np.matmul(xb.T if l == 0 else z[l - 1].T, delta, out=dWs[l])  # dW = a^T δ
                if l:
                    np.matmul(delta, Ws[l].T, out=dx[l])  # dx = δ W^T

    def run_block():
        for _ in range(w["epochs_per_block"]):
            epoch()

    return run_block, None


def setup_sklearn(w):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(hidden_layer_sizes=tuple(w["sizes"][1:-1]), activation=w["hidden"], solver="sgd",
                        momentum=0.0, nesterovs_momentum=False, learning_rate="constant",
                        learning_rate_init=w["lr"], batch_size=w["batch"], alpha=0.0, max_iter=1,
                        warm_start=True, shuffle=True, random_state=0)
    classes = np.unique(w["y"])

    def run_block():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for _ in range(w["epochs_per_block"]):
                clf.partial_fit(w["X"], w["y"], classes=classes)  # one epoch of mini-batch SGD

    def accuracy():
        return float(clf.score(w["X"], w["y"]))

    return run_block, accuracy


def setup_torch(w, threads):
    import torch
    from torch import nn

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    dt = torch.float32 if w["dtype"] == np.float32 else torch.float64
    sizes, bs = w["sizes"], w["batch"]
    mods = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        mods.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            mods.append(nn.ReLU() if w["hidden"] == "relu" else nn.Tanh())
    if w["out"] == "sigmoid":
        mods.append(nn.Sigmoid())
    model = nn.Sequential(*mods).to(dt)
    opt = torch.optim.SGD(model.parameters(), lr=w["lr"], momentum=0.0)
    X = torch.from_numpy(w["X"])
    if w["out"] == "softmax":
        lossf, y = nn.CrossEntropyLoss(), torch.from_numpy(w["y"])
    else:
        lossf, y = nn.BCELoss(), torch.from_numpy(w["y"].astype(w["dtype"]).reshape(-1, 1))
    n = len(X)
    gen = torch.Generator().manual_seed(0)

    def epoch():
        order = torch.randperm(n, generator=gen)
        for start in range(0, n, bs):
            idx = order[start:start + bs]
            opt.zero_grad(set_to_none=True)
            loss = lossf(model(X[idx]), y[idx])
            loss.backward()
            opt.step()

    def run_block():
        for _ in range(w["epochs_per_block"]):
            epoch()

    def accuracy():
        with torch.no_grad():
            out = model(X)
            pred = out.argmax(1) if w["out"] == "softmax" else (out[:, 0] > 0.5).long()
            return float((pred.numpy() == w["y"]).mean())

    return run_block, accuracy


# ---------------------------------------------------------------- timing and report
def time_blocks(blocks, repeats, epochs_per_block):
    """Seconds per epoch of each ``blocks[name]()``: one warm-up block each, then ``repeats`` rounds
    that run every implementation once in turn (so a busy machine slows all of them alike)."""
    for run_block in blocks.values():
        run_block()
    times = {name: [] for name in blocks}
    for _ in range(repeats):
        for name, run_block in blocks.items():
            t0 = time.perf_counter()
            run_block()
            times[name].append((time.perf_counter() - t0) / epochs_per_block)
    return times


def blas_threads():
    """(description, thread count) of the BLAS numpy uses, via threadpoolctl if available."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (no threadpoolctl)", os.cpu_count() or 1
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not infos:
        return "unknown", os.cpu_count() or 1
    numpy_own = [i for i in infos if "numpy" in str(i.get("filepath", ""))]  # not scipy's copy
    i = (numpy_own or infos)[0]
    return f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)", int(i.get("num_threads") or 1)


def have_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def main(args):
    import sklearn

    blas, threads = blas_threads()
    use_torch = not args.no_torch and have_torch()
    env = ", ".join(f"{v}={os.environ.get(v, 'unset')}" for v in THREAD_VARS)
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          + (f"torch {__import__('torch').__version__}" if use_torch
             else "torch: skipped (--no-torch)" if args.no_torch else "torch: not installed (skipped)"))
    print(f"BLAS: {blas}; {env}; --threads {args.threads if args.threads else 'not given (left as is)'}; "
          f"cpus: {os.cpu_count()}")
    if use_torch:
        print(f"torch.set_num_threads({threads}) to match numpy's BLAS")
    print(f"median of {args.repeats} rounds (implementations take turns) after 1 warm-up block each\n")
    rows, results = [], {}
    for name in args.workloads:
        w = make_workload(name, quick=args.quick)
        print(f"{name}: {w['note']}", flush=True)
        setups = {"floor": lambda: setup_floor(w), "mlp_lib": lambda: setup_mlp_lib(w),
                  "sklearn": lambda: setup_sklearn(w)}
        if use_torch:
            setups["torch"] = lambda: setup_torch(w, threads)
        built = {impl: setup() for impl, setup in setups.items()}
        times = time_blocks({impl: run for impl, (run, _) in built.items()}, args.repeats, w["epochs_per_block"])
        for impl, (_, accuracy) in built.items():
            med = float(np.median(times[impl]))
            results[name, impl] = med
            acc = "" if accuracy is None else f"{accuracy():.3f}"
            rows.append((name, impl, med, min(times[impl]), max(times[impl]), acc))
    print()
    head = f"{'workload':8s} {'implementation':14s} {'median s/epoch':>14s} {'min':>10s} {'max':>10s} " \
           f"{'x floor':>8s} {'train acc':>9s}"
    print(head)
    print("-" * len(head))
    for name, impl, med, lo, hi, acc in rows:
        ratio = med / results[name, "floor"]
        print(f"{name:8s} {impl:14s} {med:14.3e} {lo:10.3e} {hi:10.3e} {ratio:8.2f} {acc:>9s}")
    print("\nGoals:")
    met_all = True
    for name in args.workloads:
        mine = results[name, "mlp_lib"]
        ratio = mine / results[name, "floor"]
        checks = [(f"mlp_lib <= {GOALS[name]}x floor ({ratio:.2f}x)", ratio <= GOALS[name])]
        for other in ("sklearn", "torch"):
            if (name, other) in results:
                checks.append((f"faster than {other} ({results[name, other] / mine:.2f}x)",
                               mine < results[name, other]))
        for text, ok in checks:
            met_all &= ok
            print(f"  {name}: {text}: {'met' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(ARGS))
