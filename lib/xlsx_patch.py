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
import zipfile
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


def patch_xlsx(data: bytes, changes: Iterable[SheetChanges], new_sheets: Iterable[NewSheet] = ()) -> bytes:
    """The workbook with the changes applied and sheets added; every other part copied unchanged."""
    wanted = {c.sheet: c for c in changes if not c.is_empty()}
    new_sheets = list(new_sheets)
    source = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename for info in source.infolist()}
    parts_of_sheets = sheet_parts(source)
    missing = set(wanted) - set(parts_of_sheets)
    if missing:
        raise PatchUnsupported(f"sheets not in the workbook: {sorted(missing)}")
    by_part = {parts_of_sheets[name]: change for name, change in wanted.items()}
    if not set(by_part) <= parts:
        raise PatchUnsupported("a sheet part is missing")
    date_styles = _date_styles(source.read("xl/styles.xml")) if "xl/styles.xml" in parts else frozenset()
    added = _plan_new_sheets(new_sheets, parts, set(parts_of_sheets))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            name = info.filename
            if name == "xl/calcChain.xml" and by_part:
                continue  # Excel rebuilds the calculation chain; a stale one makes it "repair" the file
            content = source.read(name)
            if name in by_part:
                content = patch_sheet(content, by_part[name], date_styles)
            elif name == "xl/workbook.xml":
                content = _register_sheets(_recalculate_on_open(content) if by_part else content, added)
            elif name == "[Content_Types].xml":
                if by_part:
                    content = re.sub(rb'<Override[^>]*PartName="/xl/calcChain.xml"[^>]*/>', b"", content)
                content = _insert_before(content, b"</Types>", b"".join(
                    f'<Override PartName="/{part}" ContentType="{_WORKSHEET_CONTENT}"/>'.encode()
                    for part, _, _, _ in added))
            elif name == "xl/_rels/workbook.xml.rels":
                if by_part:
                    content = re.sub(rb'<Relationship[^>]*Target="[^"]*calcChain.xml"[^>]*/>', b"", content)
                content = _insert_before(content, b"</Relationships>", b"".join(
                    f'<Relationship Id="{rid}" Type="{_WORKSHEET_TYPE}" Target="/{part}"/>'.encode()
                    for part, rid, _, _ in added))
            target.writestr(_copy_info(info), content)
        for (part, _, _, _), new in zip(added, new_sheets, strict=True):
            target.writestr(part, _sheet_xml(new[1], new[2], date_styles))
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


def _copy_info(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type = zipfile.ZIP_DEFLATED
    copy.external_attr = info.external_attr
    return copy


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
