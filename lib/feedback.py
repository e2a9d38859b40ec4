"""What customers talk about and how they feel, in their own languages (DOMAIN.md §1, §4).

Every feedback item gets a language (the register's, else detected), themes from an
editable dictionary matched after lemmatisation (so ``hinnad``, ``hintoja``, ``kainos`` and
``ceny`` all mean *price*), the words that matched (so a wrong hit can be fixed in the
dictionary), and a sentiment (from the rating when there is one, else from polarity words,
informed by the kind: a complaint is not positive). Themes roll up to the four elements of
satisfaction of seed 002: product, peripheral (service), environment (price, premises),
psychological.

Lemmatisation uses simplemma in its low-memory mode, loaded lazily and only for the
languages present in the data (a language costs a few seconds and ~50 MB the first time).
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from lib.register import Register

DATA = Path(__file__).parent / "data"
LANGUAGES = ("en", "et", "fi", "lt", "pl")
"""Languages whose feedback is themed: the app's five."""
ELEMENTS = ("product", "peripheral", "environment", "psychological")
"""The four elements of customer satisfaction (seed 002)."""
THEMES = ("price", "staff", "cleanliness", "opening_hours", "booking", "waiting_time", "equipment", "parking",
          "product_quality", "atmosphere")
"""The stable keys of the shipped themes (a user may add more)."""
SENTIMENTS = ("positive", "neutral", "negative", "unknown")
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


def fold(text: str) -> str:
    """Lowercase without diacritics: how a word looks typed on a keyboard without them."""
    text = text.lower().replace("ł", "l")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def tokens(text: str) -> list[str]:
    """The words of a text, lowercased (numbers and punctuation dropped)."""
    return _WORD.findall(text.lower())


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """The dictionary form of a word (the word itself when the language is not supported)."""
    if lang not in LANGUAGES:
        return word
    import simplemma  # loaded on first use: importing costs little, each language's data more

    return simplemma.lemmatize(word, lang=lang, low_memory=True).lower()


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
        return json.dumps({t.key: {"element": t.element, "words": {k: list(v) for k, v in t.words.items()},
                                   "exclude": {k: list(v) for k, v in t.exclude.items() if v}}
                           for t in self.themes}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> ThemeDictionary:
        if not text:
            return default_dictionary()
        data = json.loads(text)
        return cls(tuple(
            Theme(key, spec.get("element", "product"),
                  {lang: tuple(words) for lang, words in spec.get("words", {}).items()},
                  {lang: tuple(words) for lang, words in spec.get("exclude", {}).items()})
            for key, spec in data.items()))

    def to_frame(self) -> pd.DataFrame:
        """One row per theme and language: words and exclusions as comma-separated text, for editing."""
        rows = []
        for theme in self.themes:
            for lang in sorted(set(theme.words) | set(theme.exclude), key=_language_order):
                rows.append({"theme": theme.key, "element": theme.element, "language": lang,
                             "words": ", ".join(theme.words.get(lang, ())),
                             "exclude": ", ".join(theme.exclude.get(lang, ()))})
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
        return cls(tuple(Theme(k, s["element"] if s["element"] in ELEMENTS else "product", s["words"], s["exclude"])
                         for k, s in themes.items()))

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
    return LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES)


def theme_key(text: str) -> str:
    """A theme name as a stable key: lowercase letters, digits and underscores."""
    return re.sub(r"[^0-9a-z_]+", "_", fold(text.strip())).strip("_")


def _split(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w.strip().lower() for w in text.split(",") if w.strip()))


@cache
def _default_json() -> str:
    return json.dumps(json.loads((DATA / "themes.json").read_text(encoding="utf-8")), ensure_ascii=False)


def default_dictionary() -> ThemeDictionary:
    """The shipped themes for a service business, in the five languages."""
    return ThemeDictionary.from_json(_default_json())


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
                if len(tail) > MIN_COMPOUND_PART and (base := lemma(tail, lang)) in index.exact and len(base) >= MIN_COMPOUND_PART:
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
def _identifier():  # type: ignore[no-untyped-def]
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


