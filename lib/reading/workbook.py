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

import io
import json
import os
import pickle
import re
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import IO

import pandas as pd
import pyarrow as pa

from lib.config import Config
from lib.i18n import Explained
from lib.reading import bundle, read_worker
from lib.reading.ooxml import PatchUnsupported, column_letters, sheet_parts
from lib.reading.ooxml import column_index as column_index_of

MAX_FILE_BYTES = 100 * 1024 * 1024
"""Largest file read at all (also Streamlit's upload limit in .streamlit/config.toml); several files read as
one register may weigh lib.reading.bundle.MAX_BUNDLE_BYTES together."""
MAX_UNPACKED_BYTES = 2 * 1024 * 1024 * 1024
MAX_PACKING_RATIO = 200
"""A real xlsx packs 5–20×; a part packed more than this is a zip bomb, not a register."""
MAX_COLUMNS = 702
"""Columns A…ZZ: no register is wider; a cell further out is a stray or a trap."""
MAX_CELLS = 40_000_000
"""Rows × columns of one sheet's used range: the reader allocates the whole rectangle."""
SUPPORTED_SUFFIXES = ("xlsx", "xlsm", "xls", "ods", "csv", "tsv")

_ZIP_MAGIC = read_worker.ZIP_MAGIC
_CFB_MAGIC = read_worker.CFB_MAGIC
_ENCRYPTED_MARK = "EncryptionInfo".encode("utf-16-le")
_DOCTYPES = tuple("<!doctype".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
"""A DOCTYPE in any encoding an XML part may use (UTF-16 would hide it from a plain byte search);
looked for in lower-cased bytes, which is fast in C (a regular expression took seconds at 100,000 rows)."""
_CHUNK = 1 << 20
_OLD_BIFF = {b"\x09\x00", b"\x09\x02", b"\x09\x04"}
"""First bytes (a BOF record) of Excel 2.0, 3.0 and 4.0 files, which nothing reads any more."""


class WorkbookError(Explained):
    """The file cannot be read as a workbook. The message says why and what to do."""


@dataclass(frozen=True)
class RawSheet:
    """One sheet as it was read: every cell as text (or missing), row i is Excel row i + 1."""

    name: str
    cells: pd.DataFrame
    letters: tuple[str, ...]
    """Excel column letter of each column of ``cells``."""
    visible: bool = True
    ragged: tuple[tuple[int, str, int, int, int], ...] = ()
    """A CSV's rows with more values than columns (``lib.reading.ragged.Note``), mended or kept as they came."""
    file: str = ""
    """In a register made of several files (``lib.reading.bundle``), the file the sheet came from."""


def read_workbook(data: bytes, file_name: str, only: Collection[str] | None = None) -> list[RawSheet]:
    """Read every sheet (or ``only`` the named ones) of a workbook file; raise WorkbookError with a
    plain reason if it can't.

    Cheap checks run here; the parsing itself runs in a separate process with a time and
    memory budget, because a hostile file can make the reader abort the whole process.
    """
    if bundle.is_bundle(data):
        if len(data) > bundle.MAX_BUNDLE_BYTES:
            raise WorkbookError(
                "error.too_large", size=round(len(data) / 1e6), limit=round(bundle.MAX_BUNDLE_BYTES / 1e6)
            )
        return _read_bundle(data, file_name, only)
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError("error.too_large", size=round(len(data) / 1e6), limit=round(MAX_FILE_BYTES / 1e6))
    if not data.strip():
        raise WorkbookError("error.empty_file")
    suffix = PurePath(file_name).suffix.lower().lstrip(".")
    if data.startswith(_ZIP_MAGIC):  # before any parsing: a refused part never reaches the reader
        _scan_parts(_open_zip(data), data)
    if data.startswith(_CFB_MAGIC) and (_ENCRYPTED_MARK in data or _xls_password(data)):
        raise WorkbookError("error.encrypted")
    if data[:2] in _OLD_BIFF:
        raise WorkbookError("error.ancient_excel")
    if suffix in ("xlsx", "xlsm", "xls", "ods") and not data.startswith((_ZIP_MAGIC, _CFB_MAGIC)):
        raise WorkbookError("error.not_a_workbook", file=file_name, suffix=suffix)
    chosen = frozenset(only) if only is not None else None
    config = Config.from_environment()
    if config.read_in_process:
        return parse_workbook(data, file_name, chosen)
    return _in_worker(data, file_name, chosen, config)


def _read_bundle(data: bytes, file_name: str, only: Collection[str] | None) -> list[RawSheet]:
    """Every sheet of every file of a register made of several, each file read as it would be alone, the
    sheets named so that no two are alike (see lib.reading.bundle)."""
    try:
        parts = bundle.unpack(data, MAX_FILE_BYTES)
    except bundle.NotABundle as error:
        raise WorkbookError(
            "error.not_a_workbook", file=file_name, suffix=PurePath(file_name).suffix.lstrip(".")
        ) from error
    taken: set[str] = set()
    sheets: list[RawSheet] = []
    for part in parts:
        read = read_workbook(part.data, part.name)
        names = bundle.sheet_names(part.name, [sheet.name for sheet in read], taken)
        sheets += [replace(sheet, name=name, file=part.name) for sheet, name in zip(read, names, strict=True)]
    return [sheet for sheet in sheets if only is None or sheet.name in only]


_BIFF8_GLOBALS = b"\x09\x08\x10\x00\x00\x06\x05\x00"
"""The BOF record that opens an .xls workbook's globals (BIFF8)."""


def _xls_password(data: bytes) -> bool:
    """An .xls saved with a password (Excel 97–2003 encryption): a FILEPASS record among the first records
    after the globals' BOF, before the first sheet is declared."""
    start = data.find(_BIFF8_GLOBALS)
    if start < 0:
        return False
    position = start + 4 + 16
    for _ in range(64):
        if position + 4 > len(data):
            return False
        kind, length = (
            int.from_bytes(data[position : position + 2], "little"),
            int.from_bytes(data[position + 2 : position + 4], "little"),
        )
        if kind == 0x002F:  # FILEPASS
            return True
        if kind in (0x0085, 0x000A):  # BOUNDSHEET or EOF: past where FILEPASS would be
            return False
        position += 4 + length
    return False


def parse_workbook(data: bytes, file_name: str, only: frozenset[str] | None = None) -> list[RawSheet]:
    """Parse in this process, without the budget (benchmarks, and test runs on their own files)."""
    try:
        return [_raw_sheet(sheet) for sheet in read_worker.parse(data, file_name, only)]
    except read_worker.ReadFailure as error:
        raise WorkbookError(error.key, **error.params) from error


def _raw_sheet(sheet: read_worker.Sheet) -> RawSheet:
    name, ipc, columns, visible = sheet
    table = pa.ipc.open_stream(ipc).read_all()
    ragged = json.loads((table.schema.metadata or {}).get(read_worker.RAGGED_ROWS, b"[]"))
    frame = table.to_pandas()
    frame.columns = range(frame.shape[1])
    letters = tuple(column_letters(c) for c in columns)
    return RawSheet(name, frame, letters, visible, tuple(tuple(note) for note in ragged))


_ROOT = Path(__file__).resolve().parents[2]


def _in_worker(data: bytes, file_name: str, only: frozenset[str] | None, config: Config) -> list[RawSheet]:
    """Parse in a fresh interpreter (``python -m lib.reading.read_worker``) under the time and memory budget.

    A fresh process rather than a fork: Streamlit runs pages as ``__main__``, which
    multiprocessing would re-run in its children, and forking a threaded server is unsafe.
    The budget is the installation's (lib.config).
    """
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "lib.reading.read_worker", str(config.read_memory_mb)],
            input=pickle.dumps((data, file_name, only), protocol=pickle.HIGHEST_PROTOCOL),
            capture_output=True,
            timeout=config.read_seconds,
            cwd=_ROOT,
            env={**os.environ, "PYTHONPATH": str(_ROOT)},
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise WorkbookError("error.too_slow", seconds=round(config.read_seconds)) from error
    if finished.returncode != 0 or not finished.stdout:
        if _out_of_memory(finished.stderr):  # the reader aborts its process when memory runs out
            raise WorkbookError(read_worker.TOO_MUCH_MEMORY)
        raise WorkbookError("error.reader_stopped")
    status, payload = pickle.loads(finished.stdout)  # our own worker's answer, never user input
    if status == "error":
        key, params = payload
        raise WorkbookError(key, **params)
    return [_raw_sheet(sheet) for sheet in payload]


