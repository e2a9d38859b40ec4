"""Tables too long to send whole: one page of rows, with search and sorting done on the server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from lib.frames import matching, page_of
from lib.ui.format import localised, num, t

PAGE_ROWS = 200
"""Rows a long table sends to the browser at a time; its search and sorting reach every row."""


def paged(
    frame: pd.DataFrame,
    key: str,
    *,
    search: Sequence[str] = (),
    sortable: Mapping[str, str] | None = None,
    size: int = PAGE_ROWS,
) -> pd.DataFrame:
    """The rows of ``frame`` to show: all of a short table; for a long one, the page the person chose of
    the rows their search (in the ``search`` columns) found, in the order they chose (by one of the
    ``sortable`` columns, given with their labels; by default every column, named as it is)."""
    if len(frame) <= size:
        return frame
    find, order, down, number = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
    query = find.text_input(t("table.search"), key=f"{key}_search") if search else ""
    names = dict(sortable) if sortable is not None else {str(column): str(column) for column in frame.columns}
    sort_by = order.selectbox(
        t("table.sort"),
        [None, *names],
        format_func=localised(lambda column: t("table.as_given") if column is None else names[column]),
        key=f"{key}_sort",
    )
    descending = down.toggle(t("table.descending"), key=f"{key}_descending")
    found = matching(frame, query, search)
    pages = max(-(-len(found) // size), 1)
    if st.session_state.get(f"{key}_page", 1) > pages:  # a narrower search has fewer pages
        st.session_state[f"{key}_page"] = pages
    chosen = int(number.number_input(t("table.page"), min_value=1, max_value=pages, key=f"{key}_page"))
    rows = page_of(found, chosen, size, sort_by=sort_by, descending=descending)
    first = (min(chosen, pages) - 1) * size + 1
    shown = (num(first), num(first + len(rows) - 1)) if len(rows) else (num(0), num(0))
    st.caption(t("table.page_of", first=shown[0], last=shown[1], total=num(len(found))))
    return rows
