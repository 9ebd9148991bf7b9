"""The course server end to end, in Chromium: a class of two students and an instructor.

``python3 tasks.py hub`` sets up and starts the course server (deploy/) on 127.0.0.1 and a free
port, with real Unix accounts (tests/browser/hubserver.py; they are removed afterwards) and the
shared-password authenticator. Then, as README "Course server" describes:

1. the course account (in the course's JupyterLab terminal) imports the class list, generates
   and releases assignment 1;
2. student A logs in, opens a lecture (its kernel runs it; moving a slider changes its figure),
   fetches a1 in the *Assignment List*, writes the answers (one of them wrong) and submits;
3. student B logs in and fetches a1; from B's own JupyterLab neither A's server nor A's files
   can be reached;
4. the instructor opens the formgrader (the course service's page, not blank, still not
   frameable), and the course account collects, autogrades in the sandbox (two at a time),
   writes the feedback and releases it;
5. student A fetches the feedback in the Assignment List: it lands in a folder without spaces
   or colons, the list links to it, and the page shows A's score.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import nbformat
import pytest

import hubserver
import labpage
from conftest import require_browser

pytestmark = pytest.mark.browser

A1 = "a1_activations_and_perceptron"
LECTURE = "00_neurons_and_activations"
ROOT = Path(__file__).resolve().parents[2]
SCORE = re.compile(r"\(Score: ([0-9.]+) / ([0-9.]+)\)")


@pytest.fixture(scope="module")
def course_hub():
    require_browser()
    why = hubserver.unavailable_reason()
    if why and os.environ.get("MLP_REQUIRE_BROWSER") == "1":  # CI (as root) must run it
        pytest.fail(f"MLP_REQUIRE_BROWSER=1 but no course server can be started here: {why}", pytrace=False)
    if why:
        pytest.skip(f"no course server here: {why}")
    started = time.monotonic()
    hub = hubserver.start_course_hub()
    hub.seconds_to_start = time.monotonic() - started
    try:
        yield hub
    finally:
        hub.remove()


def answers(wrong_relu: bool) -> dict[str, str]:
    """A1's reference answers, as a student types them; relu as |x| if ``wrong_relu``."""
    import corpus
    found = corpus.reference_answers(ROOT / "assignments" / "source" / A1 / f"{A1}.ipynb")
    if wrong_relu:
        found["relu"] += "\n\ndef relu(x):\n    return np.abs(np.asarray(x, dtype=float))\n"
    return found


