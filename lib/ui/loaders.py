"""The workspace, the current register and its analyses, kept per workspace version and shared by sessions.

Caches are keyed by the workspace's location and version, which a user cannot forge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from lib.analysis.feedback import Suggestion, suggest_themes, theme_feedback
from lib.config import Config
from lib.service.outreach import analyse
from lib.service.registers import Current, current_register
from lib.settings import Settings, scale_map
from lib.themes import ThemeDictionary
from lib.ui.format import t
from lib.ui.signin import _secrets
from lib.workspace.access import User
from lib.workspace.repository import Version, Workspace


@dataclass(frozen=True)
class Page:
    """What a page needs: the workspace, the register as it stands (or None), and who is using it."""

    workspace: Workspace
    current: Current | None
    user: User

    def can(self, permission: str) -> bool:
        return self.user.can(permission)


@st.cache_resource
def _workspace(folder: str, url: str | None) -> Workspace:
    return Workspace(folder, url=url)


def workspace() -> Workspace:
    """The workspace of this deployment: ``workspace_url`` in the secrets' [ladder] section (PostgreSQL),
    ``LADDER_WORKSPACE_URL``, or the SQLite file in ``LADDER_WORKSPACE`` (./workspace)."""
    config = Config.from_environment(secrets=_secrets())
    return _workspace(str(config.workspace_folder.resolve()), config.workspace_url)


def _version(page: Page) -> Version:
    """The version of the register a page analyses (pages that analyse stop earlier when there is none)."""
    assert page.current is not None
    return page.current.version


@st.cache_resource(max_entries=2, show_spinner=False)
def _current(_ws: Workspace, location: str, version: Version) -> Current | None:
    # Keyed by where the workspace lives and its version: a new upload, a remap or an edit gives a new key.
    return current_register(_ws)


def current(ws: Workspace) -> Current | None:
    """The current register, read from the workspace once per version and shared by sessions."""
    return _current(ws, ws.location, ws.version())


@st.cache_resource(max_entries=6, show_spinner=False)
def _analysis(_ws: Workspace, location: str, version: Version, as_of: date, settings_json: str) -> pd.DataFrame:
    # Keyed by workspace version, day and every setting; shared read-only by all sessions.
    now = _current(_ws, location, version)
    assert now is not None  # the key names a version that holds a register
    return analyse(now.register, as_of, Settings.from_json(settings_json), now.suppressed)


@st.cache_resource(max_entries=4, show_spinner=False)
def _feedback(_ws: Workspace, location: str, version: Version, dictionary_json: str, scales: str = "") -> pd.DataFrame:
    now = _current(_ws, location, version)
    assert now is not None  # the key names a version that holds a register
    return theme_feedback(now.register, ThemeDictionary.from_json(dictionary_json), scale_map(scales))


def feedback_items(page: Page, dictionary: ThemeDictionary) -> pd.DataFrame:
    """Every feedback item with language, themes, matched words, rating scale and sentiment (cached; do not modify)."""
    scales = page.workspace.settings().rating_scales
    with st.spinner(t("feedback.theming")):
        return _feedback(page.workspace, page.workspace.location, _version(page), dictionary.to_json(), scales)


@st.cache_resource(max_entries=2, show_spinner=False)
def _suggestions(_ws: Workspace, location: str, version: Version, dictionary_json: str) -> list[Suggestion]:
    return suggest_themes(_feedback(_ws, location, version, dictionary_json))


def theme_suggestions(page: Page, dictionary: ThemeDictionary) -> list[Suggestion]:
    """Suggested new themes from the feedback no theme matched (cached per register and dictionary)."""
    return _suggestions(page.workspace, page.workspace.location, _version(page), dictionary.to_json())


def analysis(page: Page, as_of: date, settings: Settings) -> pd.DataFrame:
    """Facts, class, RFM, tier and stage per customer on the day (cached; do not modify)."""
    return _analysis(page.workspace, page.workspace.location, _version(page), as_of, settings.to_json())
