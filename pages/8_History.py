"""History: every change to the register, who made it and when, and undo.

For anyone checking the register's story (DOMAIN.md §1: anyone can later see who changed
what): the journal of edits on top of the current upload, filterable, newest first. The
last change, or a chosen one that nothing later depends on, can be undone.
"""

import streamlit as st

from lib.service.changes import undo as undo_edit
from lib.ui import flash, localised, people_table, refused, setup_page, t, t_text
from lib.workspace.access import NotAllowed, pseudonyms

page = setup_page("history.title")
st.title(t("history.title"))
if page.current is None:
    st.info(t("analysis.empty"))
    st.stop()

upload = page.current.upload
history = page.workspace.history(upload.id)
st.caption(t("history.intro", file=upload.file_name, count=len(history)))
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
shown = history
if who:
    shown = shown[shown["user"].isin(who)]
if kinds:
    shown = shown[shown["sheet"].isin(kinds)]
if key.strip():  # a viewer sees keys as pseudonyms, and finds by what they see, never by the real key
    keys = shown["key"] if page.can("see_personal") else pseudonyms(page.workspace.salt(), shown["key"])
    shown = shown[keys.str.contains(key.strip(), case=False, regex=False).fillna(False)]


def change_text(row) -> str:
    if row.op == "add":
        return t("history.added")
    if row.op == "delete":
        return t("history.deleted")
    return f"{row.old if row.old is not None else '–'} → {row.new if row.new is not None else '–'}"


people_table(
    {
        t("history.number"): shown["id"],
        t("history.when"): shown["created_at"].str.replace("T", " ").str[:16],
        t("history.user"): shown["user"],
        t("history.sheet"): [t(f"kind.{k}") for k in shown["sheet"]],
        t("history.key"): shown["key"],
        t("history.column"): [t(f"field.{f}") if f else "" for f in shown["field"]],
        t("history.change"): [change_text(row) for row in shown.itertuples()],
        t("history.undone"): [
            t_text("history.undone_by", user=u, when=w[:16].replace("T", " ")) if w else ""
            for u, w in zip(shown["undone_by"], shown["undone_at"].fillna(""), strict=True)
        ],
    },
    page,
    ids=t("history.key"),
    personal=(t("history.change"),),
    hide_index=True,
)
if not page.can("undo"):
    st.stop()

active = history[history["undone_at"].isna()]
left, right = st.columns([1, 2])


def undo(entry: int | None) -> None:
    """Undo one change (the last when None) and rerun, remembering why it could not be done."""
    try:
        problem = undo_edit(page.workspace, upload.id, entry, page.user)
    except NotAllowed as error:
        refused(error)
        return
    if problem is None:
        flash(t("history.undone_done"))
    else:
        st.session_state["history_problem"] = problem
    st.rerun()


if left.button(t("history.undo_last"), disabled=active.empty, key="history_undo_last"):
    undo(None)
with right:
    chosen = st.selectbox(
        t("history.pick"),
        list(active["id"]),
        index=None,
        key="history_pick",
        format_func=localised(lambda number: t("history.entry", number=number)),
    )
    if st.button(t("history.undo_chosen"), disabled=chosen is None, key="history_undo_chosen"):
        undo(int(chosen))
if problem := st.session_state.pop("history_problem", None):
    st.error(t(f"history.{problem}"))
