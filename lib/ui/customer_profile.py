"""One customer's whole story on the Customers page: details, place on the ladder, what is due,
buying by month, the timeline, logging a contact or feedback on the spot, and forgetting them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from lib.analysis.ladder import reason_texts
from lib.analysis.profile import monthly_value, timeline
from lib.reading.register import Register
from lib.schema import CHANNELS, FEEDBACK_STATUSES, VOCABULARIES
from lib.service.changes import ErasureError, forget_customer
from lib.service.outreach import consent_record
from lib.settings import Settings
from lib.ui import charts
from lib.ui.actions import refused, save_edits
from lib.ui.customer_editor import remember_refusals
from lib.ui.customers import value_label
from lib.ui.format import amount, chart, date_format, day, language, localised, plain, t, t_text
from lib.ui.loaders import Page
from lib.ui.page import flash
from lib.workspace.access import NotAllowed
from lib.workspace.edits import new_row

DETAILS = ("name", "email", "phone", "city", "country", "language", "birth_date", "first_contact")


def profile_summary(person: pd.Series, facts: pd.Series | None, settings: Settings) -> None:
    """Details, relationship with its reason and consent, and what is expected next, side by side."""
    left, middle, right = st.columns(3)
    with left:
        st.markdown(f"**{t('customers.details')}**")
        for name in DETAILS:
            if pd.notna(person.get(name)):
                value = person[name]
                shown = day(value) if isinstance(value, pd.Timestamp) else value
                st.text(f"{t(f'field.{name}')}: {shown}")
    middle.markdown(f"**{t('customers.relationship')}**")
    right.markdown(f"**{t('customers.next')}**")
    if facts is None:
        return
    with middle:
        st.text(f"{value_label('relationship', facts['relationship'])} · {value_label('stage', facts['stage'])}")
        st.text(reason_texts(facts.to_frame().T.assign(customer_id=person.name), settings, language()).iloc[0])
        consent = [t(f"customers.channel_{c}") for c in CHANNELS if facts[f"consent_{c}"]]
        st.text(t_text("customers.consent", channels=", ".join(consent) or t("customers.no_consent")))
    with right:
        if facts["purchases"] > 0:
            st.text(
                t_text(
                    "customers.value",
                    value=amount(facts["value"], settings.currency),
                    purchases=int(facts["purchases"]),
                )
            )
            if facts["relationship"] == "former":  # gone past the churn horizon: win-back, not a reminder
                st.text(t_text("customers.former_note", days=round(float(facts["days_since_last"]))))
            else:
                st.text(
                    t_text(
                        "customers.expected", day=day(facts["expected_next"]), rhythm=round(float(facts["rhythm_days"]))
                    )
                )
                if facts["overdue"]:
                    st.text(t_text("customers.overdue", days=round(float(facts["overdue_days"]))))
        if facts["open_complaints"]:
            st.text(t("customers.open_complaints", count=int(facts["open_complaints"])))


def consent_section(page: Page, chosen: str) -> None:
    """The customer's consent record: what was given or withdrawn in the app, when, by whom and how (GDPR art. 7(1))."""
    assert page.current is not None
    upload = page.current.upload
    with st.expander(t("customers.consent_record")):
        st.caption(
            t("customers.consent_from_upload", file=upload.file_name, day=day(upload.created_at), user=upload.user)
        )
        record = consent_record(page.workspace, page.current.register, chosen)
        if record.empty:
            st.text(t("customers.consent_no_changes"))
            return
        st.dataframe(
            {
                t("customers.consent_col_when"): pd.to_datetime(record["created_at"]).dt.tz_localize(None),
                t("customers.consent_col_who"): record["user"],
                t("customers.consent_col_channel"): [t(f"customers.channel_{c}") for c in record["channel"]],
                t("customers.consent_col_change"): [
                    t("customers.consent_given" if given else "customers.consent_withdrawn")
                    for given in record["given"]
                ],
                t("customers.consent_col_source"): [t(f"consent_source.{s}") for s in record["source"]],
            },
            hide_index=True,
            column_config={
                t("customers.consent_col_when"): st.column_config.DatetimeColumn(format=f"{date_format()} HH:mm")
            },
            placeholder="",
        )


def _kind_label(what: str, kind: object) -> str:
    """A timeline row's kind in words: a contact's or a feedback item's kind from the catalogue, a purchase's
    category as the register writes it, nothing where there is none."""
    if not isinstance(kind, str) or not kind:
        return ""
    prefix = {"action": "action_kind", "feedback": "feedback_kind"}.get(what)
    label = t_text(f"{prefix}.{kind}") if prefix else kind
    return kind if label.startswith("⟦") else label


def _status_label(what: str, value: object) -> str:
    """A feedback item's status in words (the register keeps its code); a contact's outcome as written."""
    if not isinstance(value, str) or not value:
        return ""
    if what == "feedback":
        label = t_text(f"status.{value}")
        return value if label.startswith("⟦") else label
    return value


