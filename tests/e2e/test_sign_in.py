"""End to end in Chromium: a team deployment with password sign-in, an editor and a viewer."""

import pytest
from playwright.sync_api import Page, expect

from lib.workspace.access import hash_password
from tests.e2e.steps import wait_idle


@pytest.fixture
def secrets_toml() -> str:
    return (
        f'[ladder.users.anna]\npassword = "{hash_password("kevad-2026-lumi")}"\nrole = "editor"\n\n'
        f'[ladder.users.juhataja]\npassword = "{hash_password("sügis-2026-vihm")}"\nrole = "viewer"\n'
    )


def sign_in(page: Page, name: str, password: str) -> None:
    page.get_by_role("textbox", name="User name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    wait_idle(page)


def test_the_editor_signs_in_and_uploads_the_viewer_only_browses(page: Page, second_page: Page, server):
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Start with the sample register")).to_have_count(0)
    sign_in(page, "anna", "talv")
    expect(page.get_by_text("The user name or the password is wrong")).to_be_visible()
    sign_in(page, "anna", "kevad-2026-lumi")
    expect(page.get_by_text("Signed in as anna (editor)")).to_be_visible()
    page.get_by_role("button", name="Start with the sample register").click()
    expect(page.get_by_text("Key figures")).to_be_visible()

    viewer = second_page
    viewer.goto(server)
    sign_in(viewer, "juhataja", "sügis-2026-vihm")
    expect(viewer.get_by_text("Signed in as juhataja (viewer)")).to_be_visible()
    expect(viewer.get_by_text("Key figures")).to_be_visible()
    expect(viewer.get_by_text("You are signed in as a viewer")).to_be_visible()
    expect(viewer.get_by_text("Start with the sample register")).to_have_count(0)
    expect(viewer.get_by_test_id("stFileUploader")).to_have_count(0)
    expect(viewer.get_by_test_id("stException")).to_have_count(0)
