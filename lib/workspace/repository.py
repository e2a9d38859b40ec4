"""The workspace: every upload and every edit of one business, kept in one store.

The current register is the latest upload (its parsed snapshot) with the edit journal
replayed on top, so a refresh, a crash, a restart or a second browser loses nothing and
sees the same register. The store is one SQLite file in ``./workspace`` (``LADDER_WORKSPACE``
moves it), or a PostgreSQL database shared by several app instances (see lib.store).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select, update

from lib.config import DEFAULT_FOLDER, Config
from lib.messages import MessageTemplates
from lib.reading.register import MappingOverrides
from lib.settings import Settings
from lib.themes import ThemeDictionary
from lib.workspace import store
from lib.workspace.access import LOCAL_USER, Actor, require
from lib.workspace.base import Version, private_file, private_folder, timestamp, version_of
from lib.workspace.consents import ConsentRecord
from lib.workspace.erasures import Erasures
from lib.workspace.logs import Logs
from lib.workspace.readings import TextReadings
from lib.workspace.store import insert_ignoring_duplicates, open_store, public_url, store_url

_OVERRIDES = "mapping_overrides"
_SETTINGS = "analysis_settings"
_THEMES = "theme_dictionary"
_MESSAGES = "message_templates"
_SUPPRESSED_IDS = "suppressed_ids"
_CARRIED = "carried_settings"
JOURNAL_COLUMNS = ["id", "created_at", "user", "op", "sheet", "key", "field", "old", "new"]
_UPLOAD_COLUMNS = ("id", "created_at", "user", "file_name", "size", "sha256", "snapshot_rev")


@dataclass(frozen=True)
class Upload:
    """One uploaded workbook version (without its bytes)."""

    id: int
    created_at: datetime
    user: str
    file_name: str
    size: int
    sha256: str
    snapshot_rev: int


class Workspace(Logs, ConsentRecord, Erasures, TextReadings):
    """One business's workspace: its uploads, journal, settings and logs in one store.

    The store is the SQLite file ``ladder.sqlite`` in the workspace folder, or the database
    at ``url`` when a team shares PostgreSQL. Without either, the installation's (lib.config).
    """

    def __init__(self, folder: Path | str | None = None, url: str | None = None) -> None:
        if folder is None and url is None:
            config = Config.from_environment()
            folder, url = config.workspace_folder, config.workspace_url
        self.folder = Path(folder) if folder else DEFAULT_FOLDER
        if url is None:
            private_folder(self.folder)
            private_file(self.folder / store.FILE_NAME)  # an empty file is a new database to SQLite
            url = store_url(self.folder)
        self.url = url
        self._key: bytes | None = None
        self._engine = open_store(url)
        self.is_sqlite = self._engine.dialect.name == "sqlite"
        self.path = Path(self._engine.url.database or "") if self.is_sqlite else None
        """The SQLite file (None on PostgreSQL)."""
        if self.path is not None:
            self.folder = self.path.parent
            self.path.chmod(0o600)  # the log and index files SQLite makes beside it take the same mode

    @property
    def location(self) -> str:
        """Where the data lives, without any password: for the screen, logs and cache keys."""
        return str(self.path) if self.path else public_url(self.url)

    def close(self) -> None:
        """Close the pooled connections (the store stays as it is)."""
        self._engine.dispose()

    # --- uploads ---------------------------------------------------------------------------
    def store_upload(
        self,
        file_name: str,
        data: bytes,
        user: str,
        parts: dict[str, bytes],
        mapping_json: str,
        carried: tuple[int, Mapping[int, str]] | None = None,
        expected: Version | None = None,
    ) -> Upload | None:
        """Keep an upload (bytes once per content, hash, name, time, who) with its parsed snapshot, atomically.

        ``carried``: (an earlier upload, its edits in force by id → the row's key on the new upload) to copy
        onto the new upload as they were made, by whom and when — the edits on the files of a register that a
        new file left in place. With ``expected``, the upload goes in only while the workspace is still at
        that version (the carried edits were chosen on it); otherwise nothing is stored and None comes back.
        """
        digest = hashlib.sha256(data).hexdigest()
        with self._engine.begin() as db:
            if expected is not None:
                latest = db.execute(select(func.max(store.uploads.c.id))).scalar()
                if latest:
                    self._lock(db, latest)
                if version_of(db) != expected:
                    return None
            db.execute(insert_ignoring_duplicates(self._engine, store.blobs), {"sha256": digest, "data": data})
            upload_id = db.execute(
                insert(store.uploads)
                .values(
                    created_at=timestamp(),
                    user=user,
                    file_name=file_name,
                    size=len(data),
                    sha256=digest,
                    data=b"",
                    mapping_json=mapping_json,
                )
                .returning(store.uploads.c.id)
            ).scalar_one()
            db.execute(
                insert(store.snapshots),
                [{"upload_id": upload_id, "name": name, "data": blob} for name, blob in parts.items()],
            )
            if carried is not None and carried[1]:
                j = store.journal
                kept = [c for c in JOURNAL_COLUMNS if c != "id"]
                rows = db.execute(
                    select(j.c.id, *(j.c[c] for c in kept))
                    .where(j.c.upload_id == carried[0], j.c.id.in_(list(carried[1])), j.c.undone_at.is_(None))
                    .order_by(j.c.id)
                ).all()
                if rows:
                    db.execute(
                        insert(j),
                        [
                            {**dict(zip(kept, row[1:], strict=True)), "key": carried[1][row[0]], "upload_id": upload_id}
                            for row in rows
                        ],
                    )
        upload = self.upload(upload_id)
        assert upload is not None
        return upload

    def restore_upload(self, upload_id: int, user: str) -> Upload:
        """Make an earlier upload the current register again, with the edits that were in force on it.

        Nothing is overwritten: the earlier upload's file, snapshot and journal are copied onto a new
        newest upload, so the register replaced by it is kept in the history too, and can be gone back to.
        """
        u, j = store.uploads, store.journal
        with self._engine.begin() as db:
            old = db.execute(select(u).where(u.c.id == upload_id)).mappings().one()
            new_id = db.execute(
                insert(u)
                .values(
                    created_at=timestamp(),
                    user=user,
                    file_name=old["file_name"],
                    size=old["size"],
                    sha256=old["sha256"],
                    data=old["data"],
                    mapping_json=old["mapping_json"],
                )
                .returning(u.c.id)
            ).scalar_one()
            parts = db.execute(
                select(store.snapshots.c.name, store.snapshots.c.data).where(store.snapshots.c.upload_id == upload_id)
            ).all()
            db.execute(
                insert(store.snapshots), [{"upload_id": new_id, "name": name, "data": data} for name, data in parts]
            )
            kept = db.execute(
                select(j.c.created_at, j.c.user, j.c.op, j.c.sheet, j.c.key, j.c.field, j.c.old, j.c.new)
                .where((j.c.upload_id == upload_id) & j.c.undone_at.is_(None))
                .order_by(j.c.id)
            ).mappings()
            rows = [{**row, "upload_id": new_id} for row in kept]
            if rows:
                db.execute(insert(j), rows)
        upload = self.upload(new_id)
        assert upload is not None
        return upload

    def replace_snapshot(self, upload_id: int, parts: dict[str, bytes], mapping_json: str) -> None:
        """Store a new parse of an upload (after a mapping correction); bumps its revision."""
        with self._engine.begin() as db:
            db.execute(delete(store.snapshots).where(store.snapshots.c.upload_id == upload_id))
            db.execute(
                insert(store.snapshots),
                [{"upload_id": upload_id, "name": name, "data": blob} for name, blob in parts.items()],
            )
            db.execute(
                update(store.uploads)
                .where(store.uploads.c.id == upload_id)
                .values(snapshot_rev=store.uploads.c.snapshot_rev + 1, mapping_json=mapping_json)
            )

    def _uploads(self, where=None, newest_first: bool = False) -> list[Upload]:
        columns = [store.uploads.c[name] for name in _UPLOAD_COLUMNS]
        query = select(*columns)
        if where is not None:
            query = query.where(where)
        query = query.order_by(store.uploads.c.id.desc() if newest_first else store.uploads.c.id)
        with self._engine.connect() as db:
            return [_upload(row) for row in db.execute(query)]

    def upload(self, upload_id: int) -> Upload | None:
        found = self._uploads(store.uploads.c.id == upload_id)
        return found[0] if found else None

    def latest_upload(self) -> Upload | None:
        found = self._uploads(newest_first=True)
        return found[0] if found else None

    def uploads(self) -> list[Upload]:
        return self._uploads()

    def upload_data(self, upload_id: int) -> bytes:
        with self._engine.connect() as db:
            data, digest = db.execute(
                select(store.uploads.c.data, store.uploads.c.sha256).where(store.uploads.c.id == upload_id)
            ).one()
            if data:  # an upload kept before files were stored once per content
                return bytes(data)
            return bytes(db.execute(select(store.blobs.c.data).where(store.blobs.c.sha256 == digest)).scalar_one())

    def snapshot_parts(self, upload_id: int) -> dict[str, bytes]:
        with self._engine.connect() as db:
            rows = db.execute(
                select(store.snapshots.c.name, store.snapshots.c.data).where(store.snapshots.c.upload_id == upload_id)
            ).all()
        return {name: bytes(blob) for name, blob in rows}

    # --- the suppression list ------------------------------------------------------------------
    def suppress(self, hashes: set[str], reason: str) -> None:
        """Keep identity hashes of people who must never reach a mailing list again."""
        if not hashes:
            return
        now = timestamp()
        with self._engine.begin() as db:
            db.execute(
                insert_ignoring_duplicates(self._engine, store.suppressed),
                [{"hash": h, "reason": reason, "created_at": now} for h in sorted(hashes)],
            )

    def suppressed(self) -> set[str]:
        with self._engine.connect() as db:
            return set(db.execute(select(store.suppressed.c.hash)).scalars())

    def suppressed_count(self) -> int:
        """How many hashes the suppression list holds (it only grows, so the count dates it)."""
        with self._engine.connect() as db:
            return int(db.execute(select(func.count()).select_from(store.suppressed)).scalar_one())

    def cached_suppression(self, key: str) -> Any:
        """The customer ids worked out for ``key`` (register version + list sizes), if still current."""
        cached = json.loads(self._setting(_SUPPRESSED_IDS) or "{}")
        return cached.get("ids") if cached.get("key") == key else None

    def cache_suppression(self, key: str, ids: Any) -> None:
        self._save_setting(_SUPPRESSED_IDS, json.dumps({"key": key, "ids": ids}))

    def backup(self, target: Path) -> Path:
        """A consistent copy of the SQLite store while the app keeps running (SQLite's online backup)."""
        if self.path is None:
            raise ValueError("backup_postgres")
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        private_file(partial)
        source = sqlite3.connect(self.path, timeout=30)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
            source.close()
        partial.replace(target)
        key = self.key_path
        if key.exists():  # the copy is useless without the key its suppression list was made with
            private_file(target.with_suffix(".key")).write_bytes(key.read_bytes())
        return target

    def overrides(self) -> MappingOverrides:
        return MappingOverrides.from_json(self._setting(_OVERRIDES))

    def save_overrides(self, overrides: MappingOverrides) -> None:
        self._save_setting(_OVERRIDES, overrides.to_json())

    def settings(self) -> Settings:
        """The analysis thresholds chosen for this workspace (defaults until someone changes one)."""
        return Settings.from_json(self._setting(_SETTINGS))

    def save_settings(self, settings: Settings, user: Actor = LOCAL_USER) -> None:
        require(user, "settings")
        self._save_setting(_SETTINGS, settings.to_json())

    def carried_settings(self) -> dict[str, Any]:
        """What the settings sheet of the latest upload that had one did: upload, applied, held (name → value)."""
        return dict(json.loads(self._setting(_CARRIED) or "{}"))

    def save_carried_settings(self, record: dict[str, Any]) -> None:
        self._save_setting(_CARRIED, json.dumps(record, sort_keys=True))

    def themes(self) -> ThemeDictionary:
        """The feedback theme dictionary of this workspace (the shipped one until edited)."""
        return ThemeDictionary.from_json(self._setting(_THEMES))

    def save_themes(self, dictionary: ThemeDictionary, user: Actor = LOCAL_USER) -> None:
        require(user, "settings")
        self._save_setting(_THEMES, dictionary.to_json())

    def messages(self) -> MessageTemplates:
        """The message wording of this workspace's contact plan (the shipped wording until edited)."""
        return MessageTemplates.from_json(self._setting(_MESSAGES))

    def save_messages(self, templates: MessageTemplates, user: Actor = LOCAL_USER) -> None:
        require(user, "settings")
        self._save_setting(_MESSAGES, templates.to_json())

    # --- the edit journal --------------------------------------------------------------------
    def append_edits(
        self, upload_id: int, user: str, edits: Sequence[dict[str, str | None]], expected: Version | None = None
    ) -> bool:
        """Append edits (op, sheet, key, field, old, new) to the journal in one transaction.

        With ``expected``, the edits go in only while the workspace is still at that version
        (they were checked against it); otherwise nothing is written and False comes back.
        The upload's row is locked first, so appends from several app instances on one
        PostgreSQL database (or several processes on one SQLite file) take turns.
        """
        with self._engine.begin() as db:
            self._lock(db, upload_id)
            if expected is not None and version_of(db) != expected:
                return False
            now = timestamp()
            db.execute(
                insert(store.journal),
                [
                    {
                        "created_at": now,
                        "user": user,
                        "upload_id": upload_id,
                        "op": e["op"],
                        "sheet": e["sheet"],
                        "key": e["key"],
                        "field": e.get("field"),
                        "old": e.get("old"),
                        "new": e.get("new"),
                    }
                    for e in edits
                ],
            )
        return True

    @staticmethod
    def _lock(db: Connection, upload_id: int) -> None:
        """Take the write lock for an upload's journal (a no-op update: a row lock, or SQLite's write lock)."""
        db.execute(
            update(store.uploads)
            .where(store.uploads.c.id == upload_id)
            .values(snapshot_rev=store.uploads.c.snapshot_rev)
        )

    def journal(self, upload_id: int) -> pd.DataFrame:
        """The edits in force on top of one upload, oldest first (undone ones left out)."""
        j = store.journal
        with self._engine.connect() as db:
            rows = db.execute(
                select(*(j.c[c] for c in JOURNAL_COLUMNS))
                .where(j.c.upload_id == upload_id, j.c.undone_at.is_(None))
                .order_by(j.c.id)
            ).all()
        return pd.DataFrame([tuple(row) for row in rows], columns=JOURNAL_COLUMNS)

    def history(self, upload_id: int) -> pd.DataFrame:
        """Every edit on top of one upload, newest first, with who undid it and when (if anyone did)."""
        j = store.journal
        columns = [*JOURNAL_COLUMNS, "undone_at", "undone_by"]
        with self._engine.connect() as db:
            rows = db.execute(
                select(*(j.c[c] for c in columns)).where(j.c.upload_id == upload_id).order_by(j.c.id.desc())
            ).all()
        return pd.DataFrame([tuple(row) for row in rows], columns=columns)

    def undo(self, upload_id: int, entry_id: int | None, user: Actor) -> str | None:
        """Undo one edit (the last one in force when ``entry_id`` is None); None when done, else why not.

        An edit can be undone while nothing later depends on it: no later edit in force
        touches the same cell (or, for an added or deleted row, the same row).
        """
        require(user, "undo")
        if entry_id is None:
            j = store.journal
            with self._engine.connect() as db:
                entry_id = db.execute(
                    select(func.max(j.c.id)).where(j.c.upload_id == upload_id, j.c.undone_at.is_(None))
                ).scalar()
            if entry_id is None:
                return "undo_nothing"
        return self.undo_many(upload_id, [entry_id], user)

    def undo_many(self, upload_id: int, entry_ids: Sequence[int], user: Actor) -> str | None:
        """Undo several edits together (one thing a person did), or none of them; None when done, else why not.

        They can be undone while no later edit in force, outside them, touches the same cells or rows.
        """
        name = require(user, "undo").name
        j = store.journal
        chosen = set(entry_ids)
        with self._engine.begin() as db:
            self._lock(db, upload_id)
            active = db.execute(
                select(j.c.id, j.c.sheet, j.c.key, j.c.field, j.c.op)
                .where(j.c.upload_id == upload_id, j.c.undone_at.is_(None))
                .order_by(j.c.id)
            ).all()
            mine = [row for row in active if row[0] in chosen]
            if not mine:
                return "undo_gone"
            for entry in mine:
                later = [
                    row
                    for row in active
                    if row[0] > entry[0] and row[0] not in chosen and row[1] == entry[1] and row[2] == entry[2]
                ]
                if any(entry[4] != "set" or row[4] != "set" or row[3] == entry[3] for row in later):
                    return "undo_depends"
            db.execute(
                update(j).where(j.c.id.in_([row[0] for row in mine])).values(undone_at=timestamp(), undone_by=name)
            )
        return None

    def version(self) -> Version:
        """(latest upload, snapshot revision, last journal id, undone edits, erasures): changes whenever the
        register does, an erasure that only removed journal entries included."""
        with self._engine.connect() as db:
            return version_of(db)


def _upload(row: tuple) -> Upload:
    return Upload(int(row[0]), datetime.fromisoformat(row[1]), row[2], row[3], int(row[4]), row[5], int(row[6]))
