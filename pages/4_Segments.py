"""Segments: who the customers are on the relationship ladder, and what they are worth.

For the manager and the marketer: the ladder (partner, loyal, occasional, prospect,
former) with the reason for every customer's class, a breakdown by country, branch or
source, the RFM grid and the reward tiers, for everyone or for a filtered selection.
"""

import streamlit as st

from lib.analysis.facts import FLAGS
from lib.analysis.ladder import ladder_counts, rfm_grid
from lib.frames import memo_of
from lib.schema import CLASSES, RFM_GROUPS, TIERS
from lib.ui import amount, analysis_page, chart, charts, day, language, localised, num, t, t_text
from lib.ui.customers import (
    class_breakdown,
    column_label,
    customer_filters,
    customer_table,
    filter_columns,
    labels,
)

page, settings, as_of, view = analysis_page("segments.title")
st.caption(t("segments.intro", day=day(as_of)))
selected = customer_filters(view, "segments", page.can("see_personal"))

bought = selected["value"][selected["purchases"] > 0]
columns = st.columns(4)
columns[0].metric(t("segments.customers"), num(len(selected)))
columns[1].metric(t("segments.buying"), num(len(bought)))
columns[2].metric(t("segments.value"), amount(bought.sum(), settings.currency))
columns[3].metric(t("segments.average"), amount(bought.mean(), settings.currency) if len(bought) else "–")

if selected.empty:
    st.info(t("segments.nobody"))
    st.stop()

class_labels = labels("class", CLASSES)
left, right = st.columns(2)
with left:
    chart(
        charts.ladder_bars(
            memo_of(selected, "ladder", lambda: ladder_counts(selected)),
            class_labels,
            t("segments.ladder"),
            t("chart.customers"),
        ),
        key="ladder",
    )
    st.caption(t("segments.ladder_how"))
with right:
    dimensions = [c for c in filter_columns(view) if c not in ("relationship", "rfm_group", *FLAGS)]
    dimension = st.selectbox(
        t("segments.breakdown_by"),
        dimensions,
        format_func=localised(column_label),
        index=dimensions.index("country") if "country" in dimensions else 0,
    )
    table = memo_of(selected, f"breakdown:{dimension}:{language()}", lambda: class_breakdown(selected, dimension))
    chart(
        charts.stacked_bars(
            table, class_labels, t_text("segments.breakdown", column=column_label(dimension)), t("chart.customers")
        ),
        key="breakdown",
    )
    st.caption(t("segments.breakdown_how"))

left, right = st.columns(2)
with left:
    grid = memo_of(selected, "rfm", lambda: rfm_grid(selected))
    chart(charts.heatmap(grid, t("segments.rfm"), t("segments.rfm_f"), t("segments.rfm_r")), key="rfm")
    st.caption(t("segments.rfm_how"))
with right:
    groups = selected["rfm_group"].value_counts().reindex(list(RFM_GROUPS), fill_value=0)
    chart(
        charts.ladder_bars(
            groups.to_dict(),
            labels("rfm", RFM_GROUPS),
            t("segments.rfm_groups"),
            t("chart.customers"),
            charts.RFM_COLOURS,
        ),
        key="rfm_groups",
    )
    st.caption(t("segments.rfm_groups_how"))

tiers = selected["value_tier"].value_counts().reindex(list(TIERS), fill_value=0)
value = selected.groupby("value_tier", observed=False)["value"].sum().reindex(list(TIERS), fill_value=0)
left, right = st.columns(2)
with left:
    chart(
        charts.ladder_bars(
            tiers.to_dict(), labels("tier", TIERS), t("segments.tiers"), t("chart.customers"), charts.TIER_COLOURS
        ),
        key="tiers",
    )
    st.caption(
        t(
            "segments.tiers_how",
            share=num(settings.top_share_percent),
            threshold=amount(settings.reward_threshold, settings.currency),
            days=settings.dormant_days,
        )
    )
with right:
    chart(
        charts.ladder_bars(
            {k: round(v, 2) for k, v in value.items()},
            labels("tier", TIERS),
            t("segments.tier_value"),
            t("chart.value"),
            charts.TIER_COLOURS,
            money=(language(), settings.currency),
        ),
        key="tier_value",
    )
    st.caption(t("segments.tier_value_how"))

st.subheader(t("segments.table"))
customer_table(page, selected, settings)
