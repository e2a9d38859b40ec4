"""What customers talk about and how they feel, in their own languages (DOMAIN.md §1, §4).

Every feedback item gets a language (the register's, else detected), themes from an
editable dictionary matched after lemmatisation (so ``hinnad``, ``hintoja``, ``kainos`` and
``ceny`` all mean *price*), the words that matched (so a wrong hit can be fixed in the
dictionary), and a sentiment (from the rating when there is one, else from polarity words,
informed by the kind: a complaint is not positive). Themes roll up to the four elements of
satisfaction of seed 002: product, peripheral (service), environment (price, premises),
psychological.

Lemmatisation uses simplemma in its low-memory mode, opened lazily and only for the languages
present in the data: about a tenth of a second and ~30 MB a language, once its index is in the
machine's cache (`lib.analysis.lemma_data`; the very first time, a second or two).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from lib.analysis.theme_matching import (
    ThemeMatcher,
    detect_language,
    lemma,
    rating_scale,
    sentiment_of_rating,
    sentiment_of_text,
    text_polarity,
    tokens,
)
from lib.frames import each_distinct
from lib.i18n import language_code
from lib.reading.register import Register
from lib.schema import LANGUAGES, RATING_SCALES, SENTIMENTS
from lib.themes import DATA, ELEMENTS, ThemeDictionary

# --- the feedback of a register ------------------------------------------------------------------

ITEM_COLUMNS = [
    "sheet",
    "row",
    "customer_id",
    "date",
    "kind",
    "status",
    "rating",
    "scale",
    "question",
    "text",
    "language",
    "language_source",
    "themes",
    "matched",
    "sentiment",
    "sentiment_source",
]


READING_RULES = "1"
"""The version of the rules that read a text (language detection, matching, polarity): readings kept under
another version are read again."""


@dataclass(frozen=True)
class TextReading:
    """What one text says under one theme dictionary: its language (and how it was told), the themes it
    speaks of with the word that placed each, and its count of positive and negative words."""

    language: str
    language_source: str
    themes: tuple[str, ...]
    matched: tuple[str, ...]
    positive: int
    negative: int

    def to_json(self) -> str:
        return json.dumps(
            [self.language, self.language_source, self.themes, self.matched, self.positive, self.negative],
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> TextReading:
        lang, source, themes, matched, positive, negative = json.loads(text)
        return cls(lang, source, tuple(themes), tuple(matched), int(positive), int(negative))


def texts_to_read(register: Register) -> pd.DataFrame:
    """Per feedback item (in the register's order): its text, the language the register states for it and
    the language of its customer (the guess when the text does not tell)."""
    feedback = register.feedback.reset_index(drop=True)
    customer_language = each_distinct(register.customers.set_index("customer_id")["language"], language_code)
    return pd.DataFrame(
        {
            "text": feedback["text"].fillna("").astype(str),
            "stated": each_distinct(feedback["language"], language_code),
            "fallback": feedback["customer_id"].map(customer_language).astype(object),
        }
    )


def reading_seed(dictionary: ThemeDictionary) -> str:
    """What every reading under ``dictionary`` (and the current rules) shares."""
    return hashlib.sha256(f"{READING_RULES}\x1f{dictionary.to_json()}".encode()).hexdigest()[:16]


def reading_keys(texts: pd.DataFrame, dictionary: ThemeDictionary) -> pd.Series:
    """A key per item for its reading: the same text with the same language hints under the same dictionary
    and rules reads the same, so a reading is done once and kept (the key holds no text: a digest)."""
    seed = reading_seed(dictionary)

    def key(text: str, stated: object, fallback: object) -> str:
        hints = f"{stated if isinstance(stated, str) else ''}\x1f{fallback if isinstance(fallback, str) else ''}"
        return hashlib.sha256(f"{seed}\x1f{hints}\x1f{text}".encode()).hexdigest()[:32]

    return pd.Series(
        [key(*row) for row in zip(texts["text"], texts["stated"], texts["fallback"], strict=True)],
        index=texts.index,
        dtype=object,
    )


def read_text(text: str, stated: object, fallback: object, matcher: ThemeMatcher) -> TextReading:
    """One text read: its language (the register's, else told by the text, else its customer's), themes and
    polarity words."""
    guess = fallback if isinstance(fallback, str) else None
    if isinstance(stated, str):
        lang, source = stated, "register"
    elif text.strip():
        lang, source = detect_language(text, guess)
    else:
        lang, source = (guess, "customer") if guess else ("unknown", "unknown")
    hits = matcher.match(text, lang) if lang in LANGUAGES and text else []
    positive, negative = text_polarity(text, lang) if text else (0, 0)
    return TextReading(
        lang, source, tuple(theme for theme, _ in hits), tuple(word for _, word in hits), positive, negative
    )


def read_texts(
    texts: pd.DataFrame, keys: pd.Series, dictionary: ThemeDictionary, known: Mapping[str, TextReading]
) -> Iterator[tuple[str, TextReading]]:
    """The readings of the texts not yet ``known``, each distinct one once, as they are done (so a caller
    can keep them and show progress)."""
    matcher = ThemeMatcher(dictionary)
    done: set[str] = set(known)
    for key, text, stated, fallback in zip(keys, texts["text"], texts["stated"], texts["fallback"], strict=True):
        if key not in done:
            done.add(key)
            yield key, read_text(text, stated, fallback, matcher)


def theme_feedback(
    register: Register,
    dictionary: ThemeDictionary,
    scales: Mapping[str, str] | None = None,
    known: Mapping[str, TextReading] | None = None,
) -> pd.DataFrame:
    """One row per feedback item with its language, themes, matched words, rating scale and sentiment.

    ``themes`` and ``matched`` are lists (parallel: the word that matched each theme);
    ``row`` is the row as Excel numbers it; ``scale`` the rating scale of the item's question
    (`question_scales`, corrected by ``scales``). Texts with a reading in ``known`` are not read again.
    """
    texts = texts_to_read(register)
    keys = reading_keys(texts, dictionary)
    readings = dict(known or {})
    readings.update(read_texts(texts, keys, dictionary, readings))
    return read_items(register, [readings[key] for key in keys], scales)


def read_items(register: Register, read: Sequence[TextReading], scales: Mapping[str, str] | None) -> pd.DataFrame:
    """The feedback items with their texts' readings (in the register's order) and each item's sentiment:
    from its rating on its question's scale when it has one, else from its text and kind."""
    feedback = register.feedback.reset_index(drop=True)
    ratings = feedback["rating"]
    chosen = {**question_scales(feedback), **{k: v for k, v in (scales or {}).items() if v in RATING_SCALES}}
    scale = feedback["_sheet"].astype("string").map(chosen).where(ratings.notna())
    kinds = feedback["kind"].astype("string")
    sentiment, sentiment_source = [], []
    for rating, raw_kind, reading, own in zip(ratings, kinds, read, scale, strict=True):
        kind = None if pd.isna(raw_kind) else str(raw_kind)
        pos, neg = reading.positive, reading.negative
        if not pd.isna(rating):
            sentiment.append(sentiment_of_rating(float(rating), str(own)))
            sentiment_source.append("rating")
        else:
            guessed = sentiment_of_text(pos, neg, kind)
            sentiment.append(guessed)
            sentiment_source.append("unknown" if guessed == "unknown" else "text" if pos or neg else "kind")
    return pd.DataFrame(
        {
            "sheet": feedback["_sheet"],
            "row": feedback["_row"],
            "customer_id": feedback["customer_id"],
            "date": feedback["date"],
            "kind": feedback["kind"],
            "status": feedback["status"],
            "rating": ratings,
            "scale": scale,
            "question": feedback["question"],
            "text": feedback["text"],
            "language": [reading.language for reading in read],
            "language_source": [reading.language_source for reading in read],
            "themes": [list(reading.themes) for reading in read],
            "matched": [list(reading.matched) for reading in read],
            "sentiment": pd.Categorical(sentiment, categories=SENTIMENTS),
            "sentiment_source": sentiment_source,
        },
        columns=ITEM_COLUMNS,
    )


