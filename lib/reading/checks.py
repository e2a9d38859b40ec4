"""Checks that need the whole register: contact data, dates in the future, unknown customers.

Cell-level problems are found while each column is typed (lib.reading.problems); these need
several sheets at once. Nothing here raises on data.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

import pandas as pd

from lib.frames import among
from lib.reading.problems import Problem, cell_problems
from lib.reading.values import invalid_emails, unreadable_phones
from lib.reading.wishes import unclear_wishes
from lib.schema import ACTIONS, CUSTOMERS, DATES_THAT_MAY_BE_FUTURE, FEEDBACK, FIELDS, PURCHASES, SHEET_COL


class Register(Protocol):
    """What the checks read of a register (lib.reading.register.Register has it)."""

    @property
    def customers(self) -> pd.DataFrame: ...

    @property
    def shape(self) -> str: ...

    def frame(self, kind: str) -> pd.DataFrame: ...

    def header_of(self, sheet: str, field_name: str) -> str | None: ...


def check_register(register: Register, as_of: date | None = None) -> list[Problem]:
    """Problems that need the whole register: contact data, future dates, unknown customers."""
    as_of = as_of or date.today()
    problems: list[Problem] = []
    customers = register.customers
    for kind in (CUSTOMERS, PURCHASES):
        frame = register.frame(kind)
        problems += _contact_problems(register, kind, frame)
    for kind, frame in ((k, register.frame(k)) for k in (CUSTOMERS, PURCHASES, FEEDBACK, ACTIONS)):
        problems += _future_dates(register, kind, frame, as_of)
    if register.shape not in ("purchases_only", "feedback_only"):  # every customer comes from those rows
        known = pd.Index(customers["customer_id"].dropna().unique())
        for kind in (PURCHASES, FEEDBACK, ACTIONS):
            problems += _unknown_customers(register, kind, register.frame(kind), known)
    return problems


def _contact_problems(register: Register, kind: str, frame: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    for sheet, rows in frame.groupby(SHEET_COL, sort=False):
        email_header = register.header_of(str(sheet), "email")
        if email_header:
            bad = invalid_emails(rows["email"])
            problems += cell_problems(rows[bad], email_header, "warning", "invalid_email", rows["email"])
        phone_header = register.header_of(str(sheet), "phone")
        if phone_header:
            bad = unreadable_phones(rows["phone"])
            problems += cell_problems(rows[bad], phone_header, "warning", "unreadable_phone", rows["phone"])
        wish_header = register.header_of(str(sheet), "preferred_contact_frequency")
        if wish_header:
            wishes = rows["preferred_contact_frequency"]
            problems += cell_problems(rows[unclear_wishes(wishes)], wish_header, "warning", "unclear_wish", wishes)
    return problems


def _future_dates(register: Register, kind: str, frame: pd.DataFrame, as_of: date) -> list[Problem]:
    problems: list[Problem] = []
    limit = pd.Timestamp(as_of)
    for name, spec in FIELDS[kind].items():
        if spec.type != "date" or name in DATES_THAT_MAY_BE_FUTURE:
            continue
        future = frame[frame[name] > limit]
        for sheet, rows in future.groupby(SHEET_COL, sort=False):
            shown = rows[name].dt.strftime("%d.%m.%Y")
            problems += cell_problems(rows, register.header_of(str(sheet), name), "warning", "future_date", shown)
    return problems


def _unknown_customers(register: Register, kind: str, frame: pd.DataFrame, known: pd.Index) -> list[Problem]:
    problems: list[Problem] = []
    ids = frame["customer_id"]
    for sheet, rows in frame.groupby(SHEET_COL, sort=False):
        header = next(  # the column that names the customer: the id, or the e-mail or phone the row is linked by
            filter(None, (register.header_of(str(sheet), f) for f in ("customer_id", "email", "phone"))), None
        )
        if header is None:
            continue
        row_ids = ids.loc[rows.index]
        missing = rows[row_ids.isna()]
        problems += cell_problems(missing, header, "warning", "missing_customer_ref")
        unknown = rows[row_ids.notna() & ~among(row_ids, known)]
        problems += cell_problems(unknown, header, "error", "unknown_customer", row_ids)
    return problems
