"""Every page sees a change at once: the kept analyses, plans, lists and feedback readings are keyed by
the register's version and the settings, so an edit, an undo, an upload or a settings change made anywhere
(here: through the service, as another browser or the command line would) shows on the next run."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from lib.analysis.lifecycle import analyse_customers
from lib.service.changes import save_changes, undo
from lib.service.registers import current_register, import_workbook
from lib.workspace.edits import row_as_seen
from lib.workspace.repository import Workspace
from tests.app.conftest import on_page
from tests.app.test_analysis import metrics
from tests.conftest import AS_OF, write_xlsx

MARK = "No parking anywhere near, again"


def figures(at: AppTest) -> dict[str, object]:
    """What each page says that the changes below move, read by visiting every page as a person would."""
    seen: dict[str, object] = {}
    at.switch_page("app.py").run()
    seen["home customers"] = metrics(at)["Customers"]
    seen["home revenue"] = metrics(at)["Revenue"]
    on_page(at, "pages/2_Customers.py")
    seen["customers table"] = next(c.value for c in at.caption if "customers in the table" in c.value)
    on_page(at, "pages/3_Plan.py")
    seen["plan due"] = metrics(at)["Contacts due"]
    on_page(at, "pages/4_Segments.py")
    seen["segment customers"] = metrics(at)["Customers in selection"]
    seen["segment purchases"] = metrics(at)["Their purchases"]
    on_page(at, "pages/5_Lifecycle.py")
    seen["churn"] = metrics(at)["Churn rate"]
    on_page(at, "pages/6_Feedback.py")
    seen["nps"] = metrics(at)["NPS"]
    items = next(d.value for d in at.dataframe if "Matched words" in d.value.columns)
    seen["feedback matched"] = tuple(str(words) for words in items["Matched words"])
    seen["feedback first row"] = int(items["Row"].iloc[0])
    on_page(at, "pages/9_Export.py")
    left_out = next((c.value.split(" left out:")[0] for c in at.caption if " left out:" in c.value), "0")
    seen["export people"] = int(metrics(at)["People on the list"].replace(",", "")) + int(left_out.replace(",", ""))
    return seen


@pytest.fixture
def workspace(sample_workspace) -> Workspace:
    return Workspace(sample_workspace)


@pytest.fixture
def app(sample_app) -> AppTest:
    figures(sample_app)  # every page run once: whatever it keeps is kept
    return sample_app


def _former_and_a_text(workspace: Workspace, row: int, count: int = 100) -> list[dict]:
    """Delete ``count`` customers the ladder calls former (lost, and due a win-back) and give the feedback
    item in Excel row ``row`` a text of its own."""
    now = current_register(workspace)
    register = now.register
    view = analyse_customers(register, AS_OF, workspace.settings())
    former = set(view.loc[view["relationship"] == "former", "customer_id"].head(count))
    customers = register.customers[register.customers["customer_id"].isin(former)]
    changes = [
        {"op": "delete", "sheet": "customers", "key": key, "field": None, "old": row_as_seen(row), "new": None}
        for key, (_, row) in zip(customers["_key"], customers.iterrows(), strict=True)
    ]
    newest = register.feedback[register.feedback["_row"] == row].iloc[0]
    changes.append(
        {"op": "set", "sheet": "feedback", "key": newest["_key"], "field": "text", "old": newest["text"], "new": MARK}
    )
    return changes


def test_an_edit_is_seen_at_once_on_every_page(app, workspace):
    before = figures(app)
    assert save_changes(workspace, _former_and_a_text(workspace, before["feedback first row"])).accepted
    after = figures(app)
    assert after["home customers"] == after["segment customers"] == "1,900" != before["home customers"]
    assert (
        after["customers table"]
        == "200 of 1,900 customers in the table" + before["customers table"].split("customers in the table")[1]
    )
    assert int(after["plan due"].replace(",", "")) < int(before["plan due"].replace(",", ""))
    assert after["churn"] != before["churn"]
    assert after["feedback matched"] != before["feedback matched"]
    assert after["export people"] == 1900 and before["export people"] == 2000


def test_an_undo_is_seen_at_once_on_every_page(app, workspace):
    before = figures(app)
    save_changes(workspace, _former_and_a_text(workspace, before["feedback first row"], count=5))  # six edits
    changed = figures(app)
    assert changed["home customers"] == "1,995" and changed["feedback matched"] != before["feedback matched"]
    while undo(workspace, current_register(workspace).upload.id, None) is None:
        pass
    assert figures(app) == before


def test_an_upload_is_seen_at_once_on_every_page(app, workspace, tmp_path):
    before = figures(app)
    header = ["Customer id", "Name", "E-mail", "E-mail consent"]
    people = [header] + [[f"N{n}", f"New {n}", f"new{n}@example.ee", "yes"] for n in range(1, 4)]
    purchases = [["Customer id", "Date", "Amount"]] + [[f"N{n}", date(2026, 10, n), 10.0 * n] for n in range(1, 4)]
    feedback = [["Customer id", "Date", "Text", "Rating"], ["N1", date(2026, 10, 20), MARK, 9]]
    data = write_xlsx(tmp_path / "new.xlsx", {"Customers": people, "Purchases": purchases, "Feedback": feedback})
    import_workbook(workspace, "new.xlsx", data.read_bytes(), as_of=AS_OF)
    after = figures(app)
    assert after["home customers"] == after["segment customers"] == "3"
    assert after["customers table"].startswith("3 of 3 customers in the table")
    assert after["home revenue"] != before["home revenue"] and after["feedback matched"] == ("parking",)
    assert after["export people"] == 3 and after["plan due"] != before["plan due"]


def test_a_settings_change_is_seen_at_once_on_every_page(app, workspace):
    before = figures(app)
    workspace.save_settings(
        workspace.settings().updated(
            {"currency": "SEK", "churn_horizon_days": 200, "plan_birthday_days": 0, "rating_scales": "Feedback: 0-10"}
        )
    )
    after = figures(app)
    assert "SEK" in str(after["home revenue"]) and "SEK" in str(after["segment purchases"])
    assert "SEK" not in str(before["home revenue"])
    assert after["churn"] != before["churn"] and after["plan due"] != before["plan due"]
    assert before["nps"] == "–" != after["nps"]  # the ratings now read as recommendations
    assert after["home customers"] == before["home customers"]
