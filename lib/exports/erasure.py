"""Forgetting a person: their rows blanked in every stored workbook, their edits gone, nothing lingering.

A customer's right to be forgotten reaches every copy the workspace keeps: each uploaded
version is rewritten with the person's cells emptied (rows stay, so every other row keeps
its number and every other journal entry stays attached to the right row), text the
workbook no longer uses is dropped from its string table, and the person's e-mail and phone
are scrubbed from any other part (links, comments). Their journal entries go too. The
workspace keeps only salted hashes of their e-mail and phone, so a re-upload of an old
workbook cannot quietly put them back on a mailing list.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from xml.sax.saxutils import escape

import pandas as pd

from lib.exports.sheet_xml import SheetChanges
from lib.exports.xlsx_patch import patch_xlsx
from lib.reading.ooxml import column_index, sheet_parts
from lib.reading.register import Register
from lib.reading.workbook import RawSheet
from lib.schema import CUSTOMERS, KEY_COL, ROW_COL, SHEET_COL, SHEET_KINDS

_SHARED_STRINGS = "xl/sharedStrings.xml"
_SHARED_CELL = re.compile(rb'<c\b[^>]*?\bt="s"[^>]*>(?:(?!</c>).)*?<v>(\d+)</v>', re.DOTALL)
_STRING_ITEM = re.compile(rb"<si\b[^>]*/>|<si\b[^>]*>.*?</si>", re.DOTALL)


def person_rows(register: Register, customer_id: str) -> dict[str, pd.DataFrame]:
    """The person's rows on every sheet kind: their customer row and their purchases, feedback and actions."""
    return {kind: register.frame(kind)[register.frame(kind)["customer_id"] == customer_id] for kind in SHEET_KINDS}


def blanking_changes(register: Register, customer_id: str) -> dict[str, SheetChanges]:
    """Sheet → every cell of the person's rows set empty (Excel coordinates)."""
    changes: dict[str, SheetChanges] = {}
    for rows in person_rows(register, customer_id).values():
        for sheet, row in zip(rows[SHEET_COL], rows[ROW_COL], strict=True):
            if pd.isna(sheet) or pd.isna(row):
                continue  # a customer derived from purchases has no row of their own
            source = register.source(str(sheet))
            if source is None:
                continue
            target = changes.setdefault(str(sheet), SheetChanges(str(sheet), source.header_row))
            for letter in source.letters:
                target.sets[(int(row), column_index(letter))] = None
    return changes


def blank_in_xlsx(data: bytes, changes: dict[str, SheetChanges], identifiers: Iterable[str]) -> bytes:
    """The workbook with the person's cells emptied, orphaned strings dropped, identifiers scrubbed."""
    patched = patch_xlsx(data, list(changes.values()))
    return scrub_parts(_drop_unused_strings(patched), identifiers)


def blank_in_sheets(sheets: list[RawSheet], changes: dict[str, SheetChanges]) -> list[RawSheet]:
    """Raw sheets (of a csv, xls or ods upload) with the person's cells emptied."""
    out = []
    for raw in sheets:
        cells = raw.cells.copy()
        target = changes.get(raw.name)
        if target is not None:
            for row, _column in target.sets:
                if row - 1 < len(cells):
                    cells.iloc[row - 1] = None
        out.append(RawSheet(raw.name, cells, raw.letters, raw.visible))
    return out


def _drop_unused_strings(data: bytes) -> bytes:
    """Empty every shared string no cell uses any more (indices stay, so no cell changes)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    if _SHARED_STRINGS not in source.namelist():
        return data
    used: set[int] = set()
    for part in sheet_parts(source).values():
        used |= {int(index) for index in _SHARED_CELL.findall(source.read(part))}
    xml = source.read(_SHARED_STRINGS)
    counter = iter(range(1 << 31))

    def keep_or_blank(match: re.Match[bytes]) -> bytes:
        return match.group(0) if next(counter) in used else b"<si><t></t></si>"

    return _replace_parts(data, {_SHARED_STRINGS: _STRING_ITEM.sub(keep_or_blank, xml)})


def scrub_parts(data: bytes, identifiers: Iterable[str]) -> bytes:
    """Remove the identifiers wherever they still appear as text in any XML part (links, comments)."""
    needles = {
        form for text in identifiers if text and len(text) >= 5 for form in (text.encode(), escape(text).encode())
    }
    if not needles:
        return data
    source = zipfile.ZipFile(io.BytesIO(data))
    rewritten = {}
    for name in source.namelist():
        if not name.endswith((".xml", ".rels")):
            continue
        content = source.read(name)
        cleaned = content
        for needle in needles:
            cleaned = cleaned.replace(b"mailto:" + needle, b"").replace(needle, b"")
        if cleaned != content:
            rewritten[name] = cleaned
    return _replace_parts(data, rewritten) if rewritten else data


def _replace_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, parts.get(info.filename, source.read(info.filename)))
    return output.getvalue()


def journal_keys_of(register: Register, journal: pd.DataFrame, customer_id: str) -> set[tuple[str, str]]:
    """(sheet kind, key) of every row the person's journal entries touch: their customer row, their
    purchases, feedback and actions, and rows added for them (a logged action or feedback)."""
    keys: set[tuple[str, str]] = {(CUSTOMERS, customer_id)}
    for kind, rows in person_rows(register, customer_id).items():
        keys |= {(kind, str(key)) for key in rows[KEY_COL]}
    if len(journal):
        theirs = journal[(journal["field"] == "customer_id") & (journal["new"] == customer_id)]
        keys |= set(zip(theirs["sheet"], theirs["key"], strict=True))
    return keys
