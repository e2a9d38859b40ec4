"""End to end in Chromium: edit one cell of the customers table, save, reload, and see the new value."""

from playwright.sync_api import Page, expect

from tests.e2e.test_analysis import open_page
from tests.e2e.test_upload import wait_idle


def test_an_edited_cell_is_saved_and_still_there_after_a_reload(page: Page):
    page.get_by_role("button", name="Start with the sample register").click()
    expect(page.get_by_text("Key figures")).to_be_visible()
    wait_idle(page)
    open_page(page, "Customers")
    expect(page.get_by_text("Name: Triin Mägi")).to_be_visible()  # the first customer's profile
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    assert box is not None
    # The first row's first-name cell: right of the row marker and the id, below the header.
    page.mouse.dblclick(box["x"] + 160, box["y"] + 35 + 17)
    page.wait_for_timeout(500)  # the cell editor opens
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Triinu")
    page.wait_for_timeout(300)  # let the editor take the text before committing it
    page.keyboard.press("Enter")
    save = page.get_by_role("button", name="Save 1 changes")
    expect(save).to_be_enabled(timeout=15_000)
    save.click()
    expect(page.get_by_text("Saved: 1 cells changed")).to_be_visible()
    wait_idle(page)
    page.reload()
    wait_idle(page)
    expect(page.get_by_text("Name: Triinu Mägi")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
