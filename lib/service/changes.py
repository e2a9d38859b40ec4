"""Changes to the register through any door: edits checked and journaled, undo, and forgetting a person."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import PurePath

import pandas as pd

from lib.exports.erasure import (
    Person,
    blank_in_sheets,
    blank_in_xlsx,
    blanking_changes,
    journal_keys_of,
    merged,
    rows_naming,
    scrub_parts,
)
from lib.exports.sheet_xml import SheetChanges
from lib.exports.writeback import Plan, clean_xlsx, safe_xlsx
from lib.i18n import Explained
from lib.reading.bundle import Part, bundle_name, is_bundle, pack, unpack
from lib.reading.ooxml import PatchUnsupported
from lib.reading.register import MappingOverrides, Register, RegisterError, build_register
from lib.reading.snapshots import apply_edits, register_from_parts, register_to_parts
from lib.reading.views import mapping_table
from lib.reading.workbook import MAX_FILE_BYTES, RawSheet, WorkbookError, read_workbook
from lib.service.registers import current_register
from lib.workspace.access import LOCAL_USER, Actor, require
from lib.workspace.edits import Review, review_changes
from lib.workspace.erasures import Erasure, Rewrite
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
            remember_wishes(workspace, review.accepted, name)
            return review
    raise BusyError("save_busy")


def remember_wishes(workspace: Workspace, accepted: list[dict], user: str) -> None:
    """Opt-outs and consent changes in saved edits go on record beyond this workbook (see lib.workspace.suppression)."""
    fields = {str(change.get("field") or "") for change in accepted}
    wishes = {"opted_out_at", "preferred_contact_frequency", "outcome"}
    if not fields & wishes and not any(field.startswith("consent_") for field in fields):
        return
    saved = current_register(workspace)
    if saved is None:
        return
    remember_opt_outs(workspace, saved.as_stored)
    record_consent_changes(workspace, saved.as_stored, accepted, user)


class ErasureError(Explained):
    """A stored workbook could not be rewritten without the person: nothing was changed; the message says why."""


@dataclass(frozen=True)
class Forgotten:
    """What an erasure did: how many stored versions held the person, and whether the log is already empty."""

    versions: int
    log_emptied: bool


def forget_customer(workspace: Workspace, customer_id: str, user: Actor = LOCAL_USER) -> Forgotten:
    """Erase a person from the workspace: every stored upload, its snapshot, and the journal.

    Their rows are emptied in every upload version (rows keep their numbers), and so is every row
    of the workbook's other sheets that names them (their e-mail in any case, their phone however
    written, their full name, their id in an id column); their journal entries are deleted, their
    e-mail and phone kept only as keyed hashes on the suppression list, and the store rebuilt so
    nothing lingers. Everything is worked out first and written in one transaction: when a workbook
    cannot be rewritten, ErasureError says why and nothing has changed. The event is logged with
    counts only. Only an editor may erase (NotAllowed otherwise).
    """
    who = require(user, "erase").name
    secret = workspace.identity_secret()
    overrides = workspace.overrides()
    versions = []
    people: list[pd.DataFrame] = []
    for upload in workspace.uploads():  # first: who they are, in every version
        original, _ = register_from_parts(workspace.snapshot_parts(upload.id))
        journal = workspace.journal(upload.id)
        edited = apply_edits(original, journal)
        versions.append((upload, original, journal_keys_of(edited, journal, customer_id)))
        rows = pd.concat([r.customers[r.customers["customer_id"] == customer_id] for r in (original, edited)])
        people.append(rows)
    rows = pd.concat(people) if people else pd.DataFrame()
    person = Person.of(customer_id, rows)
    hashes = identity_hashes(rows.get("email", ()), rows.get("phone", ()), secret, [customer_id])
    journal_keys: dict[int, set[tuple[str, str]]] = {}
    rewrites: list[Rewrite] = []
    for upload, original, keys in versions:  # then: every version without them
        rewrite = _without(workspace, upload.id, upload.file_name, original, person, overrides)
        if rewrite is None and not workspace.journal_rows_on(upload.id, keys):
            continue
        journal_keys[upload.id] = keys
        if rewrite is not None:
            rewrites.append(rewrite)
    if journal_keys:
        workspace.apply_erasure(Erasure(hashes, journal_keys, rewrites), who)
    return Forgotten(len(journal_keys), workspace.compact())


def _without(
    workspace: Workspace,
    upload_id: int,
    name: str,
    original: Register,
    person: Person,
    overrides: MappingOverrides,
) -> Rewrite | None:
    """One stored workbook rewritten without the person (None when no sheet of it holds them), read back to
    check it; nothing is written here."""
    data = workspace.upload_data(upload_id)
    try:
        sheets = read_workbook(data, name)
        changes = merged(blanking_changes(original, person.customer_id), rows_naming(sheets, person))
        if not changes:
            return None
        data, name = _blanked(data, name, sheets, changes, person.identifiers())
        register, problems = build_register(read_workbook(data, name), overrides, check=True)
    except (WorkbookError, RegisterError) as error:
        raise ErasureError("error.erasure_failed", file=name, reason=error.message()) from error
    parts = register_to_parts(register, problems)
    return Rewrite(upload_id, name, data, parts, MappingOverrides(columns=mapping_table(register)).to_json())


def _blanked(
    data: bytes, name: str, sheets: list[RawSheet], changes: dict[str, SheetChanges], identifiers: set[str]
) -> tuple[bytes, str]:
    """The workbook with the changes made: patched in place when possible, else rewritten, else rebuilt from its
    cells (a csv, xls or ods, or a workbook neither writer can open, is kept from now on as an xlsx)."""
    if is_bundle(data):
        return _blanked_files(data, sheets, changes, identifiers)
    if data.startswith(b"PK"):
        try:
            return blank_in_xlsx(data, changes, identifiers), name
        except PatchUnsupported:
            pass
        try:
            return scrub_parts(
                safe_xlsx(data, Plan(sheets=changes), keep_vba=name.lower().endswith(".xlsm")), identifiers
            ), name
        except Exception:
            pass
    return clean_xlsx(blank_in_sheets(sheets, changes), Plan()), f"{PurePath(name).stem}.xlsx"


def _blanked_files(
    data: bytes, sheets: list[RawSheet], changes: dict[str, SheetChanges], identifiers: set[str]
) -> tuple[bytes, str]:
    """A register made of several files with the changes made in each file as if it were alone (its sheets
    under their own names); the files that hold nothing of the person stay byte for byte."""
    files = []
    for part in unpack(data, MAX_FILE_BYTES):
        alone = read_workbook(part.data, part.name)
        combined = [sheet for sheet in sheets if sheet.file == part.name]
        own_name = {sheet.name: single.name for sheet, single in zip(combined, alone, strict=True)}
        mine = {
            own_name[name]: replace(change, sheet=own_name[name])
            for name, change in changes.items()
            if name in own_name
        }
        if mine:
            blanked, name = _blanked(part.data, part.name, alone, mine, identifiers)
            files.append(Part(name, blanked))
        else:
            files.append(part)
    return pack(files), bundle_name(files)


def undo(workspace: Workspace, upload_id: int, entry_id: int | None, user: Actor = LOCAL_USER) -> str | None:
    """Undo one edit (the last one in force when ``entry_id`` is None); None when done, else why not (a catalogue key).

    Only someone allowed to undo may (NotAllowed otherwise); an edit a later one depends on stays.
    Undoing a consent edit is itself a consent change on record: the value it restores holds again.
    """
    history = workspace.history(upload_id)
    in_force = history[history["undone_at"].isna()]
    chosen = in_force[in_force["id"] == entry_id] if entry_id is not None else in_force.nlargest(1, "id")
    why = workspace.undo(upload_id, entry_id, user)
    if why is None and len(chosen):
        entry = chosen.iloc[0]
        restored = {"sheet": entry["sheet"], "key": entry["key"], "field": entry["field"], "new": entry["old"]}
        remember_wishes(workspace, [restored], require(user, "undo").name)
    return why
