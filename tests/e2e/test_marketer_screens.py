"""End to end in Chromium, in Polish and Estonian: what a marketer reads on the screen is true and in her
language. A refused edit is not shown as saved; any customer opens; a figure the register cannot give says
what it needs; codes, marks and charts read as words, bold and amounts in the currency."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from lib import i18n
from lib.reading.register import build_register
from lib.reading.workbook import read_workbook
from tests.conftest import ROOT, write_xlsx
from tests.e2e.steps import edit_cell, open_page, sample_in_place, upload_in, wait_idle
from tests.e2e.test_marketer_day import start_with_sample

PL = "pl"


@pytest.fixture
def browser_locale() -> str:
    return "pl-PL"


def chart_text(page: Page, title: str) -> str:
    """Every word a plotly chart draws (title, axes, bars, nodes), read from its SVG."""
    figure = page.locator(".js-plotly-plot").filter(has_text=title)
    expect(figure).to_have_count(1)
    figure.scroll_into_view_if_needed()
    return " ".join(figure.locator("svg text").all_text_contents())


def picked(page: Page):
    """The input of the profile's customer picker (its value is the customer shown)."""
    select = page.get_by_test_id("stSelectbox").filter(has_text=i18n.t("customers.pick", PL))
    return select.locator("input").first


def test_a_polish_page_shows_words_bold_and_amounts_not_codes_marks_or_50k(page: Page):
    button = page.get_by_test_id("stFileUploaderDropzone").locator("button p")
    expect(button).to_have_count(1)
    shown = button.evaluate("p => getComputedStyle(p, '::after').content")
    assert shown == '"Wybierz plik"'  # Streamlit's own "Upload", said in the page's language (point 8)
    start_with_sample(page, PL)

    page.get_by_role("link", name=i18n.t("feedback.title", PL)).click()
    expect(page.get_by_role("heading", name=i18n.t("feedback.table", PL))).to_be_visible()
    wait_idle(page)
    for mark in ("【", "⟦", "**"):  # no boxes, no raw marks (point 9)
        expect(page.get_by_test_id("stMain")).not_to_contain_text(mark)
    page.get_by_text(i18n.t("feedback.read_marked", PL, count=50)).click()
    expect(page.get_by_test_id("stExpander").locator("strong").first).to_be_visible()  # the matched words, bold

    open_page(page, i18n.t("segments.title", PL))
    tiers = chart_text(page, i18n.t("segments.tier_value", PL))
    assert "€" in tiers and "(EUR)" in tiers  # money with its currency, on the bars and the axis (point 10)
    assert not re.search(r"\d[kM]\b", tiers), tiers  # "400 000", not "400k" or "63.609k"
    for code in ("prospect_cold", "defected", "won_back", "champions", "None"):  # stages and groups in words (point 8)
        expect(page.get_by_test_id("stMain")).not_to_contain_text(code)

    open_page(page, i18n.t("lifecycle.title", PL))
    moves = chart_text(page, i18n.t("lifecycle.sankey", PL))
    assert i18n.t("class.loyal", PL) + " (" in moves  # each class once per side, with its head count
    assert " · " not in moves  # the dates stand above the columns, not in every label (point 10)
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.with_sample
def test_a_refused_edit_stays_pending_and_a_customer_beyond_the_table_opens(page: Page, server):
    sample_in_place(page, PL)
    open_page(page, i18n.t("customers.title", PL))
    sample = build_register(read_workbook((ROOT / "sample_data" / "studio_register.xlsx").read_bytes(), "x.xlsx"))[0]
    grid = page.get_by_test_id("stDataFrame").first
    edit_cell(page, grid, i18n.t("field.email", PL), 0, "anna(at)studio")
    save = page.get_by_role("button", name=i18n.t("customers.save", PL, count=1))
    expect(save).to_be_enabled()
    save.click()
    wait_idle(page)
    expect(page.get_by_text(i18n.t("customers.pending", PL, count=1)[:30])).to_be_visible()  # kept, with a reason
    expect(page.get_by_test_id("stAlertContentSuccess")).to_have_count(0)  # nothing green when nothing was saved
    expect(page.get_by_role("button", name=i18n.t("customers.pending_save", PL, count=1))).to_be_visible()

    cells = grid.locator("td[role=gridcell]")  # the customers grid's own cells behind its canvas (not the pending)
    expect(cells.filter(has_text="anna(at)studio")).to_have_count(0)  # the grid shows what is stored
    expect(page.get_by_role("button", name=i18n.t("customers.save", PL, count=0))).to_be_disabled()

    last = str(sample.customers["customer_id"].iloc[-1])  # far beyond the rows a table shows
    page.get_by_label(i18n.t("customers.open", PL)).fill(last)
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(picked(page)).to_have_value(re.compile(f"^{last} · "))
    linked = str(sample.customers["customer_id"].iloc[-2])
    page.goto(f"{server}/Customers?customer={linked}")  # where a plan row's "Open" link leads
    wait_idle(page)
    expect(picked(page)).to_have_value(re.compile(f"^{linked} · "))
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_one_sheet_register_says_what_its_figures_need_instead_of_churn_100(page: Page, tmp_path):
    people = [["Kliendi nr", "Nimi", "Oste kokku", "Ostude arv", "Viimane ost"]]
    people += [[f"K{n:03}", f"Klient {n}", 40.0 * n, n % 5 + 1, date(2026, 10, n % 28 + 1)] for n in range(1, 31)]
    register = write_xlsx(tmp_path / "kliendid.xlsx", {"Kliendid": people})
    upload_in(page, "et", register)
    open_page(page, i18n.t("lifecycle.title", "et"))
    expect(page.get_by_text(i18n.t("lifecycle.economics_needs_purchases", "et")[:40])).to_be_visible()
    expect(page.get_by_text(i18n.t("lifecycle.migrations_need_purchases", "et")[:40])).to_be_visible()
    for churn_of_everyone in ("100,0", "100 %"):  # no churn of everyone next to regular buyers
        expect(page.get_by_test_id("stMain")).not_to_contain_text(churn_of_everyone)
    expect(page.get_by_test_id("stException")).to_have_count(0)
