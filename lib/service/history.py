"""The register's history as people made it: one entry per thing a person did, in words.

The journal keeps one entry per cell: logging a call is an added row and a value for each of its
fields. A person did one thing ("Call to K0265 logged: reached"), so that is what the History page,
its undo and the sidebar's count show. Entries saved together that add a row are one action;
every other entry (a cell changed, a row deleted) is one action of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.frames import among
from lib.reading.register import Register
from lib.schema import KEY_COL
from lib.service.changes import remember_wishes
from lib.workspace.access import LOCAL_USER, Actor, as_user
from lib.workspace.repository import Workspace


@dataclass(frozen=True)
class Action:
    """One thing a person did: the journal entries it is made of, and what it was."""

    entries: tuple[int, ...]
    created_at: str
    user: str
    op: str
    sheet: str
    key: str
    customer: str
    field: str | None
    old: str | None
    new: str | None
    values: dict[str, str]
    """For an added row: the values it was given (field → text)."""
    undone: bool
    undone_by: str | None
    undone_at: str | None


def person_actions(history: pd.DataFrame, register: Register, original: Register | None = None) -> list[Action]:
    """The journal entries of an upload (any order) as the actions people took, newest first.

    ``original`` (the upload as read) names the customer of a row deleted since.
    """
    if history.empty:
        return []
    entries = history.sort_values("id")
    added: dict[tuple[str, str, str, str], int] = {}  # (batch time, user, sheet, key) → the action's index
    actions: list[dict] = []
    for row in entries.itertuples(index=False):
        batch = (str(row.created_at), str(row.user), str(row.sheet), str(row.key))
        if row.op == "set" and batch in added:
            action = actions[added[batch]]
            action["entries"].append(int(row.id))
            action["undone"].append(_is_undone(row.undone_at))
            if row.field is not None and row.new is not None:
                action["values"][str(row.field)] = str(row.new)
            continue
        if row.op == "add":
            added[batch] = len(actions)
        actions.append({"row": row, "entries": [int(row.id)], "values": {}, "undone": [_is_undone(row.undone_at)]})
    named = {(str(row.sheet), str(row.key)) for row in entries.itertuples(index=False)}
    owners = {**(_owners(original, named) if original is not None else {}), **_owners(register, named)}
    found = []
    for action in reversed(actions):
        row = action["row"]
        customer = action["values"].get("customer_id") or owners.get((str(row.sheet), str(row.key))) or str(row.key)
        found.append(
            Action(
                entries=tuple(action["entries"]),
                created_at=str(row.created_at),
                user=str(row.user),
                op=str(row.op),
                sheet=str(row.sheet),
                key=str(row.key),
                customer=str(customer),
                field=None if row.field is None or pd.isna(row.field) else str(row.field),
                old=None if row.old is None or pd.isna(row.old) else str(row.old),
                new=None if row.new is None or pd.isna(row.new) else str(row.new),
                values=action["values"],
                undone=all(action["undone"]),
                undone_by=None if row.undone_by is None or pd.isna(row.undone_by) else str(row.undone_by),
                undone_at=None if row.undone_at is None or pd.isna(row.undone_at) else str(row.undone_at),
            )
        )
    return found


def _is_undone(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def _owners(register: Register, named: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(sheet, row key) → the customer a row of the purchases, feedback or actions sheet belongs to, for the
    rows ``named`` (the journal's: a register holds hundreds of thousands of rows, the journal a few)."""
    owners: dict[tuple[str, str], str] = {}
    for kind in ("customers", "purchases", "feedback", "actions"):
        frame = register.frame(kind)
        if KEY_COL in frame and "customer_id" in frame:
            frame = frame[among(frame[KEY_COL], [key for sheet, key in named if sheet == kind])]
            owners.update(
                {
                    (kind, str(key)): str(customer)
                    for key, customer in zip(frame[KEY_COL], frame["customer_id"], strict=True)
                    if isinstance(customer, str)
                }
            )
    return owners


def undo_action(workspace: Workspace, upload_id: int, action: Action, user: Actor = LOCAL_USER) -> str | None:
    """Undo everything one action did, all of it or nothing; None when done, else why not (a catalogue key).

    Undoing a consent edit is itself a consent change on record, as for a single edit.
    """
    why = workspace.undo_many(upload_id, action.entries, user)
    if why is None:
        restored = (
            [{"sheet": action.sheet, "key": action.key, "field": action.field, "new": action.old}]
            if action.op == "set"
            else []
        )
        remember_wishes(workspace, restored, as_user(user).name)
    return why
