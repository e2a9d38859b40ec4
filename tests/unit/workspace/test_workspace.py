"""The workspace keeps every upload and edit in its store, across processes and restarts.

Every test here runs twice: on a SQLite file and on a real PostgreSQL server.
"""

import os
import sqlite3
import subprocess
import sys

import pandas as pd
import pytest

from lib.reading.register import MappingOverrides, RegisterError
from lib.reading.workbook import WorkbookError
from lib.service.registers import correct_mapping, current_register, import_workbook
from lib.workspace.repository import Workspace
from tests.conftest import AS_OF, ROOT, SAMPLE


@pytest.fixture
def workspace(store_url, request):
    """An empty workspace; with the ``with_sample`` mark, one holding the imported sample register."""
    return Workspace(url=store_url("ws", sample=request.node.get_closest_marker("with_sample") is not None))


def test_empty_workspace_has_no_register(workspace):
    assert current_register(workspace) is None
    assert workspace.version() == (0, 0, 0, 0, 0)


def test_upload_is_kept_as_a_version_with_its_bytes_and_hash(workspace, sample_bytes):
    now = import_workbook(workspace, "studio_register.xlsx", sample_bytes, "marketer", as_of=AS_OF)
    assert len(now.register.customers) == 2000
    upload = workspace.latest_upload()
    assert (upload.file_name, upload.user, upload.size) == ("studio_register.xlsx", "marketer", len(sample_bytes))
    assert workspace.upload_data(upload.id) == sample_bytes
    assert len(upload.sha256) == 64
    if workspace.is_sqlite:
        with sqlite3.connect(workspace.path) as db:
            assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_new_process_sees_the_workspace_a_previous_process_wrote(store_url, tmp_path):
    env = {**os.environ, "LADDER_WORKSPACE_URL": store_url("shared"), "LADDER_WORKSPACE": str(tmp_path / "unused")}
    write = (
        "from lib.workspace.repository import Workspace; from lib.service.registers import import_workbook; "
        f"import_workbook(Workspace(), 'studio_register.xlsx', open({str(SAMPLE)!r}, 'rb').read())"
    )
    read = (
        "from lib.workspace.repository import Workspace; from lib.service.registers import current_register; "
        "c = current_register(Workspace()); print(len(c.register.customers), c.upload.file_name)"
    )
    subprocess.run([sys.executable, "-c", write], cwd=ROOT, env=env, check=True)
    out = subprocess.run([sys.executable, "-c", read], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["2000", "studio_register.xlsx"]


@pytest.mark.with_sample
def test_an_unreadable_upload_leaves_the_current_register_in_place(workspace, xlsx):
    before = workspace.version()
    with pytest.raises(WorkbookError):
        import_workbook(workspace, "broken.xlsx", b"PK\x03\x04 broken", as_of=AS_OF)
    price_list = xlsx({"Prices": [["Product", "Price"], ["Tan", "8"]]})
    with pytest.raises(RegisterError):
        import_workbook(workspace, "prices.xlsx", price_list.read_bytes(), as_of=AS_OF)
    assert workspace.version() == before
    assert len(workspace.uploads()) == 1
    assert len(current_register(workspace).register.customers) == 2000


def test_a_mapping_correction_is_remembered_for_the_next_upload(workspace, xlsx):
    path = xlsx({"Customers": [["Customer id", "Kto to"], ["A", "Anna"]]})
    import_workbook(workspace, path.name, path.read_bytes(), as_of=AS_OF)
    corrected = correct_mapping(workspace, MappingOverrides(columns={"Customers": {"Kto to": "name"}}), as_of=AS_OF)
    assert corrected.register.customers["name"].tolist() == ["Anna"]
    assert workspace.version()[1] == 2  # the snapshot was re-read
    again = import_workbook(workspace, path.name, path.read_bytes(), as_of=AS_OF)
    assert again.register.customers["name"].tolist() == ["Anna"]


def test_a_correction_that_leaves_nothing_usable_is_not_saved(workspace, xlsx):
    path = xlsx({"Customers": [["Customer id", "Name"], ["A", "Anna"]]})
    import_workbook(workspace, path.name, path.read_bytes(), as_of=AS_OF)
    with pytest.raises(RegisterError):
        correct_mapping(workspace, MappingOverrides(sheets={"Customers": "other"}), as_of=AS_OF)
    assert workspace.overrides() == MappingOverrides()
    assert current_register(workspace).register.customers["name"].tolist() == ["Anna"]


@pytest.mark.with_sample
def test_edit_journal_is_replayed_on_the_current_register(workspace):
    now = current_register(workspace)
    workspace.append_edits(
        now.upload.id,
        "marketer",
        [
            {
                "op": "set",
                "sheet": "customers",
                "key": "10001",
                "field": "email",
                "old": "triin.magi10@studio.ee",
                "new": "triin@example.ee",
            },
        ],
    )
    journal = workspace.journal(now.upload.id)
    assert journal[["user", "key", "field", "old", "new"]].values.tolist() == [
        ["marketer", "10001", "email", "triin.magi10@studio.ee", "triin@example.ee"]
    ]
    again = current_register(Workspace(url=workspace.url))
    assert again.edits == 1
    assert again.register.customers.set_index("customer_id").loc["10001", "email"] == "triin@example.ee"
    assert again.version[2] == int(journal["id"].iloc[-1])


def test_a_new_upload_starts_with_a_clean_journal(workspace, sample_bytes):
    first = import_workbook(workspace, "a.xlsx", sample_bytes, as_of=AS_OF)
    workspace.append_edits(first.upload.id, "m", [{"op": "delete", "sheet": "customers", "key": "10001"}])
    assert len(current_register(workspace).register.customers) == 1999
    import_workbook(workspace, "b.xlsx", sample_bytes, as_of=AS_OF)
    now = current_register(workspace)
    assert (now.edits, len(now.register.customers), len(workspace.uploads())) == (0, 2000, 2)


@pytest.mark.with_sample
def test_the_theme_dictionary_and_settings_travel_in_the_exported_workbook(workspace, store_url):
    from lib.analysis.theme_matching import ThemeMatcher
    from lib.service.registers import updated_workbook

    now = current_register(workspace)
    workspace.save_themes(workspace.themes().with_theme("sauna", "environment", "en", ["sauna", "steam room"]))
    workspace.save_settings(workspace.settings().updated({"churn_horizon_days": 200, "reward_threshold": 750}))
    exported = updated_workbook(workspace, now, carry_settings=True)
    elsewhere = Workspace(url=store_url("another computer"))
    import_workbook(elsewhere, exported.file_name, exported.data, as_of=AS_OF)
    assert elsewhere.settings().churn_horizon_days == 200 and elsewhere.settings().reward_threshold == 750
    assert elsewhere.themes().to_json() == workspace.themes().to_json()
    assert dict(ThemeMatcher(elsewhere.themes()).match("The steam room was cold", "en")) == {"sauna": "steam room"}
    again = updated_workbook(elsewhere, current_register(elsewhere), carry_settings=True)
    import io

    import openpyxl

    names = openpyxl.load_workbook(io.BytesIO(again.data), read_only=True).sheetnames
    assert names == [
        "Customers",
        "Purchases",
        "Feedback",
        "Actions",
        "Price list",
        "Loyalty Ladder themes",
        "Loyalty Ladder settings",
    ]


def test_a_plain_workbook_leaves_the_workspace_settings_alone(workspace, sample_bytes):
    workspace.save_settings(workspace.settings().updated({"cooling_days": 9}))
    import_workbook(workspace, "studio_register.xlsx", sample_bytes, as_of=AS_OF)
    assert workspace.settings().cooling_days == 9


@pytest.mark.with_sample
def test_undo_restores_the_old_value_unless_a_later_change_builds_on_it(workspace):
    from lib.service.changes import save_changes

    now = current_register(workspace)
    city = now.register.customers.set_index("customer_id").at["10001", "city"]
    change = {"op": "set", "sheet": "customers", "key": "10001", "field": "city"}
    save_changes(workspace, [{**change, "old": city, "new": "Tartu"}])
    save_changes(workspace, [{**change, "old": "Tartu", "new": "Pärnu"}])
    first, _second = workspace.journal(now.upload.id)["id"].tolist()
    assert workspace.undo(now.upload.id, first, "me") == "undo_depends"
    version = workspace.version()
    assert workspace.undo(now.upload.id, None, "me") is None  # the last one: Pärnu
    assert workspace.version() != version  # caches see the undo
    assert current_register(workspace).register.customers.set_index("customer_id").at["10001", "city"] == "Tartu"
    assert workspace.undo(now.upload.id, first, "me") is None
    assert current_register(workspace).register.customers.set_index("customer_id").at["10001", "city"] == city
    history = workspace.history(now.upload.id)
    assert history["undone_by"].tolist() == ["me", "me"] and len(history) == 2
    assert workspace.undo(now.upload.id, None, "me") == "undo_nothing"


def test_an_old_workspace_file_gains_the_undo_columns(tmp_path):
    import sqlite3

    folder = tmp_path / "old"
    folder.mkdir()
    with sqlite3.connect(folder / "ladder.sqlite") as db:
        db.execute(
            "CREATE TABLE journal (id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, user TEXT NOT NULL,"
            " upload_id INTEGER NOT NULL, op TEXT NOT NULL, sheet TEXT NOT NULL, key TEXT NOT NULL,"
            " field TEXT, old TEXT, new TEXT)"
        )
    Workspace(folder)
    with sqlite3.connect(folder / "ladder.sqlite") as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(journal)")}
    assert {"undone_at", "undone_by"} <= columns


@pytest.mark.with_sample
def test_the_conflict_rule_holds_across_app_instances_saving_at_once(workspace):
    """Six app instances (each its own engine and connections) change the same cell at the same moment."""
    from concurrent.futures import ThreadPoolExecutor

    from lib.service.changes import save_changes

    now = current_register(workspace)
    city = now.register.customers.set_index("customer_id").at["10001", "city"]
    instances = [Workspace(url=workspace.url) for _ in range(6)]

    def save(n: int):
        return save_changes(
            instances[n],
            [{"op": "set", "sheet": "customers", "key": "10001", "field": "city", "old": city, "new": f"Town {n}"}],
            user=f"user {n}",
        )

    with ThreadPoolExecutor(6) as pool:
        reviews = list(pool.map(save, range(6)))
    accepted = [n for n, review in enumerate(reviews) if review.accepted]
    assert len(accepted) == 1
    assert all(review.refused[0].code == "conflict" for review in reviews if not review.accepted)
    journal = workspace.journal(now.upload.id)
    assert journal[["user", "new"]].values.tolist() == [[f"user {accepted[0]}", f"Town {accepted[0]}"]]


@pytest.mark.with_sample
def test_edits_checked_against_an_older_version_are_not_appended(workspace):
    now = current_register(workspace)
    edit = {"op": "set", "sheet": "customers", "key": "10001", "field": "city", "old": None, "new": "Tartu"}
    assert workspace.append_edits(now.upload.id, "a", [edit], expected=now.version)
    assert not workspace.append_edits(now.upload.id, "b", [edit], expected=now.version)  # someone wrote since
    assert workspace.journal(now.upload.id)["user"].tolist() == ["a"]


@pytest.mark.with_sample
def test_forgetting_a_customer_leaves_no_trace_in_the_register_or_journal(workspace):
    from lib.service.changes import forget_customer, save_changes

    now = current_register(workspace)
    city = now.register.customers.set_index("customer_id").at["10001", "city"]
    save_changes(
        workspace, [{"op": "set", "sheet": "customers", "key": "10001", "field": "city", "old": city, "new": "Tartu"}]
    )
    assert forget_customer(workspace, "10001", "marketer").versions == 1
    after = current_register(workspace)
    assert "10001" not in after.register.customers["customer_id"].tolist()
    assert after.edits == 0
    assert workspace.events()[["user", "kind"]].values.tolist() == [["marketer", "erasure"]]
    assert len(workspace.suppressed()) >= 1


def test_sign_in_attempts_are_kept_by_name_not_by_password(workspace):
    from datetime import UTC, datetime, timedelta

    workspace.record_sign_in("Anna", ok=False)
    workspace.record_sign_in("anna", ok=True)
    workspace.record_sign_in("boss", ok=False)
    attempts = workspace.sign_ins("ANNA", since=datetime.now(UTC) - timedelta(minutes=1))
    assert [ok for _, ok in attempts] == [False, True]
    assert workspace.sign_ins("anna", since=datetime.now(UTC) + timedelta(minutes=1)) == []


def test_a_backup_is_a_working_copy_of_the_workspace(tmp_path, sample_bytes):
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "studio_register.xlsx", sample_bytes, as_of=AS_OF)
    copy = workspace.backup(tmp_path / "backups" / "ladder-copy.sqlite")
    restored = Workspace(url=f"sqlite:///{copy}")
    assert len(current_register(restored).register.customers) == 2000
    assert restored.version() == workspace.version()


