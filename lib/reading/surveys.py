"""Survey, form and review exports as feedback: the rating question known by its words, each answer an item.

A Google Forms or Microsoft Forms download, a HubSpot survey export or a shop's review export has no
"rating" or "comment" header: its columns are the questions themselves ("How likely are you to
recommend us to a friend?", "Mida võiksime paremini teha?"), one row per respondent. Here the question
that asks for a recommendation or for satisfaction is the rating, every question answered in free text
gives a feedback item of its own with the question kept beside it, and a response gives its rating once
(on its first item), so scores count respondents, not answers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from lib.reading.values import normalise_word
from lib.schema import KEY_COL, ROW_COL, SHEET_COL

_ASKS_RATING = re.compile(
    r"recommend|soovita|suosit|rekomend|polec|ieteik|rekommend|empfehl"  # how likely … recommend (0-10: NPS)
    r"|satisf|rahul|tyytyv|patenkin|zadowol|apmierin|nojd|zufrieden"  # how satisfied (1-5: CSAT)
)
"""Stems of "recommend" and "satisfied" in the app's languages and their neighbours', in compact form."""
_ANSWER_LENGTH = 20
"""Median length of a column's values from which it holds written answers even under a short header."""
_CHOICE_LENGTH = 12
"""Below this median length, with no long answer among them, a question's answers are choices from a list
("Sea view", "Room 12"), not something a customer wrote."""
_MOSTLY = 0.8


def is_question(header: object) -> bool:
    """A header that is a question as a form asks it: ends with a question mark or runs to four words."""
    return isinstance(header, str) and (header.strip().endswith("?") or len(header.split()) >= 4)


def asks_rating(header: object, compact_header: str) -> bool:
    """A question asking how likely the respondent is to recommend, or how satisfied they are."""
    return is_question(header) and _ASKS_RATING.search(compact_header) is not None


def is_numeric(values: pd.Series) -> bool:
    """Mostly numbers (a rating question's answers), as cells or as text."""
    filled = values.dropna()
    filled = filled[filled.astype(str).str.strip() != ""]
    if filled.empty:
        return True
    numbers = pd.to_numeric(filled.astype(str).str.strip().str.replace(",", ".", regex=False), errors="coerce")
    return bool(numbers.notna().mean() >= _MOSTLY)


def answer_columns(data: pd.DataFrame, fields: Mapping[str, str]) -> list[str]:
    """The unrecognised columns that hold written answers, in the sheet's order.

    A column qualifies when its filled values are mostly words (not numbers, dates or e-mail addresses)
    and either its header is a question answered in sentences, not picked from a list, or, on a sheet
    with no comment column of its own, its answers run long. A register's own "Notes" column is therefore not taken for an answer.
    """
    has_text = "text" in fields.values()
    found = []
    for header in data.columns:
        if header in fields:
            continue
        values = data[header].dropna()
        values = values[values.astype(str).str.strip() != ""]
        if values.empty:
            if is_question(header):
                found.append(str(header))  # a question nobody has answered yet
            continue
        words = values[[isinstance(v, str) for v in values]].astype(str).str.strip()
        if len(words) < _MOSTLY * len(values) or is_numeric(words) or words.str.contains(r"^\S+@\S+$").mean() > 0.5:
            continue
        lengths = words.str.len()
        written = lengths.max() >= _ANSWER_LENGTH or lengths.median() >= _CHOICE_LENGTH  # not "Sea view", "12"
        if (is_question(header) and written) or (not has_text and lengths.median() >= _ANSWER_LENGTH):
            found.append(str(header))
    return found


def answers_as_items(frame: pd.DataFrame, questions: Mapping[str, str]) -> pd.DataFrame:
    """One feedback item per written answer of each response (``questions``: frame column → the question).

    The first answer of a response keeps the response's rating; later ones are items of their own, keyed
    by their question, without it. A response with a rating and no written answer stays one item; one
    with neither is left out. The answer columns are not kept beside the items: their text is the items'.
    """
    columns = list(questions)
    answered = (
        frame[columns]
        .apply(lambda column: column.astype("string").str.strip().replace("", pd.NA))
        .reset_index(names="_at")
        .melt(id_vars="_at", var_name="_column", value_name="_answer")
        .dropna(subset=["_answer"])
    )
    answered["_order"] = answered["_column"].map({c: n for n, c in enumerate(columns)})
    answered = answered.sort_values(["_at", "_order"], kind="stable")
    later = answered.groupby("_at").cumcount().to_numpy() > 0
    base = frame.drop(columns=[c for c in columns if c != "text"])
    items = base.loc[answered["_at"]].reset_index(drop=True)
    items["text"] = answered["_answer"].to_numpy()
    items["question"] = answered["_column"].map(questions).astype("string").to_numpy()
    items.loc[later, "rating"] = pd.NA
    own_key = items[SHEET_COL].astype("string") + "!" + items[ROW_COL].astype("string")
    items[KEY_COL] = own_key.where(~later, own_key + "!" + items["question"])
    rated_only = base[~base.index.isin(answered["_at"]) & base["rating"].notna()]
    rated_only = rated_only.assign(
        text=pd.NA, **{KEY_COL: rated_only[SHEET_COL].astype("string") + "!" + rated_only[ROW_COL].astype("string")}
    )
    together = pd.concat([items, rated_only.astype(items.dtypes.to_dict())], ignore_index=True)
    return together.sort_values([ROW_COL], kind="stable").reset_index(drop=True)


ANONYMOUS = frozenset({"anonymous", "anonuumne", "anonyymi", "nimeton", "anonimas", "anonimowy", "anonims"})
"""What a form writes for who answered when it did not ask (Microsoft Forms' "anonymous"), normalised."""


def without_anonymous(data: pd.DataFrame, fields: Mapping[str, str]) -> pd.DataFrame:
    """The responses with "anonymous" in the e-mail and name columns blanked: nobody, not an address."""
    headers = [h for h, f in fields.items() if f in ("email", "name")]
    if not headers:
        return data
    said = data[headers].apply(
        lambda c: c.astype("string").str.strip().str.casefold().map(normalise_word, na_action="ignore")
    )
    return data.assign(**{h: data[h].where(~said[h].isin(ANONYMOUS).fillna(False)) for h in headers})


def survey_fields(data: pd.DataFrame, fields: Mapping[str, str]) -> dict[str, str]:
    """The recognised columns, less a "rating" question whose answers are words: it is answered in text."""
    return {
        header: field
        for header, field in fields.items()
        if field != "rating" or is_numeric(data[header]) or not is_question(header)
    }


def looks_like_survey(data: pd.DataFrame, fields: Mapping[str, str]) -> bool:
    """A sheet of form responses none of whose headers named a feedback column: a time of answering and a
    question answered in words."""
    return "date" in fields.values() and any(is_question(h) for h in answer_columns(data, fields))
