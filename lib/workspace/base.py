"""What every part of the workspace shares: the store's engine, its settings table, private files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, func, select

from lib.workspace import store
from lib.workspace.store import upsert

Version = tuple[int, int, int, int, int]
"""(latest upload, its snapshot revision, last journal id, undone entries, erasures): what every cache is keyed on."""


def version_of(db: Connection) -> Version:
    """The workspace's version as ``db`` sees it (see `Version`)."""
    erasures = int(db.execute(select(func.count()).where(store.events.c.kind == "erasure")).scalar_one())
    upload = db.execute(
        select(store.uploads.c.id, store.uploads.c.snapshot_rev).order_by(store.uploads.c.id.desc()).limit(1)
    ).first()
    if upload is None:
        return (0, 0, 0, 0, erasures)
    j = store.journal
    head = db.execute(
        select(func.coalesce(func.max(j.c.id), 0), func.count(j.c.undone_at)).where(j.c.upload_id == upload[0])
    ).one()
    return (int(upload[0]), int(upload[1]), int(head[0]), int(head[1]), erasures)


def private_folder(folder: Path) -> Path:
    """A folder only its owner can enter (personal data lives in it)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)
    return folder


def private_file(path: Path) -> Path:
    """An empty file only its owner can read, made before personal data is written into it."""
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    return path


def timestamp() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StoreBase:
    """The workspace's engine and folder (set by `Workspace.__init__`) and its settings table."""

    folder: Path
    path: Path | None
    """The SQLite file (None on PostgreSQL)."""
    is_sqlite: bool
    _engine: Engine
    _key: bytes | None

    def _setting(self, name: str) -> str | None:
        with self._engine.connect() as db:
            return db.execute(select(store.settings.c.value).where(store.settings.c.name == name)).scalar()

    def _save_setting(self, name: str, value: str) -> None:
        with self._engine.begin() as db:
            db.execute(upsert(self._engine, store.settings, "name", {"name": name, "value": value}))
