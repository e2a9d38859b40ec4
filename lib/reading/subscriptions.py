"""A subscription business's customer export read as a register: tenure, monthly charges and churn.

A telecom, a gym or a software service exports one row per subscriber: how many months they have been a
customer, what they pay a month and have paid in all, whether they left and why, how satisfied they
said they were. In the register's terms: tenure gives "customer since"; a subscriber who has not left
paid this month, so the months of tenure are their purchases and the export's day their last one; the
charges give their value; a subscriber who left is a former customer (a class written in the register
holds until purchases contradict it); the reason they gave for leaving and their satisfaction score
are feedback, so the Feedback page hears them.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from lib.schema import KEY_COL, ROW_COL, SHEET_COL

MAX_TENURE_MONTHS = 1200
"""A hundred years: a tenure beyond it is a typing slip, read as the longest a customer can have been one."""


def as_subscriptions(customers: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Customers with what their tenure, charges and churn say, where the register does not say it itself."""
    tenure = customers["tenure_months"].astype("Float64").clip(lower=0, upper=MAX_TENURE_MONTHS)
    if tenure.isna().all() and customers["churned"].isna().all():
        return customers
    day = pd.Timestamp(as_of)
    since = pd.Series(
        [day - pd.DateOffset(months=int(m)) if pd.notna(m) else pd.NaT for m in tenure],
        index=customers.index,
        dtype="datetime64[us]",
    )
    staying = customers["churned"].astype("string").fillna("stayed") == "stayed"
    paying = staying & tenure.gt(0).fillna(False)
    spent = customers["total_spent"].fillna(customers["monthly_spend"] * tenure.astype("float64"))
    relationship = customers["relationship"].astype("string")
    left = customers["churned"].astype("string") == "churned"
    return customers.assign(
        first_contact=customers["first_contact"].fillna(since),
        last_purchase=customers["last_purchase"].where(
            customers["last_purchase"].notna() | ~paying, pd.Timestamp(day).as_unit("us")
        ),
        purchase_count=customers["purchase_count"].fillna(tenure.round().astype("Int64").where(paying)),
        total_spent=spent,
        relationship=relationship.mask(relationship.isna() & left.fillna(False), "former"),
    )


def subscription_feedback(customers: pd.DataFrame, feedback: pd.DataFrame) -> pd.DataFrame:
    """The feedback with one item per subscriber who gave a churn reason or a satisfaction score."""
    said = customers["churn_reason"].notna() | customers["satisfaction"].notna()
    if not said.any():
        return feedback
    rows = customers[said]
    items = pd.DataFrame(
        {
            "customer_id": rows["customer_id"],
            "kind": pd.Series("opinion", index=rows.index, dtype="string"),
            "rating": rows["satisfaction"],
            "text": rows["churn_reason"],
            SHEET_COL: rows[SHEET_COL],
            ROW_COL: rows[ROW_COL],
        }
    )
    items[KEY_COL] = items[SHEET_COL].astype("string") + "!" + items[ROW_COL].astype("string")
    for column in feedback.columns.difference(items.columns):
        items[column] = pd.Series(pd.NA, index=items.index, dtype=feedback[column].dtype)
    return pd.concat([feedback, items[feedback.columns].astype(feedback.dtypes.to_dict())], ignore_index=True)
