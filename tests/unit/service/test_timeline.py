"""The customer's real timeline: an old file is analysed as of its last entry, and a summary register's
regular buyers are not "trial" customers. Small registers built for each situation, through the service
and the command line."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta

from lib.analysis.facts import default_as_of
from lib.service.outreach import analyse
from lib.service.registers import current_register, import_workbook
from lib.settings import Settings
from lib.workspace.repository import Workspace
from tests.conftest import ROOT, write_xlsx

LAST = date(2026, 10, 31)


def purchases_register(path):
    """Two customers who buy every 10 days until the file was saved on 31.10.2026."""
    rows = [["Customer ID", "Date", "Amount"]]
    for customer in ("A", "B"):
        rows += [[customer, LAST - timedelta(days=10 * k), 20] for k in range(12)]
    return write_xlsx(path, {"Purchases": rows})


def test_a_file_weeks_old_is_analysed_as_of_its_last_entry_not_as_if_everyone_lapsed(tmp_path):
    path = purchases_register(tmp_path / "register.xlsx")
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, path.name, path.read_bytes())
    now = current_register(workspace)
    assert now is not None
    a_month_later = LAST + timedelta(days=32)
    assert default_as_of(now.register, a_month_later) == LAST
    assert default_as_of(now.register, LAST + timedelta(days=5)) == LAST + timedelta(days=5)  # days old: today
    as_of_file = analyse(now.register, LAST, Settings(), now.suppressed).set_index("customer_id")
    as_of_today = analyse(now.register, a_month_later, Settings(), now.suppressed).set_index("customer_id")
    assert not as_of_file.loc[["A", "B"], "overdue"].any()  # as of the file, nobody is late
    assert as_of_today.loc[["A", "B"], "overdue"].all()  # a month later everyone would look lapsed

    env = {**os.environ, "LADDER_WORKSPACE": str(tmp_path / "none")}
    env.pop("LADDER_WORKSPACE_URL", None)
    report = subprocess.run(
        [sys.executable, "-m", "lib", "report", str(path), "--json"], cwd=ROOT, capture_output=True, text=True, env=env
    )
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["as_of"] == LAST.isoformat()  # the command line follows the same rule


def test_a_summary_register_s_regular_buyer_is_not_in_the_trial_stage(tmp_path):
    customers = [
        ["Customer ID", "Name", "Purchases", "Last purchase", "Total spent", "Customer since"],
        ["R", "Regular Buyer", 12, LAST - timedelta(days=5), 600, None],
        ["N", "New Buyer", 1, LAST - timedelta(days=5), 50, None],
        ["S", "Since Known", 3, LAST - timedelta(days=5), 90, LAST - timedelta(days=20)],  # all within the trial
    ]
    path = write_xlsx(tmp_path / "summary.xlsx", {"Customers": customers})
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, path.name, path.read_bytes())
    now = current_register(workspace)
    assert now is not None
    stages = analyse(now.register, LAST, Settings(), now.suppressed).set_index("customer_id")["stage"]
    assert stages["R"] == "development" and stages["N"] == "trial" and stages["S"] == "trial"
