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

import heapq
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pandas as pd

from lib import i18n
from lib.analysis.plan_notes import RULES, is_plan_note, note_rules, plan_note
from lib.reading.values import parse_choices
from lib.reading.wishes import contact_wish_days
from lib.schema import CHANNELS, KEY_COL
from lib.settings import Settings

RULE_CHANNELS: dict[str, tuple[str, ...]] = {
    "open_complaint": ("phone", "email"),
    "planned_action": ("phone", "email", "sms", "post"),
    "hot_prospect": ("phone", "email", "sms"),
    "aftercare": ("phone", "email", "sms"),
    "birthday": ("sms", "email", "post"),
    "threshold_reward": ("email", "post", "sms"),
    "top_reward": ("post", "email", "phone"),
    "win_back_offer": ("email", "post", "sms"),
    "overdue_reminder": ("email", "sms", "phone"),
    "loyal_reminder": ("email", "sms", "post"),
    "dormant_offer": ("email", "sms", "post"),
    "former_win_back": ("email", "post", "phone"),
}
"""Channels each rule prefers, best first; the first one the customer allows is suggested."""
RULE_THEMES = {
    "open_complaint": "complaint_follow_up",
    "planned_action": "planned",
    "hot_prospect": "first_visit_offer",
    "aftercare": "how_was_it",
    "birthday": "birthday_greeting",
    "threshold_reward": "motivational_reward",
    "top_reward": "special_reward",
    "win_back_offer": "come_back_offer",
    "overdue_reminder": "reminder",
    "loyal_reminder": "news_and_thanks",
    "dormant_offer": "special_offer",
    "former_win_back": "win_back_programme",
}
"""The message theme each rule suggests."""
PLAN_COLUMNS = [
    "customer_id",
    "name",
    "rule",
    "due",
    "fell_due",
    "also",
    "channel",
    "theme",
    "days",
    "relationship",
    "note",
    "action_key",
]
"""A plan row: ``due`` is the day in the period it is planned for, ``fell_due`` the day it became due (earlier
for an overdue contact), ``also`` the customer's other due rules, most important first (comma-separated);
``note`` and ``action_key`` belong to a contact planned in the register's actions."""


def _after(base: pd.Series, days: float | np.ndarray) -> pd.Series:
    return base + pd.to_timedelta(days, unit="D")


SETTLED_ALONG = frozenset(
    {
        "aftercare",
        "hot_prospect",
        "loyal_reminder",
        "overdue_reminder",
        "win_back_offer",
        "former_win_back",
        "dormant_offer",
    }
)
"""Reasons a contact made for another reason covers too: each only asks that the customer hears from us."""
ACTION_KINDS_BY_CHANNEL = {"email": "email", "sms": "sms", "phone": "call", "post": "offer"}


