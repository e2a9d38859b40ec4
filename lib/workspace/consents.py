"""The consent record: when and how consent was given or withdrawn, per channel, by identity hash."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select

from lib.workspace import store
from lib.workspace.base import StoreBase, timestamp

_WITHDRAWN_IDS = "withdrawn_ids"


def unpacked(packed: bytes) -> list[str]:
    """The 32-byte digests packed side by side in a consent row, as hex."""
    text = packed.hex()
    return [text[i : i + 64] for i in range(0, len(text), 64)]


def _holds(packed: bytes, digest: bytes) -> bool:
    """Whether a packed row holds the digest at a digest boundary."""
    start = packed.find(digest)
    while start >= 0:
        if start % 32 == 0:
            return True
        start = packed.find(digest, start + 1)
    return False


class ConsentRecord(StoreBase):
    """Consent changes kept in the store, the withdrawals in force, a customer's history."""

    def cached_withdrawals(self, key: str) -> Any:
        """Per channel, the customer ids with withdrawn consent worked out for ``key``, if still current."""
        cached = json.loads(self._setting(_WITHDRAWN_IDS) or "{}")
        return cached.get("ids") if cached.get("key") == key else None

    def cache_withdrawals(self, key: str, ids: Any) -> None:
        self._save_setting(_WITHDRAWN_IDS, json.dumps({"key": key, "ids": ids}))

    # --- consent, per channel ---------------------------------------------------------------
    def record_consents(self, events: Iterable[tuple[str, str, bool]], source: str, user: str) -> int:
        """Keep consents given or withdrawn: (identity hash, channel, given) each, with the source and who.

        One row per channel and direction, its hashes packed side by side: an upload's thousands of
        "no"s cost one insert, not thousands.
        """
        groups: dict[tuple[str, bool], set[str]] = {}
        for hashed, channel, given in events:
            groups.setdefault((channel, bool(given)), set()).add(hashed)
        return self.record_consent_groups(groups, source, user)

    def record_consent_groups(self, groups: Mapping[tuple[str, bool], set[str]], source: str, user: str) -> int:
        """`record_consents` with the hashes already grouped: (channel, given) → identity hashes."""
        now = timestamp()
        rows = [
            {
                "created_at": now,
                "user": user,
                "channel": channel,
                "given": int(given),
                "source": source,
                "hashes": bytes.fromhex("".join(sorted(hashes))),
            }
            for (channel, given), hashes in sorted(groups.items())
            if hashes
        ]
        if rows:
            with self._engine.begin() as db:
                before = self._count(db)
                db.execute(insert(store.consents), rows)
                after = self._count(db)
            self._carry_withdrawn(before, after, rows)  # only once the rows are in the store for good
        return sum(len(hashes) for hashes in groups.values())

    def _carry_withdrawn(self, before: int, after: int, rows: list[dict[str, Any]]) -> None:
        """Bring the kept `withdrawn` up to date with rows just added, when nothing else was added meanwhile (an
        upload records its "no"s and then looks its customers up: 0.3 s at 100,000 customers not to read them all
        back). The rows are the newest, so each one's hashes take its direction, in the order inserted."""
        kept = self.__dict__.get("_withdrawn")
        if kept is None or kept[0] != before or after != before + len(rows):
            self.__dict__.pop("_withdrawn", None)
            return
        found = {channel: set(hashes) for channel, hashes in kept[1].items()}
        for row in rows:
            hashes = unpacked(row["hashes"])
            if row["given"]:
                found.setdefault(row["channel"], set()).difference_update(hashes)
            else:
                found.setdefault(row["channel"], set()).update(hashes)
        self.__dict__["_withdrawn"] = (after, found)

    @staticmethod
    def _count(db: Any) -> int:
        return int(db.execute(select(func.count()).select_from(store.consents)).scalar_one())

    def consents_count(self) -> int:
        """How many consent changes are kept (they are only added, so the count dates the record)."""
        with self._engine.connect() as db:
            return self._count(db)

    def withdrawn(self) -> dict[str, set[str]]:
        """Per channel, the identity hashes whose latest consent change is a withdrawal (kept until the record
        grows: an upload records its "no"s and then looks its customers up in the same lists; do not modify)."""
        count = self.consents_count()
        kept = self.__dict__.get("_withdrawn")
        if kept is not None and kept[0] == count:
            return kept[1]
        found = self._withdrawn_now()
        self.__dict__["_withdrawn"] = (count, found)
        return found

    def _withdrawn_now(self) -> dict[str, set[str]]:
        table = store.consents
        state: dict[str, dict[str, bool]] = {}
        with self._engine.connect() as db:
            rows = db.execute(select(table.c.channel, table.c.given, table.c.hashes).order_by(table.c.id))
            for channel, given, packed in rows:
                state.setdefault(channel, {}).update(dict.fromkeys(unpacked(bytes(packed)), bool(given)))
        return {channel: {h for h, given in latest.items() if not given} for channel, latest in state.items()}

    def consent_history(self, hashes: Iterable[str]) -> pd.DataFrame:
        """The consent changes of the given identity hashes, oldest first (when, who, channel, given, source)."""
        columns = ["created_at", "user", "channel", "given", "source"]
        wanted = [bytes.fromhex(h) for h in set(hashes)]
        table = store.consents
        found = []
        with self._engine.connect() as db:
            for row in db.execute(select(*(table.c[c] for c in columns), table.c.hashes).order_by(table.c.id)):
                packed = bytes(row[-1])
                if any(_holds(packed, digest) for digest in wanted):
                    found.append(tuple(row[:-1]))
        frame = pd.DataFrame(found, columns=columns)
        frame["given"] = frame["given"].astype(bool)
        return frame