def normalise_language(value: object) -> str | None:
    """A language column's value as a code: ``et``, ``EST``, ``eesti``, ``Finnish`` … → et, fi …"""
    if value is None or pd.isna(value):  # type: ignore[arg-type]
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


# --- the feedback of a register ------------------------------------------------------------------

ITEM_COLUMNS = ["sheet", "row", "customer_id", "date", "kind", "status", "rating", "text", "language",
                "language_source", "themes", "matched", "sentiment", "sentiment_source"]


def theme_feedback(register: Register, dictionary: ThemeDictionary) -> pd.DataFrame:
    """One row per feedback item with its language, themes, matched words and sentiment.

    ``themes`` and ``matched`` are lists (parallel: the word that matched each theme);
    ``row`` is the row as Excel numbers it.
    """
    feedback = register.feedback.reset_index(drop=True)
    customer_language = register.customers.set_index("customer_id")["language"].map(normalise_language)
    own = feedback["language"].map(normalise_language)
    fallback = feedback["customer_id"].map(customer_language)
    texts = feedback["text"].fillna("").astype(str).tolist()
    languages, sources = [], []
    for text, stated, customer in zip(texts, own, fallback, strict=True):
        if isinstance(stated, str):
            languages.append(stated)
            sources.append("register")
        elif text.strip():
            found = detect_language(text, customer if isinstance(customer, str) else None)
            languages.append(found[0])
            sources.append(found[1])
        else:
            languages.append(customer if isinstance(customer, str) else "unknown")
            sources.append("customer" if isinstance(customer, str) else "unknown")
    matcher = ThemeMatcher(dictionary)
    themes, matched = [], []
    positive, negative = [], []
    for text, lang in zip(texts, languages, strict=True):
        hits = matcher.match(text, lang) if lang in LANGUAGES and text else []
        themes.append([theme for theme, _ in hits])
        matched.append([word for _, word in hits])
        tone = text_polarity(text, lang) if text else (0, 0)
        positive.append(tone[0])
        negative.append(tone[1])
    ratings = feedback["rating"]
    scale = rating_scale(ratings)
    kinds = feedback["kind"].astype("string")
    sentiment, sentiment_source = [], []
    for rating, kind, pos, neg in zip(ratings, kinds, positive, negative, strict=True):
        kind = None if pd.isna(kind) else str(kind)
        if not pd.isna(rating):
            sentiment.append(sentiment_of_rating(float(rating), scale))
            sentiment_source.append("rating")
        else:
            tone = sentiment_of_text(pos, neg, kind)
            sentiment.append(tone)
            sentiment_source.append("unknown" if tone == "unknown" else "text" if pos or neg else "kind")
    return pd.DataFrame({
        "sheet": feedback["_sheet"], "row": feedback["_row"], "customer_id": feedback["customer_id"],
        "date": feedback["date"], "kind": feedback["kind"], "status": feedback["status"], "rating": ratings,
        "text": feedback["text"], "language": languages, "language_source": sources, "themes": themes,
        "matched": matched, "sentiment": pd.Categorical(sentiment, categories=SENTIMENTS),
        "sentiment_source": sentiment_source,
    }, columns=ITEM_COLUMNS)


def theme_rows(items: pd.DataFrame, dictionary: ThemeDictionary | None = None) -> pd.DataFrame:
    """One row per (item, theme): the items exploded by theme, with the theme's satisfaction element."""
    exploded = items.assign(theme=items["themes"], word=items["matched"]).explode(["theme", "word"])
    exploded = exploded[exploded["theme"].notna()]
    if dictionary is not None:
        exploded = exploded.assign(element=exploded["theme"].map(dictionary.element_of))
    return exploded


def theme_counts(items: pd.DataFrame, dictionary: ThemeDictionary) -> dict[str, int]:
    """Items per theme, every theme of the dictionary present (zeros included)."""
    counts = theme_rows(items)["theme"].value_counts()
    return {key: int(counts.get(key, 0)) for key in dictionary.theme_keys()}


