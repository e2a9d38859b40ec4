"""Each kind of data problem is reported at the right sheet, row and column, and the report downloads."""

import io

import openpyxl
import pytest

from lib.exports.quality_report import problems_workbook
from lib.reading.problems import problems_frame
from lib.reading.register import build_register
from lib.reading.workbook import read_workbook
from tests.conftest import AS_OF

WORKBOOK = {
    "Customers": [
        ["Customer register"],
        ["Customer id", "Name", "E-mail", "Phone", "Birth date", "Purchase count", "Email consent", "Lead temperature"],
        ["C1", "Anna", "anna@example.com", "+372 5123 4567", "01.01.1980", "1", "yes", "warm"],  # row 3: fine
        [None, "No Id", "noid@example.com"],  # row 4
        ["C1", "Anna Again", "again@example.com"],  # row 5
        ["C3", "Bad Mail", "bad@"],  # row 6
        ["C4", "Bad Phone", None, "call me maybe"],  # row 7
        ["C5", "Bad Date", None, None, "31.02.1990"],  # row 8
        ["C6", "Future", None, None, "01.01.2090"],  # row 9
        ["C7", "Count", None, None, None, "many"],  # row 10
        ["C8", "Consent", None, None, None, None, "perhaps"],  # row 11
        ["C9", "Temperature", None, None, None, None, None, "lukewarm"],  # row 12
    ],
    "Purchases": [
        ["Customer id", "Date", "Amount"],
        ["C1", "01.10.2026", "abc"],  # row 2: unreadable amount
        [],  # row 3: empty
        ["C99", "02.10.2026", "10"],  # row 4: unknown customer
        [None, "03.10.2026", "10"],  # row 5: no customer id
        ["C1", "in May", "10"],  # row 6: unreadable date
    ],
    "Feedback": [["Customer id", "Date", "Text"], ["C77", "01.10.2026", "Great"]],
}


@pytest.fixture(scope="module")
def problems(tmp_path_factory):
    from tests.conftest import write_xlsx

    path = write_xlsx(tmp_path_factory.mktemp("q") / "problems.xlsx", WORKBOOK)
    return build_register(read_workbook(path.read_bytes(), path.name), as_of=AS_OF)[1]


EXPECTED = [
    ("Customers", 4, "Customer id", "error", "missing_id"),
    ("Customers", 5, "Customer id", "error", "duplicate_id"),
    ("Customers", 6, "E-mail", "warning", "invalid_email"),
    ("Customers", 7, "Phone", "warning", "unreadable_phone"),
    ("Customers", 8, "Birth date", "error", "unreadable_date"),
    ("Customers", 9, "Birth date", "warning", "future_date"),
    ("Customers", 10, "Purchase count", "error", "unreadable_count"),
    ("Customers", 11, "Email consent", "warning", "unreadable_bool"),
    ("Customers", 12, "Lead temperature", "info", "unknown_choice"),
    ("Purchases", 2, "Amount", "error", "unreadable_number"),
    ("Purchases", 3, None, "info", "empty_row"),
    ("Purchases", 4, "Customer id", "error", "unknown_customer"),
    ("Purchases", 5, "Customer id", "warning", "missing_customer_ref"),
    ("Purchases", 6, "Date", "error", "unreadable_date"),
    ("Feedback", 2, "Customer id", "error", "unknown_customer"),
]


@pytest.mark.parametrize("expected", EXPECTED, ids=[e[4] + f"@{e[0]}!{e[1]}" for e in EXPECTED])
def test_each_problem_is_located_where_the_user_sees_it(problems, expected):
    found = [(p.sheet, p.row, p.column, p.severity, p.code) for p in problems]
    assert expected in found


def test_nothing_else_is_reported(problems):
    assert len(problems) == len(EXPECTED)


def test_messages_say_what_to_do(problems):
    by_code = {p.code: p.message() for p in problems}
    assert "also used on row 3" in by_code["duplicate_id"]
    assert "'bad@' is not a valid e-mail address" in by_code["invalid_email"]
    assert "31.10.2026 or 2026-10-31" in by_code["unreadable_date"]
    assert all("⟦" not in message for message in by_code.values())


def test_many_problems_in_one_column_are_capped_with_a_summary(xlsx):
    rows = [["Customer id", "E-mail"]] + [[f"C{i}", f"bad{i}@"] for i in range(600)]
    path = xlsx({"Customers": rows})
    problems = build_register(read_workbook(path.read_bytes(), path.name), as_of=AS_OF)[1]
    assert len(problems) == 501
    assert problems[-1].code == "more_rows" and problems[-1].params["count"] == 100


def test_report_downloads_as_xlsx_with_sheet_row_column(problems):
    book = openpyxl.load_workbook(io.BytesIO(problems_workbook(problems)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0] == ("Sheet", "Row", "Column", "Severity", "Problem and what to do")
    assert len(rows) == len(EXPECTED) + 1
    assert rows[[r[:2] for r in rows].index(("Customers", 5))][:4] == ("Customers", 5, "Customer id", "Error")


def test_report_frame_lists_errors_first(problems):
    frame = problems_frame(problems)
    assert frame["severity"].tolist() == sorted(frame["severity"], key=["error", "warning", "info"].index)
