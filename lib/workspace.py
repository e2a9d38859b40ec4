"""The workspace: every upload and every edit of one business, kept in one store.

The current register is the latest upload (its parsed snapshot) with the edit journal
replayed on top, so a refresh, a crash, a restart or a second browser loses nothing and
sees the same register. The store is one SQLite file in ``./workspace`` (``LADDER_WORKSPACE``
moves it), or a PostgreSQL database shared by several app instances (see lib.store).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePath

import pandas as pd
from sqlalchemy import Connection, delete, func, insert, select, update

from lib import store
from lib.access import LOCAL_USER, Actor, require
from lib.edits import Review, review_changes
from lib.erasure import (
    blank_in_sheets,
    blank_in_xlsx,
    blanking_changes,
    customers_on_list,
    identity_hashes,
    journal_keys_of,
    scrub_parts,
)
from lib.feedback import ThemeDictionary
from lib.quality import Problem
from lib.register import (
    MappingOverrides,
    Register,
    apply_edits,
    build_register,
    mapping_table,
    register_from_parts,
    register_to_parts,
)
from lib.schema import SETTINGS_SHEET, THEMES_SHEET
from lib.settings import Settings
from lib.store import insert_ignoring_duplicates, open_store, public_url, store_url, upsert
from lib.workbook import RawSheet, read_workbook
from lib.writeback import Plan, Progress, WriteResult, clean_xlsx, no_progress, safe_xlsx
from lib.writeback import updated_workbook as write_back
from lib.xlsx_patch import PatchUnsupported

DEFAULT_FOLDER = Path("workspace")
_SAVE_ATTEMPTS = 5


Version = tuple[int, int, int, int]
"""(latest upload, its snapshot revision, last journal id, undone entries): what every cache is keyed on."""
_OVERRIDES = "mapping_overrides"
_SETTINGS = "analysis_settings"
_SALT = "identity_salt"
_THEMES = "theme_dictionary"
_SUPPRESSED_IDS = "suppressed_ids"
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


@dataclass(frozen=True)
class Current:
    """The register the app shows now: the latest upload with the journal replayed."""

    register: Register
    problems: list[Problem]
    upload: Upload
    edits: int
    version: Version
    original: Register
    """The upload as it was read, before the journal: what the write-back patches."""
    journal: pd.DataFrame
    """The edits in force on top of the upload, oldest first."""
    suppressed: frozenset[str] = frozenset()
    """Customers whose e-mail or phone is on the suppression list: never on a mailing list."""


class BusyError(RuntimeError):
    """The workspace kept changing under a save (many people saving at once): try again."""


def workspace_folder() -> Path:
    """Where the workspace lives: ``LADDER_WORKSPACE``, else ./workspace."""
    return Path(os.environ.get("LADDER_WORKSPACE") or DEFAULT_FOLDER)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Workspace:
    """One business's workspace: its uploads, journal, settings and logs in one store.

    The store is the SQLite file ``ladder.sqlite`` in the workspace folder, or the database
    at ``url`` (``LADDER_WORKSPACE_URL`` or the app's secrets) when a team shares PostgreSQL.
    """

    def __init__(self, folder: Path | str | None = None, url: str | None = None) -> None:
        self.folder = Path(folder) if folder else workspace_folder()
        if url is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            url = store_url(self.folder)
        self.url = url
        self._engine = open_store(url)
        self.is_sqlite = self._engine.dialect.name == "sqlite"
        self.path = Path(self._engine.url.database or "") if self.is_sqlite else None
        """The SQLite file (None on PostgreSQL)."""
        if self.path is not None:
            self.folder = self.path.parent

    @property
    def location(self) -> str:
        """Where the data lives, without any password: for the screen, logs and cache keys."""
        return str(self.path) if self.path else public_url(self.url)

    def close(self) -> None:
        """Close the pooled connections (the store stays as it is)."""
        self._engine.dispose()

    # --- uploads ---------------------------------------------------------------------------
    def store_upload(self, file_name: str, data: bytes, user: str, parts: dict[str, bytes],
                     mapping_json: str) -> Upload:
        """Keep an upload (bytes, hash, name, time, who) with its parsed snapshot, atomically."""
        with self._engine.begin() as db:
            upload_id = db.execute(
                insert(store.uploads).values(created_at=_now(), user=user, file_name=file_name, size=len(data),
                                             sha256=hashlib.sha256(data).hexdigest(), data=data,
                                             mapping_json=mapping_json).returning(store.uploads.c.id)
            ).scalar_one()
            db.execute(insert(store.snapshots),
                       [{"upload_id": upload_id, "name": name, "data": blob} for name, blob in parts.items()])
        upload = self.upload(upload_id)
        assert upload is not None
        return upload

    def replace_snapshot(self, upload_id: int, parts: dict[str, bytes], mapping_json: str) -> None:
        """Store a new parse of an upload (after a mapping correction); bumps its revision."""
        with self._engine.begin() as db:
            db.execute(delete(store.snapshots).where(store.snapshots.c.upload_id == upload_id))
            db.execute(insert(store.snapshots),
                       [{"upload_id": upload_id, "name": name, "data": blob} for name, blob in parts.items()])
            db.execute(update(store.uploads).where(store.uploads.c.id == upload_id)
                       .values(snapshot_rev=store.uploads.c.snapshot_rev + 1, mapping_json=mapping_json))

    def _uploads(self, where=None, newest_first: bool = False) -> list[Upload]:  # type: ignore[no-untyped-def]
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
            return bytes(db.execute(select(store.uploads.c.data).where(store.uploads.c.id == upload_id)).scalar_one())

    def snapshot_parts(self, upload_id: int) -> dict[str, bytes]:
        with self._engine.connect() as db:
            rows = db.execute(select(store.snapshots.c.name, store.snapshots.c.data)
                              .where(store.snapshots.c.upload_id == upload_id)).all()
        return {name: bytes(blob) for name, blob in rows}

    # --- erasure and the suppression list -----------------------------------------------------
    def salt(self) -> str:
        """This workspace's secret salt for identity hashes (made on first use)."""
        salt = self._setting(_SALT)
        if salt is None:
            with self._engine.begin() as db:  # two instances at once: the first salt stays
                db.execute(insert_ignoring_duplicates(self._engine, store.settings),
                           {"name": _SALT, "value": secrets.token_hex(16)})
            salt = self._setting(_SALT)
        assert salt is not None
        return salt

    def suppress(self, hashes: set[str], reason: str) -> None:
        """Keep identity hashes of people who must never reach a mailing list again."""
        if not hashes:
            return
        now = _now()
        with self._engine.begin() as db:
            db.execute(insert_ignoring_duplicates(self._engine, store.suppressed),
                       [{"hash": h, "reason": reason, "created_at": now} for h in sorted(hashes)])

    def suppressed(self) -> set[str]:
        with self._engine.connect() as db:
            return set(db.execute(select(store.suppressed.c.hash)).scalars())

    def suppressed_count(self) -> int:
        """How many hashes the suppression list holds (it only grows, so the count dates it)."""
        with self._engine.connect() as db:
            return int(db.execute(select(func.count()).select_from(store.suppressed)).scalar_one())

    def cached_suppression(self, key: str) -> list[str] | None:
        """The suppressed customer ids worked out for ``key`` (register version + list size), if still current."""
        cached = json.loads(self._setting(_SUPPRESSED_IDS) or "{}")
        return cached.get("ids") if cached.get("key") == key else None

    def cache_suppression(self, key: str, ids: Sequence[str]) -> None:
        self._save_setting(_SUPPRESSED_IDS, json.dumps({"key": key, "ids": sorted(ids)}))

    def log_event(self, user: str, kind: str, detail: str) -> None:
        """A workspace event (an erasure) without personal data: who, when, what kind, counts."""
        with self._engine.begin() as db:
            db.execute(insert(store.events).values(created_at=_now(), user=user, kind=kind, detail=detail))

    def log_export(self, user: Actor, kind: str, selection: str, customer_ids: Sequence[str]) -> None:
        """Record an export: who, when, what kind and selection, how many people — as pseudonyms only."""
        user = require(user, "export_personal").name
        salt = self.salt()
        pseudonyms = [hashlib.sha256(f"{salt}:id:{cid}".encode()).hexdigest()[:12] for cid in customer_ids]
        with self._engine.begin() as db:
            db.execute(insert(store.exports).values(created_at=_now(), user=user, kind=kind, selection=selection,
                                                    people=len(pseudonyms), pseudonyms=json.dumps(pseudonyms)))

    def exports(self) -> pd.DataFrame:
        """The export log, newest first."""
        columns = ["created_at", "user", "kind", "selection", "people"]
        with self._engine.connect() as db:
            rows = db.execute(select(*(store.exports.c[c] for c in columns)).order_by(store.exports.c.id.desc())).all()
        return pd.DataFrame([tuple(row) for row in rows], columns=columns)

    def events(self) -> pd.DataFrame:
        columns = ["created_at", "user", "kind", "detail"]
        with self._engine.connect() as db:
            rows = db.execute(select(*(store.events.c[c] for c in columns)).order_by(store.events.c.id)).all()
        return pd.DataFrame([tuple(row) for row in rows], columns=columns)

    def rewrite_upload(self, upload_id: int, file_name: str, data: bytes, parts: dict[str, bytes],
                       mapping_json: str) -> None:
        """Replace an upload's bytes and snapshot (after an erasure), keeping its place and journal."""
        with self._engine.begin() as db:
            db.execute(update(store.uploads).where(store.uploads.c.id == upload_id)
                       .values(data=data, file_name=file_name, size=len(data),
                               sha256=hashlib.sha256(data).hexdigest()))
        self.replace_snapshot(upload_id, parts, mapping_json)

    def delete_journal_rows(self, upload_id: int, keys: set[tuple[str, str]]) -> int:
        """Remove every journal entry (in force or undone) on the given (sheet kind, key) rows."""
        removed = 0
        with self._engine.begin() as db:
            for sheet, key in keys:
                removed += db.execute(delete(store.journal).where(
                    store.journal.c.upload_id == upload_id, store.journal.c.sheet == sheet,
                    store.journal.c.key == key)).rowcount
        return removed

    def compact(self) -> None:
        """Rebuild the store so deleted data lingers nowhere (SQLite: VACUUM and an emptied log)."""
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
            if self.is_sqlite:
                db.exec_driver_sql("VACUUM")
                db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                for table in ("uploads", "snapshots", "journal"):
                    db.exec_driver_sql(f"VACUUM FULL {table}")

    def backup(self, target: Path) -> Path:
        """A consistent copy of the SQLite store while the app keeps running (SQLite's online backup)."""
        if self.path is None:
            raise ValueError("backup_postgres")
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        source = sqlite3.connect(self.path, timeout=30)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA integrity_check").fetchone()
        finally:
            copy.close()
            source.close()
        partial.replace(target)
        return target

    # --- sign-in attempts ---------------------------------------------------------------------
    def record_sign_in(self, name: str, ok: bool) -> None:
        """Remember a sign-in attempt (the user name, never the password) for the rate limit."""
        with self._engine.begin() as db:
            db.execute(insert(store.sign_ins).values(created_at=_now(), name=name.casefold(), ok=int(ok)))

    def sign_ins(self, name: str, since: datetime) -> list[tuple[datetime, bool]]:
        """The sign-in attempts of one user name since a moment, oldest first."""
        with self._engine.connect() as db:
            rows = db.execute(select(store.sign_ins.c.created_at, store.sign_ins.c.ok)
                              .where(store.sign_ins.c.name == name.casefold(),
                                     store.sign_ins.c.created_at >= since.isoformat(timespec="seconds"))
                              .order_by(store.sign_ins.c.id)).all()
        return [(datetime.fromisoformat(when), bool(ok)) for when, ok in rows]

    # --- settings and recognition corrections ---------------------------------------------------
    def _setting(self, name: str) -> str | None:
        with self._engine.connect() as db:
            return db.execute(select(store.settings.c.value).where(store.settings.c.name == name)).scalar()

    def _save_setting(self, name: str, value: str) -> None:
        with self._engine.begin() as db:
            db.execute(upsert(self._engine, store.settings, "name", {"name": name, "value": value}))

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

    def themes(self) -> ThemeDictionary:
        """The feedback theme dictionary of this workspace (the shipped one until edited)."""
        return ThemeDictionary.from_json(self._setting(_THEMES))

    def save_themes(self, dictionary: ThemeDictionary, user: Actor = LOCAL_USER) -> None:
        require(user, "settings")
        self._save_setting(_THEMES, dictionary.to_json())

    # --- the edit journal --------------------------------------------------------------------
    def append_edits(self, upload_id: int, user: str, edits: Sequence[dict[str, str | None]],
                     expected: Version | None = None) -> bool:
        """Append edits (op, sheet, key, field, old, new) to the journal in one transaction.

        With ``expected``, the edits go in only while the workspace is still at that version
        (they were checked against it); otherwise nothing is written and False comes back.
        The upload's row is locked first, so appends from several app instances on one
        PostgreSQL database (or several processes on one SQLite file) take turns.
        """
        with self._engine.begin() as db:
            self._lock(db, upload_id)
            if expected is not None and self._version(db) != expected:
                return False
            now = _now()
            db.execute(insert(store.journal),
                       [{"created_at": now, "user": user, "upload_id": upload_id, "op": e["op"], "sheet": e["sheet"],
                         "key": e["key"], "field": e.get("field"), "old": e.get("old"), "new": e.get("new")}
                        for e in edits])
        return True

    @staticmethod
    def _lock(db: Connection, upload_id: int) -> None:
        """Take the write lock for an upload's journal (a no-op update: a row lock, or SQLite's write lock)."""
        db.execute(update(store.uploads).where(store.uploads.c.id == upload_id)
                   .values(snapshot_rev=store.uploads.c.snapshot_rev))

    def journal(self, upload_id: int) -> pd.DataFrame:
        """The edits in force on top of one upload, oldest first (undone ones left out)."""
        j = store.journal
        with self._engine.connect() as db:
            rows = db.execute(select(*(j.c[c] for c in JOURNAL_COLUMNS))
                              .where(j.c.upload_id == upload_id, j.c.undone_at.is_(None)).order_by(j.c.id)).all()
        return pd.DataFrame([tuple(row) for row in rows], columns=JOURNAL_COLUMNS)

    def history(self, upload_id: int) -> pd.DataFrame:
        """Every edit on top of one upload, newest first, with who undid it and when (if anyone did)."""
        j = store.journal
        columns = [*JOURNAL_COLUMNS, "undone_at", "undone_by"]
        with self._engine.connect() as db:
            rows = db.execute(select(*(j.c[c] for c in columns)).where(j.c.upload_id == upload_id)
                              .order_by(j.c.id.desc())).all()
        return pd.DataFrame([tuple(row) for row in rows], columns=columns)

    def undo(self, upload_id: int, entry_id: int | None, user: Actor) -> str | None:
        """Undo one edit (the last one in force when ``entry_id`` is None); None when done, else why not.

        An edit can be undone while nothing later depends on it: no later edit in force
        touches the same cell (or, for an added or deleted row, the same row).
        """
        name = require(user, "undo").name
        j = store.journal
        with self._engine.begin() as db:
            self._lock(db, upload_id)
            active = db.execute(select(j.c.id, j.c.sheet, j.c.key, j.c.field, j.c.op)
                                .where(j.c.upload_id == upload_id, j.c.undone_at.is_(None)).order_by(j.c.id)).all()
            if not active:
                return "undo_nothing"
            entry = active[-1] if entry_id is None else next((row for row in active if row[0] == entry_id), None)
            if entry is None:
                return "undo_gone"
            later = [row for row in active if row[0] > entry[0] and row[1] == entry[1] and row[2] == entry[2]]
            if any(entry[4] != "set" or row[4] != "set" or row[3] == entry[3] for row in later):
                return "undo_depends"
            db.execute(update(j).where(j.c.id == entry[0]).values(undone_at=_now(), undone_by=name))
        return None

    def version(self) -> Version:
        """(latest upload, snapshot revision, last journal id, undone edits): changes whenever the register does."""
        with self._engine.connect() as db:
            return self._version(db)

    @staticmethod
    def _version(db: Connection) -> Version:
        upload = db.execute(select(store.uploads.c.id, store.uploads.c.snapshot_rev)
                            .order_by(store.uploads.c.id.desc()).limit(1)).first()
        if upload is None:
            return (0, 0, 0, 0)
        j = store.journal
        head = db.execute(select(func.coalesce(func.max(j.c.id), 0), func.count(j.c.undone_at))
                          .where(j.c.upload_id == upload[0])).one()
        return (int(upload[0]), int(upload[1]), int(head[0]), int(head[1]))


def _upload(row: tuple) -> Upload:
    return Upload(int(row[0]), datetime.fromisoformat(row[1]), row[2], row[3], int(row[4]), row[5], int(row[6]))


def import_workbook(workspace: Workspace, file_name: str, data: bytes, user: Actor = LOCAL_USER,
                    progress: Progress = no_progress, as_of: date | None = None) -> Current:
    """Read, recognise and check a workbook, then keep it as the newest version.

    Raises WorkbookError or RegisterError before anything is stored, so a file that cannot
    be read leaves the current register exactly as it was; NotAllowed for a viewer.
    """
    name = require(user, "upload").name
    progress(0.05, "progress.reading")
    sheets = read_workbook(data, file_name)
    progress(0.55, "progress.recognising")
    register, problems = build_register(sheets, workspace.overrides(), as_of)
    progress(0.85, "progress.saving")
    _take_carried_settings(workspace, sheets, name)
    remember_opt_outs(workspace, register)
    upload = workspace.store_upload(file_name, data, name, register_to_parts(register, problems),
                                    MappingOverrides(columns=mapping_table(register)).to_json())
    progress(1.0, "progress.done")
    version = workspace.version()
    return Current(register, problems, upload, 0, version, register, workspace.journal(upload.id),
                   suppressed_customers(workspace, register, version))


def _app_sheet(sheets: list[RawSheet], name: str) -> pd.DataFrame | None:
    """One of the app's own sheets from an earlier export as a frame (its first row the header)."""
    raw = next((sheet for sheet in sheets if sheet.name.casefold() == name.casefold()), None)
    if raw is None or raw.cells.empty:
        return None
    header = [str(value).strip().lower() if isinstance(value, str) else "" for value in raw.cells.iloc[0]]
    return pd.DataFrame(raw.cells.iloc[1:].to_numpy(), columns=header)


def _take_carried_settings(workspace: Workspace, sheets: list[RawSheet], user: Actor) -> None:
    """A workbook exported by the app carries its theme dictionary and settings: keep them."""
    themes = _app_sheet(sheets, THEMES_SHEET)
    if themes is not None and {"theme", "language", "words"} <= set(themes.columns):
        dictionary = ThemeDictionary.from_frame(themes.reindex(columns=["theme", "element", "language", "words",
                                                                      "exclude"]))
        if dictionary.themes:
            workspace.save_themes(dictionary, user)
    settings = _app_sheet(sheets, SETTINGS_SHEET)
    if settings is not None and {"setting", "value"} <= set(settings.columns):
        workspace.save_settings(Settings.from_frame(settings), user)


def current_register(workspace: Workspace) -> Current | None:
    """The register as it stands: latest upload's snapshot with its journal replayed."""
    version = workspace.version()
    upload = workspace.upload(version[0]) if version[0] else None
    if upload is None:
        return None
    register, problems = register_from_parts(workspace.snapshot_parts(upload.id))
    edits = workspace.journal(upload.id)
    now = apply_edits(register, edits)
    return Current(now, problems, upload, len(edits), version, register, edits,
                   suppressed_customers(workspace, now, version))


def updated_workbook(workspace: Workspace, current: Current, computed: pd.DataFrame | None = None,
                     progress: Progress = no_progress, carry_settings: bool = False,
                     user: Actor = LOCAL_USER) -> WriteResult:
    """The current register written back into the user's own workbook (see lib.writeback).

    ``carry_settings`` adds the theme dictionary and the settings as sheets of their own, so
    they travel with the workbook and come back when it is uploaded again. The workbook holds
    personal data: only an editor gets it (NotAllowed otherwise).
    """
    require(user, "export_personal")
    data = workspace.upload_data(current.upload.id)
    carried = ({THEMES_SHEET: workspace.themes().to_frame(), SETTINGS_SHEET: workspace.settings().to_frame()}
               if carry_settings else None)
    return write_back(data, current.upload.file_name, current.original, current.register, current.journal,
                      workspace.overrides(), computed, progress, app_sheets=carried)


def correct_mapping(workspace: Workspace, correction: MappingOverrides, as_of: date | None = None,
                    user: Actor = LOCAL_USER) -> Current | None:
    """Remember a recognition correction and re-read the current upload with it."""
    require(user, "upload")
    overrides = workspace.overrides().merged(correction)
    upload = workspace.latest_upload()
    if upload is None:
        workspace.save_overrides(overrides)
        return None
    sheets = read_workbook(workspace.upload_data(upload.id), upload.file_name)
    register, problems = build_register(sheets, overrides, as_of)  # raises before anything is saved
    workspace.save_overrides(overrides)
    workspace.replace_snapshot(upload.id, register_to_parts(register, problems),
                               MappingOverrides(columns=mapping_table(register)).to_json())
    return current_register(workspace)


def save_changes(workspace: Workspace, changes: list[dict], user: Actor = LOCAL_USER) -> Review:
    """Check changes against the register as it stands now and keep the valid ones in the journal.

    The register is read fresh (not from a page's copy), so a change made meanwhile in
    another browser turns a stale edit into a refused conflict. The accepted edits are
    appended only if nobody wrote in between (on any app instance); otherwise they are
    checked again against the newer register. Only an editor may save (NotAllowed otherwise).
    """
    name = require(user, "edit").name
    for _ in range(_SAVE_ATTEMPTS):
        now = current_register(workspace)
        if now is None:
            return Review([], [])
        review = review_changes(now.register, changes)
        if not review.accepted:
            return review
        if workspace.append_edits(now.upload.id, name, review.accepted, expected=now.version):
            if any(change.get("field") == "opted_out_at" for change in review.accepted):
                remember_opt_outs(workspace, current_register(workspace).register)  # type: ignore[union-attr]
            return review
    raise BusyError("save_busy")


def forget_customer(workspace: Workspace, customer_id: str, user: Actor = LOCAL_USER) -> int:
    """Erase a person from the workspace: every stored upload, its snapshot, and the journal.

    Their cells are emptied in every upload version (rows keep their numbers), their journal
    entries deleted, their e-mail and phone kept only as salted hashes on the suppression
    list, and the file rebuilt so nothing lingers. The event is logged with counts only.
    Returns how many upload versions held the person. Only an editor may erase.
    """
    who = require(user, "erase").name
    salt = workspace.salt()
    overrides = workspace.overrides()
    found = 0
    for upload in workspace.uploads():
        original, _ = register_from_parts(workspace.snapshot_parts(upload.id))
        journal = workspace.journal(upload.id)
        edited = apply_edits(original, journal)
        people = [r for r in (original, edited) if (r.customers["customer_id"] == customer_id).any()]
        removed = workspace.delete_journal_rows(upload.id, journal_keys_of(edited, journal, customer_id))
        if not people and not removed:
            continue
        found += 1
        identifiers: set[str] = set()
        for register in people:
            person = register.customers[register.customers["customer_id"] == customer_id]
            workspace.suppress(identity_hashes(person["email"], person["phone"], salt), "erased")
            identifiers |= {str(v) for column in ("email", "phone", "name") for v in person[column].dropna()}
        changes = blanking_changes(original, customer_id)
        if not changes:
            continue
        data = workspace.upload_data(upload.id)
        name = upload.file_name
        if data.startswith(b"PK"):
            try:
                data = blank_in_xlsx(data, changes, identifiers)
            except PatchUnsupported:  # a workbook the fast patcher cannot edit: the slower safe way
                data = scrub_parts(safe_xlsx(data, Plan(sheets=changes), keep_vba=name.lower().endswith(".xlsm")),
                                   identifiers)
        else:  # csv, xls, ods: kept from now on as an xlsx with the same sheets
            data = clean_xlsx(blank_in_sheets(read_workbook(data, name), changes), Plan())
            name = f"{PurePath(name).stem}.xlsx"
        register, problems = build_register(read_workbook(data, name), overrides, check=True)
        workspace.rewrite_upload(upload.id, name, data, register_to_parts(register, problems),
                                 MappingOverrides(columns=mapping_table(register)).to_json())
    workspace.log_event(who, "erasure", json.dumps({"upload_versions": found}))
    workspace.compact()
    return found


def suppressed_customers(workspace: Workspace, register: Register, version: Version | None = None) -> frozenset[str]:
    """Customers of a register whose e-mail or phone is on the suppression list (erased or opted out).

    With the register's ``version`` the answer is kept in the workspace until the register or
    the list changes, so reopening a large register does not hash every customer again.
    """
    count = workspace.suppressed_count()
    if not count:
        return frozenset()
    key = json.dumps([*version, count]) if version else None
    if key and (cached := workspace.cached_suppression(key)) is not None:
        return frozenset(cached)
    found = customers_on_list(register.customers, workspace.salt(), workspace.suppressed())
    if key:
        workspace.cache_suppression(key, list(found))
    return found


def remember_opt_outs(workspace: Workspace, register: Register) -> None:
    """Put everyone who opted out on the suppression list, so an older workbook cannot bring them back."""
    out = register.customers[register.customers["opted_out_at"].notna()]
    if len(out):
        workspace.suppress(identity_hashes(out["email"], out["phone"], workspace.salt()), "opted_out")
