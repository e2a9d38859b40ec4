"""The empty register workbook offered to start from, in the user's language.

Sheet names and headers are the app's own labels in the chosen language (which the header
recognition knows in every language), so a template filled in Polish reads back as
cleanly as one filled in English. An Instructions sheet says how to write each column.
"""

from __future__ import annotations

import io
from datetime import datetime

import xlsxwriter

from lib import i18n
from lib.schema import FIELDS

INSTRUCTIONS = ("customers", "dates", "yes_no", "temperature", "feedback", "actions", "own_columns", "summary")
"""The lines of the Instructions sheet, in order (catalogue keys ``template.<line>``)."""


def template_file_name(lang: str = i18n.DEFAULT_LANGUAGE) -> str:
    return f"{i18n.t('template.file', lang)}.xlsx"


def template_workbook(lang: str = i18n.DEFAULT_LANGUAGE) -> bytes:
    """An empty register: one sheet per kind with its headers, and the Instructions sheet first."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"title": i18n.t("template.title", lang), "created": datetime(2026, 10, 31)})
    bold = workbook.add_format({"bold": True, "bg_color": "#FDE7D3"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    info = workbook.add_worksheet(i18n.t("template.instructions", lang)[:31])
    info.set_column(0, 0, 100)
    lines = [i18n.t("template.title", lang), "", *(i18n.t(f"template.{line}", lang) for line in INSTRUCTIONS)]
    for row, text in enumerate(lines):
        info.write_string(row, 0, text, bold if row == 0 else wrap)
    for kind, fields in FIELDS.items():
        sheet = workbook.add_worksheet(i18n.t(f"kind.{kind}", lang)[:31])
        for column, name in enumerate(fields):
            sheet.write_string(0, column, i18n.t(f"field.{name}", lang), bold)
        sheet.set_column(0, len(fields) - 1, 18)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
