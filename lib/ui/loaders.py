"""The workspace, the current register and its analyses, kept per workspace version and shared by sessions.

Caches are keyed by the workspace's location and version, which a user cannot forge.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

import pandas as pd
import streamlit as st

from lib.analysis.feedback import Suggestion, suggest_themes
from lib.config import Config
from lib.service.feedback import themed_feedback
from lib.service.outreach import analyse, due_contacts
from lib.service.reading_process import RegisterMovedOn, read_elsewhere
from lib.service.registers import Current, current_register
from lib.settings import Settings, scale_map
from lib.themes import ThemeDictionary
from lib.ui.format import num, t
from lib.ui.signin import _secrets
from lib.workspace.access import User
from lib.workspace.repository import Version, Workspace

_T = TypeVar("_T")
_log = logging.getLogger(__name__)


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


BACKGROUND = ("analysis", "contact-plan", "feedback-reading", "call_list")
"""The names of the threads the home page starts after its first screen."""


@st.cache_resource(max_entries=6, show_spinner=False, validate=lambda work: not work.failed())
def _analysis(
    _ws: Workspace, location: str, version: Version, as_of: date, settings_json: str
) -> Prepared[pd.DataFrame]:
    # Keyed by workspace version, day and every setting; shared read-only by all sessions. Started in a thread
    # of its own, so the home page can have it worked out while the first screen is read.
    now = _current(_ws, location, version)
    assert now is not None  # the key names a version that holds a register
    return Prepared(
        lambda: analyse(now.register, as_of, Settings.from_json(settings_json), now.suppressed), name=BACKGROUND[0]
    )


class Prepared(Generic[_T]):
    """Work on the register done in a thread of its own, so the page it is for shows at once and offers it
    when it is ready (a file to download, say); ``then`` does more with the result in the same thread after
    it is ready."""

    def __init__(
        self, build: Callable[[], _T], then: Callable[[_T], None] | None = None, name: str = "prepared"
    ) -> None:
        self._value: _T | None = None
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(build, then), name=name, daemon=True)
        self._thread.start()

    def _run(self, build: Callable[[], _T], then: Callable[[_T], None] | None) -> None:
        try:
            self._value = build()
        except BaseException as error:  # handed to the page that asks for the result
            self._error = error
        finally:
            self._done.set()
        if then is not None and self._error is None:
            then(self._value)  # type: ignore[arg-type]  # built without an error: the value is there

    def ready(self, seconds: float = 0.0) -> bool:
        """Whether the work is done (waiting up to ``seconds`` for it)."""
        return self._done.wait(seconds)

    def failed(self) -> bool:
        """Whether the work ended in an error (a cached failed piece of work is tried again when next asked)."""
        return self.ready() and self._error is not None

    @property
    def error(self) -> BaseException | None:
        """The error the work ended in, if it is done and ended in one."""
        return self._error if self.ready() else None

    def result(self) -> _T:
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]  # set by the work before it is done

    def wait(self, seconds: float | None = None) -> None:
        """Wait for all of the work, ``then`` included (at most ``seconds``)."""
        self._thread.join(seconds)


Read = tuple[pd.DataFrame, list[Suggestion] | None]
"""Feedback items read, and the suggested themes when they were worked out with them."""


class FeedbackReading(Prepared[pd.DataFrame]):
    """The register's feedback being read for themes and sentiment, started when the register comes in (the
    home page) or when first asked for: how far it is, then the items (or the error), then the suggested new
    themes. The reading itself and the suggestions run in a process of their own (`read_elsewhere`), this
    thread only waits for them and assembles the items; if that process cannot run, the thread does it all."""

    def __init__(self, work: Callable[[Callable[[int, int], None]], Read]) -> None:
        self.done, self.to_read = 0, 0
        self.suggestions: list[Suggestion] | None = None
        """None while they are still being worked out."""
        self._found: list[Suggestion] | None = None
        super().__init__(lambda: self._items(work(self._tell)), then=self._suggest, name=BACKGROUND[2])

    def _items(self, read: Read) -> pd.DataFrame:
        items, self._found = read
        return items

    def _tell(self, done: int, to_read: int) -> None:
        self.done, self.to_read = done, to_read

    def _suggest(self, items: pd.DataFrame) -> None:
        if self._found is not None:  # worked out by the reading process
            self.suggestions = self._found
            return
        try:
            self.suggestions = suggest_themes(items)
        except Exception as error:  # the page still shows the feedback; the log says why (no text of it)
            _log.warning("no theme suggestions: %s", type(error).__name__)
            self.suggestions = []


@st.cache_resource(max_entries=4, show_spinner=False, validate=lambda reading: not reading.failed())
def _feedback(
    _ws: Workspace,
    location: str,
    version: Version,
    dictionary_json: str,
    scales: str = "",
) -> FeedbackReading:
    now = _current(_ws, location, version)
    assert now is not None  # the key names a version that holds a register
    dictionary, scale = ThemeDictionary.from_json(dictionary_json), scale_map(scales)

    def read(tell: Callable[[int, int], None]) -> Read:
        found = read_elsewhere(_ws, now.register, dictionary, scales, now.version, tell)
        # What the process kept is found and not read again; without it, everything is read here.
        return themed_feedback(_ws, now.register, dictionary, scale, progress=tell, version=now.version), found

    return FeedbackReading(read)


def _reading(page: Page, dictionary: ThemeDictionary) -> FeedbackReading:
    scales = page.workspace.settings().rating_scales
    return _feedback(page.workspace, page.workspace.location, _version(page), dictionary.to_json(), scales)


def read_feedback_in_background(page: Page) -> None:
    """Start reading the register's feedback (once per register version and dictionary), so the Feedback
    page finds it read; texts the workspace already holds readings of are not read again."""
    if page.current is not None and not page.current.register.feedback.empty:
        _reading(page, page.workspace.themes())


def feedback_items(page: Page, dictionary: ThemeDictionary) -> pd.DataFrame:
    """Every feedback item with language, themes, matched words, rating scale and sentiment (cached; do not
    modify); while the reading is still going, its progress is shown and the page waits for it."""
    reading = _reading(page, dictionary)
    if not reading.ready(0.2):
        bar = st.progress(0.0, text=t("feedback.theming"))
        while not reading.ready(0.25):
            share = min(reading.done / reading.to_read, 1.0) if reading.to_read else 0.0
            bar.progress(share, text=t("feedback.theming_progress", done=num(reading.done), total=num(reading.to_read)))
        bar.empty()
    if isinstance(reading.error, RegisterMovedOn):  # a newer register came in meanwhile: read that one
        st.rerun()
    return reading.result()


def theme_suggestions(page: Page, dictionary: ThemeDictionary) -> list[Suggestion] | None:
    """Suggested new themes from the feedback no theme matched, worked out in the background from the same
    items as the page (the feedback is read once); None while they are still being worked out."""
    reading = _reading(page, dictionary)
    reading.wait(1.0)
    return reading.suggestions


@st.cache_resource(max_entries=4, show_spinner=False, validate=lambda work: not work.failed())
def _plan(
    _ws: Workspace,
    location: str,
    version: Version,
    as_of: date,
    settings_json: str,
    start: date,
    end: date,
    _day: Prepared[pd.DataFrame],
) -> Prepared[pd.DataFrame]:
    # ``_day``: the analysis of ``as_of`` this plan is made from (the same key: not part of it).
    now = _current(_ws, location, version)
    assert now is not None  # the key names a version that holds a register
    return Prepared(
        lambda: due_contacts(now.register, _day.result(), start, Settings.from_json(settings_json), until=end),
        name=BACKGROUND[1],
    )


def _planned(page: Page, as_of: date, settings: Settings, start: date, end: date) -> Prepared[pd.DataFrame]:
    ws, settings_json = page.workspace, settings.to_json()
    day = _analysis(ws, ws.location, _version(page), as_of, settings_json)
    return _plan(ws, ws.location, _version(page), as_of, settings_json, start, end, day)


def contact_plan(page: Page, as_of: date, settings: Settings, start: date, end: date) -> pd.DataFrame:
    """The contacts due from ``start`` to ``end`` for the analysis as of ``as_of`` (cached per register version,
    day, period and settings, so a return visit or a filter costs nothing; do not modify)."""
    return _planned(page, as_of, settings, start, end).result()


def prepare_in_background(page: Page, as_of: date, settings: Settings, end: date) -> Prepared[pd.DataFrame]:
    """Start working out the customers as of ``as_of`` and the plan from that day to ``end`` (once per register
    version, day and settings), so the analysis pages find them done when they are first opened."""
    return _planned(page, as_of, settings, as_of, end)


@st.cache_resource(max_entries=16, show_spinner=False)
def _kept(kind: str, location: str, version: Version, key: str, _build: Callable[[], Any]) -> Any:
    return _build()


@st.cache_resource(max_entries=64, show_spinner=False)
def _kept_small(kind: str, location: str, version: Version, key: str, _build: Callable[[], Any]) -> Any:
    return _build()


def kept(page: Page, kind: str, key: str, build: Callable[[], _T], small: bool = False) -> _T:
    """Work on the current register that changes only with its version and ``key`` (everything else the work
    reads: the day, the period, the language, the rows it is for), done once and shared by sessions and
    reruns; do not modify what it gives. ``small``: a few numbers or a chart, kept apart in a larger store, so
    that a person trying filter after filter does not push the large frames out."""
    return (_kept_small if small else _kept)(kind, page.workspace.location, _version(page), key, build)


@st.cache_resource(max_entries=8, show_spinner=False, validate=lambda work: not work.failed())
def _prepared(kind: str, location: str, version: Version, key: str, _build: Callable[[], Any]) -> Prepared[Any]:
    return Prepared(_build, name=kind)


def prepared(page: Page, kind: str, key: str, build: Callable[[], _T]) -> Prepared[_T]:
    """`kept`, started in the background: the same work once per register version and ``key``, shared by
    sessions, without the page waiting for it."""
    return _prepared(kind, page.workspace.location, _version(page), key, build)


def frame_key(frame: pd.DataFrame) -> str:
    """A short fingerprint of a frame's contents, for keying work done on exactly these rows."""
    hashed = pd.util.hash_pandas_object(frame.astype("string"), index=False).to_numpy()
    return f"{len(frame)}-{hashlib.sha256(hashed.tobytes()).hexdigest()[:20]}"


def analysis(page: Page, as_of: date, settings: Settings) -> pd.DataFrame:
    """Facts, class, RFM, tier and stage per customer on the day (cached; do not modify)."""
    return _analysis(page.workspace, page.workspace.location, _version(page), as_of, settings.to_json()).result()