_MEMORY_SIGNS = (b"MemoryError", b"memory allocation of", b"Cannot allocate memory", b"bad_alloc", b"out of memory")
"""What a reader process that ran out of its address space leaves on its error stream (Python's MemoryError,
the Rust allocator's abort, a library that could not map its code)."""


def _out_of_memory(stderr: bytes) -> bool:
    return any(sign in stderr for sign in _MEMORY_SIGNS)


def _open_zip(data: bytes) -> zipfile.ZipFile:
    """The archive, refused when damaged or when it declares far more than a register unpacks to."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise WorkbookError("error.damaged_zip") from error
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES or any(
        part.file_size > 10_000_000 and part.file_size > MAX_PACKING_RATIO * max(part.compress_size, 1)
        for part in parts
    ):
        raise WorkbookError("error.zip_bomb")
    return archive


def _scan_parts(archive: zipfile.ZipFile, data: bytes) -> None:
    """Every part, whatever its name says (a rels entry can point anywhere), in two threads, each with its own
    view of the archive: unpacking runs without the interpreter's lock, so both cores share it (1.2 → 0.8 s at
    100,000 customers). When several parts are refused, the first in the file is the one named."""
    with archive:
        sheet_names = {part: name for name, part in _sheet_parts_of(archive).items()}
        parts = [part for part in archive.infolist() if not part.is_dir()]
    halves: list[list[int]] = [[], []]
    sizes = [0, 0]
    for index in sorted(range(len(parts)), key=lambda i: -parts[i].file_size):
        smaller = sizes.index(min(sizes))
        halves[smaller].append(index)
        sizes[smaller] += parts[index].file_size

    def scan(indexes: list[int]) -> dict[int, Exception]:
        refused: dict[int, Exception] = {}
        with zipfile.ZipFile(io.BytesIO(data)) as own:
            for index in indexes:
                try:
                    _scan_part(own, parts[index], sheet_names.get(parts[index].filename))
                except Exception as error:
                    refused[index] = error
        return refused

    with ThreadPoolExecutor(2) as pool:
        refused = {index: error for found in pool.map(scan, halves) for index, error in found.items()}
    if refused:
        raise refused[min(refused)]


def _sheet_parts_of(archive: zipfile.ZipFile) -> dict[str, str]:
    try:
        return sheet_parts(archive)
    except PatchUnsupported:
        return {}  # not an Excel workbook (an .ods); calamine knows it or says it cannot read it


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\sref="(?:[A-Z]{1,3}\d+:)?([A-Z]{1,3})(\d+)"')
_SST_COUNT = re.compile(rb'<(?:\w+:)?sst\b[^>]*?uniqueCount="(\d+)"')
_HEAD_BYTES = 65536
"""Where a sheet's used range and a string table's size are declared: at the top. A DOCTYPE is
looked for in the whole part; the rest is guarded by the parsing process's memory budget."""


