"""End to end in Chromium, on one app over the sample register: what the README promises, done as a person
does it — find a customer by search, look at the register as of another day, snooze a contact. Each test
works in a window of its own and only adds to the register."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from lib.service.outreach import analyse, due_contacts
from lib.service.registers import current_register
from lib.workspace.repository import Workspace
from tests.e2e.steps import cell, open_page, sample_in_place, tick_row, wait_idle

pytestmark = pytest.mark.shared_app  # one app over the sample: each test in its own window adds only its own


def test_a_search_on_the_customers_page_finds_a_person_by_e_mail_and_by_name(page: Page):
    sample_in_place(page)
    open_page(page, "Customers")
    search = page.get_by_role("textbox", name="Search")
    search.fill("maria.tamm@")
    search.press("Enter")
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"^1 of 1 customers in the table"))).to_be_visible()
    grid = page.get_by_test_id("stDataFrame").first
    expect(cell(grid, "E-mail", 0)).to_have_text(re.compile(r"^maria\.tamm\d*@"))
    search.fill("Mägi")  # a surname, with its diacritic
    search.press("Enter")
    wait_idle(page)
    expect(cell(grid, "Last name", 0)).to_have_text("Mägi")
    found = page.get_by_text(re.compile(r"^\d+ of \d+ customers in the table"))
    expect(found).not_to_have_text(re.compile(r"^(1 of 1|200 of 2,000) "))  # some, not one and not everyone
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_analyse_as_of_an_earlier_day_shows_the_register_as_it_stood_then(page: Page, server_folder):
    sample_in_place(page)
    open_page(page, "Segments")
    now = current_register(Workspace(server_folder))
    day = date(2026, 1, 31)
    then = analyse(now.register, day, Workspace(server_folder).settings(), now.suppressed)
    buying_then = int((then["purchases"] > 0).sum())
    buying_now = page.get_by_test_id("stMetric").filter(has_text="Of them buying").get_by_test_id("stMetricValue")
    expect(buying_now).not_to_have_text(f"{buying_then:,}")  # the last entry's day: more have bought by then
    picker = page.get_by_test_id("stSidebar").get_by_role("group", name="Analyse as of")
    picker.get_by_role("spinbutton", name=re.compile("^day")).click()
    page.keyboard.type("31012026")  # day, month and year, as typed into the field
    page.get_by_role("heading", name="Segments").first.click()  # leaving the field keeps the day
    wait_idle(page)
    expect(buying_now).to_have_text(f"{buying_then:,}")
    expect(page.get_by_text("31/01/2026").first).to_be_visible()  # the page says which day it shows
    open_page(page, "Lifecycle")  # the day holds on the next page
    expect(picker.get_by_role("spinbutton", name=re.compile("^month"))).to_have_text("01")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_snoozed_contact_leaves_the_plan_for_a_week_and_is_logged(page: Page, server_folder):
    sample_in_place(page)
    open_page(page, "Contact plan")
    workspace = Workspace(server_folder)
    now = current_register(workspace)
    grid = page.get_by_test_id("stDataFrame").filter(has_text="Why")
    first = cell(grid, "Customer id", 0)
    expect(first).not_to_have_text("")
    chosen = first.text_content()
    tick_row(page, grid, 0)
    page.get_by_role("button", name=re.compile(r"^Snooze 1 for 7 days")).click()
    expect(page.get_by_text(re.compile(r"^1 contacts? snoozed"))).to_be_visible()
    wait_idle(page)
    journal = Workspace(server_folder).journal(1)
    planned = journal.loc[journal["field"] == "planned", "new"].tolist()  # a new action, or its own planned row
    assert len(planned) == 1 and date.fromisoformat(planned[0]) == date(2026, 11, 3) + timedelta(7)
    after = current_register(Workspace(server_folder))
    day = date(2026, 11, 3)  # the sample's last entry: the day the plan is made for
    settings = workspace.settings()
    plan = due_contacts(after.register, analyse(after.register, day, settings), day, settings, day + timedelta(6))
    assert chosen not in set(plan["customer_id"])
    before = due_contacts(now.register, analyse(now.register, day, settings), day, settings, day + timedelta(6))
    assert chosen in set(before["customer_id"]) and len(plan) == len(before) - 1
    expect(cell(grid, "Customer id", 0)).not_to_have_text(chosen)  # off the table too
    expect(page.get_by_test_id("stException")).to_have_count(0)
