"""Patch an xlsx/xlsm file at the level of its zip parts, without loading it as a workbook.

Loading and saving a whole workbook with openpyxl costs ~30 s at 10,000 customers and drops
what openpyxl does not model (charts, images, some validation). Here every untouched part is
copied as it is, and only the edited sheets are rewritten, by streaming their rows: a cell
keeps its style, new text is written as an inline string (so text starting with ``=`` is
never a formula), deleted rows are removed and the rows below them renumbered, added rows
are appended after the last row. Anything this patcher does not understand raises
`PatchUnsupported`, and the caller takes the slower safe path.
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

CellValue = str | float | int | date | datetime | bool | None
"""A value to write: text is always written as text; None clears the cell but keeps its style."""

_EXCEL_EPOCH = datetime(1899, 12, 30)
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (<x:row>) some writers use
_ROW = re.compile(rb"<" + _NS + rb"row\b[^>]*?(?:/>|>.*?</" + _NS + rb"row>)", re.DOTALL)
_ROW_NUMBER = re.compile(rb'<' + _NS + rb'row\b[^>]*?\sr="(\d+)"')
_CELL = re.compile(rb"<" + _NS + rb"c\b[^>]*?(?:/>|>.*?</" + _NS + rb"c>)", re.DOTALL)
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
_STYLE = re.compile(rb'\ss="(\d+)"')
_SHEET_DATA = re.compile(rb"<(" + _NS + rb")sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb'(<' + _NS + rb'dimension\b[^>]*?\sref=")([^"]*)(")')
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_A1 = re.compile(r"(?<![A-Za-z_\d!.'\]])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![\d(A-Za-z_])")


class PatchUnsupported(Exception):
    """The file uses something the streaming patcher does not handle; use the safe path."""


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


def column_index(letters: str) -> int:
    """Zero-based index of an Excel column: A → 0, AB → 27."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def column_letters(index: int) -> str:
    letters, index = "", index + 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def excel_serial(value: date | datetime) -> float:
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    delta = moment.replace(tzinfo=None) - _EXCEL_EPOCH
    return delta.days + delta.seconds / 86400


NewSheet = tuple[str, list[str], list[list[CellValue]]]
"""A sheet to add: name, header row, data rows."""
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_TYPE = _REL_NS + "/worksheet"
_WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def patch_xlsx(data: bytes, changes: Iterable[SheetChanges], new_sheets: Iterable[NewSheet] = (),
               replace: Iterable[str] = ()) -> bytes:
    """The workbook with the changes applied and sheets added; every other part copied unchanged.

    A new sheet whose name is in ``replace`` and already exists takes the old sheet's place
    (the app's own sheets from an earlier export), instead of being added beside it.
    """
    wanted = {c.sheet: c for c in changes if not c.is_empty()}
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename for info in source.infolist()}
    parts_of_sheets = sheet_parts(source)
    replaceable = {name.casefold() for name in replace}
    existing = {name.casefold(): part for name, part in parts_of_sheets.items()}
    replaced = {existing[new[0].casefold()]: new for new in new_sheets
                if new[0].casefold() in replaceable and new[0].casefold() in existing}
    new_sheets = [new for new in new_sheets if new not in replaced.values()]
    missing = set(wanted) - set(parts_of_sheets)
    if missing:
        raise PatchUnsupported(f"sheets not in the workbook: {sorted(missing)}")
    by_part = {parts_of_sheets[name]: change for name, change in wanted.items()}
    if not set(by_part) <= parts:
        raise PatchUnsupported("a sheet part is missing")
    date_styles = _date_styles(source.read("xl/styles.xml")) if "xl/styles.xml" in parts else frozenset()
    added = _plan_new_sheets(new_sheets, parts, set(parts_of_sheets))
    rewritten: dict[str, bytes] = {}
    dropped = {"xl/calcChain.xml"} if by_part else set()  # Excel rebuilds it; a stale one makes it "repair"
    for name, change in by_part.items():
        rewritten[name] = patch_sheet(source.read(name), change, date_styles)
    for part, new in replaced.items():
        rewritten[part] = _sheet_xml(new[1], new[2], date_styles)
    if by_part or added:
        workbook = source.read("xl/workbook.xml")
        rewritten["xl/workbook.xml"] = _register_sheets(_recalculate_on_open(workbook) if by_part else workbook, added)
        types = source.read("[Content_Types].xml")
        if by_part:
            types = re.sub(rb'<Override[^>]*PartName="/xl/calcChain.xml"[^>]*/>', b"", types)
        rewritten["[Content_Types].xml"] = _insert_before(types, b"</Types>", b"".join(
            f'<Override PartName="/{part}" ContentType="{_WORKSHEET_CONTENT}"/>'.encode() for part, _, _, _ in added))
        rels = source.read("xl/_rels/workbook.xml.rels")
        if by_part:
            rels = re.sub(rb'<Relationship[^>]*Target="[^"]*calcChain.xml"[^>]*/>', b"", rels)
        rewritten["xl/_rels/workbook.xml.rels"] = _insert_before(rels, b"</Relationships>", b"".join(
            f'<Relationship Id="{rid}" Type="{_WORKSHEET_TYPE}" Target="/{part}"/>'.encode()
            for part, rid, _, _ in added))
    new_parts = [(part, _sheet_xml(new[1], new[2], date_styles)) for (part, _, _, _), new in zip(added, new_sheets, strict=True)]
    return _rezip(data, source, rewritten, dropped, new_parts)


