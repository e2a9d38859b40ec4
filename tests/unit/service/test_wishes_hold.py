"""A property: whatever happens to a register over time, nobody who said no reaches any list.

Any register of a few people, then any sequence of opt-outs, consent withdrawals and consents given
again, wishes not to be contacted, erasures, other edits and re-uploads of the first (older) copy:
no contact list of any channel, no call list, no plan row and no exported file holds a person who
opted out, withdrew that channel's consent (and was not given it again by an editor), asked not to
be contacted (in a wish, or as a contact's outcome: "unsubscribed"), or was erased.
"""

import re
from datetime import date

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lib.exports.contacts import call_list
from lib.reading.register import Register
from lib.service.changes import forget_customer, save_changes
from lib.service.outreach import analyse, contact_file, contact_list, due_contacts
from lib.service.registers import current_register, import_workbook
from lib.settings import Settings
from lib.workspace.edits import new_row, text_of
from lib.workspace.repository import Workspace
from tests.conftest import write_xlsx

DAY = date(2026, 11, 20)
CHANNELS = ("email", "sms", "phone", "post")
SETTINGS = Settings(plan_hot_days=1, existing_customer_exception=1)
CONSENT = st.sampled_from(["yes", "no", ""])

person = st.fixed_dictionaries(
    {"email": CONSENT, "sms": CONSENT, "phone": CONSENT, "post": CONSENT, "shared_email": st.booleans()}
)
step = st.one_of(
    st.tuples(st.just("opt_out"), st.integers(0, 3)),
    st.tuples(st.just("withdraw"), st.integers(0, 3), st.sampled_from(CHANNELS)),
    st.tuples(st.just("give"), st.integers(0, 3), st.sampled_from(CHANNELS)),
    st.tuples(st.just("never"), st.integers(0, 3)),
    st.tuples(st.just("unsubscribed"), st.integers(0, 3)),
    st.tuples(st.just("erase"), st.integers(0, 3)),
    st.tuples(st.just("city"), st.integers(0, 3)),
    st.tuples(
        st.just("old_copy"),
    ),
)


def workbook(path, people) -> bytes:
    header = ["Customer ID", "Name", "E-mail", "Phone", "Address", "City", "Country", "Birth date"]
    header += [f"{c} consent" for c in ("E-mail", "SMS", "Phone", "Post")]
    rows = []
    for number, who in enumerate(people):
        email = "shared@example.ee" if who["shared_email"] else f"p{number}@example.ee"
        rows.append(
            [f"K{number}", f"Person {number}", email, f"+372 5100 000{number}", f"Tee {number}", "Tallinn", "EE"]
            + [date(1990, 12, 1 + number)]
            + [who[c] for c in CHANNELS]
        )
    purchases = [["Customer ID", "Date", "Amount"]] + [[f"K{n}", date(2026, 10, 1), 40] for n in range(len(people))]
    return write_xlsx(path, {"Customers": [header, *rows], "Purchases": purchases}).read_bytes()


def identities(people) -> list[set[str]]:
    """Each person's e-mail and phone digits: what a list row can be recognised by."""
    return [
        {"shared@example.ee" if who["shared_email"] else f"p{n}@example.ee", f"25100000{n}", f"Tee {n}"}
        for n, who in enumerate(people)
    ]


def row_keys(rows) -> set[str]:
    keys = set()
    for record in rows.to_dict("records"):
        for column in ("email", "address"):
            if isinstance(record.get(column), str):
                keys.add(record[column])
        if isinstance(record.get("phone"), str):
            keys.add(re.sub(r"\D", "", record["phone"])[-9:])
    return keys


def change(key: str, field: str, new: str | None, now: Register) -> dict:
    """A change as the Customers table makes it: the old value as the page showed it."""
    old = text_of(now.customers.set_index("customer_id").at[key, field])
    return {"op": "set", "sheet": "customers", "key": key, "field": field, "old": old, "new": new}


