"""A customer's contact-frequency wish as written in a register cell, in any of the five languages.

"Once a year", "kerran vuodessa", "kord kuus", "co dwa tygodnie", "every 2 months" each mean a
number of days between contacts; "never", "ei soovi", "nie kontaktować", "nesikreipti" mean no
contact at all, which is an opt-out for every channel. A wish that is not understood is not taken
to mean "no limit" silently: `unclear_wishes` finds it for the data-quality report.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from lib.themes import fold

NEVER = math.inf
"""The days between contacts of someone who asked not to be contacted at all."""

# fmt: off
_NO_CONTACT = (
    "never", "do not contact", "dont contact", "don't contact", "no contact", "not to be contacted", "no marketing",
    "opt out", "opt-out", "unsubscribe",
    "ei soovi", "mitte kunagi", "mitte kontakteeruda", "ara kontakteeru", "mitte votta uhendust", "ei taha",
    "ei koskaan", "ei yhteydenottoja", "ei yhteydenottoa", "ei saa ottaa yhteytta", "ala ota yhteytta", "ei haluta",
    "nesikreipti", "niekada", "nekontaktuoti", "nesusisiekti", "nenori",
    "nie kontaktowac", "nigdy", "brak kontaktu", "bez kontaktu", "nie dzwonic", "nie chce",
)
"""A wish not to be contacted at all (folded: lower case, no diacritics)."""
_UNITS = (
    # (days, token prefixes); the first unit whose prefix starts a token wins, so longer units go first
    (91.0, ("quarter", "kvartal", "neljann", "ketvirt", "kwartal")),
    (365.0, ("year", "annual", "aasta", "igaaast", "vuosi", "vuode", "vuot", "metu", "metai", "metus", "rok", "roczn")),
    (30.0, ("month", "kuu", "igakui", "menes", "miesi")),
    (7.0, ("week", "nadal", "iganadal", "viiko", "viikk", "savait", "tydz", "tygod")),
    (1.0, ("day", "daily", "paev", "igapaev", "paiva", "dien", "kasdien", "dzien", "codzien", "dni")),
)
_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "other": 2, "second": 2,
    "uks": 1, "kaks": 2, "kahe": 2, "teine": 2, "teise": 2, "kolm": 3, "kolme": 3, "neli": 4,
    "yksi": 1, "kaksi": 2, "kahden": 2, "toinen": 2, "kolmen": 3, "nelja": 4, "neljan": 4,
    "vienas": 1, "viena": 1, "du": 2, "dvi": 2, "antra": 2, "trys": 3, "keturi": 4, "keturis": 4,
    "jeden": 1, "dwa": 2, "dwie": 2, "drugi": 2, "trzy": 3, "cztery": 4, "szesc": 6,
    "kuue": 6, "kuusi": 6, "kuuden": 6, "kuudessa": 6, "kahdessa": 2, "kolmessa": 3, "sesi": 6, "sesis": 6,
    "sesiu": 6, "dvieju": 2, "triju": 3, "dwoch": 2, "trzech": 3, "szesciu": 6,
}
_TIMES = {
    # a count of contacts within the unit ("twice a month"), not a count of units between them ("every 2 months")
    "once": 1, "twice": 2, "times": 0, "time": 0,
    "kord": 1, "korda": 0, "kordi": 0,
    "kerran": 1, "kertaa": 0, "kahdesti": 2, "kolmesti": 3,
    "karta": 1, "kartus": 0, "kartu": 0, "dukart": 2, "trissyk": 3,
    "raz": 1, "razy": 0, "x": 0,
}
_LIMIT = (
    "more than", "more often than", "at most", "not more", "no more", "maximum", "max",
    "rohkem kui", "sagedamini kui", "korkeintaan", "enemman kuin", "useammin kuin",
    "daugiau nei", "daugiau kaip", "dazniau nei", "dazniau kaip", "wiecej niz", "czesciej niz", "najwyzej",
)
"""Words that turn "do not contact me …" into a limit on how often ("… more than once a month")."""
_WEEKDAYS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "weekday",
    "esmaspaev", "teisipaev", "kolmapaev", "neljapaev", "reede", "laupaev", "puhapaev", "nadalavahetus",
    "maanantai", "tiistai", "keskiviikko", "torstai", "perjantai", "lauantai", "sunnuntai", "viikonlop", "arki",
    "pirmadien", "antradien", "treciadien", "ketvirtadien", "penktadien", "sestadien", "sekmadien", "savaitgal",
    "poniedzial", "wtorek", "sroda", "czwartek", "piatek", "sobot", "niedziel", "weekend", "dni robocze",
)
"""A day of the week is a condition, not a frequency: "never on Sunday" is not "never"."""
_HALF = frozenset({"half", "pool", "puoli", "puolen", "puse", "pol"})
# fmt: on
_TOKEN = re.compile(r"[a-z]+|\d+")
_NO_CONTACT_WORDS = re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(p) for p in _NO_CONTACT) + r")(?![a-z])")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})


def wish_days(wish: object) -> float | None:
    """The fewest days between contacts a wish asks for: ``NEVER`` for no contact, 0 when empty, None when unclear."""
    if wish is None or (not isinstance(wish, str) and pd.isna(wish)):
        return 0.0
    text = fold(str(wish)).translate(_APOSTROPHES).strip()
    if not text:
        return 0.0
    tokens = _TOKEN.findall(text)
    conditional = any(token.startswith(_WEEKDAYS) for token in tokens)
    if _NO_CONTACT_WORDS.search(text) and not any(limit in text for limit in _LIMIT):
        return None if conditional else NEVER  # "never on Sunday" is a condition to read, not an opt-out
    unit = next(
        (
            days
            for token in tokens
            if token not in _NUMBERS and not token.startswith(_WEEKDAYS)
            for days, prefixes in _UNITS
            if token.startswith(prefixes)
        ),
        None,
    )
    if unit is None:
        return None
    number = next((int(t) if t.isdigit() else _NUMBERS[t] for t in tokens if t.isdigit() or t in _NUMBERS), None)
    times = [_TIMES[t] for t in tokens if t in _TIMES]
    if number == 0:
        return None
    if _HALF.intersection(tokens):  # "every half year", "pool aastat", "raz na pół roku"
        unit /= 2
    if times and times[0] == 1 and number and number > 1:  # "once every 2 months", "raz na dwa tygodnie"
        return unit * number
    if times:  # "twice a month", "3 times a year", "2x per month", "raz na kwartał"
        per = times[0] or number or 1
        return unit / per
    return unit * (number or 1)  # "every 2 months", "co dwa tygodnie", "monthly"


def contact_wish_days(wishes: pd.Series) -> pd.Series:
    """`wish_days` of a column (each distinct text worked out once): NaN where the wish is unclear."""
    text = wishes.astype("object")
    distinct = {value: wish_days(value) for value in pd.unique(text.dropna())}
    days = text.map(distinct).astype(float)  # an unclear wish (None) becomes NaN
    return days.where(text.notna(), 0.0)


def wants_no_contact(wishes: pd.Series) -> pd.Series:
    """True where the customer asked not to be contacted at all: an opt-out for every channel."""
    return contact_wish_days(wishes).eq(NEVER)


def unclear_wishes(wishes: pd.Series) -> pd.Series:
    """True where a wish was written but not understood (shown as a data-quality note)."""
    return contact_wish_days(wishes).isna()
