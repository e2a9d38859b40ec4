"""Team use through AppTest: who signs in, what editors and viewers may do, checked on the server."""

import os

import pytest
from streamlit.testing.v1 import AppTest

from lib.service.changes import save_changes
from lib.service.registers import import_workbook
from lib.workspace.access import hash_password
from lib.workspace.repository import Workspace
from tests.app.conftest import as_read
from tests.conftest import ROOT, SAMPLE

EDITOR_EMAIL, VIEWER_EMAIL = "anna@shop.ee", "boss@shop.ee"
OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-cookie-secret",
        "client_id": "loyalty-ladder",
        "client_secret": "not-used-here",
        "server_metadata_url": "https://accounts.example.com/.well-known/openid-configuration",
    },
    "ladder": {"editors": [EDITOR_EMAIL], "viewers": [VIEWER_EMAIL]},
}


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Workspace:
    """A team workspace holding the sample register (uploaded by the owner)."""
    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "workspace"))
    ws = Workspace(tmp_path / "workspace")
    import_workbook(ws, SAMPLE.name, SAMPLE.read_bytes(), "owner")
    return ws


def signed_in(email: str, page: str | None = None, verified: bool = True) -> AppTest:
    """The app as someone signed in with OIDC, on the home page or the page given."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets = OIDC_SECRETS
    at.user = {"email": email, "is_logged_in": True, "email_verified": verified}
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def texts(at: AppTest) -> str:
    return " ".join(
        as_read(e.value) for kind in (at.markdown, at.caption, at.info, at.error, at.warning, at.success) for e in kind
    )


HANDLER_SCRIPT = """
from datetime import date

import streamlit as st

from lib.exports.contacts import contact_list
from lib.ui.actions import personal_file, save_edits
from lib.ui.loaders import Page, current, workspace
from lib.ui.signin import access, signed_in_user

# Call the save and export handlers directly, as a forged request would, and record what came back.
# The user is resolved as on every page (setup_page without the sidebar, which needs app.py as entry).
ws = workspace()
page = Page(ws, current(ws), signed_in_user(ws, access()))
customers = page.current.register.customers
first = customers.iloc[0]
review = save_edits(page, [{"op": "set", "sheet": "customers", "key": first["customer_id"], "field": "city",
                            "old": first["city"], "new": "Tartu"}])