_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")


def _rezip(data: bytes, source: zipfile.ZipFile, rewritten: dict[str, bytes], dropped: set[str],
           added: list[tuple[str, bytes]]) -> bytes:
    """The archive again: untouched parts copied compressed as they are (no inflating and
    deflating 100 MB of sheets nobody changed), rewritten and added parts deflated anew."""
    output = io.BytesIO()
    directory: list[bytes] = []
    entries: list[tuple[zipfile.ZipInfo | None, str, bytes | None]] = [
        (info, info.filename, rewritten.get(info.filename)) for info in source.infolist()
        if info.filename not in dropped
    ] + [(None, name, content) for name, content in added]
    for info, name, content in entries:
        if content is not None:
            packer = zlib.compressobj(1, zlib.DEFLATED, -15)
            payload = packer.compress(content) + packer.flush()
            crc, size, method = zlib.crc32(content), len(content), zipfile.ZIP_DEFLATED
            when = info.date_time if info else (2026, 1, 1, 0, 0, 0)
        else:
            assert info is not None
            if info.file_size >= 0xFFFFFFFF or info.compress_size >= 0xFFFFFFFF or info.header_offset >= 0xFFFFFFFF:
                raise PatchUnsupported("a ZIP64 part")
            header = data[info.header_offset: info.header_offset + _LOCAL.size]
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            start = info.header_offset + _LOCAL.size + name_length + extra_length
            payload = data[start: start + info.compress_size]
            crc, size, method, when = info.CRC, info.file_size, info.compress_type, info.date_time
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        time_, date_ = (when[3] << 11) | (when[4] << 5) | (when[5] // 2), ((when[0] - 1980) << 9) | (when[1] << 5) | when[2]
        offset = output.tell()
        if offset >= 0xFFFFFFFF:
            raise PatchUnsupported("a ZIP64 archive")
        output.write(_LOCAL.pack(b"PK\x03\x04", 20, flags, method, time_, date_, crc, len(payload), size,
                                 len(encoded), 0) + encoded)
        output.write(payload)
        external = info.external_attr if info else 0o600 << 16
        directory.append(_CENTRAL.pack(b"PK\x01\x02", 20, 20, flags, method, time_, date_, crc, len(payload),
                                       size, len(encoded), 0, 0, 0, 0, external, offset) + encoded)
    start = output.tell()
    output.write(b"".join(directory))
    output.write(_END.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), output.tell() - start, start, 0))
    return output.getvalue()


def _plan_new_sheets(new_sheets: list[NewSheet], parts: set[str],
                     names: set[str]) -> list[tuple[str, str, str, str]]:
    """(part path, relationship id, sheet name, name) for each sheet to add, avoiding clashes."""
    planned = []
    taken = {n.casefold() for n in names}
    number = 1
    for index, (name, _, _) in enumerate(new_sheets, start=1):
        while f"xl/worksheets/sheet{number}.xml" in parts:
            number += 1
        part = f"xl/worksheets/sheet{number}.xml"
        parts = parts | {part}
        unique, count = name[:31], 2
        while unique.casefold() in taken:
            unique, count = f"{name[:27]} ({count})", count + 1
        taken.add(unique.casefold())
        planned.append((part, f"rIdLadder{index}", unique, name))
    return planned


def _insert_before(xml: bytes, closing: bytes, insert: bytes) -> bytes:
    if not insert:
        return xml
    at = xml.rfind(closing)
    if at < 0:
        raise PatchUnsupported(f"no {closing.decode()}")
    return xml[:at] + insert + xml[at:]