def customer_story(register: Register, chosen: str, currency: str = "EUR") -> None:
    """Buying by month as a chart, and every purchase, feedback item and action in one timeline."""
    months = monthly_value(register, chosen)
    if len(months):
        chart(
            charts.monthly_bars(months, t("customers.by_month"), t("chart.value"), language(), currency),
            key="customer_months",
        )
    story = timeline(register, chosen)
    st.dataframe(
        {
            t("customers.col_date"): story["date"],
            t("customers.col_what"): [t(f"customers.what_{w}") for w in story["what"]],
            t("customers.col_kind"): [
                _kind_label(what, kind) for what, kind in zip(story["what"], story["kind"], strict=True)
            ],
            t("customers.col_detail"): story["detail"],
            t("customers.col_amount"): story["amount"],
            t("customers.col_outcome"): [
                _status_label(what, outcome) for what, outcome in zip(story["what"], story["outcome"], strict=True)
            ],
        },
        hide_index=True,
        column_config={t("customers.col_date"): st.column_config.DateColumn(format=date_format())},
        placeholder="",
    )


def _save_new_row(page: Page, kind: str, values: dict[str, object], done_key: str) -> None:
    review = save_edits(page, new_row(kind, values))
    if review is None:
        st.stop()
    remember_refusals([r.message(language(), plain) for r in review.refused])
    flash(t(done_key))
    st.rerun()


def log_forms(page: Page, chosen: str) -> None:
    """Log a contact made or a piece of feedback heard: each a new row of the Actions or Feedback sheet."""
    left, right = st.columns(2)
    with left, st.form("log_action", clear_on_submit=True):
        st.markdown(f"**{t('customers.log_action')}**")
        kind = st.selectbox(
            t("field.kind"),
            list(VOCABULARIES["action_kind"]),
            format_func=localised(lambda k: t(f"action_kind.{k}")),
            key="action_kind",
        )
        channel = st.text_input(t("field.channel"), key="action_channel")
        planned = st.date_input(t("field.planned"), value=None, format=date_format(), key="action_planned")
        done = st.date_input(t("field.done"), value=date.today(), format=date_format(), key="action_done")
        campaign = st.text_input(t("field.campaign"), key="action_campaign")
        outcome = st.text_input(t("field.outcome"), key="action_outcome")
        note = st.text_input(t("field.note"), key="action_note")
        if st.form_submit_button(t("customers.log_action_save")):
            _save_new_row(
                page,
                "actions",
                {
                    "customer_id": chosen,
                    "kind": kind,
                    "channel": channel,
                    "planned": planned,
                    "done": done,
                    "campaign": campaign,
                    "outcome": outcome,
                    "note": note,
                },
                "customers.logged_action",
            )
    with right, st.form("log_feedback", clear_on_submit=True):
        st.markdown(f"**{t('customers.log_feedback')}**")
        kind = st.selectbox(
            t("field.kind"),
            list(VOCABULARIES["feedback_kind"]),
            format_func=localised(lambda k: t(f"feedback_kind.{k}")),
            key="feedback_kind",
        )
        channel = st.text_input(t("field.channel"), key="feedback_channel")
        rating = st.number_input(
            t("field.rating"), min_value=0, max_value=10, value=None, step=1, key="feedback_rating"
        )
        text = st.text_area(t("field.text"), key="feedback_text")
        status = st.selectbox(
            t("field.status"),
            list(FEEDBACK_STATUSES),
            format_func=localised(lambda s: t(f"status.{s}")),
            key="feedback_status",
        )
        when = st.date_input(t("field.date"), value=date.today(), format=date_format(), key="feedback_date")
        if st.form_submit_button(t("customers.log_feedback_save")):
            _save_new_row(
                page,
                "feedback",
                {
                    "customer_id": chosen,
                    "date": when,
                    "kind": kind,
                    "channel": channel,
                    "rating": rating,
                    "text": text,
                    "status": status,
                },
                "customers.logged_feedback",
            )


def forget_section(page: Page, chosen: str) -> None:
    """Erase the customer from every stored version, after a confirmation."""
    if st.session_state.pop("_forget_log_busy", False):
        st.warning(t("customers.forget_log_busy"))
    with st.expander(t("customers.forget", customer=chosen)):
        st.warning(t("customers.forget_help"))
        sure = st.checkbox(t("customers.forget_confirm", customer=chosen), key="forget_confirm")
        if st.button(t("customers.forget_button"), disabled=not sure, type="primary", key="forget_button"):
            with st.spinner(t("customers.forgetting")):
                try:
                    done = forget_customer(page.workspace, chosen, page.user)
                except NotAllowed as error:
                    refused(error)
                    st.stop()
                except ErasureError as error:
                    st.error(plain(error.message(language())))
                    st.stop()
            if not done.log_emptied:
                st.session_state["_forget_log_busy"] = True
            flash(t("customers.forgotten", versions=done.versions))
            st.session_state.pop("customers_profile", None)
            st.rerun()