def theme_rows(items: pd.DataFrame, dictionary: ThemeDictionary | None = None) -> pd.DataFrame:
    """One row per (item, theme): the items exploded by theme, with the theme's satisfaction element."""
    counts = np.fromiter((len(themes) for themes in items["themes"]), dtype=np.int64, count=len(items))
    exploded = items.iloc[np.repeat(np.arange(len(items)), counts)]  # each item once per theme it has
    themes = pd.Series(list(itertools.chain.from_iterable(items["themes"])), index=exploded.index, dtype=object)
    words = pd.Series(list(itertools.chain.from_iterable(items["matched"])), index=exploded.index, dtype=object)
    exploded = exploded.assign(theme=themes, word=words)
    if dictionary is not None:
        elements = {theme: dictionary.element_of(theme) for theme in themes.unique()}
        exploded = exploded.assign(element=themes.map(elements))
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


def question_scales(feedback: pd.DataFrame) -> dict[str, str]:
    """The scale of each question (a sheet's rating column), decided once for all its answers.

    ``0-10`` when any answer is 0 or above 5, else ``1-5``: one "0" among a thousand 1–5 answers is
    the question's scale showing, not a single answer's. Settings can correct it (`Settings.rating_scales`).
    """
    rated = feedback[feedback["rating"].notna()]
    return {str(sheet): rating_scale(group["rating"]) for sheet, group in rated.groupby("_sheet", sort=True)}


