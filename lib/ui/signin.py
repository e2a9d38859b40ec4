"""Who is using the app: one local editor, password sign-in, or the identity provider (OIDC),
with roles from the secrets looked up again on every run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from lib.ui.format import t
from lib.workspace.access import LOCAL_USER, Access, Role, User, is_loopback, sign_in
from lib.workspace.repository import Workspace


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


def signed_in_user(ws: Workspace, config: Access) -> User:
    """Who is using the app, asking them to sign in first when the deployment requires it.

    The role is looked up again on every run from the secrets, so removing someone from a
    list takes effect at their next click.
    """
    if config.mode == "local":
        address = st.get_option("server.address")
        if not is_loopback(address):  # `streamlit run app.py --server.address 0.0.0.0` without sign-in
            st.error(t("access.local_exposed", address=address or "0.0.0.0"))
            st.stop()
        return User(LOCAL_USER, Role.EDITOR)
    if config.mode == "oidc":
        info = st.user.to_dict()
        if not info.get("is_logged_in"):
            st.title(t("app.name"))
            st.write(t("access.sign_in_intro"))
            st.button(t("access.sign_in_provider"), type="primary", on_click=st.login)
            st.stop()
        email = str(info.get("email") or "")
        if str(info.get("email_verified")).lower() != "true":  # an address the provider has not verified is no identity
            st.error(t("access.email_unverified", email=email))
            st.button(t("access.sign_out"), on_click=st.logout)
            st.stop()
        role = config.role_of(email)
        if role is None:
            st.error(t("access.not_listed", email=email))
            st.button(t("access.sign_out"), on_click=st.logout)
            st.stop()
        return User(email, role)
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
