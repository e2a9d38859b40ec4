"""Customers: find customers, edit them, and see one customer's whole story.

For the marketer who keeps the register: search and filter, correct records in a table and
save them (every change is checked again and kept in the workspace journal, under the
customer's id), add and delete customers; open a customer's profile to see their purchases,
feedback and actions, and log a contact or a piece of feedback on the spot.
"""

from datetime import date

import pandas as pd
import streamlit as st

from lib.analysis.ladder import CLASSES, TEMPERATURES, reason_texts
from lib.analysis.profile import monthly_value, timeline
from lib.schema import FIELDS, KEY_COL, VOCABULARIES
from lib.service.changes import forget_customer
from lib.ui import (
    amount,
    analysis_page,
    chart,
    charts,
    date_format,
    day,
    flash,
    language,
    localised,
    people_table,
    refused,
    save_edits,
    t,
)
from lib.ui.customers import customer_filters, value_label
from lib.workspace.access import NotAllowed
from lib.workspace.edits import bulk_changes, changes_from_editor, editable_fields, find_customers, new_row

EDIT_ROWS = 200  # at most this many customers go to the browser for editing; the filter reaches others
EDITOR = "customers_editor"

page, settings, as_of, view = analysis_page("customers.title")
register = page.current.register
st.caption(t("customers.intro"))

for message in st.session_state.pop("customers_refused", []):
    st.error(message)

query = st.text_input(t("customers.search"), placeholder=t("customers.search_hint"), key="customers_query")
selected = customer_filters(view, "customers")
customers = register.customers.set_index(KEY_COL, drop=False)
found = customers[find_customers(customers, query) & customers["customer_id"].isin(selected["customer_id"])]
fields = editable_fields(register)
shown = found[fields].head(EDIT_ROWS)
st.caption(t("customers.shown", shown=len(shown), total=len(found), limit=EDIT_ROWS))

if not page.can("see_personal"):  # a viewer: who is in the selection, by pseudonym, and no editing
    facts = view.set_index("customer_id").loc[list(shown.index)].reset_index()
    people_table({
        t("column.customer_id"): facts["customer_id"],
        t("column.relationship"): [value_label("relationship", v) for v in facts["relationship"]],
        t("column.stage"): [value_label("stage", v) for v in facts["stage"]],
        t("column.purchases"): facts["purchases"], t("column.value"): facts["value"],
        t("column.last_purchase"): facts["last_purchase"],
    }, page, ids=t("column.customer_id"), hide_index=True, width="stretch",
        column_config={t("column.last_purchase"): st.column_config.DateColumn(format=date_format())})
    st.info(t("access.viewer_note"))
    st.stop()

signature = tuple(shown.index)
if st.session_state.get("customers_signature") != signature:  # other rows in the table: earlier edits do not apply
    st.session_state.pop(EDITOR, None)
    st.session_state["customers_signature"] = signature
if not any((st.session_state.get(EDITOR) or {}).values()):
    st.session_state["customers_seen"] = shown
# While edits are pending the table keeps showing what the user saw, so a value someone else
# changed meanwhile is caught as a conflict on saving instead of being overwritten.
seen = st.session_state["customers_seen"]


def column_config(name: str):
    label = t(f"field.{name}")
    spec = FIELDS["customers"][name]
    if name == "relationship":
        return st.column_config.SelectboxColumn(label, options=list(CLASSES))
    if name == "lead_temperature":
        return st.column_config.SelectboxColumn(label, options=list(TEMPERATURES))
    if spec.type == "bool":
        return st.column_config.CheckboxColumn(label)
    if spec.type == "date":
        return st.column_config.DateColumn(label, format=date_format())
    if spec.type in ("number", "count"):
        return st.column_config.NumberColumn(label)
    return st.column_config.TextColumn(label, required=name == "customer_id")


# A range index for the browser (rows added there need no key typed in); positions map back to keys.
st.data_editor(seen.reset_index(drop=True), key=EDITOR, num_rows="dynamic", hide_index=True, width="stretch",
               column_config={name: column_config(name) for name in fields})
