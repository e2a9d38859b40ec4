"""Lifecycle: how customers move from a cold prospect to a loyal customer, and back from defection.

For the manager: the stages today, the funnel over a period, the moves between classes
from one date to another, monthly cohort retention, and what retention is worth. For the
marketer: hot prospects going cold and customers past their own rhythm, by name.
"""

from datetime import timedelta

import streamlit as st

from lib.analysis.ladder import CLASSES
from lib.analysis.lifecycle import (
    FUNNEL_STEPS,
    STAGES,
    cohort_retention,
    cooling_prospects,
    economics,
    funnel,
    migrations,
    overdue_customers,
    stage_counts,
)
from lib.ui import amount, analysis, analysis_page, chart, charts, date_format, day, num, people_table, percent, t
from lib.ui.customers import labels, value_label

page, settings, as_of, view = analysis_page("lifecycle.title")
register = page.current.register
period = st.date_input(t("lifecycle.period"), value=(as_of - timedelta(days=365), as_of), max_value=as_of,
                       format=date_format(), help=t("lifecycle.period_help"))
if not isinstance(period, tuple) or len(period) != 2:
    st.info(t("lifecycle.pick_period"))
    st.stop()
start, end = period
start_view = analysis(page, start, settings)
end_view = view if end == as_of else analysis(page, end, settings)

left, right = st.columns(2)
with left:
    stages = stage_counts(view)
    stage_labels = labels("stage", STAGES)
    chart(charts.ladder_bars(stages, stage_labels, t("lifecycle.stages", day=day(as_of)),
                                       t("chart.customers"), charts.STAGE_COLOURS), key="stages")
    st.caption(t("lifecycle.stages_how"))
with right:
    steps = funnel(start_view, end_view)
    step_labels = labels("funnel", FUNNEL_STEPS)
    chart(charts.funnel_chart([step_labels[s] for s in steps["step"]], steps["customers"].tolist(),
                                        t("lifecycle.funnel", start=day(start), end=day(end))),
                    key="funnel")
    st.caption(t("lifecycle.funnel_how", rates=" → ".join(percent(r) for r in steps["rate"].iloc[1:])))

st.subheader(t("lifecycle.economics"))
money = economics(start_view, end_view, settings)
columns = st.columns(4)
columns[0].metric(t("lifecycle.retention_rate"), percent(money.retention_rate, 1),
                  help=t("lifecycle.retention_help", active=money.active_at_start, lost=money.lost))
columns[1].metric(t("lifecycle.churn_rate"), percent(money.churn_rate, 1))
columns[2].metric(t("lifecycle.repeat_rate"), percent(money.repeat_rate, 1), help=t("lifecycle.repeat_help"))
columns[3].metric(t("lifecycle.replace_cost"), amount(money.cost_to_replace_lost, settings.currency),
                  help=t("lifecycle.replace_help", lost=money.lost, acquisition=amount(money.acquisition_cost, settings.currency),
                         keep=amount(money.cost_to_keep_lost, settings.currency),
                         ratio=num(settings.acquisition_cost_ratio, 1)))
st.caption(t("lifecycle.economics_how", lost=money.lost, replace=amount(money.cost_to_replace_lost, settings.currency),
             keep=amount(money.cost_to_keep_lost, settings.currency), ratio=num(settings.acquisition_cost_ratio, 1)))
st.dataframe({t("column.relationship"): [t(f"class.{c}") for c in CLASSES],
              t("lifecycle.average_value"): [amount(money.value_by_class[c], settings.currency) for c in CLASSES]},
             hide_index=True)

st.subheader(t("lifecycle.migrations"))
left, right = st.columns(2)
first = left.date_input(t("lifecycle.from"), value=as_of - timedelta(days=365), max_value=as_of, format=date_format())
second = right.date_input(t("lifecycle.to"), value=as_of, max_value=as_of, format=date_format())
if first >= second:
    st.warning(t("lifecycle.dates_order"))
else:
    flows = migrations(analysis(page, first, settings), analysis(page, second, settings))
    class_labels = {**labels("class", CLASSES), "new": t("class.new")}
    chart(charts.sankey(flows, class_labels, t("lifecycle.sankey"), day(first), day(second)), key="sankey")
    moved = flows[flows["from"] != flows["to"]]
    st.caption(t("lifecycle.sankey_how", moved=int(moved["customers"].sum())))

st.subheader(t("lifecycle.cohorts"))
cohorts = cohort_retention(register, as_of)
if cohorts.empty:
    st.info(t("lifecycle.no_cohorts"))
else:
    grid = cohorts.drop(columns="customers")
    grid.index = [f"{month} ({num(size)})" for month, size in zip(grid.index, cohorts["customers"], strict=True)]
    chart(charts.heatmap(grid, t("lifecycle.cohorts"), t("lifecycle.months_after"),
                                   t("lifecycle.first_month"), percent=True, colour_scale="Blues"), key="cohorts")
    st.caption(t("lifecycle.cohorts_how"))

left, right = st.columns(2)
with left:
    st.subheader(t("lifecycle.cooling"))
    cooling = cooling_prospects(view, settings)
    st.caption(t("lifecycle.cooling_how", count=len(cooling), days=settings.cooling_days))
    people_table({
        t("column.customer_id"): cooling["customer_id"], t("column.name"): cooling["name"],
        t("column.temperature"): [value_label("temperature", v) for v in cooling["temperature"]],
        t("column.last_contact"): cooling["last_contact"], t("column.silent_days"): cooling["silent_days"],
    }, page, ids=t("column.customer_id"), personal=(t("column.name"),), hide_index=True, column_config={t("column.last_contact"): st.column_config.DateColumn(format=date_format())})
with right:
    st.subheader(t("lifecycle.overdue"))
    overdue = overdue_customers(view)
    st.caption(t("lifecycle.overdue_how", count=len(overdue), tolerance=num(settings.rhythm_tolerance, 1)))
    people_table({
        t("column.customer_id"): overdue["customer_id"], t("column.name"): overdue["name"],
        t("column.relationship"): [value_label("relationship", v) for v in overdue["relationship"]],
        t("column.last_purchase"): overdue["last_purchase"], t("column.rhythm_days"): overdue["rhythm_days"],
        t("column.overdue_days"): overdue["overdue_days"],
    }, page, ids=t("column.customer_id"), personal=(t("column.name"),), hide_index=True, column_config={t("column.last_purchase"): st.column_config.DateColumn(format=date_format())})
