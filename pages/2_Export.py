"""Export: the updated workbook — the user's own file with every edit applied.

For anyone allowed to take the register out: the workbook comes back with its sheets,
columns, formats and formulas as they were, only the edited cells changed. The file is
written when asked for, checked by reading it back, and then offered for download.
"""

import streamlit as st

from lib.ui import setup_page, t
from lib.ui.widgets import prepare_updated_workbook

page = setup_page("export.title")
st.title(t("export.title"))
if page.current is None:
    st.info(t("export.empty"))
    st.stop()

st.subheader(t("export.workbook"))
st.caption(t("export.workbook_help", file=page.current.upload.file_name, edits=page.current.edits))
with_computed = st.checkbox(t("export.computed"), help=t("export.computed_help"))
carry = st.checkbox(t("export.carry"), value=True, help=t("export.carry_help"))
prepare_updated_workbook(page.workspace, page.current, with_computed, carry)
