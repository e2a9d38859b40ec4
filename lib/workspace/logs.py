"""The workspace's logs: the exports handed out (as pseudonyms), events such as erasures, and sign-in
attempts for the rate limit. None holds personal data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import insert, select

from lib.workspace import store
from lib.workspace.access import Actor, require
from lib.workspace.base import timestamp
from lib.workspace.identity import IdentityKeys


class Logs(IdentityKeys):
    def log_event(self, user: str, kind: str, detail: str) -> None:
        """A workspace event (an erasure) without personal data: who, when, what kind, counts."""
        with self._engine.begin() as db:
            db.execute(insert(store.events).values(created_at=timestamp(), user=user, kind=kind, detail=detail))

    def log_export(self, user: Actor, kind: str, selection: str, customer_ids: Sequence[str]) -> None:
        """Record an export: who, when, what kind and selection, how many people — as pseudonyms only."""
        user = require(user, "export_personal").name
        salt = self.salt()
        pseudonyms = [hashlib.sha256(f"{salt}:id:{cid}".encode()).hexdigest()[:12] for cid in customer_ids]
        with self._engine.begin() as db:
            db.execute(
                insert(store.exports).values(
                    created_at=timestamp(),
                    user=user,
                    kind=kind,
                    selection=selection,
                    people=len(pseudonyms),
                    pseudonyms=json.dumps(pseudonyms),
                )
            )

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

    # --- sign-in attempts ---------------------------------------------------------------------
    def record_sign_in(self, name: str, ok: bool) -> None:
        """Remember a sign-in attempt (the user name, never the password) for the rate limit."""
        with self._engine.begin() as db:
            db.execute(insert(store.sign_ins).values(created_at=timestamp(), name=name.casefold(), ok=int(ok)))

    def sign_ins(self, name: str, since: datetime) -> list[tuple[datetime, bool]]:
        """The sign-in attempts of one user name since a moment, oldest first."""
        with self._engine.connect() as db:
            rows = db.execute(
                select(store.sign_ins.c.created_at, store.sign_ins.c.ok)
                .where(
                    store.sign_ins.c.name == name.casefold(),
                    store.sign_ins.c.created_at >= since.isoformat(timespec="seconds"),
                )
                .order_by(store.sign_ins.c.id)
            ).all()
        return [(datetime.fromisoformat(when), bool(ok)) for when, ok in rows]
