"""Loyalty Ladder — home: bring the customer register in, see what was recognised and what is wrong.

For the marketer who keeps the register: upload the workbook (or start from the sample),
check the recognised sheets and columns, fix what the quality report lists, and see the
key figures. The register stays in the workspace, so a refresh or a restart loses nothing.
"""

import streamlit as st

from lib.reading.bundle import Part
from lib.reading.template import template_file_name, template_workbook
from lib.reading.workbook import SUPPORTED_SUFFIXES
from lib.ui import SAMPLE_PATH, language, setup_page, t
from lib.ui.loaders import read_feedback_in_background
from lib.ui.page import chosen_day
from lib.ui.plan_view import prepare_plan_in_background
from lib.ui.upload_flow import bring_in, confirm_replacement, earlier_registers, uploader_in_language
from lib.ui.widgets import (
    carried_settings_note,
    identity_note,
    key_figure_metrics,
    mapping_editor,
    quality_report,
    register_files_table,
    unused_columns_note,
)

page = setup_page("home.title")
st.title(t("home.title"))
st.caption(t("home.intro"))

uploaded, use_sample = [], False
if page.can("upload"):
    with st.container(border=True):
        left, right = st.columns([3, 1])
        uploaded = left.file_uploader(
            t("home.upload"),
            type=list(SUPPORTED_SUFFIXES),
            key="upload",
            help=t("home.upload_help"),
            accept_multiple_files=True,
        )
        uploader_in_language()
        right.write("")
        use_sample = right.button(t("home.use_sample"), width="stretch")
        right.download_button(
            t("home.template"),
            template_workbook(language()),
            file_name=template_file_name(language()),
            on_click="ignore",
            width="stretch",
        )
else:
    st.info(t("access.viewer_note"))

# Files are taken once, when they are dropped, not again on every rerun of the page nor when more files join
# them in the drop zone (several dropped at once make one register); files that would change the register
# in place wait until the person says how.
taken = st.session_state.setdefault("taken_uploads", set())  # files the drop zone still lists stay taken
fresh = [file for file in uploaded or () if file.file_id not in taken]
if fresh:
    taken.update(file.file_id for file in fresh)
    bring_in(page, [Part(file.name, file.getvalue()) for file in fresh])
if use_sample:
    bring_in(page, [Part(SAMPLE_PATH.name, SAMPLE_PATH.read_bytes())])
confirm_replacement(page)

if page.current is None:
    st.info(t("home.empty"))
    st.stop()

register, problems = page.current.register, page.current.problems
if page.current.suppressed:
    st.warning(t("home.suppressed", count=len(page.current.suppressed)))
carried_settings_note(page)
st.subheader(t("home.figures"))
key_figure_metrics(register, page.workspace.settings().currency)
identity_note(register)
register_files_table(register, page.current.upload.file_name)

st.subheader(t("home.quality"))
quality_report(problems, rows=page.can("see_personal"))
unused_columns_note(register)

if page.can("upload"):
    st.subheader(t("home.mapping"))
    st.caption(t("home.mapping_help", shape=t(f"shape.{register.shape}")))
    mapping_editor(page.workspace, register, page.user)
    earlier_registers(page)
if page.current is not None:  # after the first screen: the analysis pages find their work done
    read_feedback_in_background(page)  # in a process of its own, on the other core
    prepare_plan_in_background(page, chosen_day(page))
