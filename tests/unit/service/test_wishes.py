"""What a person asked for holds beyond any one workbook: withdrawn consent and a wish not to be contacted.

Each test goes through the service every door uses (and the command line where it is a door), on a
small register written the way a marketer would type it.
"""

from datetime import date

import pytest

from lib.reading.wishes import NEVER, wish_days
from lib.service.changes import save_changes
from lib.service.outreach import analyse, consent_record, contact_list, due_contacts
from lib.service.registers import confirm_held_settings, current_register, file_register, import_workbook
from lib.settings import Settings
from lib.workspace.access import NotAllowed, Role, User
from lib.workspace.repository import Workspace
from tests.conftest import write_xlsx

DAY = date(2026, 11, 20)
HEADER = ["Customer ID", "Name", "E-mail", "Phone", "Country", "E-mail consent", "SMS consent", "Contact frequency"]


def register(path, rows):
    """A register with a purchase and a December birthday each, so everyone is an existing customer with a plan."""
    people = [[*HEADER, "Birth date"]] + [[*row, date(1990, 12, 5)] for row in rows]
    purchases = [["Customer ID", "Date", "Amount"]] + [[row[0], date(2026, 10, 1), 50] for row in rows]
    return write_xlsx(path, {"Customers": people, "Purchases": purchases}).read_bytes()


PEOPLE = [
    ["A1", "Anna Tamm", "anna@example.ee", "+372 5100 0001", "EE", "yes", "yes", ""],
    ["B2", "Bert Kask", "bert@example.ee", "+372 5100 0002", "EE", "yes", "yes", ""],
    ["C3", "Cili Mets", "cili@example.ee", "+372 5100 0003", "EE", "yes", "yes", ""],
]


def emails(workspace: Workspace) -> set[str]:
    now = current_register(workspace)
    assert now is not None
    settings = workspace.settings()
    view = analyse(now.register, DAY, settings, now.suppressed)
    listed = contact_list(now.register, view, "email", DAY, settings, selection=None, suppressed=now.suppressed)
    return set(listed.rows["email"])


def consent(key: str, channel: str, old: str | None, new: str) -> dict:
    return {"op": "set", "sheet": "customers", "key": key, "field": f"consent_{channel}", "old": old, "new": new}