def _register_sheets(workbook: bytes, added: list[tuple[str, str, str, str]]) -> bytes:
    if not added:
        return workbook
    prefix = re.search(rb'xmlns:(\w+)="' + _REL_NS.encode() + b'"', workbook)
    if prefix is None:
        raise PatchUnsupported("no relationships namespace in workbook.xml")
    ids = [int(i) for i in re.findall(rb'sheetId="(\d+)"', workbook)]
    closing = re.search(rb"</(\w+:)?sheets>", workbook)
    if closing is None:
        raise PatchUnsupported("no sheets list in workbook.xml")
    element = (closing.group(1) or b"") + b"sheet"
    entries = b"".join(
        b"<" + element + f' name="{escape(name, {chr(34): "&quot;"})}" sheetId="{max(ids, default=0) + i}" '.encode()
        + prefix.group(1) + f':id="{rid}"/>'.encode()
        for i, (_, rid, name, _) in enumerate(added, start=1)
    )
    return workbook[: closing.start()] + entries + workbook[closing.start():]


def _sheet_xml(headers: list[str], rows: list[list[CellValue]], date_styles: frozenset[bytes]) -> bytes:
    body = [_new_row(1, dict(enumerate(headers)), {}, date_styles)]
    body += [_new_row(number, dict(enumerate(row)), {}, date_styles) for number, row in enumerate(rows, start=2)]
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN_NS}">'
            "<sheetData>").encode() + b"".join(body) + b"</sheetData></worksheet>"


