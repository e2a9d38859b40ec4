"""The updated workbook: the current register written back in the user's own layout.

Every original sheet comes back in its order with the user's headers, column order and row
order; edited cells are changed, deleted rows removed, added rows appended, unknown columns
and sheets untouched. An xlsx/xlsm upload is patched part by part (`lib.xlsx_patch`), so
formats, widths, formulas, validation, hidden sheets, charts and images survive; csv, xls
and ods uploads, and a register made of several files, come back as a clean xlsx (the several
files' sheets side by side in one workbook). Before a file is offered it is read back and
compared with the register it should hold; if that check fails, the slower safe path
(openpyxl) is taken and the result says so.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath
from typing import Literal

import pandas as pd
import xlsxwriter

from lib import i18n
from lib.exports.sheet_xml import CellValue, SheetChanges
from lib.exports.xlsx_patch import patch_xlsx
from lib.frames import among
from lib.reading.bundle import first_stem, is_bundle
from lib.reading.headers import workbook_language
from lib.reading.ooxml import PatchUnsupported, column_index
from lib.reading.register import BOOKKEEPING, MappingOverrides, Register, build_register, sheet_frames
from lib.reading.values import parse_dates, parse_numbers
from lib.reading.workbook import RawSheet, read_workbook
from lib.schema import (
    APP_SHEETS,
    COMPUTED_SHEET,
    CUSTOMERS,
    FIELDS,
    KEY_COL,
    ROW_COL,
    SHEET_COL,
    SHEET_KINDS,
    VOCABULARIES,
)

Path_ = Literal["patched", "safe", "clean"]
log = logging.getLogger("loyalty_ladder")
Progress = Callable[[float, str], None]
"""Called with (fraction done, i18n key of the step) during long work."""


class WriteError(Exception):
    """Neither way of writing produced a file that holds the register; nothing is offered."""


@dataclass(frozen=True)
class WriteResult:
    """The file to offer, how it was made, and why the fast path was left (if it was)."""

    data: bytes
    file_name: str
    path: Path_
    fallback_reason: str | None = None


@dataclass
class Plan:
    """Cell-level changes per existing sheet, and sheets to add (name, header, rows)."""

    sheets: dict[str, SheetChanges] = field(default_factory=dict)
    new_sheets: list[tuple[str, list[str], list[list[CellValue]]]] = field(default_factory=list)


def field_header(name: str, lang: str) -> str:
    """The header written for a field the workbook had no column for, in the workbook's language (every
    language's labels are recognised on re-upload)."""
    return i18n.t(f"field.{name}", lang)


