"""Writing an erasure: everything it changes in one transaction, then a store with nothing left behind."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete, func, insert, select, tuple_, update

from lib.workspace import store
from lib.workspace.base import StoreBase, timestamp
from lib.workspace.store import insert_ignoring_duplicates


@dataclass(frozen=True)
class Rewrite:
    """An upload's new bytes and snapshot after an erasure."""

    upload_id: int
    file_name: str
    data: bytes
    parts: dict[str, bytes]
    mapping_json: str


@dataclass(frozen=True)
class Erasure:
    """Everything erasing one person changes, worked out before anything is written."""

    hashes: set[str]
    journal_keys: dict[int, set[tuple[str, str]]]
    """Upload id → the (sheet kind, key) rows whose journal entries go; every upload that held the person."""
    rewrites: list[Rewrite]


class Erasures(StoreBase):
    """The store's side of forgetting a person (the service works out what changes)."""

    def journal_rows_on(self, upload_id: int, keys: set[tuple[str, str]]) -> int:
        """How many journal entries (in force or undone) touch the given (sheet kind, key) rows."""
        if not keys:
            return 0
        table = store.journal
        with self._engine.connect() as db:
            return int(
                db.execute(
                    select(func.count()).where(
                        table.c.upload_id == upload_id,
                        tuple_(table.c.sheet, table.c.key).in_(sorted(keys)),
                    )
                ).scalar_one()
            )

    def apply_erasure(self, erasure: Erasure, user: str) -> None:
        """Everything an erasure changes, in one transaction: it all happens, or nothing does.

        The person's hashes go on the suppression list, their journal entries are deleted, each
        upload that held them gets its blanked bytes and a new snapshot (bytes nobody refers to
        any more are deleted), and the event is logged with counts only.
        """
        now = timestamp()
        with self._engine.begin() as db:
            if erasure.hashes:
                db.execute(
                    insert_ignoring_duplicates(self._engine, store.suppressed),
                    [{"hash": h, "reason": "erased", "created_at": now} for h in sorted(erasure.hashes)],
                )
            for upload_id, keys in erasure.journal_keys.items():
                for sheet, key in sorted(keys):
                    db.execute(
                        delete(store.journal).where(
                            store.journal.c.upload_id == upload_id,
                            store.journal.c.sheet == sheet,
                            store.journal.c.key == key,
                        )
                    )
            for rewrite in erasure.rewrites:
                self._rewrite_upload(db, rewrite)
            db.execute(delete(store.text_readings))  # they hold words of the person's feedback too
            db.execute(
                insert(store.events).values(
                    created_at=now,
                    user=user,
                    kind="erasure",
                    detail=json.dumps({"upload_versions": len(erasure.journal_keys)}),
                )
            )

    def _rewrite_upload(self, db: Connection, rewrite: Rewrite) -> None:
        digest = hashlib.sha256(rewrite.data).hexdigest()
        uploads = store.uploads
        old = db.execute(select(uploads.c.sha256).where(uploads.c.id == rewrite.upload_id)).scalar_one()
        db.execute(insert_ignoring_duplicates(self._engine, store.blobs), {"sha256": digest, "data": rewrite.data})
        db.execute(
            update(uploads)
            .where(uploads.c.id == rewrite.upload_id)
            .values(
                data=b"",
                file_name=rewrite.file_name,
                size=len(rewrite.data),
                sha256=digest,
                mapping_json=rewrite.mapping_json,
                snapshot_rev=uploads.c.snapshot_rev + 1,
            )
        )
        if not db.execute(select(func.count()).where(uploads.c.sha256 == old)).scalar_one():
            db.execute(delete(store.blobs).where(store.blobs.c.sha256 == old))
        db.execute(delete(store.snapshots).where(store.snapshots.c.upload_id == rewrite.upload_id))
        db.execute(
            insert(store.snapshots),
            [{"upload_id": rewrite.upload_id, "name": name, "data": blob} for name, blob in rewrite.parts.items()],
        )

    compact_attempts = 20
    """How often a busy log is tried again, a quarter second apart: a page run is over well within that."""

    def compact(self) -> bool:
        """Rebuild the store so deleted data lingers nowhere (SQLite: VACUUM and an emptied write-ahead log).

        A reader that is still open (another browser mid-page) can keep the log from being emptied:
        it is tried again for a few seconds. Returns whether the log is empty now.
        """
        if not self.is_sqlite:
            with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
                for table in ("uploads", "blobs", "snapshots", "journal", "text_readings"):
                    db.exec_driver_sql(f"VACUUM FULL {table}")
            return True
        assert self.path is not None
        for _ in range(self.compact_attempts):
            # A connection of its own with a short wait per try (the loop is the wait), never the pool's.
            connection = sqlite3.connect(self.path, timeout=0.25, isolation_level=None)
            try:
                connection.execute("VACUUM")
                busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            except sqlite3.OperationalError:  # locked by a writer or reader for the moment
                busy = 1
            finally:
                connection.close()
            log = Path(f"{self.path}-wal")
            if not busy and (not log.exists() or log.stat().st_size == 0):
                return True
            time.sleep(0.25)
        return False
