"""The register a door works on: a workbook imported as the newest version, the current register
(the latest upload with its journal replayed), a file read under the workspace's rules, mapping
corrections and the updated workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from lib import i18n
from lib.exports.writeback import Progress, WriteResult, no_progress
from lib.exports.writeback import updated_workbook as write_back
from lib.reading.problems import Problem
from lib.reading.register import MappingOverrides, Register, build_register
from lib.reading.snapshots import apply_edits, register_from_parts, register_to_parts
from lib.reading.views import mapping_table
from lib.reading.workbook import RawSheet, read_workbook
from lib.schema import SETTINGS_SHEET, THEMES_SHEET
from lib.settings import SPECS, Settings, loosened, values_from_frame
from lib.themes import ThemeDictionary
from lib.workspace.access import LOCAL_USER, Actor, require
from lib.workspace.edits import action_count
from lib.workspace.repository import Upload, Version, Workspace
from lib.workspace.suppression import (
    remember_opt_outs,
    remember_withdrawals,
    suppressed_customers,
    with_withdrawals,
    withdrawn_customers,
)


@dataclass(frozen=True)
class Current:
    """The register the app shows now: the latest upload with the journal replayed."""

    register: Register
    """The register as it stands: the stored values, with no consent where a customer withdrew it."""
    problems: list[Problem]
    upload: Upload
    edits: int
    """How many things people changed since the upload (a logged call is one, however many cells it fills)."""
    version: Version
    original: Register
    """The upload as it was read, before the journal: what the write-back patches."""
    journal: pd.DataFrame
    """The edits in force on top of the upload, oldest first."""
    suppressed: frozenset[str] = frozenset()
    """Customers whose e-mail or phone is on the suppression list: never on a mailing list."""
    stored: Register | None = None
    """The upload with the journal replayed, exactly as stored (what the written-back workbook must hold)."""

    @property
    def as_stored(self) -> Register:
        return self.stored if self.stored is not None else self.register


def check_workbook(
    workspace: Workspace, file_name: str, data: bytes, user: Actor = LOCAL_USER, progress: Progress = no_progress
) -> list[RawSheet]:
    """Read a workbook and check that it holds a register, storing nothing: before a person is asked whether
    it should replace the register in place. Raises as `import_workbook` does."""
    require(user, "upload")
    progress(0.1, "progress.reading")
    sheets = read_workbook(data, file_name)
    progress(0.7, "progress.recognising")
    build_register(sheets, workspace.overrides(), check=False)
    progress(1.0, "progress.done")
    return sheets


def restore_register(workspace: Workspace, upload_id: int, user: Actor = LOCAL_USER) -> Current:
    """Go back to an earlier register: it becomes the current one again, with the edits that were made on it.

    The register it replaces stays in the history. Who opted out, withdrew a consent or was erased since
    stays so: the suppression list and the consent record belong to the workspace, not to a version.
    """
    workspace.restore_upload(upload_id, require(user, "upload").name)
    now = current_register(workspace)
    assert now is not None  # the restored upload is the newest
    return now


def import_workbook(
    workspace: Workspace,
    file_name: str,
    data: bytes,
    user: Actor = LOCAL_USER,
    progress: Progress = no_progress,
    as_of: date | None = None,
    sheets: list[RawSheet] | None = None,
) -> Current:
    """Read, recognise and check a workbook, then keep it as the newest version.

    Raises WorkbookError or RegisterError before anything is stored, so a file that cannot
    be read leaves the current register exactly as it was; NotAllowed for a viewer. ``sheets``:
    the file as `check_workbook` read it already.
    """
    name = require(user, "upload").name
    progress(0.05, "progress.reading")
    sheets = sheets if sheets is not None else read_workbook(data, file_name)
    progress(0.55, "progress.recognising")
    register, problems = build_register(sheets, workspace.overrides(), as_of)
    progress(0.85, "progress.saving")
    carried = _take_carried_settings(workspace, sheets, name)
    remember_opt_outs(workspace, register)
    remember_withdrawals(workspace, register, "upload", name)
    upload = workspace.store_upload(
        file_name,
        data,
        name,
        register_to_parts(register, problems),
        MappingOverrides(columns=mapping_table(register)).to_json(),
    )
    if carried is not None:
        workspace.save_carried_settings({**carried, "upload": upload.id})
    progress(1.0, "progress.done")
    version = workspace.version()
    return Current(
        with_withdrawals(register, withdrawn_customers(workspace, register, version)),
        problems,
        upload,
        0,
        version,
        register,
        workspace.journal(upload.id),
        suppressed_customers(workspace, register, version),
        register,
    )


def file_register(workspace: Workspace | None, file_name: str, data: bytes) -> tuple[Register, frozenset[str]]:
    """A workbook that is not the workspace's register (an older copy, a colleague's file), read as uploads are,
    and which of its customers the workspace's suppression list holds.

    A file from outside cannot bring back someone who opted out, withdrew a consent or was erased:
    their e-mail or phone is on record, whatever the file says. Raises WorkbookError or RegisterError.
    """
    overrides = workspace.overrides() if workspace else None
    register, _ = build_register(read_workbook(data, file_name), overrides, check=False)
    if workspace is None:
        return register, frozenset()
    return with_withdrawals(register, withdrawn_customers(workspace, register)), suppressed_customers(
        workspace, register
    )


def _app_sheet(sheets: list[RawSheet], name: str) -> pd.DataFrame | None:
    """One of the app's own sheets from an earlier export as a frame (its first row the header)."""
    raw = next((sheet for sheet in sheets if sheet.name.casefold() == name.casefold()), None)
    if raw is None or raw.cells.empty:
        return None
    header = [str(value).strip().lower() if isinstance(value, str) else "" for value in raw.cells.iloc[0]]
    return pd.DataFrame(raw.cells.iloc[1:].to_numpy(), columns=header)


