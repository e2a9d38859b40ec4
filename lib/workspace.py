"""The workspace: every upload and every edit of one business, kept in one SQLite file.

The current register is the latest upload (its parsed snapshot) with the edit journal
replayed on top, so a refresh, a crash, a restart or a second browser loses nothing and
sees the same register. The folder is ``./workspace`` unless ``LADDER_WORKSPACE`` says
otherwise. WAL mode lets readers carry on while an upload is being saved.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePath

import pandas as pd

from lib.edits import Review, review_changes
from lib.erasure import (
    blank_in_sheets,
    blank_in_xlsx,
    blanking_changes,
    hashes_by_customer,
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
from lib.workbook import RawSheet, read_workbook
from lib.writeback import Plan, Progress, WriteResult, clean_xlsx, no_progress, safe_xlsx
from lib.writeback import updated_workbook as write_back
from lib.xlsx_patch import PatchUnsupported

DEFAULT_FOLDER = Path("workspace")
FILE_NAME = "ladder.sqlite"
LOCAL_USER = "local"
"""Who made a change when the app runs on one person's laptop without sign-in."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    user TEXT NOT NULL,
    file_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    mapping_json TEXT NOT NULL DEFAULT '{}',
    snapshot_rev INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE IF NOT EXISTS snapshots (
    upload_id INTEGER NOT NULL REFERENCES uploads(id),
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (upload_id, name)
);
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    user TEXT NOT NULL,
    upload_id INTEGER NOT NULL REFERENCES uploads(id),
    op TEXT NOT NULL CHECK (op IN ('set', 'add', 'delete')),
    sheet TEXT NOT NULL,
    key TEXT NOT NULL,
    field TEXT,
    old TEXT,
    new TEXT,
    undone_at TEXT,
    undone_by TEXT
);
CREATE INDEX IF NOT EXISTS journal_by_upload ON journal(upload_id, id);
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS suppressed (
    hash TEXT PRIMARY KEY,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exports (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    user TEXT NOT NULL,
    kind TEXT NOT NULL,
    selection TEXT NOT NULL,
    people INTEGER NOT NULL,
    pseudonyms TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    user TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
);
"""
Version = tuple[int, int, int, int]
"""(latest upload, its snapshot revision, last journal id, undone entries): what every cache is keyed on."""
_OVERRIDES = "mapping_overrides"
_SETTINGS = "analysis_settings"
_SALT = "identity_salt"
_THEMES = "theme_dictionary"
JOURNAL_COLUMNS = ["id", "created_at", "user", "op", "sheet", "key", "field", "old", "new"]


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


def workspace_folder() -> Path:
    """Where the workspace lives: ``LADDER_WORKSPACE``, else ./workspace."""
    return Path(os.environ.get("LADDER_WORKSPACE") or DEFAULT_FOLDER)


class Workspace:
    """One business's workspace folder holding its SQLite file."""

    def __init__(self, folder: Path | str | None = None) -> None:
        self.folder = Path(folder) if folder else workspace_folder()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / FILE_NAME
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(journal)")}
            for column in ("undone_at", "undone_by"):  # workspaces made before undo existed
                if column not in columns:
                    db.execute(f"ALTER TABLE journal ADD COLUMN {column} TEXT")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """A short-lived connection per operation: safe across Streamlit's script threads."""
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA secure_delete=ON")  # deleted personal data is overwritten, not left in free pages
            with db:
                yield db
        finally:
            db.close()

    # --- uploads ---------------------------------------------------------------------------
    def store_upload(self, file_name: str, data: bytes, user: str, parts: dict[str, bytes],
                     mapping_json: str) -> Upload:
        """Keep an upload (bytes, hash, name, time, who) with its parsed snapshot, atomically."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO uploads (created_at, user, file_name, size, sha256, data, mapping_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (now, user, file_name, len(data), hashlib.sha256(data).hexdigest(), data, mapping_json),
            )
            upload_id = int(cursor.lastrowid or 0)
            db.executemany("INSERT INTO snapshots (upload_id, name, data) VALUES (?, ?, ?)",
                           [(upload_id, name, blob) for name, blob in parts.items()])
        upload = self.upload(upload_id)
        assert upload is not None
        return upload

    def replace_snapshot(self, upload_id: int, parts: dict[str, bytes], mapping_json: str) -> None:
        """Store a new parse of an upload (after a mapping correction); bumps its revision."""
        with self._connect() as db:
            db.execute("DELETE FROM snapshots WHERE upload_id = ?", (upload_id,))
            db.executemany("INSERT INTO snapshots (upload_id, name, data) VALUES (?, ?, ?)",
                           [(upload_id, name, blob) for name, blob in parts.items()])
            db.execute("UPDATE uploads SET snapshot_rev = snapshot_rev + 1, mapping_json = ? WHERE id = ?",
                       (mapping_json, upload_id))

    def upload(self, upload_id: int) -> Upload | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, created_at, user, file_name, size, sha256, snapshot_rev FROM uploads WHERE id = ?",
                (upload_id,),
            ).fetchone()
        return _upload(row) if row else None

    def latest_upload(self) -> Upload | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT id, created_at, user, file_name, size, sha256, snapshot_rev FROM uploads"
                " ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return _upload(row) if row else None

    def uploads(self) -> list[Upload]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT id, created_at, user, file_name, size, sha256, snapshot_rev FROM uploads ORDER BY id"
            ).fetchall()
        return [_upload(row) for row in rows]

    def upload_data(self, upload_id: int) -> bytes:
        with self._connect() as db:
            row = db.execute("SELECT data FROM uploads WHERE id = ?", (upload_id,)).fetchone()
        return bytes(row[0])

    def snapshot_parts(self, upload_id: int) -> dict[str, bytes]:
        with self._connect() as db:
            rows = db.execute("SELECT name, data FROM snapshots WHERE upload_id = ?", (upload_id,)).fetchall()
        return {name: bytes(blob) for name, blob in rows}

    # --- erasure and the suppression list -----------------------------------------------------
    def salt(self) -> str:
        """This workspace's secret salt for identity hashes (made on first use)."""
        salt = self._setting(_SALT)
        if salt is None:
            salt = secrets.token_hex(16)
            self._save_setting(_SALT, salt)
        return salt

    def suppress(self, hashes: set[str], reason: str) -> None:
        """Keep identity hashes of people who must never reach a mailing list again."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            db.executemany("INSERT OR IGNORE INTO suppressed (hash, reason, created_at) VALUES (?, ?, ?)",
                           [(h, reason, now) for h in sorted(hashes)])

    def suppressed(self) -> set[str]:
        with self._connect() as db:
            return {row[0] for row in db.execute("SELECT hash FROM suppressed")}

    def log_event(self, user: str, kind: str, detail: str) -> None:
        """A workspace event (an erasure) without personal data: who, when, what kind, counts."""
        with self._connect() as db:
            db.execute("INSERT INTO events (created_at, user, kind, detail) VALUES (?, ?, ?, ?)",
                       (datetime.now(UTC).isoformat(timespec="seconds"), user, kind, detail))

    def log_export(self, user: str, kind: str, selection: str, customer_ids: Sequence[str]) -> None:
        """Record an export: who, when, what kind and selection, how many people — as pseudonyms only."""
        salt = self.salt()
        pseudonyms = [hashlib.sha256(f"{salt}:id:{cid}".encode()).hexdigest()[:12] for cid in customer_ids]
        with self._connect() as db:
            db.execute("INSERT INTO exports (created_at, user, kind, selection, people, pseudonyms)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (datetime.now(UTC).isoformat(timespec="seconds"), user, kind, selection, len(pseudonyms),
                        json.dumps(pseudonyms)))

    def exports(self) -> pd.DataFrame:
        """The export log, newest first."""
        with self._connect() as db:
            rows = db.execute("SELECT created_at, user, kind, selection, people FROM exports ORDER BY id DESC").fetchall()
        return pd.DataFrame(rows, columns=["created_at", "user", "kind", "selection", "people"])

    def events(self) -> pd.DataFrame:
        with self._connect() as db:
            rows = db.execute("SELECT created_at, user, kind, detail FROM events ORDER BY id").fetchall()
        return pd.DataFrame(rows, columns=["created_at", "user", "kind", "detail"])

    def rewrite_upload(self, upload_id: int, file_name: str, data: bytes, parts: dict[str, bytes],
                       mapping_json: str) -> None:
        """Replace an upload's bytes and snapshot (after an erasure), keeping its place and journal."""
        with self._connect() as db:
            db.execute("UPDATE uploads SET data = ?, file_name = ?, size = ?, sha256 = ? WHERE id = ?",
                       (data, file_name, len(data), hashlib.sha256(data).hexdigest(), upload_id))
        self.replace_snapshot(upload_id, parts, mapping_json)

    def delete_journal_rows(self, upload_id: int, keys: set[tuple[str, str]]) -> int:
        """Remove every journal entry (in force or undone) on the given (sheet kind, key) rows."""
        with self._connect() as db:
            before = db.total_changes
            db.executemany("DELETE FROM journal WHERE upload_id = ? AND sheet = ? AND key = ?",
                           [(upload_id, sheet, key) for sheet, key in keys])
            return db.total_changes - before

    def compact(self) -> None:
        """Rebuild the file and empty the write-ahead log, so deleted data lingers nowhere."""
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA secure_delete=ON")
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            db.close()

    # --- settings and recognition corrections ---------------------------------------------------
    def _setting(self, name: str) -> str | None:
        with self._connect() as db:
            row = db.execute("SELECT value FROM settings WHERE name = ?", (name,)).fetchone()
        return row[0] if row else None

    def _save_setting(self, name: str, value: str) -> None:
        with self._connect() as db:
            db.execute("INSERT INTO settings (name, value) VALUES (?, ?)"
                       " ON CONFLICT(name) DO UPDATE SET value = excluded.value", (name, value))

    def overrides(self) -> MappingOverrides:
        return MappingOverrides.from_json(self._setting(_OVERRIDES))

    def save_overrides(self, overrides: MappingOverrides) -> None:
        self._save_setting(_OVERRIDES, overrides.to_json())

    def settings(self) -> Settings:
        """The analysis thresholds chosen for this workspace (defaults until someone changes one)."""
        return Settings.from_json(self._setting(_SETTINGS))

    def save_settings(self, settings: Settings) -> None:
        self._save_setting(_SETTINGS, settings.to_json())

    def themes(self) -> ThemeDictionary:
        """The feedback theme dictionary of this workspace (the shipped one until edited)."""
        return ThemeDictionary.from_json(self._setting(_THEMES))

    def save_themes(self, dictionary: ThemeDictionary) -> None:
        self._save_setting(_THEMES, dictionary.to_json())

    # --- the edit journal --------------------------------------------------------------------
    def append_edits(self, upload_id: int, user: str, edits: Sequence[dict[str, str | None]]) -> None:
        """Append edits (op, sheet, key, field, old, new) to the journal in one transaction."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            db.executemany(
                "INSERT INTO journal (created_at, user, upload_id, op, sheet, key, field, old, new)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(now, user, upload_id, e["op"], e["sheet"], e["key"], e.get("field"), e.get("old"), e.get("new"))
                 for e in edits],
            )

    def journal(self, upload_id: int) -> pd.DataFrame:
        """The edits in force on top of one upload, oldest first (undone ones left out)."""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {', '.join(JOURNAL_COLUMNS)} FROM journal WHERE upload_id = ? AND undone_at IS NULL"
                " ORDER BY id", (upload_id,),
            ).fetchall()
        return pd.DataFrame(rows, columns=JOURNAL_COLUMNS)

    def history(self, upload_id: int) -> pd.DataFrame:
        """Every edit on top of one upload, newest first, with who undid it and when (if anyone did)."""
        columns = [*JOURNAL_COLUMNS, "undone_at", "undone_by"]
        with self._connect() as db:
            rows = db.execute(f"SELECT {', '.join(columns)} FROM journal WHERE upload_id = ? ORDER BY id DESC",
                              (upload_id,)).fetchall()
        return pd.DataFrame(rows, columns=columns)

    def undo(self, upload_id: int, entry_id: int | None, user: str) -> str | None:
        """Undo one edit (the last one in force when ``entry_id`` is None); None when done, else why not.

        An edit can be undone while nothing later depends on it: no later edit in force
        touches the same cell (or, for an added or deleted row, the same row).
        """
        with self._connect() as db:
            active = db.execute("SELECT id, sheet, key, field, op FROM journal WHERE upload_id = ? AND"
                                " undone_at IS NULL ORDER BY id", (upload_id,)).fetchall()
            if not active:
                return "undo_nothing"
            entry = active[-1] if entry_id is None else next((row for row in active if row[0] == entry_id), None)
            if entry is None:
                return "undo_gone"
            later = [row for row in active if row[0] > entry[0] and row[1] == entry[1] and row[2] == entry[2]]
            if any(entry[4] != "set" or row[4] != "set" or row[3] == entry[3] for row in later):
                return "undo_depends"
            db.execute("UPDATE journal SET undone_at = ?, undone_by = ? WHERE id = ?",
                       (datetime.now(UTC).isoformat(timespec="seconds"), user, entry[0]))
        return None

    def version(self) -> Version:
        """(latest upload, snapshot revision, last journal id, undone edits): changes whenever the register does."""
        with self._connect() as db:
            upload = db.execute("SELECT id, snapshot_rev FROM uploads ORDER BY id DESC LIMIT 1").fetchone()
            if upload is None:
                return (0, 0, 0, 0)
            head = db.execute("SELECT COALESCE(MAX(id), 0), COUNT(undone_at) FROM journal WHERE upload_id = ?",
                              (upload[0],)).fetchone()
        return (int(upload[0]), int(upload[1]), int(head[0]), int(head[1]))


def _upload(row: tuple) -> Upload:
    return Upload(int(row[0]), datetime.fromisoformat(row[1]), row[2], row[3], int(row[4]), row[5], int(row[6]))


def import_workbook(workspace: Workspace, file_name: str, data: bytes, user: str = LOCAL_USER,
                    progress: Progress = no_progress, as_of: date | None = None) -> Current:
    """Read, recognise and check a workbook, then keep it as the newest version.

    Raises WorkbookError or RegisterError before anything is stored, so a file that cannot
    be read leaves the current register exactly as it was.
    """
    progress(0.05, "progress.reading")
    sheets = read_workbook(data, file_name)
    progress(0.55, "progress.recognising")
    register, problems = build_register(sheets, workspace.overrides(), as_of)
    progress(0.85, "progress.saving")
    _take_carried_settings(workspace, sheets)
    remember_opt_outs(workspace, register)
    upload = workspace.store_upload(file_name, data, user, register_to_parts(register, problems),
                                    MappingOverrides(columns=mapping_table(register)).to_json())
    progress(1.0, "progress.done")
    return Current(register, problems, upload, 0, workspace.version(), register, workspace.journal(upload.id),
                   suppressed_customers(workspace, register))


def _app_sheet(sheets: list[RawSheet], name: str) -> pd.DataFrame | None:
    """One of the app's own sheets from an earlier export as a frame (its first row the header)."""
    raw = next((sheet for sheet in sheets if sheet.name.casefold() == name.casefold()), None)
    if raw is None or raw.cells.empty:
        return None
    header = [str(value).strip().lower() if isinstance(value, str) else "" for value in raw.cells.iloc[0]]
    return pd.DataFrame(raw.cells.iloc[1:].to_numpy(), columns=header)


def _take_carried_settings(workspace: Workspace, sheets: list[RawSheet]) -> None:
    """A workbook exported by the app carries its theme dictionary and settings: keep them."""
    themes = _app_sheet(sheets, THEMES_SHEET)
    if themes is not None and {"theme", "language", "words"} <= set(themes.columns):
        dictionary = ThemeDictionary.from_frame(themes.reindex(columns=["theme", "element", "language", "words",
                                                                      "exclude"]))
        if dictionary.themes:
            workspace.save_themes(dictionary)
    settings = _app_sheet(sheets, SETTINGS_SHEET)
    if settings is not None and {"setting", "value"} <= set(settings.columns):
        workspace.save_settings(Settings.from_frame(settings))


def current_register(workspace: Workspace) -> Current | None:
    """The register as it stands: latest upload's snapshot with its journal replayed."""
    version = workspace.version()
    upload = workspace.upload(version[0]) if version[0] else None
    if upload is None:
        return None
    register, problems = register_from_parts(workspace.snapshot_parts(upload.id))
    edits = workspace.journal(upload.id)
    now = apply_edits(register, edits)
    return Current(now, problems, upload, len(edits), version, register, edits, suppressed_customers(workspace, now))


def updated_workbook(workspace: Workspace, current: Current, computed: pd.DataFrame | None = None,
                     progress: Progress = no_progress, carry_settings: bool = False) -> WriteResult:
    """The current register written back into the user's own workbook (see lib.writeback).

    ``carry_settings`` adds the theme dictionary and the settings as sheets of their own, so
    they travel with the workbook and come back when it is uploaded again.
    """
    data = workspace.upload_data(current.upload.id)
    carried = ({THEMES_SHEET: workspace.themes().to_frame(), SETTINGS_SHEET: workspace.settings().to_frame()}
               if carry_settings else None)
    return write_back(data, current.upload.file_name, current.original, current.register, current.journal,
                      workspace.overrides(), computed, progress, app_sheets=carried)


def correct_mapping(workspace: Workspace, correction: MappingOverrides, as_of: date | None = None) -> Current | None:
    """Remember a recognition correction and re-read the current upload with it."""
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


def save_changes(workspace: Workspace, changes: list[dict], user: str = LOCAL_USER) -> Review:
    """Check changes against the register as it stands now and keep the valid ones in the journal.

    The register is read fresh (not from a page's copy), so a change made meanwhile in
    another browser turns a stale edit into a refused conflict.
    """
    now = current_register(workspace)
    if now is None:
        return Review([], [])
    review = review_changes(now.register, changes)
    if review.accepted:
        workspace.append_edits(now.upload.id, user, review.accepted)
        if any(change.get("field") == "opted_out_at" for change in review.accepted):
            remember_opt_outs(workspace, current_register(workspace).register)  # type: ignore[union-attr]
    return review


def forget_customer(workspace: Workspace, customer_id: str, user: str = LOCAL_USER) -> int:
    """Erase a person from the workspace: every stored upload, its snapshot, and the journal.

    Their cells are emptied in every upload version (rows keep their numbers), their journal
    entries deleted, their e-mail and phone kept only as salted hashes on the suppression
    list, and the file rebuilt so nothing lingers. The event is logged with counts only.
    Returns how many upload versions held the person.
    """
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
    workspace.log_event(user, "erasure", json.dumps({"upload_versions": found}))
    workspace.compact()
    return found


def suppressed_customers(workspace: Workspace, register: Register) -> frozenset[str]:
    """Customers of a register whose e-mail or phone is on the suppression list (erased or opted out)."""
    hashes = workspace.suppressed()
    if not hashes:
        return frozenset()
    by_customer = hashes_by_customer(register.customers, workspace.salt())
    return frozenset(str(cid) for cid, own in by_customer.items() if own & hashes)


def remember_opt_outs(workspace: Workspace, register: Register) -> None:
    """Put everyone who opted out on the suppression list, so an older workbook cannot bring them back."""
    out = register.customers[register.customers["opted_out_at"].notna()]
    if len(out):
        workspace.suppress(identity_hashes(out["email"], out["phone"], workspace.salt()), "opted_out")
