"""Forgetting a customer: nothing of them is left in the workspace folder, and an old file cannot bring them back."""

import io
import zipfile

import pytest

from lib.service.changes import forget_customer, save_changes
from lib.service.registers import current_register, import_workbook, updated_workbook
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


@pytest.fixture
def workspace(tmp_path, sample_bytes):
    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "studio_register.xlsx", sample_bytes, as_of=AS_OF)
    save_changes(
        workspace,
        [{"op": "set", "sheet": "customers", "key": PERSON, "field": "city", "old": "Tallinn", "new": "Tartu"}],
    )
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
    assert forget_customer(workspace, PERSON, "manager") == 2
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


def test_opted_out_customers_are_remembered_across_uploads(tmp_path, sample_bytes):
    workspace = Workspace(tmp_path / "ws")
    now = import_workbook(workspace, "studio_register.xlsx", sample_bytes, as_of=AS_OF)
    opted_out = set(now.register.customers.loc[now.register.customers["opted_out_at"].notna(), "customer_id"])
    with_contact = now.register.customers[
        now.register.customers["customer_id"].isin(opted_out) & now.register.customers["email"].notna()
    ]
    assert len(with_contact) > 0
    assert set(with_contact["customer_id"]) <= now.suppressed


def test_a_workbook_the_patcher_cannot_edit_is_erased_the_safe_way(tmp_path, monkeypatch, sample_bytes):
    import lib.exports.erasure
    from lib.reading.ooxml import PatchUnsupported

    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "studio_register.xlsx", sample_bytes, as_of=AS_OF)

    def refuse(*_args, **_kwargs):
        raise PatchUnsupported("an unusual sheet")

    monkeypatch.setattr(lib.exports.erasure, "patch_xlsx", refuse)
    assert forget_customer(workspace, PERSON) == 1
    assert EMAIL.encode() not in every_byte(workspace.folder)
    assert EMAIL.encode() not in unpacked(workspace.upload_data(1))
    assert PERSON not in set(current_register(workspace).register.customers["customer_id"])


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
