"""Forgetting a customer: nothing of them is left in the workspace folder, and an old file cannot bring them back."""

import io
import zipfile

import pytest

from lib.analysis.feedback import reading_seed
from lib.service.changes import forget_customer, save_changes
from lib.service.feedback import themed_feedback
from lib.service.registers import current_register, import_workbook, updated_workbook
from lib.themes import default_dictionary
from lib.workspace.edits import new_row
from lib.workspace.repository import Workspace
from tests.conftest import AS_OF

PERSON = "10001"
EMAIL = "triin.magi10@studio.ee"


def every_byte(folder) -> bytes:
    return b"".join(path.read_bytes() for path in folder.rglob("*") if path.is_file())


def unpacked(data: bytes) -> bytes:
    """Every part of a zip (an xlsx) decompressed, so compressed copies are searched too."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    return b"".join(archive.read(name) for name in archive.namelist())


def sample_with_an_edit(sample_workspace) -> Workspace:
    """The sample register with the person moved to Tartu: they have a journal entry too."""
    workspace = Workspace(sample_workspace)
    save_changes(
        workspace,
        [{"op": "set", "sheet": "customers", "key": PERSON, "field": "city", "old": "Tallinn", "new": "Tartu"}],
    )
    return workspace


@pytest.fixture
def workspace(sample_workspace, sample_bytes):
    workspace = sample_with_an_edit(sample_workspace)
    import_workbook(workspace, "studio_register.xlsx", sample_bytes, as_of=AS_OF)  # a second version
    save_changes(
        workspace,
        new_row(
            "feedback", {"customer_id": PERSON, "date": AS_OF, "kind": "complaint", "text": f"Write to me at {EMAIL}"}
        ),
    )
    save_changes(
        workspace,
        [{"op": "set", "sheet": "customers", "key": "10002", "field": "city", "old": "Tallinn", "new": "Tartu"}],
    )
    return workspace


def test_after_forget_the_email_is_nowhere_in_the_workspace_folder(workspace):
    assert EMAIL.encode() in every_byte(workspace.folder) or any(
        EMAIL.encode() in unpacked(workspace.upload_data(u.id)) for u in workspace.uploads()
    )
    assert forget_customer(workspace, PERSON, "manager").versions == 2
    assert EMAIL.encode() not in every_byte(workspace.folder)
    for upload in workspace.uploads():
        assert EMAIL.encode() not in unpacked(workspace.upload_data(upload.id))
        for blob in workspace.snapshot_parts(upload.id).values():
            assert EMAIL.encode() not in blob
        assert PERSON not in set(workspace.journal(upload.id)["key"])
    now = current_register(workspace)
    assert PERSON not in set(now.register.customers["customer_id"])
    assert not (now.register.purchases["customer_id"] == PERSON).any()
    assert len(now.register.customers) == 1999
    assert now.register.customers.set_index("customer_id").at["10002", "city"] == "Tartu"  # others' edits stay
    assert workspace.events()[["user", "kind"]].values.tolist() == [["manager", "erasure"]]
    assert EMAIL not in workspace.events()["detail"].iloc[0]


def test_the_written_back_workbook_no_longer_holds_the_person(workspace):
    forget_customer(workspace, PERSON)
    written = updated_workbook(workspace, current_register(workspace))
    assert EMAIL.encode() not in unpacked(written.data)


def test_an_old_workbook_uploaded_again_keeps_the_person_off_mailing_lists(workspace, sample_bytes):
    from lib.analysis.facts import customer_facts
    from lib.settings import DEFAULTS

    forget_customer(workspace, PERSON)
    again = import_workbook(workspace, "studio_register.xlsx", sample_bytes, as_of=AS_OF)  # the old file again
    assert PERSON in set(again.register.customers["customer_id"])  # the user's file is read as it is …
    assert PERSON in again.suppressed  # … but the person is known to be erased
    facts = customer_facts(again.register, AS_OF, DEFAULTS, again.suppressed).set_index("customer_id")
    assert facts.loc[PERSON, "opted_out"] and not facts.loc[PERSON, ["consent_email", "consent_sms"]].any()
    assert current_register(workspace).suppressed == again.suppressed


def test_opted_out_customers_are_remembered_across_uploads(sample_workspace):
    workspace = Workspace(sample_workspace)
    now = current_register(workspace)
    opted_out = set(now.register.customers.loc[now.register.customers["opted_out_at"].notna(), "customer_id"])
    with_contact = now.register.customers[
        now.register.customers["customer_id"].isin(opted_out) & now.register.customers["email"].notna()
    ]
    assert len(with_contact) > 0
    assert set(with_contact["customer_id"]) <= now.suppressed


def test_a_workbook_the_patcher_cannot_edit_is_erased_the_safe_way(tmp_path, monkeypatch):
    import lib.exports.erasure
    from lib.reading.ooxml import PatchUnsupported

    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "register.xlsx", cards_register(tmp_path / "register.xlsx"))

    def refuse(*_args, **_kwargs):
        raise PatchUnsupported("an unusual sheet")

    monkeypatch.setattr(lib.exports.erasure, "patch_xlsx", refuse)
    assert forget_customer(workspace, "C1").versions == 1
    assert b"mari.tamm" not in every_byte(workspace.folder)
    stored = unpacked(workspace.upload_data(1))
    assert b"mari.tamm" not in stored and b"MARI.TAMM" not in stored and b"jaan.kask@example.ee" in stored
    assert set(current_register(workspace).register.customers["customer_id"]) == {"C2"}


def test_the_whole_column_suppression_match_equals_matching_customer_by_customer(sample_register):
    from lib.workspace.suppression import customers_on_list, identity_hashes

    customers = sample_register[0].customers
    listed = customers.iloc[::37]
    hashes = identity_hashes(listed["email"], listed["phone"], "salt")
    one_by_one = {
        str(cid)
        for cid, email, phone in zip(customers["customer_id"], customers["email"], customers["phone"], strict=True)
        if identity_hashes([email], [phone], "salt") & hashes
    }
    assert customers_on_list(customers, "salt", hashes) == frozenset(one_by_one)
    assert len(one_by_one) >= len(listed)
    phone_only = identity_hashes([], ["+372 5123 4567"], "salt")
    assert phone_only == identity_hashes([None], ["3725 1234567"], "salt")  # the same last nine digits


def cards_register(path):
    """A register with a sheet the app does not read: the shop's own "Christmas cards" list."""
    from datetime import date

    from tests.conftest import write_xlsx

    customers = [
        ["Customer ID", "Name", "E-mail", "Phone"],
        ["C1", "Mari Tamm", "mari.tamm@example.ee", "+372 5100 0003"],
        ["C2", "Jaan Kask", "jaan.kask@example.ee", "+372 5100 0004"],
    ]
    purchases = [["Customer ID", "Date", "Amount"], ["C1", date(2026, 10, 1), 40], ["C2", date(2026, 10, 2), 60]]
    cards = [
        ["To", "Address", "Phone", "Note", "Client no"],
        ["MARI.TAMM@EXAMPLE.EE", "Tamme 5, Tartu", "5100 0003", "loves lilies", None],
        ["Mari  Tamm", "Kuuse 9, Tartu", None, "second card", None],
        ["Someone", "Männi 1, Pärnu", None, "card for C1's sister", "C1"],
        ["Jaan Kask", "Kase 2, Tallinn", "5100 0004", "no card this year", "C2"],
    ]
    return write_xlsx(path, {"Customers": customers, "Purchases": purchases, "Christmas cards": cards}).read_bytes()


