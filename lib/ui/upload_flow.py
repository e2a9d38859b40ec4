"""Bringing a register in without losing the one in place: several files make one register, a new file
replaces the register, joins it, or takes the place of one of its files only once the person has said
which, and any earlier register can be made the current one again (the workspace keeps every version)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from lib.reading.bundle import Part, bundle_name
from lib.reading.workbook import RawSheet
from lib.service.registers import (
    ADD,
    REPLACE,
    Current,
    file_names,
    register_files,
    restore_register,
    suggested_choice,
)
from lib.ui.actions import refused
from lib.ui.format import day, t, t_text
from lib.ui.loaders import Page
from lib.ui.page import flash
from lib.ui.widgets import check_file, import_file, import_several, join_files
from lib.workspace.access import NotAllowed

PENDING = "pending_import"
"""Where the files wait (a `Pending`) for the person to say what they do with the register in place."""
CHOICE = "import_choice"


@dataclass(frozen=True)
class Pending:
    """Files read and checked, nothing stored yet."""

    files: list[Part]
    kinds: list[frozenset[str]]
    """The kinds of rows each file holds (customers, purchases, feedback, actions)."""
    sheets: list[RawSheet] | None
    """A single file's sheets as read, so that replacing the register with it does not read it again."""

    def suggested(self, now: Current) -> str:
        """The choice offered first (see `suggested_choice`), as the radio's option."""
        return str(suggested_choice([(f.name, k) for f, k in zip(self.files, self.kinds, strict=True)], now))


def bring_in(page: Page, files: list[Part]) -> None:
    """Import files (several are read together as one register); when a register is in place, read and check
    them first, then ask what they do with it (a file that cannot be read says why at once, and the register
    in place stays as it was)."""
    if page.current is None:
        if import_several(page.workspace, files, page.user):
            st.rerun()
        return
    held = {file.data for file in register_files(page.workspace, page.current.upload)}
    if any(file.data not in held for file in files):  # a file dropped again next to new ones: already in
        for file in files:
            if file.data in held:
                st.info(t("home.already_in", file=file.name))
        files = [file for file in files if file.data not in held]
    checked = []
    for file in files:
        found = check_file(page.workspace, file.name, file.data, page.user)
        if found is None:
            return
        checked.append(found)
    st.session_state[PENDING] = Pending(
        files, [c.kinds for c in checked], checked[0].sheets if len(files) == 1 else None
    )
    st.session_state.pop(CHOICE, None)  # the question is new: the choice offered first is shown first


def confirm_replacement(page: Page) -> None:
    """The question new files wait on: what is in place now and how many edits it carries; whether they replace
    it, join it, or (one file) take the place of one of its files; and the way back."""
    pending = st.session_state.get(PENDING)
    if pending is None or page.current is None:
        return
    files = pending.files
    now, new = page.current, bundle_name(files)
    parts = file_names(now)
    choices = [REPLACE, ADD, *([str(i) for i in range(len(parts))] if len(files) == 1 and len(parts) > 1 else [])]
    labels = {
        REPLACE: t_text("home.choice_replace", new=new),
        ADD: t_text("home.choice_add", new=new),
        **{str(i): t_text("home.choice_instead", new=new, file=part) for i, part in enumerate(parts)},
    }
    with st.container(border=True):
        st.warning(
            t(
                "home.replace_confirm",
                new=new,
                current=now.upload.file_name,
                day=day(now.upload.created_at),
                edits=now.edits,
            )
        )
        choice = st.radio(
            t("home.choice"),
            choices,
            index=choices.index(pending.suggested(now)),
            format_func=labels.get,
            key=CHOICE,
        )
        st.caption(
            t(
                {REPLACE: "home.choice_replace_help", ADD: "home.choice_add_help"}.get(
                    choice, "home.choice_instead_help"
                )
            )
        )
        left, right = st.columns(2)
        if left.button(t("home.choice_go"), type="primary", key="replace_yes"):
            st.session_state.pop(PENDING, None)
            if _carry_out(page, choice, files, pending.sheets):
                st.rerun()
        if right.button(t("home.replace_no"), key="replace_no"):
            st.session_state.pop(PENDING, None)
            st.rerun()


def _carry_out(page: Page, choice: str, files: list[Part], sheets: list[RawSheet] | None) -> bool:
    if choice == REPLACE and len(files) == 1:
        return import_file(page.workspace, files[0].name, files[0].data, page.user, sheets)
    if choice == REPLACE:
        return import_several(page.workspace, files, page.user)
    return join_files(page.workspace, files, None if choice == ADD else int(choice), page.user)


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
