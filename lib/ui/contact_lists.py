"""The Export page's contact lists: a selection and a channel, who is left out and why, the file, the log."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from lib.analysis.contact_plan import RULES, week_after
from lib.exports.contacts import FILE_SUFFIX, FORMATS
from lib.frames import among
from lib.schema import CHANNELS, MIME_TYPES
from lib.service.outreach import contact_list, log_contact_export
from lib.settings import Settings
from lib.ui.actions import personal_download
from lib.ui.customers import customer_filters, profile_link
from lib.ui.format import localised, num, t
from lib.ui.loaders import Page, contact_plan, frame_key, kept
from lib.ui.paged import paged


def export_log(page: Page) -> None:
    """Every export so far: who, when, what, how many people (pseudonymous, so viewers may see it too)."""
    st.subheader(t("contacts.log"))
    log = page.workspace.exports()
    if log.empty:
        st.caption(t("contacts.log_empty"))
        return
    st.dataframe(
        {
            t("history.when"): log["created_at"].str.replace("T", " ").str[:16],
            t("history.user"): log["user"],
            t("contacts.kind"): log["kind"],
            t("contacts.selection"): log["selection"],
            t("contacts.people"): log["people"],
        },
        hide_index=True,
        placeholder="",
    )


def _selection(page: Page, view: pd.DataFrame, as_of: date, settings: Settings) -> pd.DataFrame:
    """The customers chosen by the filters and, when asked, by the plan's rules due this week."""
    assert page.current is not None
    selected = customer_filters(view, "contacts", page.can("see_personal"), deeper=True)
    rules = st.multiselect(
        t("contacts.plan_rules"),
        list(RULES),
        format_func=localised(lambda r: t(f"plan.rule.{r}")),
        placeholder=t("contacts.plan_rules_none"),
        key="contacts_rules",
    )
    if rules:
        due = contact_plan(page, as_of, settings, as_of, week_after(as_of))
        selected = selected[among(selected["customer_id"], due.loc[due["rule"].isin(rules), "customer_id"])]
    return selected


def unrecognised_consent(page: Page, channel: str, listed: int, no_consent: int) -> None:
    """When a list leaves everyone out for consent and no column was read as that channel's consent, say so:
    the register may well hold consent under a header the app did not recognise."""
    assert page.current is not None
    register = page.current.register
    field = f"consent_{channel}"
    read = any(source.header_of(field) for source in register.sources if source.kind == "customers")
    if listed or not no_consent or read:
        return
    st.warning(t("contacts.consent_not_recognised", channel=t(f"plan.channel.{channel}")))
    st.page_link("app.py", label=t("contacts.to_mapping"), icon=":material/table_view:")


def contact_list_download(page: Page, view: pd.DataFrame, as_of: date, settings: Settings) -> None:
    """Choose a selection, channel and format; see who is left out and why; download the list (logged)."""
    assert page.current is not None
    selected = _selection(page, view, as_of, settings)
    left, middle, right = st.columns(3)
    channel = left.selectbox(
        t("contacts.channel"),
        list(CHANNELS),
        format_func=localised(lambda c: t(f"plan.channel.{c}")),
        key="contacts_channel",
    )
    formats = [f for f in FORMATS if channel == "email" or f not in ("mailchimp", "hubspot")]
    fmt = middle.selectbox(
        t("contacts.format"), formats, format_func=localised(lambda f: t(f"contacts.format_{f}")), key="contacts_format"
    )
    delimiter = right.radio(
        t("contacts.delimiter"), [";", ","], horizontal=True, key="contacts_delimiter", disabled=fmt != "excel-csv"
    )
    with_birthday = st.checkbox(t("contacts.birthday"), key="contacts_birthday")
    chosen = list(selected["customer_id"])
    current = page.current
    contacts = kept(
        page,
        "contact_list",
        f"{channel}|{as_of}|{with_birthday}|{settings.to_json()}|{frame_key(selected[['customer_id']])}",
        lambda: contact_list(
            current.register,
            view,
            channel,
            as_of,
            settings,
            selection=chosen,
            suppressed=current.suppressed,
            with_birthday=with_birthday,
        ),
    )
    counts = contacts.left_out_counts()
    unrecognised_consent(page, channel, len(contacts.rows), counts.get("no_consent", 0))
    st.metric(t("contacts.on_list"), num(len(contacts.rows)), help=t("contacts.on_list_help", selected=len(selected)))
    if counts:
        st.caption(
            t("contacts.left_out", count=sum(counts.values()))
            + " "
            + ", ".join(f"{t(f'contacts.reason.{r}')}: {num(n)}" for r, n in counts.items())
        )
        with st.expander(t("contacts.left_out_list")):
            left_out = paged(
                contacts.left_out,
                "contacts_left_out",
                search=("customer_id",),
                sortable={"customer_id": t("column.customer_id"), "reason": t("contacts.why")},
            )
            reasons = {reason: t(f"contacts.reason.{reason}") for reason in left_out["reason"].unique()}
            st.dataframe(
                {
                    t("column.customer_id"): left_out["customer_id"],
                    t("contacts.why"): left_out["reason"].map(reasons),
                    t("plan.col_open"): [profile_link(c) for c in left_out["customer_id"]],
                },
                hide_index=True,
                column_config={t("plan.col_open"): st.column_config.LinkColumn(display_text=t("plan.open"))},
                placeholder="",
            )
    write = personal_download(page, contacts, fmt, delimiter) if len(contacts.rows) else None
    suffix = FILE_SUFFIX[fmt]
    note = t("contacts.selection_note", count=len(selected))
    st.download_button(
        t("contacts.download", count=len(contacts.rows)),
        data=write or b"",
        disabled=write is None,
        file_name=f"contacts-{channel}-{as_of:%Y%m%d}.{suffix}",
        mime=MIME_TYPES[suffix],
        on_click=lambda: log_contact_export(page.workspace, page.user, contacts, fmt, chosen, note),
        key="contacts_download",
        type="primary",
    )
