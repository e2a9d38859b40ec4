"""The only part of lib that imports streamlit: page setup, the shared sidebar, cached loaders.

Every page calls `setup_page` first. State that must survive a page switch, a refresh or a
restart lives in the workspace, never in widgets; caches are keyed by the workspace version
(upload, snapshot revision, journal head), which a user cannot forge.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import streamlit as st

from lib import i18n
from lib.access import LOCAL_USER, Access, NotAllowed, Role, User, pseudonym, sign_in
from lib.contacts import ContactList, export
from lib.edits import Review
from lib.facts import default_as_of
from lib.feedback import Suggestion, ThemeDictionary, suggest_themes, theme_feedback
from lib.lifecycle import analyse_customers
from lib.settings import Settings
from lib.workspace import Current, Version, Workspace, current_register, save_changes, workspace_folder

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PATH = ROOT / "sample_data" / "studio_register.xlsx"
log = logging.getLogger("loyalty_ladder")


@dataclass(frozen=True)
class Page:
    """What a page needs: the workspace, the register as it stands (or None), and who is using it."""

    workspace: Workspace
    current: Current | None
    user: User

    def can(self, permission: str) -> bool:
        return self.user.can(permission)


_FORMATTING_IN: ContextVar[str | None] = ContextVar("formatting_in", default=None)
"""The language a widget's options are being labelled in (see `localised`)."""


def language() -> str:
    """The UI language of this session: chosen in the sidebar, at first the browser's when we speak it."""
    if formatting := _FORMATTING_IN.get():
        return formatting
    chosen = st.session_state.get("language")
    if chosen not in i18n.LANGUAGES:
        chosen = i18n.language_for(st.context.locale)
        st.session_state["language"] = chosen
    return chosen


def _language_picker() -> None:
    """The sidebar's language choice, remembered for the session (shown once there is more than English)."""
    languages = i18n.available_languages()
    if len(languages) < 2:
        return

    def remember() -> None:
        st.session_state["language"] = st.session_state["_language_widget"]

    st.selectbox(t("sidebar.language"), languages, index=languages.index(language()), key="_language_widget",
                 format_func=lambda code: i18n.LANGUAGES[code], on_change=remember)


def localised(format_func: Callable[[Any], str]) -> Callable[[Any], str]:
    """A widget's ``format_func`` that labels options in this run's language, whenever it is called.

    Streamlit keeps the function and may call it again outside the page's run (AppTest does),
    where the session, and so the chosen language, cannot be read.
    """
    lang = language()

    def label(option: Any) -> str:
        token = _FORMATTING_IN.set(lang)
        try:
            return format_func(option)
        finally:
            _FORMATTING_IN.reset(token)

    return label


def t(key: str, /, **params: Any) -> str:
    """Translate a UI text into the session's language."""
    return i18n.t(key, language(), **params)


def chart(figure: Any, key: str) -> None:
    """Show a plotly chart with the numbers written the session's language's way."""
    figure.update_layout(separators=i18n.chart_separators(language()))
    st.plotly_chart(figure, key=key)


def num(value: float | int, decimals: int = 0) -> str:
    """A number as the session's language writes it (``1 234,5`` in Estonian, ``1,234.5`` in English)."""
    return i18n.number(value, language(), decimals)


def percent(share: float, decimals: int = 0) -> str:
    """A share as the session's language writes a percentage (``83%``, ``83 %``)."""
    return i18n.percent(share, language(), decimals)


def amount(value: float | int, currency: str = "EUR") -> str:
    """An amount in the register's currency as the session's language writes it (``1 234,50 €``)."""
    return i18n.money(value, language(), currency)


def date_format() -> str:
    """The date pickers' and date columns' format in the session's language (``DD.MM.YYYY`` in Estonian)."""
    return i18n.DATE_INPUT_FORMATS.get(language(), i18n.DATE_INPUT_FORMATS[i18n.DEFAULT_LANGUAGE])


def day(value: date | pd.Timestamp) -> str:
    """A day as the session's language writes it (``23.11.2026`` in Estonian, ``2026-11-23`` in Lithuanian)."""
    return i18n.day(value, language())


@st.cache_resource
def _workspace(folder: str, url: str | None) -> Workspace:
    return Workspace(folder, url=url)


def workspace() -> Workspace:
    """The workspace of this deployment: ``workspace_url`` in the secrets' [ladder] section (PostgreSQL),
    ``LADDER_WORKSPACE_URL``, or the SQLite file in ``LADDER_WORKSPACE`` (./workspace)."""
    url = _secrets().get("ladder", {}).get("workspace_url") or None
    return _workspace(str(workspace_folder().resolve()), url)


def _secrets() -> dict[str, Any]:
    """The app's secrets (an empty dict without a secrets file: a single-user laptop run).

    A secrets file that exists but cannot be read stops the app: running without the
    sign-in it was meant to configure would open the register to anyone.
    """
    try:
        return st.secrets.to_dict()
    except Exception:  # StreamlitSecretNotFoundError and TOML errors alike
        files = st.get_option("secrets.files") or []
        if any(Path(f).expanduser().exists() for f in files):
            st.error(t("access.secrets_unreadable"))
            st.stop()
        return {}


