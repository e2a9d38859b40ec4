"""The suppression list: salted hashes of people who must never reach a mailing list again.

Someone erased or opted out is remembered only as hashes of their e-mail and phone, salted per
workspace, so an older workbook uploaded later cannot quietly bring them back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

import pandas as pd

from lib.reading.register import Register
from lib.workspace.repository import Version, Workspace


def identity_hashes(emails: Iterable[object], phones: Iterable[object], salt: str) -> set[str]:
    """Salted hashes of e-mail addresses (lowercased) and phone numbers (digits only, last nine)."""
    keys = _identity_keys(pd.Series(list(emails), dtype="object"), pd.Series(list(phones), dtype="object"))
    hashed = _hasher(salt)
    return {hashed(key) for key in keys.dropna().unique().tolist()}


def _identity_keys(emails: pd.Series, phones: pd.Series) -> pd.Series:
    """What is hashed: ``email:<lowercased address>`` and ``phone:<last nine digits>``, one per value (or NA)."""
    email = emails.astype("string").str.strip().str.lower()
    email = "email:" + email.where(email.str.contains("@", regex=False, na=False))
    digits = phones.astype("string").str.replace(r"\D", "", regex=True)
    phone = "phone:" + digits.where(digits.str.len() >= 6).str[-9:]
    return pd.concat([email, phone], ignore_index=True)


def _hasher(salt: str):
    """sha256(salt + text) as hex, with the salt hashed once."""
    salted = hashlib.sha256(salt.encode("utf-8"))

    def hashed(text: str) -> str:
        digest = salted.copy()
        digest.update(text.encode("utf-8"))
        return digest.hexdigest()

    return hashed


def customers_on_list(customers: pd.DataFrame, salt: str, hashes: set[str]) -> frozenset[str]:
    """The ids of customers whose e-mail or phone hashes to one on the suppression list.

    Whole columns at once and each distinct value hashed once: this runs on every reopen of
    the register (0.2 s at 100,000 customers instead of 1.8 s customer by customer).
    """
    if not hashes or customers.empty:
        return frozenset()
    keys = _identity_keys(customers["email"], customers["phone"])
    ids = pd.concat([customers["customer_id"], customers["customer_id"]], ignore_index=True)
    present = keys.notna()
    keys, ids = keys[present], ids[present]
    hashed = _hasher(salt)
    listed = [key for key in keys.unique().tolist() if hashed(key) in hashes]
    return frozenset(str(cid) for cid in ids[keys.isin(listed)].tolist())


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