st.session_state["saved"] = review is not None and bool(review.accepted)
data = personal_file(page, contact_list(customers, "email", date(2026, 11, 23)), "csv")
st.session_state["exported"] = data is not None and b"@" in data
"""


@pytest.fixture
def handler_app():
    """The handler script as an app of its own, next to app.py so the sidebar finds the pages."""
    script = ROOT / f"_handler_check_{os.getpid()}.py"
    script.write_text(HANDLER_SCRIPT, encoding="utf-8")

    def run(email: str) -> AppTest:
        at = AppTest.from_file(str(script), default_timeout=120)
        at.secrets = OIDC_SECRETS
        at.user = {"email": email, "is_logged_in": True, "email_verified": True}
        return at.run()

    yield run
    script.unlink()


def test_a_viewer_cannot_save_an_edit_or_export_personal_data_even_by_calling_the_handler(workspace, handler_app):
    at = handler_app(VIEWER_EMAIL)
    assert not at.exception
    assert at.session_state["saved"] is False and at.session_state["exported"] is False
    errors = [e.value for e in at.error]
    assert any("Only an editor can change the register" in e for e in errors)
    assert any("Only an editor can export personal data" in e for e in errors)
    assert workspace.journal(1).empty
    assert workspace.exports().empty


def test_an_editor_can_and_the_journal_records_who(workspace, handler_app):
    at = handler_app(EDITOR_EMAIL)
    assert not at.exception and not at.error
    assert at.session_state["saved"] is True and at.session_state["exported"] is True
    assert workspace.journal(1)[["user", "field", "new"]].values.tolist() == [[EDITOR_EMAIL, "city", "Tartu"]]


def test_an_editor_saves_through_the_customers_table_under_their_own_name(workspace):
    at = signed_in(EDITOR_EMAIL, "pages/2_Customers.py")
    at.session_state["customers_editor"] = {
        "edited_rows": {0: {"city": "Viljandi"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="customers_save").click().run()
    assert not at.exception
    assert workspace.journal(1)[["user", "new"]].values.tolist() == [[EDITOR_EMAIL, "Viljandi"]]
    assert f"Signed in as {EDITOR_EMAIL} (editor)" in texts(at)


def test_a_viewer_sees_no_editor_no_names_and_no_personal_exports(workspace):
    at = signed_in(VIEWER_EMAIL, "pages/2_Customers.py")
    assert not at.exception
    assert len(at.data_editor) == 0
    assert not [b for b in at.button if b.key == "customers_save"]
    table = at.dataframe[0].value
    assert table["Customer id"].str.startswith("P-").all()
    assert "Name" not in table.columns
    assert "Triin Mägi" not in texts(at)

    export = signed_in(VIEWER_EMAIL, "pages/9_Export.py")
    assert not export.exception
    assert not export.get("download_button")
    assert not [b for b in export.button if b.label == "Write the updated workbook"]
    assert "Only an editor can export personal data" in texts(export)

    home = signed_in(VIEWER_EMAIL)
    assert not home.get("file_uploader") and not [b for b in home.button if "sample" in b.label]


def test_a_viewer_searches_by_pseudonym_only_and_learns_nothing_from_an_address_or_a_key(workspace):
    at = signed_in(VIEWER_EMAIL, "pages/2_Customers.py")
    everyone = at.dataframe[0].value
    pseudonym = everyone["Customer id"].iloc[0]
    for typed in ("triin.magi10@studio.ee", "Triin", "@studio.ee", "+372 5", "10001"):  # an address, a name, an id
        at.text_input(key="customers_query").input(typed).run()
        assert not at.exception
        found = at.dataframe[0].value["Customer id"]
        assert all(typed.casefold() in p.casefold() for p in found), typed  # only pseudonyms holding what was typed
    offered = at.selectbox(key="customers_column").options
    assert not {"Postal code", "City", "Tags", "Interests"} & set(offered)  # nothing that narrows to one person
    at.text_input(key="customers_query").input(pseudonym[2:8]).run()
    found = at.dataframe[0].value
    assert list(found["Customer id"]) == [pseudonym]

    save_changes(
        workspace,
        [{"op": "set", "sheet": "customers", "key": "10001", "field": "city", "old": "Tallinn", "new": "Tartu"}],
        "anna",
    )
    history = signed_in(VIEWER_EMAIL, "pages/8_History.py")
    assert len(history.dataframe[0].value) == 1
    history.text_input(key="history_key").input("10001").run()  # the real key finds nothing for a viewer
    assert history.dataframe[0].value.empty
    shown = signed_in(VIEWER_EMAIL, "pages/8_History.py").dataframe[0].value["Customer"].iloc[0]
    history.text_input(key="history_key").input(shown).run()
    assert len(history.dataframe[0].value) == 1


def test_viewers_see_no_customer_tables_when_the_setting_says_so(workspace):
    workspace.save_settings(workspace.settings().updated({"viewer_customer_tables": 0}))
    at = signed_in(VIEWER_EMAIL, "pages/5_Lifecycle.py")
    assert not at.exception
    assert "Tables of individual customers are shown to editors only" in texts(at)
    editor = signed_in(EDITOR_EMAIL, "pages/5_Lifecycle.py")
    assert "Tables of individual customers are shown to editors only" not in texts(editor)


def test_someone_not_on_the_lists_and_someone_not_signed_in_see_nothing(workspace):
    stranger = signed_in("someone@else.com")
    assert "is not on this workspace's list" in stranger.error[0].value
    assert not stranger.get("metric")
    anonymous = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    anonymous.secrets = OIDC_SECRETS
    anonymous.user = {}
    anonymous.run()
    assert [b.label for b in anonymous.button] == ["Sign in"]
    assert not anonymous.get("metric")


def test_an_address_the_identity_provider_has_not_verified_signs_nobody_in(workspace):
    unverified = signed_in(EDITOR_EMAIL, verified=False)
    assert "has not verified the address" in as_read(unverified.error[0].value)
    assert not unverified.get("metric") and not unverified.get("file_uploader")
    missing = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    missing.secrets = OIDC_SECRETS
    missing.user = {"email": EDITOR_EMAIL, "is_logged_in": True}  # no email_verified claim at all
    missing.run()
    assert missing.error and not missing.get("metric")


def test_the_app_itself_refuses_a_network_address_without_sign_in(workspace):
    from streamlit import config

    before = config.get_option("server.address")
    try:
        config.set_option("server.address", "0.0.0.0")
        exposed = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        assert "will not show the register to anyone" in as_read(exposed.error[0].value)
        assert not exposed.get("metric") and not exposed.get("file_uploader")
        config.set_option("server.address", "127.0.0.1")
        local = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        assert local.get("metric") and not local.error
    finally:
        config.set_option("server.address", before)


def password_app(workspace) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets = {
        "ladder": {
            "users": {
                "anna": {"password": hash_password("kevad-2026"), "role": "editor"},
                "boss": {"password": hash_password("sügis"), "role": "viewer"},
            },
            "max_failures": 3,
            "lock_minutes": 15,
        }
    }
    return at.run()


def try_password(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    return at.button[0].click().run()


def test_password_sign_in_rejects_a_wrong_password_and_locks_after_repeated_failures(workspace):
    at = password_app(workspace)
    assert not at.get("metric")
    try_password(at, "anna", "talv")
    assert "The user name or the password is wrong" in at.error[0].value
    try_password(at, "anna", "kevad-2026")
    assert not at.exception and at.get("metric")  # signed in: the key figures
    assert "Signed in as anna (editor)" in texts(at)

    other = password_app(workspace)
    try_password(other, "boss", "wrong")
    try_password(other, "boss", "also wrong")
    try_password(other, "boss", "still wrong")
    assert "locked until" in other.error[0].value
    try_password(other, "boss", "sügis")  # the right password no longer helps
    assert "locked until" in other.error[0].value and not other.get("metric")
    attempts = [ok for _, ok in workspace.sign_ins("boss", since=workspace_start())]
    assert attempts == [False, False, False, False]


def workspace_start():
    from datetime import UTC, datetime

    return datetime(2000, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("tables", [1, 0])
def test_a_viewer_walks_every_page_without_an_error_a_name_or_an_e_mail(workspace, tables):
    from lib.service.registers import current_register
    from lib.ui.page import PAGES

    workspace.save_settings(workspace.settings().updated({"viewer_customer_tables": tables}))
    customers = current_register(workspace).register.customers
    names = set(customers["name"].dropna().head(50))
    at = signed_in(VIEWER_EMAIL)
    for script, _title, _icon in PAGES:
        if script != "app.py":
            at.switch_page(script).run()
        assert not at.exception, script
        assert not at.get("download_button"), script
        assert not at.data_editor, script
        shown = texts(at) + " ".join(frame.value.to_csv() for frame in at.dataframe)
        assert "@studio.ee" not in shown, script
        assert not [name for name in names if name in shown], script
        if not tables:
            assert not [frame for frame in at.dataframe if "Customer id" in frame.value.columns], script


def test_on_an_earlier_day_the_customers_page_lists_only_those_known_then_for_a_viewer_too(workspace):
    from datetime import timedelta

    from lib.analysis.facts import default_as_of
    from lib.service.registers import current_register

    register = current_register(workspace).register
    earlier = default_as_of(register) - timedelta(days=700)
    for email in (VIEWER_EMAIL, EDITOR_EMAIL):
        at = signed_in(email)
        at.session_state["as_of"] = earlier
        at.switch_page("pages/2_Customers.py").run()
        assert not at.exception, email
        shown = [c for c in at.caption if "customers in the table" in c.value]
        assert shown, email
        known_then = int(shown[0].value.replace(",", "").split(" of ")[1].split()[0])
        assert 0 < known_then < len(register.customers), shown[0].value
