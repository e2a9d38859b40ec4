"""End to end in Chromium: upload the sample through the real widget and see the key figures."""

import re

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from lib.reading.register import build_register
from lib.reading.workbook import read_workbook
from tests.conftest import SAMPLE
from tests.e2e.steps import download_updated_workbook, metric, open_page, sample_in_place, wait_idle


def test_uploading_the_sample_shows_its_key_figures_and_the_server_log_names_nobody(page: Page, tmp_path):
    expect(page.get_by_text("No register in this workspace yet")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(SAMPLE))
    expect(page.get_by_text("Key figures")).to_be_visible()
    wait_idle(page)
    expect(metric(page, "Customers")).to_have_text("2,000")
    expect(metric(page, "Purchases")).to_have_text("23,032")
    expect(page.get_by_text("studio_register.xlsx is loaded")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    for name in ("Customers", "Contact plan", "Export"):  # pages that read, list and write people
        open_page(page, name)
    log = (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")
    customers = build_register(read_workbook(SAMPLE.read_bytes(), SAMPLE.name))[0].customers
    emails = set(customers["email"].dropna())
    phones = {re.sub(r"\D", "", p) for p in customers["phone"].dropna()} - {""}
    assert len(emails) > 1000 and len(phones) > 1000
    digits = re.sub(r"\D", "", log)  # a phone number written any way
    assert not [e for e in emails if e in log] and not [p for p in phones if len(p) >= 7 and p in digits]


@pytest.mark.shared_app  # reads the sample only
def test_the_quality_report_downloads_as_a_workbook(page: Page, tmp_path):
    sample_in_place(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the report (xlsx)").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(openpyxl.load_workbook(saved).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Sheet", "Row", "Column")
    assert ("Customers", 64, "Customer ID", "Error") in [r[:4] for r in rows]


@pytest.mark.with_sample
def test_a_broken_file_is_refused_without_a_traceback_and_the_register_survives_a_reload(page: Page, tmp_path):
    sample_in_place(page)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not a workbook")
    page.locator("input[type=file]").set_input_files(str(broken))
    expect(page.get_by_text("broken.xlsx was not loaded")).to_be_visible()
    wait_idle(page)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)
    page.reload()  # a refresh loses nothing: the register lives in the workspace
    expect(page.get_by_text("Key figures")).to_be_visible()
    wait_idle(page)
    expect(metric(page, "Customers")).to_have_text("2,000")


@pytest.mark.shared_app  # reads the sample only
def test_the_updated_workbook_downloads_with_every_sheet(page: Page, tmp_path):
    sample_in_place(page)
    page.get_by_role("link", name="Export").click()
    saved = download_updated_workbook(page, "studio_register (updated).xlsx", tmp_path)
    book = openpyxl.load_workbook(saved, read_only=True)
    assert book.sheetnames == [
        "Customers",
        "Purchases",
        "Feedback",
        "Actions",
        "Price list",
        "Loyalty Ladder themes",
        "Loyalty Ladder settings",
    ]  # the settings travel with the file by default
    assert (
        next(book["Customers"].iter_rows(min_row=1, max_row=1, values_only=True))[0]
        == "Sunwave Studio — customer register"
    )
    expect(page.get_by_test_id("stException")).to_have_count(0)
