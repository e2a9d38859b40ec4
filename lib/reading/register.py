"""The Register: a workbook's customers, purchases, feedback and actions as typed frames.

Four shapes of workbook are first-class:

* ``full``: a customers sheet with purchases (and perhaps feedback and actions) beside it;
* ``summary``: a single customers sheet whose columns sum up the buying (last purchase,
  purchase count, total spent) — what most small shops keep;
* ``purchases_only``: an export from a till or web shop; customers are derived from the
  distinct customer ids;
* ``feedback_only``: a survey, form or review export; its answers are the feedback and the
  respondents who left an e-mail, phone or id are the customers (prospects).

Each frame carries every canonical field of its sheet kind (empty when the workbook lacks
it), the user's unrecognised columns as text under their own headers, and bookkeeping
columns: the sheet and Excel row each record came from, and the key edits are recorded
against. Columns and sheets the app does not know are kept for the write-back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

import pandas as pd

from lib.i18n import Explained
from lib.reading.checks import check_register
from lib.reading.customers import (
    customers_from_rows,
    empty_column,
    filled_from_orders,
    identified,
    unique_customers,
)
from lib.reading.headers import find_header_row, guess_sheet_kind, map_columns
from lib.reading.identity import link_by_contact
from lib.reading.orders import STATE_COL, as_purchases, not_counted, order_number_header
from lib.reading.problems import Problem, Severity, cell_problems
from lib.reading.subscriptions import as_subscriptions, subscription_feedback
from lib.reading.surveys import answer_columns, answers_as_items, looks_like_survey, survey_fields, without_anonymous
from lib.reading.values import (
    damaged_ids,
    parse_bools,
    parse_choices,
    parse_counts,
    parse_dates,
    parse_ids,
    parse_numbers,
)
from lib.reading.workbook import RawSheet
from lib.schema import (
    ACTIONS,
    CUSTOMERS,
    FEEDBACK,
    FIELDS,
    KEY_COL,
    OTHER,
    PURCHASES,
    ROW_COL,
    SHEET_COL,
    SHEET_KINDS,
    SUMMARY_FIELDS,
    VOCABULARIES,
    Field,
    SheetKind,
)

BOOKKEEPING = (SHEET_COL, ROW_COL, KEY_COL)
NOT_MAPPED = ""
"""A column override meaning: the app should not use this column (it is still kept)."""


@dataclass(frozen=True)
class SheetSource:
    """How one of the user's sheets was read: its kind, header row and column meanings."""

    sheet: str
    kind: str
    header_row: int
    """Excel row number of the header row."""
    headers: tuple[str, ...]
    letters: tuple[str, ...]
    fields: Mapping[str, str]
    """The user's header → canonical field, for the recognised columns."""
    rows: int = 0
    visible: bool = True
    answers: tuple[str, ...] = ()
    """On a survey's sheet, the columns of questions answered in words: each answer is a feedback item."""
    part: str = ""
    """In a register made of several files, the file this sheet came from."""

    def header_of(self, field_name: str) -> str | None:
        return next((h for h, f in self.fields.items() if f == field_name), None)

    def letter_of(self, header: str) -> str:
        return self.letters[self.headers.index(header)] if header in self.headers else ""