def open_assignment_list(page) -> None:
    page.wait_for_function("() => window.jupyterapp && "
                           "window.jupyterapp.commands.hasCommand('nbgrader:open-assignment-list')", timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
    page.locator("#released_assignments_list").wait_for(state="attached", timeout=60_000)


def assignment_row(page, section: str):
    """The row of a1 in one list of the Assignment List (released, fetched, submitted)."""
    return page.locator(f"#{section}_assignments_list .list_item").filter(has_text=A1).first


def type_answers(page, found: dict[str, str]) -> None:
    """Write each answer into its cell of the open notebook (by nbgrader grade id) and save."""
    changed = page.evaluate("""(answers) => {
      const panel = window.jupyterapp.shell.currentWidget;
      const cells = panel.content.model.cells;
      let n = 0;
      for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        const meta = cell.getMetadata('nbgrader') || {};
        if (meta.grade_id in answers && meta.solution) { cell.sharedModel.setSource(answers[meta.grade_id]); n++; }
      }
      return n;
    }""", found)
    assert changed == len(found), f"wrote {changed} of {len(found)} answers"
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    labpage.poll(lambda: not page.evaluate("() => window.jupyterapp.shell.currentWidget.context.model.dirty"),
                 30, message="the notebook to be saved")


PROBE = """\
import json, os
results = {}
for label, path in json.loads(TARGETS).items():
    try:
        (os.listdir if os.path.isdir(path) else lambda p: open(p, 'rb').read(1))(path)
        results[label] = 'ok'
    except PermissionError:
        results[label] = 'denied'
    except FileNotFoundError:
        results[label] = 'missing'
print(json.dumps(results))
"""


@pytest.mark.timeout(1200)  # the first run installs the course environment (build/hub-test/)
def test_a_class_on_the_course_server(course_hub, browser, screenshot_dir):
    hub = course_hub
    a, b = hub.students
    timings = {"start the hub (tasks.py hub)": hub.seconds_to_start}
    clock = [time.monotonic()]

    def lap(what):
        now = time.monotonic()
        timings[what] = now - clock[0]
        clock[0] = now

    setup = "\n".join(hub.setup_output)
    assert setup.count("is up to date") >= 1, setup  # the second set-up had nothing to do
    assert "Cloning" not in hub.setup_output[-1] and "groupadd" not in hub.setup_output[-1], hub.setup_output[-1]
    assert f"the course server is running: {hub.url}/" in hub.log()
    again = hub.tasks_hub("--ip", "127.0.0.1", "--port", hub.url.rsplit(":", 1)[1])  # idempotent
    assert re.search(rf"the course server is already running \(pid \d+\): {re.escape(hub.url)}/", again.stdout), again.stdout

    # 1. The course account releases a1 (what the instructor types in the course's terminal).
    clone, course = hub.clone, hub.clone / "assignments"
    class_list = hub.base / "class-list.csv"
    class_list.write_text("id,first_name,last_name\n" + "".join(f"{s},{s},Student\n" for s in hub.students))
    class_list.chmod(0o644)
    for command in (["students", str(class_list)], ["generate", A1], ["nbgrader", "release_assignment", A1]):
        hub.run_as(hub.course_user, [".venv/bin/python", "assignments/course.py", *command], cwd=clone)
    lap("release a1")

    # 2. Student A: a lecture, then the assignment.
    context_a = browser.new_context(viewport={"width": 1400, "height": 900})
    context_a.set_default_timeout(60_000)
    page = context_a.new_page()
    hubserver.login(page, hub, a)
    page.wait_for_url(re.compile(rf"/user/{a}/lab"), timeout=180_000)
    lab_a = hubserver.UserLab(hub, a)
    lap("student A logs in (server started)")
    try:
        labpage.open_notebook(page, lab_a, f"lectures/{LECTURE}.ipynb", timeout=120)
        labpage.run_all_cells(page, timeout=150)
        errors = labpage.error_outputs(page)
        assert not errors, labpage.format_errors(errors)
        demo = next(d for d in labpage.find_demos(page) if d.controls)
        before = labpage.settled_image(demo.figure)
        assert labpage.change_control(demo.controls[0]), "the slider did not move"
        after = labpage.wait_for_change(demo.figure, before)
        assert after is not None and labpage.blank_reason(after) is None, "the figure did not follow the slider"
        lap("lecture run, slider moves its figure")

        open_assignment_list(page)
        assignment_row(page, "released").locator("button", has_text="Fetch").click()
        assignment_row(page, "fetched").wait_for(timeout=60_000)
        notebook = hub.home(a) / "mlp-intro" / A1 / f"{A1}.ipynb"
        assert notebook.is_file()
        labpage.open_notebook(page, lab_a, f"mlp-intro/{A1}/{A1}.ipynb", timeout=120)
        type_answers(page, answers(wrong_relu=True))
        open_assignment_list(page)
        assignment_row(page, "fetched").locator("button", has_text="Submit").click()
        assignment_row(page, "submitted").wait_for(timeout=60_000)
        lap("student A fetches, answers and submits a1")
    finally:
        page.screenshot(path=str(screenshot_dir / "hub_student_a.png"))

    # 3. Student B cannot reach A's server or A's files.
    context_b = browser.new_context(viewport={"width": 1400, "height": 900})
    context_b.set_default_timeout(60_000)
    page_b = context_b.new_page()
    hubserver.login(page_b, hub, b)
    page_b.wait_for_url(re.compile(rf"/user/{b}/lab"), timeout=180_000)
    response = page_b.request.get(f"{hub.url}/user/{a}/api/contents", max_redirects=0)
    assert response.status in (302, 403, 404), f"B reached A's server: {response.status}"
    open_assignment_list(page_b)
    assignment_row(page_b, "released").locator("button", has_text="Fetch").click()
    assignment_row(page_b, "fetched").wait_for(timeout=60_000)
    cache_a = next((hub.home(a) / ".local" / "share" / "jupyter" / "nbgrader_cache" / "mlp-intro").iterdir())
    targets = {"A's home": str(hub.home(a)), "A's notebook": str(notebook), "A's submission cache": str(cache_a),
               "the submissions in the exchange": f"{hub.env['MLP_EXCHANGE_ROOT']}/mlp-intro/inbound",
               "the course": str(course), "B's own notebook": str(hub.home(b) / "mlp-intro" / A1 / f"{A1}.ipynb")}
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE.replace("TARGETS", repr(json.dumps(targets))))])
    probe.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    page_b.evaluate("(nb) => window.jupyterapp.serviceManager.contents.save('probe.ipynb', "
                    "{type: 'notebook', format: 'json', content: nb})", json.loads(nbformat.writes(probe)))
    lab_b = hubserver.UserLab(hub, b)
    labpage.open_notebook(page_b, lab_b, "probe.ipynb", timeout=120)
    labpage.run_all_cells(page_b, timeout=60)
    shown = page_b.locator(".jp-OutputArea-output").first.text_content()
    assert json.loads(shown) == {"A's home": "denied", "A's notebook": "denied", "A's submission cache": "denied",
                                 "the submissions in the exchange": "denied", "the course": "denied",
                                 "B's own notebook": "ok"}, shown
    context_b.close()
    lap("student B: fetches, cannot reach A's server or files")

    # 4. The instructor's formgrader; the course account collects, grades, releases feedback.
    context_i = browser.new_context(viewport={"width": 1400, "height": 900})
    context_i.set_default_timeout(60_000)
    page_i = context_i.new_page()
    hubserver.login(page_i, hub, hub.instructor, next_path="/services/mlp-intro/")
    page_i.wait_for_url(re.compile(r"/services/mlp-intro/formgrader"), timeout=120_000)
    page_i.locator("text=Manage Assignments").first.wait_for(timeout=60_000)
    page_i.locator(f"text={A1}").first.wait_for(timeout=60_000)
    shot = labpage.decode_png(page_i.screenshot(path=str(screenshot_dir / "hub_formgrader.png")))
    assert labpage.blank_reason(shot) is None, "the formgrader page is blank"
    headers = page_i.request.get(f"{hub.url}/services/mlp-intro/formgrader").headers
    assert "frame-ancestors 'none'" in headers.get("content-security-policy", ""), headers
    # a student may not open it
    denied = context_a.request.get(f"{hub.url}/services/mlp-intro/formgrader", max_redirects=0)
    assert denied.status in (302, 403), denied.status
    context_i.close()
    lap("instructor: formgrader")

    outputs = {}
    for command in (["nbgrader", "collect", A1], ["autograde", A1, "--jobs", "2"], ["feedback", A1],
                    ["nbgrader", "release_feedback", A1]):
        outputs[command[0] if command[0] != "nbgrader" else command[1]] = hub.run_as(
            hub.course_user, [".venv/bin/python", "assignments/course.py", *command], cwd=clone).stdout
    assert "Sandbox on: each submission runs in bubblewrap" in outputs["autograde"], outputs["autograde"]
    assert re.search(rf"{a} +10\.0 / 11\.0", outputs["autograde"]), outputs["autograde"]
    lap("collect, sandboxed autograde (--jobs 2), feedback, release")

    # 5. Student A fetches the feedback in the Assignment List and reads the score.
    page = context_a.new_page()
    try:
        page.goto(f"{lab_a.url}/lab?reset", wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=120_000)
        open_assignment_list(page)
        assignment_row(page, "submitted").locator("button", has_text="Fetch Feedback").click()
        view = page.locator("#submitted_assignments_list a", has_text="view feedback").first
        view.wait_for(timeout=60_000)
        (html,) = (hub.home(a) / "mlp-intro" / A1 / "feedback").glob(f"*/{A1}.html")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d_UTC", html.parent.name), html.parent.name
        view.click()  # opens the feedback folder in JupyterLab's file browser
        page.locator(".jp-DirListing-item", has_text=f"{A1}.html").first.wait_for(timeout=30_000)
        page.goto(f"{lab_a.url}/files/mlp-intro/{A1}/feedback/{html.parent.name}/{A1}.html",
                  wait_until="domcontentloaded")
        assert SCORE.search(page.locator("body").inner_text()).groups() == ("10.0", "11.0")
        page.screenshot(path=str(screenshot_dir / "hub_feedback.png"))
        lap("student A fetches the feedback and reads 10 / 11")
    finally:
        context_a.close()
    print("course server end to end: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()))
    assert sum(timings.values()) < 300 or hub.seconds_to_start > 120, timings
