"""The three shapes of register are recognised and typed; corrections and edits apply by key."""

from datetime import date

import pandas as pd
import pytest

from lib.reading.register import MappingOverrides, RegisterError, build_register
from lib.reading.snapshots import apply_edits, register_from_parts, register_to_parts
from lib.reading.views import key_figures, search_rows, sheet_view
from lib.reading.workbook import read_workbook
from tests.conftest import AS_OF, FIXTURES


def load(path, overrides=None):
    return build_register(read_workbook(path.read_bytes(), path.name), overrides, as_of=AS_OF)


def test_sample_loads_with_expected_counts(sample_register):
    register, _problems = sample_register
    assert register.shape == "full"
    assert (len(register.customers), len(register.purchases), len(register.feedback), len(register.actions)) == (
        2000,
        23032,
        1117,
        1876,
    )
    assert register.customers["customer_id"].is_unique
    kinds = {s.sheet: s.kind for s in register.sources}
    assert kinds == {
        "Customers": "customers",
        "Purchases": "purchases",
        "Feedback": "feedback",
        "Actions": "actions",
        "Price list": "other",
    }
    assert register.source("Customers").header_row == 3  # below the title row
    assert register.extra_columns("customers") == ["Locker no."]
    figures = key_figures(register)
    assert figures["buying_customers"] == 1430
    assert figures["first_date"] == "2023-11-01" and figures["last_date"] == "2026-10-31"


POLISH = {
    "Klienci": [
        ["Rejestr klientów — Studio Słońce"],
        ["Stan na 31.10.2026"],
        ["Nr klienta", "Imię i nazwisko", "E-mail", "Telefon", "Data urodzenia", "Zgoda e-mail", "Miasto"],
        ["K001", "Anna Nowak", "anna@example.pl", "+48 600 100 200", "15.03.1985", "TAK", "Warszawa"],
        ["K002", "Piotr Zieliński", "piotr@example.pl", "600 100 201", "01.12.1990", "NIE", "Kraków"],
    ],
    "Zakupy": [
        ["Sprzedaż 2026"],
        [],
        ["Nr zamówienia", "Nr klienta", "Data zakupu", "Produkt", "Ilość", "Cena jednostkowa", "Kwota (PLN)"],
        ["Z1", "K001", "05.10.2026", "Karnet miesięczny", "1", "199,00", "199,00"],
        ["Z2", "K001", "20.10.2026", "Solarium 10 min", "2", "12,50", "25,00"],
        ["Z3", "K002", "31.10.2026", "Krem", "1", "1 234,50 zł", ""],
    ],
}


def test_polish_workbook_with_title_rows_text_dates_and_decimal_commas(xlsx):
    register, problems = load(xlsx(POLISH, "klienci.xlsx"))
    assert register.shape == "full"
    assert [(s.sheet, s.kind, s.header_row) for s in register.sources] == [
        ("Klienci", "customers", 3),
        ("Zakupy", "purchases", 3),
    ]
    assert register.source("Klienci").fields["Imię i nazwisko"] == "name"
    assert register.source("Zakupy").fields["Kwota (PLN)"] == "amount"
    purchases = register.purchases
    assert purchases["date"].tolist() == [pd.Timestamp(d) for d in ("2026-10-05", "2026-10-20", "2026-10-31")]
    assert purchases["amount"].tolist() == [199.0, 25.0, 1234.5]  # the last one: quantity × unit price
    assert purchases["_row"].tolist() == [4, 5, 6]
    customers = register.customers.set_index("customer_id")
    assert customers.loc["K001", "consent_email"] == True  # noqa: E712 (pandas boolean)
    assert customers.loc["K002", "consent_email"] == False  # noqa: E712
    assert customers.loc["K001", "birth_date"] == pd.Timestamp("1985-03-15")
    assert problems == []


def test_single_sheet_register_with_summary_columns(xlsx):
    path = xlsx(
        {
            "Arkusz1": [
                ["Kliendi nr", "Nimi", "E-post", "Viimane ost", "Ostude arv", "Ostude summa"],
                ["1", "Mari Tamm", "mari@example.ee", "12.10.2026", "14", "689,90 €"],
                ["2", "Jaan Kask", "", "03.02.2024", "1", "49"],
                ["3", "Liis Saar", "liis@example.ee", "", "0", "0"],
            ]
        }
    )
    register, problems = load(path)
    assert register.shape == "summary"
    assert register.purchases.empty
    assert key_figures(register) == {
        "customers": 3,
        "buying_customers": 2,
        "revenue": 738.9,
        "purchases": 15,
        "feedback": 0,
        "actions": 0,
        "first_date": "2024-02-03",
        "last_date": "2026-10-12",
    }
    assert problems == []


def test_finnish_xls_single_sheet_register():
    register, problems = load(FIXTURES / "finnish_summary.xls")
    assert register.shape == "summary"
    assert register.customers["total_spent"].tolist() == [245.5, 49.0]
    assert register.customers["consent_email"].tolist() == [True, False]
    assert [(p.row, p.column, p.code) for p in problems] == [(5, "Sähköposti", "invalid_email")]


