"""The updated workbook is the user's own file with only the edited cells changed."""

import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from lib.exports.sheet_xml import SheetChanges
from lib.exports.writeback import updated_workbook
from lib.exports.xlsx_patch import patch_xlsx
from lib.reading.register import build_register
from lib.reading.snapshots import apply_edits
from lib.reading.workbook import read_workbook
from tests.conftest import AS_OF, FIXTURES


def rich_workbook() -> bytes:
    """A register as people keep it: title rows, formats, an unknown column, formulas, a chart."""
    book = openpyxl.Workbook()
    customers = book.active
    customers.title = "Kliendid"
    customers["A1"] = "Päikesestuudio kliendiregister"
    customers["A1"].font = Font(bold=True, size=14)
    customers.merge_cells("A1:D1")
    customers["A2"] = "Seisuga 31.10.2026"
    customers.append(["Kliendi nr", "Nimi", "E-post", "Sünnipäev", "Kapi nr", "Punktid kokku"])
    for cell in customers[3]:
        cell.fill = PatternFill("solid", fgColor="FDE7D3")
    rows = [
        ("001", "Mari Tamm", "mari@example.ee", datetime(1985, 3, 15), 12),
        ("002", "Jaan Kask", "jaan@example.ee", datetime(1990, 7, 1), 7),
        ("003", "Liis Saar", "liis@example.ee", datetime(1978, 1, 30), 3),
    ]
    for number, (cid, name, email, born, locker) in enumerate(rows, start=4):
        customers.append([cid, name, email, born, locker, f"=E{number}*10"])
        customers.cell(row=number, column=4).number_format = "DD.MM.YYYY"
    customers.column_dimensions["B"].width = 30
    validation = DataValidation(type="whole", operator="between", formula1="1", formula2="300")
    customers.add_data_validation(validation)
    validation.add("E4:E100")
    purchases = book.create_sheet("Ostud")
    purchases.append(["Kliendi nr", "Kuupäev", "Summa"])
    purchases.append(["001", "05.10.2026", 49.0])
    purchases.append(["002", "06.10.2026", 14.0])
    stats = book.create_sheet("Kokkuvõte")
    stats["A1"] = "Käive kokku"
    stats["B1"] = "=SUM(Ostud!C2:C100)"
    stats["B1"].font = Font(italic=True)
    chart = BarChart()
    chart.add_data(Reference(purchases, min_col=3, min_row=1, max_row=3), titles_from_data=True)
    stats.add_chart(chart, "D2")
    hidden = book.create_sheet("Seaded")
    hidden["A1"] = "salajane"
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write(data: bytes, name: str, edits: list[dict], computed: pd.DataFrame | None = None):
    original, _ = build_register(read_workbook(data, name), as_of=AS_OF)
    frame = pd.DataFrame(edits, columns=["op", "sheet", "key", "field", "new"])
    current = apply_edits(original, frame)
    return updated_workbook(data, name, original, current, frame, computed=computed), current


