"""Column questions pandas answers slowly on Arrow-backed text, asked of Arrow directly.

pandas' ``isin`` on a ``string`` column turns every wanted value into a Python scalar one at a time,
so "which of these 100,000 customers are among those 100,000 selected" takes most of a second; Arrow
answers it in milliseconds. Use `among` wherever both sides can be long (ids against ids).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_T = TypeVar("_T")


def among(column: pd.Series, values: Iterable[object]) -> pd.Series:
    """Which cells of ``column``, as text, are one of ``values`` (as text); a missing cell never is."""
    wanted = values if isinstance(values, (pd.Series, pd.Index)) else pd.Series(list(values), dtype="object")
    if wanted.empty:
        return pd.Series(False, index=column.index)
    found = pc.is_in(_text(column), value_set=_text(wanted), skip_nulls=True)
    return pd.Series(np.asarray(found.fill_null(False), dtype=bool), index=column.index)


def in_set(column: pd.Series, wanted: set[str] | frozenset[str]) -> np.ndarray:
    """Which cells of a column of Python strings are in a set of them: the set's own lookup, in C (a hundred
    thousand identity hashes against a suppression list of as many in milliseconds, without building Arrow
    arrays of either)."""
    return np.fromiter(map(wanted.__contains__, column.to_numpy()), dtype=bool, count=len(column))


def _text(series: pd.Series) -> pa.Array:
    if not isinstance(series.dtype, pd.StringDtype):
        series = series.astype("string")
    return pa.array(series.array).cast(pa.large_string())


def each_distinct(values: pd.Series, work: Callable[[object], _T]) -> pd.Series:
    """``work`` of every cell, done once per distinct value (a missing cell gets ``work(None)``): a register
    of 100,000 rows writes a country, a language or a class a handful of ways."""
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    done = np.empty(len(distinct) + 1, dtype=object)  # the last place: code -1, a missing cell
    done[:-1] = [work(value) for value in distinct]
    done[-1] = work(None)
    return pd.Series(done[codes], index=values.index, dtype=object)


def holding(frame: pd.DataFrame, query: str, columns: Sequence[str]) -> pd.Series:
    """Which rows hold ``query`` in any of ``columns``, in any case (every row for an empty query)."""
    text = query.strip().casefold()
    if not text:
        return pd.Series(True, index=frame.index)
    hits = np.zeros(len(frame), dtype=bool)
    for column in columns:
        cells = frame[column].astype("string").str.casefold()
        hits |= cells.str.contains(text, regex=False).fillna(False).to_numpy(dtype=bool)
    return pd.Series(hits, index=frame.index)


def matching(frame: pd.DataFrame, query: str, columns: Sequence[str]) -> pd.DataFrame:
    """The rows whose ``columns`` hold ``query``, in any case (all rows for an empty query)."""
    return frame[holding(frame, query, columns)] if columns else frame


def page_of(
    frame: pd.DataFrame, number: int, size: int, *, sort_by: str | None = None, descending: bool = False
) -> pd.DataFrame:
    """Page ``number`` (from 1; past the end, the last) of ``size`` rows, sorted by ``sort_by`` with missing
    values last: a table of 100,000 rows sends one page to the browser, sorted over every row."""
    if sort_by is not None and sort_by in frame.columns:
        frame = frame.sort_values(sort_by, ascending=not descending, kind="stable", na_position="last")
    pages = max(-(-len(frame) // size), 1)
    start = (min(max(number, 1), pages) - 1) * size
    return frame.iloc[start : start + size]


_MEMOS: dict[int, tuple[weakref.ref, dict[str, object]]] = {}


def memo_of(frame: pd.DataFrame, key: str, compute: Callable[[], _T]) -> _T:
    """``compute()``, worked out once per frame and kept while the frame lives: for what a page derives from a
    kept frame it only reads (the analysed customers of a day, the feedback items), such as the values a filter
    offers, asked again on every run of the page. Gone with the frame."""
    ident = id(frame)
    entry = _MEMOS.get(ident)
    if entry is None or entry[0]() is not frame:
        entry = (weakref.ref(frame, lambda _: _MEMOS.pop(ident, None)), {})
        _MEMOS[ident] = entry
    kept = entry[1]
    if key not in kept:
        kept[key] = compute()
    return kept[key]  # type: ignore[return-value]
