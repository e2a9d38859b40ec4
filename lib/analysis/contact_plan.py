"""The contact plan (DOMAIN.md §5): *when* each customer is due a message, why, and by which channel.

Rules turn the analysed customers into due contacts. Each rule is a setting (0 switches it
off): after-care after a first purchase, hot prospects before they cool, loyal customers
between purchases, customers past their own rhythm (a reminder, or a come-back offer when
far overdue), former customers (win-back), birthdays, open complaints, the top group's
reward and the dormant customers' offer (seed 003). A customer's wish for how often to be
contacted moves a due date later; a channel is suggested only where the customer gave
consent and the register has the contact detail. Every row carries its rule and the figures
its explanation quotes, worded in the user's language by `plan_reasons`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from lib import i18n
from lib.reading.wishes import contact_wish_days
from lib.schema import CHANNELS
from lib.settings import Settings

RULES = (
    "aftercare",
    "hot_prospect",
    "loyal_reminder",
    "overdue_reminder",
    "win_back_offer",
    "former_win_back",
    "birthday",
    "open_complaint",
    "top_reward",
    "dormant_offer",
)
"""The plan's rules, in the order the plan page lists them."""
RULE_CHANNELS: dict[str, tuple[str, ...]] = {
    "aftercare": ("phone", "email", "sms"),
    "hot_prospect": ("phone", "email", "sms"),
    "loyal_reminder": ("email", "sms", "post"),
    "overdue_reminder": ("email", "sms", "phone"),
    "win_back_offer": ("email", "post", "sms"),
    "former_win_back": ("email", "post", "phone"),
    "birthday": ("sms", "email", "post"),
    "open_complaint": ("phone", "email"),
    "top_reward": ("post", "email", "phone"),
    "dormant_offer": ("email", "sms", "post"),
}
"""Channels each rule prefers, best first; the first one the customer allows is suggested."""
RULE_THEMES = {
    "aftercare": "how_was_it",
    "hot_prospect": "first_visit_offer",
    "loyal_reminder": "news_and_thanks",
    "overdue_reminder": "reminder",
    "win_back_offer": "come_back_offer",
    "former_win_back": "win_back_programme",
    "birthday": "birthday_greeting",
    "open_complaint": "complaint_follow_up",
    "top_reward": "special_reward",
    "dormant_offer": "special_offer",
}
"""The message theme each rule suggests."""
PLAN_COLUMNS = ["customer_id", "name", "rule", "due", "channel", "theme", "days", "relationship"]


def _after(base: pd.Series, days: float | np.ndarray) -> pd.Series:
    return base + pd.to_timedelta(days, unit="D")


PLAN_NOTE = "plan:"
"""Actions logged from the plan carry ``plan:<rule>`` as their note, so the plan knows them."""


def plan_action(customer_id: str, rule: str, channel: str | None, day: date, snooze_days: int = 0) -> dict[str, object]:
    """The action a plan row becomes: done on the day, or (snoozed) planned that many days later."""
    kind = {"email": "email", "sms": "sms", "phone": "call", "post": "offer"}.get(channel or "", "call")
    if rule == "birthday":
        kind = "greeting"
    values: dict[str, object] = {
        "customer_id": customer_id,
        "kind": kind,
        "channel": channel,
        "campaign": RULE_THEMES[rule],
        "note": PLAN_NOTE + rule,
    }
    if snooze_days:
        values["planned"] = day + timedelta(days=snooze_days)
    else:
        values["done"] = day
    return values


