"""Problems found in a register's data: where they are and what the user can do about them.

A problem names the sheet, the row as Excel numbers it, and the column by the user's own
header, so the user can go straight to the cell. Bad data never stops a load: the register
is built from what is usable and the problems are listed beside it. Nothing here raises on
data.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import xlsxwriter

from lib import i18n
from lib.schema import (
    ACTIONS,
    CUSTOMERS,
    DATES_THAT_MAY_BE_FUTURE,
    FEEDBACK,
    FIELDS,
    PURCHASES,
    ROW_COL,
    SHEET_COL,
)
from lib.values import invalid_emails, is_in, unreadable_phones

if TYPE_CHECKING:
    from lib.register import Register

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
    return [
        Problem(i["sheet"], i["row"], i["column"], i["severity"], i["code"], i.get("params", {}))
        for i in items
    ]


def problems_to_dicts(problems: Iterable[Problem]) -> list[dict[str, Any]]:
    return [
        {"sheet": p.sheet, "row": p.row, "column": p.column, "severity": p.severity,
         "code": p.code, "params": dict(p.params)}
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
            problems.append(
                Problem(str(sheet), _int_or_none(row_number), column, severity, code, {**params, **extra})
            )
        if len(group) > MAX_PER_COLUMN:
            problems.append(
                Problem(str(sheet), None, column, severity, "more_rows",
                        {"count": len(group) - MAX_PER_COLUMN, "code": code})
            )
    return problems


def _int_or_none(value: object) -> int | None:
    return None if pd.isna(value) else int(value)


def check_register(register: Register, as_of: date | None = None) -> list[Problem]:
    """Problems that need the whole register: contact data, future dates, unknown customers."""
    as_of = as_of or date.today()
    problems: list[Problem] = []
    customers = register.customers
    for kind in (CUSTOMERS, PURCHASES):
        frame = register.frame(kind)
        problems += _contact_problems(register, kind, frame)
    for kind, frame in ((k, register.frame(k)) for k in (CUSTOMERS, PURCHASES, FEEDBACK, ACTIONS)):
        problems += _future_dates(register, kind, frame, as_of)
    if register.shape != "purchases_only":
        known = pd.Index(customers["customer_id"].dropna().unique())
        for kind in (PURCHASES, FEEDBACK, ACTIONS):
            problems += _unknown_customers(register, kind, register.frame(kind), known)
    return problems


def _contact_problems(register: Register, kind: str, frame: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    for sheet, rows in frame.groupby(SHEET_COL, sort=False):
        email_header = register.header_of(str(sheet), "email")
        if email_header:
            bad = invalid_emails(rows["email"])
            problems += cell_problems(rows[bad], email_header, "warning", "invalid_email", rows["email"])
        phone_header = register.header_of(str(sheet), "phone")
        if phone_header:
            bad = unreadable_phones(rows["phone"])
            problems += cell_problems(rows[bad], phone_header, "warning", "unreadable_phone", rows["phone"])
    return problems


def _future_dates(register: Register, kind: str, frame: pd.DataFrame, as_of: date) -> list[Problem]:
    problems: list[Problem] = []
    limit = pd.Timestamp(as_of)
    for name, spec in FIELDS[kind].items():  # type: ignore[index]
        if spec.type != "date" or name in DATES_THAT_MAY_BE_FUTURE:
            continue
        future = frame[frame[name] > limit]
        for sheet, rows in future.groupby(SHEET_COL, sort=False):
            shown = rows[name].dt.strftime("%d.%m.%Y")
            problems += cell_problems(rows, register.header_of(str(sheet), name), "warning",
                                      "future_date", shown)
    return problems


def _unknown_customers(register: Register, kind: str, frame: pd.DataFrame, known: pd.Index) -> list[Problem]:
    problems: list[Problem] = []
    ids = frame["customer_id"]
    for sheet, rows in frame.groupby(SHEET_COL, sort=False):
        header = register.header_of(str(sheet), "customer_id")
        if header is None:
            continue
        row_ids = ids.loc[rows.index]
        missing = rows[row_ids.isna()]
        problems += cell_problems(missing, header, "warning", "missing_customer_ref")
        unknown = rows[row_ids.notna() & ~is_in(row_ids, known)]
        problems += cell_problems(unknown, header, "error", "unknown_customer", row_ids)
    return problems


def problems_frame(problems: Iterable[Problem], lang: str = i18n.DEFAULT_LANGUAGE) -> pd.DataFrame:
    """Problems as a table in reading order: by severity, then sheet, row and column."""
    frame = pd.DataFrame(
        [p.to_dict(lang) for p in problems],
        columns=["sheet", "row", "column", "severity", "code", "message"],
    )
    order = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    frame = frame.assign(_order=order).sort_values(["_order", "sheet", "row"], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True).astype({"row": "Int64"})


def problems_workbook(problems: Iterable[Problem], lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """The quality report as an xlsx file: one row per problem, every cell written as text."""
    frame = problems_frame(problems, lang)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(i18n.t("quality.report_sheet", lang)[:31])
    bold = workbook.add_format({"bold": True})
    headers = ["sheet", "row", "column", "severity", "message"]
    for column, name in enumerate(headers):
        sheet.write_string(0, column, i18n.t(f"quality.col.{name}", lang), bold)
    for row, item in enumerate(frame.itertuples(index=False), start=1):
        sheet.write_string(row, 0, str(item.sheet))
        if not pd.isna(item.row):
            sheet.write_number(row, 1, int(item.row))
        sheet.write_string(row, 2, "" if item.column is None else str(item.column))
        sheet.write_string(row, 3, i18n.t(f"severity.{item.severity}", lang))
        sheet.write_string(row, 4, str(item.message))
    sheet.set_column(0, 0, 16)
    sheet.set_column(2, 3, 18)
    sheet.set_column(4, 4, 100)
    sheet.autofilter(0, 0, max(len(frame), 1), len(headers) - 1)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
