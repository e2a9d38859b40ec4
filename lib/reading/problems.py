"""Problems found in a register's data: where they are and what the user can do about them.

A problem names the sheet, the row as Excel numbers it, and the column by the user's own
header, so the user can go straight to the cell. Bad data never stops a load: the register
is built from what is usable and the problems are listed beside it. Nothing here raises on
data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from lib import i18n
from lib.schema import ROW_COL, SHEET_COL

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
MAX_PER_COLUMN = 500
"""Problems of one kind listed per sheet column; the rest are summed up in one line."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the data, located as the user sees it in Excel."""

    sheet: str
    row: int | None
    column: str | None
    severity: Severity
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def message(self, lang: str = i18n.DEFAULT_LANGUAGE) -> str:
        """The plain-language message with what to do, in the given UI language."""
        return i18n.t(f"problem.{self.code}", lang, **self.params)

    def to_dict(self, lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message(lang),
        }


def problems_from_dicts(items: Iterable[Mapping[str, Any]]) -> list[Problem]:
    """Rebuild problems stored as JSON (the workspace keeps them with each upload)."""
    return [Problem(i["sheet"], i["row"], i["column"], i["severity"], i["code"], i.get("params", {})) for i in items]


def problems_to_dicts(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    return [
        {
            "sheet": p.sheet,
            "row": p.row,
            "column": p.column,
            "severity": p.severity,
            "code": p.code,
            "params": dict(p.params),
        }
        for p in problems
    ]


def cell_problems(
    rows: pd.DataFrame,
    column: str | None,
    severity: Severity,
    code: str,
    values: pd.Series | None = None,
    **params: Any,
) -> list[Problem]:
    """One problem per row of ``rows`` (which carry ``_sheet`` and ``_row``), capped per column.

    ``values`` gives each row's offending value for the message (as ``value``).
    """
    problems: list[Problem] = []
    for sheet, group in rows.groupby(SHEET_COL, sort=False):
        shown = group.head(MAX_PER_COLUMN)
        for index, row_number in shown[ROW_COL].items():
            extra = {"value": str(values.at[index])} if values is not None else {}
            problems.append(Problem(str(sheet), _int_or_none(row_number), column, severity, code, {**params, **extra}))
        if len(group) > MAX_PER_COLUMN:
            problems.append(
                Problem(
                    str(sheet),
                    None,
                    column,
                    severity,
                    "more_rows",
                    {"count": len(group) - MAX_PER_COLUMN, "code": code},
                )
            )
    return problems


def _int_or_none(value: Any) -> int | None:
    return None if pd.isna(value) else int(value)


def problems_frame(problems: Iterable[Problem], lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Problems as a table in reading order: by severity, then sheet, row and column."""
    frame = pd.DataFrame(
        [p.to_dict(lang) for p in problems],
        columns=["sheet", "row", "column", "severity", "code", "message"],
    )
    order = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    frame = frame.assign(_order=order).sort_values(["_order", "sheet", "row"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True).astype({"row": "Int64"})
