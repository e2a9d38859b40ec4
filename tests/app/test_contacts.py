"""Contact lists on the Export page through AppTest: counts, who was left out and why, and the export log."""

import pytest
from streamlit.testing.v1 import AppTest

from lib.workspace.repository import Workspace
from tests.app.conftest import on_page
from tests.app.test_analysis import metrics


@pytest.fixture
def app(sample_app) -> AppTest:
    return on_page(sample_app, "pages/9_Export.py")


def test_an_email_list_leaves_out_who_said_no_and_says_why(app):
    on_list = int(metrics(app)["People on the list"].replace(",", ""))
    assert 0 < on_list < 2000
    note = next(c.value for c in app.caption if "left out:" in c.value)
    assert "no consent for this channel" in note and "opted out" in note
    left = app.dataframe[0].value  # one page of those left out goes to the browser; the count covers all
    rows = next(c.value for c in app.caption if c.value.startswith("Rows "))
    assert len(left) == 200 and rows.startswith("Rows 1–200 of ")
    assert int(rows.removeprefix("Rows 1–200 of ").rstrip(".").replace(",", "")) + on_list == 2000
    last = left["Customer id"].iloc[-1]
    app.number_input(key="contacts_left_out_page").set_value(2).run()
    assert last not in set(app.dataframe[0].value["Customer id"])
    app.text_input(key="contacts_left_out_search").input(last).run()  # found on page 1 of 1, whatever page was open
    assert list(app.dataframe[0].value["Customer id"]) == [last]
    app.text_input(key="contacts_left_out_search").input("").run()
    app.selectbox(key="contacts_left_out_sort").set_value("customer_id").run()
    app.toggle(key="contacts_left_out_descending").set_value(True).run()
    ids = list(app.dataframe[0].value["Customer id"])
    assert ids == sorted(ids, reverse=True) and len(ids) == 200
    app.selectbox(key="contacts_channel").set_value("sms").run()
    assert not app.exception
    assert int(metrics(app)["People on the list"].replace(",", "")) != on_list


def test_a_class_selection_narrows_the_list(app):
    everyone = int(metrics(app)["People on the list"].replace(",", ""))
    app.multiselect(key="contacts_classes").set_value(["loyal"]).run()
    assert not app.exception
    loyal = int(metrics(app)["People on the list"].replace(",", ""))
    assert 0 < loyal < everyone
    assert app.get("download_button")[-1].label == f"Download the list ({loyal:,} people)"
    app.checkbox(key="contacts_deeper").uncheck().run()  # loyal alone, without the partner customers
    loyal_only = int(metrics(app)["People on the list"].replace(",", ""))
    app.multiselect(key="contacts_classes").set_value(["partner"]).run()
    partners = int(metrics(app)["People on the list"].replace(",", ""))
    assert 0 < loyal_only < loyal and loyal_only + partners == loyal


def test_the_export_log_keeps_pseudonyms_never_ids_or_emails(tmp_path):
    import sqlite3

    workspace = Workspace(tmp_path / "ws")
    workspace.log_export("marketer", "email/excel-csv", "412 customers selected", ["10001", "10002"])
    log = workspace.exports()
    assert log[["user", "kind", "people"]].values.tolist() == [["marketer", "email/excel-csv", 2]]
    with sqlite3.connect(workspace.path) as db:
        stored = db.execute("SELECT pseudonyms FROM exports").fetchone()[0]
    assert "10001" not in stored and len(stored) > 20


def test_a_person_erased_stays_off_the_export_page_list_and_the_call_list_after_an_old_copy_comes_back(
    tmp_path, monkeypatch
):
    """Someone the register does not mark as opted out, only the workspace's suppression list knows: an old copy of
    the workbook brings them back, and neither the Export page's list nor the plan's call list names them."""
    from datetime import date

    from lib import i18n
    from lib.service.changes import forget_customer
    from lib.service.registers import import_workbook
    from tests.conftest import ROOT, write_xlsx

    fields = ("customer_id", "name", "email", "phone", "consent_email", "consent_phone")
    people = [[i18n.t(f"field.{f}", "en") for f in fields]]
    people += [[f"K{n}", f"Person {n}", f"p{n}@example.ee", f"+372 5000 000{n}", "yes", "yes"] for n in range(1, 4)]
    complaints = [[i18n.t(f"field.{f}", "en") for f in ("customer_id", "date", "kind", "text", "status")]]
    complaints += [[f"K{n}", date(2026, 11, 20), "complaint", "The shower was cold", "open"] for n in range(1, 4)]
    old_copy = write_xlsx(tmp_path / "register.xlsx", {"Customers": people, "Feedback": complaints}).read_bytes()
    workspace = Workspace(tmp_path / "workspace")
    import_workbook(workspace, "register.xlsx", old_copy)
    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "workspace"))

    def lists() -> tuple[int, list[tuple[str, str]], str]:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        on_page(at, "pages/9_Export.py")
        on_list = int(metrics(at)["People on the list"])
        table = at.dataframe[0].value if at.dataframe else None
        left = (
            [] if table is None else list(zip(table["Customer id"], table[i18n.t("contacts.why", "en")], strict=True))
        )
        on_page(at, "pages/3_Plan.py")
        return on_list, left, at.get("download_button")[-1].label

    calls_of = lambda count: i18n.t("plan.call_list", "en", count=count)  # noqa: E731
    assert lists() == (3, [], calls_of(3))  # everyone, before anything happens
    forget_customer(workspace, "K2")
    import_workbook(workspace, "register (old copy).xlsx", old_copy)  # K2 is back in the register
    on_list, left, calls = lists()
    assert (on_list, left, calls) == (2, [("K2", i18n.t("contacts.reason.suppressed", "en"))], calls_of(2))
