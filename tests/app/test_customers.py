"""The Customers page through AppTest: edits saved through the data editor, refusals, logging, conflicts."""

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from lib.service.changes import save_changes
from lib.service.registers import current_register, updated_workbook
from lib.ui.customer_editor import GENERATION, editor_key
from lib.workspace.repository import Workspace
from tests.app.conftest import on_page
from tests.conftest import ROOT


@pytest.fixture
def app(sample_app) -> AppTest:
    return on_page(sample_app, "pages/2_Customers.py")


def edit(at: AppTest, edited_rows: dict) -> AppTest:
    """Edit the grid as it is now (its key changes after each save)."""
    generation = at.session_state.get(GENERATION, 0)
    at.session_state[editor_key(generation)] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def save(at: AppTest) -> AppTest:
    button = at.button(key="customers_save")
    assert not button.disabled
    return button.click().run()


def cell(at: AppTest, row: int, column: str):
    return at.data_editor[0].value.iloc[row][column]


def test_an_edit_is_saved_and_seen_by_a_new_session(app, tmp_path):
    edit(app, {0: {"city": "Tartu"}})
    assert app.button(key="customers_save").label == "Save 1 changes"
    save(app)
    assert not app.exception
    assert "1 cells changed" in app.success[0].value
    assert cell(app, 0, "city") == "Tartu"
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    fresh.switch_page("pages/2_Customers.py").run()
    assert cell(fresh, 0, "city") == "Tartu"
    assert Workspace(tmp_path / "workspace").journal(1)["new"].tolist() == ["Tartu"]


def test_an_invalid_email_is_refused_while_a_valid_edit_is_kept(app):
    edit(app, {0: {"email": "not-an-address"}, 1: {"city": "Pärnu"}})
    save(app)
    assert not app.exception
    assert "1 cells changed" in app.success[0].value
    assert "'not-an-address' is not a valid e-mail address" in app.error[0].value
    assert cell(app, 1, "city") == "Pärnu"
    assert cell(app, 0, "email") == "triin.magi10@studio.ee"


def test_a_logged_action_and_feedback_appear_in_the_profile_and_the_written_back_workbook(app, tmp_path):
    app.text_input(key="action_campaign").set_value("Christmas tan 2026")
    app.text_input(key="action_outcome").set_value("booked a visit")
    app.button(key="FormSubmitter:log_action-Save the action").click().run()
    assert not app.exception and "Action logged" in app.success[0].value
    app.text_area(key="feedback_text").set_value("Hinnad on liiga kõrged")
    app.selectbox(key="feedback_kind").set_value("complaint")
    app.button(key="FormSubmitter:log_feedback-Save the feedback").click().run()
    assert not app.exception and "Feedback logged" in app.success[0].value
    story = next(frame.value for frame in app.dataframe if "Detail" in frame.value.columns)
    assert {"Christmas tan 2026", "Hinnad on liiga kõrged"} <= set(story["Detail"].dropna())
    workspace = Workspace(tmp_path / "workspace")
    written = updated_workbook(workspace, current_register(workspace))
    book = openpyxl.load_workbook(io.BytesIO(written.data), read_only=True)
    actions = [row for row in book["Actions"].iter_rows(values_only=True) if row[1] == "10001"]
    feedback = [row for row in book["Feedback"].iter_rows(values_only=True) if row[1] == "10001"]
    assert any("Christmas tan 2026" in row for row in actions)
    assert any("Hinnad on liiga kõrged" in row for row in feedback)


def test_a_conflicting_edit_from_another_browser_is_refused(app, tmp_path):
    edit(app, {0: {"city": "Narva"}})
    workspace = Workspace(tmp_path / "workspace")  # meanwhile, someone else changes the same cell
    other = save_changes(
        workspace,
        [{"op": "set", "sheet": "customers", "key": "10001", "field": "city", "old": "Tallinn", "new": "Tartu"}],
        "colleague",
    )
    assert other.summary()["cells"] == 1
    save(app)
    assert not app.exception
    assert "someone changed this meanwhile (it is now 'Tartu')" in app.error[0].value
    assert current_register(workspace).register.customers.set_index("customer_id").at["10001", "city"] == "Tartu"


def test_undo_on_the_history_page_restores_the_old_value(app):
    edit(app, {0: {"city": "Tartu"}})
    save(app)
    app.switch_page("pages/8_History.py").run()
    assert not app.exception
    history = app.dataframe[0].value
    assert history["Change"].tolist() == ["City of 10001 changed from Tallinn to Tartu"]
    assert history["Who"].tolist() == ["local"]
    app.button(key="history_undo_last").click().run()
    assert not app.exception and "Change undone" in app.success[0].value
    assert app.dataframe[0].value["Undone"].iloc[0].startswith("by local")
    app.switch_page("pages/2_Customers.py").run()
    assert cell(app, 0, "city") == "Tallinn"


def test_a_bulk_change_sets_a_field_for_everyone_in_the_filter_with_a_preview(app, tmp_path):
    app.multiselect(key="customers_classes").set_value(["partner"]).run()
    partners = int(app.caption[1].value.split(" of ")[1].split(" ")[0])
    app.selectbox(key="bulk_field").set_value("tags").run()
    app.text_input(key="bulk_text").set_value("members evening 2026").run()
    assert f"{partners} customers will get this Tags" in " ".join(c.value for c in app.caption)
    app.button(key="bulk_apply").click().run()
    assert not app.exception
    assert f"{partners} cells changed" in app.success[0].value
    workspace = Workspace(tmp_path / "workspace")
    journal = workspace.journal(1)
    assert len(journal) == partners and set(journal["new"]) == {"members evening 2026"}
    assert "Apply to 0 customers" in [b.label for b in app.button]