def test_an_edit_comes_back_with_title_rows_unknown_columns_formulas_and_formats_intact():
    data = rich_workbook()
    result, _ = write(
        data,
        "kliendid.xlsx",
        [
            {"op": "set", "sheet": "customers", "key": "002", "field": "email", "new": "jaan.kask@example.ee"},
        ],
    )
    assert result.path == "patched"
    assert result.file_name == "kliendid (updated).xlsx"
    before = openpyxl.load_workbook(io.BytesIO(data))
    after = openpyxl.load_workbook(io.BytesIO(result.data))
    assert after.sheetnames == before.sheetnames
    assert after["Kliendid"]["C5"].value == "jaan.kask@example.ee"
    changed = {("Kliendid", "C5")}
    for sheet in before.sheetnames:
        for row in before[sheet].iter_rows():
            for cell in row:
                if (sheet, cell.coordinate) in changed:
                    continue
                twin = after[sheet][cell.coordinate]
                assert twin.value == cell.value, (sheet, cell.coordinate)
                assert twin.number_format == cell.number_format, (sheet, cell.coordinate)
                assert twin.style_id == cell.style_id, (sheet, cell.coordinate)  # the same cell format
    customers = after["Kliendid"]
    assert customers["A1"].value == "Päikesestuudio kliendiregister" and customers["A1"].font.bold
    assert "A1:D1" in {str(r) for r in customers.merged_cells.ranges}
    assert customers.column_dimensions["B"].width == 30
    assert customers["F4"].value == "=E4*10"
    assert customers["E3"].value == "Kapi nr"
    assert [str(v.sqref) for v in customers.data_validations.dataValidation] == ["E4:E100"]
    assert after["Kokkuvõte"]["B1"].value == "=SUM(Ostud!C2:C100)"
    assert after["Seaded"].sheet_state == "hidden"
    with zipfile_of(result.data) as archive:
        assert any(name.startswith("xl/charts/") for name in archive.namelist())


def zipfile_of(data: bytes):
    import zipfile

    return zipfile.ZipFile(io.BytesIO(data))


def test_untouched_parts_are_copied_byte_for_byte():
    data = rich_workbook()
    result, _ = write(
        data, "kliendid.xlsx", [{"op": "set", "sheet": "customers", "key": "001", "field": "name", "new": "Mari Mets"}]
    )
    with zipfile_of(data) as before, zipfile_of(result.data) as after:
        changed = {"xl/worksheets/sheet1.xml", "xl/workbook.xml"}
        for name in before.namelist():
            if name not in changed:
                assert after.read(name) == before.read(name), name


def test_added_deleted_and_new_column_edits():
    data = rich_workbook()
    result, _current = write(
        data,
        "kliendid.xlsx",
        [
            {"op": "delete", "sheet": "customers", "key": "001"},
            {"op": "add", "sheet": "customers", "key": "004"},
            {"op": "set", "sheet": "customers", "key": "004", "field": "name", "new": "Uus Klient"},
            {"op": "set", "sheet": "customers", "key": "004", "field": "birth_date", "new": "02.03.2001"},
            {"op": "set", "sheet": "customers", "key": "003", "field": "phone", "new": "+372 5123 4567"},
        ],
    )
    assert result.path == "patched"
    sheet = openpyxl.load_workbook(io.BytesIO(result.data))["Kliendid"]
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=4, max_col=7)]
    assert values == [
        ["002", "Jaan Kask", "jaan@example.ee", datetime(1990, 7, 1), 7, "=E4*10", None],
        ["003", "Liis Saar", "liis@example.ee", datetime(1978, 1, 30), 3, "=E5*10", "+372 5123 4567"],
        ["004", "Uus Klient", None, datetime(2001, 3, 2), None, None, None],
    ]
    assert sheet["G3"].value == "Telefon"  # the new column is named in the workbook's language (Estonian)
    assert sheet["D6"].number_format == "DD.MM.YYYY"
    assert sheet["A2"].value == "Seisuga 31.10.2026"


def test_text_that_looks_like_a_formula_is_written_as_text():
    data = rich_workbook()
    dangerous = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR", "\nLF"]
    edits = [{"op": "set", "sheet": "customers", "key": "001", "field": "name", "new": dangerous[0]}]
    edits += [{"op": "add", "sheet": "customers", "key": f"X{i}"} for i in range(1, len(dangerous))]
    edits += [
        {"op": "set", "sheet": "customers", "key": f"X{i}", "field": "name", "new": text}
        for i, text in enumerate(dangerous[1:], start=1)
    ]
    result, _ = write(data, "kliendid.xlsx", edits)
    sheet = openpyxl.load_workbook(io.BytesIO(result.data))["Kliendid"]
    names = [sheet.cell(row=r, column=2) for r in (4, *range(7, 7 + len(dangerous) - 1))]
    assert [c.value for c in names] == dangerous
    assert all(c.data_type == "s" for c in names)


