"""The customer lifecycle (DOMAIN.md §3–§4): stages, the funnel, migrations, cohorts, economics.

Stages follow seed 001 and 002: prospects warmed from cold to warm to hot (acquisition), a
first purchase (contact and trial), repeat buying (development), defection, and customers
won back. Everything is computed as of a date by `analyse_customers`; the funnel over a
period, the migrations between two dates and the economics compare two such tables, so a
caller can cache one table per day and reuse it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from lib import i18n
from lib.analysis.facts import customer_facts
from lib.analysis.ladder import classify_customers, reason_texts
from lib.frames import among
from lib.reading.register import Register
from lib.reading.values import positions_in
from lib.schema import BUYING_CLASSES, CLASSES, STAGES, TEMPERATURES
from lib.settings import Settings

FUNNEL_STEPS = ("could_convert", "first_purchase", "repeat", "loyal")
"""The period funnel: prospects at the start, of them first buyers, repeat buyers, loyal at the end."""
NEW = "new"
"""Migration source for customers who were not yet in the register on the first date."""


def analyse_customers(
    register: Register, as_of: date, settings: Settings, suppressed: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Facts, class, RFM, value tier, temperature and stage per customer known on the day."""
    facts = customer_facts(register, as_of, settings, suppressed)
    classes = classify_customers(facts, settings).drop(columns="customer_id")
    view = pd.concat([facts, classes], axis=1)
    view["stage"] = lifecycle_stages(view, settings)
    return view[view["known"]].reset_index(drop=True)


def lifecycle_stages(view: pd.DataFrame, settings: Settings) -> pd.Categorical:
    """Stage per customer, first match wins.

    No purchase → prospect by temperature; class former → defected; came back after a
    gap longer than the churn horizon within the won-back window → won back; a single
    purchase, or a first purchase known to be within the trial window → trial; otherwise
    development. A summary register without a "customer since" date does not say when the
    first purchase was: there the purchase count decides (12 purchases are not a trial).
    """
    count = view["purchases"].to_numpy()
    since_first = (view["days_since_last"] + (view["last_purchase"] - view["first_purchase"]).dt.days).to_numpy(
        dtype="float64", na_value=np.nan
    )
    first_known = view["first_known"].to_numpy(dtype=bool) if "first_known" in view else np.ones(len(view), bool)
    returned = view["won_back_on"].notna().to_numpy()
    back_days = view["days_since_last"].to_numpy() + (view["last_purchase"] - view["won_back_on"]).dt.days.to_numpy(
        dtype="float64", na_value=np.nan
    )
    # Prospect stages are the first three, in the order of the temperatures (unknown: cold).
    temperature = np.maximum(pd.Categorical(view["temperature"], categories=TEMPERATURES).codes, 0)
    stage = np.select(
        [
            view["relationship"].eq("former").to_numpy(),
            count == 0,
            returned & (back_days <= settings.won_back_days),
            (count < 2) | (first_known & (since_first <= settings.trial_days)),
        ],
        [STAGES.index("defected"), temperature, STAGES.index("won_back"), STAGES.index("trial")],
        default=STAGES.index("development"),
    )
    return pd.Categorical.from_codes(stage, categories=STAGES)


def stage_counts(view: pd.DataFrame) -> dict[str, int]:
    """Customers per stage, in funnel order, zeros included."""
    counts = view["stage"].value_counts()
    return {name: int(counts.get(name, 0)) for name in STAGES}


def funnel(start: pd.DataFrame, end: pd.DataFrame) -> pd.DataFrame:
    """Conversion over a period, from the customers as of its first day and as of its last.

    Step 1 is everyone known at the end who had not bought by the start; each later step
    is the part of the previous one that, by the end, bought a first time, bought again,
    and is loyal (or partner). ``rate`` is the share of the previous step.
    """
    bought_before = start.loc[start["purchases"] > 0, "customer_id"]
    pool = end[~among(end["customer_id"], bought_before)]
    steps = [
        len(pool),
        int((pool["purchases"] >= 1).sum()),
        int((pool["purchases"] >= 2).sum()),
        int(pool["relationship"].isin(("loyal", "partner")).sum()),
    ]
    rates = [1.0] + [(b / a if a else 0.0) for a, b in itertools.pairwise(steps)]
    return pd.DataFrame({"step": FUNNEL_STEPS, "customers": steps, "rate": np.round(rates, 4)})


