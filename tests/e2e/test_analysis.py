"""End to end in Chromium: the Segments and Lifecycle pages draw their charts for the sample."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.steps import open_page, sample_in_place


@pytest.mark.shared_app  # reads the sample only
def test_segments_and_lifecycle_pages_draw_their_charts(page: Page, tmp_path):
    sample_in_place(page)

    open_page(page, "Segments")
    charts = page.get_by_test_id("stPlotlyChart")
    expect(charts).to_have_count(6)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    expect(page.get_by_text("The relationship ladder", exact=True)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "segments.png"), full_page=True)

    open_page(page, "Lifecycle")
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(4)
    expect(page.locator(".js-plotly-plot .sankey").first).to_be_attached()
    expect(page.get_by_text("Cohort retention").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "lifecycle.png"), full_page=True)
