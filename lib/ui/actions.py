"""What a button does, through the service, as the signed-in user: saving, files of personal data,
tables of people; a refusal by role is said on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from lib.exports.contacts import ContactList
from lib.service.changes import save_changes
from lib.service.outreach import contact_file
from lib.ui.format import language, t
from lib.ui.loaders import Page
from lib.workspace.access import NotAllowed, pseudonym, require
from lib.workspace.edits import Review


def refused(error: NotAllowed) -> None:
    """Say that the role does not allow what was asked (the server-side check caught it)."""
    st.error(t(error.key))


def save_edits(page: Page, changes: list[dict]) -> Review | None:
    """Save changes to the register as the signed-in user: the handler behind every save button.

    The role is checked in lib (save_changes) whatever the page showed; a refusal is said on
    the page and None comes back.
    """
    try:
        return save_changes(page.workspace, changes, page.user)
    except NotAllowed as error:
        refused(error)
        return None


def personal_file(page: Page, contacts: ContactList, fmt: str, delimiter: str = ";") -> bytes | None:
    """A contact list as a file for the signed-in user, its columns named in the session's language
    (None, with the reason shown, for a viewer)."""
    try:
        return contact_file(contacts, fmt, page.user, lang=language(), delimiter=delimiter)
    except NotAllowed as error:
        refused(error)
        return None


def personal_download(page: Page, contacts: ContactList, fmt: str, delimiter: str = ";") -> Callable[[], bytes] | None:
    """What a download button calls to write a contact list, only when it is clicked (a list of 100,000
    people takes a second to write); the role is checked now, to say so on the page, and again when the
    file is written. None, with the reason shown, for someone who may not take personal data out."""
    try:
        require(page.user, "export_personal")
    except NotAllowed as error:
        refused(error)
        return None
    lang = language()  # the session's language, read now: the click's call has no page around it
    return lambda: contact_file(contacts, fmt, page.user, lang=lang, delimiter=delimiter)


def people_table(
    columns: dict[str, Any], page: Page, *, ids: str | None = None, personal: tuple[str, ...] = (), **options: Any
) -> Any:
    """A table of individual customers: in full for editors; for viewers with pseudonymous ids and
    without the personal columns, or not at all, as the workspace settings say."""
    options.setdefault("placeholder", "")  # an empty cell stays empty, not Streamlit's English "None"
    if page.can("see_personal"):
        return st.dataframe(columns, **options)
    if not page.workspace.settings().viewer_customer_tables:
        st.caption(t("privacy.hidden_table"))
        return None
    salt = page.workspace.salt()
    st.caption(t("privacy.pseudonymous"))
    shown = {
        label: ([pseudonym(salt, v) for v in values] if label == ids else values)
        for label, values in columns.items()
        if label not in personal
    }
    options.pop("on_select", None)
    options.pop("selection_mode", None)
    return st.dataframe(shown, **options)
