"""The theme dictionary: the themes a business looks for in its feedback, their satisfaction element
(seed 002) and their words per language. A setting the user edits; the workspace stores it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from lib.schema import LANGUAGES

DATA = Path(__file__).parent / "data"
ELEMENTS = ("product", "peripheral", "environment", "psychological")
"""The four elements of customer satisfaction (seed 002)."""
THEMES = (
    "price",
    "staff",
    "cleanliness",
    "opening_hours",
    "booking",
    "waiting_time",
    "equipment",
    "parking",
    "product_quality",
    "atmosphere",
)
"""The stable keys of the shipped themes (a user may add more)."""
ELEMENT_OF = {
    # Product: "the tangible core benefit", what the customer came for.
    "product_quality": "product",
    "equipment": "product",
    # Peripheral: the service that adds value to the core benefit and meets the wish for personal
    # attention: being able to book, to come when it suits, not to wait.
    "booking": "peripheral",
    "opening_hours": "peripheral",
    "waiting_time": "peripheral",
    # Environment: tangible factors (competitive prices, the aesthetics of the premises and what is
    # offered there) and intangible ones (the relations and the courtesy the customer meets).
    "price": "environment",
    "cleanliness": "environment",
    "parking": "environment",
    "atmosphere": "environment",
    "staff": "environment",
}
"""Each shipped theme's element of satisfaction, as seed 002 defines the four. The psychological element,
the fit with the customer's own character and values (a reserved customer may dislike a long sales talk),
has no shipped theme: no word says it for every business. The Settings page changes any of this."""


def fold(text: str) -> str:
    """Lowercase without diacritics: how a word looks typed on a keyboard without them."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# --- the theme dictionary --------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """One theme: its satisfaction element, its words per language, and words that must not count."""

    key: str
    element: str
    words: Mapping[str, tuple[str, ...]]
    exclude: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class ThemeDictionary:
    """The themes a business looks for in its feedback; a setting the user edits."""

    themes: tuple[Theme, ...]

    def theme_keys(self) -> list[str]:
        return [theme.key for theme in self.themes]

    def element_of(self, key: str) -> str:
        return next((t.element for t in self.themes if t.key == key), "")

    def to_json(self) -> str:
        return json.dumps(
            {
                t.key: {
                    "element": t.element,
                    "words": {k: list(v) for k, v in t.words.items()},
                    "exclude": {k: list(v) for k, v in t.exclude.items() if v},
                }
                for t in self.themes
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> ThemeDictionary:
        if not text:
            return default_dictionary()
        data = json.loads(text)
        return cls(
            tuple(
                Theme(
                    key,
                    spec.get("element", "product"),
                    {lang: tuple(words) for lang, words in spec.get("words", {}).items()},
                    {lang: tuple(words) for lang, words in spec.get("exclude", {}).items()},
                )
                for key, spec in data.items()
            )
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per theme and language: words and exclusions as comma-separated text, for editing."""
        rows = []
        for theme in self.themes:
            for lang in sorted(set(theme.words) | set(theme.exclude), key=_language_order):
                rows.append(
                    {
                        "theme": theme.key,
                        "element": theme.element,
                        "language": lang,
                        "words": ", ".join(theme.words.get(lang, ())),
                        "exclude": ", ".join(theme.exclude.get(lang, ())),
                    }
                )
        return pd.DataFrame(rows, columns=["theme", "element", "language", "words", "exclude"])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> ThemeDictionary:
        """The dictionary as edited in a table; rows without a theme or language are ignored."""
        themes: dict[str, dict] = {}
        for row in frame.fillna("").itertuples(index=False):
            key = theme_key(str(row.theme))
            lang = str(row.language).strip().lower()
            if not key or not lang:
                continue
            spec = themes.setdefault(key, {"element": str(row.element) or "product", "words": {}, "exclude": {}})
            spec["words"][lang] = _split(str(row.words))
            spec["exclude"][lang] = _split(str(row.exclude))
        return cls(
            tuple(
                Theme(k, s["element"] if s["element"] in ELEMENTS else "product", s["words"], s["exclude"])
                for k, s in themes.items()
            )
        )

    def with_elements(self, elements: Mapping[str, str]) -> ThemeDictionary:
        """A copy with themes moved to other elements of satisfaction (theme key → element)."""
        return ThemeDictionary(
            tuple(
                Theme(t.key, elements[t.key], t.words, t.exclude) if elements.get(t.key) in ELEMENTS else t
                for t in self.themes
            )
        )

    def with_theme(self, key: str, element: str, lang: str, words: Sequence[str]) -> ThemeDictionary:
        """A copy with a new theme (or more words for an existing one) in one language."""
        key = theme_key(key)
        themes = list(self.themes)
        for index, theme in enumerate(themes):
            if theme.key == key:
                merged = tuple(dict.fromkeys((*theme.words.get(lang, ()), *words)))
                themes[index] = Theme(key, theme.element, {**theme.words, lang: merged}, theme.exclude)
                return ThemeDictionary(tuple(themes))
        return ThemeDictionary((*themes, Theme(key, element, {lang: tuple(words)})))


def _language_order(lang: str) -> int:
    return list(LANGUAGES).index(lang) if lang in LANGUAGES else len(LANGUAGES)


def theme_key(text: str) -> str:
    """A theme name as a stable key: lowercase letters, digits and underscores."""
    return re.sub(r"[^0-9a-z_]+", "_", fold(text.strip())).strip("_")


def _split(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w.strip().lower() for w in text.split(",") if w.strip()))


@cache
def _default_json() -> str:
    return json.dumps(json.loads((DATA / "themes.json").read_text(encoding="utf-8")), ensure_ascii=False)


def default_dictionary() -> ThemeDictionary:
    """The shipped themes for a service business, in the five languages, each under its element (`ELEMENT_OF`)."""
    return ThemeDictionary.from_json(_default_json()).with_elements(ELEMENT_OF)