def test_erasure_finds_the_person_on_every_sheet_however_they_are_written(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "register.xlsx", cards_register(tmp_path / "register.xlsx"))
    assert forget_customer(workspace, "C1").versions == 1
    stored = unpacked(workspace.upload_data(1))
    for trace in (b"mari.tamm", b"MARI.TAMM", b"5100 0003", b"Tamme 5", b"Kuuse 9", b"M\xc3\xa4nni 1", b"lilies"):
        assert trace not in stored and trace not in every_byte(workspace.folder), trace
    assert b"Kase 2, Tallinn" in stored and b"jaan.kask@example.ee" in stored  # the other person's rows stay


def test_an_erasure_that_cannot_finish_changes_nothing_and_says_why(tmp_path, sample_workspace):
    import sqlite3

    from lib.service.changes import ErasureError

    workspace = sample_with_an_edit(sample_workspace)
    import_workbook(workspace, "copy.xlsx", cards_register(tmp_path / "copy.xlsx"))
    with sqlite3.connect(workspace.path) as db:  # the stored bytes of the first version damaged on disk
        db.execute("UPDATE blobs SET data = ? WHERE sha256 = (SELECT sha256 FROM uploads WHERE id = 1)", (b"PK\x03",))
    before = (workspace.suppressed(), workspace.journal(1).values.tolist(), workspace.snapshot_parts(1))
    with pytest.raises(ErasureError) as refused:
        forget_customer(workspace, PERSON)
    assert "studio_register.xlsx" in str(refused.value) and "nothing was erased" in str(refused.value)
    assert (workspace.suppressed(), workspace.journal(1).values.tolist(), workspace.snapshot_parts(1)) == before
    assert workspace.events().empty


