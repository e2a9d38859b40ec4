"""Finding one's way in an xlsx/xlsm zip: which part holds which sheet, and column letters."""

from __future__ import annotations

import posixpath
import re
import zipfile


class PatchUnsupported(Exception):
    """The file uses something the streaming patcher does not handle; use the safe path."""


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


RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


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
                sheets[xml_unescape(name.group(1))] = targets[key]
    return sheets


def xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
