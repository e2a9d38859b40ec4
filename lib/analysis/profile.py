"""One customer's story: what they bought, said and were sent, in time order, and their buying by month."""

from __future__ import annotations

import pandas as pd

from lib.reading.register import Register

TIMELINE_COLUMNS = ["date", "what", "kind", "detail", "amount", "outcome"]


def timeline(register: Register, customer_id: str) -> pd.DataFrame:
    """Purchases, feedback and actions of one customer, newest first.

    ``what`` is purchase, feedback or action; ``detail`` the product, the feedback text or
    the campaign; actions without a done date are listed at their planned date.
    """
    purchases = register.purchases[register.purchases["customer_id"] == customer_id]
    feedback = register.feedback[register.feedback["customer_id"] == customer_id]
    actions = register.actions[register.actions["customer_id"] == customer_id]
    parts = [
        pd.DataFrame(
            {
                "date": purchases["date"],
                "what": "purchase",
                "kind": purchases["category"],
                "detail": purchases["product"],
                "amount": purchases["amount"],
                "outcome": pd.NA,
            }
        ),
        pd.DataFrame(
            {
                "date": feedback["date"],
                "what": "feedback",
                "kind": feedback["kind"],
                "detail": feedback["text"],
                "amount": feedback["rating"],
                "outcome": feedback["status"],
            }
        ),
        pd.DataFrame(
            {
                "date": actions["done"].fillna(actions["planned"]),
                "what": "action",
                "kind": actions["kind"],
                "detail": actions["campaign"].fillna(actions["note"]),
                "amount": pd.NA,
                "outcome": actions["outcome"],
            }
        ),
    ]
    parts = [p.astype({"kind": "string", "detail": "string", "outcome": "string"}) for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    story = pd.concat(parts, ignore_index=True)
    return story.sort_values("date", ascending=False, na_position="last", kind="stable").reset_index(drop=True)


def monthly_value(register: Register, customer_id: str) -> pd.Series:
    """The customer's purchases summed by month (``YYYY-MM``), every month from first to last."""
    purchases = register.purchases[
        (register.purchases["customer_id"] == customer_id) & register.purchases["date"].notna()
    ]
    if purchases.empty:
        return pd.Series(dtype="float64")
    months = purchases["date"].dt.to_period("M")
    totals = purchases["amount"].fillna(0).groupby(months).sum()
    full = pd.period_range(totals.index.min(), totals.index.max(), freq="M")
    totals = totals.reindex(full, fill_value=0.0)
    totals.index = totals.index.strftime("%Y-%m")
    return totals
