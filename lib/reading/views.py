"""What the Register page and the key figures show of a register: counts, summaries, recognised columns, sheets to browse."""

from __future__ import annotations

from typing import Any

import pandas as pd

from lib.frames import among
from lib.reading.register import Register
from lib.schema import (
    ACTIONS,
    CUSTOMER_DETAIL_FIELDS,
    CUSTOMERS,
    FEEDBACK,
    KEY_COL,
    OTHER,
    PURCHASES,
    ROW_COL,
    SHEET_COL,
)


def key_figures(register: Register) -> dict[str, Any]:
    """The headline numbers of a register: who, how many bought, how much, over which dates."""
    customers, purchases = register.customers, register.purchases
    if register.shape == "summary":
        counts = customers["purchase_count"].fillna(0)
        buying = int(
            ((counts > 0) | customers["total_spent"].fillna(0).gt(0) | customers["last_purchase"].notna()).sum()
        )
        revenue = float(customers["total_spent"].fillna(0).sum())
        purchase_total = int(counts.sum())
        dates = customers["last_purchase"].dropna()
    else:
        buying = int(purchases.loc[among(purchases["customer_id"], customers["customer_id"]), "customer_id"].nunique())
        revenue = float(purchases["amount"].fillna(0).sum())
        orders = purchases["purchase_id"].astype("string")  # an order of three items is one purchase
        purchase_total = int(orders.nunique() + orders.isna().sum())
        dates = purchases["date"].dropna()
    return {
        "customers": len(customers),
        "buying_customers": buying,
        "revenue": round(revenue, 2),
        "purchases": purchase_total,
        "feedback": len(register.feedback),
        "actions": len(register.actions),
        "first_date": dates.min().date().isoformat() if len(dates) else None,
        "last_date": dates.max().date().isoformat() if len(dates) else None,
    }


def customer_summary(register: Register) -> pd.DataFrame:
    """Per customer: what the purchases, feedback and actions sheets add up to.

    The computed sheet of an exported workbook; canonical column names (the page labels them).
    """
    customers = register.customers[["customer_id", "name"]].reset_index(drop=True)
    purchases = register.purchases.groupby("customer_id")
    summary = customers.assign(
        purchases=customers["customer_id"].map(purchases.size()).fillna(0).astype(int),
        revenue=customers["customer_id"].map(purchases["amount"].sum()).fillna(0.0).round(2),
        first_purchase=customers["customer_id"].map(purchases["date"].min()),
        last_purchase=customers["customer_id"].map(purchases["date"].max()),
        feedback=customers["customer_id"].map(register.feedback.groupby("customer_id").size()).fillna(0).astype(int),
        actions=customers["customer_id"].map(register.actions.groupby("customer_id").size()).fillna(0).astype(int),
    )
    if register.shape == "summary":
        summary["purchases"] = register.customers["purchase_count"].fillna(0).astype(int).to_numpy()
        summary["revenue"] = register.customers["total_spent"].fillna(0.0).round(2).to_numpy()
        summary["last_purchase"] = register.customers["last_purchase"].to_numpy()
    return summary


def mapping_table(register: Register) -> dict[str, dict[str, str]]:
    """Sheet → {user's header → canonical field} for every recognised column."""
    return {s.sheet: dict(s.fields) for s in register.sources if s.kind != OTHER}


# --- views for browsing ------------------------------------------------------------------------


def sheet_view(register: Register, kind: str) -> pd.DataFrame:
    """A kind's rows as the user knows them: their own headers, only the columns they keep.

    Canonical fields the workbook lacks are left out; customers derived from purchases keep
    the fields the till export had. The Excel row comes first so a row can be found in the file.
    """
    frame = register.frame(kind)
    headers: dict[str, str] = {}
    for source in register.sources:
        if source.kind == kind:
            headers.update({f: h for h, f in source.fields.items() if f not in headers})
    if not headers and kind == CUSTOMERS:  # derived from purchases
        headers = {name: name for name in ("customer_id", *CUSTOMER_DETAIL_FIELDS)}
    columns = [ROW_COL, *headers, *register.extra_columns(kind)]
    return frame[columns].rename(columns=headers)


def search_rows(frame: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where any cell contains ``text`` (case-insensitive); all rows for an empty search."""
    text = text.strip()
    if not text:
        return frame
    hits = pd.Series(False, index=frame.index)
    for column in frame.columns:
        hits |= frame[column].astype("string").str.contains(text, case=False, regex=False).fillna(False)
    return frame[hits]


def contributions(register: Register, file_name: str) -> pd.DataFrame:
    """What each file of a register made of several gave it: one row per file (in upload order) with its
    customers, purchases (orders), feedback items and actions. A register of one file has one row."""
    files = list(dict.fromkeys(source.part or file_name for source in register.sources))
    part_of = {source.sheet: source.part or file_name for source in register.sources}
    table = pd.DataFrame({"file": files})
    for kind in (CUSTOMERS, PURCHASES, FEEDBACK, ACTIONS):
        frame = register.frame(kind)
        by_file = frame[SHEET_COL].astype("string").map(part_of)
        if kind == PURCHASES:  # an order of three items is one purchase
            orders = frame["purchase_id"].astype("string").fillna(frame[KEY_COL].astype("string"))
            counts = orders.groupby(by_file).nunique()
        else:
            counts = by_file.value_counts()
        table[kind] = table["file"].map(counts).fillna(0).astype(int)
    return table
