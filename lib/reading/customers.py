"""The customers of a register, one row per person: keyed when the sheet has no id column, each id once
with every "no" any of its rows said, made from the rows of an orders or survey export when there is no
customers sheet, and completed from their orders where the customers sheet is silent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import pandas as pd

from lib.reading.identity import derived_ids, identity_basis
from lib.reading.problems import Problem, cell_problems
from lib.reading.wishes import wants_no_contact
from lib.schema import CUSTOMER_DETAIL_FIELDS, CUSTOMERS, FIELDS, KEY_COL, ROW_COL, SHEET_COL, Field


class SheetSource(Protocol):
    """What is needed here of how a sheet was read (``lib.reading.register.SheetSource``)."""

    @property
    def sheet(self) -> str: ...

    @property
    def kind(self) -> str: ...

    def header_of(self, field_name: str) -> str | None: ...


def empty_column(spec: Field, index: pd.Index) -> pd.Series:
    dtype = {"date": "datetime64[us]", "number": "float64", "count": "Int64", "bool": "boolean"}.get(
        spec.type, "string"
    )
    return pd.Series(None, index=index, dtype=dtype)


def identified(customers: pd.DataFrame, sources: Sequence[SheetSource]) -> tuple[pd.DataFrame, dict[str, str], int]:
    """Customers sheets without an id column keyed by what tells their people apart (``lib.reading.identity``):
    the customers, each such sheet's basis, and how many rows lacked it."""
    bases: dict[str, str] = {}
    kept_apart = 0
    ids = customers["customer_id"].copy()
    for source in sources:
        if source.kind != CUSTOMERS or source.header_of("customer_id") is not None:
            continue
        rows = customers[SHEET_COL] == source.sheet
        bases[source.sheet] = identity_basis(customers[rows])
        ids[rows], lacking = derived_ids(customers[rows], bases[source.sheet])
        kept_apart += lacking
    return customers.assign(customer_id=ids), bases, kept_apart


def unique_customers(
    customers: pd.DataFrame, sources: Sequence[SheetSource], bases: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Customers with an id, each id once; rows without an id or repeating one are reported, under the column
    that keys them (the id, or on a sheet without one the column of its ``bases``)."""
    problems: list[Problem] = []
    bases = bases or {}
    id_header = {s.sheet: s.header_of(bases.get(s.sheet, "customer_id")) for s in sources if s.kind == CUSTOMERS}
    missing = customers["customer_id"].isna()
    for sheet, rows in customers[missing].groupby(SHEET_COL, sort=False):
        if id_header.get(str(sheet)):
            problems += cell_problems(rows, id_header[str(sheet)], "error", "missing_id")
    with_id = customers[~missing]
    repeated = with_id.duplicated("customer_id", keep="first")
    if repeated.any():
        first_rows = with_id[~repeated].set_index("customer_id")[ROW_COL]
        for sheet, rows in with_id[repeated].groupby(SHEET_COL, sort=False):
            for _, row in rows.iterrows():
                basis = bases.get(str(sheet), "customer_id")  # the same e-mail twice is one person: a note
                problems.append(
                    Problem(
                        str(sheet),
                        int(row[ROW_COL]),
                        id_header.get(str(sheet)),
                        "error" if basis == "customer_id" else "warning",
                        "duplicate_id" if basis == "customer_id" else f"duplicate_{basis}",
                        {
                            "id": row["name"] if basis == "name" else row["customer_id"],
                            "first_row": int(first_rows[row["customer_id"]]),
                        },
                    )
                )
    unique = _strictest_answers(with_id, repeated).reset_index(drop=True)
    return unique.assign(**{KEY_COL: unique["customer_id"]}), problems


CONSENT_FIELDS = ("consent_email", "consent_sms", "consent_phone", "consent_post")


def _strictest_answers(customers: pd.DataFrame, repeated: pd.Series) -> pd.DataFrame:
    """The first row of each customer, holding every "no" any of their rows said: a person listed twice who
    refused e-mails or opted out on one row has refused or opted out, whichever row is kept."""
    if not repeated.any():
        return customers
    kept = customers[~repeated].copy()
    groups = customers.groupby("customer_id", sort=False)
    refused = {
        name: customers[name].eq(False).fillna(False).groupby(customers["customer_id"]).any() for name in CONSENT_FIELDS
    }
    opted_out = groups["opted_out_at"].min()
    no_contact = customers[wants_no_contact(customers["preferred_contact_frequency"])]
    never = no_contact.groupby("customer_id", sort=False)["preferred_contact_frequency"].first()
    ids = kept["customer_id"]
    for name in CONSENT_FIELDS:
        kept[name] = kept[name].mask(ids.map(refused[name]).fillna(False).astype(bool).to_numpy(), False)
    kept["opted_out_at"] = kept["opted_out_at"].fillna(ids.map(opted_out))
    if len(never):
        kept["preferred_contact_frequency"] = ids.map(never).fillna(kept["preferred_contact_frequency"])
    return kept


def customers_from_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Customers of a purchases-only export or a survey's: one per distinct id, details from their last row.

    A survey's respondents, who have bought nothing, are prospects; an anonymous answer makes no customer.
    """
    details = _latest_details(rows)
    detail_fields = list(details.columns)
    columns = {name: empty_column(spec, details.index) for name, spec in FIELDS[CUSTOMERS].items()}
    frame = pd.DataFrame(columns)
    frame["customer_id"] = details.index.astype("string")
    for name in detail_fields:
        frame[name] = details[name].astype(frame[name].dtype)
    frame[SHEET_COL] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame[ROW_COL] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    frame[KEY_COL] = frame["customer_id"]
    return frame.reset_index(drop=True)


def _latest_details(rows: pd.DataFrame) -> pd.DataFrame:
    """Each customer's details (name, e-mail, phone, e-mail consent) as their latest row that gives them says."""
    known = rows[rows["customer_id"].notna()]
    ordered = known.sort_values("date", kind="stable", na_position="first")
    detail_fields = [name for name in CUSTOMER_DETAIL_FIELDS if name in rows]
    return ordered.groupby("customer_id", sort=True)[detail_fields].last()


def filled_from_orders(customers: pd.DataFrame, purchases: pd.DataFrame) -> pd.DataFrame:
    """Customers with the details their sheet leaves blank taken from their latest order that gives them: a
    customers list without a consent column, next to a shop's orders export whose "Accepts Marketing" is each
    buyer's e-mail consent. A detail the customers sheet gives (a "no" too) is never overwritten."""
    given = [name for name in CUSTOMER_DETAIL_FIELDS if name in purchases and purchases[name].notna().any()]
    if not given or purchases["customer_id"].isna().all():
        return customers
    latest = _latest_details(purchases[["customer_id", "date", *given]])
    ids = customers["customer_id"]
    filled = {name: customers[name].fillna(ids.map(latest[name]).astype(customers[name].dtype)) for name in given}
    return customers.assign(**filled)
