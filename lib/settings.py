"""Every threshold the analysis uses, with its default and a one-line explanation.

DOMAIN.md leaves many rules open ("no purchase for longer than the churn horizon"); each
such rule is a setting here, never a constant hidden in the code. The Settings page shows
every spec with its explanation (catalogue key ``setting.<name>``), the workspace keeps the
chosen values, and a changed value gives a new `Settings.digest`, which every cached
analysis is keyed on.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

import pandas as pd

from lib.schema import RATING_SCALES


@dataclass(frozen=True)
class SettingSpec:
    """How a setting is offered in the UI: its range, step and unit (days, purchases, …)."""

    name: str
    minimum: float
    maximum: float
    step: float
    unit: str
    group: str


@dataclass(frozen=True)
class Settings:
    """The analysis thresholds of one workspace; frozen so a cached result can trust them."""

    # The ladder (DOMAIN.md §2)
    loyal_min_purchases: int = 3
    rhythm_tolerance: float = 2.0
    min_rhythm_days: int = 30
    default_interval_days: int = 90
    churn_horizon_days: int = 365
    partner_feedback_days: int = 365
    # Prospects and the lifecycle (§3)
    hot_contact_days: int = 14
    warm_contact_days: int = 90
    cooling_days: int = 21
    trial_days: int = 90
    won_back_days: int = 180
    # Value tiers (seed 003) and retention economics (seed 004)
    top_share_percent: float = 10.0
    reward_threshold: float = 500.0
    reward_period_days: int = 365
    """Spending within this many days counts toward the motivational reward (seed 003: an order of a size)."""
    dormant_days: int = 180
    retention_cost: float = 20.0
    acquisition_cost_ratio: float = 10.0
    currency: str = "EUR"
    """The register's currency (ISO code): how amounts are written on every page."""
    rating_scales: str = ""
    """Corrections to the rating scale of a question (a feedback sheet): ``Feedback: 0-10; Survey: 1-5``."""
    # The contact plan (DOMAIN.md §5); 0 switches a rule off
    plan_aftercare_days: int = 7
    plan_hot_days: int = 7
    plan_loyal_days: int = 60
    plan_far_overdue_factor: float = 3.0
    plan_former_days: int = 90
    plan_birthday_days: int = 14
    plan_complaint_days: int = 3
    plan_reward_days: int = 180
    plan_dormant_days: int = 60
    plan_threshold_reward: int = 1
    """1: the plan offers the motivational reward to whoever spent past the threshold since their last one."""
    plan_missed_days: int = 30
    """A contact planned in the register and not done this many days after its day was missed: not planned."""
    plan_daily_capacity: int = 0
    """Contacts the team can make in a day; the rest roll to the next day (0: no limit)."""
    existing_customer_exception: int = 0
    exception_countries: str = "EE, LV, LT, FI"
    prior_consent_countries: str = "PL"
    # Who sees what (team use)
    viewer_customer_tables: int = 1
    """1: viewers see tables of individual customers with pseudonymous ids; 0: not at all."""

    def digest(self) -> str:
        """A short hash of every value: part of the key of every cached analysis."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:16]

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Settings:
        """Settings from stored JSON; unknown names are ignored, missing ones take their default."""
        data = json.loads(text) if text else {}
        return cls().updated(data)

    def to_frame(self) -> pd.DataFrame:
        """One row per setting (name, value, default): the settings sheet of an exported workbook."""
        return pd.DataFrame(
            [
                {"setting": item.name, "value": getattr(self, item.name), "default": item.default}
                for item in fields(self)
            ]
        )

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Settings:
        """Settings from a settings sheet; unknown names and unreadable values are skipped."""
        return cls().updated(values_from_frame(frame))

    def updated(self, values: dict[str, Any]) -> Settings:
        """A copy with ``values`` applied, each cast to its type and kept within its range."""
        changes: dict[str, Any] = {}
        for item in fields(self):
            if item.name not in values or values[item.name] is None:
                continue
            spec = SPECS[item.name]
            if spec.unit == "countries":
                changes[item.name] = ", ".join(country_list(str(values[item.name])))
                continue
            if spec.unit == "scales":
                changes[item.name] = scales_text(scale_map(str(values[item.name])))
                continue
            if spec.unit == "currency":
                code = str(values[item.name]).strip().upper()
                if code in CURRENCIES:
                    changes[item.name] = code
                continue
            number = min(max(float(values[item.name]), spec.minimum), spec.maximum)
            changes[item.name] = round(number) if item.type in ("int", int) else number
        return replace(self, **changes)


DEFAULTS = Settings()
CONSENT_LAW = ("existing_customer_exception", "exception_countries", "prior_consent_countries")
"""The settings that decide who may be contacted without prior consent: never loosened without an editor."""


def values_from_frame(frame: pd.DataFrame) -> dict[str, Any]:
    """The settings a settings sheet holds (name → value); unknown names and unreadable values are skipped."""
    values: dict[str, Any] = {}
    for name, value in zip(frame.get("setting", []), frame.get("value", []), strict=False):
        key = str(name).strip()
        if key in SPECS and SPECS[key].unit in TEXT_UNITS:
            values[key] = "" if value is None or pd.isna(value) else str(value)
            continue
        try:
            number = float(str(value).replace(",", "."))
        except ValueError:
            continue
        if math.isfinite(number):  # an empty cell reads as "nan": that setting is simply not carried
            values[key] = number
    return {k: v for k, v in values.items() if k in SPECS}


def loosened(before: Settings, after: Settings) -> list[str]:
    """The consent-law settings that ``after`` makes less strict than ``before``.

    Switching the existing-customer exception on, adding a country to it, or dropping a country
    that needs prior consent each lets more people be contacted without asking first.
    """
    names = []
    if after.existing_customer_exception and not before.existing_customer_exception:
        names.append("existing_customer_exception")
    if set(country_list(after.exception_countries)) - set(country_list(before.exception_countries)):
        names.append("exception_countries")
    if set(country_list(before.prior_consent_countries)) - set(country_list(after.prior_consent_countries)):
        names.append("prior_consent_countries")
    return names


def scale_map(text: str) -> dict[str, str]:
    """Question → rating scale from text like ``Feedback: 0-10; Survey: 1-5`` (unknown scales are dropped)."""
    found = {}
    for part in text.split(";"):
        question, _, scale = part.rpartition(":")
        scale = scale.strip().replace("–", "-").replace(" ", "")
        if question.strip() and scale in RATING_SCALES:
            found[question.strip()] = scale
    return found


def scales_text(scales: dict[str, str]) -> str:
    return "; ".join(f"{question}: {scale}" for question, scale in sorted(scales.items()))


def country_list(text: str) -> list[str]:
    """Two-letter country codes from text like ``EE, lv;LT`` (anything else is dropped)."""
    return [
        code
        for code in (part.strip().upper() for part in text.replace(";", ",").split(","))
        if len(code) == 2 and code.isalpha()
    ]


SPECS: dict[str, SettingSpec] = {
    spec.name: spec
    for spec in (
        SettingSpec("loyal_min_purchases", 2, 50, 1, "purchases", "ladder"),
        SettingSpec("rhythm_tolerance", 1.0, 5.0, 0.1, "times", "ladder"),
        SettingSpec("min_rhythm_days", 1, 365, 1, "days", "ladder"),
        SettingSpec("default_interval_days", 7, 730, 1, "days", "ladder"),
        SettingSpec("churn_horizon_days", 30, 1825, 1, "days", "ladder"),
        SettingSpec("partner_feedback_days", 30, 1825, 1, "days", "ladder"),
        SettingSpec("hot_contact_days", 1, 365, 1, "days", "lifecycle"),
        SettingSpec("warm_contact_days", 1, 730, 1, "days", "lifecycle"),
        SettingSpec("cooling_days", 1, 365, 1, "days", "lifecycle"),
        SettingSpec("trial_days", 1, 730, 1, "days", "lifecycle"),
        SettingSpec("won_back_days", 1, 730, 1, "days", "lifecycle"),
        SettingSpec("top_share_percent", 1, 50, 1, "percent", "value"),
        SettingSpec("reward_threshold", 0, 1_000_000, 10, "money", "value"),
        SettingSpec("reward_period_days", 7, 1825, 1, "days", "value"),
        SettingSpec("dormant_days", 14, 1825, 1, "days", "value"),
        SettingSpec("retention_cost", 0, 1_000_000, 1, "money", "value"),
        SettingSpec("acquisition_cost_ratio", 1, 100, 0.5, "times", "value"),
        SettingSpec("currency", 0, 0, 0, "currency", "value"),
        SettingSpec("rating_scales", 0, 0, 0, "scales", "feedback"),
        SettingSpec("plan_aftercare_days", 0, 365, 1, "days", "plan"),
        SettingSpec("plan_hot_days", 0, 365, 1, "days", "plan"),
        SettingSpec("plan_loyal_days", 0, 730, 1, "days", "plan"),
        SettingSpec("plan_far_overdue_factor", 0, 20, 0.5, "times", "plan"),
        SettingSpec("plan_former_days", 0, 1825, 1, "days", "plan"),
        SettingSpec("plan_birthday_days", 0, 60, 1, "days", "plan"),
        SettingSpec("plan_complaint_days", 0, 365, 1, "days", "plan"),
        SettingSpec("plan_reward_days", 0, 1825, 1, "days", "plan"),
        SettingSpec("plan_dormant_days", 0, 1825, 1, "days", "plan"),
        SettingSpec("plan_threshold_reward", 0, 1, 1, "switch", "plan"),
        SettingSpec("plan_missed_days", 0, 3650, 1, "days", "plan"),
        SettingSpec("plan_daily_capacity", 0, 10_000, 1, "contacts", "plan"),
        SettingSpec("existing_customer_exception", 0, 1, 1, "switch", "plan"),
        SettingSpec("exception_countries", 0, 0, 0, "countries", "plan"),
        SettingSpec("prior_consent_countries", 0, 0, 0, "countries", "plan"),
        SettingSpec("viewer_customer_tables", 0, 1, 1, "switch", "privacy"),
    )
}
TEXT_UNITS = ("countries", "currency", "scales")
"""Settings that hold text rather than a number."""
CURRENCIES = ("EUR", "PLN", "SEK", "NOK", "DKK", "CZK", "HUF", "CHF", "GBP", "USD", "UAH")
"""The currencies a register may be kept in (the euro countries, Poland and their neighbours)."""
SETTING_GROUPS = ("ladder", "lifecycle", "value", "feedback", "plan", "privacy")
