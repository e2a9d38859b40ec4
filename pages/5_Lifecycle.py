"""Lifecycle: how customers move from a cold prospect to a loyal customer, and back from defection.

For the manager: the stages today, the funnel over a period, the moves between classes
from one date to another, monthly cohort retention, and what retention is worth. For the
marketer: hot prospects going cold and customers past their own rhythm, by name.
"""

from datetime import timedelta

import streamlit as st

from lib.analysis.lifecycle import (
    FUNNEL_STEPS,
    cohort_retention,
    economics,
    funnel,
    migrations,
    stage_counts,
)
from lib.schema import CLASSES, STAGES
from lib.ui import analysis, analysis_page, chart, charts, date_format, day, language, percent, t, t_text
from lib.ui.customers import labels
from lib.ui.lifecycle_view import cohort_chart, cooling_table, economics_panel, overdue_table
from lib.ui.loaders import kept

page, settings, as_of, view = analysis_page("lifecycle.title")
register = page.current.register
period = st.date_input(
    t("lifecycle.period"),
    value=(as_of - timedelta(days=365), as_of),
    max_value=as_of,
    format=date_format(),
    help=t("lifecycle.period_help"),
)
if not isinstance(period, tuple) or len(period) != 2:
    st.info(t("lifecycle.pick_period"))
    st.stop()
start, end = period
start_view = analysis(page, start, settings)
end_view = view if end == as_of else analysis(page, end, settings)

left, right = st.columns(2)
with left:
    stages = kept(page, "stage_counts", f"{as_of}|{settings.to_json()}", lambda: stage_counts(view), small=True)
    stage_labels = labels("stage", STAGES)
    chart(
        charts.ladder_bars(
            stages, stage_labels, t_text("lifecycle.stages", day=day(as_of)), t("chart.customers"), charts.STAGE_COLOURS
        ),
        key="stages",
    )
    st.caption(t("lifecycle.stages_how"))
with right:
    if register.shape == "summary":  # who bought first in the period cannot be told from a last purchase
        st.info(t("lifecycle.funnel_needs_purchases"))
    else:
        steps = kept(
            page, "funnel", f"{start}|{end}|{settings.to_json()}", lambda: funnel(start_view, end_view), small=True
        )
        step_labels = labels("funnel", FUNNEL_STEPS)
        chart(
            charts.funnel_chart(
                [step_labels[s] for s in steps["step"]],
                steps["customers"].tolist(),
                t_text("lifecycle.funnel", start=day(start), end=day(end)),
            ),
            key="funnel",
        )
        st.caption(t("lifecycle.funnel_how", rates=" → ".join(percent(r) for r in steps["rate"].iloc[1:])))

st.subheader(t("lifecycle.economics"))
figures = kept(  # the period's money figures: kept per register version, period and settings
    page,
    "economics",
    f"{start}|{end}|{settings.to_json()}",
    lambda: economics(start_view, end_view, settings, register, start, end),
)
economics_panel(figures, settings)

st.subheader(t("lifecycle.migrations"))
left, right = st.columns(2)
first = left.date_input(t("lifecycle.from"), value=as_of - timedelta(days=365), max_value=as_of, format=date_format())
second = right.date_input(t("lifecycle.to"), value=as_of, max_value=as_of, format=date_format())
if register.shape == "summary":
    st.info(t("lifecycle.migrations_need_purchases"))
elif first >= second:
    st.warning(t("lifecycle.dates_order"))
else:
    flows = kept(
        page,
        "migrations",
        f"{first}|{second}|{settings.to_json()}",
        lambda: migrations(analysis(page, first, settings), analysis(page, second, settings)),
        small=True,
    )
    class_labels = {**labels("class", CLASSES), "new": t("class.new")}
    chart(charts.sankey(flows, class_labels, t("lifecycle.sankey"), day(first), day(second), language()), key="sankey")
    moved = flows[flows["from"] != flows["to"]]
    st.caption(t("lifecycle.sankey_how", moved=int(moved["customers"].sum())))

st.subheader(t("lifecycle.cohorts"))
cohort_chart(kept(page, "cohorts", str(as_of), lambda: cohort_retention(register, as_of), small=True))

cooling_table(page, view, settings)  # one under the other: each list has its search, sort and pages
overdue_table(page, view, settings)