def _scan_part(archive: zipfile.ZipFile, part: zipfile.ZipInfo, sheet: str | None) -> None:
    """Look at one XML part: refuse a DOCTYPE anywhere in it, a sheet declaring a huge used range,
    a string table claiming more entries than it holds."""
    try:
        with archive.open(part) as stream:
            head = stream.read(_HEAD_BYTES)
            _refuse_doctype(stream, head, part.filename)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        raise WorkbookError("error.damaged_part", part=part.filename) from error
    if part.filename.endswith("sharedStrings.xml"):
        _check_string_table(head, part)
    dimension = _DIMENSION.search(head) if sheet is not None else None
    if dimension:
        _check_used_range(str(sheet), dimension.group(1).decode(), int(dimension.group(2)))


def _refuse_doctype(stream: IO[bytes], head: bytes, part: str) -> None:
    """Read the part to its end, a chunk at a time (chunks overlap so a DOCTYPE across two is seen)."""
    overlap = 2 * len("<!doctype")
    chunk = head
    while chunk:
        if _holds_doctype(chunk):
            raise WorkbookError("error.doctype", part=part)
        more = stream.read(_CHUNK)
        chunk = chunk[-overlap:] + more if more else b""


_FEW_MARKS = 1000


def _holds_doctype(chunk: bytes) -> bool:
    """Whether a DOCTYPE opens anywhere in the chunk. Its ``!`` is rare in XML and found at memory speed; only
    the bytes around each one are looked at (a chunk full of them, a survey's "great!!!", all at once)."""
    marks = chunk.count(b"!")
    if not marks:
        return False
    if marks > _FEW_MARKS:
        lowered = chunk.lower()
        return any(doctype in lowered for doctype in _DOCTYPES)
    position = chunk.find(b"!")
    while position >= 0:  # "<!" in UTF-8; "<\0!\0" and "\0<\0!" in UTF-16
        around = chunk[max(position - 3, 0) : position + 2 * len("doctype") + 2].lower()
        if any(doctype in around for doctype in _DOCTYPES):
            return True
        position = chunk.find(b"!", position + 1)
    return False


def _check_string_table(head: bytes, part: zipfile.ZipInfo) -> None:
    """A shared-string table claiming more strings than its size can hold makes readers over-allocate."""
    count = _SST_COUNT.search(head)
    if count and int(count.group(1)) * 7 > part.file_size + 1000:  # <si><t/></si> is at least 7 bytes
        raise WorkbookError("error.lying_strings")


def _check_used_range(sheet: str, last_column: str, last_row: int) -> None:
    columns = column_index_of(last_column) + 1
    if columns > MAX_COLUMNS or last_row * columns > MAX_CELLS:
        raise WorkbookError("error.huge_range", sheet=sheet, cell=f"{last_column}{last_row}")
