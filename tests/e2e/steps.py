"""Browser steps the end-to-end tests share: each ends by waiting for the app's run to finish."""

from playwright.sync_api import Page, expect


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
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name).first).to_be_visible()
    wait_idle(page)