def _value_for(kind: str, name: str, text: object) -> CellValue:
    """A journal value (text) as the cell it should become: numbers and dates typed, text as text."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text == "":
        return None
    spec = FIELDS[kind].get(name)
    series = pd.Series([str(text)])
    if spec is not None and spec.type in ("number", "count"):
        number, bad = parse_numbers(series)
        return str(text) if bad.iloc[0] else float(number.iloc[0])
    if spec is not None and spec.type == "date":
        day, bad = parse_dates(series)
        return str(text) if bad.iloc[0] else day.iloc[0].to_pydatetime()
    return str(text)


def plan_changes(original: Register, current: Register, edits: pd.DataFrame, lang: str = i18n.DEFAULT_LANGUAGE) -> Plan:
    """Turn the journal into cell changes on the user's sheets, keyed by row key, never position; columns and
    sheets the workbook lacks are added with names in ``lang``."""
    plan = Plan()
    if edits.empty:
        return plan
    sources = {s.sheet: s for s in original.sources}
    next_column = {s.sheet: max((column_index(x) for x in s.letters), default=-1) + 1 for s in original.sources}
    new_columns: dict[tuple[str, str], int] = {}
    location: dict[tuple[str, str], tuple[str, int]] = {}
    for kind in SHEET_KINDS:
        frame = original.frame(kind)
        keys = set(edits.loc[edits["sheet"] == kind, "key"])
        located = frame[among(frame[KEY_COL], keys) & frame[SHEET_COL].notna()]
        for key, sheet, row in zip(located[KEY_COL], located[SHEET_COL], located[ROW_COL], strict=True):
            location[(kind, key)] = (str(sheet), int(row))

    def column_of(sheet: str, name: str) -> int:
        source = sources[sheet]
        header = source.header_of(name)
        if header is not None:
            return column_index(source.letter_of(header))
        if (sheet, name) not in new_columns:
            new_columns[(sheet, name)] = next_column[sheet]
            next_column[sheet] += 1
            changes_for(sheet).new_headers[new_columns[(sheet, name)]] = field_header(name, lang)
        return new_columns[(sheet, name)]

    def changes_for(sheet: str) -> SheetChanges:
        return plan.sheets.setdefault(sheet, SheetChanges(sheet, sources[sheet].header_row))

    added: dict[tuple[str, str], dict[str, CellValue]] = {}
    unsheeted: set[str] = set()
    for edit in edits.itertuples(index=False):
        target = (edit.sheet, edit.key)
        if edit.op == "add":
            added[target] = {"customer_id": edit.key} if edit.sheet == CUSTOMERS else {}
        elif edit.op == "delete":
            if added.pop(target, None) is None and target in location:
                sheet, row = location[target]
                changes = changes_for(sheet)
                changes.deletes.add(row)
                changes.sets = {cell: v for cell, v in changes.sets.items() if cell[0] != row}
        elif edit.op == "set":
            value = _value_for(edit.sheet, edit.field, edit.new)
            if target in added:
                added[target][edit.field] = value
            elif target in location:
                sheet, row = location[target]
                changes_for(sheet).sets[(row, column_of(sheet, edit.field))] = value
            elif not any(s.kind == edit.sheet for s in original.sources):
                unsheeted.add(edit.sheet)  # e.g. customers of a purchases-only export: they get a sheet
    for (added_kind, _key), values in added.items():
        sheets = [s.sheet for s in original.sources if s.kind == added_kind]
        if not sheets:
            unsheeted.add(added_kind)
            continue
        sheet = sheets[-1]  # the register lists added rows after the last sheet of their kind
        changes_for(sheet).appends.append({column_of(sheet, name): v for name, v in values.items()})
    for missing in sorted(unsheeted):
        plan.new_sheets.append(_sheet_of_kind(current, missing, lang))
    return plan


def _sheet_of_kind(register: Register, kind: str, lang: str) -> tuple[str, list[str], list[list[CellValue]]]:
    """A new sheet holding every row of a kind the workbook had no sheet for, its names and its words for
    choices ("Telefon", not "call") in ``lang``."""
    frame = register.frame(kind)
    names = [n for n in FIELDS[kind] if frame[n].notna().any()]
    columns = []
    for name in names:
        vocabulary = FIELDS[kind][name].vocabulary
        if vocabulary:
            words = {code: i18n.vocabulary_label(vocabulary, code, lang) for code in VOCABULARIES[vocabulary]}
            columns.append(frame[name].astype(object).map(lambda v, w=words: w.get(v, v) if isinstance(v, str) else v))
        else:
            columns.append(frame[name])
    rows = [[_plain(v) for v in row] for row in zip(*columns, strict=True)]
    return i18n.t(f"kind.{kind}", lang)[:31], [field_header(n, lang) for n in names], rows


def _plain(value: object) -> CellValue:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value  # type: ignore[return-value]  # anything else is already one of CellValue's types


def computed_sheet(frame: pd.DataFrame) -> tuple[str, list[str], list[list[CellValue]]]:
    """The app's computed columns per customer, as a sheet clearly apart from the user's data."""
    return app_sheet(COMPUTED_SHEET, frame)


def app_sheet(name: str, frame: pd.DataFrame) -> tuple[str, list[str], list[list[CellValue]]]:
    """One of the app's own sheets: a header row and the frame's rows."""
    rows = [[_plain(v) for v in row] for row in frame.itertuples(index=False)]
    return name, [str(c) for c in frame.columns], rows


def no_progress(_fraction: float, _step: str) -> None:
    """The default progress callback: nobody is watching."""


def updated_workbook(
    data: bytes,
    file_name: str,
    original: Register,
    current: Register,
    edits: pd.DataFrame,
    overrides: MappingOverrides | None = None,
    computed: pd.DataFrame | None = None,
    progress: Progress = no_progress,
    app_sheets: Mapping[str, pd.DataFrame] | None = None,
    updated_word: str = "updated",
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> WriteResult:
    """The user's workbook with the journal applied, checked by reading it back, named
    ``<stem> (<updated_word>).xlsx`` (the word in the user's language).

    Columns and sheets the workbook lacks (an e-mail column, an actions sheet) are named in the
    workbook's own language, read from its sheet names and headers, else in ``lang``.

    ``computed`` adds the sheet of computed columns; ``app_sheets`` adds more of the app's
    own sheets (name → frame: the theme dictionary, the settings). Each replaces the sheet of
    the same name an earlier export left in the workbook.
    """
    overrides = overrides or MappingOverrides()
    names = [name for source in original.sources for name in (source.sheet, *source.headers)]
    plan = plan_changes(original, current, edits, workbook_language(names) or lang)
    if computed is not None:
        plan.new_sheets.append(computed_sheet(computed))
    for name, frame in (app_sheets or {}).items():
        plan.new_sheets.append(app_sheet(name, frame))
    stem = first_stem(file_name) if is_bundle(data) else PurePath(file_name).stem  # several files: one workbook
    is_ooxml = _is_ooxml(data)
    suffix = PurePath(file_name).suffix.lower() if is_ooxml else ".xlsx"
    out_name = f"{stem} ({updated_word}){suffix if suffix in ('.xlsx', '.xlsm') else '.xlsx'}"
    progress(0.1, "write.planning")
    if not is_ooxml:
        progress(0.3, "write.writing")
        result = clean_xlsx(read_workbook(data, file_name), plan)
        progress(0.7, "write.checking")
        problem = difference(result, out_name, current, overrides)
        if problem:
            raise WriteError(problem)
        progress(1.0, "write.done")
        return WriteResult(result, out_name, "clean")
    reason: str | None
    try:
        progress(0.3, "write.writing")
        result = patch_xlsx(data, [*plan.sheets.values()], plan.new_sheets, replace=APP_SHEETS)
        progress(0.7, "write.checking")
        # Untouched parts are copied byte for byte: only the rewritten and added sheets need reading back.
        touched = {c.sheet for c in plan.sheets.values() if not c.is_empty()} | {n for n, _, _ in plan.new_sheets}
        reason = sheet_difference(result, out_name, current, overrides, touched)
    except PatchUnsupported as error:
        reason = str(error)
    if reason is None:
        progress(1.0, "write.done")
        return WriteResult(result, out_name, "patched")
    progress(0.75, "write.safe_path")
    log.warning("write-back took the safe path: %s", reason)  # says what differed, never the data
    result = safe_xlsx(data, plan, keep_vba=suffix == ".xlsm")
    problem = difference(result, out_name, current, overrides)
    if problem:
        raise WriteError(problem)
    progress(1.0, "write.done")
    return WriteResult(result, out_name, "safe", reason)


def _is_ooxml(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        return "xl/workbook.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    except zipfile.BadZipFile:
        return False


def difference(data: bytes, file_name: str, expected: Register, overrides: MappingOverrides) -> str | None:
    """How the written file differs from the register it should hold, or None when it does not."""
    try:
        got, _ = build_register(read_workbook(data, file_name), overrides, check=False)
    except Exception as error:  # any failure to read back means the file cannot be offered
        return f"the written file cannot be read back ({type(error).__name__})"
    for kind in SHEET_KINDS:
        if found := _frame_difference(kind, expected.frame(kind), got.frame(kind)):
            return found
    return None


def sheet_difference(
    data: bytes, file_name: str, expected: Register, overrides: MappingOverrides, sheets: set[str]
) -> str | None:
    """Like `difference`, for the named sheets only: each must hold exactly its rows of the register."""
    if not sheets:
        return None
    try:
        got = sheet_frames(read_workbook(data, file_name, only=sheets), overrides)
    except Exception as error:  # any failure to read back means the file cannot be offered
        return f"the written sheets cannot be read back ({type(error).__name__})"
    last_of_kind = {s.kind: s.sheet for s in expected.sources}  # sources are in order: the last one wins
    for sheet, (kind, have) in got.items():
        frame = expected.frame(kind)
        on_sheet = (frame[SHEET_COL] == sheet).fillna(False)
        if kind not in last_of_kind:  # a sheet added for a kind the workbook lacked: all its rows
            mine = frame
        elif last_of_kind[kind] == sheet:  # added rows are appended to the last sheet of their kind
            mine = frame[on_sheet | frame[SHEET_COL].isna()]
        else:
            mine = frame[on_sheet]
        if found := _frame_difference(sheet, mine, have):
            return found
    return None


def _frame_difference(label: str, want: pd.DataFrame, have: pd.DataFrame) -> str | None:
    columns = [c for c in want.columns if c not in BOOKKEEPING]
    missing = [c for c in columns if c not in have.columns]
    if missing:
        return f"{label}: columns {missing[:3]} are missing"
    if len(want) != len(have):
        return f"{label}: {len(have)} rows instead of {len(want)}"
    for column in columns:
        if not _normal(want[column]).equals(_normal(have[column])):
            return f"{label}: values of '{column}' differ"
    return None


def _normal(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        text = values.dt.strftime("%Y-%m-%d")
    elif pd.api.types.is_float_dtype(values):
        text = values.round(9).astype("string")
    else:  # a number kept as text ("49.90" in a csv) comes back from the xlsx as the number it is (49.9)
        text = values.astype("string")
        plain = text.str.fullmatch(_PLAIN_NUMBER.pattern).fillna(False).astype(bool)
        if plain.any():
            numbers = pd.to_numeric(text.where(plain), errors="coerce").round(9)
            text = text.mask(plain, numbers.map(repr, na_action="ignore").astype("string"))
    return text.fillna("").reset_index(drop=True)


# --- the clean path: csv, xls and ods come back as a new xlsx ------------------------------------

_PLAIN_NUMBER = re.compile(r"-?(0|[1-9]\d{0,14})(\.\d+)?")
_READER_DATE = re.compile(r"\d{4}-\d{2}-\d{2}( 00:00:00)?")


def clean_xlsx(sheets: list[RawSheet], plan: Plan) -> bytes:
    """A new xlsx with every sheet of a csv/xls/ods upload, the changes applied, cells typed."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
    renewed = {name for name, _, _ in plan.new_sheets if name in APP_SHEETS}
    for raw in sheets:
        if raw.name in renewed:  # the app's own sheet from an earlier export: written anew below
            continue
        changes = plan.sheets.get(raw.name, SheetChanges(raw.name, 0))
        sheet = workbook.add_worksheet(raw.name[:31])
        columns = [column_index(letter) for letter in raw.letters]
        out_row = 0
        for index, cells in enumerate(raw.cells.itertuples(index=False)):
            number = index + 1
            if number in changes.deletes:
                continue
            values: dict[int, CellValue] = dict(zip(columns, cells, strict=True))
            values.update({c: v for (r, c), v in changes.sets.items() if r == number})
            if number == changes.header_row:
                values.update(changes.new_headers)
            _write_row(sheet, out_row, values, day, typed_text=True)
            out_row += 1
        for appended in changes.appends:
            _write_row(sheet, out_row, appended, day, typed_text=False)
            out_row += 1
    for name, headers, rows in plan.new_sheets:
        _write_new_sheet(workbook, name, headers, rows, day)
    workbook.close()
    return buffer.getvalue()


def _write_row(sheet, row: int, values: dict[int, CellValue], day, typed_text: bool) -> None:
    for column, value in values.items():
        if value is None or (isinstance(value, float) and pd.isna(value)):
            continue
        if isinstance(value, str) and typed_text and _PLAIN_NUMBER.fullmatch(value):
            sheet.write_number(row, column, float(value))
        elif isinstance(value, str) and typed_text and _READER_DATE.fullmatch(value):
            sheet.write_datetime(row, column, datetime.fromisoformat(value[:10]), day)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, column, value, day)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, column, value)
        else:
            sheet.write_string(row, column, str(value))  # never a formula