def migrations(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """How many customers moved from each class on the first date to each class on the second.

    Takes the analysed customers as of both dates. Customers not yet in the register on
    the first date come from ``new``. Empty moves are left out; staying in a class is a
    row too (from == to).
    """
    sources, targets = (NEW, *CLASSES), CLASSES
    at = positions_in(second["customer_id"], first["customer_id"])
    before = pd.Categorical(first["relationship"], categories=CLASSES).codes
    then = np.append(before, -1)  # a customer not there on the first date reads the last: no class
    source = then[np.where(at >= 0, at, len(before))] + 1  # unknown before, or no class then: new
    target = pd.Categorical(second["relationship"], categories=CLASSES).codes
    moved = target >= 0
    counts = np.bincount(source[moved] * len(targets) + target[moved], minlength=len(sources) * len(targets))
    cells = np.flatnonzero(counts)
    return pd.DataFrame(
        {
            "from": pd.array([sources[cell // len(targets)] for cell in cells], dtype="string"),
            "to": pd.array([targets[cell % len(targets)] for cell in cells], dtype="string"),
            "customers": counts[cells].astype("int64"),
        }
    )


def cohort_retention(register: Register, as_of: date, months: int = 24) -> pd.DataFrame:
    """Share of each first-purchase month's customers who bought again k months later.

    Index: cohort month (``YYYY-MM``) for the last ``months`` cohorts; column ``customers``
    is the cohort's size, columns 0, 1, 2, … the share buying in that month after the
    first (month 0 is always 1.0). Empty for a register without a purchases sheet.
    """
    if register.shape == "summary":
        return pd.DataFrame()
    customer, month, day = register.memo("lifecycle.cohort_rows", lambda: _month_rows(register.purchases))
    keep = day <= (as_of - date(1970, 1, 1)).days
    if not keep.any():
        return pd.DataFrame()
    # Distinct (customer, month) pairs sorted by customer then month: a customer's first is their cohort.
    pairs = np.sort(customer[keep] * (1 << 20) + month[keep])
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]
    who, when = pairs >> 20, pairs & ((1 << 20) - 1)
    first = np.r_[True, who[1:] != who[:-1]]
    cohort = when[first][np.cumsum(first) - 1]
    last = as_of.year * 12 + as_of.month - 1
    cohorts, position = np.unique(cohort, return_inverse=True)
    dropped = max(len(cohorts) - months, 0)
    cohorts = cohorts[dropped:]
    width = last - int(cohorts[0]) + 1
    recent = position >= dropped
    counts = np.bincount(
        (position[recent] - dropped) * width + (when - cohort)[recent], minlength=len(cohorts) * width
    ).reshape(-1, width)
    sizes = counts[:, 0]
    shares = np.round(counts / sizes[:, None], 4)
    shares[np.arange(width)[None, :] > (last - cohorts)[:, None]] = np.nan  # months yet to come: unknown, not zero
    table = pd.DataFrame(
        shares, index=[f"{c // 12:04d}-{c % 12 + 1:02d}" for c in cohorts], columns=pd.RangeIndex(width, name="offset")
    )
    table.insert(0, "customers", sizes)
    return table


def _month_rows(purchases: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The dated purchases (not returns) of named customers: customer number, month number, day number."""
    keep = (
        purchases["date"].notna() & purchases["customer_id"].notna() & ~(purchases["amount"].fillna(0) < 0)
    ).to_numpy(dtype=bool)
    dates = purchases["date"].to_numpy(dtype="datetime64[D]")[keep]
    month = dates.astype("datetime64[M]").astype(np.int64) + 1970 * 12  # months since year 0, as `last` counts
    customer, _ = pd.factorize(purchases["customer_id"].astype("string"))
    return customer[keep].astype(np.int64), month, dates.astype(np.int64)


def cooling_prospects(view: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Hot and warm prospects not contacted for longer than the cooling setting, hottest and longest first.

    A prospect never contacted counts from their first contact date, and always without one.
    """
    chosen = (
        (view["relationship"] == "prospect")
        & view["temperature"].isin(("hot", "warm"))
        & (view["silent_days"].fillna(np.inf) > settings.cooling_days)
    )
    cooling = view.loc[chosen, ["customer_id", "name", "temperature", "last_contact", "silent_days"]]  # 5 columns
    order = cooling["temperature"].map({"hot": 0, "warm": 1}).astype(int)
    cooling = cooling.assign(_o=order, _d=cooling["silent_days"].fillna(np.inf))
    cooling = cooling.sort_values(["_o", "_d"], ascending=[True, False])
    return cooling.drop(columns=["_o", "_d"]).reset_index(drop=True)


def overdue_customers(view: pd.DataFrame) -> pd.DataFrame:
    """Buying customers (not former) past their own expected next purchase, most overdue first."""
    columns = ["customer_id", "name", "relationship", "last_purchase", "rhythm_days", "expected_next", "overdue_days"]
    due = view.loc[view["overdue"] & view["relationship"].isin(BUYING_CLASSES), columns]
    return due.sort_values("overdue_days", ascending=False).reset_index(drop=True)


@dataclass(frozen=True)
class Economics:
    """Retention economics of a period (seed 004): what the customers lost were worth, what keeping them
    would have cost, and what winning former customers back could bring."""

    active_at_start: int
    lost: int
    churn_rate: float
    retention_rate: float
    repeat_rate: float
    """Of the customers who bought in the period, the share who bought on two days or more in it."""
    value_by_class: dict[str, float]
    retention_cost: float
    acquisition_cost: float
    revenue_at_stake: float
    """What the customers lost in the period bought in the year before their last purchase."""
    cost_to_keep_lost: float
    cost_to_replace_lost: float
    former_last_year: int
    """Customers who became former within the year before the period's end."""
    win_back_rate: float | None
    """Of the customers former at the period's start, the share buying again by its end (None: none were)."""
    win_back_value: float
    """What the former customers of the last year bought in their last year, times the win-back rate."""
    dated: bool = True
    """False for a register of summary columns: who was buying on the period's first day, and so churn,
    retention and what the lost took with them, cannot be told from a last purchase and a count."""


def economics(
    start: pd.DataFrame, end: pd.DataFrame, settings: Settings, register: Register, first: date, last: date
) -> Economics:
    """Churn and retention over the period ``first``–``last``, from the analysed customers as of both days.

    Churn: of the customers buying (not former) at the start, the share former at the end. The money
    at stake is their last year of purchases; keeping them is priced at the retention cost each, and
    replacing them at the acquisition cost (retention cost × the acquisition ratio, 10:1 by default).
    Win-back potential: the last year's former customers, at the win-back rate this period showed.
    """
    active = start.loc[start["relationship"].isin(BUYING_CLASSES), "customer_id"]
    lost_ids = end.loc[among(end["customer_id"], active) & end["relationship"].eq("former"), "customer_id"]
    lost = len(lost_ids)
    churn = lost / len(active) if len(active) else 0.0
    buying = end.loc[end["purchases"] > 0, ["relationship", "value"]]  # two columns, not the whole view
    means = buying.groupby("relationship", observed=False)["value"].mean()
    acquisition = settings.retention_cost * settings.acquisition_cost_ratio
    yearly = _last_year_spending(register, pd.Timestamp(last))
    former_then = start.loc[start["relationship"].eq("former"), "customer_id"]
    back = end.loc[among(end["customer_id"], former_then) & ~end["relationship"].eq("former"), "customer_id"]
    win_back = len(back) / len(former_then) if len(former_then) else None
    since = (end["days_since_last"] - settings.churn_horizon_days).to_numpy(dtype="float64", na_value=np.nan)
    recent_former = end.loc[end["relationship"].eq("former").to_numpy() & (since <= 365), "customer_id"]
    return Economics(
        active_at_start=len(active),
        lost=lost,
        churn_rate=round(churn, 4),
        retention_rate=round(1 - churn, 4),
        repeat_rate=_repeat_rate(register, end, pd.Timestamp(first), pd.Timestamp(last)),
        value_by_class={
            name: round(float(means.get(name, 0.0)), 2) if pd.notna(means.get(name)) else 0.0 for name in CLASSES
        },
        retention_cost=settings.retention_cost,
        acquisition_cost=acquisition,
        revenue_at_stake=round(float(yearly.reindex(lost_ids).fillna(0).sum()), 2),
        cost_to_keep_lost=round(lost * settings.retention_cost, 2),
        cost_to_replace_lost=round(lost * acquisition, 2),
        former_last_year=len(recent_former),
        win_back_rate=None if win_back is None else round(win_back, 4),
        win_back_value=round(float(yearly.reindex(recent_former).fillna(0).sum()) * (win_back or 0.0), 2),
        dated=register.shape != "summary",
    )


def _last_year_spending(register: Register, last: pd.Timestamp) -> pd.Series:
    """Per customer (by id): what they bought in the 365 days up to their last purchase by the day."""
    if register.shape == "summary":  # a lifetime total is all a summary says
        customers = register.customers
        return pd.Series(
            customers["total_spent"].fillna(0.0).to_numpy(), index=customers["customer_id"].astype("string")
        )
    every = register.purchases
    purchases = every.loc[every["date"].notna() & (every["date"] <= last), ["customer_id", "date", "amount"]]
    ids = purchases["customer_id"].astype("string")
    final = purchases.groupby(ids)["date"].transform("max")
    recent = purchases[purchases["date"] > final - pd.Timedelta(days=365)]
    return recent.groupby(ids[recent.index])["amount"].sum()


def _repeat_rate(register: Register, end: pd.DataFrame, first: pd.Timestamp, last: pd.Timestamp) -> float:
    """Of the customers who bought in the period, the share who bought on two different days in it.

    A summary register knows only the last purchase and a count: there, of those whose last purchase
    falls in the period, the share with two purchases or more.
    """
    if register.shape == "summary":
        recent = end[(end["last_purchase"] >= first) & (end["last_purchase"] <= last)]
        return round(float((recent["purchases"] >= 2).mean()), 4) if len(recent) else 0.0
    purchases = register.purchases
    chosen = (purchases["date"] >= first) & (purchases["date"] <= last) & purchases["customer_id"].notna()
    within = purchases.loc[chosen, ["customer_id", "date"]]
    visits = within.groupby(within["customer_id"].astype("string"))["date"].nunique()
    return round(float((visits >= 2).mean()), 4) if len(visits) else 0.0


def revenue(register: Register, as_of: date | None = None) -> float:
    """Total of purchases up to the day, after returns (the summary path: total spent)."""
    if register.shape == "summary":
        return round(float(register.customers["total_spent"].fillna(0).sum()), 2)
    amounts = register.purchases["amount"]
    if as_of is not None:
        dates = register.purchases["date"]
        amounts = amounts[dates.isna() | (dates <= pd.Timestamp(as_of))]
    return round(float(amounts.fillna(0).sum()), 2)


def class_columns(view: pd.DataFrame, settings: Settings, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Class, its reason, stage, RFM group and reward tier per customer, in words: for the export."""

    def words(prefix: str, column: str) -> pd.Series:
        return view[column].astype("string").map(lambda code: i18n.t(f"{prefix}.{code}", lang), na_action="ignore")

    return pd.DataFrame(
        {
            "customer_id": view["customer_id"],
            "relationship": words("class", "relationship"),
            "reason": reason_texts(view, settings, lang),
            "stage": words("stage", "stage"),
            "rfm_group": words("rfm", "rfm_group"),
            "value_tier": words("tier", "value_tier"),
        }
    )