def access() -> Access:
    """How people sign in to this deployment (local: one editor, no sign-in)."""
    try:
        return Access.from_secrets(_secrets())
    except (ValueError, TypeError, AttributeError):
        st.error(t("access.config_invalid"))
        st.stop()
        raise  # st.stop ends the run; this line keeps type checkers content


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
    return analyse_customers(now.register, as_of, Settings.from_json(settings_json),  # type: ignore[union-attr]
                             now.suppressed)  # type: ignore[union-attr]


@st.cache_resource(max_entries=4, show_spinner=False)
def _feedback(_ws: Workspace, location: str, version: Version, dictionary_json: str) -> pd.DataFrame:
    now = _current(_ws, location, version)
    return theme_feedback(now.register, ThemeDictionary.from_json(dictionary_json))  # type: ignore[union-attr]


def feedback_items(page: Page, dictionary: ThemeDictionary) -> pd.DataFrame:
    """Every feedback item with language, themes, matched words and sentiment (cached; do not modify)."""
    with st.spinner(t("feedback.theming")):
        return _feedback(page.workspace, page.workspace.location, page.current.version,  # type: ignore[union-attr]
                         dictionary.to_json())


@st.cache_resource(max_entries=2, show_spinner=False)
def _suggestions(_ws: Workspace, location: str, version: Version, dictionary_json: str) -> list[Suggestion]:
    return suggest_themes(_feedback(_ws, location, version, dictionary_json))


def theme_suggestions(page: Page, dictionary: ThemeDictionary) -> list[Suggestion]:
    """Suggested new themes from the feedback no theme matched (cached per register and dictionary)."""
    return _suggestions(page.workspace, page.workspace.location, page.current.version,  # type: ignore[union-attr]
                        dictionary.to_json())


def analysis(page: Page, as_of: date, settings: Settings) -> pd.DataFrame:
    """Facts, class, RFM, tier and stage per customer on the day (cached; do not modify)."""
    return _analysis(page.workspace, page.workspace.location, page.current.version,  # type: ignore[union-attr]
                     as_of, settings.to_json())


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
                      format=date_format(), help=t("sidebar.as_of_help"))
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
    now = current(ws)
    _sidebar(now, user, config)
    if message := st.session_state.pop("_flash", None):
        st.success(message)
    return Page(ws, now, user)


def signed_in_user(ws: Workspace, config: Access) -> User:
    """Who is using the app, asking them to sign in first when the deployment requires it.

    The role is looked up again on every run from the secrets, so removing someone from a
    list takes effect at their next click.
    """
    if config.mode == "local":
        return User(LOCAL_USER, Role.EDITOR)
    if config.mode == "oidc":
        info = st.user.to_dict()
        if not info.get("is_logged_in"):
            st.title(t("app.name"))
            st.write(t("access.sign_in_intro"))
            st.button(t("access.sign_in_provider"), type="primary", on_click=st.login)
            st.stop()
        email = str(info.get("email") or "")
        role = config.role_of(email)
        if role is None:
            st.error(t("access.not_listed", email=email))
            st.button(t("access.sign_out"), on_click=st.logout)
            st.stop()
        return User(email, role)  # type: ignore[arg-type]
    signed = st.session_state.get("_signed_in")
    if isinstance(signed, User) and signed.name.casefold() in config.users:
        return User(signed.name, config.users[signed.name.casefold()][1])
    _password_form(ws, config)
    st.stop()
    raise AssertionError  # st.stop ends the run


def _password_form(ws: Workspace, config: Access) -> None:
    st.title(t("app.name"))
    with st.form("sign_in", clear_on_submit=True):  # the password does not stay in the session
        name = st.text_input(t("access.name"), key="sign_in_name")
        password = st.text_input(t("access.password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("access.sign_in"), type="primary")
    if not submitted:
        return
    result = sign_in(config, ws, name, password)
    if result.user is None:
        until = result.locked_until.astimezone().strftime("%H:%M") if result.locked_until else ""
        st.error(t(result.problem or "access.wrong_password", until=until))
        return
    st.session_state["_signed_in"] = result.user
    st.rerun()


def _sign_out(config: Access) -> None:
    st.session_state.pop("_signed_in", None)
    if config.mode == "oidc":
        st.logout()


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
        return export(contacts, fmt, None, delimiter, user=page.user, lang=language())
    except NotAllowed as error:
        refused(error)
        return None


def people_table(columns: dict[str, Any], page: Page, *, ids: str | None = None, personal: tuple[str, ...] = (),
                 **options: Any) -> Any:
    """A table of individual customers: in full for editors; for viewers with pseudonymous ids and
    without the personal columns, or not at all, as the workspace settings say."""
    if page.can("see_personal"):
        return st.dataframe(columns, **options)
    if not page.workspace.settings().viewer_customer_tables:
        st.caption(t("privacy.hidden_table"))
        return None
    salt = page.workspace.salt()
    st.caption(t("privacy.pseudonymous"))
    shown = {label: ([pseudonym(salt, v) for v in values] if label == ids else values)
             for label, values in columns.items() if label not in personal}
    options.pop("on_select", None)
    options.pop("selection_mode", None)
    return st.dataframe(shown, **options)


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
        st.caption(t("sidebar.status", file=upload.file_name,
                     when=f"{day(upload.created_at.astimezone())} {upload.created_at.astimezone():%H:%M}",
                     user=upload.user, edits=now.edits))
