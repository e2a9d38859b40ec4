"""End to end in Chromium: text from a workbook is shown as text, never as a link, an image or markup.

A register whose cells and headers hold Markdown images and links (as someone could type them into a
shared spreadsheet) is uploaded; on the pages that show those cells (the quality report, the mapping
editor, the customers table and profile, the forget-customer section, the segment charts) the browser
never asks for the outside address and nothing on the page links to it.
"""

from datetime import date

from playwright.sync_api import Page, expect

from tests.conftest import write_xlsx
from tests.e2e.steps import open_page, wait_idle

OUTSIDE = "evil.example"
PIXEL = f"![x](http://{OUTSIDE}/pixel.png)"
LINK = f"[click me](http://{OUTSIDE}/go)"


def hostile_register(path):
    header = ["Customer ID", "Name", "E-mail", "City", "Tags", f"Notes {PIXEL}"]
    rows = [
        [LINK, f"Mari {PIXEL}", PIXEL, f'<a href="http://{OUTSIDE}/">Tallinn</a>', LINK, PIXEL],
        ["C2", "Jaan Kask", "jaan@example.ee", "Tartu", "vip", "ok"],
    ]
    purchases = [["Customer ID", "Date", "Amount"], [LINK, date(2026, 10, 1), 40], ["C2", date(2026, 10, 2), 60]]
    return write_xlsx(path, {"Customers": [header, *rows], "Purchases": purchases})


def test_cells_holding_links_and_images_stay_text_on_every_page(page: Page, tmp_path):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.locator("input[type=file]").set_input_files(str(hostile_register(tmp_path / "hostile.xlsx")))
    expect(page.get_by_text("Key figures")).to_be_visible()
    wait_idle(page)
    for expander in page.get_by_test_id("stExpander").all():  # quality report and mapping editor, opened
        expander.locator("summary").click()
        wait_idle(page)
    expect(page.get_by_text("' is not a valid e-mail address").first).to_contain_text("![x](http")  # as typed
    _no_outside_link(page)

    open_page(page, "Customers")
    page.get_by_test_id("stExpander").filter(has_text="Forget customer").locator("summary").click()
    wait_idle(page)
    expect(page.get_by_text("Forget customer [click me](http")).to_be_visible()
    _no_outside_link(page)

    open_page(page, "Segments")
    page.get_by_test_id("stSelectbox").filter(has_text="Break down by").click()
    page.get_by_role("option", name="City").click()
    wait_idle(page)
    _no_outside_link(page)

    page.wait_for_load_state("networkidle")  # every image the page asked for has been asked for
    assert not [url for url in requested if OUTSIDE in url]
    expect(page.get_by_test_id("stException")).to_have_count(0)


def _no_outside_link(page: Page) -> None:
    expect(page.locator(f'a[href*="{OUTSIDE}"]')).to_have_count(0)
    expect(page.locator(f'img[src*="{OUTSIDE}"]')).to_have_count(0)
    expect(page.locator(f'[*|href*="{OUTSIDE}"]')).to_have_count(0)  # links inside the charts' SVG