def sheet_parts(source: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → part path, from workbook.xml and its relationships."""
    try:
        workbook = source.read("xl/workbook.xml").decode("utf-8")
        rels = source.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    except KeyError as error:
        raise PatchUnsupported("no xl/workbook.xml") from error
    targets = {}
    for rel in re.finditer(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid = re.search(r'\bId="([^"]+)"', rel.group(0))
        target = re.search(r'\bTarget="([^"]+)"', rel.group(0))
        if rid and target:
            path = target.group(1)
            path = path.lstrip("/") if path.startswith("/") else posixpath.normpath(posixpath.join("xl", path))
            targets[rid.group(1)] = path
    sheets = {}
    for sheet in re.finditer(r"<(?:\w+:)?sheet\b[^>]*>", workbook):
        name = re.search(r'\bname="([^"]*)"', sheet.group(0))
        rid = re.search(r'\br:id="([^"]+)"|\b\w+:id="([^"]+)"', sheet.group(0))
        if name and rid:
            key = rid.group(1) or rid.group(2)
            if key in targets:
                sheets[_unescape(name.group(1))] = targets[key]
    return sheets


_BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}


def _date_styles(styles: bytes) -> frozenset[bytes]:
    """Indices of the cell styles (cellXfs) whose number format shows a date."""
    text = styles.decode("utf-8", errors="replace")
    custom = {}
    for fmt in re.finditer(r'<(?:\w+:)?numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', text):
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", _unescape(fmt.group(2))).lower()
        custom[int(fmt.group(1))] = bool(re.search(r"[dy]", code)) or bool(re.search(r"m.*[dy]|[dy].*m", code))
    xfs = re.search(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", text, re.DOTALL)
    found = set()
    for index, xf in enumerate(re.finditer(r"<(?:\w+:)?xf\b[^>]*?(?:/>|>.*?</(?:\w+:)?xf>)", xfs.group(1) if xfs else "", re.DOTALL)):
        number = re.search(r'numFmtId="(\d+)"', xf.group(0))
        fmt_id = int(number.group(1)) if number else 0
        if fmt_id in _BUILTIN_DATE_FORMATS or custom.get(fmt_id):
            found.add(str(index).encode())
    return frozenset(found)


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _recalculate_on_open(workbook: bytes) -> bytes:
    """Ask Excel to recalculate formulas when the file is opened (edited cells may feed them)."""
    if re.search(rb"<(?:\w+:)?calcPr\b", workbook):
        if b"fullCalcOnLoad" in workbook:
            return workbook
        return re.sub(rb"<((?:\w+:)?calcPr)\b", rb'<\1 fullCalcOnLoad="1"', workbook, count=1)
    for anchor in (rb"</(?:\w+:)?definedNames>", rb"</(?:\w+:)?externalReferences>", rb"</(?:\w+:)?sheets>"):
        found = re.search(anchor, workbook)
        if found:
            prefix = re.match(rb"</(\w+:)?", found.group(0)).group(1) or b""
            insert = b"<" + prefix + b'calcPr fullCalcOnLoad="1"/>'
            return workbook[: found.end()] + insert + workbook[found.end():]
    return workbook


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
        head, body, tail = xml[: opening.start()], b"", xml[opening.end():]
        head += b"<" + prefix + b"sheetData>"
        tail = b"</" + prefix + b"sheetData>" + tail
    else:
        closing = xml.find(b"</" + prefix + b"sheetData>", opening.end())
        if closing < 0:
            raise PatchUnsupported("unclosed sheetData")
        head, body, tail = xml[: opening.end()], xml[opening.end(): closing], xml[closing:]

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
        pieces.append(body[position: match.start()])
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
        row = _new_row(number - _shift(number, deleted), cells, styles, date_styles)
        if number > last_row:
            pieces.append(row)
            last_row = number
        else:
            pieces.insert(_insert_at(pieces, number), row)
    new_number = last_row - len(deleted)
    for cells in changes.appends:
        new_number += 1
        pieces.append(_new_row(new_number, cells, styles, date_styles))
    if deleted:
        tail = _shift_attributes(tail, deleted)
    head = _update_dimension(head, max(new_number, last_row - len(deleted)), changes)
    return head + b"".join(pieces) + tail


def _patch_in_place(body: bytes, prefix: bytes, sets_by_row: dict[int, dict[int, CellValue]],
                    appends: list[dict[int, CellValue]], date_styles: frozenset[bytes]) -> tuple[bytes, int] | None:
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
        pieces.append(_new_row(number, cells, styles, date_styles))
    return b"".join(pieces), last_row + len(appends)


def _row_end(body: bytes, start: int, prefix: bytes) -> int:
    opening_end = body.find(b">", start)
    if body[opening_end - 1: opening_end] == b"/":
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


def _patch_row(row: bytes, number: int, values: dict[int, CellValue], styles: dict[int, bytes],
               date_styles: frozenset[bytes]) -> bytes:
    end_of_open = row.find(b">")
    if row[end_of_open - 1: end_of_open] == b"/":  # <row r="5"/>: no cells yet
        opening, cells_xml, closing = row[: end_of_open - 1] + b">", b"", b"</row>"
    else:
        close_at = row.rfind(b"</")
        opening, cells_xml, closing = row[: end_of_open + 1], row[end_of_open + 1: close_at], row[close_at:]
    opening = re.sub(rb'\sspans="[^"]*"', b"", opening)
    cells: list[tuple[int, bytes]] = []
    for cell in _CELL.finditer(cells_xml):
        ref = _CELL_REF.search(cell.group(0)[: cell.group(0).find(b">") + 1])
        if ref is None:
            raise PatchUnsupported("a cell without a reference")
        cells.append((column_index(ref.group(1).decode()), cell.group(0)))
    remaining = dict(values)
    rebuilt: list[tuple[int, bytes]] = []
    for column, cell in cells:
        style_match = _STYLE.search(cell[: cell.find(b">") + 1])
        style = style_match.group(1) if style_match else None
        if style is not None:
            styles[column] = style
        if column in remaining:
            rebuilt.append((column, _cell_xml(column, number, remaining.pop(column), style, date_styles)))
        else:
            rebuilt.append((column, cell))
    for column, value in remaining.items():
        rebuilt.append((column, _cell_xml(column, number, value, styles.get(column), date_styles)))
    rebuilt.sort(key=lambda item: item[0])
    return opening + b"".join(cell for _, cell in rebuilt) + closing


def _new_row(number: int, values: dict[int, CellValue], styles: dict[int, bytes],
             date_styles: frozenset[bytes]) -> bytes:
    cells = b"".join(_cell_xml(c, number, v, styles.get(c), date_styles) for c, v in sorted(values.items()))
    return b'<row r="%d">' % number + cells + b"</row>"


def _cell_xml(column: int, row: int, value: CellValue, style: bytes | None,
              date_styles: frozenset[bytes]) -> bytes:
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
    return (b'<c r="' + ref + b'"' + style_attr + b' t="inlineStr"><is><t xml:space="preserve">'
            + text + b"</t></is></c>")


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
    wanted_cols = [column_index(last_col), *changes.new_headers, *(c for row in changes.appends for c in row),
                   *(c for _, c in changes.sets)]
    new_ref = f"{first_col}{first_row}:{column_letters(max(wanted_cols))}{max(last_row, int(first_row))}"
    return head[: found.start(2)] + new_ref.encode() + head[found.end(2):]
