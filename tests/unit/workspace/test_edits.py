"""Edits are checked again in lib, keyed by id whatever the view's order, and conflicts are refused."""

import pandas as pd
import pytest

from lib.reading.snapshots import apply_edits
from lib.service.changes import save_changes
from lib.service.registers import current_register, import_workbook
from lib.workspace.edits import changes_from_editor, review_changes, text_of
from lib.workspace.repository import Workspace
from tests.conftest import AS_OF, write_xlsx
from tests.unit.history import read

CUSTOMERS = [
    ["Customer id", "Name", "E-mail", "Birth date", "Email consent"],
    ["C1", "Anna", "anna@example.com", "1990-01-01", "yes"],
    ["C2", "Bert", "bert@example.com", None, "no"],
    ["C3", "Cleo", None, None, None],
]


@pytest.fixture
def register(tmp_path):
    return read(write_xlsx(tmp_path / "small.xlsx", {"Customers": CUSTOMERS}))


def shown_view(register, order):
    """The customers as a page shows them: a subset, in its own order, indexed by key."""
    return register.customers.set_index("_key").loc[
        order, ["customer_id", "name", "email", "birth_date", "consent_email"]
    ]


def test_edits_stay_with_their_customer_when_the_view_is_sorted_or_filtered(register):
    view = shown_view(register, ["C3", "C1"])  # filtered to two, sorted differently from the file
    state = {"edited_rows": {0: {"name": "Cleopatra"}, 1: {"email": "anna@new.example.com"}}}
    changes = changes_from_editor(view, state)
    assert [(c["key"], c["field"], c["old"], c["new"]) for c in changes] == [
        ("C3", "name", "Cleo", "Cleopatra"),
        ("C1", "email", "anna@example.com", "anna@new.example.com"),
    ]
    review = review_changes(register, changes)
    edited = apply_edits(register, pd.DataFrame(review.accepted))
    names = dict(zip(edited.customers["customer_id"], edited.customers["name"], strict=True))
    mails = dict(zip(edited.customers["customer_id"], edited.customers["email"], strict=True))
    assert names == {"C1": "Anna", "C2": "Bert", "C3": "Cleopatra"}
    assert mails["C1"] == "anna@new.example.com" and mails["C2"] == "bert@example.com"


def test_an_invalid_email_is_refused_while_the_valid_change_is_kept(register):
    view = shown_view(register, ["C1", "C2"])
    changes = changes_from_editor(view, {"edited_rows": {0: {"email": "anna@"}, 1: {"name": "Bertil"}}})
    review = review_changes(register, changes)
    assert [(c["key"], c["field"]) for c in review.accepted] == [("C2", "name")]
    assert [r.code for r in review.refused] == ["invalid_email"]
    assert (
        review.refused[0].message() == "C1, E-mail: 'anna@' is not a valid e-mail address. Correct it and save again."
    )


def test_new_customers_need_an_id_of_their_own_and_bad_dates_are_refused(register):
    view = shown_view(register, ["C1"])
    state = {
        "added_rows": [
            {"customer_id": "C2", "name": "Twin"},
            {"name": "No id"},
            {"customer_id": "C9", "name": "Nina", "birth_date": "someday"},
        ],
        "deleted_rows": [],
    }
    review = review_changes(register, changes_from_editor(view, state))
    assert [r.code for r in review.refused] == ["duplicate_id", "missing_id", "unreadable_date"]
    assert [(c["op"], c["key"], c["field"]) for c in review.accepted] == [("add", "C9", None), ("set", "C9", "name")]
    assert review.summary() == {"cells": 0, "added": 1, "deleted": 0, "refused": 3}


def test_a_changed_value_since_it_was_shown_is_a_conflict(register):
    stale = [{"op": "set", "sheet": "customers", "key": "C1", "field": "name", "old": "Annabel", "new": "Ann"}]
    review = review_changes(register, stale)
    assert review.accepted == [] and review.refused[0].code == "conflict"
    assert "it is now 'Anna'" in review.refused[0].message()


