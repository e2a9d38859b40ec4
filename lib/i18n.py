"""Every UI text goes through `t`: one catalogue per language in `lib/locales/`.

Catalogues are flat JSON maps from a dotted key to a text with ``{named}`` placeholders.
A key missing from a language falls back to English, so a half-done translation never
breaks a page; a key missing from English is a programming error and shows as ``⟦key⟧``
so a test can find it. Numbers, amounts and dates are written the way each language
writes them (Babel's locale data): ``1 234,50 €`` in Estonian, ``1,234.50`` in English.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from lib.schema import LANGUAGES, VOCABULARY_LABELS
from lib.themes import fold

LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"
BABEL_LOCALES = {"en": "en_GB", "et": "et_EE", "fi": "fi_FI", "lt": "lt_LT", "pl": "pl_PL"}
"""How each language writes numbers and dates (British English: day before month, as in Europe)."""


def available_languages() -> list[str]:
    """The languages whose catalogue ships with the app, English first."""
    return [lang for lang in LANGUAGES if (LOCALES / f"{lang}.json").exists()]


def language_for(locale: str | None) -> str:
    """The UI language for a browser locale such as ``et-EE`` or ``pl``: one we have, else English."""
    code = (locale or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in available_languages() else DEFAULT_LANGUAGE


def _locale(lang: str) -> str:
    return BABEL_LOCALES.get(lang, BABEL_LOCALES[DEFAULT_LANGUAGE])


@lru_cache(maxsize=8192)
def number(value: float | int, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """A number with the language's grouping and decimal sign: ``1 234,5`` (et), ``1,234.5`` (en).

    Kept per value: a page of 200 customers' reasons writes the same day counts and amounts again and again,
    and Babel takes a tenth of a millisecond each time."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=_locale(lang))


def percent(share: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """A share as a percentage the language's way: ``83%`` (en), ``83 %`` (fi), ``82,5 %`` (lt)."""
    pattern = Locale.parse(_locale(lang)).percent_formats[None].pattern  # "#,##0 %" in Finnish
    if decimals:
        pattern = pattern.replace("0", "0." + "0" * decimals, 1)
    return format_percent(share, format=pattern, locale=_locale(lang))


def money(value: float | int, lang: str = DEFAULT_LANGUAGE, currency: str = "EUR") -> str:
    """An amount in a currency as the language writes it: ``1 234,50 €`` (et), ``1 234,50 zł`` (pl)."""
    return format_currency(value, currency, locale=_locale(lang))


def day(value: date | datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """A day as the language writes it: ``23.11.2026`` (et, pl), ``1.12.2026`` (fi), ``2026-11-23`` (lt)."""
    return format_date(value, format=_DAY_PATTERNS.get(lang, _DAY_PATTERNS[DEFAULT_LANGUAGE]), locale=_locale(lang))


def month(value: date | datetime, lang: str = DEFAULT_LANGUAGE) -> str:
    """A month as the language names it: ``Sep 2023`` (en), ``wrz 2023`` (pl), ``rugs. 2023`` (lt)."""
    return format_date(value, format="LLL yyyy", locale=_locale(lang))


DATE_INPUT_FORMATS = {
    "en": "DD/MM/YYYY",
    "et": "DD.MM.YYYY",
    "fi": "DD.MM.YYYY",
    "lt": "YYYY-MM-DD",
    "pl": "DD.MM.YYYY",
}
"""How date pickers and date columns write days (the orders and separators Streamlit's picker offers)."""
_DAY_PATTERNS = {"en": "dd/MM/yyyy", "et": "dd.MM.yyyy", "fi": "d.M.yyyy", "lt": "yyyy-MM-dd", "pl": "dd.MM.yyyy"}
"""Full years everywhere (Babel's short Estonian form has two digits); Lithuanian writes ISO dates."""


def chart_separators(lang: str = DEFAULT_LANGUAGE) -> str:
    """Plotly's ``separators`` for a language: its decimal sign, then its group sign (``", "`` in Estonian)."""
    locale = Locale.parse(_locale(lang))
    return locale.number_symbols["latn"]["decimal"] + locale.number_symbols["latn"]["group"]


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The texts of one language (read once per process)."""
    path = LOCALES / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The text for ``key`` in ``lang`` with ``params`` filled in (numbers written the language's way)."""
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)
    if text is None:
        return f"⟦{key}⟧"
    shown = {name: _show(value, lang) for name, value in params.items()}
    try:
        return text.format(**shown)
    except (KeyError, IndexError, ValueError):
        return text


def vocabulary_label(vocabulary: str, code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """How the app writes a vocabulary's value in a language: "Telefon" for the action kind ``call`` in Polish
    (`lib.schema.VOCABULARY_LABELS`; read back from any language by `lib.reading.values.parse_choices`)."""
    return t(f"{VOCABULARY_LABELS[vocabulary]}.{code}", lang)


def _show(value: Any, lang: str) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return number(value, lang)
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        return format_decimal(value, format="#,##0.##", locale=_locale(lang))
    return value


class Explained(Exception):
    """An error whose message is a catalogue text: shown in each user's language, English in logs.

    ``str(error)`` is the English message (for the command line and tests); pages call
    ``error.message(lang)``. The parameters name files, sheets and cells, never customer data.
    """

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, DEFAULT_LANGUAGE, **params))

    def message(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(self.key, lang, **self.params)


def language_code(value: object) -> str | None:
    """A language column's value as a code: ``et``, ``EST``, ``eesti``, ``Finnish`` … → et, fi …"""
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return None
    text = fold(str(value).strip())
    for code, names in _LANGUAGE_NAMES.items():
        if text == code or text in names:
            return code
    return None


_LANGUAGE_NAMES = {
    "en": ("eng", "english", "inglise", "englanti", "anglu", "angielski"),
    "et": ("est", "ee", "estonian", "eesti", "viro", "estu", "estonski"),
    "fi": ("fin", "finnish", "soome", "suomi", "suomeksi", "finu", "finski"),
    "lt": ("lit", "lithuanian", "leedu", "liettua", "lietuviu", "litewski"),
    "pl": ("pol", "polish", "poola", "puola", "lenku", "polski"),
}
