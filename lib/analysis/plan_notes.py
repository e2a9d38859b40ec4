"""The contact plan's rules, and the note a contact logged from the plan carries in the register, in words
a person reads in their own workbook.

A contact done or snoozed from the plan is written into the register's actions with a note such as
"Z planu kontaktów: Otwarte reklamacje; Stali klienci". The plan reads that note back, in any of the
app's languages, to know which of its reminders the contact settled; registers written by earlier
versions carry the code form ``plan:open_complaint,loyal_reminder``, which is still understood.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pandas as pd

from lib import i18n
from lib.schema import LANGUAGES

RULES = (
    "open_complaint",
    "planned_action",
    "hot_prospect",
    "aftercare",
    "birthday",
    "threshold_reward",
    "top_reward",
    "win_back_offer",
    "overdue_reminder",
    "loyal_reminder",
    "dormant_offer",
    "former_win_back",
)
"""The plan's rules, most important first: when one customer is due for several, the first one is the
contact and the others are listed with it. A complaint is answered before anything is sold; what the
marketer planned comes next; a hot prospect cools if left; the rest follow the ladder."""

CODE_PREFIX = "plan:"
"""The note's prefix in registers written before notes were in words."""
SEPARATOR = "; "
"""Between the rules a note names (rule labels may hold commas)."""


def plan_note(rules: Sequence[str], lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    """The note for a contact made for ``rules`` (the first is the row's own), in ``lang``."""
    labels = SEPARATOR.join(i18n.t(f"plan.rule.{rule}", lang) for rule in rules)
    return i18n.t("plan.note", lang, rules=labels)


@cache
def _prefixes() -> tuple[str, ...]:
    """Each language's note prefix (the note with no rules), compared without case."""
    return tuple(dict.fromkeys(i18n.t("plan.note", lang, rules="").strip().casefold() for lang in LANGUAGES))


@cache
def _rule_of_label() -> dict[str, str]:
    """A rule's label in any language (without case) → the rule."""
    return {i18n.t(f"plan.rule.{rule}", lang).casefold(): rule for lang in LANGUAGES for rule in RULES}


def rules_of(note: object) -> tuple[str, ...] | None:
    """The rules a plan note names, or None when the note is not one the plan wrote."""
    if not isinstance(note, str):
        return None
    text = note.strip()
    if text.startswith(CODE_PREFIX):
        return tuple(r for r in text.removeprefix(CODE_PREFIX).split(",") if r)
    folded = text.casefold()
    prefix = next((p for p in _prefixes() if folded.startswith(p)), None)
    if prefix is None:
        return None
    labels = [label.strip().casefold() for label in text[len(prefix) :].split(SEPARATOR.strip())]
    rules = [_rule_of_label().get(label) for label in labels]
    return tuple(r for r in rules if r is not None) if all(rules) else None


def note_rules(notes: pd.Series) -> pd.Series:
    """Each note's rules (a tuple), or None where the note is not the plan's; each distinct note read once."""
    text = notes.astype("string")
    read = {note: rules_of(note) for note in text.dropna().unique()}
    return text.map(read, na_action="ignore").astype(object).where(text.notna(), None)


def is_plan_note(notes: pd.Series) -> pd.Series:
    """Whether each note is one the plan wrote (boolean, False for an empty note)."""
    return note_rules(notes).map(lambda rules: rules is not None).astype(bool)


def names_rule(notes: pd.Series, rule: str) -> pd.Series:
    """Whether each note is the plan's and names ``rule`` (e.g. the motivational reward)."""
    return note_rules(notes).map(lambda rules: rules is not None and rule in rules).astype(bool)
