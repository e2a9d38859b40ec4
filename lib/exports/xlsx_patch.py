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
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from xml.sax.saxutils import escape

from lib.exports.sheet_xml import CellValue, SheetChanges, patch_sheet, row_xml
from lib.reading.ooxml import RELATIONSHIPS_NS, PatchUnsupported, sheet_parts, xml_unescape

NewSheet = tuple[str, list[str], list[list[CellValue]]]
"""A sheet to add: name, header row, data rows."""
_WORKSHEET_TYPE = RELATIONSHIPS_NS + "/worksheet"
_WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def patch_xlsx(
    data: bytes, changes: Iterable[SheetChanges], new_sheets: Iterable[NewSheet] = (), replace: Iterable[str] = ()
) -> bytes:
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
    replaced = {
        existing[new[0].casefold()]: new
        for new in new_sheets
        if new[0].casefold() in replaceable and new[0].casefold() in existing
    }
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
        rewritten["[Content_Types].xml"] = _insert_before(
            types,
            b"</Types>",
            b"".join(
                f'<Override PartName="/{part}" ContentType="{_WORKSHEET_CONTENT}"/>'.encode() for part, _, _, _ in added
            ),
        )
        rels = source.read("xl/_rels/workbook.xml.rels")
        if by_part:
            rels = re.sub(rb'<Relationship[^>]*Target="[^"]*calcChain.xml"[^>]*/>', b"", rels)
        rewritten["xl/_rels/workbook.xml.rels"] = _insert_before(
            rels,
            b"</Relationships>",
            b"".join(
                f'<Relationship Id="{rid}" Type="{_WORKSHEET_TYPE}" Target="/{part}"/>'.encode()
                for part, rid, _, _ in added
            ),
        )
    new_parts = [
        (part, _sheet_xml(new[1], new[2], date_styles)) for (part, _, _, _), new in zip(added, new_sheets, strict=True)
    ]
    return _rezip(data, source, rewritten, dropped, new_parts)


_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")


def _rezip(
    data: bytes, source: zipfile.ZipFile, rewritten: dict[str, bytes], dropped: set[str], added: list[tuple[str, bytes]]
) -> bytes:
    """The archive again: untouched parts copied compressed as they are (no inflating and
    deflating 100 MB of sheets nobody changed), rewritten and added parts deflated anew."""
    output = io.BytesIO()
    directory: list[bytes] = []
    entries: list[tuple[zipfile.ZipInfo | None, str, bytes | None]] = [
        (info, info.filename, rewritten.get(info.filename))
        for info in source.infolist()
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
            header = data[info.header_offset : info.header_offset + _LOCAL.size]
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            start = info.header_offset + _LOCAL.size + name_length + extra_length
            payload = data[start : start + info.compress_size]
            crc, size, method, when = info.CRC, info.file_size, info.compress_type, info.date_time
        encoded = name.encode("utf-8")
        flags = 0 if name.isascii() else 0x800
        time_, date_ = (
            (when[3] << 11) | (when[4] << 5) | (when[5] // 2),
            ((when[0] - 1980) << 9) | (when[1] << 5) | when[2],
        )
        offset = output.tell()
        if offset >= 0xFFFFFFFF:
            raise PatchUnsupported("a ZIP64 archive")
        output.write(
            _LOCAL.pack(b"PK\x03\x04", 20, flags, method, time_, date_, crc, len(payload), size, len(encoded), 0)
            + encoded
        )
        output.write(payload)
        external = info.external_attr if info else 0o600 << 16
        directory.append(
            _CENTRAL.pack(
                b"PK\x01\x02",
                20,
                20,
                flags,
                method,
                time_,
                date_,
                crc,
                len(payload),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                external,
                offset,
            )
            + encoded
        )
    start = output.tell()
    output.write(b"".join(directory))
    output.write(_END.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), output.tell() - start, start, 0))
    return output.getvalue()


def _plan_new_sheets(new_sheets: list[NewSheet], parts: set[str], names: set[str]) -> list[tuple[str, str, str, str]]:
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
    prefix = re.search(rb'xmlns:(\w+)="' + RELATIONSHIPS_NS.encode() + b'"', workbook)
    if prefix is None:
        raise PatchUnsupported("no relationships namespace in workbook.xml")
    ids = [int(i) for i in re.findall(rb'sheetId="(\d+)"', workbook)]
    closing = re.search(rb"</(\w+:)?sheets>", workbook)
    if closing is None:
        raise PatchUnsupported("no sheets list in workbook.xml")
    element = (closing.group(1) or b"") + b"sheet"
    entries = b"".join(
        b"<"
        + element
        + f' name="{escape(name, {chr(34): "&quot;"})}" sheetId="{max(ids, default=0) + i}" '.encode()
        + prefix.group(1)
        + f':id="{rid}"/>'.encode()
        for i, (_, rid, name, _) in enumerate(added, start=1)
    )
    return workbook[: closing.start()] + entries + workbook[closing.start() :]


def _sheet_xml(headers: list[str], rows: list[list[CellValue]], date_styles: frozenset[bytes]) -> bytes:
    body = [row_xml(1, dict(enumerate(headers)), {}, date_styles)]
    body += [row_xml(number, dict(enumerate(row)), {}, date_styles) for number, row in enumerate(rows, start=2)]
    return (
        (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN_NS}"><sheetData>').encode()
        + b"".join(body)
        + b"</sheetData></worksheet>"
    )


_BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 30, 36, 45, 46, 47, 50, 57}


def _date_styles(styles: bytes) -> frozenset[bytes]:
    """Indices of the cell styles (cellXfs) whose number format shows a date."""
    text = styles.decode("utf-8", errors="replace")
    custom = {}
    for fmt in re.finditer(r'<(?:\w+:)?numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', text):
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", xml_unescape(fmt.group(2))).lower()
        custom[int(fmt.group(1))] = bool(re.search(r"[dy]", code)) or bool(re.search(r"m.*[dy]|[dy].*m", code))
    xfs = re.search(r"<(?:\w+:)?cellXfs\b[^>]*>(.*?)</(?:\w+:)?cellXfs>", text, re.DOTALL)
    found = set()
    for index, xf in enumerate(
        re.finditer(r"<(?:\w+:)?xf\b[^>]*?(?:/>|>.*?</(?:\w+:)?xf>)", xfs.group(1) if xfs else "", re.DOTALL)
    ):
        number = re.search(r'numFmtId="(\d+)"', xf.group(0))
        fmt_id = int(number.group(1)) if number else 0
        if fmt_id in _BUILTIN_DATE_FORMATS or custom.get(fmt_id):
            found.add(str(index).encode())
    return frozenset(found)


def _recalculate_on_open(workbook: bytes) -> bytes:
    """Ask Excel to recalculate formulas when the file is opened (edited cells may feed them)."""
    if re.search(rb"<(?:\w+:)?calcPr\b", workbook):
        if b"fullCalcOnLoad" in workbook:
            return workbook
        return re.sub(rb"<((?:\w+:)?calcPr)\b", rb'<\1 fullCalcOnLoad="1"', workbook, count=1)
    for anchor in (rb"</(?:\w+:)?definedNames>", rb"</(?:\w+:)?externalReferences>", rb"</(?:\w+:)?sheets>"):
        found = re.search(anchor, workbook)
        if found:
            namespace = re.match(rb"</(\w+:)?", found.group(0))
            prefix = (namespace.group(1) if namespace else None) or b""
            insert = b"<" + prefix + b'calcPr fullCalcOnLoad="1"/>'
            return workbook[: found.end()] + insert + workbook[found.end() :]
    return workbook
