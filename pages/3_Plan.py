"""Contact plan: who is due a message this week, why, and by which channel they allow.

For the marketer, every morning: one contact per customer for the period, the most important
reason first (complaints, contacts planned in the register, hot prospects, after-care,
birthdays, rewards, those past their rhythm, loyal customers, offers and win-back), with the
message to send, counted by rule and channel and spread over the days the team can handle;
tick the ones made and mark them done with their outcome, or snooze them, which logs an
action in the register.
"""

import streamlit as st

from lib.analysis.contact_plan import week_after
from lib.ui import analysis_page, contact_plan, date_format, t
from lib.ui.plan_view import (
    call_list_download,
    day_load,
    done_or_snoozed,
    due_table,
    no_consent_list,
    plan_count_table,
    plan_filters,
    plan_key,
    what_worked,
)

page, settings, as_of, view = analysis_page("plan.title")
register = page.current.register
st.caption(t("plan.intro"))
period = st.date_input(t("plan.period"), value=(as_of, week_after(as_of)), format=date_format(), key="plan_period")
start, end = period if isinstance(period, tuple) and len(period) == 2 else (as_of, week_after(as_of))
due = contact_plan(page, as_of, settings, start, end)
plan, filters = plan_filters(due)
plan_count_table(plan)
day_load(plan, settings.plan_daily_capacity, due.attrs.get("beyond_capacity", 0))

with st.expander(t("plan.effect"), expanded=False):
    what_worked(page, register, view, f"{as_of.isoformat()}|{settings.to_json()}")

if plan.empty:
    st.info(t("plan.nothing"))
    st.stop()
unreachable = plan[plan["channel"].isna()]  # kept apart: they are not to-dos, they cannot be contacted
chosen = due_table(page, plan[plan["channel"].notna()])
no_consent_list(page, unreachable)
if not page.can("edit"):
    st.info(t("access.viewer_note"))
    st.stop()

call_list_download(page, plan, start, plan_key(as_of, settings, start, end, filters))
st.page_link("pages/9_Export.py", label=t("plan.to_contacts"), icon=":material/contact_mail:")
done_or_snoozed(page, chosen, as_of)
