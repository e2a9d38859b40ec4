"""End to end in Chromium: what the README promises for a person's own files, done as a person does it — get a
macro workbook back with its macros, chart and formulas, and forget someone who came in a CSV or an
OpenDocument file."""

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from playwright.sync_api import Page, expect

from lib.service.registers import current_register
from lib.workspace.repository import Workspace
from tests.conftest import FIXTURES
from tests.e2e.steps import download_updated_workbook, edit_cell, open_page, upload_in, wait_idle

MACROS = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 the shop's own macros " + bytes(range(256))


def macro_workbook(path: Path) -> Path:
    """An .xlsm as a shop keeps it: customers, a summary sheet with formats, a formula and a chart, macros."""
    macros = path.with_name("vbaProject.bin")
    macros.write_bytes(MACROS)
    book = xlsxwriter.Workbook(path)
    book.add_vba_project(str(macros))
    customers = book.add_worksheet("Customers")
    customers.write_row(0, 0, ["Customer id", "Name", "E-mail"])
    for n, (name, email) in enumerate([("Mari Tamm", "mari@example.ee"), ("Jaan Kask", "jaan@example.ee")], 1):
        customers.write_row(n, 0, [f"K{n}", name, email])
    purchases = book.add_worksheet("Purchases")
    purchases.write_row(0, 0, ["Customer id", "Date", "Amount"])
    purchases.write_row(1, 0, ["K1", "01.10.2026", 40])
    purchases.write_row(2, 0, ["K2", "02.10.2026", 60])
    summary = book.add_worksheet("Summary")
    money = book.add_format({"num_format": "#,##0.00 [$€-425]", "bold": True, "bg_color": "#FDE7D3"})
    summary.write("A1", "Revenue")
    summary.write_formula("B1", "=SUM(Purchases!C2:C100)", money, 100)
    summary.set_column("A:A", 24)
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=Purchases!$C$2:$C$3", "name": "Amount"})
    summary.insert_chart("D2", chart)
    book.close()
    return path


def test_the_updated_xlsm_keeps_its_macros_chart_formula_and_formats(page: Page, tmp_path):
    original = macro_workbook(tmp_path / "kliendid.xlsm")
    upload_in(page, "en", original)
    open_page(page, "Customers")
    edit_cell(page, page.get_by_test_id("stDataFrame").first, "Name", 0, "Mari Mets")
    page.get_by_role("button", name="Save 1 changes").click()
    expect(page.get_by_text("Saved: 1 cells changed")).to_be_visible()
    wait_idle(page)
    open_page(page, "Export")
    saved = download_updated_workbook(page, "kliendid (updated).xlsm", tmp_path)
    before, after = zipfile.ZipFile(original), zipfile.ZipFile(saved)
    assert after.read("xl/vbaProject.bin") == MACROS  # the macros, byte for byte
    assert "macroEnabled" in after.read("[Content_Types].xml").decode()
    charts = sorted(n for n in before.namelist() if n.startswith(("xl/charts/", "xl/drawings/")))
    assert charts and all(after.read(n) == before.read(n) for n in charts)  # the chart untouched
    was = openpyxl.load_workbook(original)
    now = openpyxl.load_workbook(io.BytesIO(saved.read_bytes()))
    assert now["Customers"]["B2"].value == "Mari Mets" and now["Customers"]["B3"].value == "Jaan Kask"
    for cell_name in ("A1", "B1"):
        old, new = was["Summary"][cell_name], now["Summary"][cell_name]
        assert (new.value, new.number_format, new.font.b, new.fill.fgColor.rgb) == (
            old.value,
            old.number_format,
            old.font.b,
            old.fill.fgColor.rgb,
        )
    assert now["Summary"]["B1"].value == "=SUM(Purchases!C2:C100)"
    assert now["Summary"].column_dimensions["A"].width == was["Summary"].column_dimensions["A"].width
    expect(page.get_by_test_id("stException")).to_have_count(0)


def unpacked(data: bytes) -> bytes:
    """A stored file as text: every part of a zip (ods, xlsx) decompressed, a csv as it is."""
    if not data.startswith(b"PK"):
        return data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist())


@pytest.mark.parametrize(
    ("file_name", "person", "traces"),
    [
        ("kliendid.csv", "K1", [b"mari@example.ee", b"Mari Tamm"]),
        ("lithuanian_purchases.ods", "L-1", [b"ruta@example.lt"]),
    ],
)
def test_a_person_who_came_in_a_csv_or_an_ods_file_is_forgotten_everywhere(
    page: Page, server, tmp_path, file_name, person, traces
):
    path = tmp_path / file_name
    if file_name.endswith(".csv"):
        path.write_text("Kliendi nr;Nimi;E-post\nK1;Mari Tamm;mari@example.ee\nK2;Jaan Kask;jaan@example.ee\n")
    else:
        path.write_bytes((FIXTURES / file_name).read_bytes())
    upload_in(page, "en", path)
    page.goto(f"{server}/Customers?customer={person}")  # where a customer's link leads
    wait_idle(page)
    page.get_by_text(f"Forget customer {person}").click()
    page.get_by_text(f"Yes, erase customer {person} everywhere").click()
    wait_idle(page)
    page.get_by_role("button", name="Forget this customer").click()
    expect(page.get_by_text("The customer was erased from", exact=False)).to_be_visible()
    wait_idle(page)
    workspace = Workspace(tmp_path / "workspace")
    assert person not in set(current_register(workspace).register.customers["customer_id"])
    stored = b"".join(unpacked(workspace.upload_data(u.id)) for u in workspace.uploads())
    folder = b"".join(p.read_bytes() for p in (tmp_path / "workspace").rglob("*") if p.is_file())
    for trace in traces:
        assert trace not in stored and trace not in folder, trace
    expect(page.get_by_test_id("stException")).to_have_count(0)
