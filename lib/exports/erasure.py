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
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pandas as pd

from lib.exports.sheet_xml import SheetChanges
from lib.exports.xlsx_patch import patch_xlsx
from lib.reading.headers import find_header_row, recognise_field
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


@dataclass(frozen=True)
class Person:
    """How a person can be recognised in a sheet the register does not read (a "Christmas cards" list)."""

    customer_id: str
    emails: frozenset[str]
    """Addresses, lower case."""
    phones: frozenset[str]
    """Digits only, at least seven."""
    names: frozenset[str]
    """Full names, lower case, single spaces, at least five characters."""

    @classmethod
    def of(cls, customer_id: str, people: pd.DataFrame) -> Person:
        """From the person's customer rows (in every version of the register; none when only their purchases are)."""
        if people.empty:
            return cls(customer_id, frozenset(), frozenset(), frozenset())
        emails = {str(v).strip().casefold() for v in people["email"].dropna() if "@" in str(v)}
        phones = {digits for v in people["phone"].dropna() if len(digits := re.sub(r"\D", "", str(v))) >= 7}
        names = set()
        for column in ("name", "first_name", "last_name"):
            names |= {_name(v) for v in people[column].dropna()}
        full = people[["first_name", "last_name"]].dropna()
        names |= {_name(f"{first} {last}") for first, last in full.itertuples(index=False)}
        names |= {_name(f"{last} {first}") for first, last in full.itertuples(index=False)}
        raw = {str(v) for column in ("email", "phone", "name") for v in people[column].dropna()}
        named = frozenset(n for n in names if len(n) >= 5 and " " in n)
        return cls(customer_id, frozenset(emails), frozenset(phones), named, frozenset(raw))

    raw: frozenset[str] = frozenset()
    """The e-mails, phones and names exactly as written in the register."""

    def identifiers(self) -> set[str]:
        """Texts to scrub from the workbook's other parts (links, comments), in the cases people write them."""
        found = set(self.raw)
        for email in self.emails:
            found |= {email, email.upper()}
        return found

    def named_in(self, cells: pd.Series) -> pd.Series:
        """Which cells name the person: their e-mail anywhere in the text, their phone, or their full name."""
        text = cells.astype("string").str.strip()
        folded = text.str.casefold()
        hits = pd.Series(False, index=cells.index)
        for email in self.emails:
            hits |= folded.str.contains(email, regex=False).fillna(False)
        if self.phones:
            digits = text.str.replace(r"\D", "", regex=True)
            distinct = {value: self._same_phone(value) for value in digits.dropna().unique()}
            hits |= digits.map(distinct).fillna(False).astype(bool)
        if self.names:
            hits |= folded.str.replace(r"\s+", " ", regex=True).isin(self.names).fillna(False)
        return hits

    def _same_phone(self, digits: str) -> bool:
        """The same number written another way (``5100 0003`` and ``+372 5100 0003``): one ends the other."""
        if len(digits) < 7:
            return False
        return any(phone.endswith(digits) or digits.endswith(phone) for phone in self.phones)


def _name(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().casefold()


def rows_naming(sheets: Iterable[RawSheet], person: Person) -> dict[str, SheetChanges]:
    """Every row of every sheet that names the person, to be emptied whole.

    A row names them when its customer-id column holds their id, or (a row of nobody else: no other
    id in it) a cell holds their e-mail (in any case, alone or in a note), their phone (however it
    is written) or their full name. Rows of other customers are never touched, even when a note
    mentions the person.
    """
    changes: dict[str, SheetChanges] = {}
    for raw in sheets:
        if raw.cells.empty:
            continue
        rows = raw.cells.astype(object).where(raw.cells.notna(), None).values.tolist()
        header = find_header_row(rows)
        body = raw.cells.iloc[header + 1 :]
        named = pd.Series(False, index=body.index)
        theirs = pd.Series(False, index=body.index)
        someone_else = pd.Series(False, index=body.index)
        for position, column in enumerate(body.columns):
            cells = body[column]
            named |= person.named_in(cells)
            if recognise_field(CUSTOMERS, raw.cells.iat[header, position]) == "customer_id":
                ids = cells.astype("string").str.strip()
                theirs |= ids.eq(person.customer_id).fillna(False)
                someone_else |= (ids.ne(person.customer_id) & ids.ne("")).fillna(False)
        hits = theirs | (named & ~someone_else)
        if hits.any():
            target = changes.setdefault(raw.name, SheetChanges(raw.name, header + 1))
            for index in body.index[hits.to_numpy()]:
                for letter in raw.letters:
                    target.sets[(int(index) + 1, column_index(letter))] = None
    return changes


def merged(*parts: dict[str, SheetChanges]) -> dict[str, SheetChanges]:
    """Changes of several kinds on the same sheets, as one set per sheet."""
    out: dict[str, SheetChanges] = {}
    for part in parts:
        for sheet, changes in part.items():
            target = out.setdefault(sheet, SheetChanges(sheet, changes.header_row))
            target.sets.update(changes.sets)
    return out


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