def _take_carried_settings(workspace: Workspace, sheets: list[RawSheet], user: str) -> dict | None:
    """A workbook exported by the app carries its theme dictionary and settings: keep them.

    A setting that would loosen the consent law (see lib.settings.loosened) is held back until an
    editor confirms it on the Settings page. Returns what the settings sheet changed and held, if any.
    """
    themes = _app_sheet(sheets, THEMES_SHEET)
    if themes is not None and {"theme", "language", "words"} <= set(themes.columns):
        dictionary = ThemeDictionary.from_frame(
            themes.reindex(columns=["theme", "element", "language", "words", "exclude"])
        )
        if dictionary.themes:
            workspace.save_themes(dictionary, user)
    sheet = _app_sheet(sheets, SETTINGS_SHEET)
    if sheet is None or not {"setting", "value"} <= set(sheet.columns):
        return None
    before = workspace.settings()
    carried = before.updated(values_from_frame(sheet))
    held = loosened(before, carried)
    kept = carried.updated({name: getattr(before, name) for name in held})
    workspace.save_settings(kept, user)
    changed = [name for name in SPECS if getattr(kept, name) != getattr(before, name)]
    return {"applied": changed, "held": {name: getattr(carried, name) for name in held}, "by": user}


def confirm_held_settings(workspace: Workspace, user: Actor = LOCAL_USER) -> Settings:
    """An editor applies the consent-law settings an uploaded workbook carried and that were held back."""
    name = require(user, "settings").name
    record = workspace.carried_settings()
    latest = workspace.latest_upload()
    if latest is None or record.get("upload") != latest.id:  # held by an upload that is no longer the register
        return workspace.settings()
    settings = workspace.settings().updated(record.get("held") or {})
    workspace.save_settings(settings, name)
    workspace.save_carried_settings({**record, "held": {}, "confirmed_by": name})
    return settings


def current_register(workspace: Workspace) -> Current | None:
    """The register as it stands: latest upload's snapshot with its journal replayed."""
    version = workspace.version()
    upload = workspace.upload(version[0]) if version[0] else None
    if upload is None:
        return None
    workspace.identity_key()  # a missing or wrong key file stops here, before anything is shown
    register, problems = register_from_parts(workspace.snapshot_parts(upload.id))
    edits = workspace.journal(upload.id)
    now = apply_edits(register, edits)
    return Current(
        with_withdrawals(now, withdrawn_customers(workspace, now, version)),
        problems,
        upload,
        action_count(edits),
        version,
        register,
        edits,
        suppressed_customers(workspace, now, version),
        now,
    )


def updated_workbook(
    workspace: Workspace,
    current: Current,
    computed: pd.DataFrame | None = None,
    progress: Progress = no_progress,
    carry_settings: bool = False,
    user: Actor = LOCAL_USER,
    updated_word: str = "updated",
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> WriteResult:
    """The current register written back into the user's own workbook (see lib.writeback), named with
    ``updated_word`` in the user's language.

    ``carry_settings`` adds the theme dictionary and the settings as sheets of their own, so
    they travel with the workbook and come back when it is uploaded again. The workbook holds
    personal data: only an editor gets it (NotAllowed otherwise).
    """
    require(user, "export_personal")
    data = workspace.upload_data(current.upload.id)
    carried = (
        {THEMES_SHEET: workspace.themes().to_frame(), SETTINGS_SHEET: workspace.settings().to_frame()}
        if carry_settings
        else None
    )
    return write_back(
        data,
        current.upload.file_name,
        current.original,
        current.as_stored,
        current.journal,
        workspace.overrides(),
        computed,
        progress,
        app_sheets=carried,
        updated_word=updated_word,
        lang=lang,
    )


def log_workbook_export(workspace: Workspace, user: Actor, current: Current, file_name: str) -> None:
    """Log the updated workbook handed out like any list: who, when, the file, everyone in it as pseudonyms."""
    ids = current.as_stored.customers["customer_id"].dropna().astype(str).tolist()
    workspace.log_export(user, "workbook", file_name, ids)


def correct_mapping(
    workspace: Workspace, correction: MappingOverrides, as_of: date | None = None, user: Actor = LOCAL_USER
) -> Current | None:
    """Remember a recognition correction and re-read the current upload with it."""
    require(user, "upload")
    overrides = workspace.overrides().merged(correction)
    upload = workspace.latest_upload()
    if upload is None:
        workspace.save_overrides(overrides)
        return None
    sheets = read_workbook(workspace.upload_data(upload.id), upload.file_name)
    register, problems = build_register(sheets, overrides, as_of)  # raises before anything is saved
    workspace.save_overrides(overrides)
    workspace.replace_snapshot(
        upload.id, register_to_parts(register, problems), MappingOverrides(columns=mapping_table(register)).to_json()
    )
    return current_register(workspace)