def test_consent_withdrawn_by_an_edit_is_not_given_back_by_an_older_copy(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    old = register(tmp_path / "old.xlsx", PEOPLE)
    import_workbook(workspace, "register.xlsx", old)
    assert emails(workspace) == {"anna@example.ee", "bert@example.ee", "cili@example.ee"}
    review = save_changes(workspace, [consent("A1", "email", "yes", "no")])
    assert review.accepted and not review.refused
    assert "anna@example.ee" not in emails(workspace)

    import_workbook(workspace, "register (copy from October).xlsx", old)  # still says yes
    assert "anna@example.ee" not in emails(workspace)
    now = current_register(workspace)
    assert now is not None
    anna = now.register.customers.set_index("customer_id").loc["A1"]
    assert anna["consent_email"] is False or anna["consent_email"] == False  # noqa: E712 - shown as it holds
    assert bool(anna["consent_sms"])  # another channel's consent is untouched
    sms = contact_list(
        now.register,
        analyse(now.register, DAY, Settings(), now.suppressed),
        "sms",
        DAY,
        Settings(),
        selection=None,
        suppressed=now.suppressed,
    )
    assert len(sms.rows) == 3
    # the written-back workbook keeps the stored cells: the withdrawal lives in the workspace's record
    assert bool(now.as_stored.customers.set_index("customer_id").loc["A1", "consent_email"])

    record = consent_record(workspace, now.register, "A1")
    assert list(record["channel"]) == ["email"] and list(record["given"]) == [False]
    assert list(record["source"]) == ["edit"] and record.iloc[0]["user"]


def test_a_later_upload_saying_no_is_a_withdrawal_and_only_an_editor_s_yes_lifts_it(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "register.xlsx", register(tmp_path / "a.xlsx", PEOPLE))
    said_no = [PEOPLE[0], [*PEOPLE[1][:5], "no", "yes", ""], PEOPLE[2]]
    import_workbook(workspace, "register.xlsx", register(tmp_path / "b.xlsx", said_no))
    assert "bert@example.ee" not in emails(workspace)
    import_workbook(workspace, "register.xlsx", register(tmp_path / "c.xlsx", PEOPLE))  # yes again in a file
    assert "bert@example.ee" not in emails(workspace)

    review = save_changes(workspace, [consent("B2", "email", "no", "yes")])  # the page shows "no": it holds
    assert review.accepted and not review.refused
    assert "bert@example.ee" in emails(workspace)
    now = current_register(workspace)
    assert now is not None
    record = consent_record(workspace, now.register, "B2")
    assert list(zip(record["given"], record["source"], strict=True)) == [(False, "upload"), (True, "edit")]


def test_a_bulk_withdrawal_is_remembered_for_everyone_in_it(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    data = register(tmp_path / "a.xlsx", PEOPLE)
    import_workbook(workspace, "register.xlsx", data)
    save_changes(workspace, [consent(key, "email", "yes", "no") for key in ("A1", "B2")])
    import_workbook(workspace, "register.xlsx", data)
    assert emails(workspace) == {"cili@example.ee"}
    # an outside copy read under the workspace's record, as the command line reads FILE
    outside, suppressed = file_register(workspace, "a.xlsx", data)
    listed = contact_list(
        outside,
        analyse(outside, DAY, Settings(), suppressed),
        "email",
        DAY,
        Settings(),
        selection=None,
        suppressed=suppressed,
    )
    assert set(listed.rows["email"]) == {"cili@example.ee"}


@pytest.mark.parametrize(
    "wish",
    [
        "never",
        "do not contact",
        "ei soovi",
        "ei koskaan",
        "ei yhteydenottoja",
        "nesikreipti",
        "nie kontaktować",
        "nigdy",
    ],
)
def test_a_wish_not_to_be_contacted_keeps_them_off_every_list_and_the_plan(tmp_path, wish):
    workspace = Workspace(tmp_path / "ws")
    people = [[*PEOPLE[0][:7], wish], PEOPLE[1]]
    import_workbook(workspace, "register.xlsx", register(tmp_path / "a.xlsx", people))
    now = current_register(workspace)
    assert now is not None
    settings = Settings(plan_hot_days=1)
    view = analyse(now.register, DAY, settings, now.suppressed)
    assert view.set_index("customer_id").loc["A1", "opted_out"]
    for channel in ("email", "sms", "phone", "post"):
        listed = contact_list(now.register, view, channel, DAY, settings, selection=None, suppressed=now.suppressed)
        assert "A1" in set(listed.left_out["customer_id"]) or channel == "post"
        assert "A1" not in set(listed.left_out.loc[listed.left_out["reason"] != "opted_out", "customer_id"])
    plan = due_contacts(now.register, view, DAY, settings, until=date(2027, 12, 31))
    assert "A1" not in set(plan["customer_id"])
    baseline = Workspace(tmp_path / "baseline")  # the same register without the wish: A1 is planned
    import_workbook(baseline, "register.xlsx", register(tmp_path / "b.xlsx", PEOPLE[:2]))
    was = current_register(baseline)
    assert was is not None
    view = analyse(was.register, DAY, settings, was.suppressed)
    assert "A1" in set(due_contacts(was.register, view, DAY, settings, until=date(2027, 12, 31))["customer_id"])


@pytest.mark.parametrize(
    ("wish", "days"),
    [
        ("kerran vuodessa", 365),
        ("raz na kwartał", 91),
        ("once a year", 365),
        ("co dwa tygodnie", 14),
        ("every 2 months", 60),
        ("kord kuus", 30),
        ("twice a month", 15),
        ("kaks korda aastas", 182.5),
        ("kas dvi savaites", 14),
        ("kahden viikon välein", 14),
        ("dwa razy w miesiącu", 15),
        ("iga kahe nädala tagant", 14),
        ("weekly", 7),
        ("", 0),
        ("never", NEVER),
        ("don’t contact", NEVER),  # the apostrophe Excel's autocorrect writes
        ("once every 2 months", 60),
        ("kerran kolmessa kuukaudessa", 90),
        ("kuuden kuukauden välein", 180),
        ("iga kuue kuu tagant", 180),
        ("2x per month", 15),
        ("ei soovi rohkem kui kord kuus", 30),  # a limit, not a refusal
        ("nie chce więcej niż raz w miesiącu", 30),
        ("whenever", None),  # not understood: a quality note, never a silent "no limit" or "never"
        ("never on Sunday", None),
        ("weekdays only", None),
    ],
)
def test_rare_contact_wishes_are_understood_exactly(wish, days):
    assert wish_days(wish) == days


def test_an_unclear_wish_is_a_data_quality_note_naming_the_cell(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    people = [[*PEOPLE[0][:7], "when the moon is full"], PEOPLE[1]]
    current = import_workbook(workspace, "register.xlsx", register(tmp_path / "a.xlsx", people))
    notes = [p for p in current.problems if p.code == "unclear_wish"]
    assert len(notes) == 1
    assert (notes[0].sheet, notes[0].row, notes[0].column) == ("Customers", 2, "Contact frequency")
    assert "when the moon is full" in notes[0].message("en")


def test_an_uploaded_workbook_never_loosens_the_consent_law_without_an_editor(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    assert workspace.settings().prior_consent_countries == "PL"
    pole = ["P1", "Piotr Nowak", "piotr@example.pl", "+48 512 345 678", "PL", "", "", ""]
    customers = [HEADER, PEOPLE[0], pole]  # no birthdays needed here
    settings = [
        ["setting", "value"],
        ["prior_consent_countries", ""],
        ["existing_customer_exception", 1],
        ["exception_countries", "EE, LV, LT, FI, PL"],
        ["currency", "PLN"],
        ["plan_hot_days", None],  # an empty value: that setting is simply not carried
    ]
    purchases = [["Customer ID", "Date", "Amount"], ["A1", date(2026, 10, 1), 50], ["P1", date(2026, 10, 1), 80]]
    data = write_xlsx(
        tmp_path / "carried.xlsx",
        {"Customers": customers, "Purchases": purchases, "Loyalty Ladder settings": settings},
    ).read_bytes()
    import_workbook(workspace, "carried.xlsx", data, "anna")
    held = workspace.settings()
    assert held.currency == "PLN"  # a harmless setting is taken
    assert (held.prior_consent_countries, held.existing_customer_exception) == ("PL", 0)
    assert "piotr@example.pl" not in emails(workspace)
    record = workspace.carried_settings()
    assert record["applied"] == ["currency"]
    assert set(record["held"]) == {"prior_consent_countries", "existing_customer_exception", "exception_countries"}

    with pytest.raises(NotAllowed):
        confirm_held_settings(workspace, User("boss", Role.VIEWER))
    confirmed = confirm_held_settings(workspace, User("anna", Role.EDITOR))
    assert confirmed.prior_consent_countries == "" and confirmed.existing_customer_exception == 1
    assert "piotr@example.pl" in emails(workspace)  # now the editor's decision, on the exception
    assert not workspace.carried_settings()["held"]


def test_undoing_an_editor_s_yes_withdraws_the_consent_again(tmp_path):
    from lib.service.changes import undo

    workspace = Workspace(tmp_path / "ws")
    said_no = [[*PEOPLE[0][:5], "no", "yes", ""], PEOPLE[1]]
    import_workbook(workspace, "register.xlsx", register(tmp_path / "a.xlsx", said_no))
    import_workbook(workspace, "register (older).xlsx", register(tmp_path / "b.xlsx", PEOPLE))  # says yes
    assert "anna@example.ee" not in emails(workspace)
    save_changes(workspace, [consent("A1", "email", "no", "yes")])
    assert "anna@example.ee" in emails(workspace)
    now = current_register(workspace)
    assert now is not None
    assert undo(workspace, now.upload.id, None) is None
    assert "anna@example.ee" not in emails(workspace)
    record = consent_record(workspace, now.register, "A1")
    assert list(record["given"]) == [False, True, False]


def test_a_customer_with_neither_e_mail_nor_phone_is_remembered_by_their_id(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    header = ["Customer ID", "Name", "Address", "City", "Post consent"]
    purchases = [["Customer ID", "Date", "Amount"], ["L1", date(2026, 10, 1), 30], ["L2", date(2026, 10, 1), 30]]

    def letters(name, consent):
        rows = [header, ["L1", "Liis Lepp", "Pargi 3", "Viljandi", consent], ["L2", "Olev Ots", "Oja 1", "Võru", "yes"]]
        return write_xlsx(tmp_path / name, {"Customers": rows, "Purchases": purchases}).read_bytes()

    import_workbook(workspace, "register.xlsx", letters("new.xlsx", "no"))
    import_workbook(workspace, "register (older).xlsx", letters("old.xlsx", "yes"))
    now = current_register(workspace)
    assert now is not None
    view = analyse(now.register, DAY, Settings(), now.suppressed)
    post = contact_list(now.register, view, "post", DAY, Settings(), selection=None, suppressed=now.suppressed)
    assert set(post.rows["address"]) == {"Oja 1"}


def test_opt_outs_made_by_an_edit_and_by_the_bulk_change_hold_when_the_workbook_is_uploaded_again(tmp_path):
    """Not only opt-outs the workbook itself says: one typed on a customer and one set for a group with the
    bulk change are remembered when the unchanged workbook comes back, on the list and in the plan."""
    from lib.workspace.edits import bulk_changes

    workspace = Workspace(tmp_path / "ws")
    data = register(tmp_path / "a.xlsx", PEOPLE)
    now = import_workbook(workspace, "register.xlsx", data)
    everyone = {"anna@example.ee", "bert@example.ee", "cili@example.ee"}
    assert emails(workspace) == everyone
    typed = {"op": "set", "sheet": "customers", "key": "A1", "field": "opted_out_at", "old": None, "new": "2026-11-10"}
    assert save_changes(workspace, [typed]).accepted
    group = now.register.customers[now.register.customers["customer_id"] == "B2"]
    assert save_changes(workspace, bulk_changes(group, "opted_out_at", date(2026, 11, 11))).accepted
    assert emails(workspace) == {"cili@example.ee"}

    import_workbook(workspace, "register.xlsx", data)  # the same file again: it says nobody opted out
    again = current_register(workspace)
    assert again is not None and again.edits == 0  # a new upload: the edits are not what keeps them off
    assert emails(workspace) == {"cili@example.ee"}
    view = analyse(again.register, DAY, Settings(), again.suppressed)
    plan = due_contacts(again.register, view, DAY, Settings(), until=date(2027, 12, 31))
    assert not {"A1", "B2"} & set(plan["customer_id"])  # A1, the top customer, is otherwise due a reward
