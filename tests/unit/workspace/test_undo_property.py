"""Whatever a person does to the register, the journal replays it, and undoing it step by step gives back
each earlier register exactly: every sheet, every value, every type."""

from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.reading.register import Register
from lib.service.changes import save_changes
from lib.service.registers import current_register, import_workbook
from lib.workspace.edits import new_row, text_of
from lib.workspace.repository import Workspace
from tests.conftest import write_xlsx

CUSTOMERS = [
    ["Customer id", "Name", "E-mail", "City", "Birth date", "Email consent"],
    ["C1", "Anna", "anna@example.com", "Tallinn", date(1990, 1, 1), "yes"],
    ["C2", "Bert", "bert@example.com", None, None, "no"],
    ["C3", "Cleo", None, "Tartu", None, None],
    ["C4", "Dora", "dora@example.com", "Pärnu", date(1985, 6, 30), "yes"],
]
PURCHASES = [
    ["Customer id", "Date", "Amount"],
    ["C1", date(2026, 9, 1), 40],
    ["C1", date(2026, 10, 1), 25.5],
    ["C4", date(2026, 10, 12), 60],
]
IDS = ["C1", "C2", "C3", "C4"]

a_value = st.one_of(
    st.none(),
    st.sampled_from(["Tartu", "Anna-Liisa", "0", "=1+1", "  spaced  ", "Łódź", "ÕÄÖÜ"]),
    st.text(alphabet="abcxyzäö -", min_size=1, max_size=8),
)
a_step = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(IDS), st.sampled_from(["name", "city"]), a_value),
    st.tuples(st.just("email"), st.sampled_from(IDS), st.sampled_from(["new@example.ee", "bad address", None])),
    st.tuples(st.just("birth"), st.sampled_from(IDS), st.sampled_from(["2001-02-03", "1970-12-31", None])),
    st.tuples(st.just("add"), st.sampled_from(["N1", "N2"]), a_value),
    st.tuples(st.just("delete"), st.sampled_from([*IDS, "N1"])),
    st.tuples(st.just("action"), st.sampled_from(IDS), st.sampled_from(["call", "email"])),
)


def frames(register: Register) -> dict[str, pd.DataFrame]:
    """Every sheet as a person sees it: the internal row keys of added rows are not part of the data."""
    return {
        kind: register.frame(kind).drop(columns=["_key"], errors="ignore").reset_index(drop=True)
        for kind in ("customers", "purchases", "feedback", "actions")
    }


def changes_for(step: tuple, customers: pd.DataFrame) -> list[dict]:
    """The changes a page would send for one step, with the old values the page showed."""
    rows = customers.set_index("customer_id")
    kind, who = step[0], step[1]
    if kind == "add":
        return [
            {"op": "add", "sheet": "customers", "key": who, "field": None, "old": None, "new": None},
            {"op": "set", "sheet": "customers", "key": who, "field": "customer_id", "old": None, "new": who},
        ] + (
            [{"op": "set", "sheet": "customers", "key": who, "field": "name", "old": None, "new": step[2]}]
            if step[2]
            else []
        )
    if kind == "action":
        return new_row("actions", {"customer_id": who, "kind": step[2], "done_date": "2026-11-20"})
    if who not in rows.index:
        return [{"op": "delete", "sheet": "customers", "key": who, "field": None, "old": None, "new": None}]
    if kind == "delete":
        return [{"op": "delete", "sheet": "customers", "key": who, "field": None, "old": None, "new": None}]
    field_name = {"email": "email", "birth": "birth_date"}.get(kind, step[2] if kind == "set" else "")
    new = step[-1]
    old = text_of(rows.at[who, field_name]) if field_name in rows.columns else None
    return [{"op": "set", "sheet": "customers", "key": who, "field": field_name, "old": old, "new": text_of(new)}]


def holds_what_was_kept(
    register: Register, earlier: dict[str, pd.DataFrame], step: tuple, entries: pd.DataFrame
) -> None:
    """The replayed register shows what the journal kept: the new value in its cell, the row added or gone."""
    kind, who = step[0], step[1]
    if kind == "action":
        assert len(register.actions) == len(earlier["actions"]) + 1
    elif kind == "delete":
        assert who not in set(register.customers["customer_id"])
    elif kind == "add":
        assert who in set(register.customers["customer_id"])
    else:
        rows = register.customers.set_index("_key")
        for entry in entries.itertuples():
            assert text_of(rows.at[entry.key, entry.field]) == text_of(entry.new), (entry.field, entry.new)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(a_step, min_size=1, max_size=6))
def test_undoing_each_change_in_turn_gives_back_each_earlier_register_exactly(tmp_path_factory, steps):
    folder = tmp_path_factory.mktemp("undo")
    workspace = Workspace(folder / "ws")
    path = write_xlsx(folder / "register.xlsx", {"Customers": CUSTOMERS, "Purchases": PURCHASES})
    upload = import_workbook(workspace, path.name, path.read_bytes()).upload.id
    states = [frames(current_register(workspace).register)]
    done: list[list[int]] = []
    for step in steps:
        before = set(workspace.journal(upload)["id"])
        review = save_changes(workspace, changes_for(step, current_register(workspace).register.customers))
        added = sorted(set(workspace.journal(upload)["id"]) - before)
        if not added:
            assert not review.accepted  # nothing kept is nothing journalled
            continue
        done.append([int(entry) for entry in added])
        replayed = current_register(workspace).register  # the upload's snapshot with the journal replayed
        holds_what_was_kept(replayed, states[-1], step, workspace.journal(upload).set_index("id").loc[added])
        states.append(frames(replayed))
    while done:
        assert workspace.undo_many(upload, done.pop(), "local") is None  # the last thing done never has dependants
        states.pop()
        for kind, frame in frames(current_register(workspace).register).items():
            pd.testing.assert_frame_equal(frame, states[-1][kind], obj=kind)
    assert not workspace.history(upload)["undone_at"].isna().any()  # everything undone
