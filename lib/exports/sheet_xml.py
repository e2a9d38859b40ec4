"""Patching one worksheet's XML: cells set, rows appended and deleted, later rows, formulas and the
dimension shifted, styles kept — without loading the sheet into a workbook object.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from lib.reading.ooxml import PatchUnsupported, column_index, column_letters

CellValue = str | float | int | date | datetime | bool | None
"""A value to write: text is always written as text; None clears the cell but keeps its style."""

_EXCEL_EPOCH = datetime(1899, 12, 30)
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (<x:row>) some writers use
_ROW = re.compile(rb"<" + _NS + rb"row\b[^>]*?(?:/>|>.*?</" + _NS + rb"row>)", re.DOTALL)
_ROW_NUMBER = re.compile(rb"<" + _NS + rb'row\b[^>]*?\sr="(\d+)"')
_CELL = re.compile(rb"<" + _NS + rb"c\b[^>]*?(?:/>|>.*?</" + _NS + rb"c>)", re.DOTALL)
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
_STYLE = re.compile(rb'\ss="(\d+)"')
_SHEET_DATA = re.compile(rb"<(" + _NS + rb")sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"(<" + _NS + rb'dimension\b[^>]*?\sref=")([^"]*)(")')
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class SheetChanges:
    """What to change on one sheet, in Excel's coordinates (rows from 1, columns from 0)."""

    sheet: str
    header_row: int
    sets: dict[tuple[int, int], CellValue] = field(default_factory=dict)
    deletes: set[int] = field(default_factory=set)
    appends: list[dict[int, CellValue]] = field(default_factory=list)
    new_headers: dict[int, str] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not (self.sets or self.deletes or self.appends or self.new_headers)


def excel_serial(value: date | datetime) -> float:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment.replace(tzinfo=None) - _EXCEL_EPOCH
    return delta.days + delta.seconds / 86400


def patch_sheet(xml: bytes, changes: SheetChanges, date_styles: frozenset[bytes] = frozenset()) -> bytes:
    """One worksheet's XML with the changes applied (see `SheetChanges`).

    ``date_styles`` are the cell styles that show a date; a date goes into a cell with one of
    them (its own, its neighbour's, or else any), or is written as ``31.10.2026`` text.
    """
    opening = _SHEET_DATA.search(xml)
    if opening is None:
        raise PatchUnsupported("no sheetData")
    prefix = opening.group(1)
    if opening.group(2):  # <sheetData/>: an empty sheet
        head, body, tail = xml[: opening.start()], b"", xml[opening.end() :]
        head += b"<" + prefix + b"sheetData>"
        tail = b"</" + prefix + b"sheetData>" + tail
    else:
        closing = xml.find(b"</" + prefix + b"sheetData>", opening.end())
        if closing < 0:
            raise PatchUnsupported("unclosed sheetData")
        head, body, tail = xml[: opening.end()], xml[opening.end() : closing], xml[closing:]

    sets_by_row: dict[int, dict[int, CellValue]] = {}
    for (row, column), value in changes.sets.items():
        sets_by_row.setdefault(row, {})[column] = value
    for column, header in changes.new_headers.items():
        sets_by_row.setdefault(changes.header_row, {})[column] = header
    if not changes.deletes:
        quick = _patch_in_place(body, prefix, sets_by_row, changes.appends, date_styles)
        if quick is not None:
            patched, last_row = quick
            return _update_dimension(head, last_row, changes) + patched + tail
    deleted = sorted(changes.deletes)
    styles: dict[int, bytes] = {}  # column → style of the row above: new cells look like their neighbours
    pieces: list[bytes] = []
    last_row, position, previous = 0, 0, b""
    for match in _ROW.finditer(body):
        pieces.append(body[position : match.start()])
        position = match.end()
        chunk = match.group(0)
        number_match = _ROW_NUMBER.match(chunk)
        if number_match is None:
            raise PatchUnsupported("a row without a row number")
        number = int(number_match.group(1))
        last_row = number
        if number in changes.deletes:
            continue
        if number in sets_by_row:
            if number != changes.header_row:
                _remember_styles(previous, styles)
            chunk = _patch_row(chunk, number, sets_by_row.pop(number), styles, date_styles)
        if deleted and number > deleted[0]:
            chunk = _shift_rows(chunk, deleted)
        pieces.append(chunk)
        previous = chunk
    pieces.append(body[position:])
    if changes.appends and last_row > changes.header_row:
        _remember_styles(previous, styles)
    for number, cells in sorted(sets_by_row.items()):  # rows that held no cell before
        if number in changes.deletes:
            continue
        new_row = row_xml(number - _shift(number, deleted), cells, styles, date_styles)
        if number > last_row:
            pieces.append(new_row)
            last_row = number
        else:
            pieces.insert(_insert_at(pieces, number), new_row)
    new_number = last_row - len(deleted)
    for cells in changes.appends:
        new_number += 1
        pieces.append(row_xml(new_number, cells, styles, date_styles))
    if deleted:
        tail = _shift_attributes(tail, deleted)
    head = _update_dimension(head, max(new_number, last_row - len(deleted)), changes)
    return head + b"".join(pieces) + tail


