"""Contact plan: who is due a message this week, why, and by which channel they allow.

For the marketer, every morning: the contacts the rules find for the period (after-care,
hot prospects, loyal customers, those past their rhythm, win-back, birthdays, complaints,
rewards and offers), counted by rule and channel; tick the ones handled and mark them done
or snooze them, which logs an action in the register.
"""

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib.analysis.contact_plan import (
    CHANNELS,
    RULES,
    action_effectiveness,
    contact_plan,
    plan_action,
    plan_counts,
    plan_reasons,
)
from lib.exports.contacts import call_list
from lib.ui import (
    analysis_page,
    date_format,
    flash,
    language,
    localised,
    num,
    people_table,
    personal_file,
    save_edits,
    t,
)
from lib.workspace.edits import new_row

SNOOZE_DAYS = 7
EFFECT_DAYS = 30  # a purchase this soon after an action counts as its result
CLASS_CODES = ("partner", "loyal", "occasional", "prospect", "former")

page, settings, as_of, view = analysis_page("plan.title")
register = page.current.register
st.caption(t("plan.intro"))
period = st.date_input(t("plan.period"), value=(as_of, as_of + timedelta(days=7)), format=date_format(),
                       key="plan_period")
start, end = period if isinstance(period, tuple) and len(period) == 2 else (as_of, as_of + timedelta(days=7))
plan = contact_plan(view, start, settings, until=end, actions=register.actions)

left, middle, right = st.columns(3)
rules = left.multiselect(t("plan.rules"), list(RULES), format_func=localised(lambda r: t(f"plan.rule.{r}")),
                         placeholder=t("filter.all"), key="plan_rules")
channels = middle.multiselect(t("plan.channels"), [*CHANNELS, "none"], format_func=localised(lambda c: t(f"plan.channel.{c}")),
                              placeholder=t("filter.all"), key="plan_channels")
if rules:
    plan = plan[plan["rule"].isin(rules)]
if channels:
    plan = plan[plan["channel"].fillna("none").isin(channels)]
right.metric(t("plan.due"), num(len(plan)), help=t("plan.due_help", people=plan["customer_id"].nunique()))

counts = plan_counts(plan)
counts.index = [t(f"plan.rule.{r}") for r in counts.index]
counts.columns = [t(f"plan.channel.{c}") for c in counts.columns]
st.dataframe(counts.loc[counts.sum(axis=1) > 0], width="stretch")
st.caption(t("plan.counts_how"))

with st.expander(t("plan.effect"), expanded=False):
    st.caption(t("plan.effect_help", days=EFFECT_DAYS))
    by = st.segmented_control(t("plan.effect_by"), ["kind", "campaign", "class"], default="kind", key="plan_effect_by",
                              format_func=localised(lambda b: t(f"plan.effect_{b}"))) or "kind"
    classes = view.set_index("customer_id")["relationship"].astype("string")
    effect = action_effectiveness(register.actions, register.purchases, classes, by, EFFECT_DAYS)
    if by == "class":
        effect[by] = [t(f"class.{c}") if c in CLASS_CODES else c for c in effect[by]]
    st.dataframe(effect.rename(columns={by: t(f"plan.effect_{by}"), "actions": t("plan.effect_actions"),
                                        "response_rate": t("plan.effect_response"),
                                        "purchase_rate": t("plan.effect_purchase", days=EFFECT_DAYS)}),
                 hide_index=True, column_config={
                     t("plan.effect_response"): st.column_config.NumberColumn(format="percent"),
                     t("plan.effect_purchase", days=EFFECT_DAYS): st.column_config.NumberColumn(format="percent")})

if plan.empty:
    st.info(t("plan.nothing"))
    st.stop()
shown = plan.head(500).reset_index(drop=True)
selection = people_table(pd.DataFrame({
    t("plan.col_due"): shown["due"], t("column.customer_id"): shown["customer_id"], t("column.name"): shown["name"],
    t("plan.col_rule"): [t(f"plan.rule.{r}") for r in shown["rule"]],
    t("plan.col_reason"): plan_reasons(shown, language()),
    t("plan.col_channel"): [t(f"plan.channel.{c}") if isinstance(c, str) else t("plan.channel.none")
                            for c in shown["channel"]],
    t("plan.col_theme"): [t(f"plan.theme.{theme}") for theme in shown["theme"]],
}).to_dict("series"), page, ids=t("column.customer_id"), personal=(t("column.name"),), hide_index=True,
    width="stretch", on_select="rerun", selection_mode="multi-row", key="plan_table",
    column_config={t("plan.col_due"): st.column_config.DateColumn(format=date_format())})
st.caption(t("plan.shown", shown=len(shown), total=len(plan)))
if not page.can("edit"):
    st.info(t("access.viewer_note"))
    st.stop()
chosen = shown.iloc[list(selection.selection.rows)] if selection and selection.selection.rows else shown.iloc[0:0]

calls = call_list(register.customers, plan, plan_reasons(plan, language()), start, suppressed=page.current.suppressed)
st.download_button(t("plan.call_list", count=len(calls.rows)), data=personal_file(page, calls, "excel-csv"),
                   file_name=f"call-list-{start:%Y%m%d}.csv", mime="text/csv", disabled=calls.rows.empty,
                   on_click=lambda: page.workspace.log_export(page.user, "phone/call-list", t("plan.title"),
                                                              list(calls.rows["customer_id"])),
                   key="plan_call_list")
st.page_link("pages/2_Export.py", label=t("plan.to_contacts"), icon=":material/contact_mail:")

left, right = st.columns(2)
done = left.button(t("plan.mark_done", count=len(chosen)), disabled=chosen.empty, type="primary", key="plan_done")
snooze = right.button(t("plan.snooze", count=len(chosen), days=SNOOZE_DAYS), disabled=chosen.empty, key="plan_snooze")
if done or snooze:
    changes = []
    for row in chosen.itertuples(index=False):
        channel = row.channel if isinstance(row.channel, str) else None
        changes += new_row("actions", plan_action(row.customer_id, row.rule, channel, as_of,
                                                  snooze_days=SNOOZE_DAYS if snooze else 0))
    review = save_edits(page, changes)
    if review is None:
        st.stop()
    flash(t("plan.logged" if done else "plan.snoozed", count=review.summary()["added"]))
    st.rerun()
