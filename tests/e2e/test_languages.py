"""End to end in Chromium: the app speaks the browser's language and switches on request."""

import re

import pytest
from playwright.sync_api import Page, expect

from lib import i18n
from tests.e2e.steps import metric, wait_idle


@pytest.fixture
def browser_locale() -> str:
    return "et-EE"


def test_the_browser_language_is_the_default_and_the_picker_switches_it(page: Page):
    expect(page.get_by_role("heading", name=i18n.t("home.title", "et"))).to_be_visible()  # Kliendiregister
    page.get_by_role("button", name=i18n.t("home.use_sample", "et")).click()
    expect(page.get_by_text(i18n.t("home.figures", "et"))).to_be_visible()
    wait_idle(page)
    expect(metric(page, i18n.t("figures.customers", "et"))).to_have_text(re.compile(r"^2\s000$"))

    picker = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
    picker.click()
    page.get_by_role("option", name="Polski").click()
    expect(page.get_by_role("heading", name=i18n.t("home.title", "pl"))).to_be_visible()  # Rejestr klientów
    expect(page.get_by_role("heading", name=i18n.t("home.title", "et"))).to_have_count(0)
    wait_idle(page)
    expect(metric(page, i18n.t("figures.revenue", "pl"))).to_have_text(re.compile(r"^907\s432,00\s€$"))

    page.get_by_role("link", name=i18n.t("segments.title", "pl")).click()  # the choice holds on the next page
    expect(page.get_by_role("heading", name=i18n.t("segments.title", "pl")).first).to_be_visible()
    expect(page.get_by_text(i18n.t("segments.ladder_how", "pl"))).to_be_visible()
    expect(page.locator(".js-plotly-plot .gtitle").filter(has_text=i18n.t("segments.ladder", "pl"))).to_have_count(1)
    expect(page.get_by_test_id("stException")).to_have_count(0)