def _patch_in_place(
    body: bytes,
    prefix: bytes,
    sets_by_row: dict[int, dict[int, CellValue]],
    appends: list[dict[int, CellValue]],
    date_styles: frozenset[bytes],
) -> tuple[bytes, int] | None:
    """Without deletions only the changed rows are touched: each is found by a plain search
    (rows are in order), the rest of a 100 MB sheet is copied as it is. None when a row cannot
    be found that way (no row element yet, or attributes in an unusual order): the caller scans."""
    pieces: list[bytes] = []
    styles: dict[int, bytes] = {}
    position = 0
    row_tag = b"<" + prefix + b"row "
    for number, values in sorted(sets_by_row.items()):
        start = body.find(row_tag + b'r="%d"' % number, position)
        if start < 0:
            return None
        end = _row_end(body, start, prefix)
        previous = body.rfind(row_tag, 0, start)
        if previous >= 0:
            _remember_styles(body[previous:start], styles)
        pieces += [body[position:start], _patch_row(body[start:end], number, values, styles, date_styles)]
        position = end
    pieces.append(body[position:])
    last = body.rfind(row_tag)
    found = _ROW_NUMBER.match(body, last) if last >= 0 else None
    if last >= 0 and found is None:
        return None
    last_row = int(found.group(1)) if found else 0
    if appends and last >= 0:
        _remember_styles(body[last:], styles)
    for number, cells in enumerate(appends, start=last_row + 1):
        pieces.append(row_xml(number, cells, styles, date_styles))
    return b"".join(pieces), last_row + len(appends)


def _row_end(body: bytes, start: int, prefix: bytes) -> int:
    opening_end = body.find(b">", start)
    if body[opening_end - 1 : opening_end] == b"/":
        return opening_end + 1
    closing = b"</" + prefix + b"row>"
    return body.find(closing, opening_end) + len(closing)


def _insert_at(pieces: list[bytes], number: int) -> int:
    """Index in ``pieces`` before the first row numbered above ``number``."""
    for index, piece in enumerate(pieces):
        found = _ROW_NUMBER.match(piece)
        if found and int(found.group(1)) > number:
            return index
    return len(pieces)


def _remember_styles(row: bytes, styles: dict[int, bytes]) -> None:
    for cell in _CELL.finditer(row):
        ref = _CELL_REF.search(cell.group(0))
        style = _STYLE.search(cell.group(0)[: cell.group(0).find(b">")])
        if ref and style:
            styles[column_index(ref.group(1).decode())] = style.group(1)


def _patch_row(
    row: bytes, number: int, values: dict[int, CellValue], styles: dict[int, bytes], date_styles: frozenset[bytes]
) -> bytes:
    end_of_open = row.find(b">")
    if row[end_of_open - 1 : end_of_open] == b"/":  # <row r="5"/>: no cells yet
        opening, cells_xml, closing = row[: end_of_open - 1] + b">", b"", b"</row>"
    else:
        close_at = row.rfind(b"</")
        opening, cells_xml, closing = row[: end_of_open + 1], row[end_of_open + 1 : close_at], row[close_at:]
    opening = re.sub(rb'\sspans="[^"]*"', b"", opening)
    cells: list[tuple[int, bytes]] = []
    for cell in _CELL.finditer(cells_xml):
        ref = _CELL_REF.search(cell.group(0)[: cell.group(0).find(b">") + 1])
        if ref is None:
            raise PatchUnsupported("a cell without a reference")
        cells.append((column_index(ref.group(1).decode()), cell.group(0)))
    remaining = dict(values)
    rebuilt: list[tuple[int, bytes]] = []
    for column, cell_xml in cells:
        style_match = _STYLE.search(cell_xml[: cell_xml.find(b">") + 1])
        style = style_match.group(1) if style_match else None
        if style is not None:
            styles[column] = style
        if column in remaining:
            rebuilt.append((column, _cell_xml(column, number, remaining.pop(column), style, date_styles)))
        else:
            rebuilt.append((column, cell_xml))
    for column, value in remaining.items():
        rebuilt.append((column, _cell_xml(column, number, value, styles.get(column), date_styles)))
    rebuilt.sort(key=lambda item: item[0])
    return opening + b"".join(cell for _, cell in rebuilt) + closing


def row_xml(
    number: int, values: dict[int, CellValue], styles: dict[int, bytes], date_styles: frozenset[bytes]
) -> bytes:
    cells = b"".join(_cell_xml(c, number, v, styles.get(c), date_styles) for c, v in sorted(values.items()))
    return b'<row r="%d">' % number + cells + b"</row>"


