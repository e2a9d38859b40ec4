"""Every page's set-up: page config, sign-in, the sidebar with the pages and the register's status,
the as-of day, and the guard for pages that need a register.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st

from lib.analysis.facts import default_as_of
from lib.service.registers import Current
from lib.settings import Settings
from lib.ui.format import _language_picker, date_format, day, t
from lib.ui.loaders import Page, analysis, current, workspace
from lib.ui.signin import _sign_out, access, signed_in_user
from lib.workspace.access import Access, User
from lib.workspace.identity import IdentityKeyError

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PATH = ROOT / "sample_data" / "studio_register.xlsx"
log = logging.getLogger("loyalty_ladder")


def chosen_day(page: Page) -> date:
    """The day the session analyses: the one picked in the sidebar, else the register's default."""
    assert page.current is not None  # only pages with a register ask for the day
    return st.session_state.get("as_of") or default_as_of(page.current.register)


def as_of_input(page: Page) -> date:
    """The "as of" day in the sidebar, shared by the analysis pages for the session.

    Defaults to today, or to the register's last activity when the data is more than a few days old.
    """
    chosen = chosen_day(page)

    def remember() -> None:
        st.session_state["as_of"] = st.session_state["_as_of_widget"]

    with st.sidebar:
        st.date_input(
            t("sidebar.as_of"),
            value=chosen,
            key="_as_of_widget",
            on_change=remember,
            format=date_format(),
            help=t("sidebar.as_of_help"),
        )
    return st.session_state.get("_as_of_widget") or chosen


class AnalysisPage(NamedTuple):
    """What an analysis page works with: the page, the settings, the day, the analysed customers."""

    page: Page
    settings: Settings
    as_of: date
    view: pd.DataFrame


def analysis_page(title_key: str) -> AnalysisPage:
    """Set up a page that analyses the register: title, a guard when there is none yet, the day, the customers.

    Stops the page with an invitation to upload when the workspace holds no register.
    """
    page = setup_page(title_key)
    st.title(t(title_key))
    if page.current is None:
        st.info(t("analysis.empty"))
        st.stop()
    settings = page.workspace.settings()
    as_of = as_of_input(page)
    return AnalysisPage(page, settings, as_of, analysis(page, as_of, settings))


def flash(message: str) -> None:
    """Show a success message on the next run (survives the rerun that refreshes the sidebar)."""
    st.session_state["_flash"] = message


def setup_page(title_key: str, icon: str = ":material/stairs:") -> Page:
    """Page config, the shared sidebar and the current register; call first on every page."""
    st.set_page_config(page_title=f"{t(title_key)} · Loyalty Ladder", page_icon=icon, layout="wide")
    ws = workspace()
    config = access()
    user = signed_in_user(ws, config)
    try:
        now = current(ws)
    except IdentityKeyError as error:  # the suppression list cannot be read: show nothing rather than risk it
        st.error(t(error.key, path=str(error.path)))
        st.stop()
        raise
    _sidebar(now, user, config)
    if message := st.session_state.pop("_flash", None):
        st.success(message)
    if now is not None:
        _as_of_note(now)
    return Page(ws, now, user)


def _as_of_note(now: Current) -> None:
    """Say plainly, at the top of every page, when the analysis is not as of today and why."""
    last = default_as_of(now.register)
    if last >= date.today():
        return
    chosen = st.session_state.get("as_of") or last
    st.info(
        t("analysis.as_of_last_entry", last=day(last), day=day(chosen), where=t("sidebar.as_of")),
        icon=":material/event:",
    )


PAGES = (
    ("app.py", "home.title", ":material/home:"),
    ("pages/1_Register.py", "register.title", ":material/table:"),
    ("pages/2_Customers.py", "customers.title", ":material/person_edit:"),
    ("pages/3_Plan.py", "plan.title", ":material/event_upcoming:"),
    ("pages/4_Segments.py", "segments.title", ":material/stacked_bar_chart:"),
    ("pages/5_Lifecycle.py", "lifecycle.title", ":material/conversion_path:"),
    ("pages/6_Feedback.py", "feedback.title", ":material/reviews:"),
    ("pages/7_Settings.py", "settings.title", ":material/tune:"),
    ("pages/8_History.py", "history.title", ":material/history:"),
    ("pages/9_Export.py", "export.title", ":material/download:"),
)
"""Every page of the app: script, title key, icon. The sidebar lists them in this order."""


def _sidebar(now: Current | None, user: User, config: Access) -> None:
    with st.sidebar:
        st.markdown(f"**{t('app.name')}**  \n{t('app.tagline')}")
        _language_picker()
        for script, title_key, icon in PAGES:
            st.page_link(script, label=t(title_key), icon=icon)
        st.divider()
        if config.mode != "local":
            st.caption(t("access.signed_in_as", name=user.name, role=t(f"role.{user.role}")))
            st.button(t("access.sign_out"), on_click=_sign_out, args=(config,), key="sign_out")
        if now is None:
            st.caption(t("sidebar.no_register"))
            return
        upload = now.upload
        st.caption(
            t(
                "sidebar.status",
                file=upload.file_name,
                when=f"{day(upload.created_at.astimezone())} {upload.created_at.astimezone():%H:%M}",
                user=upload.user,
                edits=now.edits,
            )
        )
