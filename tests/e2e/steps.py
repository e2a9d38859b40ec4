"""Browser steps the end-to-end tests share: each ends by waiting for the app's run to finish."""

from pathlib import Path

from playwright.sync_api import Page, expect

from lib import i18n
from lib.i18n import LANGUAGES


def wait_idle(page: Page) -> None:
    """Wait until the app has finished its run.

    Streamlit marks its root with the script's state; its running indicator only appears after half a
    second of running, so the indicator's absence does not prove the run is over.
    """
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=60_000)


def metric(page: Page, label: str) -> str:
    """The value of the key figure labelled exactly ``label`` ("Customers" is not "Buying customers")."""
    box = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    expect(box).to_have_count(1)
    return box.get_by_test_id("stMetricValue").inner_text()


def open_page(page: Page, name: str) -> None:
    """Open a page by its link in the sidebar (a page may also link to another in its text)."""
    page.get_by_test_id("stSidebar").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name).first).to_be_visible()
    wait_idle(page)


def upload_in(page: Page, language: str, path: Path) -> None:
    """Switch the page to ``language`` (its name in the sidebar's picker, e.g. "Eesti") and upload a register."""
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=LANGUAGES[language]).click()
    wait_idle(page)
    page.locator("input[type=file]").set_input_files(str(path))
    expect(page.get_by_text(i18n.t("home.figures", language))).to_be_visible()
    wait_idle(page)