def _cell_xml(column: int, row: int, value: CellValue, style: bytes | None, date_styles: frozenset[bytes]) -> bytes:
    ref = f"{column_letters(column)}{row}".encode()
    if isinstance(value, (date, datetime)) and style not in date_styles:
        style = min(date_styles, key=int) if date_styles else None
    style_attr = b' s="' + style + b'"' if style else b""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return b'<c r="' + ref + b'"' + style_attr + b"/>"
    if isinstance(value, bool):
        value = "TRUE" if value else "FALSE"
    if isinstance(value, (date, datetime)):
        if style is None:  # no date format in the workbook: write the date as text people read the same way
            value = value.strftime("%d.%m.%Y")
        else:
            number = excel_serial(value)
            return b'<c r="' + ref + b'"' + style_attr + b"><v>" + _number(number) + b"</v></c>"
    if isinstance(value, (int, float)):
        return b'<c r="' + ref + b'"' + style_attr + b"><v>" + _number(value) + b"</v></c>"
    text = escape(_INVALID_XML.sub("", str(value)), {"\r": "&#13;"}).encode("utf-8")  # XML would turn a bare CR into LF
    return (
        b'<c r="' + ref + b'"' + style_attr + b' t="inlineStr"><is><t xml:space="preserve">' + text + b"</t></is></c>"
    )


def _number(value: float | int) -> bytes:
    if isinstance(value, float) and value.is_integer():
        return str(int(value)).encode()
    return repr(value).encode()


def _shift(number: int, deleted: list[int]) -> int:
    """How many deleted rows lie above row ``number``."""
    count = 0
    for row in deleted:
        if row < number:
            count += 1
        else:
            break
    return count


def _shift_rows(chunk: bytes, deleted: list[int]) -> bytes:
    """Renumber a row below deleted rows: its own number, its cells' references and its formulas."""

    def cell_ref(match: re.Match[bytes]) -> bytes:
        number = int(match.group(2))
        return b' r="' + match.group(1) + str(number - _shift(number, deleted)).encode() + b'"'

    def row_ref(match: re.Match[bytes]) -> bytes:
        number = int(match.group(1))
        return b' r="' + str(number - _shift(number, deleted)).encode() + b'"'

    chunk = re.sub(rb'\sr="(\d+)"', row_ref, chunk, count=1)
    chunk = _CELL_REF.sub(cell_ref, chunk)
    if b"<f" in chunk or b":f" in chunk:
        chunk = _shift_formulas(chunk, deleted)
    return chunk


_A1 = re.compile(r"(?<![A-Za-z_\d!.'\]])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(A-Za-z_])")

_FORMULA = re.compile(rb"(<(?:\w+:)?f\b[^>]*>)(.*?)(</(?:\w+:)?f>)", re.DOTALL)


def _shift_formulas(chunk: bytes, deleted: list[int]) -> bytes:
    def formula(match: re.Match[bytes]) -> bytes:
        opening = _shift_attributes(match.group(1), deleted)
        return opening + _shift_references(match.group(2).decode("utf-8"), deleted).encode("utf-8") + match.group(3)

    chunk = _FORMULA.sub(formula, chunk)
    return re.sub(rb"<(?:\w+:)?f\b[^>]*/>", lambda m: _shift_attributes(m.group(0), deleted), chunk)


def _shift_references(text: str, deleted: list[int]) -> str:
    """Shift unqualified A1 references below deleted rows up (as Excel does when rows are deleted)."""

    def one(match: re.Match[str]) -> str:
        number = int(match.group(4))
        return f"{match.group(1)}{match.group(2)}{match.group(3)}{number - _shift(number, deleted)}"

    parts = re.split(r'("[^"]*"|\'[^\']*\'![^\s,)]*|\b\w+![^\s,)]*)', text)  # leave strings and other sheets alone
    return "".join(part if index % 2 else _A1.sub(one, part) for index, part in enumerate(parts))


def _shift_attributes(xml: bytes, deleted: list[int]) -> bytes:
    """Shift row numbers in ``ref``/``sqref`` attributes (merged cells, validation, filters)."""

    def attribute(match: re.Match[bytes]) -> bytes:
        return match.group(1) + _shift_references(match.group(2).decode(), deleted).encode() + match.group(3)

    return re.sub(rb'(\s(?:ref|sqref)=")([^"]*)(")', attribute, xml)


def _update_dimension(head: bytes, last_row: int, changes: SheetChanges) -> bytes:
    found = _DIMENSION.search(head)
    if found is None:
        return head
    ref = found.group(2).decode()
    match = re.fullmatch(r"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?", ref)
    if match is None:
        return head
    first_col, first_row = match.group(1), match.group(2)
    last_col = match.group(3) or first_col
    wanted_cols = [
        column_index(last_col),
        *changes.new_headers,
        *(c for row in changes.appends for c in row),
        *(c for _, c in changes.sets),
    ]
    new_ref = f"{first_col}{first_row}:{column_letters(max(wanted_cols))}{max(last_row, int(first_row))}"
    return head[: found.start(2)] + new_ref.encode() + head[found.end(2) :]