def test_purchases_only_export_yields_its_customers():
    register, _ = load(FIXTURES / "lithuanian_purchases.ods")
    assert register.shape == "purchases_only"
    customers = register.customers.set_index("customer_id")
    assert list(customers.index) == ["L-1", "L-2"]
    assert customers.loc["L-1", "email"] == "ruta@example.lt"
    assert key_figures(register)["buying_customers"] == 2
    assert key_figures(register)["revenue"] == 106.0


def test_purchases_from_several_sheets_are_one_list(xlsx):
    rows = lambda cid, day: [["Customer id", "Date", "Amount"], [cid, day, 10]]  # noqa: E731
    path = xlsx(
        {
            "Customers": [["Customer id", "Name"], ["A", "Anna"], ["B", "Ben"]],
            "Sales 2025": rows("A", "01.02.2025"),
            "Sales 2026": rows("B", "01.02.2026"),
        }
    )
    register, _ = load(path)
    assert register.purchases["_sheet"].tolist() == ["Sales 2025", "Sales 2026"]
    assert register.purchases["_key"].tolist() == ["Sales 2025!2", "Sales 2026!2"]


def test_a_correction_maps_an_unrecognised_column_and_retypes_a_sheet(xlsx):
    path = xlsx(
        {
            "Customers": [["Customer id", "Kto to", "E-mail"], ["A", "Anna", "a@example.com"]],
            "Notes": [["Customer id", "Date", "Amount"], ["A", "01.02.2025", "5"]],
        }
    )
    register, _ = load(path)
    assert "Kto to" in register.extra_columns("customers")
    assert register.source("Notes").kind == "purchases"
    overrides = MappingOverrides(sheets={"Notes": "other"}, columns={"Customers": {"Kto to": "name", "E-mail": ""}})
    corrected, _ = load(path, overrides)
    assert corrected.customers["name"].tolist() == ["Anna"]
    assert corrected.customers["email"].isna().all()
    assert "E-mail" in corrected.extra_columns("customers")
    assert corrected.source("Notes").kind == "other" and corrected.purchases.empty


def test_overrides_survive_json_and_newer_corrections_win():
    older = MappingOverrides(sheets={"A": "other"}, columns={"S": {"x": "name", "y": "email"}})
    newer = MappingOverrides(columns={"S": {"x": ""}})
    merged = MappingOverrides.from_json(older.merged(newer).to_json())
    assert merged.sheets == {"A": "other"}
    assert merged.columns == {"S": {"x": "", "y": "email"}}


def test_a_workbook_without_customers_or_purchases_is_refused(xlsx):
    path = xlsx({"Price list": [["Product", "Price"], ["Tan", "8"]]})
    with pytest.raises(RegisterError, match="No sheet was recognised"):
        load(path)


def test_snapshot_round_trip_keeps_types_and_problems(sample_register):
    register, problems = sample_register
    again, again_problems = register_from_parts(register_to_parts(register, problems))
    pd.testing.assert_frame_equal(again.customers, register.customers)
    pd.testing.assert_frame_equal(again.purchases, register.purchases)
    assert again.sources == register.sources
    assert again_problems == problems


def test_edits_are_replayed_by_key_not_position(sample_register):
    register, _ = sample_register
    edits = pd.DataFrame(
        [
            {"op": "set", "sheet": "customers", "key": "10005", "field": "email", "new": "new@example.ee"},
            {"op": "set", "sheet": "customers", "key": "10005", "field": "birth_date", "new": "01.02.1990"},
            {"op": "add", "sheet": "customers", "key": "N-1", "field": None, "new": None},
            {"op": "set", "sheet": "customers", "key": "N-1", "field": "name", "new": "Uus Klient"},
            {"op": "delete", "sheet": "customers", "key": "10006", "field": None, "new": None},
        ]
    )
    edited = apply_edits(register, edits).customers.set_index("customer_id")
    assert edited.loc["10005", "email"] == "new@example.ee"
    assert edited.loc["10005", "birth_date"] == pd.Timestamp("1990-02-01")
    assert edited.loc["N-1", "name"] == "Uus Klient"
    assert "10006" not in edited.index
    assert len(edited) == len(register.customers)
    assert register.customers.set_index("customer_id").loc["10005", "email"] != "new@example.ee"  # input untouched


def test_sheet_view_uses_the_users_headers_and_search_finds_rows(sample_register):
    register, _ = sample_register
    view = sheet_view(register, "customers")
    assert list(view.columns[:3]) == ["_row", "Customer ID", "First name"]
    assert "Locker no." in view.columns
    hit = search_rows(view, "maria.tamm@")
    assert hit["_row"].tolist() == [44]


def test_as_of_decides_what_is_in_the_future(xlsx):
    path = xlsx({"Customers": [["Customer id", "Customer since"], ["A", "01.12.2026"]]})
    early = build_register(read_workbook(path.read_bytes(), "x.xlsx"), as_of=date(2026, 11, 1))[1]
    late = build_register(read_workbook(path.read_bytes(), "x.xlsx"), as_of=date(2027, 1, 1))[1]
    assert [p.code for p in early] == ["future_date"] and late == []