def sentiment_counts(items: pd.DataFrame) -> dict[str, int]:
    counts = items["sentiment"].value_counts()
    return {name: int(counts.get(name, 0)) for name in SENTIMENTS}


def sentiment_coverage(items: pd.DataFrame) -> float:
    """The share of items whose sentiment is known (0 for no items)."""
    return float((items["sentiment"] != "unknown").mean()) if len(items) else 0.0


def nps(ratings: pd.Series) -> float | None:
    """Net Promoter Score in percent: promoters (9–10) minus detractors (0–6); passives (7–8) count
    in the base only. None when no 0–10 ratings exist."""
    scores = ratings.dropna()
    if scores.empty or rating_scale(scores) != "0-10":
        return None
    promoters = (scores >= 9).mean()
    detractors = (scores <= 6).mean()
    return round(float(promoters - detractors) * 100, 1)


def csat(ratings: pd.Series) -> float | None:
    """Customer satisfaction in percent: the share of 4 and 5 among 1–5 ratings (None without any)."""
    scores = ratings.dropna()
    if scores.empty or rating_scale(scores) != "1-5":
        return None
    return round(float((scores >= 4).mean()) * 100, 1)


def scores_by(items: pd.DataFrame, column: str) -> pd.DataFrame:
    """NPS, CSAT and item count per value of a column (a class, a branch, a month …)."""
    rows = []
    for value, group in items.groupby(column, observed=True, sort=True):
        rows.append({column: value, "items": len(group), "nps": nps(group["rating"]), "csat": csat(group["rating"])})
    return pd.DataFrame(rows, columns=[column, "items", "nps", "csat"])