def nps(items: pd.DataFrame) -> float | None:
    """Net Promoter Score in percent over the answers to 0–10 questions: promoters (9–10) minus detractors
    (0–6); passives (7–8) count in the base only. None when there are no such answers."""
    scores = items.loc[items["scale"] == "0-10", "rating"].dropna()
    if scores.empty:
        return None
    promoters = (scores >= 9).mean()
    detractors = (scores <= 6).mean()
    return round(float(promoters - detractors) * 100, 1)


def csat(items: pd.DataFrame) -> float | None:
    """Customer satisfaction in percent: the share of 4 and 5 among the answers to 1–5 questions."""
    scores = items.loc[items["scale"] == "1-5", "rating"].dropna()
    if scores.empty:
        return None
    return round(float((scores >= 4).mean()) * 100, 1)


def scores_by(items: pd.DataFrame, column: str) -> pd.DataFrame:
    """NPS, CSAT and item count per value of a column (a class, a branch, a month …), each answer on the
    scale of its question, whatever the group's own answers happen to be."""
    rows = []
    for value, group in items.groupby(column, observed=True, sort=True):
        rows.append({column: value, "items": len(group), "nps": nps(group), "csat": csat(group)})
    return pd.DataFrame(rows, columns=[column, "items", "nps", "csat"])


def open_complaints(items: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Complaints not marked resolved, oldest first, with their age in days."""
    complaints = items[(items["kind"] == "complaint") & (items["status"].astype("string").fillna("open") != "resolved")]
    complaints = complaints.assign(age_days=((as_of - complaints["date"]) / pd.Timedelta(days=1)).round())
    return complaints.sort_values("date", na_position="last").reset_index(drop=True)


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


def select_items(
    items: pd.DataFrame,
    themes: Sequence[str] = (),
    kinds: Sequence[str] = (),
    sentiments: Sequence[str] = (),
    languages: Sequence[str] = (),
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """The items matching every given filter (an empty one accepts all); an item matches a theme
    filter when it carries any of the themes; ``items`` itself when every item matches (no copy)."""
    if not (themes or kinds or sentiments or languages or start is not None or end is not None):
        return items
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
    return items if keep.all() else items[keep]


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
    every = pd.period_range(rows["date"].min(), rows["date"].max(), freq="M").strftime("%Y-%m")
    return table.reindex(every, fill_value=0).iloc[-months:]  # a month without items is a zero, not a gap


def themes_by(items: pd.DataFrame, column: str, keys: Sequence[str], order: Sequence[str]) -> pd.DataFrame:
    """Items per value of a column (rows, e.g. the ladder class) and theme (columns)."""
    rows = theme_rows(items)
    table = pd.crosstab(rows[column].astype("string"), rows["theme"]) if len(rows) else pd.DataFrame()
    return table.reindex(index=list(order), columns=list(keys), fill_value=0).fillna(0).astype(int)


def with_customers(items: pd.DataFrame, view: pd.DataFrame) -> pd.DataFrame:
    """Feedback items with their customer's class, name and branch on the day, and their month (``2026-11``)."""
    by_customer = view.set_index("customer_id")
    return items.assign(
        relationship=items["customer_id"].map(by_customer["relationship"]),
        name=items["customer_id"].map(by_customer["name"]),
        branch=items["customer_id"].map(by_customer["branch"]),
        month=items["date"].dt.strftime("%Y-%m"),
    )
