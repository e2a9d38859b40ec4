"""The contact plan page through AppTest: due contacts for the sample; marking one done logs an action."""

import pytest
from streamlit.testing.v1 import AppTest

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
    assert table["Why"].str.len().gt(10).all()
    assert set(table["Channel"]) <= {"E-mail", "Text message", "Phone", "Post", "No consent"}


def test_marking_a_contact_done_logs_an_action_and_removes_it(app, tmp_path):
    due = int(metrics(app)["Contacts due"].replace(",", ""))
    first = app.dataframe[2].value.iloc[0]
    app.session_state["plan_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    app.button(key="plan_done").click().run()
    assert not app.exception
    assert "1 contacts logged as done" in app.success[0].value
    journal = Workspace(tmp_path / "workspace").journal(1)
    logged = dict(zip(journal["field"].dropna(), journal["new"].dropna(), strict=False))
    assert logged["customer_id"] == first["Customer id"] and logged["note"].startswith("plan:")
    # The contact made settles that row, and may settle the customer's other due rows with it.
    assert int(metrics(app)["Contacts due"].replace(",", "")) < due


def test_what_worked_shows_response_and_purchase_rates_by_kind(app):
    effect = app.dataframe[1].value
    assert list(effect.columns) == ["Action kind", "Actions done", "Responded", "Bought within 30 days"]
    assert effect["Actions done"].sum() > 1000 and effect["Responded"].between(0, 1).all()


def test_the_plan_offers_a_consent_checked_call_list(app):
    button = app.get("download_button")[0]
    assert button.label.startswith("Download the call list (") and "phone consent checked" in button.label
