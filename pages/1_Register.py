"""Register: browse the customers, purchases, feedback and actions as the app read them.

For anyone checking the data: each tab shows one kind of record under the user's own
headers, with the Excel row it came from, and a search box.
"""

import streamlit as st

from lib.reading.views import search_rows, sheet_view
from lib.schema import ROW_COL, SHEET_KINDS
from lib.ui import date_format, num, setup_page, t

MAX_ROWS_SHOWN = 1000

page = setup_page("register.title")
st.title(t("register.title"))
if page.current is None:
    st.info(t("register.empty"))
    st.stop()

register = page.current.register
query = st.text_input(t("register.search"), placeholder=t("register.search_hint"))
if not page.can("see_personal"):
    st.write(", ".join(f"{t(f'kind.{kind}')}: {num(len(register.frame(kind)))}" for kind in SHEET_KINDS))
    st.info(t("privacy.register_hidden"))
    st.stop()
tabs = st.tabs([f"{t(f'kind.{kind}')} ({num(len(register.frame(kind)))})" for kind in SHEET_KINDS])
for tab, kind in zip(tabs, SHEET_KINDS, strict=True):
    with tab:
        found = search_rows(sheet_view(register, kind), query).rename(columns={ROW_COL: t("register.row")})
        if found.empty:
            st.info(t("register.nothing", kind=t(f"kind.{kind}")))
            continue
        st.caption(t("register.shown", shown=min(len(found), MAX_ROWS_SHOWN), total=len(found)))
        dates = {c: st.column_config.DateColumn(format=date_format()) for c in found.select_dtypes("datetime").columns}
        st.dataframe(found.head(MAX_ROWS_SHOWN), hide_index=True, width="stretch", column_config=dates, placeholder="")
