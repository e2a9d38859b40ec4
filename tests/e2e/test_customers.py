"""End to end in Chromium: edit one cell of the customers table, save, reload, and see the new value."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import edit_cell, open_page, sample_in_place, wait_idle


@pytest.mark.shared_app  # changes one name, which no other shared test reads
def test_an_edited_cell_is_saved_and_still_there_after_a_reload(page: Page):
    sample_in_place(page)
    open_page(page, "Customers")
    expect(page.get_by_text("Name: Triin Mägi")).to_be_visible()  # the first customer's profile
    grid = page.get_by_test_id("stDataFrame").first
    edit_cell(page, grid, "First name", 0, "Triinu")
    save = page.get_by_role("button", name="Save 1 changes")
    expect(save).to_be_enabled()  # the edit reached the app, once, without a second try
    save.click()
    expect(page.get_by_text("Saved: 1 cells changed")).to_be_visible()
    wait_idle(page)
    page.reload()
    wait_idle(page)
    expect(page.get_by_text("Name: Triinu Mägi")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
