"""The instructor's grading pipeline, end to end, on a temporary copy of the course.

    course.py generate      -> release notebooks: no solution code, no hidden tests
    (the test writes submissions: the reference solution, the untouched release, special cases below,
    and the corpus of tests/corpus/: correct answers written differently, realistic mistakes, tampering)
    course.py nbgrader zip_collect -> one more submission, from an LMS-style zip
    course.py autograde     -> every assignment, every student, one command
    course.py export        -> grades.csv: the exact score of every submission
    course.py scores --json -> which parts lost points
    course.py feedback      -> HTML that names each mistake and never shows hidden test code
    course.py validate      -> a verdict from nbgrader's Validator, not from its exit code
    mlp-check               -> the students' check agrees with the grader on every corpus notebook

The special submissions, and what they must cost (points per part are in each test cell's first line):

    a1 infinite_loop  relu loops forever: the cell timeout interrupts its test (-1); train_perceptron
                      ignores max_epochs: the XOR test's time limit (checks.time_limit) stops it (-1)
    a1 tampered       test_sigmoid and test_train_perceptron deleted (put back and graded: 0 lost); the
                      tanh cell and its test deleted (test put back, fails, and tanh_grad is gone too: -1 -1);
                      test_relu replaced by a print and relu wrong (restored: -1); test_perceptron_update made
                      ungraded, unlocked, 100 points (reset: max stays 11). Stock nbgrader 0.9.6 fails the whole
                      notebook on both of the last two (OverwriteCells(add_missing_cells=True): KeyError
                      'tanh'; the metadata: "Inconsistent checksums").
    a1 kernel_death   tanh calls os._exit: that cell fails, a new kernel grades the rest (-1)
    a2 unresponsive   an interrupt-proof endless loop at the top of the train_step cell: the cell
                      timeout ends it, the kernel is replaced; train_step is undefined (-2)
    a3 cell_timeout   an endless loop at the top of the clipping cell: interrupted at the cell
                      timeout; both clipping parts fail (-1 -2)

A kernel death costs exactly the cell running when the kernel died (here the test of tanh):
the cells above it are run again in a new kernel and every later part is graded normally.
"""
from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

import corpus

REPO = Path(__file__).resolve().parents[1]
COURSE = REPO / "assignments"
A1, A2, A3 = "a1_activations_and_perceptron", "a2_backpropagation", "a3_training_deep_networks"
ASSIGNMENTS = (A1, A2, A3)
CELL_TIMEOUT = 10  # seconds, for the endless-loop submissions (the course default is 20); a test cell's
                   # first `import mlp_lib` must fit in it even on a busy machine

pytestmark = pytest.mark.slow

MAX_SCORE = {A1: 11.0, A2: 14.0, A3: 15.0}  # a3: 13 autograded + 2 for the written answer
A1_PARTS = {"test_sigmoid", "test_sigmoid_grad", "test_tanh", "test_tanh_grad", "test_relu", "test_relu_grad",
            "test_perceptron_update", "test_train_perceptron", "test_train_perceptron_epochs",
            "test_train_perceptron_max_epochs"}
A2_PARTS = {"test_dense_forward", "test_dense_backward", "test_tanh_backward", "test_sigmoid_backward",
            "test_squared_error", "test_squared_error_gradient", "test_train_step", "test_xor"}
A3_PARTS = {"test_xavier", "test_he", "test_clip_by_value", "test_clip_by_norm", "test_minibatches",
            "test_batchnorm_forward", "test_batchnorm_running", "test_batchnorm_backward", "test_batchnorm_eval"}
