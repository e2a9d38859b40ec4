"""The customer's real timeline: an old file is analysed as of its last entry, and a summary register's
regular buyers are not "trial" customers. Small registers built for each situation, through the service
and the command line."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta

import pandas as pd

from lib.analysis.facts import default_as_of
from lib.analysis.ladder import reason_texts
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


def analysed(tmp_path, sheets, day, settings=None):
    """The customers of a small register as the pages see them on ``day``, by id."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = write_xlsx(tmp_path / "register.xlsx", sheets)
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, path.name, path.read_bytes())
    now = current_register(workspace)
    assert now is not None
    return analyse(now.register, day, settings or Settings(), now.suppressed).set_index("customer_id")


def test_a_prospect_s_temperature_cools_with_silence_and_follows_what_the_contact_brought(tmp_path):
    day = LAST
    customers = [
        ["Customer ID", "Name", "Lead temperature", "Customer since"],
        ["HOT-SILENT", "Written hot three years ago", "hot", day - timedelta(days=1064)],
        ["HOT-FRESH", "Written hot, interested last week", "hot", day - timedelta(days=300)],
        ["HOT-WARMING", "Written hot, interested 40 days ago", "hot", day - timedelta(days=300)],
        ["COLD-REFUSED", "Called, not interested", None, day - timedelta(days=300)],
        ["WARM-BOOKED", "Booked a visit", None, day - timedelta(days=300)],
        ["HOT-NO-ANSWER", "Interested, then no answer", None, day - timedelta(days=300)],
        ["NEW", "Never contacted, written hot", "hot", None],
        ["COLD-THEN-KEEN", "Written cold, interested two days ago", "cold", day - timedelta(days=300)],
        ["NEWSLETTER", "Sent a newsletter, nothing back", None, day - timedelta(days=300)],
    ]
    actions = [
        ["Customer ID", "Done", "Type", "Outcome"],
        ["HOT-FRESH", day - timedelta(days=6), "call", "kiinnostunut"],
        ["HOT-WARMING", day - timedelta(days=40), "call", "interested"],
        ["COLD-REFUSED", day - timedelta(days=2), "call", "not interested"],
        ["WARM-BOOKED", day - timedelta(days=3), "call", "booked a visit"],
        ["HOT-NO-ANSWER", day - timedelta(days=5), "call", "zainteresowana"],
        ["HOT-NO-ANSWER", day - timedelta(days=1), "call", "nie odebrała"],
        ["COLD-THEN-KEEN", day - timedelta(days=2), "call", "booked a visit"],
        ["NEWSLETTER", day - timedelta(days=2), "email", None],
    ]
    purchases = [["Customer ID", "Date", "Amount"], ["SOMEONE", day, 10]]  # the file's last entry
    view = analysed(tmp_path, {"Customers": customers, "Actions": actions, "Purchases": purchases}, day)
    temperature = view["temperature"].astype(str).to_dict()
    assert temperature["HOT-SILENT"] == "cold"  # a "hot" never renewed does not stay hot for ever
    assert view.loc["HOT-SILENT", "temperature_source"] == "register_cooled"
    assert temperature["HOT-FRESH"] == "hot" and view.loc["HOT-FRESH", "temperature_source"] == "register"
    assert temperature["HOT-WARMING"] == "warm"  # 40 days after the last sign of interest
    assert temperature["COLD-REFUSED"] == "cold"  # "not interested" does not warm anyone
    assert temperature["WARM-BOOKED"] == "hot"  # a booking does
    assert temperature["HOT-NO-ANSWER"] == "warm"  # unanswered: a step cooler than the interest 5 days ago
    assert temperature["NEW"] == "hot"  # written as of the file's day, nothing since to cool it
    assert temperature["COLD-THEN-KEEN"] == "hot"  # interest since the register's word warms it
    assert temperature["NEWSLETTER"] == "cold"  # a message sent is not a sign of interest
    later = analysed(
        tmp_path / "later",
        {"Customers": customers, "Actions": actions, "Purchases": purchases},
        day + timedelta(days=30),
    )
    assert later.loc["NEW", "temperature"] == "warm" and later.loc["HOT-FRESH", "temperature"] == "warm"
    shorter = analysed(
        tmp_path / "short",
        {"Customers": customers, "Actions": actions, "Purchases": purchases},
        day,
        Settings(hot_contact_days=3),
    )
    assert shorter.loc["HOT-FRESH", "temperature"] == "warm"  # the threshold is a setting


def test_a_class_written_in_the_register_gives_way_to_what_the_customer_did_since(tmp_path):
    day = LAST
    customers = [
        ["Customer ID", "Name", "Relationship"],
        ["CAME-BACK", "Marked former, bought ten days ago", "former"],
        ["STILL-GONE", "Marked former, nothing since", "former"],
        ["PARTNER", "Marked partner, buying", "partner"],
        ["LAPSED", "Marked loyal, gone two years", "stały klient"],
        ["BOUGHT", "Marked prospect, bought", "prospect"],
    ]
    purchases = [["Customer ID", "Date", "Amount"]]
    purchases += [["CAME-BACK", day - timedelta(days=d), 30] for d in (900, 10)]
    purchases += [["STILL-GONE", day - timedelta(days=d), 30] for d in (900, 850)]
    purchases += [["PARTNER", day - timedelta(days=d), 30] for d in (60, 40, 20, 3)]
    purchases += [["LAPSED", day - timedelta(days=d), 30] for d in (800, 760, 730)]
    purchases += [["BOUGHT", day - timedelta(days=2), 30]]
    view = analysed(tmp_path, {"Customers": customers, "Purchases": purchases}, day)
    classes = view["relationship"].astype(str).to_dict()
    assert classes == {
        "CAME-BACK": "occasional",
        "STILL-GONE": "former",
        "PARTNER": "partner",
        "LAPSED": "former",
        "BOUGHT": "occasional",
    }
    assert view.loc["STILL-GONE", "reason"] == "marked" and view.loc["PARTNER", "reason"] == "marked"
    texts = reason_texts(
        view.reset_index().set_index("customer_id", drop=False).loc[["CAME-BACK", "LAPSED"]], Settings()
    )
    assert texts.iloc[0] == "Marked as Former customer in the register; bought on 21/10/2026, now Occasional customer"
    assert texts.iloc[1].startswith("Marked as Loyal customer in the register; no purchase since 31/10/2024")
    plan = due_contacts_of(view, day)
    assert "former_win_back" not in {plan.get("CAME-BACK"), plan.get("BOUGHT")}  # no win-back for a buyer


