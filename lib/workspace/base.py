"""What every part of the workspace shares: the store's engine, its settings table, private files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select

from lib.workspace import store
from lib.workspace.store import upsert


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