EXPECTED = {  # (assignment, student) -> (score in grades.csv, parts that lost points); the corpus comes on top
    (A1, "reference"): (11, set()),
    (A1, "untouched"): (0, A1_PARTS),
    (A1, "infinite_loop"): (9, {"test_relu", "test_train_perceptron_max_epochs"}),
    (A1, "tampered"): (8, {"test_tanh", "test_tanh_grad", "test_relu"}),
    (A1, "kernel_death"): (10, {"test_tanh"}),
    (A1, "lms_zip"): (11, set()),  # the reference, collected from an LMS zip with zip_collect
    (A2, "reference"): (14, set()),
    (A2, "untouched"): (0, A2_PARTS),
    (A2, "unresponsive"): (12, {"test_train_step"}),
    (A3, "reference"): (13, set()),  # + the written answer, waiting for a human
    (A3, "untouched"): (0, A3_PARTS | {"zero_init_answer"}),
    (A3, "cell_timeout"): (10, {"test_clip_by_value", "test_clip_by_norm"}),
}
FEEDBACK_MESSAGES = {  # what the student reads in the feedback HTML
    (A1, "infinite_loop"): ["train_perceptron on XOR did not finish within 3 s (infinite loop?)",
                            "KeyboardInterrupt", "CellTimeoutError"],
    (A1, "tampered"): ["relu([-2, 0, 3]) is wrong at index (0,): got 2, expected 0",
                       "was missing from the submission. It was added back by nbgrader",
                       "NameError: name 'tanh' is not defined"],
    (A1, "kernel_death"): ["the kernel died while running this cell"],
    (A2, "unresponsive"): [f"did not finish within {CELL_TIMEOUT} s and ignored the interrupt"],
    (A3, "cell_timeout"): ["CellTimeoutError"],
}
CORPUS = {(a, name): entry for a in ASSIGNMENTS for name, entry in corpus.entries(a).items()}

_SOLUTION_MARK = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n", re.M)
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)[ \t]*### END HIDDEN TESTS", re.S)


# --------------------------------------------------------------------------- helpers

def course_py(course, *args, timeout=600):
    """Run the documented instructor command on the course copy."""
    proc = subprocess.run([sys.executable, str(course / "course.py"), *args], capture_output=True,
                          text=True, timeout=timeout)
    log = course / "logs" / f"{'_'.join(args[:2]).replace('/', '_')}.log"
    log.parent.mkdir(exist_ok=True)
    log.write_text(proc.stdout + "\n" + proc.stderr, encoding="utf-8")
    proc.log = (f"$ course.py {' '.join(args)} (exit {proc.returncode}; full output in {log})\n"
                f"{proc.stdout[-6000:]}\n{proc.stderr[-6000:]}")
    return proc


def read_nb(path):
    return nbformat.read(path, as_version=4)


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def source_nb(assignment):
    return read_nb(COURSE / "source" / assignment / f"{assignment}.ipynb")


