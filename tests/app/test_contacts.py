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
    left = app.dataframe[0].value
    assert len(left) + on_list == 2000
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
