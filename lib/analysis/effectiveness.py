"""Were the actions effective (DOMAIN.md §4)? Responses and purchases soon after each kind of contact."""

from __future__ import annotations

import pandas as pd

from lib.reading.outcomes import outcomes

RESPONDED = ("reached", "interested", "booked", "bought")
"""Outcomes where the customer answered; "not interested" and a refusal are answers that say no."""


def action_effectiveness(
    actions: pd.DataFrame, purchases: pd.DataFrame, classes: pd.Series, by: str, days: int = 30
) -> pd.DataFrame:
    """Per action kind, campaign or class: actions done, the share that got a response, and the share
    followed by a purchase within ``days``.

    An outcome in words the app does not know counts as a response (someone wrote down what was said);
    no outcome, no answer, "not interested" and a refusal do not. ``classes`` maps customer id → ladder
    class (for ``by="class"``).
    """
    done = actions[actions["done"].notna()].copy()
    if done.empty:
        return pd.DataFrame(columns=[by, "actions", "response_rate", "purchase_rate"])
    written = done["outcome"].astype("string").str.strip().replace("", pd.NA)
    named = outcomes(written)
    done["responded"] = (named.isin(RESPONDED).fillna(False) | (written.notna() & named.isna())).to_numpy(dtype=bool)
    bought = purchases.loc[purchases["date"].notna() & purchases["customer_id"].notna(), ["customer_id", "date"]]
    done["_n"] = range(len(done))
    pairs = done[["_n", "customer_id", "done"]].merge(bought, on="customer_id", how="inner")
    window = (pairs["date"] > pairs["done"]) & (pairs["date"] <= pairs["done"] + pd.Timedelta(days=days))
    done["purchased"] = done["_n"].isin(set(pairs.loc[window, "_n"]))
    done["class"] = done["customer_id"].map(classes).astype("string")
    key = done[by].astype("string").fillna("–")
    table = done.groupby(key).agg(
        actions=("_n", "size"), response_rate=("responded", "mean"), purchase_rate=("purchased", "mean")
    )
    table.index.name = by
    return table.reset_index().sort_values("actions", ascending=False).round({"response_rate": 3, "purchase_rate": 3})