def due_contacts_of(view, day):
    from lib.analysis.contact_plan import contact_plan

    plan = contact_plan(view.reset_index(), day, Settings(), until=day + timedelta(days=365))
    return dict(zip(plan["customer_id"], plan["rule"], strict=True))


def test_the_motivational_reward_is_for_recent_spending_and_offered_once_per_crossing(tmp_path):
    day = LAST
    customers = [["Customer ID", "Name"], *[[c, c.title()] for c in ("RECENT", "SENIOR", "REWARDED", "AGAIN")]]
    purchases = [["Customer ID", "Date", "Amount"]]
    purchases += [["RECENT", day - timedelta(days=d), 130] for d in (200, 100, 50, 10)]  # 520 this year
    purchases += [["SENIOR", day - timedelta(days=d), 130] for d in (1500, 1200, 900, 600, 10)]  # 650 in a lifetime
    purchases += [["REWARDED", day - timedelta(days=d), 130] for d in (200, 100, 50, 10)]
    purchases += [["AGAIN", day - timedelta(days=d), 130] for d in (300, 250, 200, 150, 100, 60, 40, 20)]
    actions = [
        ["Customer ID", "Done", "Type", "Note"],
        ["REWARDED", day - timedelta(days=5), "offer", "plan:threshold_reward"],  # rewarded after the last purchase
        ["AGAIN", day - timedelta(days=120), "offer", "plan:threshold_reward"],  # 4 × 130 bought since
        ["OTHERS", day, "call", None],
    ]
    # Forty bigger buyers make the top 10 %, so the four above are judged by the threshold alone.
    padding = [[f"X{i}", day - timedelta(days=3), 5000] for i in range(40)]
    customers += [[f"X{i}", f"Big Buyer {i}"] for i in range(40)]
    view = analysed(tmp_path, {"Customers": customers, "Purchases": purchases + padding, "Actions": actions}, day)
    tiers = view.loc[["RECENT", "SENIOR"], "value_tier"].astype(str).tolist()
    assert tiers == ["threshold", "base"]  # lifetime value alone earns no motivational reward
    plan = due_contacts_of(view, day)
    assert plan.get("RECENT") == "threshold_reward" and plan.get("AGAIN") == "threshold_reward"
    assert plan.get("SENIOR") != "threshold_reward" and plan.get("REWARDED") != "threshold_reward"
    off = contact_plan_with(view, day, Settings(plan_threshold_reward=0))
    assert "threshold_reward" not in set(off.values())


def contact_plan_with(view, day, settings):
    from lib.analysis.contact_plan import contact_plan

    plan = contact_plan(view.reset_index(), day, settings, until=day + timedelta(days=365))
    return dict(zip(plan["customer_id"], plan["rule"], strict=True))


def test_a_contact_planned_in_the_register_is_done_on_its_own_row_with_its_outcome(tmp_path):
    from lib.analysis.effectiveness import action_effectiveness
    from lib.service.changes import save_changes
    from lib.service.outreach import contact_changes, due_contacts

    day = LAST
    customers = [["Customer ID", "Name", "E-mail", "Email consent"], ["P", "Pia Planned", "pia@example.com", "yes"]]
    actions = [
        ["Customer ID", "Planned", "Done", "Type", "Channel", "Campaign"],
        ["P", day + timedelta(days=2), None, "email", "e-mail", "Autumn news"],
    ]
    purchases = [["Customer ID", "Date", "Amount"], ["P", day - timedelta(days=400), 10]]
    path = write_xlsx(tmp_path / "planned.xlsx", {"Customers": customers, "Actions": actions, "Purchases": purchases})
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, path.name, path.read_bytes())
    now = current_register(workspace)
    view = analyse(now.register, day, Settings(), now.suppressed)
    plan = due_contacts(now.register, view, day, Settings(), until=day + timedelta(days=7))
    row = plan.set_index("customer_id").loc["P"]
    assert row["rule"] == "planned_action" and row["channel"] == "email"
    assert row["due"] == pd.Timestamp(day + timedelta(days=2))
    changes = contact_changes(now.register, plan, day + timedelta(days=2), "interested", lang="pl")
    assert {(c["op"], c["field"]) for c in changes} == {("set", "done"), ("set", "outcome")}  # no new row
    save_changes(workspace, changes)
    after = current_register(workspace)
    assert len(after.register.actions) == 1
    assert after.register.actions["outcome"].tolist() == ["zainteresowanie"]  # in the user's words
    view = analyse(after.register, day + timedelta(days=2), Settings(), after.suppressed)
    again = due_contacts(after.register, view, day + timedelta(days=2), Settings(), until=day + timedelta(days=9))
    assert "planned_action" not in set(again["rule"])
    effect = action_effectiveness(
        after.register.actions, after.register.purchases, view.set_index("customer_id")["relationship"], "kind"
    )
    assert effect["response_rate"].tolist() == [1.0]  # "zainteresowanie" is understood as a response
