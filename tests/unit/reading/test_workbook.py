"""Every supported format is read with rows as Excel numbers them; hostile or broken files are refused
with a reason, before any parsing."""

import csv
import io
import re

import pytest

from lib.reading import read_worker, workbook
from lib.reading.ooxml import column_letters
from lib.reading.workbook import MAX_FILE_BYTES, WorkbookError, read_workbook
from tests.conftest import FIXTURES, SAMPLE, hostile_files


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


HOSTILE = hostile_files()


@pytest.mark.parametrize("name", [n for n, (_, says) in HOSTILE.items() if "No sheet" not in says])
def test_every_hostile_or_broken_file_is_refused_with_its_reason(name):
    data, says = HOSTILE[name]
    with pytest.raises(WorkbookError, match=re.escape(says)):
        read_workbook(data, name)


def test_a_file_read_by_its_content_whatever_its_extension():
    ods = (FIXTURES / "lithuanian_purchases.ods").read_bytes()
    (sheet,) = read_workbook(ods, "pirkimai.xlsx")
    assert sheet.cells.iloc[0, 0] == "Kliento Nr."


def test_a_reader_crash_becomes_a_message(monkeypatch):
    class Panic(BaseException):  # what the calamine engine raises: not an Exception
        pass

    def explode(_data):
        raise Panic("index out of bounds")

    monkeypatch.setattr(read_worker.fastexcel, "read_excel", explode)
    with pytest.raises(WorkbookError, match="could not be read"):
        workbook.parse_workbook(SAMPLE.read_bytes(), "sample.xlsx")


TINY_CSV = b"id;name\n1;Ann\n"


def long_csv(rows: int) -> bytes:
    """A plain CSV that takes the reader a few seconds and a few hundred megabytes per million rows."""
    return b"id;a;b;c\n" + b"1234;ab;cd;ef\n" * rows


@pytest.mark.usefixtures("in_reader_process")
def test_reading_has_a_time_budget_for_the_parse_itself(monkeypatch):
    monkeypatch.setenv("LADDER_READ_SECONDS", "3")
    assert len(read_workbook(TINY_CSV, "tiny.csv")) == 1  # the reader starts and reads well within the budget
    with pytest.raises(WorkbookError, match="took longer than"):
        read_workbook(long_csv(3_000_000), "long.csv")  # about 7 s of parsing


@pytest.mark.usefixtures("in_reader_process")
def test_reading_has_a_memory_budget_and_the_server_lives_on(monkeypatch):
    monkeypatch.setenv("LADDER_READ_MEMORY_MB", "600")
    assert len(read_workbook(TINY_CSV, "tiny.csv")) == 1  # a small file fits the budget
    with pytest.raises(WorkbookError, match="more memory than allowed"):
        read_workbook(long_csv(1_500_000), "long.csv")  # six million cells do not
    monkeypatch.setenv("LADDER_READ_MEMORY_MB", "8192")
    assert len(read_workbook(SAMPLE.read_bytes(), "sample.xlsx")) == 5  # and this process reads on


@pytest.mark.usefixtures("in_reader_process")
@pytest.mark.parametrize("name", ["doctype.xlsx", "split-doctype.xlsx", "utf16be-doctype.xlsx", "string-bomb.xlsx"])
def test_a_refused_part_is_refused_before_the_reader_process_is_started(name, monkeypatch):
    monkeypatch.setattr(workbook.subprocess, "run", None)  # no reader process may start for these files
    data, message = HOSTILE[name]
    with pytest.raises(WorkbookError, match=message):
        read_workbook(data, name)


@pytest.mark.usefixtures("in_reader_process")
def test_a_reader_that_stops_for_another_reason_is_not_called_a_memory_problem(monkeypatch):
    monkeypatch.setattr(workbook.sys, "executable", "/bin/false")  # a reader process that exits at once, silent
    with pytest.raises(WorkbookError) as raised:
        read_workbook(TINY_CSV, "tiny.csv")
    assert raised.value.key == "error.reader_stopped"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1257", ";"), ("cp1250", ","), ("cp1252", "\t")],
)
def test_csv_in_every_encoding_and_delimiter_excel_writes(encoding, delimiter):
    names = {"cp1257": "Šarūnas Žukauskas", "cp1250": "Łukasz Wiśniewski", "cp1252": "Jönne Mäkelä"}
    name = names.get(encoding, "Õie Põder-Żak")
    buffer = io.StringIO()  # as Excel writes it: a field holding the delimiter is quoted
    csv.writer(buffer, delimiter=delimiter).writerows([["Customer id", "Name", "Amount"], ["007", name, "12,50"]])
    (sheet,) = read_workbook(buffer.getvalue().encode(encoding), "register.csv")
    assert sheet.cells.iloc[1].tolist() == ["007", name, "12,50"]


def test_oversized_file_is_refused_before_reading():
    with pytest.raises(WorkbookError, match="largest file"):
        read_workbook(b"x" * (MAX_FILE_BYTES + 1), "huge.csv")


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]
