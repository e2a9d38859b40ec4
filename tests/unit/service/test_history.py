"""The history as people made it: a logged call is one action, undone whole or not at all, said in words."""

import time

from lib.service.changes import save_changes
from lib.service.history import person_actions, undo_action
from lib.service.registers import current_register, import_workbook
from lib.workspace.edits import action_count, new_row, text_of
from lib.workspace.repository import Workspace
from tests.conftest import write_xlsx


def workspace_with(tmp_path) -> Workspace:
    customers = [
        ["Customer id", "Name", "City", "Relationship"],
        ["K1", "Kaja", "Tallinn", "loyal"],
        ["K2", "Mart", "Tartu", None],
    ]
    actions = [["Customer id", "Done", "Type"], ["K2", "2026-10-01", "call"]]
    path = write_xlsx(tmp_path / "r.xlsx", {"Customers": customers, "Actions": actions})
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, path.name, path.read_bytes())
    return workspace


def test_a_logged_call_is_one_action_and_is_undone_whole_or_not_at_all(tmp_path):
    workspace = workspace_with(tmp_path)
    save_changes(
        workspace, new_row("actions", {"customer_id": "K1", "kind": "call", "outcome": "reached", "note": "asked"})
    )
    now = current_register(workspace)
    upload = now.upload.id
    [call] = person_actions(workspace.history(upload), now.register)
    assert (
        call.customer == "K1" and call.values["outcome"] == "reached" and len(call.entries) == 5
    )  # the row, and customer, kind, outcome, note
    assert now.edits == 1 and action_count(now.journal) == 1  # the sidebar counts what a person did
    time.sleep(1.1)  # a later, separate save
    key = call.key
    kind = text_of(now.register.actions.set_index("_key").at[key, "kind"])
    save_changes(
        workspace, [{"op": "set", "sheet": "actions", "key": key, "field": "kind", "old": kind, "new": "visit"}]
    )
    history = workspace.history(upload)
    actions = person_actions(history, current_register(workspace).register)
    assert [a.op for a in actions] == ["set", "add"]  # newest first: the correction, then the call
    assert undo_action(workspace, upload, actions[1]) == "undo_depends"  # the correction builds on the call
    assert workspace.history(upload)["undone_at"].isna().all()  # and nothing of the call was undone half-way
    assert undo_action(workspace, upload, actions[0]) is None
    assert undo_action(workspace, upload, person_actions(workspace.history(upload), now.register)[1]) is None
    after = current_register(workspace)
    assert len(after.register.actions) == 1 and after.edits == 0


def test_a_deleted_row_names_its_customer_and_a_changed_class_is_said_in_words(tmp_path):
    from lib.ui.history_view import action_text

    workspace = workspace_with(tmp_path)
    now = current_register(workspace)
    row = now.register.actions["_key"].iloc[0]
    save_changes(workspace, [{"op": "delete", "sheet": "actions", "key": row, "field": None, "old": None, "new": None}])
    save_changes(
        workspace,
        [{"op": "set", "sheet": "customers", "key": "K1", "field": "relationship", "old": "loyal", "new": "partner"}],
    )
    after = current_register(workspace)
    changed, deleted = person_actions(workspace.history(after.upload.id), after.register, after.original)
    assert deleted.customer == "K2"  # not the row's key: the row is gone, the upload still names its customer
    assert action_text(changed) == "Relationship (manual class) of K1 changed from Loyal customer to Partner customer"
