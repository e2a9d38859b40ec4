"""Export: the updated workbook, and contact lists that respect every customer's consent.

For anyone allowed to take the register out: the workbook comes back with its sheets,
columns, formats and formulas as they were, only the edited cells changed (written when asked
for, checked by reading it back). Contact lists are made for a selection and a channel, say
who was left out and why, and every export is logged without personal data.
"""

import streamlit as st

from lib.ui import analysis, as_of_input, setup_page, t
from lib.ui.contact_lists import contact_list_download, export_log
from lib.ui.widgets import prepare_updated_workbook

page = setup_page("export.title")
st.title(t("export.title"))
if page.current is None:
    st.info(t("export.empty"))
    st.stop()
if not page.can("export_personal"):
    st.info(t("access.not_allowed.export_personal"))
    export_log(page)
    st.stop()

st.subheader(t("export.workbook"))
st.caption(t("export.workbook_help", file=page.current.upload.file_name, edits=page.current.edits))
with_computed = st.checkbox(t("export.computed"), help=t("export.computed_help"))
carry = st.checkbox(t("export.carry"), value=True, help=t("export.carry_help"))
prepare_updated_workbook(page.workspace, page.current, with_computed, carry, page.user)

st.divider()
st.subheader(t("contacts.title"))
st.caption(t("contacts.intro"))
settings = page.workspace.settings()
as_of = as_of_input(page)
contact_list_download(page, analysis(page, as_of, settings), as_of, settings)
export_log(page)