state = st.session_state.get(EDITOR) or {}
pending = changes_from_editor(seen, state)
if st.button(t("customers.save", count=len(pending)), type="primary", disabled=not pending, key="customers_save"):
    review = save_edits(page, pending)
    if review is not None:
        counts = review.summary()
        flash(t("customers.saved", cells=counts["cells"], added=counts["added"], deleted=counts["deleted"]))
        st.session_state["customers_refused"] = [refusal.message(language()) for refusal in review.refused]
        st.session_state.pop(EDITOR, None)
        st.rerun()

with st.expander(t("customers.bulk", count=len(found))):
    st.caption(t("customers.bulk_help"))
    targets = [name for name in fields if name != "customer_id"]
    left, right = st.columns(2)
    target = left.selectbox(t("customers.bulk_field"), targets, format_func=localised(lambda f: t(f"field.{f}")), key="bulk_field")
    spec = FIELDS["customers"][target]
    if spec.type == "bool":
        value = right.selectbox(t("customers.bulk_value"), [True, False], key="bulk_bool",
                                format_func=localised(lambda v: t("value.yes") if v else t("value.no")))
    elif spec.vocabulary:
        value = right.selectbox(t("customers.bulk_value"), list(VOCABULARIES[spec.vocabulary]), key="bulk_choice",
                                format_func=localised(lambda code: value_label("relationship", code) if target == "relationship"
                                else t(f"temperature.{code}") if target == "lead_temperature" else code))
    elif spec.type == "date":
        value = right.date_input(t("customers.bulk_value"), value=None, format=date_format(), key="bulk_date")
    else:
        value = right.text_input(t("customers.bulk_value"), key="bulk_text")
    bulk = bulk_changes(found, target, value)
    st.caption(t("customers.bulk_preview", count=len(bulk), field=t(f"field.{target}")))
    if st.button(t("customers.bulk_apply", count=len(bulk)), disabled=not bulk, key="bulk_apply"):
        review = save_edits(page, bulk)
        if review is None:
            st.stop()
        flash(t("customers.saved", **{k: v for k, v in review.summary().items() if k != "refused"}))
        st.session_state["customers_refused"] = [refusal.message(language()) for refusal in review.refused[:20]]
        st.rerun()

st.divider()
st.subheader(t("customers.profile"))
if shown.empty:
    st.info(t("customers.nobody"))
    st.stop()
names = dict(zip(found.index, found["name"].fillna(""), strict=True))
chosen = st.selectbox(t("customers.pick"), list(shown.index), format_func=lambda key: f"{key} · {names.get(key, '')}",
                      key="customers_profile")
person = customers.loc[chosen]
facts = view.set_index("customer_id").loc[chosen] if chosen in set(view["customer_id"]) else None

left, middle, right = st.columns(3)
with left:
    st.markdown(f"**{t('customers.details')}**")
    for name in ("name", "email", "phone", "city", "country", "language", "birth_date", "first_contact"):
        if pd.notna(person.get(name)):
            value = person[name]
            st.text(f"{t(f'field.{name}')}: {day(value)}" if isinstance(value, pd.Timestamp)
                    else f"{t(f'field.{name}')}: {value}")
with middle:
    st.markdown(f"**{t('customers.relationship')}**")
    if facts is not None:
        st.text(f"{value_label('relationship', facts['relationship'])} · {value_label('stage', facts['stage'])}")
        st.text(reason_texts(facts.to_frame().T.assign(customer_id=chosen), settings, language()).iloc[0])
        consent = [t(f"customers.channel_{c}") for c in ("email", "sms", "phone", "post") if facts[f"consent_{c}"]]
        st.text(t("customers.consent", channels=", ".join(consent) or t("customers.no_consent")))
with right:
    st.markdown(f"**{t('customers.next')}**")
    if facts is not None and facts["purchases"] > 0:
        st.text(t("customers.value", value=amount(facts["value"], settings.currency), purchases=int(facts["purchases"])))
        st.text(t("customers.expected", day=day(facts["expected_next"]),
                  rhythm=round(float(facts["rhythm_days"]))))
        if facts["overdue"]:
            st.text(t("customers.overdue", days=round(float(facts["overdue_days"]))))
    if facts is not None and facts["open_complaints"]:
        st.text(t("customers.open_complaints", count=int(facts["open_complaints"])))

