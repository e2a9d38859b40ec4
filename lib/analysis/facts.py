"""Customer facts as of a date: the one table every analysis reads.

One row per customer, in the register's customer order: how often and how much they
bought, when first and last, their own rhythm and whether they are past it, what feedback
they gave, the last action taken, and the channels they may be contacted on. Computed from
the purchases sheet when the register has one, from the summary columns (last purchase,
purchase count, total spent) otherwise, so a single-sheet register gets the same analysis.

Everything is "as of" a date: purchases, feedback and actions after it are ignored, so the
same code answers "where were we on 1 January?".

A purchase, for counting and for rhythm, is a day on which the customer bought: three
rows on one receipt are one visit, not three. Returns (negative quantity or amount) do not
count as visits but do reduce the value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from lib.analysis.plan_notes import names_rule
from lib.reading.outcomes import opted_out_by_outcome, outcomes
from lib.reading.register import Register
from lib.reading.values import positions_in
from lib.reading.wishes import wants_no_contact
from lib.schema import CHANNELS, FEEDBACK_KINDS, WARMING_OUTCOMES
from lib.settings import Settings

DIMENSIONS = (
    "country",
    "city",
    "postal_code",
    "branch",
    "source",
    "language",
    "tags",
    "interests",
    "owner",
    "company",
    "preferred_contact_frequency",
)
"""Customer columns the pages offer for breakdowns and filters, besides the computed ones."""
FLAGS = ("consent_email", "consent_sms", "consent_phone", "consent_post", "opted_out", "buys_elsewhere")
"""Yes/no facts the pages offer as filters."""
STALE_AFTER_DAYS = 7
"""When the register's last activity is older than this, analyses default to that day, not today: rhythm
windows are about a month, so a file a few weeks old analysed as of today would make everyone look lapsed."""

_DAY = np.timedelta64(1, "D")


def last_activity(register: Register, today: date) -> date | None:
    """The latest purchase, feedback or done action up to today (None for an empty register).

    Dates after today are typing errors (the quality report lists them), not activity.
    """
    limit = pd.Timestamp(today)
    columns = [
        register.purchases["date"],
        register.feedback["date"],
        register.actions["done"],
        register.customers["last_purchase"],
    ]
    found = [latest for column in columns if pd.notna(latest := column[column <= limit].max())]
    return max(found).date() if found else None


def _last_activity(register: Register, day: date) -> date | None:
    """`last_activity`, worked out once per register and day: the page's note, the day picker and every
    analysis (a written temperature's day) ask for it."""
    return register.memo(f"last_activity:{day.isoformat()}", lambda: last_activity(register, day))


def default_as_of(register: Register, today: date | None = None) -> date:
    """Today, or the register's last activity when the data is older than a few days (`STALE_AFTER_DAYS`).

    Missing data is not defection: a register analysed "as of today" weeks after its last entry
    would show loyal customers as lapsing; as of its own last day it shows the business as it
    was when the file was saved.
    """
    today = today or date.today()
    last = _last_activity(register, today)
    if last is not None and (today - last).days > STALE_AFTER_DAYS:
        return last
    return today


def customer_facts(
    register: Register, as_of: date, settings: Settings, suppressed: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """One row per customer as of ``as_of`` (see the module docstring for what it holds).

    ``suppressed`` customers (erased or opted out before, matched by e-mail or phone) count as
    opted out whatever the workbook says, so an old file cannot put them back on a list.
    """
    customers = register.customers.reset_index(drop=True)
    ids = customers["customer_id"].astype("string")
    cutoff = pd.Timestamp(as_of)
    facts = pd.DataFrame({"customer_id": ids, "name": customers["name"]})
    if register.shape == "summary":
        buying = _from_summary(customers, cutoff)
    else:
        buying = _from_purchases(register, cutoff, settings)
    facts = pd.concat([facts, buying], axis=1)
    facts = pd.concat([facts, _spending(register, customers, cutoff, settings)], axis=1)
    facts["known"] = _known(customers["first_contact"], facts["first_purchase"], facts.pop("bought_later"), cutoff)
    facts = pd.concat(
        [facts, _rhythm(facts, cutoff, settings), _feedback(register, cutoff), _actions(register, cutoff)], axis=1
    )
    facts["last_contact"] = facts[["last_action", "last_feedback"]].max(axis=1)
    facts["contact_days"] = _age(facts["last_contact"], cutoff)
    facts = pd.concat([facts, _interest(facts, customers["first_contact"], register, cutoff)], axis=1)
    facts["idea_days"] = _age(facts["last_idea"], cutoff)
    # How long a customer has heard nothing from us: since the last contact, else since we met them.
    facts["silent_days"] = facts["contact_days"].fillna(pd.Series(_age(customers["first_contact"], cutoff)))
    said_no = register.memo("facts.opted_out_by_outcome", lambda: opted_out_by_outcome(register.actions))
    left = suppressed | (opted_out_by_outcome(register.actions, cutoff) if said_no else frozenset())
    facts = pd.concat([facts, _consent(customers, cutoff, ids.isin(left).to_numpy())], axis=1)
    facts["marked_class"] = customers["relationship"]
    facts["has_email"] = customers["email"].notna().to_numpy()
    facts["has_phone"] = customers["phone"].notna().to_numpy()
    facts["has_address"] = (customers["address"].notna() | customers["postal_code"].notna()).to_numpy() & customers[
        "city"
    ].notna().to_numpy()
    for name in ("lead_temperature", "buys_elsewhere", "first_contact", "birth_date", *DIMENSIONS):
        facts[name] = customers[name]
    return facts


def _rows(register: Register, kind: str, date_column: str) -> tuple[np.ndarray, np.ndarray]:
    """For every row of a sheet: its customer's position (-1 when unknown) and its day (NaN without).

    Kept with the register: the matching does not depend on the analysis date.
    """

    def compute() -> tuple[np.ndarray, np.ndarray]:
        frame = register.frame(kind)
        codes = positions_in(frame["customer_id"], register.customers["customer_id"].reset_index(drop=True))
        return codes, _days(frame[date_column])

    return register.memo(f"facts.rows.{kind}", compute)


def _day_number(day: pd.Timestamp) -> int:
    """A day as whole days since 1970, the unit of `_days`."""
    return int(day.to_datetime64().astype("datetime64[D]").astype(np.int64))


def _days(values: pd.Series) -> np.ndarray:
    """Dates as whole days since 1970 (NaN for a missing date)."""
    days = values.to_numpy(dtype="datetime64[D]").astype(np.int64).astype("float64")
    days[values.isna().to_numpy()] = np.nan
    return days


def _age(dates: pd.Series, cutoff: pd.Timestamp) -> np.ndarray:
    """Days from each date to the day (NaN where there is no date)."""
    return ((cutoff - dates) / pd.Timedelta(days=1)).to_numpy(dtype="float64", na_value=np.nan)


def _to_dates(days: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(np.where(np.isnan(days), np.nan, days), unit="D"), dtype="datetime64[us]")


@dataclass(frozen=True)
class _Visits:
    """A register's purchases as visits: distinct (customer, day) pairs sorted by customer, then day."""

    code: np.ndarray
    day: np.ndarray
    row_code: np.ndarray
    row_day: np.ndarray
    row_amount: np.ndarray


def _visits(register: Register) -> _Visits:
    def compute() -> _Visits:
        purchases = register.purchases
        codes, day = _rows(register, "purchases", "date")
        amount = purchases["amount"].fillna(0.0).to_numpy(dtype="float64")
        returned = (purchases["amount"].fillna(0.0).lt(0) | purchases["quantity"].fillna(0.0).lt(0)).to_numpy()
        counted = (codes >= 0) & ~np.isnan(day)
        visit = counted & ~returned
        keys = np.sort(codes[visit] * (1 << 22) + (day[visit].astype(np.int64) + (1 << 21)))
        keys = keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys
        return _Visits(
            code=keys >> 22,
            day=(keys & ((1 << 22) - 1)) - (1 << 21),
            row_code=codes[counted],
            row_day=day[counted],
            row_amount=amount[counted],
        )

    return register.memo("facts.visits", compute)


def _from_purchases(register: Register, cutoff: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    n = len(register.customers)
    today = _day_number(cutoff)
    every = _visits(register)
    by_then = every.row_day <= today
    value = np.bincount(every.row_code[by_then], weights=every.row_amount[by_then], minlength=n)
    bought_later = np.bincount(every.row_code[~by_then], minlength=n) > 0
    # Filtering keeps the order: the visits up to the day are still sorted by customer, then day.
    seen = every.day <= today
    v_code, v_day = every.code[seen], every.day[seen]
    count = np.bincount(v_code, minlength=n)
    first = np.full(n, np.nan)
    last = np.full(n, np.nan)
    starts = np.r_[True, v_code[1:] != v_code[:-1]] if len(v_code) else np.array([], dtype=bool)
    ends = np.r_[starts[1:], True] if len(v_code) else np.array([], dtype=bool)
    first[v_code[starts]] = v_day[starts]
    last[v_code[ends]] = v_day[ends]
    # A return after a gap longer than the churn horizon: the customer was won back that day.
    gap = np.diff(v_day, prepend=0)
    back = ~starts & (gap > settings.churn_horizon_days)
    returned_on = np.full(n, np.nan)
    if back.any():
        np.fmax.at(returned_on, v_code[back], v_day[back].astype("float64"))
    return pd.DataFrame(
        {
            "purchases": count.astype("int64"),
            "bought_later": bought_later,
            "value": np.round(value, 2),
            "first_purchase": _to_dates(first),
            "last_purchase": _to_dates(last),
            "won_back_on": _to_dates(returned_on),
            "first_known": np.ones(n, dtype=bool),
        }
    )


def _from_summary(customers: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """The buying facts a single-sheet register states in its summary columns.

    The first purchase is taken from the "customer since" column when it is not later than
    the last purchase; without it a customer's own rhythm is unknown and the default applies.
    """
    last = customers["last_purchase"].where(customers["last_purchase"] <= cutoff)
    # A last purchase without a count is one purchase; a last purchase after the day hides the
    # count; a count without any last purchase stays a count of undated purchases.
    stated = customers["purchase_count"].astype("float64").to_numpy()
    later = (customers["last_purchase"] > cutoff).fillna(False).to_numpy(dtype=bool)
    count = np.where(
        last.notna(),
        np.maximum(np.nan_to_num(stated, nan=1.0), 1.0),
        np.where(later, 0.0, np.nan_to_num(stated, nan=0.0)),
    )
    since = customers["first_contact"]
    first = since.where(since.notna() & (since <= last), last)
    return pd.DataFrame(
        {
            "purchases": count.astype("int64"),
            "bought_later": (customers["last_purchase"] > cutoff).fillna(False).to_numpy(dtype=bool),
            "value": customers["total_spent"].fillna(0.0).round(2).to_numpy(),
            "first_purchase": first.astype("datetime64[us]").to_numpy(),
            "last_purchase": last.astype("datetime64[us]").to_numpy(),
            "won_back_on": pd.Series(pd.NaT, index=customers.index, dtype="datetime64[us]").to_numpy(),
            # Without a "customer since" date the first purchase is only the last one standing in for it.
            "first_known": (since.notna() & (since <= last)).to_numpy(dtype=bool),
        }
    )


def _spending(register: Register, customers: pd.DataFrame, cutoff: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    """Spending toward seed 003's motivational reward: an order of a size, not seniority.

    ``recent_value``: spent within the reward period; ``reward_value``: spent within it since the
    customer's last motivational reward (a plan contact marked done). A summary register states only a
    lifetime total: it counts when the last purchase falls within the period, and earns one reward.
    """
    n = len(customers)
    today = _day_number(cutoff)
    period_start = today - settings.reward_period_days
    codes, day = _rows(register, "actions", "done")
    notes = register.memo(
        "facts.reward_notes",
        lambda: names_rule(register.actions["note"], "threshold_reward"),  # a plan contact that gave the reward
    )
    rewarded = (codes >= 0) & (day <= today) & notes.to_numpy(dtype=bool)
    last_reward = _max_by(codes[rewarded], day[rewarded], n)
    since = np.fmax(np.nan_to_num(last_reward, nan=-np.inf), period_start)
    if register.shape == "summary":
        last = _days(customers["last_purchase"])
        total = customers["total_spent"].fillna(0.0).to_numpy(dtype="float64")
        recent = np.where((last > period_start) & (last <= today), total, 0.0)
        # Without dated purchases the spending since a reward is unknown: one reward, not one per purchase.
        since_reward = np.where(np.isnan(last_reward), recent, 0.0)
    else:
        visits = _visits(register)
        row_code, row_day, amount = visits.row_code, visits.row_day, visits.row_amount
        window = (row_day > period_start) & (row_day <= today)
        recent = np.bincount(row_code[window], weights=amount[window], minlength=n)
        after = window & (row_day > since[row_code])
        since_reward = np.bincount(row_code[after], weights=amount[after], minlength=n)
    return pd.DataFrame(
        {
            "recent_value": np.round(recent, 2),
            "reward_value": np.round(since_reward, 2),
            "last_reward": _to_dates(last_reward),
        }
    )


def _known(
    first_contact: pd.Series, first_purchase: pd.Series, bought_later: pd.Series, cutoff: pd.Timestamp
) -> np.ndarray:
    """Whether the customer was in the register on the day: known by then, or bought by then.

    Without a "customer since" date, a prospect counts as known all along, and a customer
    from their first purchase on.
    """
    by_contact = (first_contact.notna() & (first_contact <= cutoff)).to_numpy()
    bought = first_purchase.notna().to_numpy()
    undated = first_contact.isna().to_numpy()
    return by_contact | bought | (undated & ~bought_later.to_numpy(dtype=bool))


def _rhythm(facts: pd.DataFrame, cutoff: pd.Timestamp, settings: Settings) -> pd.DataFrame:
    """Days since the last visit, the customer's own interval, when the next is due, overdue."""
    count = facts["purchases"].to_numpy()
    first = facts["first_purchase"].to_numpy(dtype="datetime64[D]")
    last = facts["last_purchase"].to_numpy(dtype="datetime64[D]")
    today = cutoff.to_datetime64().astype("datetime64[D]")
    since = (today - last) / _DAY
    span = (last - first) / _DAY
    own = np.where(count >= 2, span / np.maximum(count - 1, 1), np.nan)
    own = np.where(own > 0, own, np.nan)  # visits on one day give no rhythm
    rhythm = np.where(np.isnan(own), float(settings.default_interval_days), own)
    window = np.maximum(rhythm * settings.rhythm_tolerance, settings.min_rhythm_days)
    expected = last + np.round(np.nan_to_num(rhythm)).astype("int64") * _DAY
    buying = count > 0
    return pd.DataFrame(
        {
            "days_since_last": since,
            "interval_days": np.round(own, 1),
            "rhythm_days": np.round(rhythm, 1),
            "rhythm_window_days": np.round(window, 1),
            "expected_next": pd.Series(expected).astype("datetime64[us]"),
            "overdue": buying & (since > window),
            "overdue_days": np.where(buying, np.round(since - rhythm, 1), np.nan),
        }
    )


def _feedback(register: Register, cutoff: pd.Timestamp) -> pd.DataFrame:
    """Feedback counts by kind, open complaints, and the last idea or wish (partner rule).

    Undated feedback counts on every day.
    """
    n = len(register.customers)
    codes, day = _rows(register, "feedback", "date")
    kinds, still_open = register.memo(
        "facts.feedback_kinds",
        lambda: (
            register.feedback["kind"].astype("string").fillna("").to_numpy(dtype=object),
            (register.feedback["status"].astype("string").fillna("open") != "resolved").to_numpy(dtype=bool),
        ),
    )
    mine = (codes >= 0) & ~(day > _day_number(cutoff))
    codes, day, kind = codes[mine], day[mine], kinds[mine]
    out = {f"feedback_{name}": np.bincount(codes[kind == name], minlength=n) for name in FEEDBACK_KINDS}
    out["feedback"] = np.bincount(codes, minlength=n)
    open_complaint = (kind == "complaint") & still_open[mine]
    out["open_complaints"] = np.bincount(codes[open_complaint], minlength=n)
    out["last_feedback"] = _to_dates(_max_by(codes, day, n))
    ideas = np.isin(kind, ("idea", "wish"))
    out["last_idea"] = _to_dates(_max_by(codes[ideas], day[ideas], n))
    out["oldest_open_complaint"] = _to_dates(-_max_by(codes[open_complaint], -day[open_complaint], n))
    return pd.DataFrame(out)


def _interest(facts: pd.DataFrame, first_contact: pd.Series, register: Register, cutoff: pd.Timestamp) -> pd.DataFrame:
    """A prospect's signs of interest as of the day (DOMAIN.md §3), for the temperature.

    ``interest_days``: days since the last sign of interest (feedback they gave, or a contact that
    reached them or showed interest). ``cooled_by``: -2 when the latest contact since then was
    refused or "not interested", -1 when it went unanswered, 0 otherwise. ``written_days``: how old a
    temperature written in the register is: counted from the last sign of interest, else from when the
    prospect was first met, else from the register's last entry (the day the file speaks for);
    ``written_cooled_by`` as ``cooled_by`` for the contacts after that day.
    """
    interest = facts[["last_warming_action", "last_feedback"]].max(axis=1)
    cooling = facts["last_cooling"]
    cooled = cooling.notna() & (interest.isna() | (cooling >= interest))
    file_day = _last_activity(register, cutoff.date())
    written_since = interest.fillna(first_contact.where(first_contact <= cutoff).astype("datetime64[us]"))
    if file_day is not None:
        written_since = written_since.fillna(pd.Timestamp(file_day))
    effect = facts["last_cooling_effect"].to_numpy()
    cooled_since_written = cooling.notna() & (cooling > written_since)
    return pd.DataFrame(
        {
            "interest_days": _age(interest, cutoff),
            "cooled_by": np.where(cooled.to_numpy(dtype=bool), effect, 0),
            "written_days": np.clip(_age(written_since, cutoff), 0, None),
            "written_cooled_by": np.where(cooled_since_written.to_numpy(dtype=bool), effect, 0),
        }
    )


def _max_by(codes: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    result = np.full(n, np.nan)
    keep = ~np.isnan(values)
    if keep.any():
        np.fmax.at(result, codes[keep], values[keep])
    return result


def _actions(register: Register, cutoff: pd.Timestamp) -> pd.DataFrame:
    """The last action carried out by the day: when, what kind, and its outcome."""
    n = len(register.customers)
    codes, day = _rows(register, "actions", "done")
    # Rows sorted by customer, then day (stable: of two on one day, the later row is the last).
    order = register.memo("facts.actions_order", lambda: np.lexsort((day, codes)))
    keep = order[(codes[order] >= 0) & (day[order] <= _day_number(cutoff))]
    kept_codes = codes[keep]
    last = keep[np.r_[kept_codes[1:] != kept_codes[:-1], True]] if len(keep) else keep
    where = codes[last]
    actions = register.actions
    out = pd.DataFrame(
        {
            "last_action": pd.Series(pd.NaT, index=range(n), dtype="datetime64[us]"),
            "last_action_kind": pd.Series(pd.NA, index=range(n), dtype="string"),
            "last_action_outcome": pd.Series(pd.NA, index=range(n), dtype="string"),
            "actions": np.bincount(kept_codes, minlength=n),
        }
    )
    out.loc[where, "last_action"] = actions["done"].to_numpy()[last]
    out.loc[where, "last_action_kind"] = actions["kind"].astype("string").to_numpy()[last]
    out.loc[where, "last_action_outcome"] = actions["outcome"].astype("string").to_numpy()[last]
    # What the contacts showed (DOMAIN.md §3): interest warms a prospect, no answer or a refusal cools.
    effect = register.memo("facts.action_effect", lambda: _outcome_effects(actions["outcome"]))
    by_then = (codes >= 0) & (day <= _day_number(cutoff))
    cooling = by_then & (effect < 0)
    out["last_warming_action"] = _to_dates(_max_by(codes[by_then & (effect > 0)], day[by_then & (effect > 0)], n))
    out["last_cooling"] = _to_dates(_max_by(codes[cooling], day[cooling], n))
    # Of the cooling outcomes up to the day, the strongest on the latest day: -2 refused, -1 no answer.
    strength = _max_by(codes[cooling], day[cooling] * 4 - effect[cooling], n)
    out["last_cooling_effect"] = np.where(np.isnan(strength), 0, -(strength - np.floor(strength / 4) * 4)).astype(
        "int64"
    )
    return out


def _outcome_effects(outcome: pd.Series) -> np.ndarray:
    """Per action: 1 interest shown (or they were reached), 0 a contact that says neither (nothing written, or
    words we do not know: a newsletter sent is not interest), -1 no answer, -2 not interested or refused."""
    named = outcomes(outcome)
    effect = np.zeros(len(named), dtype="float64")
    effect[named.isin([*WARMING_OUTCOMES, "reached"]).fillna(False).to_numpy(dtype=bool)] = 1
    effect[named.eq("no_answer").fillna(False).to_numpy(dtype=bool)] = -1
    effect[named.isin(["not_interested", "refused", "opted_out"]).fillna(False).to_numpy(dtype=bool)] = -2
    return effect


def _consent(customers: pd.DataFrame, cutoff: pd.Timestamp, suppressed: np.ndarray) -> pd.DataFrame:
    """Consent per channel as of the day: given, and not withdrawn by an opt-out on or before it.

    A wish not to be contacted at all ("never", "ei soovi", "nie kontaktować") is an opt-out.
    """
    opted_out = (customers["opted_out_at"].notna() & (customers["opted_out_at"] <= cutoff)).to_numpy() | suppressed
    opted_out |= wants_no_contact(customers["preferred_contact_frequency"]).to_numpy(dtype=bool)
    out = {"opted_out": opted_out}
    for channel in CHANNELS:
        out[f"consent_{channel}"] = customers[f"consent_{channel}"].fillna(False).to_numpy(dtype=bool) & ~opted_out
    return pd.DataFrame(out)


LIST_COLUMNS = frozenset({"tags", "interests"})
"""Columns holding comma-separated lists: a filter on one value matches any item of the list."""


def column_values(view: pd.DataFrame, column: str, limit: int = 200) -> list[str]:
    """The distinct values of a column to offer in a filter, most frequent first."""
    values = view[column].dropna().astype("string")
    if column in LIST_COLUMNS:
        values = values.str.split(",").explode().str.strip()
    values = values[values != ""]
    return [str(v) for v in values.value_counts().index[:limit]]


def select_customers(view: pd.DataFrame, filters: dict[str, list[str]]) -> pd.DataFrame:
    """Customers matching every filter (column → accepted values, empty accepts all); ``view`` itself if all do."""
    keep = pd.Series(True, index=view.index)
    for column, accepted in filters.items():
        if not accepted:
            continue
        values = view[column].astype("string")
        if column in LIST_COLUMNS:
            items = values.str.split(",").explode().str.strip()
            hit = items.isin(accepted).groupby(level=0).any()
            keep &= hit.reindex(view.index, fill_value=False)
        else:
            keep &= values.isin(accepted).fillna(False)
    return view if keep.all() else view[keep]
