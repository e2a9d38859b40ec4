"""The workspace, the current register and its analyses, kept per workspace version and shared by sessions.

Caches are keyed by the workspace's location and version, which a user cannot forge.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from lib.analysis.feedback import Suggestion, suggest_themes, theme_feedback
from lib.analysis.theme_matching import lemma
from lib.config import Config
from lib.reading.register import Register
from lib.schema import LANGUAGES
from lib.service.outreach import analyse, due_contacts
from lib.service.registers import Current, current_register
from lib.settings import Settings, scale_map
from lib.themes import ThemeDictionary
from lib.ui.format import t
from lib.ui.signin import _secrets
from lib.workspace.access import User
from lib.workspace.repository import Version, Workspace

_T = TypeVar("_T")


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


@st.cache_resource(show_spinner=False)
def _warmed(languages: tuple[str, ...]) -> threading.Thread:
    def warm() -> None:
        for lang in languages:
            lemma("a", lang)

    thread = threading.Thread(target=warm, name="warm-languages", daemon=True)
    thread.start()
    return thread


def warm_feedback_languages(register: Register) -> None:
    """Load the language data the Feedback page needs in the background, once per server process, for the
    languages the register's feedback is in (all five when some items say none: those are told by their
    text), so the page's first visit does not wait for it."""
    if register.feedback.empty:
        return
    given = register.feedback["language"].astype("string")
    named = {code for code in given.dropna().str.lower().str[:2] if code in LANGUAGES}
    _warmed(tuple(sorted(LANGUAGES if given.isna().any() else named)))


def feedback_items(page: Page, dictionary: ThemeDictionary) -> pd.DataFrame:
    """Every feedback item with language, themes, matched words, rating scale and sentiment (cached; do not modify)."""
    scales = page.workspace.settings().rating_scales
    with st.spinner(t("feedback.theming")):
        return _feedback(page.workspace, page.workspace.location, _version(page), dictionary.to_json(), scales)


@st.cache_resource(max_entries=2, show_spinner=False)
def _suggestions(
    _ws: Workspace, location: str, version: Version, dictionary_json: str, scales: str
) -> list[Suggestion]:
    return suggest_themes(_feedback(_ws, location, version, dictionary_json, scales))


def theme_suggestions(page: Page, dictionary: ThemeDictionary) -> list[Suggestion]:
    """Suggested new themes from the feedback no theme matched (cached per register and dictionary, and drawn
    from the same themed items as the page: the feedback is themed once)."""
    scales = page.workspace.settings().rating_scales
    return _suggestions(page.workspace, page.workspace.location, _version(page), dictionary.to_json(), scales)


@st.cache_resource(max_entries=4, show_spinner=False)
def _plan(
    _ws: Workspace, location: str, version: Version, as_of: date, settings_json: str, start: date, end: date
) -> pd.DataFrame:
    now = _current(_ws, location, version)
    assert now is not None  # the key names a version that holds a register
    view = _analysis(_ws, location, version, as_of, settings_json)
    return due_contacts(now.register, view, start, Settings.from_json(settings_json), until=end)


def contact_plan(page: Page, as_of: date, settings: Settings, start: date, end: date) -> pd.DataFrame:
    """The contacts due from ``start`` to ``end`` for the analysis as of ``as_of`` (cached per register version,
    day, period and settings, so a return visit or a filter costs nothing; do not modify)."""
    return _plan(page.workspace, page.workspace.location, _version(page), as_of, settings.to_json(), start, end)


@st.cache_resource(max_entries=16, show_spinner=False)
def _kept(kind: str, location: str, version: Version, key: str, _build: Callable[[], Any]) -> Any:
    return _build()


def kept(page: Page, kind: str, key: str, build: Callable[[], _T]) -> _T:
    """Work on the current register that changes only with its version and ``key`` (everything else the work
    reads: the day, the period, the language, the rows it is for), done once and shared by sessions and
    reruns; do not modify what it gives."""
    return _kept(kind, page.workspace.location, _version(page), key, build)


def frame_key(frame: pd.DataFrame) -> str:
    """A short fingerprint of a frame's contents, for keying work done on exactly these rows."""
    hashed = pd.util.hash_pandas_object(frame.astype("string"), index=False).to_numpy()
    return f"{len(frame)}-{hashlib.sha256(hashed.tobytes()).hexdigest()[:20]}"


def analysis(page: Page, as_of: date, settings: Settings) -> pd.DataFrame:
    """Facts, class, RFM, tier and stage per customer on the day (cached; do not modify)."""
    return _analysis(page.workspace, page.workspace.location, _version(page), as_of, settings.to_json())
