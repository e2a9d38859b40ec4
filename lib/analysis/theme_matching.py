"""Finding themes and sentiment in a text: words and their lemmas (simplemma, loaded lazily per
language), Estonian and Finnish compounds, words typed without diacritics, the language of a text,
and polarity words.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

import pandas as pd

from lib.schema import LANGUAGES
from lib.themes import DATA, ThemeDictionary, fold

COMPOUND_LANGUAGES = frozenset({"et", "fi"})
"""Languages whose compounds are matched by their last part (``asiakaspalvelu`` → ``palvelu``)."""
MIN_COMPOUND_PART = 4
"""The last part of a compound must be at least this long, and leave at least as much in front of it
less one, so ``hind`` matches ``kuukaardihind`` but ``auto`` does not match ``kaubamaja``'s letters."""
MIN_HEAD = 3
SHORT_TEXT_WORDS = 3
"""Texts with fewer words than this are too short to detect a language: the customer's language is used."""
DETECTION_FLOOR = 0.8
"""The least confidence at which a detected language is believed."""

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.UNICODE)


def tokens(text: str) -> list[str]:
    """The words of a text, lowercased (numbers and punctuation dropped)."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """The dictionary form of a word (the word itself when the language is not supported)."""
    if lang not in LANGUAGES:
        return word
    from lib.analysis.lemma_data import lemmatizer  # loaded on first use, each language's data when first asked

    return lemmatizer().lemmatize(word, lang).lower()


# --- matching --------------------------------------------------------------------------------


@dataclass
class _Index:
    """One language's dictionary forms → themes, built once per dictionary and language."""

    exact: dict[str, set[str]]
    folded: dict[str, set[str]]
    pairs: dict[tuple[str, str], set[str]]
    excluded: dict[str, set[str]]


class ThemeMatcher:
    """Finds the themes of texts: each word and its lemma against the dictionary's words and lemmas.

    Also the last part of Estonian and Finnish compounds, two-word phrases, and words typed
    without their diacritics (exact forms only). Results per word are remembered, so a large
    register is themed in seconds once the language is loaded.
    """

    def __init__(self, dictionary: ThemeDictionary) -> None:
        self.dictionary = dictionary
        self._indexes: dict[str, _Index] = {}
        self._words: dict[tuple[str, str], list[tuple[str, str]]] = {}

    def _index(self, lang: str) -> _Index:
        if lang not in self._indexes:
            exact: dict[str, set[str]] = {}
            folded: dict[str, set[str]] = {}
            pairs: dict[tuple[str, str], set[str]] = {}
            excluded: dict[str, set[str]] = {}
            for theme in self.dictionary.themes:
                for word in theme.words.get(lang, ()):
                    parts = word.lower().split()
                    if len(parts) == 2:
                        for a in _forms(parts[0], lang):
                            for b in _forms(parts[1], lang):
                                pairs.setdefault((a, b), set()).add(theme.key)
                        continue
                    for form in _forms(word.lower(), lang):
                        exact.setdefault(form, set()).add(theme.key)
                    folded.setdefault(fold(word), set()).add(theme.key)
                for word in theme.exclude.get(lang, ()):
                    for form in _forms(word.lower(), lang):
                        excluded.setdefault(form, set()).add(theme.key)
            self._indexes[lang] = _Index(exact, folded, pairs, excluded)
        return self._indexes[lang]

    def word_themes(self, word: str, lang: str) -> list[tuple[str, str]]:
        """(theme, word) hits for one word of a text in a language."""
        known = self._words.get((word, lang))
        if known is not None:
            return known
        index = self._index(lang)
        forms = _forms(word, lang)
        hits: set[str] = set()
        for form in forms:
            hits |= index.exact.get(form, set())
        if not hits and fold(word) == word:  # typed without diacritics: only the exact form
            hits |= index.folded.get(word, set())
        if not hits and lang in COMPOUND_LANGUAGES:
            hits |= self._compound(forms, lang, index)
        blocked = set().union(*(index.excluded.get(form, set()) for form in forms))
        found = [(theme, word) for theme in sorted(hits - blocked)]
        self._words[(word, lang)] = found
        return found

    def _compound(self, forms: Iterable[str], lang: str, index: _Index) -> set[str]:
        for form in forms:
            for start in range(MIN_HEAD, len(form) - MIN_COMPOUND_PART + 1):
                tail = form[start:]
                if tail in index.exact:
                    return index.exact[tail]
                if (
                    len(tail) > MIN_COMPOUND_PART
                    and (base := lemma(tail, lang)) in index.exact
                    and len(base) >= MIN_COMPOUND_PART
                ):
                    return index.exact[base]
        return set()

    def match(self, text: str, lang: str) -> list[tuple[str, str]]:
        """Every (theme, word) hit in a text, each theme once with its first matching word."""
        words = tokens(text)
        found: dict[str, str] = {}
        for word in words:
            for theme, hit in self.word_themes(word, lang):
                found.setdefault(theme, hit)
        pairs = self._index(lang).pairs
        if pairs:
            for first, second in itertools.pairwise(words):
                for a in _forms(first, lang):
                    for b in _forms(second, lang):
                        for theme in pairs.get((a, b), ()):
                            found.setdefault(theme, f"{first} {second}")
        return list(found.items())