def plan_action(
    customer_id: str,
    rule: str,
    channel: str | None,
    day: date,
    snooze_days: int = 0,
    outcome: str | None = None,
    also: str = "",
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> dict[str, object]:
    """The action a plan row becomes: done on the day (with what came of it), or (snoozed) planned later,
    written in ``lang`` as a person would write it in the register (kind, channel, campaign, note).

    Its note names the rule and the reminders listed with it ("From the contact plan: Open complaints;
    Loyal customers", `lib.analysis.plan_notes`):
    one contact settles every reminder it was made for (`SETTLED_ALONG`); a greeting, a reward, a
    complaint and a contact planned in the register each still need their own.
    """
    kind = ACTION_KINDS_BY_CHANNEL.get(channel or "", "call")
    if rule == "birthday":
        kind = "greeting"
    rules = [rule, *(r for r in also.split(",") if r in SETTLED_ALONG and r != rule)]
    values: dict[str, object] = {
        "customer_id": customer_id,
        "kind": i18n.vocabulary_label("action_kind", kind, lang),
        "channel": i18n.vocabulary_label("channel", channel, lang) if channel in CHANNELS else channel,
        "campaign": i18n.t(f"plan.rule.{rule}", lang),
        "note": plan_note(rules, lang),
    }
    if snooze_days:
        values["planned"] = day + timedelta(days=snooze_days)
    else:
        values["done"] = day
        if outcome:
            values["outcome"] = outcome
    return values


def handled(actions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """(customer, rule) pairs the plan should not show: done from the plan, or snoozed beyond the day.

    Columns customer_id, rule, since (the day it was done; due rows before it are handled),
    until (a snooze: hidden until then).
    """
    rules = note_rules(actions["note"])
    mine = actions[rules.notna().to_numpy()]
    found = pd.DataFrame(
        {
            "customer_id": mine["customer_id"].astype("string"),
            "rule": rules[rules.notna()].map(list),
            "since": mine["done"],
            "until": mine["planned"].where(mine["done"].isna()),
        }
    )
    return found.explode("rule").reset_index(drop=True)


def contact_plan(
    view: pd.DataFrame,
    as_of: date,
    settings: Settings,
    until: date | None = None,
    actions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The contacts due from ``as_of`` to ``until`` (default: the as-of day) for the analysed customers ``view``.

    Nothing is due before the period: a contact that fell due earlier is due on its first day, once.
    At most one row per customer (`one_per_customer`: the most important rule due on their first day,
    `RULES` order), the others in ``also``. Rules that contradict each other never both fire (see `_candidates`). With a daily capacity
    (`Settings.plan_daily_capacity`) each day holds that many contacts, most important first, and the
    rest roll forward. ``channel`` is missing when the customer allows none of the rule's channels.
    Someone who opted out (in the register, or on the suppression list) is never planned.
    """
    view = view[~view["opted_out"].astype(bool)]
    start, end = pd.Timestamp(as_of), pd.Timestamp(until or as_of)
    candidates = _candidates(view, start, settings, actions)
    if actions is not None and len(actions):
        candidates = _without_handled(candidates, handled(actions, as_of), start)
    candidates = candidates[candidates["due"].notna() & (candidates["due"] <= end)]
    if candidates.empty:
        return pd.DataFrame(columns=PLAN_COLUMNS)
    candidates = candidates.assign(fell_due=candidates["due"], due=candidates["due"].clip(lower=start))
    plan = one_per_customer(candidates)
    plan = scheduled(plan, settings.plan_daily_capacity, end)
    rows = view.loc[plan["_row"]]
    plan["channel"] = pd.Series(_channels(rows, plan["rule"], plan["channel"]), index=plan.index, dtype="string")
    plan["theme"] = plan["rule"].map(RULE_THEMES)
    result = plan.reset_index(drop=True)[PLAN_COLUMNS]
    result.attrs["beyond_capacity"] = plan.attrs.get("beyond_capacity", 0)  # rolled beyond the period
    return result


def _candidates(
    view: pd.DataFrame, day: pd.Timestamp, settings: Settings, actions: pd.DataFrame | None
) -> pd.DataFrame:
    """Every (customer, rule) the rules find, with the day it falls due, before the plan is made of them."""
    last_contact = view["last_action"].astype("datetime64[us]")  # our last contact (feedback is theirs)
    contacted_or_known = last_contact.fillna(view["first_contact"].astype("datetime64[us]")).fillna(day)
    relationship = view["relationship"].astype("string")
    buying = relationship.isin(("partner", "loyal", "occasional"))
    found = []

    def due(rule: str, mask: pd.Series, when: pd.Series, days: pd.Series | float) -> None:
        days_series = days if isinstance(days, pd.Series) else pd.Series(days, index=view.index)
        rows = view.loc[mask.fillna(False).astype(bool), ["customer_id", "name", "relationship"]]
        found.append(rows.assign(rule=rule, due=when[rows.index], days=days_series[rows.index], _row=rows.index))

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
    far = (
        view["overdue_days"] > view["rhythm_days"] * s.plan_far_overdue_factor
        if s.plan_far_overdue_factor
        else pd.Series(False, index=view.index)
    )
    overdue = buying & view["overdue"]
    # Contradictions are settled by the customer's state, so they hold whatever the period: a loyal
    # customer past their rhythm gets the reminder, not thanks between purchases; one within their own
    # (slow) rhythm is not offered the dormant deal; the top group's reward includes the motivational one;
    # win-back is for former customers only, so someone who just bought is never in it.
    loyal = relationship.isin(("partner", "loyal")) & ~overdue
    if s.plan_loyal_days:
        due("loyal_reminder", loyal, _after(contacted_or_known, s.plan_loyal_days), s.plan_loyal_days)
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
    # Seed 003's motivational reward: spending over the threshold since the last such reward.
    top = view["value_tier"].astype("string") == "top"
    crossed = buying & ~top & (view["reward_value"] >= s.reward_threshold) & bool(s.plan_threshold_reward)
    due("threshold_reward", crossed, view["last_purchase"].astype("datetime64[us]"), view["reward_value"].round())
    if s.plan_dormant_days:
        dormant = (view["value_tier"].astype("string") == "dormant") & relationship.ne("former") & ~loyal
        due("dormant_offer", dormant, _after(contacted_or_known, s.plan_dormant_days), view["days_since_last"].round())
    plan = pd.concat([part for part in found if not part.empty] or [_empty(view)], ignore_index=True)
    # A customer's frequency wish: not sooner than that many days after the last contact.
    wish = contact_wish_days(view["preferred_contact_frequency"]).fillna(0.0)
    earliest = _after(last_contact, wish).loc[plan["_row"]].to_numpy()
    plan["due"] = plan["due"].where(pd.isna(earliest) | (plan["due"] >= earliest), earliest)
    plan["note"], plan["action_key"], plan["channel"] = pd.NA, pd.NA, pd.NA
    planned = planned_contacts(view, actions, day, settings.plan_missed_days)
    return pd.concat([plan, planned], ignore_index=True) if len(planned) else plan


def _empty(view: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {"customer_id": [], "name": [], "relationship": [], "rule": [], "due": [], "days": [], "_row": []}
    ).astype({"due": "datetime64[us]"})


def planned_contacts(
    view: pd.DataFrame, actions: pd.DataFrame | None, day: pd.Timestamp, missed_days: int
) -> pd.DataFrame:
    """Contacts the register's actions plan and nobody has done yet (not the plan's own snoozes): due on their
    day. One planned more than ``missed_days`` before the day was missed, and is not planned again."""
    columns = ["customer_id", "name", "relationship", "rule", "due", "days", "_row", "note", "action_key", "channel"]
    if actions is None or actions.empty:
        return pd.DataFrame(columns=columns)
    open_ = actions["planned"].notna() & actions["done"].isna() & ~is_plan_note(actions["note"])
    # Planned long ago and never done: missed (a "summer 2024" campaign is not due in December 2026).
    open_ &= actions["planned"] >= pd.Timestamp(day) - pd.Timedelta(days=missed_days)
    mine = actions[open_]
    where = pd.Series(view.index, index=view["customer_id"].astype("string"))
    rows = where.reindex(mine["customer_id"].astype("string")).to_numpy()
    mine, rows = mine[pd.notna(rows)], rows[pd.notna(rows)].astype(int)
    if mine.empty:
        return pd.DataFrame(columns=columns)
    described = mine["campaign"].astype("string").fillna(mine["kind"].astype("string"))
    note = mine["note"].astype("string")
    return pd.DataFrame(
        {
            "customer_id": mine["customer_id"].astype("string").to_numpy(),
            "name": view.loc[rows, "name"].to_numpy(),
            "relationship": view.loc[rows, "relationship"].to_numpy(),
            "rule": "planned_action",
            "due": mine["planned"].astype("datetime64[us]").to_numpy(),
            "days": 0,
            "_row": rows,
            "note": note.where(note.notna(), described).fillna("").to_numpy(),
            "action_key": mine[KEY_COL].astype("string").to_numpy(),
            "channel": parse_choices(mine["channel"], "channel")[0].astype("string").to_numpy(),
        }
    )


def one_per_customer(candidates: pd.DataFrame) -> pd.DataFrame:
    """One contact per customer, on the earliest day any of their rules is due: the most important rule due
    that day, the others (due then or later in the period) in ``also``, most important first."""
    order = {rule: i for i, rule in enumerate(RULES)}
    ranked = candidates.assign(_priority=candidates["rule"].map(order)).sort_values(
        ["customer_id", "due", "_priority"], kind="stable"
    )
    first = ~ranked["customer_id"].duplicated()
    others: dict[str, list[str]] = {}
    rest = ranked[~first].sort_values(["customer_id", "_priority"], kind="stable")
    for customer, rule in zip(rest["customer_id"], rest["rule"], strict=True):
        if rule not in others.setdefault(customer, []):
            others[customer].append(rule)
    plan = ranked[first].copy()
    plan["also"] = pd.array([",".join(others.get(c, ())) for c in plan["customer_id"]], dtype="string")
    return plan


def scheduled(plan: pd.DataFrame, capacity: int, end: pd.Timestamp) -> pd.DataFrame:
    """The plan in the order to work through it: by day, most important first.

    With a daily capacity, each day takes the most important of the contacts due by then, up to the
    capacity; the rest roll to the next day, and those no day of the period can hold leave the plan.
    """
    plan = plan.sort_values(["due", "_priority", "customer_id"], kind="stable").reset_index(drop=True)
    if capacity <= 0 or plan.empty:
        return plan.drop(columns="_priority")
    due_days = plan["due"].to_numpy(dtype="datetime64[D]")
    priority = plan["_priority"].to_numpy()
    waiting: list[tuple[int, int]] = []
    placed: dict[int, np.datetime64] = {}
    position, day, one = 0, due_days[0], np.timedelta64(1, "D")
    while day <= end.to_datetime64().astype("datetime64[D]"):
        while position < len(plan) and due_days[position] <= day:
            heapq.heappush(waiting, (int(priority[position]), position))
            position += 1
        for _ in range(min(capacity, len(waiting))):
            placed[heapq.heappop(waiting)[1]] = day
        if not waiting and position >= len(plan):
            break
        day = day + one if waiting else max(day + one, due_days[position])
    kept = plan.loc[sorted(placed)].copy()
    kept["due"] = pd.Series([placed[i] for i in kept.index], index=kept.index).astype("datetime64[us]")
    kept = kept.sort_values(["due", "_priority", "customer_id"], kind="stable").drop(columns="_priority")
    kept.attrs["beyond_capacity"] = len(plan) - len(kept)
    return kept


def _without_handled(plan: pd.DataFrame, done: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Drop rows done from the plan since they fell due (or during the period), and rows snoozed past the day."""
    if done.empty:
        return plan
    keyed = plan.reset_index().merge(done, on=["customer_id", "rule"], how="left")
    # Done since it fell due, or done on or after the plan's first day, or done in the week before it
    # falls due (settled along with another reason): handled.
    finished = keyed["since"].notna() & (
        (keyed["since"] >= keyed["due"].clip(upper=day) - pd.Timedelta(days=1))
        | (keyed["due"] - keyed["since"] <= pd.Timedelta(days=7))
    )
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


def _channels(view: pd.DataFrame, rules: pd.Series, wanted: pd.Series) -> list[str | None]:
    """The channel each row names (a planned action's) when the customer allows it, else the first channel
    of the rule that the customer allows and can be reached on."""
    reachable = {
        "email": (view["consent_email"] & view["has_email"]).to_numpy(dtype=bool),
        "sms": (view["consent_sms"] & view["has_phone"]).to_numpy(dtype=bool),
        "phone": (view["consent_phone"] & view["has_phone"]).to_numpy(dtype=bool),
        "post": (view["consent_post"] & view["has_address"]).to_numpy(dtype=bool),
    }
    chosen = []
    for position, (rule, own) in enumerate(zip(rules, wanted, strict=True)):
        preferred = (own, *RULE_CHANNELS[rule]) if isinstance(own, str) and own in reachable else RULE_CHANNELS[rule]
        chosen.append(next((c for c in preferred if reachable[c][position]), None))
    return chosen


def plan_reasons(plan: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE, currency: str = "EUR") -> pd.Series:
    """Each due contact's rule in words, quoting its figure (days, or the spending a reward is for), and
    for a contact planned in the register, what was planned."""
    notes = plan["note"] if "note" in plan else pd.Series(pd.NA, index=plan.index)
    said: dict[tuple[object, float, str], str] = {}  # thousands of rows share a few hundred reasons

    def reason(rule: object, figure: float, note: str) -> str:
        if (rule, figure, note) not in said:
            amount = i18n.money(figure, lang, currency)
            said[rule, figure, note] = i18n.t(f"plan.reason.{rule}", lang, days=round(figure), amount=amount, note=note)
        return said[rule, figure, note]

    texts = [
        reason(rule, float(days) if pd.notna(days) else 0.0, note if isinstance(note, str) else "")
        for rule, days, note in zip(plan["rule"], plan["days"], notes, strict=True)
    ]
    return pd.Series(texts, index=plan.index, dtype="string")


def plan_counts(plan: pd.DataFrame) -> pd.DataFrame:
    """Due contacts per rule (rows, in rule order) and channel (columns, ``none`` for no consent)."""
    channel = plan["channel"].astype(object).fillna("none")
    rule = plan["rule"].astype(object)
    table = channel.groupby([rule, channel]).size().unstack(fill_value=0) if len(plan) else pd.DataFrame()
    return table.reindex(index=list(RULES), columns=[*CHANNELS, "none"], fill_value=0).fillna(0).astype(int)


def week_after(day: date) -> date:
    """The end of the default plan period: a week from the day."""
    return day + timedelta(days=7)


def filter_plan(plan: pd.DataFrame, rules: Sequence[str], channels: Sequence[str]) -> pd.DataFrame:
    """The plan's rows of the rules (as the contact's reason or one listed with it) and channels chosen
    (``none``: no permitted channel); nothing chosen keeps all."""
    if rules:
        listed = (
            plan["also"].fillna("").str.split(",") if "also" in plan else pd.Series([[]] * len(plan), index=plan.index)
        )
        plan = plan[plan["rule"].isin(rules) | listed.map(lambda also: bool(set(also) & set(rules)))]
    if channels:
        plan = plan[plan["channel"].fillna("none").isin(channels)]
    return plan