def open_complaints(items: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Complaints not marked resolved, oldest first, with their age in days."""
    complaints = items[(items["kind"] == "complaint") & (items["status"].astype("string").fillna("open") != "resolved")]
    complaints = complaints.assign(age_days=((as_of - complaints["date"]) / pd.Timedelta(days=1)).round())
    return complaints.sort_values("date", na_position="last").reset_index(drop=True)


def marked_text(text: object, words: Sequence[str]) -> str:
    """The text with each matched word between 【 】: highlighting that stays plain text."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):  # type: ignore[arg-type]
        return ""
    out = str(text)
    for word in sorted(set(words), key=len, reverse=True):
        out = re.sub(rf"(?<!【)\b({re.escape(word)})\b", "【\\1】", out, flags=re.IGNORECASE)
    return out


# --- discovery ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """A group of words that unmatched feedback keeps using: a candidate for a new theme."""

    language: str
    words: tuple[str, ...]
    examples: tuple[str, ...]
    items: int


def suggest_themes(items: pd.DataFrame, per_language: int = 3, min_items: int = 8) -> list[Suggestion]:
    """Word groups from the texts no theme matched: TF-IDF over lemmas and NMF, per language.

    Only languages with at least ``min_items`` unmatched texts are looked at; each suggestion
    carries its top words, a few example texts and how many texts lean on it.
    """
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    suggestions: list[Suggestion] = []
    unmatched = items[(items["themes"].str.len() == 0) & items["text"].notna()]
    for lang, group in unmatched.groupby("language"):
        if lang not in LANGUAGES or len(group) < min_items:
            continue
        texts = group["text"].astype(str).tolist()
        documents = [" ".join(lemma(w, str(lang)) for w in tokens(t) if len(w) > 2) for t in texts]
        vectorizer = TfidfVectorizer(min_df=2, max_df=0.6, stop_words=_stop_words(str(lang)) or None)
        try:
            matrix = vectorizer.fit_transform(documents)
        except ValueError:  # nothing left after the frequency limits
            continue
        topics = min(per_language, matrix.shape[1], max(1, len(texts) // min_items))
        if topics < 1 or matrix.shape[1] < 2:
            continue
        model = NMF(n_components=topics, init="nndsvd", random_state=0, max_iter=400)
        with warnings.catch_warnings():  # a rough grouping is enough for a suggestion
            warnings.simplefilter("ignore", ConvergenceWarning)
            warnings.simplefilter("ignore", RuntimeWarning)  # texts repeated word for word
            weights = model.fit_transform(matrix)
        vocabulary = np.array(vectorizer.get_feature_names_out())
        for topic in range(topics):
            top = vocabulary[np.argsort(model.components_[topic])[::-1][:6]]
            members = np.where(weights.argmax(axis=1) == topic)[0]
            if len(members) == 0:
                continue
            examples = tuple(dict.fromkeys(texts[i] for i in members[np.argsort(-weights[members, topic])][:5]))[:3]
            suggestions.append(Suggestion(str(lang), tuple(str(w) for w in top), examples, len(members)))
    return sorted(suggestions, key=lambda s: -s.items)


@cache
def _stop_words(lang: str) -> list[str]:
    words = json.loads((DATA / "stopwords.json").read_text(encoding="utf-8")).get(lang, [])
    return sorted({lemma(w, lang) for w in words} | set(words))


# --- views for the page -------------------------------------------------------------------------

def select_items(items: pd.DataFrame, themes: Sequence[str] = (), kinds: Sequence[str] = (),
                 sentiments: Sequence[str] = (), languages: Sequence[str] = (),
                 start: pd.Timestamp | None = None, end: pd.Timestamp | None = None) -> pd.DataFrame:
    """The items matching every given filter (an empty one accepts all); an item matches a theme
    filter when it carries any of the themes."""
    keep = pd.Series(True, index=items.index)
    if themes:
        wanted = set(themes)
        keep &= items["themes"].map(lambda found: bool(wanted.intersection(found)))
    if kinds:
        keep &= items["kind"].astype("string").isin(kinds).fillna(False)
    if sentiments:
        keep &= items["sentiment"].astype("string").isin(sentiments).fillna(False)
    if languages:
        keep &= items["language"].isin(languages)
    if start is not None:
        keep &= (items["date"] >= start).fillna(False)
    if end is not None:
        keep &= (items["date"] <= end).fillna(False)
    return items[keep]


def theme_sentiment(items: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Items per theme (rows, in dictionary order) and sentiment (columns)."""
    rows = theme_rows(items)
    table = pd.crosstab(rows["theme"], rows["sentiment"].astype("string")) if len(rows) else pd.DataFrame()
    return table.reindex(index=list(keys), columns=list(SENTIMENTS), fill_value=0).fillna(0).astype(int)


def element_sentiment(items: pd.DataFrame, dictionary: ThemeDictionary) -> pd.DataFrame:
    """Items per satisfaction element and sentiment: which of the four is failing."""
    rows = theme_rows(items, dictionary).drop_duplicates(subset=["sheet", "row", "element"])
    table = pd.crosstab(rows["element"], rows["sentiment"].astype("string")) if len(rows) else pd.DataFrame()
    return table.reindex(index=list(ELEMENTS), columns=list(SENTIMENTS), fill_value=0).fillna(0).astype(int)


def theme_trend(items: pd.DataFrame, keys: Sequence[str], months: int = 24) -> pd.DataFrame:
    """Items per month (rows, ``YYYY-MM``, the last ``months``) and theme (columns)."""
    rows = theme_rows(items)
    rows = rows[rows["date"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=list(keys))
    month = rows["date"].dt.strftime("%Y-%m")
    table = pd.crosstab(month, rows["theme"]).reindex(columns=list(keys), fill_value=0)
    return table.sort_index().iloc[-months:]


def themes_by(items: pd.DataFrame, column: str, keys: Sequence[str], order: Sequence[str]) -> pd.DataFrame:
    """Items per value of a column (rows, e.g. the ladder class) and theme (columns)."""
    rows = theme_rows(items)
    table = pd.crosstab(rows[column].astype("string"), rows["theme"]) if len(rows) else pd.DataFrame()
    return table.reindex(index=list(order), columns=list(keys), fill_value=0).fillna(0).astype(int)
