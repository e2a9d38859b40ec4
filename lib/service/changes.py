"""Changes to the register through any door: edits checked and journaled, undo, and forgetting a person."""

from __future__ import annotations

import json
from pathlib import PurePath

from lib.exports.erasure import blank_in_sheets, blank_in_xlsx, blanking_changes, journal_keys_of, scrub_parts
from lib.exports.writeback import Plan, clean_xlsx, safe_xlsx
from lib.reading.ooxml import PatchUnsupported
from lib.reading.register import MappingOverrides, build_register
from lib.reading.snapshots import apply_edits, register_from_parts, register_to_parts
from lib.reading.views import mapping_table
from lib.reading.workbook import read_workbook
from lib.service.registers import current_register
from lib.workspace.access import LOCAL_USER, Actor, require
from lib.workspace.edits import Review, review_changes
from lib.workspace.repository import Workspace
from lib.workspace.suppression import identity_hashes, record_consent_changes, remember_opt_outs

_SAVE_ATTEMPTS = 5


class BusyError(RuntimeError):
    """The workspace kept changing under a save (many people saving at once): try again."""


def save_changes(workspace: Workspace, changes: list[dict], user: Actor = LOCAL_USER) -> Review:
    """Check changes against the register as it stands now and keep the valid ones in the journal.

    The register is read fresh (not from a page's copy), so a change made meanwhile in
    another browser turns a stale edit into a refused conflict. The accepted edits are
    appended only if nobody wrote in between (on any app instance); otherwise they are
    checked again against the newer register. Only an editor may save (NotAllowed otherwise).
    """
    name = require(user, "edit").name
    for _ in range(_SAVE_ATTEMPTS):
        now = current_register(workspace)
        if now is None:
            return Review([], [])
        review = review_changes(now.register, changes)
        if not review.accepted:
            return review
        if workspace.append_edits(now.upload.id, name, review.accepted, expected=now.version):
            _remember_wishes(workspace, review.accepted, name)
            return review
    raise BusyError("save_busy")


def _remember_wishes(workspace: Workspace, accepted: list[dict], user: str) -> None:
    """Opt-outs and consent changes in saved edits go on record beyond this workbook (see lib.workspace.suppression)."""
    fields = {str(change.get("field") or "") for change in accepted}
    wishes = {"opted_out_at", "preferred_contact_frequency"}
    if not fields & wishes and not any(field.startswith("consent_") for field in fields):
        return
    saved = current_register(workspace)
    if saved is None:
        return
    remember_opt_outs(workspace, saved.as_stored)
    record_consent_changes(workspace, saved.as_stored, accepted, user)


def forget_customer(workspace: Workspace, customer_id: str, user: Actor = LOCAL_USER) -> int:
    """Erase a person from the workspace: every stored upload, its snapshot, and the journal.

    Their cells are emptied in every upload version (rows keep their numbers), their journal
    entries deleted, their e-mail and phone kept only as salted hashes on the suppression
    list, and the file rebuilt so nothing lingers. The event is logged with counts only.
    Returns how many upload versions held the person. Only an editor may erase.
    """
    who = require(user, "erase").name
    secret = workspace.identity_secret()
    overrides = workspace.overrides()
    found = 0
    for upload in workspace.uploads():
        original, _ = register_from_parts(workspace.snapshot_parts(upload.id))
        journal = workspace.journal(upload.id)
        edited = apply_edits(original, journal)
        people = [r for r in (original, edited) if (r.customers["customer_id"] == customer_id).any()]
        removed = workspace.delete_journal_rows(upload.id, journal_keys_of(edited, journal, customer_id))
        if not people and not removed:
            continue
        found += 1
        identifiers: set[str] = set()
        for register in people:
            person = register.customers[register.customers["customer_id"] == customer_id]
            workspace.suppress(identity_hashes(person["email"], person["phone"], secret), "erased")
            identifiers |= {str(v) for column in ("email", "phone", "name") for v in person[column].dropna()}
        changes = blanking_changes(original, customer_id)
        if not changes:
            continue
        data = workspace.upload_data(upload.id)
        name = upload.file_name
        if data.startswith(b"PK"):
            try:
                data = blank_in_xlsx(data, changes, identifiers)
            except PatchUnsupported:  # a workbook the fast patcher cannot edit: the slower safe way
                data = scrub_parts(
                    safe_xlsx(data, Plan(sheets=changes), keep_vba=name.lower().endswith(".xlsm")), identifiers
                )
        else:  # csv, xls, ods: kept from now on as an xlsx with the same sheets
            data = clean_xlsx(blank_in_sheets(read_workbook(data, name), changes), Plan())
            name = f"{PurePath(name).stem}.xlsx"
        register, problems = build_register(read_workbook(data, name), overrides, check=True)
        workspace.rewrite_upload(
            upload.id,
            name,
            data,
            register_to_parts(register, problems),
            MappingOverrides(columns=mapping_table(register)).to_json(),
        )
    workspace.log_event(who, "erasure", json.dumps({"upload_versions": found}))
    workspace.compact()
    return found


def undo(workspace: Workspace, upload_id: int, entry_id: int | None, user: Actor = LOCAL_USER) -> str | None:
    """Undo one edit (the last one in force when ``entry_id`` is None); None when done, else why not (a catalogue key).

    Only someone allowed to undo may (NotAllowed otherwise); an edit a later one depends on stays.
    """
    return workspace.undo(upload_id, entry_id, user)
