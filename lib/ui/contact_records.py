"""A customer's contacts and feedback, corrected afterwards: what a contact brought, and whether a
complaint is resolved. Each change goes through the same checks and journal as every edit, so the
History page says who changed it and when; a resolved complaint says so beside it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from lib.reading.outcomes import outcome_label
from lib.schema import FEEDBACK_STATUSES, KEY_COL, OUTCOMES
from lib.ui.actions import save_edits
from lib.ui.customer_editor import remember_refusals
from lib.ui.format import date_format, day, language, plain, t, t_text
from lib.ui.loaders import Page
from lib.ui.page import flash
from lib.workspace.edits import changes_from_editor


def _resolved_by(journal: pd.DataFrame, keys: pd.Series) -> list[str]:
    """Who set each feedback item's status last, and when (empty where it was never changed here)."""
    changed = journal[(journal["sheet"] == "feedback") & (journal["field"] == "status")]
    last = changed.drop_duplicates("key", keep="last").set_index("key")
    return [
        t_text("customers.status_by", user=last.at[k, "user"], day=day(pd.Timestamp(last.at[k, "created_at"])))
        if k in last.index
        else ""
        for k in keys
    ]


def contact_records(page: Page, chosen: str) -> None:
    """Editable outcomes of the customer's contacts and statuses of their feedback, saved through the service."""
    assert page.current is not None
    register = page.current.register
    actions = register.actions[register.actions["customer_id"] == chosen]
    feedback = register.feedback[register.feedback["customer_id"] == chosen]
    if actions.empty and feedback.empty:
        return
    with st.expander(t("customers.records")):
        st.caption(t("customers.records_help"))
        lang = language()
        outcomes = [outcome_label(name, lang) for name in OUTCOMES]
        changes = []
        if len(actions):
            shown = pd.DataFrame(
                {
                    "day": actions["done"].fillna(actions["planned"]),
                    "kind": actions["kind"].astype("string"),
                    "campaign": actions["campaign"].fillna(actions["note"]).astype("string"),
                    "outcome": actions["outcome"].astype("string"),
                }
            ).set_axis(actions[KEY_COL].astype(str))
            options = list(dict.fromkeys([*outcomes, *shown["outcome"].dropna()]))
            st.data_editor(
                shown,
                placeholder="",  # an empty cell stays empty, not Streamlit's English "None"
                key="records_actions",
                hide_index=True,
                disabled=["day", "kind", "campaign"],
                column_config={
                    "day": st.column_config.DateColumn(t("customers.col_date"), format=date_format()),
                    "kind": st.column_config.TextColumn(t("customers.col_kind")),
                    "campaign": st.column_config.TextColumn(t("customers.col_detail")),
                    "outcome": st.column_config.SelectboxColumn(t("customers.col_outcome"), options=options),
                },
            )
            changes += changes_from_editor(shown, st.session_state.get("records_actions", {}), "actions")
        if len(feedback):
            labels = {t(f"status.{code}"): code for code in FEEDBACK_STATUSES}
            keys = feedback[KEY_COL].astype(str)
            shown = pd.DataFrame(
                {
                    "day": feedback["date"],
                    "kind": feedback["kind"].astype("string"),
                    "text": feedback["text"].astype("string"),
                    "status": [t(f"status.{s}") if isinstance(s, str) else None for s in feedback["status"]],
                    "by": _resolved_by(page.current.journal, keys),
                }
            ).set_axis(keys)
            st.data_editor(
                shown,
                placeholder="",  # an empty cell stays empty, not Streamlit's English "None"
                key="records_feedback",
                hide_index=True,
                disabled=["day", "kind", "text", "by"],
                column_config={
                    "day": st.column_config.DateColumn(t("customers.col_date"), format=date_format()),
                    "kind": st.column_config.TextColumn(t("customers.col_kind")),
                    "text": st.column_config.TextColumn(t("customers.col_detail")),
                    "status": st.column_config.SelectboxColumn(t("field.status"), options=list(labels)),
                    "by": st.column_config.TextColumn(t("customers.status_changed")),
                },
            )
            edited = changes_from_editor(shown, st.session_state.get("records_feedback", {}), "feedback")
            current = dict(zip(keys, feedback["status"], strict=True))
            for change in edited:  # the table shows each status in words; the register keeps its code
                change["new"] = labels.get(change["new"] or "", change["new"])
                change["old"] = current.get(change["key"]) if isinstance(current.get(change["key"]), str) else None
            changes += edited
        if st.button(t("customers.records_save", count=len(changes)), disabled=not changes, key="records_save"):
            review = save_edits(page, changes)
            if review is None:
                st.stop()
            remember_refusals([r.message(language(), plain) for r in review.refused])
            for key in ("records_actions", "records_feedback"):
                st.session_state.pop(key, None)
            if review.accepted:
                flash(t("customers.records_saved", count=len(review.accepted)))
            st.rerun()
