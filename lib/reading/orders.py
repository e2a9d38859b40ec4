"""A web shop's orders export as purchases: one row per line item, the order's own columns on its first line.

Shopify and WooCommerce write an order of three products as three rows: each line item has its product,
quantity and price, while the order's number repeats and its date, customer, status and total may stand
on the first line only. Read row by row, the first line would carry the whole order's total and the
others nothing, or every line would be a purchase of its own. Here each line gets its order's date,
customer and status; the order's total (what the customer paid, shipping and discounts included) is
shared among its lines by their value; and an order that was cancelled, refunded or never paid is
marked so that it is kept in the workbook but not counted as a purchase.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from lib.schema import SHEET_COL

STATE_COL = "_order_state"
"""Bookkeeping column of a purchases sheet while it is read: ``""`` for a purchase, else why it is not one."""
ORDER_FIELDS = (
    "date",
    "customer_id",
    "name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "status",
    "order_total",
    "refunded",
    "cancelled",
    "branch",
)
"""Columns that describe the order as a whole: an export may fill them on its first line only."""
NOT_COUNTED = ("cancelled", "refunded", "unpaid")
"""Order states that are not a purchase, in the order the home page names them."""

_ORDER_NUMBER = re.compile(r"#?\s*\d+")


def order_number_header(data: pd.DataFrame, fields: Mapping[str, str]) -> str | None:
    """Shopify calls an order's number its "Name" (``#1001``): that column, when no other holds the number
    (read as the buyer's name by its header, it would name every customer after an order)."""
    if "purchase_id" in fields.values():
        return None
    for header in data.columns:
        if fields.get(header, "name") != "name" or str(header).strip().casefold() != "name":
            continue
        values = data[header].dropna().astype(str).str.strip()
        if len(values) and values.str.fullmatch(_ORDER_NUMBER).mean() > 0.9:
            return str(header)
    return None


def as_purchases(frame: pd.DataFrame) -> pd.DataFrame:
    """Line items with their order's details and their share of its total, and each row's state in
    ``STATE_COL``: ``""`` for a purchase, else one of ``NOT_COUNTED``."""
    order = frame["purchase_id"].astype("string")
    if order.duplicated().any() and order.notna().any():
        frame = _with_order_details(frame, _order_key(order))
    frame = _with_order_totals(frame, order)
    return frame.assign(**{STATE_COL: _states(frame)})


def not_counted(purchases: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """The purchases that count, and per sheet how many orders of each ``NOT_COUNTED`` state were left out."""
    if STATE_COL not in purchases:
        return purchases, {}
    state = purchases[STATE_COL].fillna("")
    left = purchases[state != ""]
    order = _order_key(left["purchase_id"].astype("string"))
    counts: dict[str, dict[str, int]] = {}
    for sheet, rows in left.groupby(SHEET_COL, sort=False):
        orders = rows.assign(_order=order.loc[rows.index]).drop_duplicates("_order")
        counts[str(sheet)] = {s: int((orders[STATE_COL] == s).sum()) for s in NOT_COUNTED}
    kept = purchases[state == ""].drop(columns=STATE_COL).reset_index(drop=True)
    return kept, counts


def _order_key(order: pd.Series) -> pd.Series:
    """Each row's order: its number, or the row itself when it has none."""
    return order.fillna(pd.Series("\0row" + order.index.astype(str), index=order.index, dtype="string"))


def _with_order_details(frame: pd.DataFrame, order: pd.Series) -> pd.DataFrame:
    present = [f for f in ORDER_FIELDS if frame[f].notna().any() and frame[f].isna().any()]
    if not present:
        return frame
    firsts = frame[present].groupby(order.to_numpy(), sort=False).transform("first")
    return frame.assign(**{f: frame[f].fillna(firsts[f]) for f in present})


def _with_order_totals(frame: pd.DataFrame, order: pd.Series) -> pd.DataFrame:
    """The amount of each line: its share of the order's total when the export gives one (an order total
    column, or an amount standing on an order's first line only beside line prices), else its own value."""
    line_value = frame["quantity"].fillna(1.0) * frame["unit_price"]
    total = frame["order_total"]
    amount = frame["amount"]
    codes = pd.factorize(order)[0]  # each order once as a number: grouping 500,000 lines by text took seconds
    numbered = codes >= 0
    by_order = pd.Series(codes, index=frame.index).where(numbered)  # rows without an order number in no group
    on_first_line_only = (
        bool(numbered.any())
        and frame["unit_price"].notna().any()
        and amount.notna().any()
        and bool((np.bincount(codes[numbered], weights=amount.notna().to_numpy()[numbered]) <= 1).all())
        and bool(order.duplicated().any())
    )
    if on_first_line_only:  # Shopify's "Total": the order's, on its first line
        total = total.fillna(amount.groupby(by_order).transform("first"))
        amount = pd.Series(float("nan"), index=frame.index)
    own = amount.fillna(line_value)
    if total.isna().all() and frame["refunded"].isna().all():
        return frame.assign(amount=own)
    key = codes.copy()  # each row's order, or the row itself when it has none
    key[~numbered] = codes.max() + 1 + np.arange(int((~numbered).sum()))
    order_sum = own.groupby(key).transform("sum")
    share = own / order_sum
    first_line = ~pd.Series(key, index=frame.index).duplicated()
    shared = (total * share).where(share.notna() & order_sum.gt(0))
    shared = shared.fillna(total.where(first_line, 0.0))
    refunded = frame["refunded"].fillna(0.0)
    refunded_share = (refunded * share).where(share.notna(), refunded.where(first_line, 0.0))
    amount = shared.where(total.notna(), own) - refunded_share
    return frame.assign(amount=amount.round(2), order_total=total)


def _states(frame: pd.DataFrame) -> pd.Series:
    status = frame["status"].astype("string").fillna("")
    state = pd.Series("", index=frame.index, dtype="string")
    state = state.mask(status == "unpaid", "unpaid")
    refunded = frame["refunded"]
    fully_refunded = (refunded.gt(0) & refunded.ge(frame["order_total"].fillna(float("inf")))).fillna(False)
    state = state.mask((status == "refunded") | fully_refunded, "refunded")
    return state.mask((status == "cancelled") | frame["cancelled"].notna(), "cancelled")
