"""The register a door works on: a workbook imported as the newest version, the current register
(the latest upload with its journal replayed), a file read under the workspace's rules, mapping
corrections and the updated workbook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from lib import i18n
from lib.exports.writeback import Progress, WriteResult, no_progress
from lib.exports.writeback import updated_workbook as write_back
from lib.reading.bundle import MAX_PARTS, Part, bundle_name, distinct_names, pack, parts_of
from lib.reading.problems import Problem
from lib.reading.register import MappingOverrides, Register, RegisterError, build_register
from lib.reading.snapshots import apply_edits, register_from_parts, register_to_parts
from lib.reading.views import mapping_table
from lib.reading.workbook import MAX_FILE_BYTES, RawSheet, read_workbook
from lib.schema import CUSTOMERS, KEY_COL, SETTINGS_SHEET, SHEET_COL, SHEET_KINDS, THEMES_SHEET
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


@dataclass(frozen=True)
class Checked:
    """A file read and recognised, nothing stored: its sheets as read and the kinds of rows it holds."""

    sheets: list[RawSheet]
    kinds: frozenset[str]
    """Which of customers, purchases, feedback and actions the file has rows of."""


def check_workbook(
    workspace: Workspace, file_name: str, data: bytes, user: Actor = LOCAL_USER, progress: Progress = no_progress
) -> Checked:
    """Read a workbook and check that it holds a register, storing nothing: before a person is asked whether
    it should replace the register in place or join it. Raises as `import_workbook` does."""
    require(user, "upload")
    progress(0.1, "progress.reading")
    sheets = read_workbook(data, file_name)
    progress(0.7, "progress.recognising")
    register, _ = build_register(sheets, workspace.overrides(), check=False)
    progress(1.0, "progress.done")
    return Checked(sheets, kinds_of(register))


def kinds_of(register: Register, file: str | None = None) -> frozenset[str]:
    """The kinds of rows a register (or one of its files) holds, from its own sheets."""
    return frozenset(
        source.kind
        for source in register.sources
        if source.kind in SHEET_KINDS and source.rows and (file is None or source.part in ("", file))
    )


def file_names(current: Current) -> list[str]:
    """The files the register in place was read from, in order: one, or each of a register made of several."""
    files = [source.part or current.upload.file_name for source in current.original.sources]
    return list(dict.fromkeys(files)) or [current.upload.file_name]


REPLACE, ADD = "replace", "add"
"""What new files can do to the register in place besides taking the place of one of its files."""


def suggested_choice(files: Sequence[tuple[str, frozenset[str]]], current: Current) -> str | int:
    """What new files (name, kinds of rows) most likely do to the register in place: REPLACE it (several files,
    or one that holds its customers and everything else it holds, as its own updated workbook does), take the
    place of one of its files (the position of one of the same name, else of the one whose customers it
    replaces, else of an earlier export of the same kind, as a newer orders export replaces the older one),
    or ADD to it (an orders export or a survey download next to the customers in place)."""
    names = file_names(current)
    if len(files) != 1:
        return REPLACE
    name, kinds = files[0]
    if CUSTOMERS in kinds and kinds >= kinds_of(current.original):
        return REPLACE
    held = [kinds_of(current.original, file) for file in names]
    if name in names:
        place: int | None = names.index(name)
    elif CUSTOMERS in kinds:
        place = next((i for i, own in enumerate(held) if CUSTOMERS in own), 0)
    else:
        place = next((i for i, own in enumerate(held) if own == kinds and CUSTOMERS not in own), None)
    if place is None:
        return ADD
    return REPLACE if len(names) == 1 else place


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
    now = _import(workspace, file_name, data, user, progress, as_of, sheets)
    assert now is not None  # nothing to wait for without a register to grow from
    return now


Carry = Callable[[Register], Mapping[int, str]]
"""Given the register a new upload makes, the edits of the register in place that hold on it: journal id →
the key of their row there."""


def _import(
    workspace: Workspace,
    file_name: str,
    data: bytes,
    user: Actor,
    progress: Progress,
    as_of: date | None,
    sheets: list[RawSheet] | None = None,
    grows_from: Current | None = None,
    carry: Carry | None = None,
) -> Current | None:
    """`import_workbook`; with ``grows_from`` (the register in place, of which the new one keeps some files) the
    edits ``carry`` picks come along, and the upload goes in only while the workspace is still at that
    register's version: None when someone changed it meanwhile."""
    name = require(user, "upload").name
    progress(0.05, "progress.reading")
    sheets = sheets if sheets is not None else read_workbook(data, file_name)
    progress(0.55, "progress.recognising")
    register, problems = build_register(sheets, workspace.overrides(), as_of)
    progress(0.85, "progress.saving")
    settings_carried = _take_carried_settings(workspace, sheets, name)
    remember_opt_outs(workspace, register)
    remember_withdrawals(workspace, register, "upload", name)
    carried = (grows_from.upload.id, carry(register)) if grows_from is not None and carry is not None else None
    upload = workspace.store_upload(
        file_name,
        data,
        name,
        register_to_parts(register, problems),
        MappingOverrides(columns=mapping_table(register)).to_json(),
        carried,
        grows_from.version if grows_from is not None else None,
    )
    if upload is None:
        return None
    if settings_carried is not None:
        workspace.save_carried_settings({**settings_carried, "upload": upload.id})
    progress(1.0, "progress.done")
    if grows_from is not None:
        return current_register(workspace)
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