def reference_answers(assignment):
    """The solution cells of the source notebook without the BEGIN/END SOLUTION lines."""
    return {grade_id(c): _SOLUTION_MARK.sub("", c.source + "\n") for c in source_nb(assignment).cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def hidden_lines(assignment):
    """Lines of hidden tests that appear nowhere else in the notebook (so must never be shown)."""
    nb = source_nb(assignment)
    hidden, elsewhere = set(), set()
    for cell in nb.cells:
        blocks = _HIDDEN.findall(cell.source)
        hidden |= {ln.strip() for block in blocks for ln in block.splitlines() if len(ln.strip()) >= 12}
        elsewhere |= {ln.strip() for ln in _HIDDEN.sub("", cell.source).splitlines()}
    return hidden - elsewhere


def changed(text, old, new):
    assert old in text, f"the reference solution changed: {old!r} not found"
    return text.replace(old, new)


def html_text(path):
    """The visible text of an HTML file (tags removed, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


# --------------------------------------------------------------------------- the submissions

def submissions():
    """{(assignment, student): notebook spec}: the special cases, then the corpus (tests/corpus/)."""
    ref = {a: reference_answers(a) for a in ASSIGNMENTS}
    endless = "while True:\n    pass\n\n"
    interrupt_proof = ("import time\nwhile True:  # swallows the KeyboardInterrupt of the timeout\n"
                       "    try:\n        time.sleep(0.05)\n    except BaseException:\n        pass\n\n")
    special = {
        (A1, "reference"): dict(answers=ref[A1]),
        (A1, "untouched"): dict(answers={}),
        (A1, "infinite_loop"): dict(answers={
            **ref[A1],
            "relu": changed(ref[A1]["relu"], '    """max(0, x), elementwise."""\n',
                            '    """max(0, x), elementwise."""\n    while True:\n        pass\n'),
            "train_perceptron": changed(
                ref[A1]["train_perceptron"], "    for epochs in range(1, max_epochs + 1):",
                "    while True:  # until no mistakes, ignoring max_epochs\n        epochs += 1")}),
        (A1, "tampered"): dict(
            answers={**ref[A1], "relu": changed(ref[A1]["relu"], "np.maximum(np.asarray(x, dtype=float), 0.0)",
                                                "np.abs(np.asarray(x, dtype=float))")},
            delete={"test_sigmoid", "tanh", "test_tanh", "test_train_perceptron"},
            edit={"test_relu": 'print("relu: tests passed")'},
            metadata={"test_perceptron_update": {"grade": False, "locked": False, "points": 100}}),
        (A1, "kernel_death"): dict(answers={**ref[A1], "tanh": changed(
            ref[A1]["tanh"], "    u = np.exp(-2.0 * np.abs(x))", "    import os\n    os._exit(1)")}),
        (A2, "reference"): dict(answers=ref[A2]),
        (A2, "untouched"): dict(answers={}),
        (A2, "unresponsive"): dict(answers={**ref[A2], "train_step": interrupt_proof + ref[A2]["train_step"]}),
        (A3, "reference"): dict(answers=ref[A3]),
        (A3, "untouched"): dict(answers={}),
        (A3, "cell_timeout"): dict(answers={**ref[A3], "clipping": endless + ref[A3]["clipping"]}),
    }
    from_corpus = {key: dict(answers={**ref[key[0]], **entry.cells}, inserts=entry.inserts)
                   for key, entry in CORPUS.items()}
    return {**special, **from_corpus}


def write_submission(course, assignment, student, answers, delete=(), edit=None, metadata=None, inserts=()):
    nb = corpus.notebook(course / "release" / assignment / f"{assignment}.ipynb", answers, inserts)
    for cell in nb.cells:
        if grade_id(cell) in (edit or {}):
            cell.source = edit[grade_id(cell)]
        if grade_id(cell) in (metadata or {}):
            cell.metadata.nbgrader.update(metadata[grade_id(cell)])
    nb.cells = [c for c in nb.cells if grade_id(c) not in delete]
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")


def points(assignment):
    """{grade_id: points} of the test cells of the source notebook."""
    return {grade_id(c): float(c.metadata["nbgrader"]["points"]) for c in source_nb(assignment).cells
            if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")}


def lost_parts(scores, assignment, student):
    parts = scores[assignment][student]["parts"]
    return {name for name, p in parts.items() if p["score"] < p["max_score"] and not p["needs_manual_grade"]}


# --------------------------------------------------------------------------- the pipeline run

@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """Run the whole pipeline once on a copy of the course; the tests below inspect the results."""
    course = tmp_path_factory.mktemp("grading") / "assignments"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "exchange", "downloaded", "gradebook.db",
        "__pycache__", ".ipynb_checkpoints", "*.log", "grades.csv"))
    timings = {}

    def step(name, *args):
        start = time.perf_counter()
        proc = course_py(course, *args)
        timings[name] = time.perf_counter() - start
        return proc

    generated = step("generate", "generate")
    assert generated.returncode == 0, generated.log
    for (assignment, student), spec in submissions().items():
        write_submission(course, assignment, student, **spec)
    # an LMS download: <student_id>_<notebook>.ipynb in a zip (see nbgrader_config.py)
    archive = course / "downloaded" / A1 / "archive"
    archive.mkdir(parents=True)
    with zipfile.ZipFile(archive / "submissions.zip", "w") as zf:
        zf.write(course / "submitted" / "reference" / A1 / f"{A1}.ipynb", f"a1/lms_zip_{A1}.ipynb")
    collected = step("zip_collect", "nbgrader", "zip_collect", A1)
    assert (course / "submitted" / "lms_zip" / A1 / f"{A1}.ipynb").exists(), collected.log
    autograded = step("autograde", "autograde", "--timeout", str(CELL_TIMEOUT))
    exported = step("export", "export", "--to", str(course / "grades.csv"))
    scores = step("scores", "scores", "--json")
    feedback = step("feedback", "feedback")
    print("pipeline timings (s):", {k: round(v, 1) for k, v in timings.items()})
    return dict(course=course, autograded=autograded, exported=exported, scores=scores, feedback=feedback,
                timings=timings)


def solution_lines(assignment):
    """Lines inside BEGIN/END SOLUTION regions that appear nowhere else in the source notebook."""
    inside, outside = set(), set()
    for cell in source_nb(assignment).cells:
        region = False
        for line in cell.source.splitlines():
            if re.match(r"\s*### BEGIN SOLUTION", line):
                region = True
            elif re.match(r"\s*### END SOLUTION", line):
                region = False
            else:
                (inside if region else outside).add(line.strip())
    return {ln for ln in inside - outside if len(ln) >= 8}


def test_release_has_no_solutions_and_no_hidden_tests(pipeline):
    course = pipeline["course"]
    for assignment in (A1, A2, A3):
        release = read_nb(course / "release" / assignment / f"{assignment}.ipynb")
        lines = {ln.strip() for c in release.cells for ln in c.source.splitlines()}
        assert not {ln for ln in lines if "BEGIN SOLUTION" in ln or "HIDDEN TESTS" in ln}
        assert not hidden_lines(assignment) & lines
        secret_solution = solution_lines(assignment)
        assert len(secret_solution) >= 10 and not secret_solution & lines, assignment
        stubs = [c.source for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
        assert len(stubs) == len(reference_answers(assignment))
        assert all("raise NotImplementedError()" in s or "YOUR ANSWER HERE" in s for s in stubs)
        assert all(not c.get("outputs") for c in release.cells)
        # the text source (NAME.md, with solutions and hidden tests) is not released
        released = sorted(p.name for p in (course / "release" / assignment).iterdir())
        assert released == [f"{assignment}.ipynb"], released


def expected_results():
    """{(assignment, student): (score in grades.csv, parts that lose points)}: special cases and corpus."""
    out = dict(EXPECTED)
    for (assignment, name), entry in CORPUS.items():
        worth = points(assignment)
        out[(assignment, name)] = (sum(worth.values()) - sum(worth[part] for part in entry.loses), entry.loses)
    return out


def test_every_submission_is_graded(pipeline):
    proc = pipeline["autograded"]
    assert proc.returncode == 0, proc.log  # course.py's verdict: every submission has an autograded notebook
    for assignment, student in expected_results():
        path = pipeline["course"] / "autograded" / student / assignment / f"{assignment}.ipynb"
        assert path.exists(), f"{student}/{assignment} was not graded\n{proc.log}"


def test_exported_scores_are_exact(pipeline):
    assert pipeline["exported"].returncode == 0, pipeline["exported"].log
    expected = expected_results()
    with open(pipeline["course"] / "grades.csv", newline="") as f:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(f)}
    got = {key: float(rows[key]["score"]) for key in expected}
    assert got == {key: float(score) for key, (score, _) in expected.items()}
    for (assignment, _), row in rows.items():
        assert float(row["max_score"]) == MAX_SCORE[assignment]
    # students without a submission for an assignment get 0
    assert all(float(r["score"]) == 0 for key, r in rows.items() if key not in expected)


def test_each_part_is_graded_on_its_own(pipeline):
    assert pipeline["scores"].returncode == 0, pipeline["scores"].log
    scores = json.loads(pipeline["scores"].stdout)
    for (assignment, student), (total, lost) in expected_results().items():
        assert lost_parts(scores, assignment, student) == lost, (assignment, student)
        assert scores[assignment][student]["score"] == total, (assignment, student)
    # the written answer waits for a human; an unchanged answer is 0 without review
    assert scores[A3]["reference"]["parts"]["zero_init_answer"]["needs_manual_grade"] is True
    assert scores[A3]["untouched"]["parts"]["zero_init_answer"]["needs_manual_grade"] is False
    # deleted test cells were put back and graded, not left "needs manual grade"
    tampered = scores[A1]["tampered"]["parts"]
    for name in ("test_sigmoid", "test_train_perceptron"):
        assert tampered[name] == {"score": 1.0, "max_score": 1.0, "auto_score": 1.0, "needs_manual_grade": False}
    assert tampered["test_tanh"]["needs_manual_grade"] is False  # put back after its deleted answer cell
    assert tampered["test_perceptron_update"]["score"] == 2.0  # the student's metadata was reset
    assert tampered["test_perceptron_update"]["max_score"] == 2.0
    assert scores[A1]["tampered"]["max_score"] == 11.0


# The answer cell each test cell grades: a correct alternative of that cell must pass that test.
ANSWER_OF = {
    "test_sigmoid": "sigmoid", "test_sigmoid_grad": "sigmoid", "test_tanh": "tanh", "test_tanh_grad": "tanh",
    "test_relu": "relu", "test_relu_grad": "relu", "test_perceptron_update": "perceptron_update",
    "test_train_perceptron": "train_perceptron", "test_train_perceptron_epochs": "train_perceptron",
    "test_train_perceptron_max_epochs": "train_perceptron",
    "test_dense_forward": "dense", "test_dense_backward": "dense", "test_xor": "dense",
    "test_tanh_backward": "activations", "test_sigmoid_backward": "activations", "test_squared_error": "loss",
    "test_squared_error_gradient": "loss", "test_train_step": "train_step",
    "test_xavier": "init", "test_he": "init", "test_clip_by_value": "clipping", "test_clip_by_norm": "clipping",
    "test_minibatches": "minibatches", "test_batchnorm_forward": "batchnorm", "test_batchnorm_running": "batchnorm",
    "test_batchnorm_backward": "batchnorm", "test_batchnorm_eval": "batchnorm",
}


def corpus_of(kind):
    return {key: entry for key, entry in CORPUS.items() if entry.kind == kind}


def test_corpus_covers_every_part():
    assert set(ANSWER_OF) == A1_PARTS | A2_PARTS | A3_PARTS
    for part, answer in ANSWER_OF.items():
        alternatives = [key for key, e in corpus_of("correct").items() if answer in e.cells]
        assert len(alternatives) >= 2, f"{part}: fewer than two correct alternatives of {answer}"
        assert any(part in e.loses for e in corpus_of("mistake").values()), f"{part}: no mistake costs it"
    assert len(corpus_of("tamper")) >= 6


def test_correct_answers_written_differently_get_full_marks(pipeline):
    scores = json.loads(pipeline["scores"].stdout)
    for (assignment, name) in corpus_of("correct"):
        assert lost_parts(scores, assignment, name) == set(), (assignment, name)
        assert scores[assignment][name]["score"] == sum(points(assignment).values()), (assignment, name)


def test_each_mistake_costs_exactly_its_parts(pipeline):
    scores = json.loads(pipeline["scores"].stdout)
    for (assignment, name), entry in corpus_of("mistake").items():
        assert lost_parts(scores, assignment, name) == entry.loses, (assignment, name, entry.summary)


def test_tampering_never_scores_more_than_the_same_submission_without_it(pipeline):
    scores = json.loads(pipeline["scores"].stdout)
    for (assignment, name), entry in corpus_of("tamper").items():
        lost, base_lost = lost_parts(scores, assignment, name), lost_parts(scores, assignment, entry.base)
        assert scores[assignment][name]["score"] <= scores[assignment][entry.base]["score"], (assignment, name)
        assert lost >= base_lost, (assignment, name, base_lost - lost)
        assert lost == entry.loses, (assignment, name, entry.summary)


def test_feedback_names_the_mistakes(pipeline):
    course = pipeline["course"]
    assert pipeline["feedback"].returncode == 0, pipeline["feedback"].log
    messages = {**FEEDBACK_MESSAGES, **{key: entry.messages for key, entry in CORPUS.items()}}
    for (assignment, student), (total, _) in expected_results().items():
        text = html_text(course / "feedback" / student / assignment / f"{assignment}.html")
        assert f"Score: {float(total)} / {MAX_SCORE[assignment]}" in text, (assignment, student)
        for message in messages.get((assignment, student), []):
            assert message in text, (assignment, student, message)
        graded = read_nb(course / "autograded" / student / assignment / f"{assignment}.ipynb")
        assert not [o for c in graded.cells for o in c.get("outputs", [])  # records stay with the grader
                    if "application/vnd.mlp-grading.record+json" in o.get("data", {})], (assignment, student)


def test_feedback_never_shows_hidden_test_code(pipeline):
    course = pipeline["course"]
    for assignment in ASSIGNMENTS:
        secrets = hidden_lines(assignment)
        assert len(secrets) >= 10, assignment
        for student in {s for a, s in expected_results() if a == assignment}:
            text = html_text(course / "feedback" / student / assignment / f"{assignment}.html")
            assert "HIDDEN TESTS" not in text
            leaked = {s for s in secrets if s in text}
            assert not leaked, (assignment, student, sorted(leaked)[:3])
    # The search is sensitive: the instructor's autograded notebook does show a hidden line in
    # the traceback of a failing hidden test, as stock nbgrader feedback would.
    nb = read_nb(course / "autograded" / "mistake_sigmoid_nan" / A1 / f"{A1}.ipynb")
    (cell,) = [c for c in nb.cells if grade_id(c) == "test_sigmoid"]
    traceback = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join("\n".join(o.traceback) for o in cell.outputs
                                                          if o.output_type == "error"))
    assert any(s in traceback for s in hidden_lines(A1))


# --------------------------------------------------------------------------- the students' check

@pytest.fixture(scope="module")
def student_checks(pipeline, tmp_path_factory):
    """mlp-check's report on every correct and mistaken corpus submission, run as students run it.

    The installed command, from a folder outside the repository, two at a time.
    """
    course, here = pipeline["course"], tmp_path_factory.mktemp("home")
    mlp_check = Path(sys.executable).with_name("mlp-check")
    jobs = [(a, name) for (a, name), e in CORPUS.items() if e.kind in ("correct", "mistake")]
    reports, running = {}, []
    while jobs or running:
        while jobs and len(running) < 2:
            a, name = jobs.pop()
            notebook = course / "submitted" / name / a / f"{a}.ipynb"
            running.append(((a, name), subprocess.Popen([str(mlp_check), "--json", str(notebook)], cwd=here,
                                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
        key, proc = running.pop(0)
        out, err = proc.communicate(timeout=600)
        assert proc.returncode in (0, 1), (key, out, err)
        reports[key] = json.loads(out)
    return reports


def test_student_check_agrees_with_the_grader(pipeline, student_checks):
    """A visible test that passes in mlp-check passes at grading unless a hidden test fails, and vice versa."""
    course = pipeline["course"]
    seen_hidden_failures = 0
    for (assignment, name), report in student_checks.items():
        nb = read_nb(course / "autograded" / name / assignment / f"{assignment}.ipynb")
        graded = {grade_id(c): c.metadata["mlp_grading"] for c in nb.cells if "mlp_grading" in c.metadata}
        checked = {c["grade_id"]: c for c in report["cells"] if c["kind"] == "test"}
        assert set(checked) == set(graded), (assignment, name)
        for part, result in checked.items():
            verdict = graded[part]
            if result["status"] == "PASSED":
                assert verdict["passed"] or verdict["hidden"], (assignment, name, part, verdict)
                seen_hidden_failures += not verdict["passed"]
            else:
                assert result["status"] == "FAILED" and not verdict["passed"] and not verdict["hidden"], \
                    (assignment, name, part, result, verdict)
        if CORPUS[(assignment, name)].kind == "correct":
            assert report["ok"], (assignment, name, report)
    assert seen_hidden_failures >= 3  # the comparison covers mistakes that only hidden tests find


def test_validate_gives_a_verdict_from_nbgrader_results(pipeline):
    course = pipeline["course"]
    good = course_py(course, "validate", str(course / "submitted" / "reference" / A1 / f"{A1}.ipynb"))
    assert good.returncode == 0 and "PASSED" in good.stdout, good.log
    bad = course_py(course, "validate", str(course / "release" / A1 / f"{A1}.ipynb"))
    assert bad.returncode == 1 and "FAILED" in bad.stdout and "NotImplementedError" in bad.stdout, bad.log


def test_hide_hidden_tests_keeps_the_message_and_the_students_frames():
    sys.path.insert(0, str(COURSE))
    try:
        from course_grading import HideHiddenTests
    finally:
        sys.path.remove(str(COURSE))
    red = "\x1b[31m"
    test_source = ("check_visible(f)\n### BEGIN HIDDEN TESTS\nsecret_input = [1000.0, -37.5]\n"
                   "check_hidden_thing(f, secret_input)\n### END HIDDEN TESTS\nprint('done')")
    traceback = [f"{red}-----", f"{red}AssertionError{red}   Traceback (most recent call last)",
                 "Cell In[7], line 4\n      2 secret_input = [1000.0, -37.5]\n"
                 "----> 4 check_hidden_thing(f, secret_input)",
                 "Cell In[3], line 2, in f(x)\n      1 def f(x):\n----> 2     return g(x)",
                 "File /site-packages/mlp_lib/checks.py:40, in check_hidden_thing(f, x)\n     40 _fail(msg)",
                 f"{red}AssertionError{red}: f(1000) returned nan — use a numerically stable form"]
    cell = nbformat.v4.new_code_cell(test_source, outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="caller: check_hidden_thing(f, secret_input)\nok\n"),
        nbformat.v4.new_output("error", ename="AssertionError", evalue="f(1000) returned nan", traceback=traceback)])
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "t", "locked": True, "points": 1, "solution": False}
    student = nbformat.v4.new_code_cell("def f(x):\n    return g(x)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="secret_input = [1000.0, -37.5]\n")])
    nb = nbformat.v4.new_notebook(cells=[student, cell])
    nb, _ = HideHiddenTests().preprocess(nb, {})
    assert cell.source == "check_visible(f)\nprint('done')"
    shown = "\n".join(cell.outputs[1].traceback)
    assert "secret_input" not in shown and "check_hidden_thing" not in shown and "check_visible" not in shown
    assert "Cell In[3], line 2, in f(x)" in shown and "return g(x)" in shown  # the student's own code
    assert cell.outputs[1].traceback[-1].endswith("f(1000) returned nan — use a numerically stable form")
    assert cell.outputs[0].text == "[hidden test code removed]\nok\n"
    assert student.outputs[0].text == "[hidden test code removed]\n"


def test_recovering_execute_survives_a_failed_start_and_a_dead_kernel():
    sys.path.insert(0, str(COURSE))
    try:
        from course_grading import RecoveringExecute
    finally:
        sys.path.remove(str(COURSE))

    def cell(source, grade):
        c = nbformat.v4.new_code_cell(source)
        c.metadata["nbgrader"] = {"grade": grade, "solution": not grade, "locked": grade, "grade_id": f"c{id(c)}",
                                  **({"points": 1} if grade else {})}
        return c

    nb = nbformat.v4.new_notebook(cells=[cell("x = 41", False), cell("import os\nos._exit(1)", True),
                                         cell("print(x + 1)", True)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    executor = RecoveringExecute(timeout=30)
    real_start, calls = executor.start_new_kernel_client, []

    def flaky_start():  # the first kernel "dies at start-up", as on an overloaded machine
        calls.append(1)
        client = real_start()
        if len(calls) == 1:
            executor._cleanup_kernel()
            raise RuntimeError("Kernel died before replying to kernel_info")
        return client

    executor.start_new_kernel_client = flaky_start
    nb, _ = executor.preprocess(nb, {"metadata": {"path": str(REPO)}})
    assert len(calls) == 3  # the failed start, the real start, the start after os._exit
    assert [o.ename for o in nb.cells[1].outputs if o.output_type == "error"] == ["DeadKernelError"]
    assert nb.cells[2].outputs[0].text == "42\n"  # x = 41 was run again in the new kernel
