"""The lecture notebooks as files: built from their text sources, saved clean, with slide metadata.

nbval (``pytest --nbval-lax lectures/``) runs them; these tests check what is committed:

* every notebook (lectures and assignment sources) is exactly what ``tools/notebooks.py`` builds
  from its MyST text source ``NAME.md``: same cells, stable ids, stored checked outputs;
* no outputs, execution counts or widget state are saved, except in cells tagged
  ``nbval-check-output``: nbval skips the comparison for a cell whose execution count is None,
  so a checked cell keeps its expected printed text (stdout only) and a count; without them the
  check would silently pass. No cell carries a visible ``# NBVAL_CHECK_OUTPUT`` comment;
* slide types are valid; the first cell is the title, a "Learning objectives" cell follows;
  the first code cell starts the figures with ``use_widget_backend()`` (``%matplotlib widget``
  where ipympl works, still images elsewhere);
* the kernel is ``python3``, and ``jupyter nbconvert --to slides`` converts each notebook.
"""
import sys
from pathlib import Path

import nbformat
import pytest
from nbconvert import SlidesExporter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import notebooks as builder  # noqa: E402  (tools/notebooks.py)

LECTURES = ROOT / "lectures"
NOTEBOOKS = sorted(LECTURES.glob("*.ipynb"))
EXPECTED = ["00_neurons_and_activations", "01_perceptron_and_its_limits", "02_xor_and_multilayer_perceptrons",
            "03_backpropagation", "04_saturation_and_vanishing_exploding_gradients", "05_gradient_clipping",
            "06_weight_initialization", "07_gradient_descent_variants"]
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
CHECK_TAG = builder.CHECK_TAG


def ids(paths):
    return [p.stem for p in paths]


@pytest.fixture(scope="module", params=NOTEBOOKS, ids=ids(NOTEBOOKS))
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def is_checked(cell):
    return cell.cell_type == "code" and CHECK_TAG in cell.metadata.get("tags", [])


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
        where = f"{path.name}, checked cell {i} ({cell.source.splitlines()[0][:40]!r}...)"
        assert cell.execution_count is not None, f"{where}: no execution count, so nbval would not compare it"
        assert cell.outputs, f"{where}: no expected output saved, so nbval has nothing to compare"
        for out in cell.outputs:
            assert out.output_type == "stream" and out.name == "stdout", f"{where}: only printed text may be saved"
            assert "0x" not in out.text, f"{where}: a memory address will not match on another run"


def test_slide_types_are_valid(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        slide_type = cell.metadata.get("slideshow", {}).get("slide_type", "-")  # absent: "-", same slide
        assert slide_type in SLIDE_TYPES, f"{path.name} cell {i}: slide_type {slide_type!r}"
    assert nb.cells[0].metadata.slideshow.slide_type == "slide"


def test_no_visible_test_markers(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        assert "NBVAL" not in cell.source, f"{path.name} cell {i}: use the cell tag {CHECK_TAG}, not a comment"


def test_title_and_learning_objectives(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), f"{path.name}: first cell is not a title"
    assert any(c.cell_type == "markdown" and "learning objectives" in c.source.lower() for c in nb.cells[:4]), \
        f"{path.name}: no 'Learning objectives' cell near the top"


def test_starts_its_figures_with_use_widget_backend(notebook):
    path, nb = notebook
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source.startswith("from mlp_lib.widgets import use_widget_backend\nuse_widget_backend()"), \
        f"{path.name}: the first code cell must start with use_widget_backend() (not a bare %matplotlib widget)"


def test_kernel_is_python3(notebook):
    path, nb = notebook
    assert nb.metadata.kernelspec.name == "python3"


def test_converts_to_slides(notebook):
    path, nb = notebook
    body, _ = SlidesExporter().from_notebook_node(nb)
    n_slides = sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in nb.cells)
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


# --------------------------------------------------------------------------- built from text sources

SOURCES = builder.all_sources()


def test_every_notebook_has_a_text_source():
    built = sorted(LECTURES.glob("*.ipynb")) + sorted((ROOT / "assignments" / "source").glob("*/*.ipynb"))
    assert len(built) >= len(EXPECTED) + 3
    sources = {p.with_suffix(".ipynb") for p in SOURCES}
    orphans = [str(p.relative_to(ROOT)) for p in built if p not in sources]
    assert not orphans, f"notebooks without a MyST text source (NAME.md): {orphans}"


def test_notebooks_are_in_step_with_their_sources():
    problems = builder.stale_notebooks(SOURCES)
    assert not problems, "run `python3 tasks.py notebooks`:\n" + "\n".join(problems)


def test_check_mode_detects_an_edit_on_one_side(tmp_path):
    """``--check`` fails when only the .md (or only the .ipynb) was edited, and names the file."""
    source = LECTURES / f"{EXPECTED[0]}.md"
    (tmp_path / "lectures").mkdir()  # a copy of the folder: still a lecture, with checked outputs
    copy_md = tmp_path / "lectures" / source.name
    copy_nb = copy_md.with_suffix(".ipynb")
    copy_md.write_text(source.read_text(encoding="utf-8").replace("## Learning objectives",
                                                                  "## Learning goals"), encoding="utf-8")
    copy_nb.write_bytes(source.with_suffix(".ipynb").read_bytes())
    problems = builder.stale_notebooks([copy_md])
    assert len(problems) == 1 and problems[0].startswith(str(copy_nb)), problems
    copy_md.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert builder.stale_notebooks([copy_md]) == []
    nb = nbformat.read(copy_nb, as_version=4)
    nb.cells[0].source += " (typo fixed in the notebook only)"
    nbformat.write(nb, copy_nb)
    assert builder.stale_notebooks([copy_md]), "an edit of the .ipynb alone must count as drift"


def test_cell_ids_are_stable_and_survive_an_inserted_cell(tmp_path):
    source = LECTURES / f"{EXPECTED[3]}.md"
    first, again = builder.build(source), builder.build(source)
    ids = [c.id for c in first.cells]
    assert ids == [c.id for c in again.cells] and len(set(ids)) == len(ids)
    text = source.read_text(encoding="utf-8")
    marker = "## Learning objectives"
    edited = tmp_path / source.name
    edited.write_text(text.replace(marker, "A new first paragraph.\n\n+++\n\n" + marker, 1), encoding="utf-8")
    new_ids = [c.id for c in builder.build(edited).cells]
    assert len(new_ids) == len(ids) + 1
    assert set(ids) <= set(new_ids), "inserting a cell changed the ids of the others"


def test_assignment_cells_keep_their_nbgrader_metadata_and_ids():
    for source in SOURCES:
        if builder.is_lecture(source):
            continue
        nb = builder.build(source)
        graded = [c for c in nb.cells if "nbgrader" in c.metadata]
        assert len(graded) >= 8, source.name
        for cell in graded:
            meta = cell.metadata["nbgrader"]
            assert cell.id == meta["grade_id"] and meta["schema_version"] == 3
            if meta["grade"]:
                assert meta["points"] > 0


def test_code_cells_name_their_lexer():
    """``{code-cell} ipython3``, as jupytext writes once a kernel is connected: saving a source
    in JupyterLab then changes no fence line, so its diff shows only the real edit."""
    for source in SOURCES:
        bare = [i + 1 for i, line in enumerate(source.read_text(encoding="utf-8").splitlines())
                if line.startswith("```{code-cell}") and line != "```{code-cell} ipython3"]
        assert not bare, f"{source.relative_to(ROOT)} lines {bare}: write ```{{code-cell}} ipython3"