def test_a_csv_upload_comes_back_as_a_clean_xlsx_with_the_edit():
    data = b"Kliendi nr;Nimi;Summa kokku\n001;Mari Tamm;12,50\n002;Jaan;7\n"
    result, _ = write(
        data, "kliendid.csv", [{"op": "set", "sheet": "customers", "key": "002", "field": "name", "new": "Jaan Kask"}]
    )
    assert (result.path, result.file_name) == ("clean", "kliendid (updated).xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(result.data))["kliendid"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["Kliendi nr", "Nimi", "Summa kokku"],
        ["001", "Mari Tamm", "12,50"],
        ["002", "Jaan Kask", 7],
    ]


def test_an_xls_upload_comes_back_as_xlsx():
    data = (FIXTURES / "finnish_summary.xls").read_bytes()
    result, _ = write(
        data,
        "asiakkaat.xls",
        [{"op": "set", "sheet": "customers", "key": "A-2", "field": "email", "new": "mikko@example.fi"}],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(result.data))["Asiakkaat"]
    assert sheet["C5"].value == "mikko@example.fi"
    assert sheet["A1"].value == "Asiakasrekisteri 2026"


def test_the_computed_sheet_is_added_apart_and_ignored_on_reupload():
    data = rich_workbook()
    computed = pd.DataFrame({"Customer id": ["001"], "Purchases": [3]})
    result, _ = write(data, "kliendid.xlsx", [], computed=computed)
    book = openpyxl.load_workbook(io.BytesIO(result.data))
    assert book.sheetnames[-1] == "Loyalty Ladder"
    assert [[c.value for c in r] for r in book["Loyalty Ladder"].iter_rows()] == [
        ["Customer id", "Purchases"],
        ["001", 3],
    ]
    again, _ = build_register(read_workbook(result.data, "x.xlsx"), as_of=AS_OF)
    assert again.source("Loyalty Ladder").kind == "other"
    assert len(again.customers) == 3


