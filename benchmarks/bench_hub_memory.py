#!/usr/bin/env python3
"""Memory of one student on the course server, and how many students fit in 16 GB.

    sudo .venv/bin/python benchmarks/bench_hub_memory.py            # lectures 00 and 06
    sudo .venv/bin/python benchmarks/bench_hub_memory.py --lectures 03

Starts the course server as the end-to-end test does (tests/browser/hubserver.py: ``tasks.py hub``
on 127.0.0.1, real temporary accounts, removed afterwards), logs a student in with Chromium and
measures the student's processes (their JupyterLab server and kernels, all running as their
account) after each step: logged in; each lecture opened, run from the top and a slider moved (its
kernel stays, as when a student keeps the lecture open). Memory is the proportional set size
(PSS, /proc/<pid>/smaps_rollup: shared libraries counted in proportion to the processes sharing
them, so it adds up over students), with the resident size (RSS) beside it. The fixed part,
the hub, its proxy, the idle culler and the course service, is measured once.

"Students per 16 GB" = (16 GB − fixed part − 2 GB for the system) / memory of one student.
Needs root, Chromium and what the end-to-end test needs.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
import hubserver  # noqa: E402
import labpage  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS, browser_unavailable_reason  # noqa: E402

GB = 1e9
SYSTEM_RESERVE = 2 * GB


def memory(pids) -> tuple[int, int]:
    """(PSS, RSS) in bytes of the processes ``pids`` (those that still exist)."""
    pss = rss = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    key, _, value = line.partition(":")
                    if key in ("Pss", "Rss"):
                        kb = int(value.split()[0]) * 1024
                        pss, rss = (pss + kb, rss) if key == "Pss" else (pss, rss + kb)
        except OSError:
            pass
    return pss, rss


def hub_processes(hub) -> list[int]:
    """The hub's own processes: its process group (tasks.py, jupyterhub, proxy, culler) and the course service."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if os.getpgid(int(entry)) == hub.process.pid:
                    pids.append(int(entry))
            except OSError:
                pass
    return pids + hub.processes_of(hub.course_user)


def settle(seconds: float = 3) -> None:
    time.sleep(seconds)  # let a kernel finish drawing and the server write its files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lectures", nargs="+", default=["00", "06"], help="lectures to run (start of the name)")
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        print(f"(ignoring arguments meant for other benchmarks: {' '.join(unknown)})")
    why = hubserver.unavailable_reason() or browser_unavailable_reason()
    if why:
        print(f"SKIPPED: {why}")
        return 0
    lectures = [next(p.stem for p in sorted((ROOT / "lectures").glob(f"{start}*.ipynb"))) for start in args.lectures]
    from playwright.sync_api import sync_playwright

    hub = hubserver.start_course_hub()
    rows = []
    try:
        with sync_playwright() as manager:
            browser = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            page.set_default_timeout(60_000)
            student = hub.students[0]
            hubserver.login(page, hub, student)
            page.wait_for_url(f"**/user/{student}/lab**", timeout=180_000)
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=120_000)
            settle()
            fixed = memory(hub_processes(hub))
            rows.append(("logged in (JupyterLab server, no kernel)", memory(hub.processes_of(student))))
            lab = hubserver.UserLab(hub, student)
            for lecture in lectures:
                labpage.open_notebook(page, lab, f"lectures/{lecture}.ipynb", timeout=120)
                labpage.run_all_cells(page, timeout=300)
                demo = next((d for d in labpage.find_demos(page) if d.controls), None)
                if demo is not None:
                    before = labpage.settled_image(demo.figure)
                    labpage.change_control(demo.controls[0])
                    labpage.wait_for_change(demo.figure, before)
                settle()
                rows.append((f"+ {lecture} run, slider moved (its kernel open)", memory(hub.processes_of(student))))
            browser.close()
    finally:
        hub.remove()

    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; memory of one student's processes:")
    print(f"  {'':<66s} {'PSS':>8s} {'RSS':>8s}")
    for label, (pss, rss) in rows:
        print(f"  {label:<66s} {pss / 1e6:>6.0f} MB {rss / 1e6:>6.0f} MB")
    print(f"  {'fixed: hub, proxy, idle culler, course service':<66s} {fixed[0] / 1e6:>6.0f} MB {fixed[1] / 1e6:>6.0f} MB")
    one_lecture = rows[1][1][0]
    per_16 = (16 * GB - fixed[0] - SYSTEM_RESERVE) / one_lecture
    print(f"students per 16 GB, each with one lecture running ({one_lecture / 1e6:.0f} MB): {per_16:.0f}")
    if len(rows) > 2:
        two = rows[-1][1][0]
        print(f"students per 16 GB, each with {len(lectures)} lectures open ({two / 1e6:.0f} MB): "
              f"{(16 * GB - fixed[0] - SYSTEM_RESERVE) / two:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