@pytest.mark.with_sample
def test_the_kept_suppression_answer_follows_the_register_and_the_list(workspace):
    from lib.service.changes import save_changes
    from lib.workspace.suppression import identity_hashes

    now = current_register(workspace)
    person = now.register.customers.set_index("customer_id").loc["10001"]
    assert "10001" not in current_register(workspace).suppressed
    workspace.suppress(identity_hashes([person["email"]], [], workspace.identity_secret()), "opted_out")
    assert "10001" in current_register(workspace).suppressed  # the list grew
    assert "10001" in current_register(workspace).suppressed  # kept, same answer
    save_changes(
        workspace,
        [
            {
                "op": "set",
                "sheet": "customers",
                "key": "10001",
                "field": "email",
                "old": person["email"],
                "new": "new.address@example.ee",
            }
        ],
    )
    assert "10001" not in current_register(workspace).suppressed  # the register changed


def test_the_same_file_uploaded_four_times_is_stored_once(tmp_path, sample_bytes):
    import sqlite3

    from lib.service.registers import import_workbook

    workspace = Workspace(tmp_path / "ws")
    for _ in range(4):
        import_workbook(workspace, "studio_register.xlsx", sample_bytes)
    assert len(workspace.uploads()) == 4
    assert all(workspace.upload_data(upload.id) == sample_bytes for upload in workspace.uploads())
    with sqlite3.connect(workspace.path) as db:
        stored = db.execute("SELECT sum(length(data)) FROM uploads").fetchone()[0]
        stored += db.execute("SELECT sum(length(data)) FROM blobs").fetchone()[0]
    assert stored == len(sample_bytes)


