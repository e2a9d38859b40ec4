"""The contact plan page through AppTest: one contact per customer for the sample with its message; marking
one done with its outcome logs an action, clears the ticks and settles that customer."""

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.ui.plan_view import table_key
from lib.workspace.repository import Workspace
from tests.app.conftest import on_page
from tests.app.test_analysis import metrics


@pytest.fixture
def app(sample_app) -> AppTest:
    return on_page(sample_app, "pages/3_Plan.py")


def test_the_plan_shows_due_contacts_for_the_sample(app):
    due = int(metrics(app)["Contacts due"].replace(",", ""))
    assert due > 100
    table = app.dataframe[2].value
    assert len(table) == min(due, 500)
    assert table["Customer id"].is_unique  # one row per customer
    start = app.date_input(key="plan_period").value[0]
    assert (pd.to_datetime(table["Due"]) >= pd.Timestamp(start)).all()  # nothing due before the week
    assert table["Why"].str.len().gt(10).all()
    assert set(table["Channel"]) <= {"E-mail", "Text message", "Phone", "Post", "No consent"}
    # Every row says what to send, the customer's first name filled in and no placeholder left.
    assert table["Subject"].str.len().gt(3).all() and table["Message"].str.len().gt(10).all()
    assert not table["Message"].str.contains("{", regex=False).any()
    first = table.iloc[0]
    assert first["Name"].split()[0] in first["Message"] or first["Name"].split()[0] in first["Subject"]


def test_marking_a_contact_done_logs_an_action_and_removes_it(app, tmp_path):
    due = int(metrics(app)["Contacts due"].replace(",", ""))
    first = app.dataframe[2].value.iloc[0]
    key = table_key(app.dataframe[2].value["Customer id"])
    app.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    app.button(key="plan_done_interested").click().run()
    assert not app.exception
    assert "1 contacts logged as done" in app.success[0].value
    journal = Workspace(tmp_path / "workspace").journal(1)
    logged = dict(zip(journal["field"].dropna(), journal["new"].dropna(), strict=False))
    assert logged["customer_id"] == first["Customer id"] and logged["note"].startswith("From the contact plan:")
    assert logged["outcome"] == "interested"  # what came of it, so "what worked" counts it
    # The tick went with the contact: nothing is ticked, no button offers to mark anyone else.
    assert table_key(app.dataframe[2].value["Customer id"]) != key  # another list of contacts, nobody ticked
    assert app.button(key="plan_done_interested").disabled
    # The contact settles that customer's row and the reasons listed with it, and no one else's.
    assert int(metrics(app)["Contacts due"].replace(",", "")) == due - 1
    assert first["Customer id"] not in set(app.dataframe[2].value["Customer id"])


def test_a_message_rewritten_in_settings_is_what_the_plan_shows(app):
    from lib import i18n
    from lib.analysis.contact_plan import RULES
    from lib.messages import MessageTemplates
    from lib.schema import LANGUAGES

    first = app.dataframe[2].value.iloc[0]
    rule = next(r for r in RULES if i18n.t(f"plan.rule.{r}") == first["Rule"])
    # The message is in the customer's own language: the one whose shipped subject the row shows.
    given = first["Name"].split()[0]
    lang = next(
        code
        for code in LANGUAGES
        if MessageTemplates().render(rule, code, given, first["Name"], "").subject == first["Subject"]
    )
    on_page(app, "pages/7_Settings.py")
    app.selectbox(key="message_rule").set_value(rule).run()
    app.selectbox(key="message_language").set_value(lang).run()
    next(box for box in app.text_input if box.label == "Subject").input("Just for you, {first_name}")
    next(button for button in app.button if button.label == "Save this message").click().run()
    assert not app.exception and "Message saved" in app.success[0].value
    on_page(app, "pages/3_Plan.py")
    row = app.dataframe[2].value.iloc[0]
    assert row["Subject"] == f"Just for you, {row['Name'].split()[0]}"


def test_what_worked_shows_response_and_purchase_rates_by_kind(app):
    effect = app.dataframe[1].value
    assert list(effect.columns) == ["Action kind", "Actions done", "Responded", "Bought within 30 days"]
    assert effect["Actions done"].sum() > 1000 and effect["Responded"].between(0, 1).all()


def test_the_plan_offers_a_consent_checked_call_list(app):
    button = app.get("download_button")[0]
    assert button.label.startswith("Download the call list (") and "phone consent checked" in button.label


def test_the_kept_plan_follows_a_settings_change_and_an_undo_at_once(app, tmp_path):
    from lib.service.changes import undo

    workspace = Workspace(tmp_path / "workspace")
    rules = set(app.dataframe[2].value["Rule"])
    assert "Birthdays" in rules
    workspace.save_settings(workspace.settings().updated({"plan_birthday_days": 0}))  # no birthday greetings
    app.run()
    assert "Birthdays" not in set(app.dataframe[2].value["Rule"])

    due = int(metrics(app)["Contacts due"].replace(",", ""))
    key = table_key(app.dataframe[2].value["Customer id"])
    app.session_state[key] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    app.button(key="plan_done_interested").click().run()
    assert int(metrics(app)["Contacts due"].replace(",", "")) == due - 1
    while undo(workspace, 1, None) is None:  # every entry of the logged contact, undone
        pass
    app.run()
    assert int(metrics(app)["Contacts due"].replace(",", "")) == due  # the contact is due again


def test_the_home_page_works_out_the_days_customers_the_weeks_plan_and_its_call_list_before_the_plan_page_asks(
    sample_workspace, monkeypatch
):
    import threading

    from lib.ui import loaders, plan_view
    from tests.app.conftest import ROOT

    done = {"analyse": 0, "due_contacts": 0, "call_list": 0}

    def counted(module, name):
        real = getattr(module, name)

        def work(*args, **kwargs):
            done[name] += 1
            return real(*args, **kwargs)

        return work

    for name in done:
        module = plan_view if name == "call_list" else loaders
        monkeypatch.setattr(module, name, counted(module, name))
    monkeypatch.setenv("LADDER_WORKSPACE", str(sample_workspace))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    for thread in threading.enumerate():  # what the home page started after its first screen
        if thread.name in loaders.BACKGROUND:
            thread.join()
    assert done == {"analyse": 1, "due_contacts": 1, "call_list": 1}
    on_page(app, "pages/3_Plan.py")
    labels = [button.label for button in app.get("download_button")]
    assert any(label.startswith("Download the call list (") for label in labels)  # there at once, no waiting
    on_page(app, "pages/2_Customers.py")
    assert done == {"analyse": 1, "due_contacts": 1, "call_list": 1}  # the pages found it done, and did not redo it
    assert int(metrics(on_page(app, "pages/3_Plan.py"))["Contacts due"].replace(",", "")) > 100
