"""Who may do what: editor and viewer roles, password sign-in with a rate limit.

On a laptop the app is one person's: a single editor, no sign-in. On the shop's server the
secrets file names the people: e-mail lists for Streamlit's OIDC sign-in (`st.login`), or
named users with hashed passwords where there is no identity provider. Every action that
changes the workspace or takes personal data out calls `require` with the acting user, so
the rule holds on the server whatever the browser shows.

```toml
[ladder]                              # in .streamlit/secrets.toml
editors = ["anna@shop.ee"]            # with an [auth] section: OIDC sign-in
viewers = ["juhataja@shop.ee"]

[ladder.users.anna]                   # without an identity provider
password = "scrypt$131072$8$1$…"       # python -m lib hash-password
role = "editor"
```
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import pandas as pd


class Role(StrEnum):
    EDITOR = "editor"
    VIEWER = "viewer"


PERMISSIONS: dict[str, frozenset[Role]] = {
    "view": frozenset({Role.EDITOR, Role.VIEWER}),
    "upload": frozenset({Role.EDITOR}),
    "edit": frozenset({Role.EDITOR}),
    "undo": frozenset({Role.EDITOR}),
    "erase": frozenset({Role.EDITOR}),
    "settings": frozenset({Role.EDITOR}),
    "export_personal": frozenset({Role.EDITOR}),
    "see_personal": frozenset({Role.EDITOR}),
}
"""What each role may do. Viewers see every chart and count, never a person's details."""


@dataclass(frozen=True)
class User:
    """Someone using the app: a name for the journal and the export log, and a role."""

    name: str
    role: Role

    def can(self, permission: str) -> bool:
        return self.role in PERMISSIONS[permission]


LOCAL_USER = "local"
"""Who makes a change when the app runs on one person's laptop without sign-in."""

Actor = User | str
"""Who acts: a signed-in user, or (from the command line and the local app) a name that edits."""


class NotAllowed(PermissionError):
    """The acting user's role does not allow this; ``key`` is the catalogue message."""

    def __init__(self, permission: str) -> None:
        super().__init__(f"access.not_allowed.{permission}")
        self.permission = permission
        self.key = f"access.not_allowed.{permission}"


def as_user(actor: Actor) -> User:
    """A plain name acts as an editor: the command line and the single-user laptop app."""
    return actor if isinstance(actor, User) else User(actor, Role.EDITOR)


def require(actor: Actor, permission: str) -> User:
    """The acting user, when their role allows ``permission``; raises NotAllowed otherwise."""
    user = as_user(actor)
    if not user.can(permission):
        raise NotAllowed(permission)
    return user


# --- passwords ---------------------------------------------------------------------------------
_SCRYPT = (2**17, 8, 1)
"""OWASP's recommended scrypt cost (N=2^17, r=8, p=1: 128 MiB per hash); older hashes keep their own."""
_SCRYPT_MEMORY = 2**28


def hash_password(password: str) -> str:
    """A salted scrypt hash to put in the secrets file (the password itself is never stored)."""
    n, r, p = _SCRYPT
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=_SCRYPT_MEMORY)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether the password matches the stored hash (constant-time; a malformed hash never matches)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode(),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
            maxmem=_SCRYPT_MEMORY,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@functools.cache
def _dummy_hash() -> str:
    """Checked against for unknown names, so a wrong name takes as long as a wrong password."""
    return hash_password(secrets.token_hex(8))


# --- configuration -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Access:
    """How people sign in, read from the secrets file; ``local`` when there is none."""

    mode: str = "local"
    """"local" (one editor, no sign-in), "oidc" (st.login) or "password"."""
    editors: frozenset[str] = frozenset()
    viewers: frozenset[str] = frozenset()
    users: Mapping[str, tuple[str, Role]] = field(default_factory=dict)
    """Password users: name (case-insensitive) → (hash, role)."""
    max_failures: int = 5
    lock_minutes: int = 15

    @classmethod
    def from_secrets(cls, secrets_: Mapping[str, Any]) -> Access:
        """Read `[ladder]` (and whether `[auth]` is there) from the app's secrets."""
        ladder = dict(secrets_.get("ladder") or {})
        users = {
            str(name).casefold(): (str(entry.get("password", "")), Role(entry.get("role", "viewer")))
            for name, entry in dict(ladder.get("users") or {}).items()
        }
        editors = frozenset(str(e).strip().casefold() for e in ladder.get("editors") or ())
        viewers = frozenset(str(e).strip().casefold() for e in ladder.get("viewers") or ())
        mode = str(
            ladder.get("sign_in")
            or ("oidc" if "auth" in secrets_ and (editors or viewers) else "password" if users else "local")
        )
        if mode not in ("local", "oidc", "password"):
            raise ValueError(f"sign_in must be 'oidc' or 'password', not {mode!r}")
        return cls(
            mode, editors, viewers, users, int(ladder.get("max_failures", 5)), int(ladder.get("lock_minutes", 15))
        )

    def role_of(self, email: str | None) -> Role | None:
        """The role of an OIDC-signed-in e-mail; None when it is on neither list."""
        address = (email or "").strip().casefold()
        if address in self.editors:
            return Role.EDITOR
        if address in self.viewers:
            return Role.VIEWER
        return None


class SignInLog(Protocol):
    """Where sign-in attempts are kept (the workspace): shared by every app instance."""

    def record_sign_in(self, name: str, ok: bool) -> None: ...

    def sign_ins(self, name: str, since: datetime) -> list[tuple[datetime, bool]]: ...


@dataclass(frozen=True)
class SignIn:
    """The answer to a sign-in attempt: the user, or why not (a catalogue key) and until when."""

    user: User | None
    problem: str | None = None
    locked_until: datetime | None = None


def locked_until(access: Access, log: SignInLog, name: str, now: datetime | None = None) -> datetime | None:
    """When a name is locked after repeated failures, until when; None when it may try."""
    now = now or datetime.now(UTC)
    window = timedelta(minutes=access.lock_minutes)
    failures: list[datetime] = []
    for when, ok in log.sign_ins(name, since=now - window):
        failures = [] if ok else [*failures, when]
    if len(failures) < access.max_failures:
        return None
    return failures[-1] + window


def sign_in(access: Access, log: SignInLog, name: str, password: str, now: datetime | None = None) -> SignIn:
    """Check a name and password; every attempt is recorded and too many failures lock the name."""
    name = name.strip()
    until = locked_until(access, log, name, now)
    if until is not None:
        log.record_sign_in(name, ok=False)
        return SignIn(None, "access.locked", until)
    stored, role = access.users.get(name.casefold(), (_dummy_hash(), Role.VIEWER))
    matches = verify_password(password, stored)  # always hashed: an unknown name takes as long as a known one
    ok = name.casefold() in access.users and matches
    log.record_sign_in(name, ok=ok)
    if not ok:
        until = locked_until(access, log, name, now)
        return SignIn(None, "access.locked" if until else "access.wrong_password", until)
    return SignIn(User(name, role))


def pseudonym(salt: str, customer_id: object) -> str:
    """A stable stand-in for a customer id: the same person gets the same one, nobody can reverse it."""
    return "P-" + hashlib.sha256(f"{salt}:id:{customer_id}".encode()).hexdigest()[:10]


def pseudonyms(salt: str, customer_ids: pd.Series) -> pd.Series:
    """`pseudonym` of each id in a column (same index)."""
    return pd.Series([pseudonym(salt, value) for value in customer_ids], index=customer_ids.index, dtype="string")


def is_loopback(address: str | None) -> bool:
    """Whether only this computer can reach a server listening on ``address`` (no address: every interface)."""
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
