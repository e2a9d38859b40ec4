"""End to end in Chromium, in Polish and Estonian: a marketer's day where every action does what it says,
to the person it says: a tick stays with its customer, a refused edit is not shown as saved, and a
register's own consent header is understood (or, when it is not, the empty list says why)."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from lib import i18n
from lib.workspace.repository import Workspace
from tests.conftest import write_xlsx
from tests.e2e.steps import cell, open_page, sample_in_place, tick_row, upload_in, wait_idle


@pytest.fixture
def browser_locale() -> str:
    return "pl-PL"


def start_with_sample(page: Page, lang: str) -> None:
    page.get_by_role("button", name=i18n.t("home.use_sample", lang)).click()
    expect(page.get_by_text(i18n.t("home.figures", lang))).to_be_visible()
    wait_idle(page)


@pytest.mark.with_sample
def test_a_contact_marked_done_takes_its_tick_with_it(page: Page, tmp_path):
    from datetime import timedelta

    from lib.analysis.facts import default_as_of
    from lib.service.outreach import analyse, due_contacts
    from lib.service.registers import current_register

    sample_in_place(page, "pl")
    open_page(page, i18n.t("plan.title", "pl"))
    workspace = Workspace(tmp_path / "workspace")
    now = current_register(workspace)
    day = default_as_of(now.register)
    view = analyse(now.register, day, workspace.settings(), now.suppressed)
    first = due_contacts(now.register, view, day, workspace.settings(), until=day + timedelta(days=7))
    first_id = str(first[first["channel"].notna()].iloc[0]["customer_id"])  # the table's first row
    done = page.get_by_role("button", name=i18n.t("plan.done_interested", "pl"))
    expect(done).to_be_disabled()
    # The due table is the one with the reasons ("Dlaczego"), not the counts or the list of those without consent.
    grid = page.get_by_test_id("stDataFrame").filter(has_text=i18n.t("plan.col_reason", "pl"))
    expect(cell(grid, i18n.t("field.customer_id", "pl"), 0)).to_have_text(first_id)
    tick_row(page, grid, 0)
    expect(done).to_be_enabled()  # ticked once, and the app has it
    done.click()
    expect(page.get_by_text(i18n.t("plan.logged", "pl", count=1))).to_be_visible()
    wait_idle(page)
    expect(done).to_be_disabled()  # nothing is ticked now: a second click cannot reach the next customer
    journal = Workspace(tmp_path / "workspace").journal(1)
    assert journal.loc[journal["field"] == "customer_id", "new"].tolist() == [first_id]
    assert journal.loc[journal["field"] == "outcome", "new"].tolist() == [i18n.t("outcome.interested", "pl")]
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_an_estonian_consent_header_gives_a_list_and_an_unknown_one_says_why(page: Page, tmp_path):
    people = [["Kliendi nr", "Nimi", "E-post", "Nõusolek e-kirjadeks"]]
    people += [[f"K{n:03}", f"Klient {n}", f"k{n}@example.ee", "jah" if n % 2 else "ei"] for n in range(1, 11)]
    purchases = [["Kliendi nr", "Kuupäev", "Summa"]] + [[f"K{n:03}", date(2026, 11, 1), 20] for n in range(1, 11)]
    known = write_xlsx(tmp_path / "kliendid.xlsx", {"Kliendid": people, "Ostud": purchases})
    upload_in(page, "et", known)
    open_page(page, i18n.t("export.title", "et"))
    expect(page.get_by_role("button", name=i18n.t("contacts.download", "et", count=5))).to_be_visible()

    people[0][3] = "Kirjade luba kanalis X"  # a header nobody could guess
    unknown = write_xlsx(tmp_path / "kliendid2.xlsx", {"Kliendid": people, "Ostud": purchases})
    page.get_by_role("link", name=i18n.t("home.title", "et")).click()
    wait_idle(page)
    page.locator("input[type=file]").set_input_files(str(unknown))
    wait_idle(page)
    page.get_by_role("button", name=i18n.t("home.choice_go", "et")).click()  # asked first
    wait_idle(page)
    expect(page.get_by_text("Kirjade luba kanalis X", exact=False).first).to_be_visible()  # listed as not used
    open_page(page, i18n.t("export.title", "et"))
    expect(page.get_by_text(i18n.t("contacts.consent_not_recognised", "et", channel="E-post")[:40])).to_be_visible()
    expect(page.get_by_role("link", name=i18n.t("contacts.to_mapping", "et"))).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_new_file_asks_before_it_replaces_the_register_and_the_old_one_comes_back(page: Page, tmp_path):
    start_with_sample(page, "pl")
    small = write_xlsx(
        tmp_path / "dwa.xlsx", {"Klienci": [["Nr klienta", "Imię i nazwisko"], ["A1", "Ala"], ["B2", "Bartek"]]}
    )
    page.locator("input[type=file]").set_input_files(str(small))
    wait_idle(page)
    keep = page.get_by_role("button", name=i18n.t("home.replace_no", "pl"))
    expect(keep).to_be_visible()  # asked first, with what is in place and how many changes it carries
    expect(page.get_by_text("studio_register.xlsx", exact=False).first).to_be_visible()
    keep.click()
    wait_idle(page)
    assert Workspace(tmp_path / "workspace").latest_upload().file_name == "studio_register.xlsx"
    page.get_by_role("button", name=i18n.t("home.use_sample", "pl")).click()  # the sample again: asked again
    wait_idle(page)
    page.get_by_role("button", name=i18n.t("home.choice_go", "pl")).click()
    wait_idle(page)
    workspace = Workspace(tmp_path / "workspace")
    assert len(workspace.uploads()) == 2
    first = workspace.uploads()[0]
    page.get_by_text(i18n.t("home.earlier", "pl", count=1)).click()
    wait_idle(page)
    page.get_by_role("button", name=i18n.t("home.go_back", "pl")).click()
    expect(page.get_by_text(i18n.t("home.gone_back", "pl", file="studio_register.xlsx"), exact=False)).to_be_visible()
    latest = Workspace(tmp_path / "workspace").latest_upload()
    assert latest.id > first.id and len(Workspace(tmp_path / "workspace").uploads()) == 3
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.with_sample
def test_a_logged_call_reads_as_one_line_in_the_history(page: Page):
    sample_in_place(page, "pl")
    open_page(page, i18n.t("customers.title", "pl"))
    page.get_by_label(i18n.t("field.campaign", "pl")).fill("Zimowa wizyta")
    page.get_by_label(i18n.t("field.outcome", "pl")).fill("rozmowa odbyta")
    page.get_by_role("button", name=i18n.t("customers.log_action_save", "pl")).click()
    expect(page.get_by_text(i18n.t("customers.logged_action", "pl"))).to_be_visible()
    wait_idle(page)
    open_page(page, i18n.t("history.title", "pl"))
    expect(page.get_by_test_id("stSidebar").get_by_text("Zmiany od wgrania: 1")).to_be_visible()  # one thing done
    line = i18n.t("history.logged_actions", "pl", kind=i18n.t("action_kind.call", "pl"), customer="10001", said="")
    cells = page.locator("td[role=gridcell]").filter(has_text=line[:30])  # the grid's own cells behind its canvas
    expect(cells).to_have_count(1)  # one line in words, not seven rows of codes
    expect(page.get_by_text("new-", exact=False)).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
