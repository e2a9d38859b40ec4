"""One measured task, run in a fresh process by bench/run.py; prints {"seconds", "peak_mb"} as JSON.

python -m bench.tasks load FILE WORKSPACE      read + recognise + check + keep + first-page figures
python -m bench.tasks reopen WORKSPACE         a new session/restart: the register from the workspace
python -m bench.tasks write WORKSPACE EDITS    write-back with EDITS edits, checked by reading back
python -m bench.tasks patch WORKSPACE EDITS    the part-level patch alone (no read-back check)
python -m bench.tasks analyse WORKSPACE        facts, ladder and stages as of the data's last day
python -m bench.tasks lifecycle WORKSPACE      the Lifecycle page: funnel, migrations, cohorts, economics, lists
python -m bench.tasks feedback WORKSPACE       theme every feedback item (half without a language column)
python -m bench.tasks baseline_load FILE       pandas.read_excel with openpyxl, every sheet
python -m bench.tasks baseline_write FILE      DataFrame.to_excel with openpyxl, every sheet
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the parsing worker
    return max(own, children) / 1024


def _edits(current, count: int) -> pd.DataFrame:
    """``count`` realistic edits: e-mail and phone corrections spread over the customers."""
    customers = current.register.customers
    picks = customers.iloc[:: max(len(customers) // count, 1)].head(count)
    rows = []
    for index, key in enumerate(picks["_key"]):
        field = "email" if index % 2 else "phone"
        rows.append(
            {
                "op": "set",
                "sheet": "customers",
                "key": key,
                "field": field,
                "old": None,
                "new": f"edited{index}@example.com" if field == "email" else f"+372 5000 {index:04d}",
            }
        )
    return rows


def load(file: str, folder: str) -> None:
    from lib.reading.problems import problems_frame
    from lib.reading.views import key_figures, mapping_table
    from lib.service.registers import import_workbook
    from lib.workspace.repository import Workspace

    now = import_workbook(Workspace(folder), Path(file).name, Path(file).read_bytes())
    key_figures(now.register)
    problems_frame(now.problems)
    mapping_table(now.register)


def reopen(folder: str) -> None:
    from lib.reading.views import key_figures
    from lib.service.registers import current_register
    from lib.workspace.repository import Workspace

    key_figures(current_register(Workspace(folder)).register)


def _with_edits(folder: str, count: int):
    from lib.service.registers import current_register
    from lib.workspace.repository import Workspace

    workspace = Workspace(folder)
    current = current_register(workspace)
    if current.edits != count:
        workspace.append_edits(current.upload.id, "bench", _edits(current, count))
        current = current_register(workspace)
    return workspace, current


def write(folder: str, count: str) -> None:
    from lib.service.registers import updated_workbook

    workspace, current = _with_edits(folder, int(count))
    started = time.perf_counter()
    result = updated_workbook(workspace, current)
    _report(time.perf_counter() - started, extra={"path": result.path})


def patch(folder: str, count: str) -> None:
    from lib.exports.writeback import plan_changes
    from lib.exports.xlsx_patch import patch_xlsx

    workspace, current = _with_edits(folder, int(count))
    data = workspace.upload_data(current.upload.id)
    started = time.perf_counter()
    plan = plan_changes(current.original, current.register, current.journal)
    patch_xlsx(data, list(plan.sheets.values()))
    _report(time.perf_counter() - started)


def _register(folder: str):
    from lib.analysis.facts import default_as_of
    from lib.service.registers import current_register
    from lib.settings import Settings
    from lib.workspace.repository import Workspace

    register = current_register(Workspace(folder)).register
    return register, default_as_of(register), Settings()


def analyse(folder: str) -> None:
    from lib.analysis.lifecycle import analyse_customers

    register, as_of, settings = _register(folder)
    started = time.perf_counter()
    view = analyse_customers(register, as_of, settings)
    _report(time.perf_counter() - started, extra={"customers": len(view), "purchases": len(register.purchases)})


def lifecycle(folder: str) -> None:
    from datetime import timedelta

    from lib.analysis.lifecycle import (
        analyse_customers,
        cohort_retention,
        cooling_prospects,
        economics,
        funnel,
        migrations,
        overdue_customers,
    )

    register, as_of, settings = _register(folder)
    started = time.perf_counter()
    view = analyse_customers(register, as_of, settings)
    year_ago = analyse_customers(register, as_of - timedelta(days=365), settings)
    funnel(year_ago, view)
    economics(year_ago, view, settings, register, as_of - timedelta(days=365), as_of)
    migrations(year_ago, view)
    cohort_retention(register, as_of)
    cooling_prospects(view, settings)
    overdue_customers(view)
    _report(time.perf_counter() - started)


def feedback(folder: str) -> None:
    from dataclasses import replace

    from lib.analysis.feedback import theme_feedback
    from lib.themes import default_dictionary

    register, _, _ = _register(folder)
    items = register.feedback
    # Half the items without their language: those are detected from the text.
    unknown = pd.Series(pd.NA, index=items.index, dtype="string")
    register = replace(register, feedback=items.assign(language=items["language"].where(items.index % 2 == 0, unknown)))
    started = time.perf_counter()
    themed = theme_feedback(register, default_dictionary())
    _report(time.perf_counter() - started, extra={"items": len(themed)})


PAGES = (
    "pages/1_Register.py",
    "pages/2_Customers.py",
    "pages/3_Plan.py",
    "pages/4_Segments.py",
    "pages/5_Lifecycle.py",
    "pages/6_Feedback.py",
    "pages/7_Settings.py",
    "pages/8_History.py",
    "pages/9_Export.py",
)


def pages(folder: str) -> None:
    """Every page run as a person opens them from the sidebar in one session, through the real app (AppTest):
    the home page of a newly opened app (its key figures: the first screen), then, once the work the home page
    starts in the background is done (the day's analysis, the week's plan, the feedback reading: a person reads
    the home page meanwhile; how long it took after the first screen is ``reading_s``), each page's first run
    and its run again; seconds per run, an exception counts as a failure."""
    import os

    from streamlit.testing.v1 import AppTest  # noqa: TID251 - the benchmark drives the real app, as tests do

    os.environ["LADDER_WORKSPACE"] = folder
    started = time.perf_counter()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    first_screen = time.perf_counter() - started
    if app.exception or not app.metric:
        raise SystemExit(f"the home page did not show its key figures: {app.exception}")
    import threading

    from lib.ui.loaders import BACKGROUND

    for thread in threading.enumerate():  # a person reads the home page while the work it started is done
        if thread.name in BACKGROUND:
            thread.join()
    reading = time.perf_counter() - started - first_screen
    timings = {}
    for script in PAGES:
        runs = []
        for _ in range(2):
            started = time.perf_counter()
            app.switch_page(script).run()
            runs.append(time.perf_counter() - started)
            if app.exception:
                raise SystemExit(f"{script} failed: {app.exception}")
        timings[Path(script).stem.split("_", 1)[1]] = {"first_s": round(runs[0], 3), "again_s": round(runs[1], 3)}
    _report(first_screen, extra={"pages": timings, "reading_s": round(reading, 3)})


def baseline_load(file: str) -> None:
    pd.read_excel(file, sheet_name=None, engine="openpyxl")


def baseline_write(file: str) -> None:
    import io

    from lib.reading.workbook import parse_workbook

    sheets = parse_workbook(Path(file).read_bytes(), Path(file).name)  # the frames to write, read fast
    frames = {s.name: s.cells for s in sheets}
    started = time.perf_counter()
    with pd.ExcelWriter(io.BytesIO(), engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False, header=False)
    _report(time.perf_counter() - started)


def _report(seconds: float, extra: dict | None = None) -> None:
    print(json.dumps({"seconds": round(seconds, 3), "peak_mb": round(_peak_mb(), 1), **(extra or {})}))
    sys.exit(0)


LOADED_FIRST = {
    "load": ("lib.service.registers", "lib.reading.views", "lib.reading.problems", "lib.workspace.repository"),
}
"""The code a task's work runs on, imported before the clock starts: a file is uploaded into a running app (as
the plain way's pandas is imported before its clock starts)."""


def main(argv: list[str]) -> None:
    task, *args = argv
    for module in LOADED_FIRST.get(task, ()):
        importlib.import_module(module)
    started = time.perf_counter()
    globals()[task](*args)
    _report(time.perf_counter() - started)


if __name__ == "__main__":
    main(sys.argv[1:])