def test_an_open_reader_cannot_keep_the_erased_name_in_the_log(sample_workspace, monkeypatch):
    import sqlite3

    monkeypatch.setattr(Workspace, "compact_attempts", 2)  # the reader stays open however long it is tried
    workspace = Workspace(sample_workspace)
    reader = sqlite3.connect(workspace.path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM journal").fetchone()  # another window mid-page holds a snapshot
    try:
        done = forget_customer(workspace, PERSON)
        assert done.versions == 1 and not done.log_emptied  # said, not hidden
    finally:
        reader.close()
    assert workspace.compact()  # the next tidy-up empties it
    assert EMAIL.encode() not in every_byte(workspace.folder)


def test_a_stolen_database_alone_does_not_reveal_a_suppressed_phone_number(sample_workspace):
    import hashlib
    import sqlite3

    workspace = Workspace(sample_workspace)
    now = current_register(workspace)
    phone = now.register.customers.set_index("customer_id").at[PERSON, "phone"]
    forget_customer(workspace, PERSON)
    key_file = sample_workspace / "ladder.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(workspace.path) as db:  # what a thief has: the database, its salt, every hash
        salt = db.execute("SELECT value FROM settings WHERE name = 'identity_salt'").fetchone()[0]
        stored = {row[0] for row in db.execute("SELECT hash FROM suppressed")}
    key = bytes.fromhex(key_file.read_text())
    assert key not in every_byte_of(workspace.path) and key.hex().encode() not in every_byte_of(workspace.path)
    digits = "".join(c for c in phone if c.isdigit())[-9:]
    guess = hashlib.sha256(f"{salt}phone:{digits}".encode()).hexdigest()
    assert guess not in stored  # trying every number against the salt finds nothing
    keyed = hashlib.blake2b(guess.encode(), key=key, digest_size=32).hexdigest()
    assert keyed in stored  # with the key file, the workspace still knows them


def every_byte_of(path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_hashes_kept_before_the_key_are_upgraded_and_a_lost_key_stops_every_door(tmp_path, sample_workspace):
    import hashlib
    import sqlite3

    from lib.workspace.identity import IdentityKeyError

    workspace = Workspace(sample_workspace)
    now = current_register(workspace)
    email = now.register.customers.set_index("customer_id").at[PERSON, "email"]
    key_file = sample_workspace / "ladder.key"
    with sqlite3.connect(workspace.path) as db:  # a workspace from before the key: plain salted hashes
        salt = db.execute("SELECT value FROM settings WHERE name = 'identity_salt'").fetchone()[0]
        db.execute("DELETE FROM settings WHERE name = 'identity_key_check'")
        db.execute("DELETE FROM consent_events")
        old = hashlib.sha256(f"{salt}email:{email.lower()}".encode()).hexdigest()
        db.execute("INSERT INTO suppressed VALUES (?, 'opted_out', '2025-01-01')", (old,))
    key_file.unlink()
    upgraded = Workspace(sample_workspace)
    assert PERSON in current_register(upgraded).suppressed  # still recognised, now by a keyed hash
    assert old not in upgraded.suppressed()

    key_file.unlink()  # the key lost (a copy of the folder without it)
    with pytest.raises(IdentityKeyError):
        current_register(Workspace(sample_workspace))
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {**os.environ, "LADDER_WORKSPACE": str(sample_workspace)}
    env.pop("LADDER_WORKSPACE_URL", None)
    cli = subprocess.run(
        [sys.executable, "-m", "lib", "export", "--channel", "email", "-o", str(tmp_path / "x.csv")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert cli.returncode == 2 and "key file" in cli.stderr and "Traceback" not in cli.stderr
    assert not (tmp_path / "x.csv").exists()


def test_a_version_holding_only_the_person_s_purchases_is_rewritten_too(tmp_path):
    from datetime import date

    from lib.reading.workbook import read_workbook
    from tests.conftest import write_xlsx

    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "register.xlsx", cards_register(tmp_path / "register.xlsx"))
    sales = [
        ["Customer ID", "Date", "Amount", "Product"],
        ["C1", date(2026, 11, 2), 25, "Lily bouquet"],
        ["C2", date(2026, 11, 3), 30, "Tulips"],
    ]
    import_workbook(workspace, "sales.xlsx", write_xlsx(tmp_path / "sales.xlsx", {"Sales": sales}).read_bytes())
    assert forget_customer(workspace, "C1").versions == 2
    cells = read_workbook(workspace.upload_data(2), "sales.xlsx")[0].cells
    assert "C1" not in set(cells[0]) and "Lily bouquet" not in set(cells[3]) and "Tulips" in set(cells[3])
    assert b"Lily bouquet" not in every_byte(workspace.folder)


def test_a_damaged_key_file_is_refused_rather_than_used(sample_workspace):
    from lib.workspace.identity import IdentityKeyError

    (sample_workspace / "ladder.key").write_text("")  # emptied, or half-written by a crash
    with pytest.raises(IdentityKeyError):
        current_register(Workspace(sample_workspace))


def test_a_person_added_in_the_app_and_erased_is_gone_from_every_cached_page_at_once(sample_workspace):
    """Added through the app only, they live in the journal alone: erasing them deletes entries that are not
    the last, yet the workspace's version (every cache's key) moves on, so no page keeps showing them."""
    workspace = Workspace(sample_workspace)
    added = [{"op": "add", "sheet": "customers", "key": "N1", "field": None, "old": None, "new": None}]
    added += [{"op": "set", "sheet": "customers", "key": "N1", "field": "customer_id", "old": None, "new": "N1"}]
    save_changes(workspace, added)
    save_changes(workspace, new_row("actions", {"customer_id": PERSON, "date": AS_OF, "kind": "call"}))  # later
    before = workspace.version()
    forget_customer(workspace, "N1")
    assert workspace.version() != before
    assert "N1" not in set(current_register(workspace).register.customers["customer_id"])


def test_a_feedback_reading_begun_before_an_erasure_keeps_nothing_of_the_erased(sample_workspace):
    workspace = Workspace(sample_workspace)
    before = current_register(workspace)  # a page read the register, then the person was erased
    dictionary = default_dictionary().with_theme("sauna", "environment", "en", ["sauna"])
    forget_customer(workspace, PERSON)
    themed = themed_feedback(workspace, before.register, dictionary, version=before.version)
    assert len(themed) == len(before.register.feedback)  # the page that asked still gets its items
    assert workspace.text_readings(reading_seed(dictionary)) == {}  # but none is kept
    themed_feedback(workspace, current_register(workspace).register, dictionary)
    assert workspace.text_readings(reading_seed(dictionary))  # a reading of the register as it is now is