@dataclass(frozen=True)
class MappingOverrides:
    """The user's corrections of the recognition, remembered for the workspace.

    ``sheets``: sheet name → kind (or ``other``). ``columns``: sheet name → {header → field},
    where the field ``""`` means "do not use this column".
    """

    sheets: Mapping[str, str] = field(default_factory=dict)
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(
            {"sheets": dict(self.sheets), "columns": {k: dict(v) for k, v in self.columns.items()}},
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> MappingOverrides:
        data = json.loads(text) if text else {}
        return cls(sheets=data.get("sheets", {}), columns=data.get("columns", {}))

    def merged(self, other: MappingOverrides) -> MappingOverrides:
        """These overrides with ``other``'s on top (a new correction wins over an older one)."""
        columns = {k: dict(v) for k, v in self.columns.items()}
        for sheet, mapping in other.columns.items():
            columns.setdefault(sheet, {}).update(mapping)
        return MappingOverrides({**self.sheets, **other.sheets}, columns)


_T = TypeVar("_T")


@dataclass(frozen=True)
class Register:
    """A customer register as the app works with it; treat its frames as read-only."""

    customers: pd.DataFrame
    purchases: pd.DataFrame
    feedback: pd.DataFrame
    actions: pd.DataFrame
    sources: tuple[SheetSource, ...]
    shape: str
    identity: str = "customer_id"
    """What tells the customers apart (``lib.reading.identity.BASES``): their id column, or without one
    their e-mail, phone, name, or row."""
    kept_apart: int = 0
    """Customers rows that lacked that e-mail, phone or name and are customers of their own."""

    def frame(self, kind: str) -> pd.DataFrame:
        return getattr(self, kind)

    def source(self, sheet: str) -> SheetSource | None:
        return next((s for s in self.sources if s.sheet == sheet), None)

    def header_of(self, sheet: str, field_name: str) -> str | None:
        """The user's header for a canonical field on one of their sheets."""
        source = self.source(sheet)
        return source.header_of(field_name) if source else None

    def memo(self, key: str, compute: Callable[[], _T]) -> _T:
        """``compute()``, worked out once per register and kept with it.

        The frames never change, so what is derived from them alone (which customer each
        purchase belongs to, its day) holds for every analysis date: the Lifecycle page
        analyses two dates of one register and pays for the matching once.
        """
        kept = self.__dict__.setdefault("_memo", {})
        if key not in kept:
            kept[key] = compute()
        return kept[key]

    def extra_columns(self, kind: str) -> list[str]:
        """The user's columns on sheets of this kind that the app does not interpret."""
        known = set(FIELDS[kind]) | set(BOOKKEEPING)
        return [c for c in self.frame(kind).columns if c not in known]


class RegisterError(Explained):
    """The workbook was read but holds nothing the app can use as a register."""


def build_register(
    sheets: Iterable[RawSheet],
    overrides: MappingOverrides | None = None,
    as_of: date | None = None,
    check: bool = True,
) -> tuple[Register, list[Problem]]:
    """Recognise the sheets of a workbook and build the typed register, with every problem found.

    ``check=False`` skips the whole-register checks (contact data, future dates, unknown
    customers): for reading back a file the app wrote itself, where only the data matters.
    """
    overrides = overrides or MappingOverrides()
    problems: list[Problem] = []
    sources: list[SheetSource] = []
    parts: dict[str, list[pd.DataFrame]] = {kind: [] for kind in SHEET_KINDS}
    for raw in sheets:
        source, frame, found = _read_sheet(raw, overrides)
        sources.append(source)
        problems += found
        if frame is not None:
            parts[source.kind].append(frame)
    frames = {kind: _concat(kind, parts[kind]) for kind in SHEET_KINDS}
    if not parts[CUSTOMERS] and not parts[PURCHASES]:
        if not parts[FEEDBACK]:
            raise RegisterError("error.no_register")
        if frames[FEEDBACK].empty:  # a survey's export with its questions and nobody's answers
            raise RegisterError("error.no_answers")
    identity, kept_apart = "customer_id", 0
    if parts[CUSTOMERS]:
        customers, bases, kept_apart = identified(frames[CUSTOMERS], sources)
        identity = next(iter(bases.values()), identity)  # the first sheet's, if sheets differ
        customers, found = unique_customers(customers, sources, bases)
        problems += found
        customers = as_subscriptions(customers, as_of or date.today())
        frames[FEEDBACK] = subscription_feedback(customers, frames[FEEDBACK])
        has_summary = any(
            source.kind == CUSTOMERS and {*SUMMARY_FIELDS, "tenure_months"} & set(source.fields.values())
            for source in sources
        )
        shape = "summary" if not parts[PURCHASES] and has_summary else "full"
    else:
        customers = frames[CUSTOMERS]
    for kind in (PURCHASES, FEEDBACK, ACTIONS):  # rows without a customer id: by their e-mail or phone
        if frames[kind]["customer_id"].isna().any():
            frames[kind] = frames[kind].assign(customer_id=link_by_contact(frames[kind], customers))
    if not parts[CUSTOMERS]:  # every customer who ordered, a cancelled order's too; or every known respondent
        kind, shape = (PURCHASES, "purchases_only") if parts[PURCHASES] else (FEEDBACK, "feedback_only")
        customers = customers_from_rows(frames[kind])
        if not any(s.kind == kind and s.header_of("customer_id") for s in sources):
            identity = next((f for f in ("email", "phone", "name") if frames[kind][f].notna().any()), "customer_id")
    if parts[CUSTOMERS] and parts[PURCHASES]:
        customers = filled_from_orders(customers, frames[PURCHASES])
    frames[CUSTOMERS] = customers
    purchases, left_out = not_counted(frames[PURCHASES])
    problems += [
        Problem(sheet, None, _header(sources, sheet, "status"), "info", "orders_not_counted", counts)
        for sheet, counts in left_out.items()
    ]
    frames[PURCHASES] = _with_amounts(purchases)
    register = Register(**frames, sources=tuple(sources), shape=shape, identity=identity, kept_apart=kept_apart)
    if check:
        problems += check_register(register, as_of)
    return register, problems


def sheet_frames(
    sheets: Iterable[RawSheet], overrides: MappingOverrides | None = None
) -> dict[str, tuple[str, pd.DataFrame]]:
    """Each recognised sheet on its own: sheet → (kind, typed frame), as the register holds its rows.

    For checking a written file sheet by sheet, without building the whole register.
    """
    found = {}
    for raw in sheets:
        source, frame, _ = _read_sheet(raw, overrides or MappingOverrides())
        if frame is None:
            continue
        frame = _concat(source.kind, [frame])  # type: ignore[arg-type]  # a source's kind is a SheetKind once it is not OTHER
        if source.kind == CUSTOMERS:
            frame, _ = unique_customers(frame, [source])
        elif source.kind == PURCHASES:
            frame = _with_amounts(frame.drop(columns=STATE_COL, errors="ignore"))
        found[raw.name] = (source.kind, frame)
    return found


def _read_sheet(raw: RawSheet, overrides: MappingOverrides) -> tuple[SheetSource, pd.DataFrame | None, list[Problem]]:
    cells = raw.cells
    head = cells.head(30).astype(object).where(cells.head(30).notna(), None).values.tolist()
    header_index = find_header_row(head) if len(cells) else 0
    headers = _headers(cells.iloc[header_index].tolist() if len(cells) else [], raw.letters)
    kind = overrides.sheets.get(raw.name) or guess_sheet_kind(raw.name, headers)
    data = cells.iloc[header_index + 1 :]
    fields: dict[str, str] = {}
    answers: list[str] = []
    if kind == OTHER and raw.name not in overrides.sheets:  # form responses: a time and questions in words
        named = data.set_axis(list(headers), axis=1)
        if looks_like_survey(named, {headers[i]: f for i, f in map_columns(FEEDBACK, headers).items()}):
            kind = FEEDBACK
    if kind != OTHER:
        fields = {headers[i]: f for i, f in map_columns(kind, headers).items()}  # type: ignore[arg-type]  # a source's kind is a SheetKind once it is not OTHER
        if kind == PURCHASES and (number := order_number_header(data.set_axis(list(headers), axis=1), fields)):
            named = map_columns(kind, [h if h != number else "" for h in headers])  # "Billing Name" is the name
            fields = {headers[i]: f for i, f in named.items()} | {number: "purchase_id"}
        for header, chosen in overrides.columns.get(raw.name, {}).items():
            if header not in headers:
                continue
            fields = {h: f for h, f in fields.items() if h != header and f != chosen}
            if chosen != NOT_MAPPED and chosen in FIELDS[kind]:
                fields[header] = chosen
        if kind == FEEDBACK:
            named = data.set_axis(list(headers), axis=1)
            fields = survey_fields(named, fields)
            answers = answer_columns(named, fields)
    source = SheetSource(
        raw.name,
        kind,
        header_index + 1,
        headers,
        raw.letters,
        fields,
        rows=len(data),
        visible=raw.visible,
        answers=tuple(answers),
        part=raw.file,
    )
    if kind == OTHER:
        return source, None, []
    data = data.set_axis(list(headers), axis=1)
    empty = data.isna().all(axis=1)
    problems = [Problem(raw.name, int(i) + 1, None, "info", "empty_row") for i in data.index[empty]]
    problems += [
        Problem(
            raw.name, row, headers[at] if at >= 0 else None, "warning", f"ragged_{how}", {"values": n, "columns": w}
        )
        for row, how, n, w, at in raw.ragged
    ]
    data = data[~empty]
    if kind == FEEDBACK:
        data = without_anonymous(data, fields)
    frame, found = _typed_frame(kind, data, fields, raw.name)  # type: ignore[arg-type]  # a source's kind is a SheetKind once it is not OTHER
    if kind == PURCHASES:
        frame = as_purchases(frame)
    if answers:
        text_header = source.header_of("text")
        questions = {("text" if h == text_header else h): h for h in headers if h == text_header or h in answers}
        frame = answers_as_items(frame, questions)
    return source, frame, problems + found


def _headers(cells: list[object], letters: tuple[str, ...]) -> tuple[str, ...]:
    """The header row as text; a blank header is named by its column letter; repeats numbered."""
    headers: list[str] = []
    for position, cell in enumerate(cells):
        text = str(cell).strip() if isinstance(cell, str) and cell.strip() else f"({letters[position]})"
        name, count = text, 2
        while name in headers or name in BOOKKEEPING:
            name, count = f"{text} ({count})", count + 1
        headers.append(name)
    return tuple(headers)


def _typed_frame(
    kind: SheetKind, data: pd.DataFrame, fields: Mapping[str, str], sheet: str
) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    rows = pd.DataFrame({SHEET_COL: sheet, ROW_COL: (data.index + 1).astype("Int64")}, index=data.index)
    columns: dict[str, pd.Series] = {}
    header_by_field = {f: h for h, f in fields.items()}
    for name, spec in FIELDS[kind].items():
        header = header_by_field.get(name)
        if header is None:
            columns[name] = empty_column(spec, data.index)
            continue
        typed, bad, code = parse_field(data[header], spec)
        if code == "damaged_id":  # kept apart, as a customer of its own row, rather than merged with others
            typed = typed.fillna((rows[SHEET_COL] + "!" + rows[ROW_COL].astype("string")).where(bad))
        columns[name] = typed
        if bad.any():
            severity = _SEVERITY.get(code, "warning")
            params = {"known": ", ".join(_vocabulary_codes(spec))} if code == "unknown_choice" else {}
            problems += cell_problems(rows[bad], header, severity, code, data[header], **params)
    extras = {h: data[h].astype("string") for h in data.columns if h not in fields}
    frame = pd.concat([pd.DataFrame(columns, index=data.index), pd.DataFrame(extras, index=data.index), rows], axis=1)
    return frame.reset_index(drop=True), problems


_SEVERITY: dict[str, Severity] = {
    "unreadable_date": "error",
    "unreadable_number": "error",
    "unreadable_count": "error",
    "unreadable_bool": "warning",
    "unknown_choice": "info",
    "damaged_id": "error",
}
"""How bad an unreadable cell is: a lost date or amount skews every figure; an odd word does not."""


def _vocabulary_codes(spec: Field) -> list[str]:
    return list(VOCABULARIES[spec.vocabulary]) if spec.vocabulary else []


_PARSERS: dict[str, tuple[Callable[[pd.Series], tuple[pd.Series, pd.Series]], str]] = {
    "date": (parse_dates, "unreadable_date"),
    "number": (parse_numbers, "unreadable_number"),
    "count": (parse_counts, "unreadable_count"),
    "bool": (parse_bools, "unreadable_bool"),
}
"""Field type → (parser, problem code for a cell it cannot read)."""


def parse_field(raw: pd.Series, spec: Field) -> tuple[pd.Series, pd.Series, str]:
    """Type one column by its field: (typed values, mask of unreadable cells, problem code)."""
    if spec.type in _PARSERS:
        parser, code = _PARSERS[spec.type]
        return (*parser(raw), code)
    if spec.type == "choice":
        return (*parse_choices(raw, spec.vocabulary or ""), "unknown_choice")
    if spec.type == "id":
        damaged = damaged_ids(raw)
        return parse_ids(raw).mask(damaged), damaged, "damaged_id"
    text = raw.astype("string").str.strip()
    return text.mask(text == ""), pd.Series(False, index=raw.index), ""


def _concat(kind: SheetKind, frames: list[pd.DataFrame]) -> pd.DataFrame:
    if not frames:
        empty = {name: empty_column(spec, pd.RangeIndex(0)) for name, spec in FIELDS[kind].items()}
        frame = pd.DataFrame(empty)
        frame[SHEET_COL] = pd.Series(dtype="string")
        frame[ROW_COL] = pd.Series(dtype="Int64")
    else:
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if kind != CUSTOMERS:  # a survey's later answers of one response have keys of their own already
        own = frame[SHEET_COL].astype("string") + "!" + frame[ROW_COL].astype("string")
        frame = frame.assign(**{KEY_COL: frame[KEY_COL].astype("string").fillna(own) if KEY_COL in frame else own})
    return _combine_names(frame)


def _combine_names(frame: pd.DataFrame, replace_all: bool = False) -> pd.DataFrame:
    """Fill ``name`` from first and last name where the register keeps them apart.

    ``replace_all`` recomputes every name: for registers without a name column of their own,
    after an edit of a first or last name.
    """
    if "first_name" not in frame or (frame["name"].notna().all() and not replace_all):
        return frame
    joined = (frame["first_name"].fillna("") + " " + frame["last_name"].fillna("")).str.strip()
    joined = joined.mask(joined == "")
    return frame.assign(name=joined.fillna(frame["name"]) if replace_all else frame["name"].fillna(joined))


def _header(sources: list[SheetSource], sheet: str, field_name: str) -> str | None:
    source = next((s for s in sources if s.sheet == sheet), None)
    return source.header_of(field_name) if source else None


def _with_amounts(purchases: pd.DataFrame) -> pd.DataFrame:
    """Amount = quantity × unit price where the sheet gives no amount (quantity 1 when absent)."""
    missing = purchases["amount"].isna() & purchases["unit_price"].notna()
    if not missing.any():
        return purchases
    computed = purchases["quantity"].fillna(1.0) * purchases["unit_price"]
    return purchases.assign(amount=purchases["amount"].where(~missing, computed))
