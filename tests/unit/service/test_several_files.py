"""One register from several files: a customers list with an orders export, a register with a survey download.

The files are written here in the layouts their tools export (a Finnish semicolon CSV with a BOM and CRLF,
Shopify's orders export, a Google Forms download) and read as a person would: ``python -m lib report`` with
several files, and the service every door uses to import them, replace one of them and write them back.
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd

from lib.reading.bundle import Part, is_bundle, unpack
from lib.reading.register import build_register
from lib.reading.workbook import MAX_FILE_BYTES, parse_workbook
from lib.service.changes import forget_customer, save_changes
from lib.service.registers import (
    add_files,
    current_register,
    file_names,
    import_files,
    register_files,
    suggested_choice,
    updated_workbook,
)
from lib.workspace.edits import new_row
from lib.workspace.repository import Workspace
from tests.conftest import write_xlsx
from tests.unit.cli.test_cli import run
from tests.unit.reading.test_exports_people_have import FINNS, SHOPIFY_HEADER, codes, shopify_line
from tests.unit.reading.test_survey_exports import GOOGLE_FORMS

CUSTOMERS = Part(
    "asiakkaat.csv",
    ("\r\n".join(["sähköposti;nimi;kaupunki", *(f"{email};{name};Helsinki" for name, email in FINNS)]) + "\r\n").encode(
        "utf-8-sig"
    ),
)


def orders(name: str, *lines: str) -> Part:
    return Part(name, ("\n".join([SHOPIFY_HEADER, *lines]) + "\n").encode())


AINO, EERO, HELMI = FINNS[0][1], FINNS[1][1], FINNS[2][1]
ORDERS = orders(
    "orders_export_1.csv",
    shopify_line("#1001", AINO, "paid", 58.0, "2026-10-01 10:02:11 +0300", 2, "Yoga mat", 20),
    shopify_line("#1001", AINO, "", None, "2026-10-01 10:02:11 +0300", 1, "Water bottle", 12),
    shopify_line("#1002", EERO.lower(), "paid", 30.0, "2026-10-03 09:00:00 +0300", 1, "Class pass", 30),
    shopify_line("#1003", AINO, "paid", 45.0, "2026-11-04 18:30:00 +0200", 3, "Tea", 15),
)
NEWER_ORDERS = orders(
    "orders_export_2.csv",
    *ORDERS.data.decode().splitlines()[1:],
    shopify_line("#1004", HELMI, "paid", 99.0, "2026-11-20 12:00:00 +0200", 1, "Retreat", 99),
)


def test_a_customers_list_and_a_shopify_orders_export_read_together_are_one_register_saying_what_each_gave(tmp_path):
    for part in (CUSTOMERS, ORDERS):
        (tmp_path / part.name).write_bytes(part.data)

    result = run("report", str(tmp_path / CUSTOMERS.name), str(tmp_path / ORDERS.name), "--json")

    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["shape"] == "full"
    assert found["identity"]["key"] == "email"
    assert found["customers"] == 10  # the list's people; the orders' buyers are among them
    assert found["figures"]["purchases"] == 3  # three orders, one of two items
    assert found["figures"]["buying_customers"] == 2  # Aino, and Eero whose address the shop wrote in lower case
    assert found["files"] == [
        {"file": "asiakkaat.csv", "customers": 10, "purchases": 0, "feedback": 0, "actions": 0},
        {"file": "orders_export_1.csv", "customers": 0, "purchases": 3, "feedback": 0, "actions": 0},
    ]
    assert not [c for c in codes(found) if c[2] == "unknown_customer"]


def test_a_register_and_a_survey_download_uploaded_together_link_each_answer_to_its_customer(tmp_path):
    register = Part(
        "asiakkaat.csv",
        "sähköposti;nimi\r\nanna@example.com;Anna Tamm\r\nmark@example.com;Mark Berg\r\n".encode("utf-8-sig"),
    )
    survey = Part("Customer survey (Responses).csv", GOOGLE_FORMS.encode("utf-8-sig"))
    workspace = Workspace(tmp_path / "ws")

    now = import_files(workspace, [register, survey])

    assert now.upload.file_name == "asiakkaat.csv + Customer survey (Responses).csv"
    assert len(now.register.customers) == 2
    answers = now.register.feedback
    assert set(answers["customer_id"].dropna()) == {"anna@example.com", "mark@example.com"}
    assert answers["customer_id"].isna().sum() == 2  # the two responses given without an address are nobody's
    assert file_names(now) == [register.name, survey.name]


def test_a_newer_copy_of_one_file_takes_its_place_only_and_the_edits_on_the_other_files_stay(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    first = import_files(workspace, [CUSTOMERS, ORDERS])
    purchase = first.register.purchases.iloc[0]["_key"]
    save_changes(
        workspace,
        [{"op": "set", "sheet": "customers", "key": AINO, "field": "city", "old": "Helsinki", "new": "Espoo"}],
    )
    save_changes(workspace, new_row("actions", {"customer_id": EERO, "date": "2026-11-25", "channel": "phone"}))
    save_changes(workspace, [{"op": "delete", "sheet": "purchases", "key": purchase}])
    before = current_register(workspace)
    assert before is not None and before.edits == 3

    assert suggested_choice([(NEWER_ORDERS.name, frozenset({"purchases"}))], before) == 1  # the older export's place
    assert suggested_choice([("survey.csv", frozenset({"feedback"}))], before) == "add"  # a survey joins
    assert suggested_choice([("asiakkaat (2).csv", frozenset({"customers"}))], before) == 0
    updated = frozenset({"customers", "purchases", "actions"})  # the register's own updated workbook
    assert suggested_choice([("asiakkaat (updated).xlsx", updated)], before) == "replace"
    now = add_files(workspace, [NEWER_ORDERS], in_place_of=1)

    assert [f.name for f in register_files(workspace, now.upload)] == [CUSTOMERS.name, NEWER_ORDERS.name]
    assert register_files(workspace, now.upload)[0].data == CUSTOMERS.data  # the customers file, byte for byte
    customers = now.register.customers.set_index("customer_id")
    assert customers.loc[AINO, "city"] == "Espoo"  # the edit on the file that stayed
    assert list(now.register.actions["customer_id"]) == [EERO]  # the call logged in the app
    assert now.register.purchases["purchase_id"].nunique() == 4  # the new export whole: its rows were not edited
    assert now.edits == 2
    assert len(workspace.uploads()) == 2  # the earlier version, with its three edits, can come back


def test_a_file_added_to_a_register_of_one_file_joins_it_and_its_edits_stay(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    import_files(workspace, [CUSTOMERS])
    save_changes(
        workspace,
        [{"op": "set", "sheet": "customers", "key": HELMI, "field": "city", "old": "Helsinki", "new": "Turku"}],
    )

    now = add_files(workspace, [ORDERS])

    assert now.upload.file_name == "asiakkaat.csv + orders_export_1.csv"
    assert now.register.customers.set_index("customer_id").loc[HELMI, "city"] == "Turku"
    assert len(now.register.purchases) == 4


def test_the_updated_workbook_of_a_register_of_several_files_holds_every_file_s_sheets(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    import_files(workspace, [CUSTOMERS, ORDERS])
    save_changes(
        workspace,
        [{"op": "set", "sheet": "customers", "key": AINO, "field": "city", "old": "Helsinki", "new": "Espoo"}],
    )
    now = current_register(workspace)
    assert now is not None

    written = updated_workbook(workspace, now)

    assert written.file_name == "asiakkaat (updated).xlsx"
    sheets = parse_workbook(written.data, written.file_name)
    assert [sheet.name for sheet in sheets] == ["asiakkaat", "orders_export_1"]
    again, _ = build_register(sheets)
    assert len(again.customers) == 10 and again.purchases["purchase_id"].nunique() == 3
    assert again.customers.set_index("customer_id").loc[AINO, "city"] == "Espoo"


def test_forgetting_a_person_reaches_every_file_of_the_register_and_it_stays_several_files(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    survey = Part("survey.csv", b"Timestamp,Email Address,Anything else?\r\n2026/10/03,x@y.fi,Great\r\n")
    import_files(workspace, [CUSTOMERS, ORDERS, survey])

    forget_customer(workspace, AINO)

    upload = workspace.latest_upload()
    assert upload is not None
    data = workspace.upload_data(upload.id)
    assert is_bundle(data)
    parts = unpack(data, MAX_FILE_BYTES)
    for part in parts:
        text = part.data if not part.data.startswith(b"PK") else _unzipped(part.data)
        assert AINO.encode() not in text, part.name
    assert parts[2].data == survey.data  # the file that held nothing of her, untouched
    now = current_register(workspace)
    assert now is not None
    assert AINO not in set(now.register.customers["customer_id"])
    assert len(now.register.customers) == 9 and now.register.purchases["purchase_id"].nunique() == 1


def _unzipped(data: bytes) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return b"".join(archive.read(name) for name in archive.namelist())


def test_the_command_line_imports_several_files_as_one_register(tmp_path, monkeypatch):
    for part in (CUSTOMERS, ORDERS):
        (tmp_path / part.name).write_bytes(part.data)
    folder = tmp_path / "ws"
    monkeypatch.setenv("LADDER_WORKSPACE", str(folder))

    result = run("import", str(tmp_path / CUSTOMERS.name), str(tmp_path / ORDERS.name))

    assert result.returncode == 0, result.stderr
    assert "asiakkaat.csv + orders_export_1.csv: 10 customers" in result.stdout
    now = current_register(Workspace(folder))
    assert now is not None and isinstance(now.register.purchases, pd.DataFrame)
    assert now.register.purchases["purchase_id"].nunique() == 3


def test_a_person_listed_twice_who_said_no_on_one_row_reaches_no_list_whichever_row_is_kept(tmp_path):
    shop = Part(
        "customers_export.csv",
        b"Email,First Name,Last Name,Accepts Email Marketing\n"
        b"aino.virtanen@posti.fi,Aino,Virtanen,yes\nonni@heikkinen.net,Onni,Heikkinen,yes\n",
    )
    unsubscribed = Part(
        "newsletter.csv",
        "sähköposti;nimi;uutiskirje;markkinointikielto\r\n"
        "AINO.VIRTANEN@posti.fi;Aino Virtanen;ei;14.11.2026\r\n".encode("utf-8-sig"),
    )
    for part in (shop, unsubscribed):
        (tmp_path / part.name).write_bytes(part.data)

    listed = run(
        "export",
        str(tmp_path / shop.name),
        str(tmp_path / unsubscribed.name),
        "--channel",
        "email",
        "-o",
        str(tmp_path / "list.csv"),
        "--json",
    )

    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["exported"] == 1
    assert "aino" not in (tmp_path / "list.csv").read_text().casefold()
    workspace = Workspace(tmp_path / "ws")
    now = import_files(workspace, [shop, unsubscribed])
    aino = now.register.customers.set_index("customer_id").loc["aino.virtanen@posti.fi"]
    assert aino["consent_email"] == False  # noqa: E712 - a "no", not a missing answer
    assert str(aino["opted_out_at"].date()) == "2026-11-14"


def test_a_file_that_changes_the_sheet_names_of_the_files_after_it_keeps_their_edits_on_the_right_rows(tmp_path):
    customers = write_xlsx(tmp_path / "c.xlsx", {"Sheet1": [["Customer id", "Name"], ["A1", "Ann"], ["B2", "Ben"]]})
    purchases = [["Customer id", "Date", "Amount"], ["A1", "01.10.2026", 10], ["B2", "02.10.2026", 20]]
    orders_file = write_xlsx(tmp_path / "o.xlsx", {"Sheet1": purchases})
    renamed = write_xlsx(tmp_path / "c2.xlsx", {"Kliendid": [["Customer id", "Name"], ["A1", "Ann"], ["B2", "Ben"]]})
    workspace = Workspace(tmp_path / "ws")
    first = import_files(workspace, [Part("c.xlsx", customers.read_bytes()), Part("o.xlsx", orders_file.read_bytes())])
    assert list(first.register.purchases["_key"]) == ["o – Sheet1!2", "o – Sheet1!3"]  # two Sheet1s told apart
    save_changes(workspace, [{"op": "set", "sheet": "purchases", "key": "o – Sheet1!3", "field": "amount",
                              "old": "20", "new": "25"}])  # fmt: skip

    now = add_files(workspace, [Part("c2.xlsx", renamed.read_bytes())], in_place_of=0)

    assert list(now.register.purchases["_key"]) == ["Sheet1!2", "Sheet1!3"]  # no clash left: its own name
    assert list(now.register.purchases["amount"]) == [10.0, 25.0]  # the edit, on Ben's purchase still
    assert now.edits == 1


def test_rows_added_in_the_app_are_not_carried_into_a_file_that_brings_rows_of_that_kind_itself(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    import_files(workspace, [CUSTOMERS, ORDERS])
    save_changes(workspace, new_row("actions", {"customer_id": EERO, "date": "2026-11-25", "channel": "phone"}))
    with_actions = orders(
        "orders_and_calls.csv", *ORDERS.data.decode().splitlines()[1:]
    )  # an orders file: the logged call is not in it, so it comes along
    now = add_files(workspace, [with_actions], in_place_of=1)
    assert len(now.register.actions) == 1
    calls = write_xlsx(
        tmp_path / "calls.xlsx",
        {"Actions": [["Customer id", "Date", "Channel", "Outcome"], [EERO, "25.11.2026", "phone", "reached"]]},
    )

    now = add_files(workspace, [Part("calls.xlsx", calls.read_bytes())])

    assert list(now.register.actions["_sheet"]) == ["Actions"]  # the call once, as the file brings it


def test_an_order_with_a_new_e_mail_but_a_known_phone_is_that_customer_s_however_the_number_is_written(tmp_path):
    people = Part(
        "klienci.csv",
        "E-mail;Telefon;Imię i nazwisko\r\nala@example.pl;+48 601 234 567;Ala Nowak\r\n".encode("utf-8-sig"),
    )
    bought = Part(
        "zamowienia.csv",
        b"Email,Phone,Total,Created at\nala.nowak@firma.pl,601-234-567,120,2026-11-02\nnew@x.pl,,30,2026-11-03\n",
    )

    now = import_files(Workspace(tmp_path / "ws"), [people, bought])

    assert list(now.register.purchases["customer_id"]) == ["ala@example.pl", "new@x.pl"]


def test_an_orders_export_with_amounts_written_with_their_cents_is_written_back(tmp_path):
    with_cents = Part("orders_export.csv", ORDERS.data.replace(b",EUR,,", b",EUR,49.90,"))
    workspace = Workspace(tmp_path / "ws")
    now = import_files(workspace, [CUSTOMERS, with_cents])

    written = updated_workbook(workspace, now)

    sheets = {sheet.name: sheet for sheet in parse_workbook(written.data, written.file_name)}
    subtotals = sheets["orders_export"].cells.iloc[1:, 8].dropna().tolist()
    assert subtotals == ["49.9", "49.9", "49.9"]  # the same amounts, now numbers Excel can add up


def test_a_buyer_s_e_mail_consent_in_the_orders_export_holds_for_a_customers_list_that_has_no_consent_column(
    tmp_path,
):
    for part in (CUSTOMERS, ORDERS):
        (tmp_path / part.name).write_bytes(part.data)

    listed = run(
        "export", str(tmp_path / CUSTOMERS.name), str(tmp_path / ORDERS.name), "--channel", "email",
        "-o", str(tmp_path / "list.csv"), "--json",
    )  # fmt: skip

    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["exported"] == 0  # Aino and Eero said no to marketing at the checkout
    said_yes = Part(ORDERS.name, ORDERS.data.replace(b",no,EUR", b",yes,EUR"))
    now = import_files(Workspace(tmp_path / "ws"), [CUSTOMERS, said_yes])
    consent = now.register.customers.set_index("customer_id")["consent_email"]
    assert (consent[AINO], consent[EERO.lower()]) == (True, True)  # their latest orders' "Accepts Marketing: yes"
    assert consent.isna().sum() == 8  # the others never ordered: nothing known
