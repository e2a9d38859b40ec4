"""Shared Streamlit widgets: importing a workbook, the quality report, the recognition editor, export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TypeVar

import pandas as pd
import streamlit as st

from lib.analysis.facts import default_as_of
from lib.analysis.lifecycle import class_columns
from lib.exports.quality_report import problems_workbook
from lib.exports.writeback import WriteError
from lib.reading.bundle import Part, bundle_name
from lib.reading.problems import SEVERITIES, Problem, problems_frame
from lib.reading.register import NOT_MAPPED, MappingOverrides, Register, RegisterError, SheetSource
from lib.reading.views import contributions, customer_summary, key_figures
from lib.reading.workbook import RawSheet, WorkbookError
from lib.schema import FIELDS, MIME_TYPES, OTHER, SHEET_KINDS
from lib.service.outreach import analyse
from lib.service.registers import (
    Checked,
    Current,
    add_files,
    check_workbook,
    correct_mapping,
    import_files,
    import_workbook,
    log_workbook_export,
    updated_workbook,
)
from lib.ui.actions import refused
from lib.ui.format import amount, day, language, localised, num, plain, t, t_text
from lib.ui.loaders import Page
from lib.ui.page import flash, log
from lib.workspace.access import NotAllowed, User
from lib.workspace.repository import Workspace

_T = TypeVar("_T")


def _reading(
    file_name: str, work: Callable[[Callable[[float, str], None]], _T], finished: str = "import.done_label"
) -> _T | None:
    """Run ``work`` on a file with a progress bar; on failure say why (never a traceback) and give None."""
    with st.status(t("import.reading", file=file_name), expanded=False) as status:
        bar = st.progress(0.0)

        def progress(fraction: float, step: str) -> None:
            bar.progress(fraction, text=t(step))

        try:
            done = work(progress)
        except NotAllowed as error:
            status.update(label=t("import.failed_label", file=file_name), state="error", expanded=True)
            refused(error)
            return None
        except (WorkbookError, RegisterError) as error:
            status.update(label=t("import.failed_label", file=file_name), state="error", expanded=True)
            st.error(t("import.failed", file=file_name, reason=error.message(language())))
            return None
        except Exception as error:  # never a traceback in the browser; no customer data in the log
            log.error("import failed: %s", type(error).__name__)
            status.update(label=t("import.failed_label", file=file_name), state="error", expanded=True)
            st.error(t("import.failed_unexpected", file=file_name))
            return None
        status.update(label=t(finished, file=file_name), state="complete")
    return done


def import_file(ws: Workspace, file_name: str, data: bytes, user: User, sheets: list[RawSheet] | None = None) -> bool:
    """Read a workbook into the workspace with progress; on failure say why and keep the old one.

    Returns True when the new register is in place.
    """
    return _imported(file_name, lambda progress: import_workbook(ws, file_name, data, user, progress, sheets=sheets))


def import_several(ws: Workspace, files: list[Part], user: User) -> bool:
    """Several files read into the workspace as one register, with progress; True when it is in place."""
    return _imported(bundle_name(files), lambda progress: import_files(ws, files, user, progress))


def join_files(ws: Workspace, files: list[Part], in_place_of: int | None, user: User) -> bool:
    """Files added to the register in place, or one put in place of one of its files; True when done."""
    return _imported(bundle_name(files), lambda progress: add_files(ws, files, in_place_of, user, progress))


def _imported(file_name: str, work: Callable[[Callable[[float, str], None]], Current]) -> bool:
    now = _reading(file_name, work)
    if now is None:
        return False
    flash(
        t(
            "import.done",
            file=now.upload.file_name,
            customers=len(now.register.customers),
            problems=len(now.problems),
        )
    )
    return True


def check_file(ws: Workspace, file_name: str, data: bytes, user: User) -> Checked | None:
    """Read a workbook and check it holds a register, storing nothing (None, with the reason shown, when not)."""
    return _reading(
        file_name, lambda progress: check_workbook(ws, file_name, data, user, progress), "import.checked_label"
    )


def register_files_table(register: Register, file_name: str) -> None:
    """What each file of a register made of several gave it (nothing for a register of one file)."""
    table = register.memo(f"contributions:{file_name}", lambda: contributions(register, file_name))
    if len(table) < 2:
        return
    st.subheader(t("home.files"))
    st.caption(t("home.files_help"))
    labels = {
        "file": t_text("home.files_file"),
        "customers": t_text("figures.customers"),
        "purchases": t_text("figures.purchases"),
        "feedback": t_text("figures.feedback"),
        "actions": t_text("home.files_actions"),
    }
    st.dataframe(table.rename(columns=labels), hide_index=True, width="stretch")


TABLE_ROWS = 25
"""Problem lists up to this long are shown as wrapped tables; longer ones as scrollable grids."""


def key_figure_metrics(register: Register, currency: str = "EUR") -> None:
    figures = register.memo("key_figures", lambda: key_figures(register))
    span = exact = "–"
    if figures["first_date"]:
        first, last = (date.fromisoformat(d) for d in (figures["first_date"], figures["last_date"]))
        span = f"{first:%m/%Y} – {last:%m/%Y}"
        exact = f"{day(first)} – {day(last)}"
    shown = [
        ("figures.customers", num(figures["customers"])),
        ("figures.buying_customers", num(figures["buying_customers"])),
        ("figures.revenue", amount(figures["revenue"], currency)),
        ("figures.purchases", num(figures["purchases"])),
        ("figures.feedback", num(figures["feedback"])),
        ("figures.date_range", span),
    ]
    for row in (shown[:3], shown[3:]):
        for cell, (label, value) in zip(st.columns(3), row, strict=True):
            cell.metric(t(label), value, help=exact if label == "figures.date_range" else None)


def identity_note(register: Register) -> None:
    """How customers are told apart when the register has no id column: a person should know that two rows
    with one e-mail are one customer, and how many rows lacked it."""
    if register.identity == "customer_id":
        return
    note = t(f"home.identity.{register.identity}")
    if register.kept_apart:
        note += " " + t("home.identity.kept_apart", count=num(register.kept_apart))
    st.info(note)


def unused_columns_note(register: Register) -> None:
    """The user's columns the app did not recognise, sheet by sheet: kept in the workbook, but not analysed.

    A consent or an id column under an unusual header is the usual reason a list comes out empty, so
    they are named where the person looks first, with the way to give them a meaning.
    """
    unused = {
        source.sheet: [h for h in source.headers if h and h not in source.fields and h not in source.answers]
        for source in register.sources
        if source.kind in SHEET_KINDS
    }
    unused = {sheet: headers for sheet, headers in unused.items() if headers}
    if unused:
        listed = "; ".join(f"{sheet}: {', '.join(headers)}" for sheet, headers in unused.items())
        st.caption(t("home.unused_columns", columns=listed))


def quality_report(problems: list[Problem], rows: bool = True) -> None:
    """Problems grouped by severity and kind, each with sheet, row and column; downloadable.

    Without ``rows`` (a viewer) only the counts per kind: the messages quote cell values.
    """
    if not problems:
        st.success(t("quality.none"))
        return
    frame = problems_frame(problems, language())
    counts = frame["severity"].value_counts()
    st.write(
        t(
            "quality.summary",
            errors=int(counts.get("error", 0)),
            warnings=int(counts.get("warning", 0)),
            notes=int(counts.get("info", 0)),
        )
    )
    for severity in SEVERITIES:
        group = frame[frame["severity"] == severity]
        if group.empty:
            continue
        with st.expander(f"{t(f'quality.group.{severity}')} ({num(len(group))})", expanded=severity == "error"):
            for code, items in group.groupby("code", sort=False):
                st.markdown(f"**{t(f'quality.kind.{code}')}** · {num(len(items))}")
                if not rows:
                    continue
                shown = items[["sheet", "row", "column", "message"]].rename(
                    columns={c: t(f"quality.col.{c}") for c in ("sheet", "row", "column", "message")}
                )
                if len(shown) <= TABLE_ROWS:  # short lists wrap their messages in full (a table renders Markdown)
                    st.table(shown.map(lambda v: plain(v) if isinstance(v, str) else v), hide_index=True)
                else:
                    st.dataframe(
                        shown,
                        placeholder="",
                        hide_index=True,
                        width="stretch",
                        column_config={t("quality.col.message"): st.column_config.TextColumn(width="large")},
                    )
    if not rows:
        return
    st.download_button(
        t("quality.download"),
        data=partial(problems_workbook, problems, language()),  # built on click
        file_name="data-quality-report.xlsx",
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def carried_settings_note(page: Page) -> None:
    """What the settings sheet of the register's workbook changed, and what it was not allowed to change."""
    record = page.workspace.carried_settings()
    if page.current is None or record.get("upload") != page.current.upload.id:
        return
    if record.get("applied"):
        st.info(t("home.carried_applied", names=", ".join(t_text(f"setting.{n}") for n in record["applied"])))
    if record.get("held"):
        st.warning(t("home.carried_held", names=", ".join(t_text(f"setting.{n}") for n in record["held"])))