def test_forgetting_a_customer_from_the_profile(app, tmp_path):
    assert app.selectbox(key="customers_profile").value == "10001"
    assert app.button(key="forget_button").disabled
    app.checkbox(key="forget_confirm").check().run()
    app.button(key="forget_button").click().run()
    assert not app.exception
    assert "erased from 1 stored versions" in app.success[0].value
    assert app.selectbox(key="customers_profile").value != "10001"
    workspace = Workspace(tmp_path / "workspace")
    assert "10001" not in set(current_register(workspace).register.customers["customer_id"])


def test_a_contact_s_outcome_and_a_complaint_s_status_are_corrected_afterwards_with_who_and_when(app, tmp_path):
    app.text_area(key="feedback_text").set_value("Kraan lekib")
    app.selectbox(key="feedback_kind").set_value("complaint")
    app.button(key="FormSubmitter:log_feedback-Save the feedback").click().run()
    app.text_input(key="action_campaign").set_value("Follow-up call")
    app.button(key="FormSubmitter:log_action-Save the action").click().run()
    assert not app.exception
    feedback = app.data_editor(key="records_feedback").value
    complaint = int((feedback["text"] == "Kraan lekib").to_numpy().nonzero()[0][0])
    actions = app.data_editor(key="records_actions").value
    call = int((actions["campaign"] == "Follow-up call").to_numpy().nonzero()[0][0])
    app.session_state["records_feedback"] = {
        "edited_rows": {complaint: {"status": "Resolved"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.session_state["records_actions"] = {
        "edited_rows": {call: {"outcome": "interested"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    button = app.button(key="records_save")
    assert button.label == "Save 2 changes"
    button.click().run()
    assert not app.exception and "Saved: 2 changes" in app.success[0].value
    workspace = Workspace(tmp_path / "workspace")
    register = current_register(workspace).register
    mine = register.feedback[register.feedback["text"] == "Kraan lekib"]
    assert mine["status"].tolist() == ["resolved"]  # the register keeps the code, whatever the language shown
    assert register.actions.loc[register.actions["campaign"] == "Follow-up call", "outcome"].tolist() == ["interested"]
    shown = app.data_editor(key="records_feedback").value
    assert shown.loc[shown["text"] == "Kraan lekib", "by"].iloc[0].startswith("local")  # who, then when


def test_a_refused_edit_is_not_shown_as_saved_and_stays_pending_until_corrected(app, tmp_path):
    edit(app, {0: {"email": "triin(at)studio"}})
    save(app)
    assert not app.exception
    assert not app.success  # nothing was saved: nothing green
    assert "is not a valid e-mail address" in app.error[0].value
    assert cell(app, 0, "email") == "triin.magi10@studio.ee"  # the grid shows what is stored
    assert any("Not saved: 1." in w.value for w in app.warning)
    pending = app.data_editor(key="customers_pending_editor").value
    assert pending["value"].tolist() == ["triin(at)studio"]
    assert "not a valid e-mail address" in pending["reason"].iloc[0]
    app.session_state["customers_pending_editor"] = {
        "edited_rows": {0: {"value": "triin@studio.ee"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    app.button(key="customers_pending_save").click().run()
    assert not app.exception and "1 cells changed" in app.success[0].value
    assert not any("not saved" in w.value for w in app.warning) and cell(app, 0, "email") == "triin@studio.ee"
    assert Workspace(tmp_path / "workspace").journal(1)["new"].tolist() == ["triin@studio.ee"]


def test_any_customer_opens_by_search_or_by_the_address_not_only_the_first_200(app):
    last = app.selectbox(key="customers_profile").options[-1]  # the picker offers what the filters found …
    app.text_input(key="customers_open").set_value("11999").run()  # … and its own search the whole register
    assert not app.exception
    assert app.selectbox(key="customers_profile").value == "11999"  # beyond the 200 rows of the table
    assert last != app.selectbox(key="customers_profile").options[0]
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    fresh.query_params["customer"] = "11500"  # a plan row's "Open" link
    fresh.run()
    fresh.switch_page("pages/2_Customers.py").run()
    assert not fresh.exception
    assert fresh.selectbox(key="customers_profile_11500").value == "11500"


def test_a_logged_call_is_one_readable_line_in_the_history_one_change_in_the_sidebar_and_undone_whole(app, tmp_path):
    app.text_input(key="action_campaign").set_value("Winter visit")
    app.text_input(key="action_outcome").set_value("reached")
    app.text_input(key="action_note").set_value("asked about prices")
    app.button(key="FormSubmitter:log_action-Save the action").click().run()
    assert not app.exception
    sidebar = " ".join(str(c.value) for c in app.sidebar.caption)
    assert "Edits since upload: 1" in sidebar  # one thing done, not one per cell it filled
    app.switch_page("pages/8_History.py").run()
    history = app.dataframe[0].value
    assert history["Change"].tolist() == ["Call to 10001 logged: reached, Winter visit, asked about prices"]
    assert "nan" not in history["Details"].iloc[0] and "new-" not in " ".join(history.astype(str).to_numpy().ravel())
    app.button(key="history_undo_last").click().run()
    assert not app.exception and "Change undone" in app.success[0].value
    journal = Workspace(tmp_path / "workspace").history(1)
    assert journal["undone_at"].notna().all()  # every cell the call filled, not just the last one
