"""The Customers page's editing: the grid of customers, its save button, and changes to many at once.

Edits are keyed by customer id, never by the row's position on screen; every change is checked
again in the service before it is kept. While edits are pending the grid keeps showing what the
user saw, so a value someone else changed meanwhile is caught as a conflict on saving instead of
being overwritten.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from lib.schema import CLASSES, FIELDS, KEY_COL, TEMPERATURES, VOCABULARIES
from lib.ui.actions import people_table, save_edits
from lib.ui.customers import value_label
from lib.ui.format import date_format, language, localised, plain, t
from lib.ui.loaders import Page
from lib.ui.page import flash
from lib.workspace.edits import Review, bulk_changes, bulk_count, changes_from_editor, text_of

EDITOR = "customers_editor"
GENERATION = "customers_editor_generation"
"""The grid's key changes after every save and every new set of rows: the browser keeps a grid's edits for as
long as its key lives, so a refused value would otherwise stay on screen as if it were stored."""
REFUSED = "customers_refused"
PENDING = "customers_pending"
"""Values a save refused, kept with their reason until corrected and saved, or let go."""
"""Messages about refused changes, shown at the top of the page after the rerun."""


def show_refusals() -> None:
    """Say which changes of the last save were refused and why."""
    for message in st.session_state.pop(REFUSED, []):
        st.error(message)


def remember_refusals(messages: list[str]) -> None:
    st.session_state[REFUSED] = messages


def viewer_table(page: Page, view: pd.DataFrame, shown: pd.DataFrame) -> None:
    """For a viewer: who is in the selection, by pseudonym, and no editing."""
    facts = view.set_index("customer_id").loc[list(shown.index)].reset_index()
    people_table(
        {
            t("column.customer_id"): facts["customer_id"],
            t("column.relationship"): [value_label("relationship", v) for v in facts["relationship"]],
            t("column.stage"): [value_label("stage", v) for v in facts["stage"]],
            t("column.purchases"): facts["purchases"],
            t("column.value"): facts["value"],
            t("column.last_purchase"): facts["last_purchase"],
        },
        page,
        ids=t("column.customer_id"),
        hide_index=True,
        width="stretch",
        column_config={t("column.last_purchase"): st.column_config.DateColumn(format=date_format())},
    )
    st.info(t("access.viewer_note"))


def _column_config(name: str) -> Any:
    label = t(f"field.{name}")
    spec = FIELDS["customers"][name]
    if name == "relationship":
        return st.column_config.SelectboxColumn(
            label, options=list(CLASSES), format_func=localised(lambda code: value_label("relationship", code))
        )
    if name == "lead_temperature":
        return st.column_config.SelectboxColumn(
            label, options=list(TEMPERATURES), format_func=localised(lambda code: t(f"temperature.{code}"))
        )
    if spec.type == "bool":
        return st.column_config.CheckboxColumn(label)
    if spec.type == "date":
        return st.column_config.DateColumn(label, format=date_format())
    if spec.type in ("number", "count"):
        return st.column_config.NumberColumn(label)
    return st.column_config.TextColumn(label, required=name == "customer_id")


def editor_key(generation: int) -> str:
    """The grid's widget key in its ``generation`` (the first keeps the plain name)."""
    return EDITOR if generation == 0 else f"{EDITOR}_{generation}"


def _fresh_grid() -> None:
    """Start the grid again from what is stored: its edits are saved, refused or no longer apply."""
    generation = st.session_state.get(GENERATION, 0)
    st.session_state.pop(editor_key(generation), None)
    st.session_state[GENERATION] = generation + 1


def customer_grid(page: Page, shown: pd.DataFrame, fields: list[str]) -> None:
    """The editable grid of the customers shown, and the button that saves what was changed in it."""
    signature = tuple(shown.index)
    if st.session_state.get("customers_signature") != signature:  # other rows in the table: earlier edits do not apply
        if "customers_signature" in st.session_state:
            _fresh_grid()
        st.session_state["customers_signature"] = signature
    key = editor_key(st.session_state.get(GENERATION, 0))
    if not any((st.session_state.get(key) or {}).values()):
        st.session_state["customers_seen"] = shown
    seen = st.session_state["customers_seen"]
    # A range index for the browser (rows added there need no key typed in); positions map back to keys.
    st.data_editor(
        seen.reset_index(drop=True),
        placeholder="",  # an empty cell stays empty, not Streamlit's English "None"
        key=key,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={name: _column_config(name) for name in fields},
    )
    pending = changes_from_editor(seen, st.session_state.get(key) or {})
    if st.button(t("customers.save", count=len(pending)), type="primary", disabled=not pending, key="customers_save"):
        review = save_edits(page, pending)
        if review is not None:
            after_save(review, pending)
            _fresh_grid()
            st.rerun()
    refused_edits(page)


