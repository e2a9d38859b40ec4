"""History: every change to the register, who made it and when, and undo.

For anyone checking the register's story (DOMAIN.md §1: anyone can later see who changed
what): the journal of edits on top of the current upload, filterable, newest first. The
last change, or a chosen one that nothing later depends on, can be undone.
"""

import pandas as pd
import streamlit as st

from lib.service.history import Action, person_actions, undo_action
from lib.ui import flash, localised, people_table, refused, setup_page, t, t_text
from lib.ui.customers import profile_link
from lib.ui.history_view import action_details, action_text
from lib.workspace.access import NotAllowed, pseudonyms

page = setup_page("history.title")
st.title(t("history.title"))
if page.current is None:
    st.info(t("analysis.empty"))
    st.stop()

upload = page.current.upload
history = page.workspace.history(upload.id)
st.caption(t("history.intro", file=upload.file_name, count=page.current.edits))
if history.empty:
    st.info(t("history.empty"))
    st.stop()

left, middle, right = st.columns(3)
who = left.multiselect(t("history.user"), sorted(set(history["user"])), placeholder=t("filter.all"), key="history_user")
kinds = middle.multiselect(
    t("history.sheet"),
    sorted(set(history["sheet"])),
    format_func=localised(lambda k: t(f"kind.{k}")),
    placeholder=t("filter.all"),
    key="history_sheet",
)
key = right.text_input(t("history.key"), key="history_key")
everything = person_actions(history, page.current.register, page.current.original)  # newest first
actions = [a for a in everything if (not who or a.user in who) and (not kinds or a.sheet in kinds)]
if key.strip():  # a viewer sees customers as pseudonyms, and finds by what they see, never by the real id
    customers = pd.Series([a.customer for a in actions], dtype="string")
    seen = customers if page.can("see_personal") else pseudonyms(page.workspace.salt(), customers)
    matches = seen.str.contains(key.strip(), case=False, regex=False).fillna(False).tolist()
    actions = [a for a, hit in zip(actions, matches, strict=True) if hit]
people_table(
    {
        t("history.when"): [a.created_at.replace("T", " ")[:16] for a in actions],
        t("history.user"): [a.user for a in actions],
        t("history.key"): [a.customer for a in actions],
        t("history.change"): [action_text(a) for a in actions],
        t("history.details"): [action_details(a) for a in actions],
        t("plan.col_open"): [profile_link(a.customer) for a in actions],
        t("history.undone"): [
            t_text("history.undone_by", user=a.undone_by, when=(a.undone_at or "")[:16].replace("T", " "))
            if a.undone
            else ""
            for a in actions
        ],
    },
    page,
    ids=t("history.key"),
    personal=(t("history.change"), t("history.details"), t("plan.col_open")),
    hide_index=True,
    column_config={t("plan.col_open"): st.column_config.LinkColumn(display_text=t("plan.open"))},
)
if not page.can("undo"):
    st.stop()

in_force = [a for a in everything if not a.undone]
left, right = st.columns([1, 2])


def undo(action: Action | None) -> None:
    """Undo everything one action did (the last when None) and rerun, remembering why it could not be done."""
    try:
        problem = undo_action(page.workspace, upload.id, action, page.user) if action else "undo_nothing"
    except NotAllowed as error:
        refused(error)
        return
    if problem is None:
        flash(t("history.undone_done"))
    else:
        st.session_state["history_problem"] = problem
    st.rerun()


if left.button(t("history.undo_last"), disabled=not in_force, key="history_undo_last"):
    undo(in_force[0] if in_force else None)
with right:
    by_entry = {a.entries[0]: a for a in in_force}
    chosen = st.selectbox(
        t("history.pick"),
        list(by_entry),
        index=None,
        placeholder=t("filter.choose"),
        key="history_pick",
        format_func=lambda first: action_text(by_entry[first]) if first in by_entry else str(first),
    )
    if st.button(t("history.undo_chosen"), disabled=chosen is None, key="history_undo_chosen"):
        undo(by_entry.get(int(chosen)) if chosen is not None else None)
if problem := st.session_state.pop("history_problem", None):
    st.error(t(f"history.{problem}"))
