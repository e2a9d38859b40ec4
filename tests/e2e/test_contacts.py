"""End to end in Chromium: download an e-mail list from the Export page and check its rows."""

import csv
import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import open_page, sample_in_place, wait_idle

pytestmark = pytest.mark.shared_app  # one app over the sample: each test in its own window adds only its own


def test_an_email_list_downloads_with_only_consenting_people(page: Page, tmp_path, sample_register):
    sample_in_place(page)
    open_page(page, "Export")
    button = page.get_by_role("button", name=re.compile(r"Download the list \(\d[\d,]* people\)"))
    expect(button).to_be_visible()
    people = int(re.search(r"\(([\d,]+) people\)", button.text_content() or "")[1].replace(",", ""))
    with page.expect_download() as download:
        button.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name.startswith("contacts-email-") and saved.suffix == ".csv"
    rows = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["E-mail", "First name", "Last name", "Language"]
    emails = [row[0] for row in rows[1:]]
    assert len(emails) == people and len(set(emails)) == people
    register, _ = sample_register
    customers = register.customers
    said_no = customers["opted_out_at"].notna() | customers["consent_email"].eq(False).fillna(False)
    assert not set(customers.loc[said_no, "email"].dropna().str.lower()) & set(emails)
    consenting = customers[customers["consent_email"].eq(True).fillna(False) & customers["opted_out_at"].isna()]
    assert set(emails) <= set(consenting["email"].dropna().str.lower())
    wait_idle(page)
    page.reload()  # the log on the page, as the next person to open it sees it
    log = page.get_by_test_id("stDataFrame").filter(has_text="People").last
    expect(log.locator("td[role=gridcell]").filter(has_text=re.compile(r"^email/"))).to_have_count(1)
    expect(log.locator("td[role=gridcell]").filter(has_text=re.compile(f"^{people}$"))).to_have_count(1)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_call_list_holds_only_people_who_allow_calls_and_its_download_is_logged(
    page: Page, tmp_path, sample_register, server_folder
):
    from lib.workspace.repository import Workspace

    sample_in_place(page)
    open_page(page, "Contact plan")
    button = page.get_by_role("button", name=re.compile(r"^Download the call list \(\d+ people"))
    expect(button).to_be_enabled()
    people = int(re.search(r"\((\d+) people", button.text_content() or "")[1])
    with page.expect_download() as download:
        button.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(csv.reader(saved.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    header, body = rows[0], [dict(zip(rows[0], row, strict=False)) for row in rows[1:] if row]
    assert people > 0 and len({row["Customer id"] for row in body}) == people
    customers = sample_register[0].customers.set_index("customer_id")
    for row in body:
        person = customers.loc[row["Customer id"]]
        assert person["consent_phone"] is True or person["consent_phone"] == True  # noqa: E712
        assert pd.isna(person["opted_out_at"]) and row["Phone"].startswith("+")
    assert {"Why", "Message"} <= set(header), header
    wait_idle(page)
    log = Workspace(server_folder).exports()
    log = log[log["kind"] == "phone/call-list"]
    assert list(log["people"]) == [people]
    assert not log["selection"].str.contains(r"\b1\d{4}\b", regex=True).any()  # pseudonyms, not the ids
    open_page(page, "Export")
    shown = page.get_by_test_id("stDataFrame").filter(has_text="People").last.locator("td[role=gridcell]")
    expect(shown.filter(has_text=re.compile(r"^phone/call-list$"))).to_have_count(1)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_updated_workbook_download_is_in_the_export_log(page: Page, server_folder):
    from lib.workspace.repository import Workspace

    sample_in_place(page)
    open_page(page, "Export")
    page.get_by_role("button", name="Prepare the updated workbook").click()
    download_button = page.get_by_role("button", name="Download studio_register (updated).xlsx")
    expect(download_button).to_be_visible()
    with page.expect_download() as download:
        download_button.click()
    assert download.value.suggested_filename == "studio_register (updated).xlsx"
    wait_idle(page)
    log = Workspace(server_folder).exports()
    assert list(log.loc[log["kind"] == "workbook", "people"]) == [2000]
