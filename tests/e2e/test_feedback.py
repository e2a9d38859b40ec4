"""End to end in Chromium: the Feedback page draws its charts for the sample, with no error."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import open_page, sample_in_place


@pytest.mark.shared_app  # reads the sample only
def test_the_feedback_page_draws_its_charts(page: Page, tmp_path):
    sample_in_place(page)
    open_page(page, "Feedback")
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(4, timeout=90_000)
    expect(page.get_by_text("Themes by sentiment", exact=True)).to_be_visible()
    expect(page.get_by_text("Open complaints", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "feedback.png"), full_page=True)
