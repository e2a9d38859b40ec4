"""Rows of a CSV with more values than the header has columns, mended where the file shows how.

The usual cause is a separator inside a value nobody quoted: ``ul. Długa 5, lok. 3`` in an address
column of a comma-separated list splits into two values and pushes every later value one column to
the right. Where joining neighbouring values back together makes every value of the row look like
the rest of its column (the e-mail under the e-mails, the digits under the numbers), the row is
mended that way and reported; where no single join fits best, the row is kept as it came (its extra
values in columns of their own) and reported, so nothing is lost and nothing is guessed.

Pure Python on lists of strings: it runs in the reader's own process, which imports no pandas.
"""

from __future__ import annotations

import re
from collections import Counter

MENDED = "mended"
KEPT = "kept"
Note = tuple[int, str, int, int, int]
"""(row number, ``MENDED`` or ``KEPT``, values in the row, columns of the header, zero-based column whose
value was joined back together or -1)."""

_NUMBER = re.compile(r"[\d\s.,:/+\-()%€$zł]+")


def _kind(value: str) -> str:
    text = value.strip()
    if not text:
        return "empty"
    if "@" in text:
        return "email"
    return "number" if _NUMBER.fullmatch(text) and any(ch.isdigit() for ch in text) else "text"


def mend_ragged(rows: list[list[str]], delimiter: str) -> tuple[list[list[str]], list[Note]]:
    """The rows with each over-long one mended where it can be, and a note for every over-long row."""
    widths = Counter(len(row) for row in rows if len(row) > 1)
    if not widths:
        return rows, []
    width = widths.most_common(1)[0][0]
    over = [i for i, row in enumerate(rows) if len(row) > width]
    if not over:
        return rows, []
    profile = _column_kinds([row for row in rows if len(row) == width], width)
    mended = list(rows)
    notes: list[Note] = []
    for index in over:
        row = rows[index]
        fixed, column = _best_join(row, width, delimiter, profile)
        if fixed == row[:width]:  # only a separator at the end of the line: nothing was split
            mended[index] = fixed
            continue
        if fixed is not None:
            mended[index] = fixed
        notes.append((index + 1, MENDED if fixed is not None else KEPT, len(row), width, column))
    return mended, notes


def _column_kinds(rows: list[list[str]], width: int) -> list[Counter[str]]:
    kinds: list[Counter[str]] = [Counter() for _ in range(width)]
    for row in rows[1:]:  # the header row says nothing about the values
        for column, value in enumerate(row):
            kinds[column][_kind(value)] += 1
    return kinds


def _best_join(row: list[str], width: int, delimiter: str, profile: list[Counter[str]]) -> tuple[list[str] | None, int]:
    """The row with ``len(row) - width + 1`` neighbouring values joined at the one place where the row fits
    its columns best (or only cut, when its extra values are empty and that fits best), or None when no
    place is better than every other (a join never takes in an e-mail address); and the joined column."""
    extra = len(row) - width
    scored = []
    if not any(v.strip() for v in row[width:]):  # perhaps no split at all, only a trailing separator
        as_is = row[:width]
        fit = sum(profile[c][_kind(v)] / max(1, sum(profile[c].values())) for c, v in enumerate(as_is))
        scored.append((fit, 2, 0, as_is, -1))  # on a tie, nothing was split
    for start in range(width):
        joined = row[start : start + extra + 1]
        if any(_kind(v) == "email" for v in joined):
            continue
        candidate = [*row[:start], delimiter.join(joined), *row[start + extra + 1 :]]
        fit = sum(profile[c][_kind(v)] / max(1, sum(profile[c].values())) for c, v in enumerate(candidate))
        spaced = sum(v[:1].isspace() for v in joined[1:]) == extra  # "Długa 5, lok. 3": a writer's comma
        scored.append((fit, int(spaced), profile[start]["text"], candidate, start))
    scored.sort(key=lambda s: s[:3], reverse=True)
    if not scored or (len(scored) > 1 and scored[0][:3] == scored[1][:3]):
        return None, -1
    return scored[0][3], scored[0][4]
