"""``make bench-browser``: each page's first and return visit as a person meets them in Chromium.

The app is started as ``make run`` starts it (``python -m lib serve``) on a workspace holding an imported
register (by default the benchmark's 100,000 customers, imported first when the folder is empty), the home
page is opened, and once the work it starts in the background is done every page is opened from the sidebar
twice. A visit's time runs from the click until Streamlit has finished the page's run and every chart on it is
drawn; the browser notes the moments itself, so no fixed wait is counted. Prints a table and writes
bench/browser.json.

    .venv/bin/python -m bench.browser [WORKSPACE] [--size 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from lib.config import SERVER_ENVIRONMENT
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS  # the browser the tests drive, started the same way

HERE = Path(__file__).parent
ROOT = HERE.parent
RESULTS = HERE / "browser.json"
SETTLED_MS = 400
"""A run is over once the app has been idle (no run, no spinner, every chart drawn) this long."""

_WATCH = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__runs = [];
    new MutationObserver(() => window.__runs.push([app.getAttribute('data-test-script-state'), performance.now()]))
        .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
_IDLE_SINCE = """(since) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'));
    const busy = app.getAttribute('data-test-script-state') !== 'notRunning'
        || document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]') !== null
        || charts.some(chart => chart.querySelector('.main-svg') === null);
    const ran = window.__runs.some(([state, at]) => at >= since && state === 'running');
    return {busy, ran, now: performance.now()};
}"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(workspace: Path, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "lib", "serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENVIRONMENT, "LADDER_WORKSPACE": str(workspace)},
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(240):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the app did not start: see {log}")


def _visit(page, act) -> tuple[float, float]:
    """Seconds from ``act`` (a click) until the page is idle and stays so, and until the app's run of it ended
    (the rest is the browser drawing what it was sent)."""
    started = page.evaluate("() => performance.now()")
    act()
    idle_from = None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = page.evaluate(_IDLE_SINCE, started)
        ran = state["ran"] or state["now"] - started > 3000  # a run too short for the browser to show it
        if state["busy"] or not ran:
            idle_from = None
        elif idle_from is None:
            idle_from = state["now"]
        elif state["now"] - idle_from >= SETTLED_MS:
            ran_until = page.evaluate(
                "(since) => Math.max(since, ...window.__runs.filter(([s, at]) => s === 'notRunning').map(([s, at]) => at))",
                started,
            )
            return round((idle_from - started) / 1000, 2), round((ran_until - started) / 1000, 2)
        page.wait_for_timeout(25)
    raise SystemExit("a page was still busy after five minutes")


def measure(workspace: Path) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    server = _serve(workspace, port, Path("/tmp/bench-browser-server.log"))
    timings: dict[str, dict[str, float]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-GB")
            page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
            page.wait_for_selector('[data-testid="stApp"]')
            page.evaluate(_WATCH)
            started = time.monotonic()
            page.wait_for_selector('[data-testid="stMetric"]', timeout=120_000)
            timings["Home"] = {"first_s": round(time.monotonic() - started, 2)}
            _wait_until_quiet(server.pid)
            links = page.locator('[data-testid="stSidebar"] a[data-testid^="stPageLink"]')
            names = [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]
            for lap in ("first_s", "again_s"):  # the second lap: the pages as a returning person meets them
                for index, name in enumerate(names):
                    link = page.locator('[data-testid="stSidebar"] a[data-testid^="stPageLink"]').nth(index)
                    shown, ran = _visit(page, link.click)
                    timings.setdefault(name, {})[lap] = shown
                    timings[name][lap.replace("_s", "_run_s")] = ran
            timings.update(_widget_changes(page, names))
            timings["Server"] = {"peak_mb": _peak_mb(server.pid)}
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return timings


def _pick(page, label: str, option: int):
    """Open the select box with ``label`` and choose its option at ``option`` (a new selection, a rerun)."""

    def act() -> None:
        page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
        page.get_by_role("option").nth(option).click()

    return act


def _choose(page, label: str, option: int):
    """Open the multiselect with ``label`` and add its option at ``option``."""

    def act() -> None:
        page.get_by_test_id("stMultiSelect").filter(has_text=label).first.click()
        page.get_by_role("option").nth(option).click()

    return act


def _widget_changes(page, names: list[str]) -> dict[str, dict[str, float]]:
    """A filter or a widget changed on a page (the page open already): seconds until it is redrawn."""
    links = page.locator('[data-testid="stSidebar"] a[data-testid^="stPageLink"]')
    changes = {
        "Segments": [("breakdown", _pick(page, "Break down by", 1)), ("class filter", _choose(page, "Classes", 1))],
        "Customers": [("search", lambda: page.get_by_label("Search", exact=True).first.press_sequentially("10\n"))],
        "Feedback": [("theme filter", _choose(page, "Theme", 0))],
    }
    found: dict[str, dict[str, float]] = {}
    for name, steps in changes.items():
        if name not in names or not steps:
            continue
        _visit(page, links.nth(names.index(name)).click)
        for what, act in steps:
            found[f"{name}: {what}"] = {"change_s": _visit(page, act)[0]}
    return found


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children now (the feedback reading runs in a child of the server)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _peak_mb(pid: int) -> float:
    """The server process's peak resident memory so far (the reading process, a child, is apart and ends)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def _wait_until_quiet(pid: int) -> None:
    """Until the server has done the work the home page starts in the background (a person reads the home
    page meanwhile): two seconds in a row with almost no CPU time spent."""
    quiet, last = 0, _cpu_seconds(pid)
    while quiet < 2:
        time.sleep(1)
        now = _cpu_seconds(pid)
        quiet = quiet + 1 if now - last < 0.1 else 0
        last = now


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", nargs="?", default="/tmp/ladder-bench-browser")
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    workspace = Path(args.workspace)
    if not (workspace / "ladder.sqlite").exists():
        from bench.run import dataset

        subprocess.run(
            [sys.executable, "-m", "bench.tasks", "load", str(dataset(args.size)), str(workspace)],
            cwd=ROOT,
            check=True,
            env={**os.environ, **SERVER_ENVIRONMENT},
        )
    timings = measure(workspace)
    RESULTS.write_text(json.dumps(timings, indent=1) + "\n")
    print(f"server peak memory {timings.pop('Server')['peak_mb']:.0f} MB")
    for name, figures in timings.items():
        if "change_s" in figures:
            print(f"{name:<32} {figures['change_s']:>6.2f} s")
            continue
        runs = (
            f"   (the app's run {figures['first_run_s']:.2f} / {figures['again_run_s']:.2f} s)"
            if "again_s" in figures
            else ""
        )
        print(f"{name:<20} first {figures['first_s']:>6.2f} s   again {figures.get('again_s', 0):>6.2f} s{runs}")


if __name__ == "__main__":
    main()
