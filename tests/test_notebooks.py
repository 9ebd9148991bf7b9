"""The lecture notebooks as files: saved clean, with slide metadata, and convertible to slides.

nbval (``pytest --nbval-lax lectures/``) runs them; these tests check what is committed:

* no outputs, execution counts or widget state are saved — except in cells marked
  ``# NBVAL_CHECK_OUTPUT``. nbval skips the comparison for a cell whose execution count is
  None, so a checked cell keeps its expected printed text (stdout only) and a count; without
  them the check would silently pass;
* every cell has ``metadata.slideshow.slide_type``; the first cell is the title; a
  "Learning objectives" cell follows; the first code cell starts with ``%matplotlib widget``;
* the kernel is ``python3``, and ``jupyter nbconvert --to slides`` converts each notebook.
"""
from pathlib import Path

import nbformat
import pytest
from nbconvert import SlidesExporter

LECTURES = Path(__file__).resolve().parents[1] / "lectures"
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))
EXPECTED = ["00_neurons_and_activations", "01_perceptron_and_its_limits", "02_xor_and_multilayer_perceptrons",
            "03_backpropagation", "04_saturation_and_vanishing_exploding_gradients", "05_gradient_clipping",
            "06_weight_initialization", "07_gradient_descent_variants"]
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
CHECK = "# NBVAL_CHECK_OUTPUT"


def ids(paths):
    return [p.stem for p in paths]


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=ids(NOTEBOOKS))
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def is_checked(cell):
    return cell.cell_type == "code" and cell.source.lstrip().startswith(CHECK)


@pytest.mark.parametrize("name", EXPECTED)
def test_every_lecture_exists(name):
    assert (LECTURES / f"{name}.ipynb").exists(), f"lectures/{name}.ipynb is missing"


def test_valid_nbformat(notebook):
    path, nb = notebook
    nbformat.validate(nb)
    assert nb.nbformat == 4


def test_no_outputs_or_execution_counts(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or is_checked(cell):
            continue
        assert cell.outputs == [], f"{path.name} cell {i} has saved outputs: clear them"
        assert cell.execution_count is None, f"{path.name} cell {i} has an execution count: clear it"
    assert "widgets" not in nb.metadata, f"{path.name} saved widget state: clear it"


def test_checked_cells_keep_only_their_expected_text(notebook):
    path, nb = notebook
    for i, cell in enumerate(filter(is_checked, nb.cells)):
        where = f"{path.name}, checked cell {i} ({cell.source.splitlines()[1][:40]!r}...)"
        assert cell.execution_count is not None, f"{where}: no execution count, so nbval would not compare it"
        assert cell.outputs, f"{where}: no expected output saved, so nbval has nothing to compare"
        for out in cell.outputs:
            assert out.output_type == "stream" and out.name == "stdout", f"{where}: only printed text may be saved"
            assert "0x" not in out.text, f"{where}: a memory address will not match on another run"


def test_every_cell_has_slideshow_metadata(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"{path.name} cell {i}: slide_type {slide_type!r}"
    assert nb.cells[0].metadata.slideshow.slide_type == "slide"


def test_title_and_learning_objectives(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), f"{path.name}: first cell is not a title"
    assert any(c.cell_type == "markdown" and "learning objectives" in c.source.lower() for c in nb.cells[:4]), \
        f"{path.name}: no 'Learning objectives' cell near the top"


def test_starts_with_ipympl(notebook):
    path, nb = notebook
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source.startswith("%matplotlib widget"), f"{path.name}: first code cell must be %matplotlib widget"


def test_kernel_is_python3(notebook):
    path, nb = notebook
    assert nb.metadata.kernelspec.name == "python3"


def test_converts_to_slides(notebook):
    path, nb = notebook
    body, _ = SlidesExporter().from_notebook_node(nb)
    n_slides = sum(c.metadata.slideshow.slide_type == "slide" for c in nb.cells)
    assert n_slides >= 3, f"{path.name}: only {n_slides} slides"
    assert body.count("<section") >= n_slides
    title = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
    assert title.split()[-1] in body


@pytest.mark.parametrize("name, phrase", [
    ("00_neurons_and_activations", "(-1, 1)"),
    ("02_xor_and_multilayer_perceptrons", "Z = g(Wx)"),
    ("03_backpropagation", "\\delta_k = z_k(1 - z_k)(t_k - z_k)"),
])
def test_errata_are_flagged(name, phrase):
    path = LECTURES / f"{name}.ipynb"
    if not path.exists():
        pytest.skip(f"{path.name} not written yet")
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    assert "Note (erratum)" in text
    assert phrase in text.replace("$", "").replace("\\\\", "\\")