def _write_new_sheet(workbook, name: str, headers: list[str], rows: list[list[CellValue]], day) -> None:
    sheet = workbook.add_worksheet(name[:31])
    bold = workbook.add_format({"bold": True})
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, bold)
    for index, row in enumerate(rows, start=1):
        _write_row(sheet, index, dict(enumerate(row)), day, typed_text=False)


# --- the safe path: openpyxl, slower, for files the patcher does not understand ------------------


def safe_xlsx(data: bytes, plan: Plan, keep_vba: bool = False) -> bytes:
    """Apply the plan through openpyxl (keeps values, formulas and most formatting)."""
    import openpyxl  # the safe path only: importing it costs a quarter second on every start

    book = openpyxl.load_workbook(io.BytesIO(data), keep_vba=keep_vba, keep_links=True)
    for changes in plan.sheets.values():
        sheet = book[changes.sheet]
        cells = {**changes.sets, **{(changes.header_row, c): h for c, h in changes.new_headers.items()}}
        for (row, column), value in cells.items():
            _set_cell(sheet.cell(row=row, column=column + 1), value)
        last = sheet.max_row
        for offset, appended in enumerate(changes.appends, start=1):
            for column, value in appended.items():
                _set_cell(sheet.cell(row=last + offset, column=column + 1), value)
        for row in sorted(changes.deletes, reverse=True):
            sheet.delete_rows(row)
    for name, headers, rows in plan.new_sheets:
        if name in APP_SHEETS and name in book.sheetnames:  # the app's own sheet from an earlier export
            del book[name]
        sheet = book.create_sheet(name[:31])
        for column, header in enumerate(headers, start=1):
            _set_cell(sheet.cell(row=1, column=column), header)
        for index, row_values in enumerate(rows, start=2):
            for column, cell_value in enumerate(row_values, start=1):
                _set_cell(sheet.cell(row=index, column=column), cell_value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set_cell(cell, value: CellValue) -> None:
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make text starting with "=" a formula
    elif isinstance(value, datetime) and not cell.is_date:
        cell.number_format = "DD.MM.YYYY"
