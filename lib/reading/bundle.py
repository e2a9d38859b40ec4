"""One register from several files: a customers export with an orders export, a register with a survey download.

The files are kept together as one upload, a *bundle*: a zip holding each file byte for byte and a list
of their names in order. Reading a bundle reads each file as it would be read alone and hands on every
sheet, each marked with the file it came from, so recognition, checks and the snapshot work on it as on
one workbook with several sheets. A later file can take the place of one part and leave the others as
they were.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

MANIFEST = "loyalty-ladder-files.json"
"""The bundle's list of its files, in order: what tells a bundle from any other zip (an xlsx is a zip too)."""
MAX_PARTS = 12
"""More files than this in one register is a folder dropped by mistake, not a register."""
MAX_MANIFEST_BYTES = 64 * 1024
MAX_BUNDLE_BYTES = 200 * 1024 * 1024
"""The most the files of one register may weigh together: a customers and an orders export at the limit
of one file each (lib.reading.workbook.MAX_FILE_BYTES)."""
JOINER = " + "
"""Between the files' names in a bundle's name: ``customers.csv + orders_export.csv``."""
SHEET_NAME_LENGTH = 31
"""Excel's limit on a sheet's name: the written-back workbook holds every part's sheets."""
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Part:
    """One file of a register made of several: its name as uploaded and its bytes, untouched."""

    name: str
    data: bytes


def pack(parts: Sequence[Part]) -> bytes:
    """The files as one bundle. Stored, not compressed: the bytes come back exactly, and a part can be
    checked for size before it is taken out."""
    names = distinct_names([part.name for part in parts])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(MANIFEST, json.dumps({"files": names}, ensure_ascii=False))
        for number, part in enumerate(parts):
            archive.writestr(f"{number}", part.data)
    return buffer.getvalue()


def is_bundle(data: bytes) -> bool:
    """Whether an upload is the app's bundle of several files (decided by its contents: a name proves nothing)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return MANIFEST in archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


class NotABundle(ValueError):
    """A zip that names itself a bundle but is not one the app made: refused whole."""


def unpack(data: bytes, max_part_bytes: int) -> list[Part]:
    """The files of a bundle, in order. Raises NotABundle for anything but what `pack` makes: every entry
    stored as it is (no compression, so nothing unpacks larger than the upload), the list of files small and
    well formed, one entry per file and no other, no file over ``max_part_bytes``, no bundle inside."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise NotABundle("larger than its files may be together")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = {info.filename: info for info in archive.infolist()}
            if any(i.compress_type != zipfile.ZIP_STORED or i.file_size != i.compress_size for i in entries.values()):
                raise NotABundle("an entry is compressed")
            manifest = entries.get(MANIFEST)
            if manifest is None or manifest.file_size > MAX_MANIFEST_BYTES:
                raise NotABundle("no list of files, or one too long")
            listed = json.loads(archive.read(manifest))
            names = listed.get("files") if isinstance(listed, dict) else None
            if (
                not isinstance(names, list)
                or not 1 <= len(names) <= MAX_PARTS
                or not all(isinstance(name, str) and name for name in names)
                or set(entries) != {MANIFEST, *(str(number) for number in range(len(names)))}
            ):
                raise NotABundle("the list of files does not match the files")
            parts = []
            for number, name in enumerate(names):
                info = entries[str(number)]
                if info.file_size > max_part_bytes:
                    raise NotABundle("a file over the size limit")
                part = Part(name, archive.read(info))
                if is_bundle(part.data):
                    raise NotABundle("a bundle inside a bundle")
                parts.append(part)
    except NotABundle:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, TypeError, RuntimeError) as error:
        raise NotABundle(type(error).__name__) from error
    return parts


def parts_of(file_name: str, data: bytes, max_part_bytes: int) -> list[Part]:
    """An upload's files: a bundle's parts, or the one file it is."""
    return unpack(data, max_part_bytes) if is_bundle(data) else [Part(file_name, data)]


def distinct_names(names: Sequence[str]) -> list[str]:
    """The files' names, a name given twice (two ``export.csv``) told apart as ``export (2).csv``."""
    given: list[str] = []
    for name in names:
        path, candidate, number = PurePath(name), name, 2
        while candidate in given:
            candidate = f"{path.stem} ({number}){path.suffix}"
            number += 1
        given.append(candidate)
    return given


def bundle_name(parts: Sequence[Part]) -> str:
    """What the register is called in the app: its files' names, joined."""
    return JOINER.join(distinct_names([part.name for part in parts]))


def first_stem(file_name: str) -> str:
    """The stem the written-back workbook is named after: the first file's."""
    return PurePath(file_name.split(JOINER)[0]).stem


def sheet_names(part_name: str, names: Sequence[str], taken: set[str]) -> list[str]:
    """Names for one part's sheets in the combined register: their own where no earlier part has the same
    one, else the file's name before it (``orders – Sheet1``); always a name Excel accepts, so the
    written-back workbook can hold them all. ``taken`` (case-folded) grows with the names given."""
    stem = PurePath(part_name).stem
    given = []
    for name in names:
        candidate = _excel_name(name)
        if candidate.casefold() in taken:
            candidate = _excel_name(f"{stem} – {name}") if name != stem else _excel_name(stem)
        base, number = candidate, 2
        while candidate.casefold() in taken:
            suffix = f" ({number})"
            candidate = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
            number += 1
        taken.add(candidate.casefold())
        given.append(candidate)
    return given


def _excel_name(name: str) -> str:
    cleaned = _NOT_IN_SHEET_NAMES.sub("_", name).strip("'").strip() or "Sheet"
    return cleaned[:SHEET_NAME_LENGTH]
