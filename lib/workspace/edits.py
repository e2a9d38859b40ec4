"""Changes to the register as the marketer makes them: checked again, keyed by id, never by position.

The browser's checks are not enough: every change is validated here before it reaches the
journal. A batch is reviewed change by change, so one bad value (an invalid e-mail, a
repeated id, an unreadable date) is refused with its reason while the others are kept. A
change whose old value no longer matches the register (someone else changed it meanwhile,
in another browser) is refused as a conflict instead of overwriting their work.
"""

from __future__ import annotations

import dataclasses
import json
import math
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from lib import i18n
from lib.frames import holding
from lib.reading.register import Register, parse_field
from lib.reading.values import invalid_emails
from lib.schema import CUSTOMERS, FIELDS, KEY_COL, Field
from lib.workspace.access import pseudonyms

Change = dict[str, Any]
"""One journal entry to be: op (set/add/delete), sheet (a kind), key, field, old, new (text)."""


@dataclass(frozen=True)
class Refusal:
    """A change that was not saved, and why (a catalogue key with its parameters)."""

    key: str
    field: str | None
    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE, quote: Callable[[str], str] = str) -> str:
        """The reason in words; ``quote`` is applied to what the person typed (a screen that renders Markdown
        passes its escaping, so a typed link stays text)."""
        label = i18n.t(f"field.{self.field}", lang) if self.field else ""
        params = {name: quote(v) if isinstance(v, str) else v for name, v in self.params.items()}
        return i18n.t(f"edit.{self.code}", lang, key=quote(self.key), field=label, **params)


@dataclass(frozen=True)
class Review:
    """A batch of changes after checking: what will be saved and what was refused."""

    accepted: list[Change]
    refused: list[Refusal]

    def summary(self) -> dict[str, int]:
        """Counts for the save message: cells changed, rows added, rows deleted, changes refused."""
        added = {c["key"] for c in self.accepted if c["op"] == "add"}
        return {
            "cells": sum(1 for c in self.accepted if c["op"] == "set" and c["key"] not in added),
            "added": len(added),
            "deleted": sum(1 for c in self.accepted if c["op"] == "delete"),
            "refused": len(self.refused),
        }


