"""Telling customers apart when the register has no id column, and linking rows to them the same way.

A list of names and e-mails, a web shop's customers file keyed by e-mail, an orders export: none has
a customer number, yet each person is recognisable. The key is the first of these that the sheet
fills for most rows: the e-mail address (lower case), the phone number (its last nine digits), the name with
the birth date or the city; a row that lacks it is a customer of its own, keyed by its place in the
workbook. Purchases, feedback and actions without a customer id find their customer by the same
e-mail, phone or name, so an orders export links to a customers export.
"""

from __future__ import annotations

import pandas as pd

from lib.schema import ROW_COL, SHEET_COL

BASES = ("customer_id", "email", "phone", "name", "row")
"""How a register tells its customers apart, from best to last resort (the home page explains each)."""

_MOST = 0.5
"""A column names the customers when it is filled on more than this share of the rows."""


def email_keys(values: pd.Series) -> pd.Series:
    """An e-mail address as a key: trimmed, lower case; NA where the cell holds no address."""
    text = values.astype("string").str.strip().str.lower()
    return text.where(text.str.contains("@", regex=False, na=False))


PHONE_DIGITS = 9
"""A phone number is known by its last nine digits: ``+372 5555 1234``, ``00372 5555 1234`` and
``5555 1234`` are one number however the country code is written (or left out)."""


def phone_keys(values: pd.Series) -> pd.Series:
    """A phone number as a key: its last nine digits; NA where it has fewer than six. The one rule for the
    same number everywhere: customers told apart, rows linked to them, the suppression list."""
    digits = values.astype("string").str.replace(r"\D", "", regex=True)
    return digits.where(digits.str.len() >= 6).str[-PHONE_DIGITS:]


def name_keys(frame: pd.DataFrame) -> pd.Series:
    """A name with the birth date, else the city: two people of one name are two customers."""
    name = frame["name"].astype("string").str.strip().str.casefold()
    born = frame["birth_date"].dt.strftime("%Y-%m-%d").astype("string") if "birth_date" in frame else None
    city = frame["city"].astype("string").str.strip().str.casefold() if "city" in frame else None
    detail = born if born is not None else pd.Series(pd.NA, index=frame.index, dtype="string")
    if city is not None:
        detail = detail.fillna(city)
    keyed = name + (" · " + detail).fillna("")
    return keyed.where(name.notna() & (name != ""))


def row_keys(frame: pd.DataFrame) -> pd.Series:
    """A row's place in the workbook as its key: ``Klienci!12``."""
    return (frame[SHEET_COL].astype("string") + "!" + frame[ROW_COL].astype("string")).astype("string")


_ROW_KEY = r".+!\d+"


def is_row_key(ids: pd.Series) -> pd.Series:
    """Which ids are only a row's place (see `row_keys`), not anything that names the person."""
    return ids.astype("string").str.fullmatch(_ROW_KEY).fillna(False).astype(bool)


def identity_basis(frame: pd.DataFrame) -> str:
    """Which column tells this sheet's customers apart (one of ``BASES`` after the id)."""
    for basis, keys in (("email", email_keys), ("phone", phone_keys)):
        if basis in frame and keys(frame[basis]).notna().mean() > _MOST:
            return basis
    if "name" in frame and name_keys(frame).notna().mean() > _MOST:
        return "name"
    return "row"


def derived_ids(frame: pd.DataFrame, basis: str) -> tuple[pd.Series, int]:
    """Each customer's key by ``basis``, and how many rows lacked it and are keyed by their row instead."""
    if basis == "email":
        keys = email_keys(frame["email"])
    elif basis == "phone":
        keys = phone_keys(frame["phone"])
    elif basis == "name":
        keys = name_keys(frame)
    else:
        keys = pd.Series(pd.NA, index=frame.index, dtype="string")
    missing = keys.isna()
    filled = keys.fillna(row_keys(frame))
    return filled.astype("string"), int(missing.sum()) if basis != "row" else 0


def _plain_names(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip().str.casefold()
    return text.where(text != "")


def link_by_contact(rows: pd.DataFrame, customers: pd.DataFrame) -> pd.Series:
    """The customer id of each row without one: the customer in ``customers`` with its e-mail, else with its
    phone, else with its name (an order under a new address but a known phone is that customer's); with no
    such customer, the row's e-mail, else phone, else name itself (a customer the rows alone make known, as
    in a shop's orders export that names only the buyer)."""
    ids = rows["customer_id"].astype("string")
    unknown = pd.Series(pd.NA, index=rows.index, dtype="string")
    for column, keys in (("email", email_keys), ("phone", phone_keys), ("name", _plain_names)):
        if column not in rows:
            continue
        wanted = keys(rows[column])
        unknown = unknown.fillna(wanted)
        if column not in customers:
            continue
        known = pd.Series(customers["customer_id"].astype("string").to_numpy(), index=keys(customers[column]))
        known = known[known.index.notna() & ~known.index.duplicated()]
        ids = ids.fillna(wanted.map(known).astype("string"))  # a known phone wins over an unknown e-mail
    return ids.fillna(unknown)
