"""Where a workspace keeps its data: one SQLite file by default, or a PostgreSQL database for a team.

The tables are the same on both; `open_store` gives an engine that behaves the same way
(foreign keys on, deleted data overwritten in SQLite, a write-ahead log so readers carry on
while an upload is saved). PostgreSQL lets several app instances behind a load balancer share
one workspace; the journal's conflict rule then holds across them because every append locks
the upload's row first (see `Workspace.append_edits`).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    CheckConstraint,
    Column,
    Engine,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    make_url,
    text,
)

FILE_NAME = "ladder.sqlite"
"""An SQLAlchemy URL (``postgresql+psycopg://user:password@host/db``) that replaces the SQLite file."""

metadata = MetaData()

uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("file_name", Text, nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
    Column("mapping_json", Text, nullable=False, server_default="{}"),
    Column("snapshot_rev", Integer, nullable=False, server_default="1"),
)
blobs = Table(
    "blobs",
    metadata,
    Column("sha256", Text, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
"""Uploaded files' bytes, one copy per content: the same file uploaded again is stored once.
(Uploads made before this table keep their bytes in ``uploads.data``; newer ones leave it empty.)"""
snapshots = Table(
    "snapshots",
    metadata,
    Column("upload_id", Integer, ForeignKey("uploads.id"), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
journal = Table(
    "journal",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    Column("op", Text, nullable=False),
    Column("sheet", Text, nullable=False),
    Column("key", Text, nullable=False),
    Column("field", Text),
    Column("old", Text),
    Column("new", Text),
    Column("undone_at", Text),
    Column("undone_by", Text),
    CheckConstraint("op IN ('set', 'add', 'delete')", name="journal_op"),
)
Index("journal_by_upload", journal.c.upload_id, journal.c.id)
settings = Table(
    "settings",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
)
suppressed = Table(
    "suppressed",
    metadata,
    Column("hash", Text, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)
consents = Table(
    "consent_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("given", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Column("hashes", LargeBinary, nullable=False),
)
"""When and how consent was given or withdrawn, per channel: one row per change (an edit, or every "no" of
an upload), holding the identity hashes it concerns as 32-byte digests side by side (never an address)."""
exports = Table(
    "exports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("selection", Text, nullable=False),
    Column("people", Integer, nullable=False),
    Column("pseudonyms", Text, nullable=False),
)
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("user", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("detail", Text, nullable=False),
)
sign_ins = Table(
    "sign_ins",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("ok", Integer, nullable=False),
)

text_readings = Table(
    "text_readings",
    metadata,
    Column("key", Text, primary_key=True),
    Column("seed", Text, nullable=False),
    Column("reading", Text, nullable=False),
)
"""What each feedback text says (language, themes, polarity) under the theme dictionary ``seed`` names, keyed
by a digest of the text: read once, at import, and kept, so a restart or a re-upload reads only new texts.
Emptied by an erasure (a reading holds the words of the text that matched a theme)."""


def store_url(folder: Path) -> str:
    """The SQLite store of a workspace folder."""
    return f"sqlite:///{(folder / FILE_NAME).resolve()}"


def open_store(url: str) -> Engine:
    """An engine on the store with its tables in place (created on first use, older SQLite files upgraded)."""
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")  # deleted personal data is overwritten, not left in free pages
            cursor.close()

        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    else:
        engine = create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    _upgrade(engine)
    return engine


def _upgrade(engine: Engine) -> None:
    """Columns added since a workspace was made (undo arrived after the first workspaces)."""
    present = {column["name"] for column in inspect(engine).get_columns("journal")}
    with engine.begin() as connection:
        for column in ("undone_at", "undone_by"):
            if column not in present:
                connection.execute(text(f"ALTER TABLE journal ADD COLUMN {column} TEXT"))


def insert_ignoring_duplicates(engine: Engine, table: Table):
    """An INSERT that skips rows whose primary key is already there (both databases)."""
    dialect = _dialect(engine)
    return dialect.insert(table).on_conflict_do_nothing()


def upsert(engine: Engine, table: Table, key: str, values: dict):
    """An INSERT that replaces the other columns when the key is already there (both databases)."""
    dialect = _dialect(engine)
    statement = dialect.insert(table).values(**values)
    return statement.on_conflict_do_update(
        index_elements=[key], set_={name: statement.excluded[name] for name in values if name != key}
    )


def _dialect(engine: Engine):
    """The dialect module with the ON CONFLICT insert (imported when first needed)."""
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite


def public_url(url: str) -> str:
    """The store's address without its password: safe to show and to key caches on."""
    return make_url(url).render_as_string(hide_password=True)