def test_a_delete_in_a_sorted_filtered_table_removes_that_customer_and_undo_brings_them_back(tmp_path):
    """The table shows C3 then C1 (a search and a sort); deleting its second row removes C1, not the file's
    second customer; undoing the delete and an added customer returns the register exactly as it was."""
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "small.xlsx", write_xlsx(tmp_path / "small.xlsx", {"Customers": CUSTOMERS}).read_bytes())
    before = current_register(workspace).register.customers.drop(columns=["_key"]).reset_index(drop=True)
    view = shown_view(current_register(workspace).register, ["C3", "C1"])
    state = {"deleted_rows": [1], "added_rows": [{"customer_id": "C4", "name": "Dora"}]}
    review = save_changes(workspace, changes_from_editor(view, state))
    assert review.summary()["deleted"] == 1 and not review.refused
    ids = list(current_register(workspace).register.customers["customer_id"])
    assert ids == ["C2", "C3", "C4"]  # C1 is gone, the one shown on that row; C2, second in the file, stays
    assert workspace.undo_many(1, [int(e) for e in workspace.journal(1)["id"]], "local") is None
    after = current_register(workspace).register.customers.drop(columns=["_key"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(after, before)


def test_a_delete_of_a_row_someone_changed_meanwhile_is_refused_as_a_conflict(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "small.xlsx", write_xlsx(tmp_path / "small.xlsx", {"Customers": CUSTOMERS}).read_bytes())
    seen = shown_view(current_register(workspace).register, ["C1", "C2"])  # one browser shows the table
    other = changes_from_editor(seen, {"edited_rows": {1: {"email": "bert@new.example.com"}}})
    assert save_changes(workspace, other).accepted  # another browser changes Bert's e-mail
    review = save_changes(workspace, changes_from_editor(seen, {"deleted_rows": [1]}))  # the first deletes Bert
    assert review.accepted == [] and review.refused[0].code == "conflict"
    assert "C2" in set(current_register(workspace).register.customers["customer_id"])  # Bert and his new e-mail stay
    fresh = shown_view(current_register(workspace).register, ["C1", "C2"])
    assert save_changes(workspace, changes_from_editor(fresh, {"deleted_rows": [1]})).summary()["deleted"] == 1


def test_values_are_kept_as_text_the_register_reads_back():
    assert text_of(pd.Timestamp("2026-11-23")) == "2026-11-23"
    assert text_of(True) == "yes" and text_of(False) == "no"
    assert text_of(49.0) == "49" and text_of(49.5) == "49.5"
    assert text_of("  ") is None and text_of(None) is None and text_of(float("nan")) is None


def test_two_browsers_editing_the_same_cell_the_second_is_refused(tmp_path, sample_bytes):
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "studio_register.xlsx", sample_bytes, as_of=AS_OF)
    shown = current_register(workspace).register.customers.set_index("_key")[["first_name"]].head(3)
    first = save_changes(workspace, changes_from_editor(shown, {"edited_rows": {0: {"first_name": "First"}}}))
    second = save_changes(workspace, changes_from_editor(shown, {"edited_rows": {0: {"first_name": "Second"}}}))
    assert first.summary()["cells"] == 1 and second.refused[0].code == "conflict"
    assert current_register(workspace).register.customers["first_name"].iloc[0] == "First"


def test_a_logged_action_creates_the_actions_sheet_a_workbook_did_not_have(tmp_path):
    import io

    import openpyxl

    from lib.service.registers import updated_workbook
    from lib.workspace.edits import new_row

    path = write_xlsx(tmp_path / "customers only.xlsx", {"Customers": CUSTOMERS})
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, path.name, path.read_bytes(), as_of=AS_OF)
    review = save_changes(
        workspace, new_row("actions", {"customer_id": "C2", "kind": "call", "done": AS_OF, "outcome": "booked a visit"})
    )
    assert review.refused == [] and review.summary()["added"] == 1
    written = updated_workbook(workspace, current_register(workspace))
    book = openpyxl.load_workbook(io.BytesIO(written.data))
    assert book.sheetnames == ["Customers", "Actions"]
    rows = list(book["Actions"].iter_rows(values_only=True))
    assert "C2" in rows[1] and "booked a visit" in rows[1]