def import_files(
    workspace: Workspace,
    files: Sequence[Part],
    user: Actor = LOCAL_USER,
    progress: Progress = no_progress,
    as_of: date | None = None,
) -> Current:
    """Several files read together as one register (a customers export with an orders export, a register
    with a survey download), kept as one version; one file is imported as it is. Raises as `import_workbook`."""
    if len(files) == 1:
        return import_workbook(workspace, files[0].name, files[0].data, user, progress, as_of)
    if len(files) > MAX_PARTS:
        raise RegisterError("error.too_many_files", count=len(files), limit=MAX_PARTS)
    return import_workbook(workspace, bundle_name(files), pack(files), user, progress, as_of)


def register_files(workspace: Workspace, upload: Upload) -> list[Part]:
    """The files a register was read from: one, or each file of a register made of several."""
    return parts_of(upload.file_name, workspace.upload_data(upload.id), MAX_FILE_BYTES)


_ATTEMPTS = 3


def add_files(
    workspace: Workspace,
    new: Sequence[Part],
    in_place_of: int | None = None,
    user: Actor = LOCAL_USER,
    progress: Progress = no_progress,
    as_of: date | None = None,
) -> Current:
    """Files added to the register in place, or the first put in place of one of its files (``in_place_of``:
    its position), kept as one new version: the other files stay as they were, and so do the edits made on
    their rows and the rows added in the app (a logged call stays logged when a newer orders export comes
    in). Edits on the rows of a file that was replaced stay with the earlier version, and so do rows added
    in the app of a kind the new files bring themselves (an updated workbook holds its actions already).
    Raises as `import_workbook`, and RegisterError when the register kept changing while the files were read.
    """
    require(user, "upload")
    for _ in range(_ATTEMPTS):
        current = current_register(workspace)
        if current is None:
            return import_files(workspace, new, user, progress, as_of)
        before = register_files(workspace, current.upload)
        files, origin = list(before), list(range(len(before)))
        if in_place_of is not None and 0 <= in_place_of < len(files):
            files[in_place_of : in_place_of + 1] = new
            origin[in_place_of : in_place_of + 1] = [-1] * len(new)
        else:
            files += new
            origin += [-1] * len(new)
        if len(files) > MAX_PARTS:
            raise RegisterError("error.too_many_files", count=len(files), limit=MAX_PARTS)
        names = distinct_names([file.name for file in files])
        kept = {before[was].name: names[now] for now, was in enumerate(origin) if was >= 0}
        name = bundle_name(files)
        data = pack(files) if len(files) > 1 else files[0].data

        def carry(register: Register, current: Current = current, kept: dict[str, str] = kept, name: str = name):
            return edits_on_files(current, kept, register, name)

        done = _import(workspace, name, data, user, progress, as_of, grows_from=current, carry=carry)
        if done is not None:
            return done
    raise RegisterError("error.register_busy")


def edits_on_files(current: Current, kept: Mapping[str, str], new: Register, new_name: str) -> dict[int, str]:
    """The edits in force that hold on the register a new upload makes, each with its row's key there: those on
    rows of the files it keeps (``kept``: a file's name before → after), with their sheet's new name where
    the files around it changed it, and those on rows added in the app, unless the new files bring rows of
    that kind themselves."""
    before = _sheets_by_file(current.original, current.upload.file_name)
    after = _sheets_by_file(new, new_name)
    renamed = {
        old: now
        for file, now_file in kept.items()
        for old, now in zip(before.get(file, []), after.get(now_file, []), strict=False)
    }
    brought = frozenset().union(*(kinds_of(new, file) for file in after if file not in kept.values()))
    part_of = {sheet: file for file, sheets in before.items() for sheet in sheets}
    origin: dict[str, dict[str, str]] = {}
    carried = {}
    for edit in current.journal.itertuples(index=False):
        if edit.sheet not in origin:
            frame = current.original.frame(edit.sheet)
            origin[edit.sheet] = dict(
                zip(frame[KEY_COL].astype("string"), frame[SHEET_COL].astype("string").map(part_of), strict=True)
            )
        file = origin[edit.sheet].get(str(edit.key))
        if file is None or pd.isna(file):
            if edit.sheet not in brought:  # a row added in the app
                carried[int(edit.id)] = str(edit.key)
        elif file in kept:
            sheet, mark, row = str(edit.key).partition("!")
            carried[int(edit.id)] = f"{renamed[sheet]}!{row}" if mark and sheet in renamed else str(edit.key)
    return carried


def _sheets_by_file(register: Register, file_name: str) -> dict[str, list[str]]:
    """Each file of a register with its sheets' names in the register, in order."""
    files: dict[str, list[str]] = {}
    for source in register.sources:
        files.setdefault(source.part or file_name, []).append(source.sheet)
    return files


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
