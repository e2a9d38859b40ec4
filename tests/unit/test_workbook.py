"""Every supported format is read with rows as Excel numbers them; hostile or broken files are refused
with a reason, before any parsing."""

import pytest

from lib.workbook import MAX_FILE_BYTES, WorkbookError, column_letter, read_workbook
from tests.conftest import FIXTURES, SAMPLE, zip_of


def test_rows_keep_excel_numbering_when_the_sheet_starts_lower_and_to_the_right(xlsx):
    path = xlsx({"S": [[], [], [None, None, "Customer id", "Name"], [None, None, "A1", "Anna"]]})
    (sheet,) = read_workbook(path.read_bytes(), path.name)
    assert sheet.letters[:2] == ("C", "D")
    assert sheet.cells.iloc[2].tolist()[:2] == ["Customer id", "Name"]
    assert sheet.cells.iloc[3].tolist()[:2] == ["A1", "Anna"]


def test_sample_workbook_has_all_its_sheets():
    names = [s.name for s in read_workbook(SAMPLE.read_bytes(), SAMPLE.name)]
    assert names == ["Customers", "Purchases", "Feedback", "Actions", "Price list"]


def test_xls_and_ods_are_read():
    (xls,) = read_workbook((FIXTURES / "finnish_summary.xls").read_bytes(), "finnish_summary.xls")
    assert "Asiakasnumero" in xls.cells.iloc[2].tolist()
    (ods,) = read_workbook((FIXTURES / "lithuanian_purchases.ods").read_bytes(), "lithuanian_purchases.ods")
    assert ods.cells.iloc[0, 0] == "Kliento Nr."


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1250"])
def test_csv_in_the_encodings_excel_writes_with_semicolons(encoding):
    text = "Nr klienta;Imię i nazwisko;Kwota\nK1;Łukasz Wiśniewski;12,50\n"
    (sheet,) = read_workbook(text.encode(encoding), "klienci.csv")
    assert sheet.name == "klienci"
    assert sheet.cells.iloc[1].tolist() == ["K1", "Łukasz Wiśniewski", "12,50"]


def test_csv_with_baltic_letters_in_cp1257():
    text = "Kliento Nr.,Vardas Pavardė\nL1,Šarūnas Žukauskas\n"
    (sheet,) = read_workbook(text.encode("cp1257"), "klientai.csv")
    assert sheet.cells.iloc[1, 1] == "Šarūnas Žukauskas"


@pytest.mark.parametrize(("data", "name", "says"), [
    (b"", "empty.xlsx", "empty"),
    (b"PK\x03\x04 not really a zip", "broken.xlsx", "damaged"),
    (b"this is a text file renamed", "renamed.xlsx", "not a readable .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 100,
     "secret.xlsx", "password"),
])
def test_broken_files_get_a_reason_and_what_to_do(data, name, says):
    with pytest.raises(WorkbookError, match=says):
        read_workbook(data, name)


def test_a_garbled_cfb_file_is_refused_without_crashing():
    with pytest.raises(WorkbookError, match="could not be read"):
        read_workbook(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00\xff" * 600, "old.xls")


def test_oversized_file_is_refused_before_reading():
    with pytest.raises(WorkbookError, match="largest file"):
        read_workbook(b"x" * (MAX_FILE_BYTES + 1), "huge.csv")


def test_xml_with_a_doctype_is_refused():
    data = zip_of({"[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaa">]><Types/>'})
    with pytest.raises(WorkbookError, match="DOCTYPE"):
        read_workbook(data, "billion-laughs.xlsx")


def test_zip_bomb_is_refused():
    data = zip_of({"xl/worksheets/sheet1.xml": b"\0" * 60_000_000})
    with pytest.raises(WorkbookError, match="unpacks to far more"):
        read_workbook(data, "bomb.xlsx")


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