def test_an_opt_out_in_a_register_without_ids_follows_the_person_not_the_row_they_stood_on(tmp_path):
    def addresses(*rows):
        return "Nimi;Postiosoite;Kaupunki;Markkinointikielto\r\n" + "".join(f";{r}\r\n" for r in rows)

    workspace = Workspace(tmp_path / "ws")
    first = import_workbook(workspace, "osoitteet.csv", addresses("Kuja 1;Turku;1.11.2026", "Tie 2;Oulu;").encode())
    assert first.register.identity == "row" and first.register.customers["opted_out_at"].notna().sum() == 1

    moved = import_workbook(
        workspace, "osoitteet.csv", addresses("Katu 9;Espoo;", "Kuja 1;Turku;1.11.2026", "Tie 2;Oulu;").encode()
    )

    assert "osoitteet!2" not in moved.suppressed  # the newcomer on the row she stood on is free to be asked
    customers = moved.register.customers.set_index("customer_id")
    assert customers.loc["osoitteet!3", "opted_out_at"] is not pd.NaT  # her own row still says she opted out


def test_the_withdrawals_kept_in_memory_follow_every_change_recorded(workspace):
    """An upload records its "no"s and reads the withdrawals back at once, from memory: they must be what the
    store holds after each change, whichever way it goes, and whoever else recorded one meanwhile."""
    a, b, c = ("a" * 64, "b" * 64, "c" * 64)
    other = Workspace(url=workspace.url)  # another server process on the same store
    steps = [
        {("email", False): {a, b}},
        {("sms", False): {a}, ("email", True): {b}},
        {("email", False): {b, c}, ("email", True): {c}},  # the same call says no, then yes: the yes is newer
        {("phone", True): {a}, ("sms", True): {a}},
    ]
    for number, groups in enumerate(steps):
        workspace.withdrawn()  # kept in memory before the change, as an upload has it
        workspace.record_consent_groups(groups, "upload", "marketer")
        if number == 2:
            other.record_consent_groups({("post", False): {c}}, "edit", "someone else")
        assert workspace.withdrawn() == workspace._withdrawn_now(), number
    assert workspace.withdrawn() == {"email": {a, b}, "phone": set(), "post": {c}, "sms": set()}