def after_save(review: Review, sent: list[dict]) -> None:
    """Say what was saved (nothing green when nothing was), and keep each refused value pending with its
    reason, so it can be corrected and saved again while the grid shows what is stored."""
    counts = review.summary()
    if review.accepted:
        flash(t("customers.saved", cells=counts["cells"], added=counts["added"], deleted=counts["deleted"]))
    remember_refusals([refusal.message(language(), plain) for refusal in review.refused])
    typed = {(str(c["key"]), c.get("field")): c.get("new") for c in sent if c["op"] == "set"}
    st.session_state[PENDING] = [
        {"key": r.key, "field": r.field, "value": typed.get((r.key, r.field)), "reason": r.message(language())}
        for r in review.refused
        if r.field and (r.key, r.field) in typed and r.code != "conflict"
    ]


def refused_edits(page: Page) -> None:
    """The values a save refused, still pending: correct them here and save again, or let them go."""
    pending = st.session_state.get(PENDING) or []
    if not pending or page.current is None:
        return
    st.warning(t("customers.pending", count=len(pending)))
    shown = pd.DataFrame(
        {
            "customer": [p["key"] for p in pending],
            "field": [t(f"field.{p['field']}") for p in pending],
            "value": [p["value"] for p in pending],
            "reason": [p["reason"] for p in pending],
        }
    )
    edited = st.data_editor(
        shown,
        placeholder="",  # an empty cell stays empty, not Streamlit's English "None"
        key="customers_pending_editor",
        hide_index=True,
        disabled=["customer", "field", "reason"],
        column_config={
            "customer": st.column_config.TextColumn(t("column.customer_id")),
            "field": st.column_config.TextColumn(t("customers.bulk_field")),
            "value": st.column_config.TextColumn(t("customers.pending_value")),
            "reason": st.column_config.TextColumn(t("customers.pending_reason")),
        },
    )
    left, right = st.columns(2)
    if left.button(t("customers.pending_save", count=len(pending)), type="primary", key="customers_pending_save"):
        stored = page.current.register.customers.set_index(KEY_COL)
        changes = [
            {
                "op": "set",
                "sheet": "customers",
                "key": p["key"],
                "field": p["field"],
                "old": text_of(stored.at[p["key"], p["field"]]) if p["key"] in stored.index else None,
                "new": text_of(value),
            }
            for p, value in zip(pending, edited["value"], strict=True)
        ]
        review = save_edits(page, changes)
        if review is not None:
            after_save(review, changes)
            st.session_state.pop("customers_pending_editor", None)
            st.rerun()
    if right.button(t("customers.pending_drop"), key="customers_pending_drop"):
        st.session_state.pop(PENDING, None)
        st.rerun()


def _bulk_value(target: str, right: Any) -> object:
    """The new value for every selected customer, asked in the way the field needs."""
    spec = FIELDS["customers"][target]
    if spec.type == "bool":
        return right.selectbox(
            t("customers.bulk_value"),
            [True, False],
            key="bulk_bool",
            format_func=localised(lambda v: t("value.yes") if v else t("value.no")),
        )
    if spec.vocabulary:
        return right.selectbox(
            t("customers.bulk_value"),
            list(VOCABULARIES[spec.vocabulary]),
            key="bulk_choice",
            format_func=localised(
                lambda code: (
                    value_label("relationship", code)
                    if target == "relationship"
                    else t(f"temperature.{code}")
                    if target == "lead_temperature"
                    else code
                )
            ),
        )
    if spec.type == "date":
        return right.date_input(t("customers.bulk_value"), value=None, format=date_format(), key="bulk_date")
    return right.text_input(t("customers.bulk_value"), key="bulk_text")


def bulk_editor(page: Page, found: pd.DataFrame, fields: list[str]) -> None:
    """One field set to one value for every customer found, with a preview of how many change."""
    with st.expander(t("customers.bulk", count=len(found))):
        st.caption(t("customers.bulk_help"))
        targets = [name for name in fields if name != "customer_id"]
        left, right = st.columns(2)
        target = left.selectbox(
            t("customers.bulk_field"), targets, format_func=localised(lambda f: t(f"field.{f}")), key="bulk_field"
        )
        value = _bulk_value(target, right)
        count = bulk_count(found, target, value)
        st.caption(t("customers.bulk_preview", count=count, field=t(f"field.{target}")))
        if st.button(t("customers.bulk_apply", count=count), disabled=not count, key="bulk_apply"):
            review = save_edits(page, bulk_changes(found, target, value))
            if review is None:
                st.stop()
            if review.accepted:
                flash(t("customers.saved", **{k: v for k, v in review.summary().items() if k != "refused"}))
            remember_refusals([refusal.message(language(), plain) for refusal in review.refused[:20]])
            st.rerun()
