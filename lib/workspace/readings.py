"""The workspace's kept readings of feedback texts (see ``store.text_readings``)."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import delete, select

from lib.workspace import store
from lib.workspace.base import StoreBase, Version, version_of
from lib.workspace.store import insert_ignoring_duplicates


class TextReadings(StoreBase):
    def text_readings(self, seed: str) -> dict[str, str]:
        """Every kept reading under ``seed``: key → the reading as JSON."""
        table = store.text_readings
        with self._engine.connect() as db:
            rows = db.execute(select(table.c.key, table.c.reading).where(table.c.seed == seed))
            return {str(key): str(reading) for key, reading in rows}

    def keep_text_readings(self, seed: str, readings: Mapping[str, str], version: Version) -> bool:
        """Keep new readings under ``seed``, made from the register of ``version``; readings under any other
        seed (an older dictionary) are dropped. Nothing is kept, and False comes back, when the workspace has
        moved on meanwhile: the register read may hold someone erased since."""
        table = store.text_readings
        with self._engine.begin() as db:
            db.execute(delete(table).where(table.c.seed != seed))  # writing first: nothing commits meanwhile
            if version_of(db) != version:
                return False
            if readings:
                db.execute(
                    insert_ignoring_duplicates(self._engine, table),
                    [{"key": key, "seed": seed, "reading": reading} for key, reading in readings.items()],
                )
        return True