def _field_label(kind: str, name: str) -> str:
    return t("mapping.not_used") if name == NOT_MAPPED else t(f"field.{name}")


MAPPING_OPEN = "mapping-open-"
"""Session key of whether a sheet's recognition is open (followed by the sheet's name)."""
_REOPEN = "mapping-reopen"
"""The sheet whose recognition was just corrected: its box has a new label, so it is opened again."""


def mapping_editor(ws: Workspace, register: Register, user: User) -> None:
    """Show what was recognised on each sheet and let the user correct it; remembered per workspace."""
    for source in register.sources:
        label = t(
            "mapping.sheet_title",
            sheet=source.sheet,
            kind=t(f"kind.{source.kind}"),
            row=source.header_row,
            columns=len(source.fields),
            total=len(source.headers),
        )
        if st.session_state.get(_REOPEN) == source.sheet:
            del st.session_state[_REOPEN]
            st.session_state[f"{MAPPING_OPEN}{source.sheet}"] = True
        # Opened on request: some fifty column pickers drawn on every visit of the home page cost it a second.
        with st.expander(label, key=f"{MAPPING_OPEN}{source.sheet}", on_change="rerun") as sheet_box:
            if sheet_box.open:
                _mapping_form(ws, source, user)


def _mapping_form(ws: Workspace, source: SheetSource, user: User) -> None:
    """One sheet's kind and columns as recognised, each to correct, applied together."""
    kinds = [*SHEET_KINDS, OTHER]
    with st.form(f"mapping-{source.sheet}"):
        kind = st.selectbox(
            t("mapping.sheet_kind"),
            kinds,
            index=kinds.index(source.kind),
            format_func=localised(lambda k: t(f"kind.{k}")),
            key=f"kind-{source.sheet}",
        )
        choices: dict[str, str] = {}
        if source.kind != OTHER:
            options: list[str] = [NOT_MAPPED, *FIELDS[source.kind]]
            cells = st.columns(3)
            for position, header in enumerate(source.headers):
                chosen = source.fields.get(header, NOT_MAPPED)
                choices[header] = cells[position % 3].selectbox(
                    plain(f"{header} ({source.letter_of(header)})"),
                    options,
                    index=options.index(chosen),
                    format_func=localised(partial(_field_label, source.kind)),
                    key=f"map-{source.sheet}-{header}",
                )
        else:
            st.caption(t("mapping.other_kept"))
        submitted = st.form_submit_button(t("mapping.apply"))
    if submitted:
        if kind != source.kind:
            correction = MappingOverrides(sheets={source.sheet: kind})
        else:
            changed = {h: f for h, f in choices.items() if f != source.fields.get(h, NOT_MAPPED)}
            correction = MappingOverrides(columns={source.sheet: changed} if changed else {})
        if correction.sheets or correction.columns:
            try:
                correct_mapping(ws, correction, user=user)
            except NotAllowed as error:
                refused(error)
                return
            except (WorkbookError, RegisterError) as error:
                st.error(t("mapping.failed", reason=error.message(language())))
                return
            flash(t("mapping.applied", sheet=source.sheet))
            st.session_state[_REOPEN] = source.sheet  # opened again on the next run, to show what it now reads
            st.rerun()


