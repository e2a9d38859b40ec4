"""The relationship ladder (DOMAIN.md §2), RFM scores, value tiers and prospect temperature.

Every customer gets a class (partner, loyal, occasional, prospect, former) by rules whose
thresholds are settings, and a **reason** in words, so the manager can see why. A class
written in the register's relationship column wins and is shown as such. Reasons are
stored as a catalogue key plus the figures they quote, and turned into text in the
user's language only for the rows on screen (`reason_texts`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import pandas as pd

from lib import i18n
from lib.reading.values import positions_in
from lib.schema import CLASSES, NOT_SCORED, RFM_GROUPS, TEMPERATURES, TIERS
from lib.settings import Settings

# (recency scores, frequency scores) → group; together they cover the 5 × 5 grid once.
_RFM_MAP = (
    ("champions", (5,), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potential_loyalist", (4, 5), (2, 3)),
    ("new", (5,), (1,)),
    ("promising", (4,), (1,)),
    ("need_attention", (3,), (3,)),
    ("about_to_sleep", (3,), (1, 2)),
    ("at_risk", (1, 2), (3, 4)),
    ("cant_lose", (1, 2), (5,)),
    ("hibernating", (1, 2), (1, 2)),
)


def classify_customers(facts: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Class, its source and reason, RFM scores and group, value tier and temperature per customer.

    Rules, first match wins: no purchase → prospect; purchases without any date (a count in a
    summary column) → occasional; no purchase for longer than the churn horizon → former;
    marked as buying elsewhere, or fewer than the loyal minimum of purchases, or past the usual
    rhythm → occasional; otherwise loyal, and partner when they also gave an idea or a wish lately.

    A class marked in the register is where the customer stood when it was written, and holds
    until the purchases say otherwise (`_overruled`): then the rules decide and the reason says both.
    """
    count = facts["purchases"].to_numpy()
    since = facts["days_since_last"].to_numpy()
    marked = category_codes(facts["marked_class"].astype("string"), CLASSES)
    idea_days = facts["idea_days"].to_numpy()
    recent_idea = idea_days <= settings.partner_feedback_days
    elsewhere = facts["buys_elsewhere"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    within = since <= facts["rhythm_window_days"].to_numpy()
    conditions = [
        count == 0,
        np.isnan(since),
        since > settings.churn_horizon_days,
        elsewhere,
        count < settings.loyal_min_purchases,
        ~within,
        recent_idea,
    ]
    reasons = ["no_purchase", "undated", "churned", "buys_elsewhere", "few_purchases", "irregular", "partner"]
    classes = ["prospect", "occasional", "former", "occasional", "occasional", "occasional", "partner"]
    by_rule = np.select(conditions, [CLASSES.index(name) for name in classes], default=CLASSES.index("loyal"))
    rule_reason = np.select(conditions, reasons, default="loyal")
    is_marked = marked >= 0
    overruled = is_marked & _overruled(marked, count, since, settings)
    held = is_marked & ~overruled
    lapsed = by_rule == CLASSES.index("former")
    reason = np.where(
        held, "marked", np.where(overruled, np.where(lapsed, "marked_lapsed", "marked_bought"), rule_reason)
    )
    out = pd.DataFrame(
        {
            "customer_id": facts["customer_id"],
            "relationship": pd.Categorical.from_codes(np.where(held, marked, by_rule), categories=CLASSES),
            "class_source": np.where(held, "register", "rule"),
            "reason": reason,
        }
    )
    out = pd.concat(
        [out, rfm_scores(facts), value_tiers(facts, settings), prospect_temperature(facts, settings)], axis=1
    )
    return out


def _overruled(marked: np.ndarray, count: np.ndarray, since: np.ndarray, settings: Settings) -> np.ndarray:
    """Where the purchases contradict the class written in the register (DOMAIN.md §2, the ladder moves).

    A prospect who bought is a customer; a former customer who bought within the churn horizon came
    back; a partner, loyal or occasional customer with no purchase for longer than it has left. A
    register without dated purchases cannot contradict anything: the written class stands.
    """
    former, prospect = CLASSES.index("former"), CLASSES.index("prospect")
    bought_lately = since <= settings.churn_horizon_days
    lapsed = since > settings.churn_horizon_days
    return np.select(
        [marked == prospect, marked == former],
        [count > 0, bought_lately],
        default=(marked >= 0) & (marked != prospect) & (marked != former) & lapsed,
    ).astype(bool)


def category_codes(values: pd.Series, categories: tuple[str, ...]) -> np.ndarray:
    """Each text value's position among the categories (-1 for a missing or other value)."""
    return positions_in(values.reset_index(drop=True), pd.Series(categories, dtype="string"))


def _score(values: np.ndarray, buying: np.ndarray, higher_is_better: bool = True) -> np.ndarray:
    """Scores 1–5 by rank among the buying customers, 0 for the others and for a missing figure.

    Quintiles on a large register, and still spread 1–5 on five customers.
    The mid-rank percentile ((rank − ½) / n) keeps ties together and gives one customer a 3.
    """
    scores = np.zeros(len(values), dtype=np.int64)
    if buying.any():
        chosen = values[buying] if higher_is_better else -values[buying]
        ranks = pd.Series(chosen).rank(method="average").to_numpy()
        scores[buying] = np.nan_to_num(np.clip(np.ceil((ranks - 0.5) / len(chosen) * 5), 1, 5))  # no figure: 0
    return scores


def _rfm_table() -> np.ndarray:
    """Group code by (recency score, frequency score); score 0 (not buying) → not scored."""
    table = np.full((6, 6), len(RFM_GROUPS), dtype=np.int64)
    for name, recency, frequency in _RFM_MAP:
        table[np.ix_(recency, frequency)] = RFM_GROUPS.index(name)
    return table


_RFM_TABLE = _rfm_table()


def rfm_scores(facts: pd.DataFrame) -> pd.DataFrame:
    """Recency, frequency and monetary scores (1–5) and the named group, for buying customers."""
    buying = (facts["purchases"] > 0).to_numpy()
    r = _score(facts["days_since_last"].to_numpy(dtype="float64"), buying, higher_is_better=False)
    f = _score(facts["purchases"].to_numpy(dtype="float64"), buying)
    m = _score(facts["value"].to_numpy(dtype="float64"), buying)

    def nullable(scores: np.ndarray) -> pd.arrays.IntegerArray:
        return pd.arrays.IntegerArray(scores, scores == 0)

    return pd.DataFrame(
        {
            "r": nullable(r),
            "f": nullable(f),
            "m": nullable(m),
            "rfm_group": pd.Categorical.from_codes(_RFM_TABLE[r, f], categories=(*RFM_GROUPS, NOT_SCORED)),
        },
        index=facts.index,
    )


def value_tiers(facts: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Seed 003's reward tiers: dormant buyers first, then the top share by value, then the threshold."""
    buying = (facts["purchases"] > 0).to_numpy()
    dormant = buying & (facts["days_since_last"].to_numpy() > settings.dormant_days)
    active = buying & ~dormant
    value = facts["value"].to_numpy()
    top = np.zeros(len(facts), dtype=bool)
    if active.any():
        top_n = max(1, math.ceil(active.sum() * settings.top_share_percent / 100))
        order = np.argsort(-np.where(active, value, -np.inf), kind="stable")[:top_n]
        top[order] = True
        top &= value > 0
    # Seed 003's motivational reward is for spending in a recent period, not for seniority.
    threshold = active & ~top & (facts["recent_value"].to_numpy() >= settings.reward_threshold)
    tier = np.select(
        [~buying, dormant, top, threshold],
        [TIERS.index(name) for name in ("none", "dormant", "top", "threshold")],
        default=TIERS.index("base"),
    )
    return pd.DataFrame({"value_tier": pd.Categorical.from_codes(tier, categories=TIERS)})


def prospect_temperature(facts: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Cold, warm or hot for prospects, cooling with time and with the answers they gave (DOMAIN.md §3).

    A prospect is hot for `hot_contact_days` after their last sign of interest, warm until
    `warm_contact_days`, then cold. A temperature written in the register is the value on the day
    it speaks for and cools from there the same way (a "hot" from three years ago is cold), and
    interest shown since warms it. A contact since then that was refused or met "not interested" makes
    the prospect cold; one that went unanswered cools them a step.
    """
    prospect = (facts["purchases"] == 0).to_numpy()
    stated = category_codes(facts["lead_temperature"], TEMPERATURES)
    has_stated = stated >= 0

    def cooled(level: np.ndarray, days: np.ndarray, effect: np.ndarray) -> np.ndarray:
        by_time = np.select(
            [days <= settings.hot_contact_days, days <= settings.warm_contact_days],
            [TEMPERATURES.index("hot"), TEMPERATURES.index("warm")],
            default=TEMPERATURES.index("cold"),
        )
        level = np.minimum(level, by_time)
        return np.where(effect <= -2, 0, np.maximum(level + np.minimum(effect, 0), 0))

    hottest = np.full(len(facts), TEMPERATURES.index("hot"))
    derived = cooled(hottest, facts["interest_days"].to_numpy(), facts["cooled_by"].to_numpy())
    written = cooled(stated, facts["written_days"].to_numpy(), facts["written_cooled_by"].to_numpy())
    # Interest shown since the register's word warms whatever it said: the warmer of the two.
    temperature = np.where(has_stated, np.maximum(written, derived), derived)
    source = np.where(
        has_stated,
        np.where(temperature == stated, "register", np.where(temperature > stated, "contact", "register_cooled")),
        "contact",
    )
    return pd.DataFrame(
        {
            "temperature": pd.Categorical.from_codes(np.where(prospect, temperature, -1), categories=TEMPERATURES),
            "temperature_source": np.where(prospect, source, np.array(None)),
        }
    )


LADDER_STEPS = ("partner", "loyal", "occasional", "prospect")
"""The ladder's rungs from the deepest relationship down; a former customer is off the ladder."""


def with_deeper(classes: Iterable[str]) -> list[str]:
    """The classes chosen and every deeper one: "loyal" means loyal customers and partners (DOMAIN.md §2,
    a partner is the deepest kind of loyal customer), so a list for the loyal never leaves partners out."""
    chosen = set(classes)
    for name in list(chosen):
        if name in LADDER_STEPS:
            chosen |= set(LADDER_STEPS[: LADDER_STEPS.index(name)])
    return [name for name in CLASSES if name in chosen]


def ladder_counts(classes: pd.DataFrame) -> dict[str, int]:
    """Customers per class, every class present (zeros included), deepest relationship first."""
    counts = classes["relationship"].value_counts()
    return {name: int(counts.get(name, 0)) for name in CLASSES}


def rfm_grid(classes: pd.DataFrame) -> pd.DataFrame:
    """Customers per (recency score, frequency score): rows R 5→1, columns F 1→5, for the heatmap."""
    scored = classes[["r", "f"]].dropna()  # two columns, not every column of every customer
    grid = pd.crosstab(scored["r"], scored["f"]).reindex(index=[5, 4, 3, 2, 1], columns=[1, 2, 3, 4, 5], fill_value=0)
    return grid.astype(int)


def reason_texts(view: pd.DataFrame, settings: Settings, lang: str = i18n.DEFAULT_LANGUAGE) -> pd.Series:
    """The reason for each customer's class in words, for the rows on screen.

    ``view`` holds the facts and the classification columns of those customers; the
    figures quoted are whole days.
    """
    texts = []
    for row in view.itertuples(index=False):
        params = {
            "horizon": settings.churn_horizon_days,
            "minimum": settings.loyal_min_purchases,
            "n": int(row.purchases),
            "days": _whole(row.days_since_last),
            "rhythm": _whole(row.rhythm_days),
            "idea_days": _whole(row.idea_days),
            "label": i18n.t(f"class.{row.relationship}", lang),
            "marked": i18n.t(f"class.{row.marked_class}", lang) if isinstance(row.marked_class, str) else "",
            "last": i18n.day(row.last_purchase, lang) if pd.notna(row.last_purchase) else "",
        }
        key = f"reason.{row.reason}"
        if params["n"] == 1 and i18n.t(f"{key}.one", lang) != f"⟦{key}.one⟧":
            key = f"{key}.one"
        texts.append(i18n.t(key, lang, **params))
    return pd.Series(texts, index=view.index, dtype="string")


def _whole(value: float) -> int:
    return 0 if value is None or pd.isna(value) else round(float(value))
