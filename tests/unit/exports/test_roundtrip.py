"""Round trips, with generated data: what the app writes back reads back as the same register,
and patching a workbook leaves every cell it was not asked to change exactly as it was."""

import io
from datetime import date, datetime

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.exports.sheet_xml import SheetChanges
from lib.exports.writeback import updated_workbook
from lib.exports.xlsx_patch import patch_xlsx
from lib.reading.register import build_register
from lib.reading.snapshots import apply_edits
from lib.reading.workbook import read_workbook
from tests.conftest import AS_OF, write_xlsx

LETTERS = "äõüöąėšžłńćęįųūĀŠŽÕÜ"
text = st.text(
    alphabet=st.one_of(st.sampled_from(LETTERS), st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs"))),
    max_size=60,
)
tricky = st.one_of(
    text,
    text.map(lambda t: "=" + t),
    text.map(lambda t: "+" + t),
    text.map(lambda t: "-" + t),
    text.map(lambda t: "@" + t),
    st.from_regex(r"0[0-9]{3,8}", fullmatch=True),  # leading-zero ids and phones
    st.from_regex(r"\+37[0-2] [0-9]{3,4} [0-9]{4}", fullmatch=True),
    st.text(alphabet=LETTERS + "abc ", min_size=300, max_size=2000),  # long text
    st.just(""),  # an emptied cell
)
days = st.dates(min_value=date(1930, 1, 1), max_value=date(2030, 12, 31)).map(lambda d: d.strftime("%d.%m.%Y"))
yes_no = st.sampled_from(["jah", "ei", "kyllä", "ei", "TAK", "NIE", "taip", "ne", "yes", "no", "x", ""])
FIELD_VALUES = {
    "name": tricky,
    "email": tricky,
    "phone": tricky,
    "notes": tricky,
    "city": tricky,
    "birth_date": days,
    "consent_email": yes_no,
}
edit = st.one_of(*[st.tuples(st.integers(0, 4), st.just(f), v) for f, v in FIELD_VALUES.items()])

BASE = {
    "Kliendid": [
        ["Kliendiregister"],
        [],
        ["Kliendi nr", "Nimi", "E-post", "Telefon", "Linn", "Sünnipäev", "Uudiskiri", "Märkused", "Kapp"],
        *[
            [
                f"00{i}",
                f"Klient {i}",
                f"k{i}@example.ee",
                f"+372 5{i}00 0000",
                "Tallinn",
                date(1980 + i, 1, 2 + i),
                "jah",
                None,
                i,
            ]
            for i in range(1, 6)
        ],
    ],
    "Ostud": [["Kliendi nr", "Kuupäev", "Summa"], ["001", "01.10.2026", 12.5], ["003", "02.10.2026", 49]],
}


HEADER_OF = {
    "name": "Nimi",
    "email": "E-post",
    "phone": "Telefon",
    "city": "Linn",
    "birth_date": "Sünnipäev",
    "consent_email": "Uudiskiri",
    "notes": "Märkused",
}


def comparable(frame: pd.DataFrame, columns: list[str]) -> list[list[str]]:
    shown = frame[columns].copy()
    for column in columns:
        if pd.api.types.is_datetime64_any_dtype(shown[column]):
            shown[column] = shown[column].dt.strftime("%Y-%m-%d")
    return shown.astype("string").fillna("∅").values.tolist()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(edit, min_size=1, max_size=12), added=st.lists(st.tuples(tricky, days, yes_no), max_size=3))
def test_read_write_read_gives_the_same_register(tmp_path, edits, added):
    path = write_xlsx(tmp_path / "kliendid.xlsx", BASE)
    data = path.read_bytes()
    original, _ = build_register(read_workbook(data, path.name), as_of=AS_OF)
    keys = original.customers["_key"].tolist()
    rows = [{"op": "set", "sheet": "customers", "key": keys[i], "field": f, "new": v} for i, f, v in edits]
    for number, (name, born, consent) in enumerate(added, start=1):
        key = f"N{number:03d}"
        rows += [
            {"op": "add", "sheet": "customers", "key": key, "field": None, "new": None},
            {"op": "set", "sheet": "customers", "key": key, "field": "name", "new": name},
            {"op": "set", "sheet": "customers", "key": key, "field": "birth_date", "new": born},
            {"op": "set", "sheet": "customers", "key": key, "field": "consent_email", "new": consent},
        ]
    journal = pd.DataFrame(rows, columns=["op", "sheet", "key", "field", "new"])
    current = apply_edits(original, journal)

    result = updated_workbook(data, path.name, original, current, journal)
    again, _ = build_register(read_workbook(result.data, result.file_name), as_of=AS_OF)

    assert result.path == "patched"
    columns = ["customer_id", "name", "email", "phone", "city", "birth_date", "consent_email", "notes"]
    assert comparable(again.customers, columns) == comparable(current.customers, columns)
    assert comparable(again.purchases, ["customer_id", "date", "amount"]) == comparable(
        original.purchases, ["customer_id", "date", "amount"]
    )
    assert again.extra_columns("customers") == ["Kapp"]
    # And as written in the file, judged without the app's reader: each edited cell holds what was typed
    # (text as text, a day as that day), the last edit of a cell winning.
    sheet = openpyxl.load_workbook(io.BytesIO(result.data))["Kliendid"]
    column = {
        header: index for index, header in enumerate(next(sheet.iter_rows(min_row=3, max_row=3, values_only=True)))
    }
    typed = {(i, f): v for i, f, v in edits}
    for (i, field), value in typed.items():
        cell = sheet.cell(row=4 + i, column=column[HEADER_OF[field]] + 1).value
        if value == "":
            assert cell is None
        elif field == "birth_date":
            assert cell == datetime.strptime(value, "%d.%m.%Y")
        else:
            assert cell == value, (field, value, cell)


cell_value = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 4)),
    text,
    st.sampled_from(["=A1+1", "=SUM(B1:B3)", '=IF(A1>0,"yes","no")']),
)


@settings(max_examples=30, deadline=None)
@given(
    grid=st.lists(st.lists(cell_value, min_size=4, max_size=4), min_size=3, max_size=8),
    other=st.lists(st.lists(cell_value, min_size=3, max_size=3), min_size=1, max_size=5),
    changes=st.dictionaries(st.tuples(st.integers(2, 8), st.integers(0, 3)), tricky, max_size=6),
)
def test_patching_changes_only_the_cells_it_was_asked_to(grid, other, changes):
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Data"
    first.append(["A", "B", "C", "D"])
    for row in grid:
        first.append(row)
    second = book.create_sheet("Other")
    for row in other:
        second.append(row)
    buffer = io.BytesIO()
    book.save(buffer)

    patched = patch_xlsx(buffer.getvalue(), [SheetChanges("Data", 1, sets=dict(changes))])

    before = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    after = openpyxl.load_workbook(io.BytesIO(patched))
    for name in ("Data", "Other"):
        for row in before[name].iter_rows(min_row=1, max_row=max(before[name].max_row, 9), max_col=4):
            for cell in row:
                now = after[name][cell.coordinate]
                wanted = changes.get((cell.row, cell.column - 1)) if name == "Data" else None
                if name == "Data" and (cell.row, cell.column - 1) in changes:
                    assert now.value == (wanted or None), cell.coordinate
                    assert now.data_type in ("s", "n")  # text stays text, never a formula
                else:
                    assert now.value == cell.value, (name, cell.coordinate)
