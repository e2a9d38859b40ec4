"""Parse one workbook file into Arrow tables: the part of reading that runs in its own process.

``python -m lib.reading.read_worker MEMORY_MB`` reads ``(data, file name)`` pickled on stdin and answers
on stdout with ``("ok", sheets)`` or ``("error", (message key, parameters))``, under an address-space limit: a
hostile file can make the calamine engine abort its process, and then only this one dies.
Only fastexcel and pyarrow are imported here (not pandas), so the process starts quickly;
Arrow IPC carries the sheets back at almost no cost.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import pickle
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import PurePath

import fastexcel
import pyarrow as pa

from lib.reading.ooxml import PatchUnsupported, sheet_parts
from lib.reading.ragged import mend_ragged

TOO_MUCH_MEMORY = "error.too_much_memory"
"""Catalogue key of the message for a file that needed more memory than the budget."""
ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
Sheet = tuple[str, bytes, tuple[int, ...], bool]
"""(name, Arrow IPC stream of the cells as text, zero-based Excel column of each column, visible).
The stream's schema may carry ``RAGGED_ROWS``: a CSV's over-long rows (``lib.reading.ragged.Note``s, JSON)."""
RAGGED_ROWS = b"ladder.ragged_rows"


class ReadFailure(Exception):
    """The file cannot be parsed: ``key`` names the catalogue message saying why and what to do.

    Only the key and its parameters cross back to the app (which words it in the user's
    language), so this process needs no catalogue.
    """

    def __init__(self, key: str, /, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def parse(data: bytes, file_name: str, only: frozenset[str] | None = None) -> list[Sheet]:
    """Every sheet, or ``only`` the named ones (of a workbook; a CSV is one sheet)."""
    if data.startswith((ZIP_MAGIC, CFB_MAGIC)):
        return _read_excel(data, only)
    return [_read_csv(data, file_name)]


def _ipc(table: pa.Table | pa.RecordBatch) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write(table)
    return sink.getvalue().to_pybytes()


def _read_excel(data: bytes, only: frozenset[str] | None = None) -> list[Sheet]:
    try:
        names = [n for n in fastexcel.read_excel(data).sheet_names if only is None or n in only]
        groups = _two_groups(data, names)
        if len(groups) == 1:
            loaded = _load_sheets(data, groups[0])
        else:  # calamine parses without the GIL: two sheets at a time on two cores
            with ThreadPoolExecutor(2) as pool:
                loaded = {k: v for part in pool.map(lambda g: _load_sheets(data, g), groups) for k, v in part.items()}
        return [loaded[name] for name in names]
    except BaseException as error:  # the calamine engine may panic: PanicException is no Exception
        if isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        if isinstance(error, MemoryError) or "Memory" in type(error).__name__:
            raise ReadFailure(TOO_MUCH_MEMORY) from error
        raise ReadFailure("error.unreadable", reason=type(error).__name__) from error


def _load_sheets(data: bytes, names: list[str]) -> dict[str, Sheet]:
    reader = fastexcel.read_excel(data)  # a reader per thread
    sheets = {}
    for name in names:
        # header_row=None with skip_rows=0 keeps leading blank rows, so positions are Excel rows.
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        columns = tuple(info.absolute_index for info in sheet.available_columns())
        sheets[name] = (name, _ipc(sheet.to_arrow()), columns, sheet.visible == "visible")
    return sheets


def _two_groups(data: bytes, names: list[str]) -> list[list[str]]:
    """Split the sheets in two groups of about equal size (xlsx only; one group otherwise)."""
    if not data.startswith(ZIP_MAGIC) or len(names) < 2:
        return [names]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = sheet_parts(archive)
            sizes = {name: archive.getinfo(parts[name]).file_size if name in parts else 0 for name in names}
    except (zipfile.BadZipFile, KeyError, PatchUnsupported):
        return [names]
    groups: list[list[str]] = [[], []]
    totals = [0, 0]
    for name in sorted(names, key=lambda n: -sizes[n]):
        smaller = totals.index(min(totals))
        groups[smaller].append(name)
        totals[smaller] += sizes[name]
    return [group for group in groups if group]


def _read_csv(data: bytes, file_name: str) -> Sheet:
    text = _decode(data)
    sample = text[:65536]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t|").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ReadFailure("error.bad_csv", file=file_name, reason=str(error)) from error
    rows, ragged = mend_ragged(rows, delimiter)
    width = max((len(row) for row in rows), default=0)
    if width == 0:
        raise ReadFailure("error.no_rows", file=file_name)
    columns = {
        str(i): pa.array([row[i] if i < len(row) and row[i].strip() else None for row in rows], pa.string())
        for i in range(width)
    }
    table = pa.table(columns)
    if ragged:
        table = table.replace_schema_metadata({RAGGED_ROWS: json.dumps(ragged)})
    return PurePath(file_name).stem or "Sheet1", _ipc(table), tuple(range(width)), True


_LOCAL_LETTERS = set("äöüõšžåąćęłńóśźżčėįųūāēīķļņ")
_LEGACY_ENCODINGS = ("cp1257", "cp1250", "cp1252")
"""What Excel on Windows writes a CSV in for Baltic, Polish and Finnish/Swedish settings."""


def _decode(data: bytes) -> str:
    """UTF-16 or UTF-8 (with or without BOM) first, else the legacy code page that yields the
    most letters of the supported languages."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    candidates = [data.decode(encoding, errors="replace") for encoding in _LEGACY_ENCODINGS]
    return max(candidates, key=lambda text: sum(ch.lower() in _LOCAL_LETTERS for ch in text) - 5 * text.count("\ufffd"))


def main(memory_mb: int) -> None:
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    data, file_name, only = pickle.loads(sys.stdin.buffer.read())  # from our own parent process
    try:
        answer: tuple[str, object] = ("ok", parse(data, file_name, only))
    except ReadFailure as error:
        answer = ("error", (error.key, error.params))
    except MemoryError:
        answer = ("error", (TOO_MUCH_MEMORY, {}))
    sys.stdout.buffer.write(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    main(int(sys.argv[1]))
