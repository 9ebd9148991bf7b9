"""Tests for mlp_lib.grading.runtime: the kernel sends one record per cell, with its checks, and
names what the notebook replaced; ordinary numpy use is not a replacement."""
import math

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

import mlp_lib
import mlp_lib.checks
from mlp_lib.grading import runtime
from mlp_lib.grading.record import MIME


def test_changes_names_rebound_functions_methods_and_code():
    baseline = runtime.snapshot()
    saved = (np.allclose, math.isclose, mlp_lib.Dense.forward, mlp_lib.checks.check_array.__code__)
    try:
        np.allclose = lambda *a, **k: True
        math.isclose = lambda *a, **k: True
        mlp_lib.Dense.forward = lambda self, x: x
        mlp_lib.checks.check_array.__code__ = (lambda *a, **k: None).__code__
        assert runtime.changes(*baseline) == ["math.isclose", "mlp_lib.checks.check_array",
                                              "mlp_lib.layers.Dense.forward", "numpy.allclose"]
    finally:
        np.allclose, math.isclose, mlp_lib.Dense.forward, mlp_lib.checks.check_array.__code__ = saved
    assert runtime.changes(*baseline) == []


CELLS = [
    # ordinary work: nothing here is a replacement
    "%matplotlib inline\nimport warnings\nimport numpy as np\nimport numpy.testing\nimport scipy.special\n"
    "import matplotlib.pyplot as plt\nimport sklearn.linear_model\nnp.random.seed(0)\nnp.seterr(all='ignore')\n"
    "np.set_printoptions(precision=3)\nwarnings.filterwarnings('ignore')\n"
    "with warnings.catch_warnings():\n    warnings.simplefilter('error')\nprint(np.exp(1000.0))",
    "from mlp_lib.checks import check_array\ncheck_array('a', np.ones(2), [1.0, 1.0])",
    "x = 1",                                              # no checks: a record without observations
    "check_array('b', np.zeros(2), [1.0, 1.0])",          # a failing check: record with the error
    "np.allclose = lambda *a, **k: True",
    "check_array('c', np.ones(1), [1.0])",                # the change shows in every later record
    "ip = get_ipython()\nip.events.callbacks['post_run_cell'].clear()",
    "check_array('d', np.ones(1), [1.0])",                # hooks removed: no record, the test cannot pass
]


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=60, allow_errors=True, extra_arguments=[runtime.KERNEL_ARGUMENT]).execute()
    return [[o.data[MIME] for o in c.outputs if o.output_type == "display_data" and MIME in o.data]
            for c in nb.cells]


@pytest.mark.slow
def test_one_record_per_cell(executed):
    assert [len(records) for records in executed] == [1, 1, 1, 1, 1, 1, 0, 0]
    assert executed[0][0]["observations"] == [] and executed[0][0]["changed"] == []
    first, failing, changed = executed[1][0], executed[3][0], executed[5][0]
    assert [o["label"] for o in first["observations"]] == ["a"] and first["observations"][0]["line"] == 2
    assert first["error"] is None and first["changed"] == []
    assert failing["error"]["type"] == "AssertionError" and failing["error"]["line"] == 1
    assert failing["error"]["message"].startswith("b is wrong at index (0,)")
    assert changed["changed"] == ["numpy.allclose"]