def text_of(value: Any) -> str | None:
    """A value as the journal keeps it: dates as ISO days, yes/no for flags, numbers without noise."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if math.isfinite(value) and value.is_integer() else repr(value)
    if hasattr(value, "item"):  # numpy scalars
        return text_of(value.item())
    text = str(value).strip()
    return text or None


def changes_from_editor(shown: pd.DataFrame, state: Mapping[str, Any], kind: str = CUSTOMERS) -> list[Change]:
    """Journal changes from a data editor's state over ``shown`` (its index: each row's key).

    The state's row numbers are positions in ``shown`` as it was handed to the editor, so a
    sort in the browser does not move an edit to another customer; each becomes the row's key.
    Added rows take their key from the id column.
    """
    changes: list[Change] = []
    keys = [str(k) for k in shown.index]
    for position, edited in (state.get("edited_rows") or {}).items():
        key = keys[int(position)]
        for column, new in edited.items():
            if column not in shown.columns:
                continue
            old = text_of(shown.iloc[int(position)][column])
            if text_of(new) != old:
                changes.append(
                    {"op": "set", "sheet": kind, "key": key, "field": column, "old": old, "new": text_of(new)}
                )
    for added in state.get("added_rows") or []:
        key = text_of(added.get("customer_id")) or ""
        changes.append({"op": "add", "sheet": kind, "key": key, "field": None, "old": None, "new": None})
        for column, new in added.items():
            if column != "customer_id" and column in shown.columns and text_of(new) is not None:
                changes.append(
                    {"op": "set", "sheet": kind, "key": key, "field": column, "old": None, "new": text_of(new)}
                )
    for position in state.get("deleted_rows") or []:
        seen = row_as_seen(shown.iloc[int(position)], kind)
        changes.append(
            {"op": "delete", "sheet": kind, "key": keys[int(position)], "field": None, "old": seen, "new": None}
        )
    return changes


def row_as_seen(row: pd.Series, kind: str = CUSTOMERS) -> str:
    """A row's field values as the person saw them when they deleted it (JSON), so the delete is refused when
    someone changed the row meanwhile, as a cell edit is."""
    return json.dumps({name: text_of(row[name]) for name in FIELDS[kind] if name in row.index}, ensure_ascii=False)


def _changed_since_seen(seen: str | None, row: pd.Series) -> str | None:
    """The first field whose value differs from what the deleting person saw (None: unchanged or not known)."""
    if not seen:
        return None
    try:
        values = json.loads(seen)
    except ValueError:
        return None
    return next((name for name, old in values.items() if name in row.index and text_of(row[name]) != old), None)


def review_changes(register: Register, changes: Iterable[Change]) -> Review:
    """Check every change against the register as it stands now; refuse the bad ones with a reason.

    Refused: a value its field cannot hold (e-mail, date, number, yes/no, a class or
    temperature word); a new customer without an id or with an id already taken; a change to
    a customer who is not there; a change whose old value is not the current one (a conflict);
    and every change to a row whose adding was refused.
    """
    accepted: list[Change] = []
    refused: list[Refusal] = []
    frames = {kind: register.frame(kind).set_index(KEY_COL, drop=False) for kind in FIELDS}
    known = {kind: set(frame.index.astype(str)) for kind, frame in frames.items()}
    failed_adds: set[tuple[str, str]] = set()
    added_now: set[tuple[str, str]] = set()
    for change in changes:
        kind, key, name = change["sheet"], str(change["key"]), change.get("field")
        if change["op"] == "add":
            if not key:
                refused.append(Refusal(key, "customer_id", "missing_id"))
            elif key in known[kind]:
                refused.append(Refusal(key, "customer_id", "duplicate_id"))
            else:
                known[kind].add(key)
                added_now.add((kind, key))
                accepted.append(change)
                continue
            failed_adds.add((kind, key))
            continue
        if (kind, key) in failed_adds:
            continue
        if key not in known[kind]:
            refused.append(Refusal(key, name, "unknown_row"))
            continue
        if change["op"] == "delete":
            frame = frames[kind]
            changed = _changed_since_seen(change.get("old"), frame.loc[key]) if key in frame.index else None
            if changed is not None:
                current = text_of(frame.at[key, changed])
                refused.append(Refusal(key, changed, "conflict", {"value": current or "–"}))
                continue
            known[kind].discard(key)
            accepted.append(change)
            continue
        problem = _value_problem(FIELDS[kind].get(str(name)), change.get("new"), new_row=(kind, key) in added_now)
        if problem:
            refused.append(Refusal(key, name, problem, {"value": change.get("new")}))
            continue
        frame = frames[kind]
        current = text_of(frame.at[key, name]) if key in frame.index and name in frame.columns else None
        if current != change.get("old"):
            refused.append(Refusal(key, name, "conflict", {"value": current or "–"}))
            continue
        accepted.append(change)
    return Review(accepted, refused)


def _value_problem(spec: Field | None, new: str | None, new_row: bool = False) -> str | None:
    """Why a new value cannot go into its field (None when it can, or when it is emptied).

    An id is set only on a row added in the same batch (the customer of a logged action);
    an existing row keeps its id.
    """
    if spec is None or new is None:
        return None
    if spec.type == "email":
        return "invalid_email" if invalid_emails(pd.Series([new], dtype="string")).iloc[0] else None
    if spec.type == "id":
        return None if new_row else "id_change"
    _, unreadable, code = parse_field(pd.Series([new], dtype="string"), spec)
    return code if bool(unreadable.iloc[0]) else None


def new_row(kind: str, values: Mapping[str, Any]) -> list[Change]:
    """Changes that add one row (an action or a feedback item) with its values, under a fresh key."""
    key = f"new-{uuid.uuid4().hex[:12]}"
    changes: list[Change] = [{"op": "add", "sheet": kind, "key": key, "field": None, "old": None, "new": None}]
    for name, value in values.items():
        if text_of(value) is not None:
            changes.append({"op": "set", "sheet": kind, "key": key, "field": name, "old": None, "new": text_of(value)})
    return changes


ALWAYS_EDITABLE = ("relationship", "lead_temperature", "consent_email", "consent_sms", "consent_phone")
"""Customer fields offered for editing even when the workbook has no column for them yet (a column is
added on write-back): the class override, the prospect temperature and consent."""


def editable_fields(register: Register) -> list[str]:
    """The customer fields the editor offers: those the workbook keeps, then the always-editable ones.

    ``name`` is left out when the workbook keeps first and last names instead (it is derived).
    """
    kept = {f for source in register.sources if source.kind == CUSTOMERS for f in source.fields.values()}
    if "name" not in kept:
        kept.discard("name")
    fields = [name for name in FIELDS[CUSTOMERS] if name in kept or name in ALWAYS_EDITABLE]
    return ["customer_id", *(f for f in fields if f != "customer_id")]


def find_customers(customers: pd.DataFrame, text: str, pseudonym_salt: str | None = None) -> pd.Series:
    """Which customers match a search in their id, name, e-mail or phone (all for an empty search).

    With ``pseudonym_salt`` (a viewer's search) only the pseudonym is searched: a viewer typing an
    address or a phone number, one character at a time, must learn nothing about who is behind it.
    """
    text = text.strip().casefold()
    if not text:
        return pd.Series(True, index=customers.index)
    if pseudonym_salt is not None:
        shown = pseudonyms(pseudonym_salt, customers["customer_id"]).str.casefold()
        return shown.str.contains(text, regex=False).fillna(False)
    return holding(customers, text, ("customer_id", "name", "first_name", "last_name", "email", "phone"))


def bulk_changes(customers: pd.DataFrame, field_name: str, value: Any) -> list[Change]:
    """One change per customer setting a field to a value (customers already holding it are skipped)."""
    new, differs, olds = _differences(customers, field_name, value)
    keys = customers[KEY_COL].astype(str).to_numpy()[differs]
    return [
        {"op": "set", "sheet": CUSTOMERS, "key": key, "field": field_name, "old": old, "new": new}
        for key, old in zip(keys, olds[differs], strict=True)
    ]


def bulk_count(customers: pd.DataFrame, field_name: str, value: Any) -> int:
    """How many customers `bulk_changes` would change (the preview, without writing the changes out)."""
    return int(_differences(customers, field_name, value)[1].sum())


def _differences(customers: pd.DataFrame, field_name: str, value: Any) -> tuple[str | None, np.ndarray, np.ndarray]:
    """The value as the journal's text, which customers hold another, and what each holds now (as text).

    Each distinct value is turned into the journal's text once, so a preview over 100,000 customers
    costs a fraction of a second."""
    new = text_of(value)
    codes, distinct = pd.factorize(customers[field_name], use_na_sentinel=True)
    texts = [*_journal_texts(pd.Series(distinct)), None]  # code -1 (a missing cell) reads the last: None
    differs = np.array([text != new for text in texts], dtype=bool)[codes]
    return new, differs, np.array(texts, dtype=object)[codes]


def _journal_texts(values: pd.Series) -> list[str | None]:
    """`text_of` over distinct values, at Arrow's speed when they are all text."""
    if isinstance(values.dtype, pd.StringDtype) or (
        values.dtype == object and all(isinstance(value, str) for value in values)
    ):
        stripped = values.astype("string").str.strip()
        return [None if pd.isna(text) or not text else str(text) for text in stripped]
    return [text_of(value) for value in values]


def action_count(journal: pd.DataFrame) -> int:
    """How many things people did in the edits in force (the sidebar's count of changes)."""
    if journal.empty:
        return 0
    adds = journal[journal["op"] == "add"]
    batch = ["created_at", "user", "sheet", "key"]
    folded = journal.merge(adds[batch].drop_duplicates(), on=batch, how="inner")
    return len(journal) - int((folded["op"] == "set").sum())