def handled(actions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """(customer, rule) pairs the plan should not show: done from the plan, or snoozed beyond the day.

    Columns customer_id, rule, since (the day it was done; due rows before it are handled),
    until (a snooze: hidden until then).
    """
    notes = actions["note"].astype("string")
    mine = actions[notes.str.startswith(PLAN_NOTE).fillna(False)]
    return pd.DataFrame(
        {
            "customer_id": mine["customer_id"].astype("string"),
            "rule": mine["note"].astype("string").str.removeprefix(PLAN_NOTE),
            "since": mine["done"],
            "until": mine["planned"].where(mine["done"].isna()),
        }
    )


def contact_plan(
    view: pd.DataFrame, as_of: date, settings: Settings, until: date | None = None, actions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every contact due by ``until`` (default: the as-of day) for the analysed customers ``view``.

    One row per customer and rule: ``due`` (the day it became due, or will), ``channel`` (missing
    when the customer allows none of the rule's channels), ``theme`` and ``days`` (the figure
    the reason quotes). Sorted by due date, then rule. Someone who opted out (in the register,
    or on the suppression list because they opted out or were erased) is never planned.
    """
    view = view[~view["opted_out"].astype(bool)]
    day = pd.Timestamp(as_of)
    end = pd.Timestamp(until or as_of)
    last_contact = view["last_action"].astype("datetime64[us]")  # our last contact (feedback is theirs)
    contacted_or_known = last_contact.fillna(view["first_contact"].astype("datetime64[us]")).fillna(day)
    relationship = view["relationship"].astype("string")
    buying = relationship.isin(("partner", "loyal", "occasional"))
    found = []

    def due(rule: str, mask: pd.Series, when: pd.Series, days: pd.Series | float) -> None:
        days_series = days if isinstance(days, pd.Series) else pd.Series(days, index=view.index)
        rows = view.loc[mask.fillna(False).astype(bool), ["customer_id", "name", "relationship"]]
        found.append(rows.assign(rule=rule, due=when[rows.index], days=days_series[rows.index]))

    s = settings
    if s.plan_aftercare_days:
        first = view["first_purchase"].astype("datetime64[us]")
        not_since = last_contact.isna() | (last_contact < first)
        due(
            "aftercare",
            (view["purchases"] == 1) & not_since & (day - first).dt.days.le(s.plan_aftercare_days * 4),
            _after(first, s.plan_aftercare_days),
            s.plan_aftercare_days,
        )
    if s.plan_hot_days:
        hot = (relationship == "prospect") & (view["temperature"].astype("string") == "hot")
        due("hot_prospect", hot, _after(contacted_or_known, s.plan_hot_days), (day - contacted_or_known).dt.days)
    if s.plan_loyal_days:
        loyal = relationship.isin(("partner", "loyal"))
        due("loyal_reminder", loyal, _after(contacted_or_known, s.plan_loyal_days), s.plan_loyal_days)
    far = (
        view["overdue_days"] > view["rhythm_days"] * s.plan_far_overdue_factor
        if s.plan_far_overdue_factor
        else pd.Series(False, index=view.index)
    )
    overdue = buying & view["overdue"]
    expected = view["expected_next"].astype("datetime64[us]")
    due("overdue_reminder", overdue & ~far, expected, view["overdue_days"].round())
    if s.plan_far_overdue_factor:
        due(
            "win_back_offer",
            overdue & far,
            _after(expected, view["rhythm_days"] * s.plan_far_overdue_factor),
            view["overdue_days"].round(),
        )
    if s.plan_former_days:
        due(
            "former_win_back",
            relationship == "former",
            _after(contacted_or_known, s.plan_former_days),
            view["days_since_last"].fillna(0).round(),
        )
    if s.plan_birthday_days:
        birthday = _next_birthday(view["birth_date"], day)
        within = (birthday - day).dt.days.le(s.plan_birthday_days)
        due("birthday", within, birthday - pd.to_timedelta(s.plan_birthday_days, unit="D"), (birthday - day).dt.days)
    if s.plan_complaint_days:
        complaint = view["oldest_open_complaint"].astype("datetime64[us]")
        due("open_complaint", complaint.notna(), _after(complaint, s.plan_complaint_days), (day - complaint).dt.days)
    if s.plan_reward_days:
        due(
            "top_reward",
            view["value_tier"].astype("string") == "top",
            _after(contacted_or_known, s.plan_reward_days),
            s.plan_reward_days,
        )
    if s.plan_dormant_days:
        dormant = (view["value_tier"].astype("string") == "dormant") & relationship.ne("former")
        due("dormant_offer", dormant, _after(contacted_or_known, s.plan_dormant_days), view["days_since_last"].round())
    if not found or all(part.empty for part in found):
        return pd.DataFrame(columns=PLAN_COLUMNS)
    plan = pd.concat([part for part in found if not part.empty], ignore_index=False)
    # A customer's frequency wish: not sooner than that many days after the last contact.
    wish = contact_wish_days(view["preferred_contact_frequency"]).fillna(0.0)
    earliest = _after(last_contact, wish)[plan.index]
    plan["due"] = plan["due"].where(earliest.isna() | (plan["due"] >= earliest), earliest)
    plan = plan[plan["due"].notna() & (plan["due"] <= end)]
    if actions is not None and len(actions):
        plan = _without_handled(plan, handled(actions, as_of), day)
    plan["channel"] = pd.Series(_channels(view.loc[plan.index], plan["rule"]), index=plan.index, dtype="string")
    plan["theme"] = plan["rule"].map(RULE_THEMES)
    order = {rule: i for i, rule in enumerate(RULES)}
    plan = plan.assign(_order=plan["rule"].map(order)).sort_values(["due", "_order", "customer_id"], kind="stable")
    return plan.drop(columns="_order").reset_index(drop=True)[PLAN_COLUMNS]


def _without_handled(plan: pd.DataFrame, done: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Drop rows done from the plan since they fell due (or during the period), and rows snoozed past the day."""
    if done.empty:
        return plan
    keyed = plan.reset_index().merge(done, on=["customer_id", "rule"], how="left")
    # Done since it fell due, or done on or after the plan's first day: handled for this period.
    finished = keyed["since"].notna() & (keyed["since"] >= keyed["due"].clip(upper=day) - pd.Timedelta(days=1))
    snoozed = keyed["until"].notna() & (keyed["until"] > day)
    hidden = set(keyed.loc[finished | snoozed, "index"])
    return plan[~plan.index.isin(hidden)]


def _next_birthday(birth: pd.Series, day: pd.Timestamp) -> pd.Series:
    """The next birthday on or after the day (29 February falls on 28 February in other years)."""
    known = birth.notna()
    month = birth.dt.month.fillna(1).astype(int)
    dom = birth.dt.day.fillna(1).astype(int)
    dom = dom.where(~((month == 2) & (dom == 29)), 28)
    this_year = pd.to_datetime({"year": day.year, "month": month, "day": dom}, errors="coerce")
    next_year = pd.to_datetime({"year": day.year + 1, "month": month, "day": dom}, errors="coerce")
    upcoming = this_year.where(this_year >= day, next_year)
    return upcoming.where(known).astype("datetime64[us]")


def _channels(view: pd.DataFrame, rules: pd.Series) -> list[str | None]:
    """The first channel of each rule the customer allows and can be reached on."""
    reachable = {
        "email": view["consent_email"] & view["has_email"],
        "sms": view["consent_sms"] & view["has_phone"],
        "phone": view["consent_phone"] & view["has_phone"],
        "post": view["consent_post"] & view["has_address"],
    }
    chosen = []
    for position, rule in enumerate(rules):
        chosen.append(next((c for c in RULE_CHANNELS[rule] if bool(reachable[c].iloc[position])), None))
    return chosen


def plan_reasons(plan: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.Series:
    """Each due contact's rule in words, quoting its figure (days)."""
    return pd.Series(
        [
            i18n.t(f"plan.reason.{rule}", lang, days=int(days) if pd.notna(days) else 0)
            for rule, days in zip(plan["rule"], plan["days"], strict=True)
        ],
        index=plan.index,
        dtype="string",
    )


def plan_counts(plan: pd.DataFrame) -> pd.DataFrame:
    """Due contacts per rule (rows, in rule order) and channel (columns, ``none`` for no consent)."""
    channel = plan["channel"].fillna("none")
    table = pd.crosstab(plan["rule"], channel) if len(plan) else pd.DataFrame()
    return table.reindex(index=list(RULES), columns=[*CHANNELS, "none"], fill_value=0).fillna(0).astype(int)


def week_after(day: date) -> date:
    """The end of the default plan period: a week from the day."""
    return day + timedelta(days=7)


NO_RESPONSE = frozenset(
    {
        "no answer",
        "no response",
        "not interested",
        "unreachable",
        "ei vastanud",
        "ei vasta",
        "ei huvita",
        "ei vastannut",
        "ei kiinnosta",
        "neatsakė",
        "nesidomi",
        "brak odpowiedzi",
        "nie odebrał",
        "nie odebrała",
        "niezainteresowany",
        "niezainteresowana",
    }
)
"""Outcomes that mean the customer did not respond (en, et, fi, lt, pl)."""


def action_effectiveness(
    actions: pd.DataFrame, purchases: pd.DataFrame, classes: pd.Series, by: str, days: int = 30
) -> pd.DataFrame:
    """Per action kind, campaign or class: actions done, the share that got a response, and the share
    followed by a purchase within ``days`` (DOMAIN.md §4: were the actions effective?).

    ``classes`` maps customer id → ladder class (for ``by="class"``).
    """
    done = actions[actions["done"].notna()].copy()
    if done.empty:
        return pd.DataFrame(columns=[by, "actions", "response_rate", "purchase_rate"])
    outcome = done["outcome"].astype("string").str.strip().str.lower()
    done["responded"] = outcome.notna() & ~outcome.isin(NO_RESPONSE)
    bought = purchases[purchases["date"].notna() & purchases["customer_id"].notna()][["customer_id", "date"]]
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


def filter_plan(plan: pd.DataFrame, rules: Sequence[str], channels: Sequence[str]) -> pd.DataFrame:
    """The plan's rows of the rules and channels chosen (``none``: no permitted channel); nothing chosen keeps all."""
    if rules:
        plan = plan[plan["rule"].isin(rules)]
    if channels:
        plan = plan[plan["channel"].fillna("none").isin(channels)]
    return plan
