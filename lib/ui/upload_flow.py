"""Bringing a register in without losing the one in place: a replacement is confirmed first, and any
earlier register can be made the current one again (the workspace keeps every version)."""

from __future__ import annotations

import streamlit as st

from lib.service.registers import restore_register
from lib.ui.actions import refused
from lib.ui.format import day, t, t_text
from lib.ui.loaders import Page
from lib.ui.page import flash
from lib.ui.widgets import check_file, import_file
from lib.workspace.access import NotAllowed

PENDING = "pending_import"
"""A file read and checked, waiting for the person to confirm that it replaces the current register:
(name, bytes, the sheets as read)."""


def bring_in(page: Page, file_name: str, data: bytes) -> None:
    """Import a file; when a register is in place, read and check it first, then ask (a file that cannot be
    read says why at once, and the register in place stays as it was)."""
    if page.current is None:
        if import_file(page.workspace, file_name, data, page.user):
            st.rerun()
        return
    sheets = check_file(page.workspace, file_name, data, page.user)
    if sheets is not None:
        st.session_state[PENDING] = (file_name, data, sheets)


def confirm_replacement(page: Page) -> None:
    """The question a replacement waits on: what is in place now, how many edits it carries, and the way back."""
    pending = st.session_state.get(PENDING)
    if pending is None or page.current is None:
        return
    file_name, data, sheets = pending
    now = page.current
    with st.container(border=True):
        st.warning(
            t(
                "home.replace_confirm",
                new=file_name,
                current=now.upload.file_name,
                day=day(now.upload.created_at),
                edits=now.edits,
            )
        )
        left, right = st.columns(2)
        if left.button(t("home.replace_yes", new=file_name), type="primary", key="replace_yes"):
            st.session_state.pop(PENDING, None)
            if import_file(page.workspace, file_name, data, page.user, sheets):
                st.rerun()
        if right.button(t("home.replace_no"), key="replace_no"):
            st.session_state.pop(PENDING, None)
            st.rerun()


def earlier_registers(page: Page) -> None:
    """Every earlier register of the workspace, newest first, each with the way back to it."""
    if page.current is None or not page.can("upload"):
        return
    earlier = [u for u in reversed(page.workspace.uploads()) if u.id != page.current.upload.id]
    if not earlier:
        return
    with st.expander(t("home.earlier", count=len(earlier))):
        st.caption(t("home.earlier_help"))
        for upload in earlier[:20]:
            left, right = st.columns([3, 1])
            left.text(t_text("home.earlier_item", file=upload.file_name, day=day(upload.created_at), user=upload.user))
            if right.button(t("home.go_back"), key=f"go_back_{upload.id}"):
                try:
                    restore_register(page.workspace, upload.id, page.user)
                except NotAllowed as error:
                    refused(error)
                    return
                flash(t("home.gone_back", file=upload.file_name))
                st.rerun()


def _css_text(text: str) -> str:
    """A text as a CSS string literal (the catalogue's own words; quotes and backslashes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def uploader_in_language() -> None:
    """Streamlit's file drop zone in the page's language: its button and its size note are drawn by Streamlit
    in English, so their text is hidden and the catalogue's words are shown in their place."""
    size = int(st.get_option("server.maxUploadSize"))
    button, note = _css_text(t_text("upload.button")), _css_text(t_text("upload.limit", size=size))
    zone = '[data-testid="stFileUploaderDropzone"]'
    st.html(
        "<style>"
        f'{zone} button [data-testid="stMarkdownContainer"] p {{font-size: 0 !important}}'
        f'{zone} button [data-testid="stMarkdownContainer"] p::after {{content: {button}; font-size: 0.875rem}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0 !important}}'
        f'{zone} [data-testid="stFileUploaderDropzoneInstructions"] span::after '
        f"{{content: {note}; font-size: 0.8rem}}"
        "</style>"
    )
