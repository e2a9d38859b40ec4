"""The data-quality report as a workbook the user can download and work through."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd
import xlsxwriter

from lib import i18n

if TYPE_CHECKING:
    pass
from lib.reading.problems import Problem, problems_frame


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
