"""The key of the workspace's identity hashes: a file beside the database, never in it.

Identity hashes (of e-mails, phones and ids on the suppression list and in the consent record)
are a salted SHA-256 keyed once more under this key, so a stolen database alone cannot be
brute-forced back into phone numbers. A database keyed before whose key file is missing or
different stops with IdentityKeyError rather than quietly matching nobody.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, update

from lib.workspace import store
from lib.workspace.base import StoreBase, private_folder
from lib.workspace.consents import unpacked
from lib.workspace.store import insert_ignoring_duplicates

_SALT = "identity_salt"
KEY_FILE = "ladder.key"
"""The key of the workspace's identity hashes: beside the database, never in it (mode 0600).
On PostgreSQL it lives in the workspace folder; every app instance needs the same file."""
_KEY_CHECK = "identity_key_check"


class IdentityKeyError(RuntimeError):
    """The database was keyed with a key file that is missing or different here: ``key`` says which."""

    def __init__(self, key: str, path: Path) -> None:
        super().__init__(f"{key}: {path}")
        self.key = key
        self.path = path


@dataclass(frozen=True)
class IdentitySecret:
    """What identity hashes are made with: the workspace's salt (in the database) and key (in the key file)."""

    salt: str
    key: bytes = b""

    @property
    def fingerprint(self) -> str:
        """Names this secret in memo keys without revealing it."""
        return hashlib.sha256(self.salt.encode() + self.key).hexdigest()[:16]


def keyed(key: bytes, text: str) -> str:
    """BLAKE2b of ``text`` keyed with ``key`` (a MAC in one C call), as hex; the text itself without a key."""
    return keyed_hash(key, text.encode()).hexdigest() if key else text


def keyed_hash(key: bytes, data: bytes = b"") -> hashlib.blake2b:
    """The BLAKE2b `keyed` uses, fed ``data`` (copy one fed nothing to hash many texts under one key)."""
    return hashlib.blake2b(data, key=key, digest_size=32)


def _create_key_file(path: Path) -> None:
    """A new random key, written whole to a private temporary file and linked into place only if no
    other instance made one meanwhile (so a half-written key is never read)."""
    private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_hex(32))
        file.flush()
        os.fsync(file.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass  # another instance's key won
    finally:
        temporary.unlink()


class IdentityKeys(StoreBase):
    """The salt (in the database) and key (in the key file) identity hashes are made with."""

    def salt(self) -> str:
        """This workspace's secret salt for identity hashes (made on first use)."""
        salt = self._setting(_SALT)
        if salt is None:
            with self._engine.begin() as db:  # two instances at once: the first salt stays
                db.execute(
                    insert_ignoring_duplicates(self._engine, store.settings),
                    {"name": _SALT, "value": secrets.token_hex(16)},
                )
            salt = self._setting(_SALT)
        assert salt is not None
        return salt

    @property
    def key_path(self) -> Path:
        """The key file: ``ladder.key`` beside ``ladder.sqlite`` (a copy ``x.sqlite`` has ``x.key``)."""
        return self.path.with_suffix(".key") if self.path is not None else self.folder / KEY_FILE

    def identity_secret(self) -> IdentitySecret:
        """The salt and key identity hashes are made with (the key file is made on first use)."""
        return IdentitySecret(self.salt(), self.identity_key())

    def identity_key(self) -> bytes:
        """The key in ``ladder.key`` beside the database, made (and earlier hashes upgraded) on first use.

        A database keyed before whose key file is missing or different raises IdentityKeyError:
        a new key would quietly make the suppression list match nobody.
        """
        if self._key is not None:
            return self._key
        path = self.key_path
        check = self._setting(_KEY_CHECK)
        if not path.exists():
            if check is not None:
                raise IdentityKeyError("error.key_missing", path)
            _create_key_file(path)
        try:
            key = bytes.fromhex(path.read_text().strip())
        except ValueError:
            key = b""
        if len(key) != 32:
            raise IdentityKeyError("error.key_different", path)
        expected = keyed(key, "loyalty-ladder-key-check")
        if check is None:
            self._upgrade_hashes(key, expected)
            check = self._setting(_KEY_CHECK)  # ours, or another instance's that got there first
        if check is None or not hmac.compare_digest(check, expected):
            raise IdentityKeyError("error.key_different", path)
        self._key = key
        return key

    def _upgrade_hashes(self, key: bytes, check: str) -> None:
        """Key every hash kept before the key existed, and record the key's check, in one transaction."""
        with self._engine.begin() as db:
            if db.execute(select(store.settings.c.value).where(store.settings.c.name == _KEY_CHECK)).first():
                return  # another instance upgraded them meanwhile
            for old in db.execute(select(store.suppressed.c.hash)).scalars().all():
                db.execute(update(store.suppressed).where(store.suppressed.c.hash == old).values(hash=keyed(key, old)))
            for row_id, packed in db.execute(select(store.consents.c.id, store.consents.c.hashes)).all():
                rekeyed = b"".join(bytes.fromhex(keyed(key, old)) for old in unpacked(bytes(packed)))
                db.execute(update(store.consents).where(store.consents.c.id == row_id).values(hashes=rekeyed))
            db.execute(insert(store.settings).values(name=_KEY_CHECK, value=check))
