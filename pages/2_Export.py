"""Export: the updated workbook, and contact lists that respect every customer's consent.

For anyone allowed to take the register out: the workbook comes back with its sheets,
columns, formats and formulas as they were, only the edited cells changed (written when asked
for, checked by reading it back). Contact lists are made for a selection and a channel, say
who was left out and why, and every export is logged without personal data.
"""

from datetime import timedelta

import streamlit as st

from lib.analysis.contact_plan import RULES, contact_plan
from lib.exports.contacts import CHANNELS, FILE_SUFFIX, FORMATS, MIME, contacts_for, export
from lib.ui import analysis, as_of_input, language, localised, num, setup_page, t
from lib.ui.customers import customer_filters
from lib.ui.widgets import prepare_updated_workbook

page = setup_page("export.title")
st.title(t("export.title"))
if page.current is None:
    st.info(t("export.empty"))
    st.stop()


def export_log() -> None:
    # Every export so far: who, when, what, how many people (pseudonymous, so viewers may see it too).
    st.subheader(t("contacts.log"))
    log = page.workspace.exports()
    if log.empty:
        st.caption(t("contacts.log_empty"))
    else:
        st.dataframe({t("history.when"): log["created_at"].str.replace("T", " ").str[:16], t("history.user"): log["user"],
                      t("contacts.kind"): log["kind"], t("contacts.selection"): log["selection"],
                      t("contacts.people"): log["people"]}, hide_index=True)


if not page.can("export_personal"):
    st.info(t("access.not_allowed.export_personal"))
    export_log()
    st.stop()

st.subheader(t("export.workbook"))
st.caption(t("export.workbook_help", file=page.current.upload.file_name, edits=page.current.edits))
with_computed = st.checkbox(t("export.computed"), help=t("export.computed_help"))
carry = st.checkbox(t("export.carry"), value=True, help=t("export.carry_help"))
prepare_updated_workbook(page.workspace, page.current, with_computed, carry, page.user)

st.divider()
st.subheader(t("contacts.title"))
st.caption(t("contacts.intro"))
settings = page.workspace.settings()
as_of = as_of_input(page)
view = analysis(page, as_of, settings)
selected = customer_filters(view, "contacts")
rules = st.multiselect(t("contacts.plan_rules"), list(RULES), format_func=localised(lambda r: t(f"plan.rule.{r}")),
                       placeholder=t("contacts.plan_rules_none"), key="contacts_rules")
if rules:
    due = contact_plan(view, as_of, settings, until=as_of + timedelta(days=7), actions=page.current.register.actions)
    selected = selected[selected["customer_id"].isin(due.loc[due["rule"].isin(rules), "customer_id"])]
left, middle, right = st.columns(3)
channel = left.selectbox(t("contacts.channel"), list(CHANNELS), format_func=localised(lambda c: t(f"plan.channel.{c}")),
                         key="contacts_channel")
formats = [f for f in FORMATS if channel == "email" or f not in ("mailchimp", "hubspot")]
fmt = middle.selectbox(t("contacts.format"), formats, format_func=localised(lambda f: t(f"contacts.format_{f}")),
                       key="contacts_format")
delimiter = right.radio(t("contacts.delimiter"), [";", ","], horizontal=True, key="contacts_delimiter",
                        disabled=fmt != "excel-csv")
with_birthday = st.checkbox(t("contacts.birthday"), key="contacts_birthday")
contacts = contacts_for(page.current.register.customers, view, channel, as_of,
                        selection=list(selected["customer_id"]), suppressed=page.current.suppressed,
                        settings=settings, with_birthday=with_birthday)
counts = contacts.left_out_counts()
st.metric(t("contacts.on_list"), num(len(contacts.rows)),
          help=t("contacts.on_list_help", selected=len(selected)))
if counts:
    st.caption(t("contacts.left_out", count=sum(counts.values())) + " " +
               ", ".join(f"{t(f'contacts.reason.{r}')}: {num(n)}" for r, n in counts.items()))
    with st.expander(t("contacts.left_out_list")):
        st.dataframe({t("column.customer_id"): contacts.left_out["customer_id"],
                      t("contacts.why"): [t(f"contacts.reason.{r}") for r in contacts.left_out["reason"]]},
                     hide_index=True)
data = export(contacts, fmt, None, delimiter, user=page.user, lang=language()) if len(contacts.rows) else b""
suffix = FILE_SUFFIX[fmt]


def log_export() -> None:
    kept = selected[~selected["customer_id"].isin(contacts.left_out["customer_id"])]["customer_id"]
    page.workspace.log_export(page.user, f"{channel}/{fmt}", t("contacts.selection_note", count=len(selected)),
                              list(kept))


st.download_button(t("contacts.download", count=len(contacts.rows)), data=data, disabled=not len(contacts.rows),
                   file_name=f"contacts-{channel}-{as_of:%Y%m%d}.{suffix}", mime=MIME[suffix], on_click=log_export,
                   key="contacts_download", type="primary")

export_log()