months = monthly_value(register, chosen)
if len(months):
    chart(charts.lines(months.to_frame("value"), {"value": t("customers.by_month")},
                                 t("customers.by_month"), t("chart.value")), key="customer_months")
story = timeline(register, chosen)
st.dataframe({
    t("customers.col_date"): story["date"], t("customers.col_what"): [t(f"customers.what_{w}") for w in story["what"]],
    t("customers.col_kind"): story["kind"], t("customers.col_detail"): story["detail"],
    t("customers.col_amount"): story["amount"], t("customers.col_outcome"): story["outcome"],
}, hide_index=True, column_config={t("customers.col_date"): st.column_config.DateColumn(format=date_format())})

left, right = st.columns(2)
with left, st.form("log_action", clear_on_submit=True):
    st.markdown(f"**{t('customers.log_action')}**")
    kind = st.selectbox(t("field.kind"), list(VOCABULARIES["action_kind"]), format_func=localised(lambda k: t(f"action_kind.{k}")),
                        key="action_kind")
    channel = st.text_input(t("field.channel"), key="action_channel")
    planned = st.date_input(t("field.planned"), value=None, format=date_format(), key="action_planned")
    done = st.date_input(t("field.done"), value=date.today(), format=date_format(), key="action_done")
    campaign = st.text_input(t("field.campaign"), key="action_campaign")
    outcome = st.text_input(t("field.outcome"), key="action_outcome")
    note = st.text_input(t("field.note"), key="action_note")
    if st.form_submit_button(t("customers.log_action_save")):
        review = save_edits(page, new_row("actions", {
            "customer_id": chosen, "kind": kind, "channel": channel, "planned": planned, "done": done,
            "campaign": campaign, "outcome": outcome, "note": note}))
        if review is None:
            st.stop()
        st.session_state["customers_refused"] = [r.message(language()) for r in review.refused]
        flash(t("customers.logged_action"))
        st.rerun()
with right, st.form("log_feedback", clear_on_submit=True):
    st.markdown(f"**{t('customers.log_feedback')}**")
    kind = st.selectbox(t("field.kind"), list(VOCABULARIES["feedback_kind"]),
                        format_func=localised(lambda k: t(f"feedback_kind.{k}")), key="feedback_kind")
    channel = st.text_input(t("field.channel"), key="feedback_channel")
    rating = st.number_input(t("field.rating"), min_value=0, max_value=10, value=None, step=1, key="feedback_rating")
    text = st.text_area(t("field.text"), key="feedback_text")
    status = st.selectbox(t("field.status"), ["open", "resolved"], format_func=localised(lambda s: t(f"status.{s}")),
                          key="feedback_status")
    day = st.date_input(t("field.date"), value=date.today(), format=date_format(), key="feedback_date")
    if st.form_submit_button(t("customers.log_feedback_save")):
        review = save_edits(page, new_row("feedback", {
            "customer_id": chosen, "date": day, "kind": kind, "channel": channel, "rating": rating, "text": text,
            "status": status}))
        if review is None:
            st.stop()
        st.session_state["customers_refused"] = [r.message(language()) for r in review.refused]
        flash(t("customers.logged_feedback"))
        st.rerun()

with st.expander(t("customers.forget", customer=chosen)):
    st.warning(t("customers.forget_help"))
    sure = st.checkbox(t("customers.forget_confirm", customer=chosen), key="forget_confirm")
    if st.button(t("customers.forget_button"), disabled=not sure, type="primary", key="forget_button"):
        with st.spinner(t("customers.forgetting")):
            try:
                versions = forget_customer(page.workspace, chosen, page.user)
            except NotAllowed as error:
                refused(error)
                st.stop()
        flash(t("customers.forgotten", versions=versions))
        st.session_state.pop("customers_profile", None)
        st.rerun()

