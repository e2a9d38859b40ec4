"""Roles, password hashes and the sign-in lockout; every write and personal export refuses a viewer."""

from datetime import UTC, date, datetime, timedelta

import pytest

from lib.exports.contacts import contact_list, export
from lib.service.changes import forget_customer, save_changes
from lib.service.registers import current_register, import_workbook, updated_workbook
from lib.workspace.access import Access, NotAllowed, Role, User, hash_password, sign_in, verify_password
from lib.workspace.repository import Workspace
from tests.conftest import AS_OF

VIEWER = User("boss@shop.ee", Role.VIEWER)
EDITOR = User("anna@shop.ee", Role.EDITOR)


def test_a_password_hash_verifies_only_its_own_password():
    stored = hash_password("kevad-2026")
    assert stored.startswith("scrypt$") and "kevad" not in stored
    assert verify_password("kevad-2026", stored)
    assert not verify_password("Kevad-2026", stored)
    assert stored != hash_password("kevad-2026")  # salted
    for broken in ("", "plain-text", "scrypt$1$2$3$bad$bad", "bcrypt$x$y$z$a$b"):
        assert not verify_password("kevad-2026", broken)


def test_passwords_are_hashed_at_owasp_s_scrypt_cost_and_older_hashes_still_verify():
    import base64
    import hashlib

    scheme, n, r, p, _, _ = hash_password("kevad-2026").split("$")
    assert (scheme, int(n), int(r), int(p)) == ("scrypt", 2**17, 8, 1)
    salt = b"0123456789abcdef"
    older = hashlib.scrypt(b"kevad-2026", salt=salt, n=2**14, r=8, p=1, dklen=32)
    stored = f"scrypt${2**14}$8$1${base64.b64encode(salt).decode()}${base64.b64encode(older).decode()}"
    assert verify_password("kevad-2026", stored) and not verify_password("sügis", stored)


def test_the_workspace_its_database_backups_and_list_files_are_private_to_their_owner(tmp_path, sample_bytes):
    import stat

    from lib.service.registers import import_workbook

    workspace = Workspace(tmp_path / "ws")
    import_workbook(workspace, "studio_register.xlsx", sample_bytes)
    mode = lambda path: stat.S_IMODE(path.stat().st_mode)  # noqa: E731
    assert mode(tmp_path / "ws") == 0o700
    files = [path for path in (tmp_path / "ws").iterdir() if path.is_file()]
    assert files and all(mode(path) == 0o600 for path in files), {p.name: oct(mode(p)) for p in files}
    backup = workspace.backup(tmp_path / "backups" / "ladder.sqlite")
    assert mode(backup) == 0o600


def test_the_secrets_decide_how_people_sign_in():
    assert Access.from_secrets({}).mode == "local"
    oidc = Access.from_secrets(
        {"auth": {"client_id": "x"}, "ladder": {"editors": ["Anna@Shop.ee"], "viewers": ["boss@shop.ee"]}}
    )
    assert oidc.mode == "oidc"
    assert (oidc.role_of("anna@shop.ee"), oidc.role_of(" BOSS@shop.ee"), oidc.role_of("x@y.z")) == (
        Role.EDITOR,
        Role.VIEWER,
        None,
    )
    named = Access.from_secrets({"ladder": {"users": {"Anna": {"password": "h", "role": "editor"}}}})
    assert named.mode == "password" and named.users["anna"] == ("h", Role.EDITOR)
    with pytest.raises(ValueError, match="sign_in must be"):
        Access.from_secrets({"ladder": {"sign_in": "ldap"}})
    with pytest.raises(ValueError, match="admin"):
        Access.from_secrets({"ladder": {"users": {"x": {"password": "h", "role": "admin"}}}})


def test_sign_in_locks_a_name_after_repeated_failures_until_the_lock_runs_out(tmp_path):
    workspace = Workspace(tmp_path / "ws")
    access = Access(
        mode="password", users={"anna": (hash_password("right"), Role.EDITOR)}, max_failures=3, lock_minutes=15
    )
    assert sign_in(access, workspace, "anna", "wrong").problem == "access.wrong_password"
    assert sign_in(access, workspace, "Anna", "right").user == User("Anna", Role.EDITOR)
    for _ in range(2):
        assert sign_in(access, workspace, "anna", "wrong").problem == "access.wrong_password"
    third = sign_in(access, workspace, "anna", "wrong")  # three failures since the last success
    assert third.problem == "access.locked" and third.locked_until is not None
    assert sign_in(access, workspace, "anna", "right").problem == "access.locked"
    later = datetime.now(UTC) + timedelta(minutes=16)
    assert sign_in(access, workspace, "anna", "right", now=later).user is not None
    unknown = sign_in(access, workspace, "mallory", "guess")
    assert unknown.user is None and unknown.problem == "access.wrong_password"


def test_every_write_and_every_personal_export_refuses_a_viewer(tmp_path, sample_bytes):
    workspace = Workspace(tmp_path / "ws")
    with pytest.raises(NotAllowed):
        import_workbook(workspace, "studio_register.xlsx", sample_bytes, VIEWER, as_of=AS_OF)
    assert workspace.latest_upload() is None
    now = import_workbook(workspace, "studio_register.xlsx", sample_bytes, EDITOR, as_of=AS_OF)
    assert now.upload.user == EDITOR.name
    first = now.register.customers.iloc[0]
    change = {
        "op": "set",
        "sheet": "customers",
        "key": first["customer_id"],
        "field": "city",
        "old": first["city"],
        "new": "Tartu",
    }
    with pytest.raises(NotAllowed):
        save_changes(workspace, [change], VIEWER)
    with pytest.raises(NotAllowed):
        updated_workbook(workspace, now, user=VIEWER)
    with pytest.raises(NotAllowed):
        export(contact_list(now.register.customers, "email", date(2026, 11, 23)), "csv", user=VIEWER)
    with pytest.raises(NotAllowed):
        forget_customer(workspace, first["customer_id"], VIEWER)
    with pytest.raises(NotAllowed):
        workspace.save_settings(workspace.settings().updated({"cooling_days": 3}), VIEWER)
    with pytest.raises(NotAllowed):
        workspace.log_export(VIEWER, "email/csv", "everyone", ["1"])
    assert workspace.journal(now.upload.id).empty and workspace.events().empty and workspace.exports().empty
    assert workspace.settings().cooling_days != 3
    assert len(current_register(workspace).register.customers) == len(now.register.customers)

    save_changes(workspace, [change], EDITOR)
    with pytest.raises(NotAllowed):
        workspace.undo(now.upload.id, None, VIEWER)
    assert workspace.undo(now.upload.id, None, EDITOR) is None
    assert workspace.history(now.upload.id)[["user", "undone_by"]].values.tolist() == [[EDITOR.name, EDITOR.name]]
