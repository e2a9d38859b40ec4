"""Read a workbook file (xlsx, xlsm, xls, ods or csv) into raw sheets of text cells.

Reading goes through fastexcel (the calamine reader): measured at 100,000 customers it is
several times faster than pandas with openpyxl (DESIGN.md). Every cell is read as text and
typed later, per cell, as people type values (`lib.values`), because one text cell in a date
column would otherwise turn the whole column into text. Row ``i`` of a raw sheet is Excel's
row ``i + 1``, so every problem can name the row the user sees.

Hostile files are refused before parsing: over the size limit, zip bombs, XML with a
DOCTYPE (entity expansion), password-protected workbooks.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import fastexcel
import pandas as pd

MAX_FILE_BYTES = 100 * 1024 * 1024
"""Largest upload read at all (also Streamlit's upload limit in .streamlit/config.toml)."""
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
MAX_PACKING_RATIO = 200
"""A real xlsx packs 5–20×; a part packed more than this is a zip bomb, not a register."""
SUPPORTED_SUFFIXES = ("xlsx", "xlsm", "xls", "ods", "csv")

_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_DOCTYPE = re.compile(rb"<!doctype", re.IGNORECASE)


class WorkbookError(Exception):
    """The file cannot be read as a workbook. The message says why and what to do."""


@dataclass(frozen=True)
class RawSheet:
    """One sheet as it was read: every cell as text (or missing), row i is Excel row i + 1."""

    name: str
    cells: pd.DataFrame
    letters: tuple[str, ...]
    """Excel column letter of each column of ``cells``."""
    visible: bool = True


def column_letter(index: int) -> str:
    """Excel's letter for a zero-based column index: 0 → A, 27 → AB."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def read_workbook(data: bytes, file_name: str) -> list[RawSheet]:
    """Read every sheet of a workbook file; raise WorkbookError with a plain reason if it can't."""
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(
            f"The file is {len(data) / 1e6:.0f} MB; the largest file Loyalty Ladder reads is "
            f"{MAX_FILE_BYTES / 1e6:.0f} MB. Remove old sheets or split the register, and upload again."
        )
    if not data.strip():
        raise WorkbookError("The file is empty. Choose the workbook that holds your register.")
    suffix = PurePath(file_name).suffix.lower().lstrip(".")
    if data.startswith(_ZIP_MAGIC):
        _check_zip(data)
        return _read_excel(data)
    if data.startswith(_CFB_MAGIC):
        if _ENCRYPTED_MARK in data:
            raise WorkbookError(
                "The workbook is protected with a password. Open it in Excel, remove the password "
                "(File → Info → Protect Workbook → Encrypt with Password), save it and upload again."
            )
        return _read_excel(data)
    if suffix in ("xlsx", "xlsm", "xls", "ods"):
        raise WorkbookError(
            f"'{file_name}' is not a readable .{suffix} workbook (it may be damaged or only renamed). "
            "Open it in Excel or LibreOffice, save it as .xlsx and upload again."
        )
    return [_read_csv(data, file_name)]


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise WorkbookError(
            "The workbook is damaged (its zip structure cannot be read). Open it in Excel, "
            "save a copy as .xlsx and upload the copy."
        ) from error
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES or any(
        part.file_size > 10_000_000 and part.file_size > MAX_PACKING_RATIO * max(part.compress_size, 1)
        for part in parts
    ):
        raise WorkbookError(
            "The workbook unpacks to far more data than a register holds, so it was not opened. "
            "If it is really yours, open it in Excel, save a copy and upload the copy."
        )
    with archive:
        for part in parts:
            if part.filename.endswith((".xml", ".rels", ".vml")) and _has_doctype(archive, part):
                raise WorkbookError(
                    f"The workbook part '{part.filename}' declares a DOCTYPE, which real workbooks "
                    "never do; it was not opened for safety. Save a fresh copy from Excel and upload it."
                )


def _has_doctype(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Stream one part looking for ``<!DOCTYPE`` (overlapping chunks, so a split is still found)."""
    tail = b""
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(1 << 20):
                if _DOCTYPE.search(tail + chunk):
                    return True
                tail = chunk[-16:]
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise WorkbookError(
            f"The workbook is damaged (part '{part.filename}' cannot be unpacked). Open it in "
            "Excel, save a copy as .xlsx and upload the copy."
        ) from error
    return False


def _read_excel(data: bytes) -> list[RawSheet]:
    try:
        reader = fastexcel.read_excel(data)
        return [_load_sheet(reader, name) for name in reader.sheet_names]
    except BaseException as error:  # the calamine engine may panic: PanicException is no Exception
        if isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise WorkbookError(
            "The file could not be read as a workbook "
            f"({type(error).__name__}). Open it in Excel or LibreOffice, save it as .xlsx and "
            "upload again."
        ) from error


def _load_sheet(reader: fastexcel.ExcelReader, name: str) -> RawSheet:
    # header_row=None with skip_rows=0 keeps leading blank rows, so positions are Excel rows.
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
    frame = sheet.to_pandas()
    letters = tuple(column_letter(info.absolute_index) for info in sheet.available_columns())
    frame.columns = range(frame.shape[1])
    return RawSheet(name=name, cells=frame, letters=letters, visible=sheet.visible == "visible")


def _read_csv(data: bytes, file_name: str) -> RawSheet:
    text = _decode(data)
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise WorkbookError(
            f"'{file_name}' could not be read as a CSV file ({error}). Open it in Excel, save it "
            "as .xlsx and upload again."
        ) from error
    width = max((len(row) for row in rows), default=0)
    if width == 0:
        raise WorkbookError(f"'{file_name}' holds no rows. Choose the file that holds your register.")
    frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype="string")
    frame = frame.mask(frame.apply(lambda column: column.str.strip() == ""))
    name = PurePath(file_name).stem or "Sheet1"
    return RawSheet(name=name, cells=frame, letters=tuple(column_letter(i) for i in range(width)))


_LOCAL_LETTERS = set("äöüõšžåąćęłńóśźżčėįųūāēīķļņ")
_LEGACY_ENCODINGS = ("cp1257", "cp1250", "cp1252")
"""What Excel on Windows writes a CSV in for Baltic, Polish and Finnish/Swedish settings."""


def _decode(data: bytes) -> str:
    """Decode a CSV: UTF-8 (with or without BOM) first, else the legacy code page that yields
    the most letters of the supported languages."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    candidates = [data.decode(encoding, errors="replace") for encoding in _LEGACY_ENCODINGS]
    return max(candidates, key=lambda text: sum(ch.lower() in _LOCAL_LETTERS for ch in text) - 5 * text.count("\ufffd"))