def test_a_sheet_the_patcher_does_not_understand_takes_the_safe_path_and_says_why():
    data = rich_workbook()
    import zipfile

    source = zipfile_of(data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:  # rows without row numbers are valid but unusual
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<row r="6"', b"<row")
            target.writestr(info, content)
    result, _ = write(
        buffer.getvalue(),
        "odd.xlsx",
        [{"op": "set", "sheet": "customers", "key": "003", "field": "name", "new": "Liis Mets"}],
    )
    assert result.path == "safe"
    assert "row number" in result.fallback_reason
    assert openpyxl.load_workbook(io.BytesIO(result.data))["Kliendid"]["B6"].value == "Liis Mets"


def test_formulas_below_a_deleted_row_follow_their_row():
    data = rich_workbook()
    changes = SheetChanges("Kliendid", 3, deletes={4})
    sheet = openpyxl.load_workbook(io.BytesIO(patch_xlsx(data, [changes])))["Kliendid"]
    assert [sheet["F4"].value, sheet["F5"].value] == ["=E4*10", "=E5*10"]
    assert sheet["A4"].value == "002"


@pytest.mark.parametrize("fmt", ["xlsm"])
def test_macro_workbooks_keep_their_extension(fmt):
    data = rich_workbook()
    original, _ = build_register(read_workbook(data, "x.xlsx"), as_of=AS_OF)
    result = updated_workbook(
        data, f"kliendid.{fmt}", original, original, pd.DataFrame(columns=["op", "sheet", "key", "field", "new"])
    )
    assert result.file_name == f"kliendid (updated).{fmt}"


def test_the_read_back_check_notices_a_file_that_does_not_hold_the_register():
    from lib.exports.writeback import difference, sheet_difference
    from lib.reading.register import MappingOverrides

    data = rich_workbook()
    original, _ = build_register(read_workbook(data, "k.xlsx"), as_of=AS_OF)
    edits = pd.DataFrame([{"op": "set", "sheet": "customers", "key": "002", "field": "name", "new": "Jaan Mets"}])
    edited = apply_edits(original, edits)
    assert (
        sheet_difference(data, "k.xlsx", edited, MappingOverrides(), {"Kliendid"})
        == "Kliendid: values of 'name' differ"
    )
    assert difference(data, "k.xlsx", edited, MappingOverrides()) == "customers: values of 'name' differ"
    assert sheet_difference(data, "k.xlsx", original, MappingOverrides(), {"Kliendid", "Ostud"}) is None


@pytest.mark.parametrize("name", ["kliendid.xlsx", "kliendid.csv"])
def test_the_apps_own_sheets_are_replaced_on_the_next_export_not_duplicated(name):
    data = b"Kliendi nr;Nimi\n001;Mari\n" if name.endswith(".csv") else rich_workbook()
    first, _ = write(data, name, [], computed=pd.DataFrame({"Customer id": ["001"], "Purchases": [3]}))
    second, _ = write(first.data, "again.xlsx", [], computed=pd.DataFrame({"Customer id": ["001"], "Purchases": [4]}))
    book = openpyxl.load_workbook(io.BytesIO(second.data))
    assert [n for n in book.sheetnames if n.startswith("Loyalty Ladder")] == ["Loyalty Ladder"]
    assert book["Loyalty Ladder"]["B2"].value == 4


def test_the_safe_path_also_replaces_the_apps_own_sheet():
    from lib.exports.writeback import Plan, app_sheet, safe_xlsx

    first, _ = write(rich_workbook(), "kliendid.xlsx", [], computed=pd.DataFrame({"Purchases": [3]}))
    plan = Plan(sheets={}, new_sheets=[app_sheet("Loyalty Ladder", pd.DataFrame({"Purchases": [5]}))])
    book = openpyxl.load_workbook(io.BytesIO(safe_xlsx(first.data, plan)))
    assert [n for n in book.sheetnames if n.startswith("Loyalty Ladder")] == ["Loyalty Ladder"]
    assert book["Loyalty Ladder"]["A2"].value == 5


def test_a_contact_logged_from_the_plan_comes_back_in_the_workbooks_language_and_the_plan_knows_it(tmp_path):
    """A Polish register with no actions sheet: the sheet the app adds, its headers and the logged contact are
    in Polish ("Działania", "Nr klienta", "Z planu kontaktów: Otwarte reklamacje"), and read back as the plan's."""
    from datetime import date

    from lib.analysis.contact_plan import handled, plan_action
    from lib.workspace.edits import new_row
    from tests.conftest import write_xlsx

    people = [["Nr klienta", "Imię i nazwisko", "E-mail"], ["K1", "Anna Nowak", "anna@example.pl"]]
    data = write_xlsx(tmp_path / "klienci.xlsx", {"Klienci": people}).read_bytes()
    contact = plan_action("K1", "open_complaint", "phone", date(2026, 11, 30), outcome="Osiągnięty", lang="pl")
    result, _ = write(data, "klienci.xlsx", new_row("actions", contact))
    book = openpyxl.load_workbook(io.BytesIO(result.data))
    assert book.sheetnames == ["Klienci", "Działania"]
    rows = [[c.value for c in row] for row in book["Działania"].iter_rows()]
    written = dict(zip(rows[0], rows[1], strict=True))
    assert {"Nr klienta", "Wykonano", "Rodzaj", "Kanał", "Uwagi"} <= set(written)
    assert written["Rodzaj"] == "Telefon" and written["Uwagi"] == "Z planu kontaktów: Otwarte reklamacje"
    again, _ = build_register(read_workbook(result.data, "klienci (zaktualizowany).xlsx"), as_of=AS_OF)
    assert again.actions["kind"].tolist() == ["call"]
    assert handled(again.actions, date(2026, 12, 1))[["customer_id", "rule"]].values.tolist() == [
        ["K1", "open_complaint"]
    ]
