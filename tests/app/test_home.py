"""The real app through AppTest: upload or sample, recognition, quality report, key figures, no traceback."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.ui.widgets import MAPPING_OPEN
from tests.app.conftest import as_read
from tests.conftest import FIXTURES, ROOT, SAMPLE, hostile_files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def app(tmp_path, monkeypatch) -> AppTest:
    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "workspace"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert not at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def upload(at: AppTest, path: Path, name: str | None = None, data: bytes | None = None) -> AppTest:
    at.file_uploader(key="upload").set_value(
        [(name or path.name, data if data is not None else path.read_bytes(), XLSX)]
    )
    return at.run()


def test_an_empty_workspace_invites_an_upload(app):
    assert "No register in this workspace yet" in app.info[0].value
    assert not app.metric


def test_the_sample_register_loads_with_its_key_figures_and_problems(app):
    app.button[0].click().run()
    assert not app.exception
    assert metrics(app) == {
        "Customers": "2,000",
        "Buying customers": "1,430",
        "Revenue": "€907,432.00",
        "Purchases": "23,032",
        "Feedback items": "1,117",
        "Purchases from – to": "11/2023 – 10/2026",
    }
    assert "studio_register.xlsx is loaded: 2,000 customers" in as_read(app.success[0].value)
    assert any(e.label.startswith("Errors (") for e in app.expander)
    assert any(e.label.startswith("Customers: Customers · header on row 3") for e in app.expander)
    assert "studio_register.xlsx" in as_read(app.sidebar.caption[-1].value)


def test_a_polish_workbook_uploaded_through_the_widget_is_recognised(app, tmp_path):
    from tests.conftest import write_xlsx
    from tests.unit.reading.test_register import POLISH

    upload(app, write_xlsx(tmp_path / "klienci.xlsx", POLISH))
    assert not app.exception
    assert metrics(app)["Customers"] == "2" and metrics(app)["Revenue"] == "€1,458.50"
    assert [s.key for s in app.selectbox] == ["_language_widget"]  # the recognition: drawn when a sheet is opened
    app.session_state[MAPPING_OPEN + "Klienci"] = True
    app.run()
    assert app.selectbox(key="map-Klienci-Imię i nazwisko").value == "name"


def test_an_unreadable_upload_keeps_the_previous_register_and_says_why(app):
    app.button[0].click().run()
    upload(app, SAMPLE, name="broken.xlsx", data=b"PK\x03\x04 this is not a workbook")
    assert not app.exception
    assert "broken.xlsx was not loaded" in app.error[0].value
    assert "Your current register is unchanged" in app.error[0].value
    assert metrics(app)["Customers"] == "2,000"


@pytest.mark.parametrize("path", [*FIXTURES.glob("*.xls"), *FIXTURES.glob("*.ods"), SAMPLE], ids=lambda p: p.name)
def test_no_traceback_for_any_readable_test_file(app, path):
    upload(app, path)
    assert not app.exception
    assert metrics(app)["Customers"]


HOSTILE = hostile_files()


@pytest.mark.parametrize("name", HOSTILE)
def test_every_hostile_file_gets_its_message_and_the_previous_register_stays(sample_app, name):
    data, says = HOSTILE[name]
    upload(sample_app, SAMPLE, name=name, data=data)
    assert not sample_app.exception
    message = sample_app.error[0].value
    assert f"{name} was not loaded" in message and says in message
    assert "Traceback" not in message
    assert metrics(sample_app)["Customers"] == "2,000"


def test_a_column_correction_is_applied_and_remembered(app, tmp_path):
    from tests.conftest import write_xlsx

    upload(app, write_xlsx(tmp_path / "r.xlsx", {"Customers": [["Customer id", "Kto to"], ["A", "Anna"]]}))
    app.session_state[MAPPING_OPEN + "Customers"] = True
    app.run()
    app.selectbox(key="map-Customers-Kto to").set_value("name")
    app.button(key="FormSubmitter:mapping-Customers-Apply corrections").click().run()
    assert not app.exception
    assert "Corrections for 'Customers' applied" in app.success[0].value
    assert app.selectbox(key="map-Customers-Kto to").value == "name"  # still open, showing the correction


def test_the_register_page_shows_the_sheets_and_searches(app):
    app.button[0].click().run()
    app.switch_page("pages/1_Register.py").run()
    assert not app.exception
    assert [t.label for t in app.tabs] == [
        "Customers (2,000)",
        "Purchases (23,032)",
        "Feedback (1,117)",
        "Actions (1,876)",
    ]
    app.text_input[0].set_value("maria.tamm@").run()
    assert not app.exception
    assert app.dataframe[0].value["Row"].tolist() == [44]


def test_the_updated_workbook_is_written_on_request_and_offered(app):
    app.button[0].click().run()
    app.switch_page("pages/9_Export.py").run()
    assert not app.exception
    assert not [b for b in app.get("download_button") if "studio_register" in b.label]  # written only when asked
    app.checkbox[0].check()
    next(b for b in app.button if b.label == "Prepare the updated workbook").click().run()
    assert not app.exception
    assert as_read(next(b.label for b in app.get("download_button"))) == "Download studio_register (updated).xlsx"


def test_a_new_file_replaces_the_register_only_when_confirmed_and_the_earlier_one_can_come_back(app, tmp_path):
    from lib.service.changes import save_changes
    from lib.service.registers import current_register
    from lib.workspace.edits import text_of
    from lib.workspace.repository import Workspace
    from tests.conftest import write_xlsx

    app.button[0].click().run()  # the sample
    workspace = Workspace(tmp_path / "workspace")
    sample = current_register(workspace)
    old = text_of(sample.register.customers.set_index("customer_id").at["10001", "city"])
    change = {"op": "set", "sheet": "customers", "key": "10001", "field": "city", "old": old, "new": "Tartu"}
    assert save_changes(workspace, [change]).accepted
    small = write_xlsx(tmp_path / "two.xlsx", {"Customers": [["Customer id", "Name"], ["A1", "Ann"], ["B2", "Ben"]]})
    upload(app, small)
    assert not app.exception
    warning = as_read(app.warning[0].value)
    assert "The register in place is studio_register.xlsx" in warning and "1 changes made in the app" in warning
    assert app.radio(key="import_choice").value == "replace"  # a customers file in place of the only one
    assert current_register(workspace).upload.file_name == "studio_register.xlsx"  # nothing replaced yet
    app.button(key="replace_no").click().run()
    assert current_register(workspace).upload.file_name == "studio_register.xlsx"
    upload(app, small, name="two (again).xlsx")
    app.button(key="replace_yes").click().run()
    assert not app.exception
    assert len(current_register(workspace).register.customers) == 2
    first = workspace.uploads()[0]
    app.run()
    app.button(key=f"go_back_{first.id}").click().run()
    assert not app.exception and "studio_register.xlsx is the current register again" in as_read(app.success[0].value)
    back = current_register(workspace)
    assert len(back.register.customers) == 2000 and back.upload.id > first.id
    assert back.register.customers.set_index("customer_id").at["10001", "city"] == "Tartu"  # its edits came too
    assert len(workspace.uploads()) == 3  # the two-customer register is kept as well


def test_several_files_make_one_register_and_a_newer_copy_of_one_takes_its_place_alone(app, tmp_path):
    from lib.service.changes import save_changes
    from lib.service.registers import current_register, register_files
    from lib.workspace.edits import new_row
    from lib.workspace.repository import Workspace
    from tests.unit.reading.test_survey_exports import GOOGLE_FORMS
    from tests.unit.service.test_several_files import CUSTOMERS, EERO, NEWER_ORDERS, ORDERS

    app.file_uploader(key="upload").set_value([(f.name, f.data, "text/csv") for f in (CUSTOMERS, ORDERS)]).run()

    assert not app.exception
    assert (metrics(app)["Customers"], metrics(app)["Purchases"]) == ("10", "3")
    table = next(d.value for d in app.dataframe if "File" in d.value.columns)
    assert table.to_dict("records") == [
        {"File": "asiakkaat.csv", "Customers": 10, "Purchases": 0, "Feedback items": 0, "Actions": 0},
        {"File": "orders_export_1.csv", "Customers": 0, "Purchases": 3, "Feedback items": 0, "Actions": 0},
    ]
    workspace = Workspace(tmp_path / "workspace")
    save_changes(workspace, new_row("actions", {"customer_id": EERO, "date": "2026-11-25", "channel": "phone"}))
    again = [(f.name, f.data, "text/csv") for f in (CUSTOMERS, ORDERS)]
    app.file_uploader(key="upload").set_value([*again, ("survey.csv", GOOGLE_FORMS.encode(), "text/csv")]).run()
    assert app.radio(key="import_choice").value == "add"  # asked about the survey only: the others are in
    assert any("asiakkaat.csv is already in this register" in i.value for i in app.info)
    app.button(key="replace_no").click().run()
    app.file_uploader(key="upload").set_value([(NEWER_ORDERS.name, NEWER_ORDERS.data, "text/csv")]).run()
    choice = app.radio(key="import_choice")
    assert choice.value == "1"  # offered first: in place of the older orders export
    assert "Put orders_export_2.csv in place of orders_export_1.csv only" in choice.options
    app.button(key="replace_yes").click().run()

    assert not app.exception
    now = current_register(workspace)
    assert [f.name for f in register_files(workspace, now.upload)] == ["asiakkaat.csv", "orders_export_2.csv"]
    assert metrics(app)["Purchases"] == "4"
    assert list(now.register.actions["customer_id"]) == [EERO]  # the call logged on the earlier version stayed
    table = next(d.value for d in app.dataframe if "File" in d.value.columns)
    assert list(table["Actions"]) == [0, 0] and list(table["Purchases"]) == [0, 4]


def test_the_updated_workbook_is_named_in_the_user_s_language(app):
    from lib import i18n

    app.session_state["language"] = "pl"
    app.run()
    app.button[0].click().run()
    app.switch_page("pages/9_Export.py").run()
    next(b for b in app.button if b.label == i18n.t("export.prepare", "pl")).click().run()
    assert not app.exception
    names = [as_read(b.label) for b in app.get("download_button") if "studio_register" in as_read(b.label)]
    assert names and names[0].endswith("studio_register (zaktualizowany).xlsx")


def test_a_list_without_ids_says_customers_are_told_apart_by_email_and_a_ragged_row_is_reported(app, tmp_path):
    path = tmp_path / "asiakkaat.csv"
    path.write_bytes(
        "sähköposti;nimi;osoite\r\naino@posti.fi;Aino Virtanen;Kotikatu 1\r\n"
        "eero@gmail.com;Eero Korhonen;Rantatie 5; B 12\r\nhelmi@elisanet.fi;Helmi Mäkinen;Puistotie 3\r\n".encode(
            "utf-8-sig"
        )
    )

    upload(app, path)

    assert not app.exception
    assert metrics(app)["Customers"] == "3"
    assert any("customers are told apart by their e-mail address" in i.value for i in app.info)
    assert "**Rows with an unquoted separator, mended** · 1" in [as_read(m.value) for m in app.markdown]


def test_a_shopify_orders_export_shows_its_customers_and_says_which_orders_are_not_purchases(app, tmp_path):
    from tests.unit.reading.test_exports_people_have import SHOPIFY_HEADER, shopify_line

    path = tmp_path / "orders_export.csv"
    rows = [
        shopify_line("#1001", "anna@example.ee", "paid", 58.0, "2026-10-01 10:02:11 +0300", 2, "Yoga mat", 20),
        shopify_line("#1001", "anna@example.ee", "", None, "2026-10-01 10:02:11 +0300", 1, "Water bottle", 12),
        shopify_line("#1002", "bo@example.fi", "voided", 30.0, "2026-10-03 09:00:00 +0300", 1, "Class pass", 30),
    ]
    path.write_text("\n".join([SHOPIFY_HEADER, *rows]) + "\n", encoding="utf-8")

    upload(app, path)

    assert not app.exception
    shown = metrics(app)
    assert (shown["Customers"], shown["Buying customers"], shown["Purchases"]) == ("2", "1", "1")  # one order
    assert "**Orders that are not purchases** · 1" in [as_read(m.value) for m in app.markdown]
    assert any("told apart by their e-mail address" in i.value for i in app.info)


def test_a_subscription_export_opens_with_its_former_customers_on_the_ladder(app, tmp_path):
    from tests.app.conftest import on_page
    from tests.unit.reading.test_exports_people_have import TELCO

    path = tmp_path / "WA_Fn-UseC_-Telco-Customer-Churn.csv"
    path.write_bytes(TELCO.encode())

    upload(app, path)

    assert not app.exception
    shown = metrics(app)
    assert (shown["Customers"], shown["Revenue"]) == ("4", "€2,027.50")  # the total charges
    on_page(app, "pages/4_Segments.py")
    assert not app.exception
    customers = next(d.value for d in app.dataframe if "Class" in d.value.columns).set_index("Customer id")
    assert customers.loc["3668-QPYBK", "Class"] == "Former customer"  # the subscriber who churned
    assert customers.loc["5575-GNVDE", "Class"] == "Loyal customer"  # 34 months paid, still subscribed


def test_a_google_forms_download_alone_opens_as_feedback_and_the_feedback_page_works_on_it(app, tmp_path):
    from tests.app.conftest import on_page
    from tests.unit.reading.test_survey_exports import GOOGLE_FORMS

    path = tmp_path / "Customer survey (Responses).csv"
    path.write_bytes(GOOGLE_FORMS.encode("utf-8-sig"))

    upload(app, path)

    assert not app.exception
    shown = metrics(app)
    assert (shown["Customers"], shown["Purchases"], shown["Feedback items"]) == ("2", "0", "6")
    assert any("a survey, form or review export" in c.value for c in app.caption)
    on_page(app, "pages/6_Feedback.py")
    tiles = metrics(app)
    assert (tiles["Items in selection"], tiles["NPS"]) == ("6", "+25")
    table = next(d.value for d in app.dataframe if "Matched words" in d.value.columns)
    assert list(table["Question"][table["Text"] == "Way too expensive for what you get"]) == [
        "What could we do better?"
    ]
    assert "Price" in set(table["Themes"][table["Text"] == "Way too expensive for what you get"])
    for script in sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py")):
        on_page(app, script)  # every other page opens on a register of answers alone
