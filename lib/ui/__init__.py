"""The only part of lib that imports streamlit: page setup, the shared sidebar, cached loaders.

Every page calls `setup_page` first. State that must survive a page switch, a refresh or a
restart lives in the workspace, never in widgets; caches are keyed by the workspace version
(upload, snapshot revision, journal head), which a user cannot forge.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st

from lib import i18n
from lib.facts import default_as_of
from lib.feedback import Suggestion, ThemeDictionary, suggest_themes, theme_feedback
from lib.lifecycle import analyse_customers
from lib.settings import Settings
from lib.workspace import LOCAL_USER, Current, Version, Workspace, current_register, workspace_folder

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PATH = ROOT / "sample_data" / "studio_register.xlsx"
TEMPLATE_PATH = ROOT / "sample_data" / "template.xlsx"
log = logging.getLogger("loyalty_ladder")


@dataclass(frozen=True)
class Page:
    """What a page needs: the workspace, the register as it stands (or None), and who is using it."""

    workspace: Workspace
    current: Current | None
    user: str


def language() -> str:
    """The UI language of this session (English until the language picker arrives)."""
    return st.session_state.get("language", i18n.DEFAULT_LANGUAGE)


def t(key: str, /, **params: Any) -> str:
    """Translate a UI text into the session's language."""
    return i18n.t(key, language(), **params)


@st.cache_resource
def _workspace(folder: str) -> Workspace:
    return Workspace(folder)


def workspace() -> Workspace:
    """The workspace of this deployment (``LADDER_WORKSPACE`` or ./workspace)."""
    return _workspace(str(workspace_folder().resolve()))


@st.cache_resource(max_entries=2, show_spinner=False)
def _current(folder: str, version: Version) -> Current | None:
    # Keyed by the workspace version: a new upload, a remap or an edit gives a new key.
    return current_register(_workspace(folder))


def current(ws: Workspace) -> Current | None:
    """The current register, read from the workspace once per version and shared by sessions."""
    return _current(str(ws.folder.resolve()), ws.version())


@st.cache_resource(max_entries=6, show_spinner=False)
def _analysis(folder: str, version: Version, as_of: date, settings_json: str) -> pd.DataFrame:
    # Keyed by workspace version, day and every setting; shared read-only by all sessions.
    now = _current(folder, version)
    return analyse_customers(now.register, as_of, Settings.from_json(settings_json),  # type: ignore[union-attr]
                             now.suppressed)  # type: ignore[union-attr]


@st.cache_resource(max_entries=4, show_spinner=False)
def _feedback(folder: str, version: Version, dictionary_json: str) -> pd.DataFrame:
    now = _current(folder, version)
    return theme_feedback(now.register, ThemeDictionary.from_json(dictionary_json))  # type: ignore[union-attr]


def feedback_items(page: Page, dictionary: ThemeDictionary) -> pd.DataFrame:
    """Every feedback item with language, themes, matched words and sentiment (cached; do not modify)."""
    with st.spinner(t("feedback.theming")):
        return _feedback(str(page.workspace.folder.resolve()), page.current.version,  # type: ignore[union-attr]
                         dictionary.to_json())


@st.cache_resource(max_entries=2, show_spinner=False)
def _suggestions(folder: str, version: Version, dictionary_json: str) -> list[Suggestion]:
    return suggest_themes(_feedback(folder, version, dictionary_json))


def theme_suggestions(page: Page, dictionary: ThemeDictionary) -> list[Suggestion]:
    """Suggested new themes from the feedback no theme matched (cached per register and dictionary)."""
    return _suggestions(str(page.workspace.folder.resolve()), page.current.version,  # type: ignore[union-attr]
                        dictionary.to_json())


def analysis(page: Page, as_of: date, settings: Settings) -> pd.DataFrame:
    """Facts, class, RFM, tier and stage per customer on the day (cached; do not modify)."""
    return _analysis(str(page.workspace.folder.resolve()), page.current.version, as_of,  # type: ignore[union-attr]
                     settings.to_json())


def as_of_input(page: Page) -> date:
    """The "as of" day in the sidebar, shared by the analysis pages for the session.

    Defaults to today, or to the register's last activity when the data is old.
    """
    fallback = default_as_of(page.current.register)  # type: ignore[union-attr]
    chosen = st.session_state.get("as_of") or fallback

    def remember() -> None:
        st.session_state["as_of"] = st.session_state["_as_of_widget"]

    with st.sidebar:
        st.date_input(t("sidebar.as_of"), value=chosen, key="_as_of_widget", on_change=remember,
                      format="DD.MM.YYYY", help=t("sidebar.as_of_help"))
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
    now = current(ws)
    _sidebar(now)
    if message := st.session_state.pop("_flash", None):
        st.success(message)
    return Page(ws, now, LOCAL_USER)


PAGES = (
    ("app.py", "home.title", ":material/home:"),
    ("pages/1_Register.py", "register.title", ":material/table:"),
    ("pages/7_Customers.py", "customers.title", ":material/person_edit:"),
    ("pages/9_Plan.py", "plan.title", ":material/event_upcoming:"),
    ("pages/3_Segments.py", "segments.title", ":material/stacked_bar_chart:"),
    ("pages/4_Lifecycle.py", "lifecycle.title", ":material/conversion_path:"),
    ("pages/6_Feedback.py", "feedback.title", ":material/reviews:"),
    ("pages/5_Settings.py", "settings.title", ":material/tune:"),
    ("pages/8_History.py", "history.title", ":material/history:"),
    ("pages/2_Export.py", "export.title", ":material/download:"),
)
"""Every page of the app: script, title key, icon. The sidebar lists them in this order."""


def _sidebar(now: Current | None) -> None:
    with st.sidebar:
        st.markdown(f"**{t('app.name')}**  \n{t('app.tagline')}")
        for script, title_key, icon in PAGES:
            st.page_link(script, label=t(title_key), icon=icon)
        st.divider()
        if now is None:
            st.caption(t("sidebar.no_register"))
            return
        upload = now.upload
        st.caption(t("sidebar.status", file=upload.file_name,
                     when=upload.created_at.astimezone().strftime("%d.%m.%Y %H:%M"),
                     user=upload.user, edits=now.edits))
