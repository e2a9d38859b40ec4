"""What came of a contact, read from the register's free-text outcome column in any of the five languages.

"Booked a visit", "kiinnostunut", "nie odebrał", "ei huvita" each name one of `OUTCOMES`. The
temperature of a prospect (DOMAIN.md §3) and the effectiveness of actions (§4) read outcomes
through here, so a word is understood the same way everywhere. The labels the app itself writes
when a contact is marked done (catalogue ``outcome.<name>`` in every language) are understood too.
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from lib import i18n
from lib.schema import LANGUAGES, OPT_OUT_OUTCOME, OUTCOMES, VOCABULARIES
from lib.themes import fold


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    """One pattern per outcome, most specific outcome first; a word matches where a word of the text starts
    ("kupiła" matches "kupił", "niezainteresowana" does not match "zainteresowan")."""
    found = []
    for outcome, words in VOCABULARIES["outcome"].items():
        labels = {i18n.vocabulary_label("outcome", outcome, lang) for lang in LANGUAGES}
        mine = sorted({fold(word) for word in (*words, *labels) if not word.startswith("⟦")}, key=len, reverse=True)
        found.append((re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, mine)) + ")"), outcome))
    return tuple(found)


def outcome_of(text: object) -> str | None:
    """The outcome a cell names (None when it is empty or names none of them)."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return None
    folded = fold(str(text)).strip()
    if not folded:
        return None
    return next((outcome for pattern, outcome in _patterns() if pattern.search(folded)), None)


def outcomes(values: pd.Series) -> pd.Series:
    """Each cell's outcome (missing where none is named), worked out once per distinct text."""
    text = values.astype("string")
    distinct = {value: outcome_of(value) for value in text.dropna().unique()}
    return pd.Series(text.map(distinct), index=values.index, dtype="string")


def outcome_label(outcome: str, lang: str) -> str:
    """The words the app writes in the outcome column for a contact marked done."""
    assert outcome in OUTCOMES
    return i18n.vocabulary_label("outcome", outcome, lang)


def opted_out_by_outcome(actions: pd.DataFrame, until: pd.Timestamp | None = None) -> frozenset[str]:
    """Customers a contact's outcome says asked not to be contacted ("unsubscribed", "wypisała się"), by the day.

    That is an opt-out for every channel, wherever it was written: every door leaves them out.
    """
    if actions.empty:
        return frozenset()
    said = outcomes(actions["outcome"]).eq(OPT_OUT_OUTCOME).fillna(False).to_numpy(dtype=bool)
    if until is not None:
        said &= ~(actions["done"] > until).fillna(False).to_numpy(dtype=bool)
    return frozenset(actions.loc[said, "customer_id"].dropna().astype(str))