def _computed_columns(ws: Workspace, current: Current) -> pd.DataFrame:
    """What the app adds per customer: the sheets' totals, and the class, reason, stage, group and tier."""
    settings = ws.settings()
    view = analyse(current.register, default_as_of(current.register), settings, current.suppressed)
    classes = class_columns(view, settings, language())
    return customer_summary(current.register).merge(classes, on="customer_id", how="left")


def prepare_updated_workbook(
    ws: Workspace, current: Current, with_computed: bool, carry_settings: bool, user: User
) -> None:
    """Write the updated workbook when asked (with progress), then offer it for download.

    The file is kept in the session only for the register version it was written from.
    """
    key = (current.version, with_computed, carry_settings)
    if st.button(t("export.prepare"), type="primary"):
        with st.status(t("export.writing"), expanded=False) as status:
            bar = st.progress(0.0)

            def progress(fraction: float, step: str) -> None:
                bar.progress(fraction, text=t(step))

            try:
                computed = None
                if with_computed:
                    summary = _computed_columns(ws, current)
                    computed = summary.rename(columns={c: t(f"computed.{c}") for c in summary.columns})
                result = updated_workbook(
                    ws,
                    current,
                    computed,
                    progress=progress,
                    carry_settings=carry_settings,
                    user=user,
                    updated_word=t_text("export.updated_word"),
                    lang=language(),
                )
            except NotAllowed as error:
                status.update(label=t("export.failed_label"), state="error", expanded=True)
                refused(error)
                return
            except WriteError as error:
                log.error("write-back failed: %s", error)
                status.update(label=t("export.failed_label"), state="error", expanded=True)
                st.error(t("export.failed"))
                return
            status.update(label=t("export.ready_label"), state="complete")
        st.session_state["updated_workbook"] = (key, result)
    stored = st.session_state.get("updated_workbook")
    if not stored or stored[0] != key:
        return
    result = stored[1]
    if result.path == "safe":
        st.warning(t("export.safe_path"))
    elif result.path == "clean":
        st.info(t("export.clean_path"))
    mime = (
        "application/vnd.ms-excel.sheet.macroEnabled.12" if result.file_name.endswith(".xlsm") else MIME_TYPES["xlsx"]
    )
    st.download_button(
        t("export.download", file=result.file_name),
        data=result.data,
        file_name=result.file_name,
        mime=mime,
        on_click=lambda: log_workbook_export(ws, user, current, result.file_name),
        type="primary",
    )