YES = {"email": "yes", "sms": "yes", "phone": "yes", "post": "yes", "shared_email": False}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(people=st.lists(person, min_size=2, max_size=4), steps=st.lists(step, max_size=6))
@example(people=[YES, YES], steps=[("withdraw", 0, "email"), ("old_copy",)])  # the paths seen to fail once
@example(people=[YES, YES], steps=[("withdraw", 1, "sms"), ("give", 1, "sms"), ("withdraw", 1, "sms"), ("old_copy",)])
@example(people=[YES, YES], steps=[("opt_out", 0), ("never", 1), ("old_copy",)])
@example(people=[YES, YES], steps=[("unsubscribed", 0), ("old_copy",)])
@example(
    people=[YES, {**YES, "shared_email": True}, {**YES, "shared_email": True}], steps=[("erase", 1), ("old_copy",)]
)
def test_nobody_who_said_no_reaches_any_list_by_any_path(tmp_path_factory, people, steps):
    folder = tmp_path_factory.mktemp("wishes")
    workspace = Workspace(folder / "ws")
    original = workbook(folder / "register.xlsx", people)
    import_workbook(workspace, "register.xlsx", original)
    everyone = identities(people)
    refused_all: set[int] = set()
    withdrawn = {c: {n for n, who in enumerate(people) if who[c] == "no"} for c in CHANNELS}
    for action, *args in steps:
        now = current_register(workspace)
        assert now is not None
        if action == "old_copy":
            import_workbook(workspace, "register (old copy).xlsx", original)
            continue
        number = args[0] % len(people)
        key = f"K{number}"
        if key not in set(now.register.customers["customer_id"]) or number in refused_all:
            continue
        if action == "opt_out":
            save_changes(workspace, [change(key, "opted_out_at", "2026-11-01", now.register)])
            refused_all.add(number)
        elif action == "never":
            save_changes(workspace, [change(key, "preferred_contact_frequency", "ei soovi", now.register)])
            refused_all.add(number)
        elif action == "unsubscribed":  # a contact logged with what the person said
            values = {"customer_id": key, "kind": "call", "done": "2026-11-02", "outcome": "wypisała się z newslettera"}
            save_changes(workspace, new_row("actions", values))
            refused_all.add(number)
        elif action == "erase":
            forget_customer(workspace, key)
            refused_all.add(number)
        elif action == "withdraw":
            save_changes(workspace, [change(key, f"consent_{args[1]}", "no", now.register)])
            withdrawn[args[1]].add(number)
        elif action == "give" and not people[number]["shared_email"]:
            review = save_changes(workspace, [change(key, f"consent_{args[1]}", "yes", now.register)])
            if review.accepted:
                withdrawn[args[1]].discard(number)  # an editor's yes, after the withdrawal, lifts it
        elif action == "city":
            save_changes(workspace, [change(key, "city", "Tartu", now.register)])

    now = current_register(workspace)
    assert now is not None
    view = analyse(now.register, DAY, SETTINGS, now.suppressed)
    plan = due_contacts(now.register, view, DAY, SETTINGS, until=date(2027, 12, 31))
    for channel in CHANNELS:
        forbidden = set().union(*(everyone[n] for n in refused_all | withdrawn[channel]))
        listed = contact_list(now.register, view, channel, DAY, SETTINGS, selection=None, suppressed=now.suppressed)
        assert not row_keys(listed.rows) & forbidden, (channel, steps)
        exported = contact_file(listed, "csv").decode("utf-8")
        assert not [key for key in forbidden if key in exported], (channel, steps)
        planned = plan[plan["channel"] == channel]
        planned_people = {int(key[1:]) for key in planned["customer_id"]}
        assert not planned_people & (refused_all | withdrawn[channel]), (channel, steps)
        if channel in ("phone", "sms"):
            calls = call_list(
                now.register.customers, plan, planned["rule"], DAY, suppressed=now.suppressed, channel=channel
            )
            assert not row_keys(calls.rows) & forbidden, (channel, steps)