def _forms(word: str, lang: str) -> tuple[str, ...]:
    """A word and its lemma (a lemma shorter than four letters is not trusted)."""
    base = lemma(word, lang)
    return (word,) if base == word or len(base) < 4 else (word, base)


# --- language ----------------------------------------------------------------------------------


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str, fallback: str | None) -> tuple[str, str]:
    """(language, how it was found): detected when the text is long and clear enough, else the fallback.

    Very short texts ("Super!", "Liian kallis") say too little; the customer's own language
    is a better guess for them.
    """
    fallback = fallback if fallback in LANGUAGES else None
    if len(tokens(text)) >= SHORT_TEXT_WORDS:
        lang, confidence = _identifier().classify(text)
        if confidence >= DETECTION_FLOOR:
            return str(lang), "detected"
    if fallback:
        return fallback, "customer"
    return "unknown", "unknown"


# --- sentiment -----------------------------------------------------------------------------------


@cache
def _polarity() -> dict[str, dict[str, frozenset[str]]]:
    data = json.loads((DATA / "polarity.json").read_text(encoding="utf-8"))
    out: dict[str, dict[str, frozenset[str]]] = {}
    for tone, languages in data.items():
        for lang, words in languages.items():
            forms = {form for word in words for form in _forms(word.lower(), lang)}
            out.setdefault(lang, {})[tone] = frozenset(forms)
    return out


def text_polarity(text: str, lang: str) -> tuple[int, int]:
    """(positive, negative) polarity words in a text, after lemmatisation; two-word phrases too."""
    words_by_tone = _polarity().get(lang)
    if not words_by_tone:
        return 0, 0
    words = tokens(text)
    forms = [set(_forms(w, lang)) for w in words]
    pairs = {f"{a} {b}" for x, y in itertools.pairwise(words) for a in _forms(x, lang) for b in _forms(y, lang)}
    counts = []
    for tone in ("positive", "negative"):
        vocabulary = words_by_tone[tone]
        counts.append(sum(1 for f in forms if f & vocabulary) + len(pairs & vocabulary))
    return counts[0], counts[1]


def rating_scale(ratings: pd.Series) -> str:
    """``0-10`` when any rating is 0 or above 5 (a recommendation score), else ``1-5``."""
    known = ratings.dropna()
    return "0-10" if len(known) and ((known > 5) | (known == 0)).any() else "1-5"


def sentiment_of_rating(rating: float, scale: str) -> str:
    if scale == "0-10":
        return "positive" if rating >= 9 else "neutral" if rating >= 7 else "negative"
    return "positive" if rating >= 4 else "neutral" if rating >= 3 else "negative"


def sentiment_of_text(positive: int, negative: int, kind: str | None) -> str:
    """Polarity words decide; the kind informs: a complaint is never positive, a wish or idea is neutral
    unless its words say otherwise."""
    if positive > negative:
        tone = "positive"
    elif negative > positive:
        tone = "negative"
    elif positive:
        tone = "neutral"
    else:
        tone = "unknown"
    if kind == "complaint" and tone in ("positive", "neutral", "unknown"):
        return "negative"
    if kind in ("wish", "idea") and tone == "unknown":
        return "neutral"
    return tone
