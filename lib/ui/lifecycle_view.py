"""The Lifecycle page's pieces: the economics of keeping customers, cohorts, cooling prospects, overdue customers."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from lib.analysis.lifecycle import Economics, cooling_prospects, overdue_customers
from lib.frames import each_distinct, memo_of
from lib.schema import CLASSES
from lib.settings import Settings
from lib.ui import charts
from lib.ui.actions import people_table
from lib.ui.customers import value_label
from lib.ui.format import amount, chart, date_format, finished, language, num, percent, t
from lib.ui.loaders import Page
from lib.ui.paged import paged


def economics_panel(money: Economics, settings: Settings) -> None:
    """Retention, churn and repeat buying in the period; what the lost customers were worth, what keeping
    them would have cost, and what winning former customers back could bring; average value per class."""
    money_of = lambda value: amount(value, settings.currency)  # noqa: E731
    if not money.dated:  # a figure the register cannot give is not shown as a number
        st.metric(t("lifecycle.repeat_rate"), percent(money.repeat_rate, 1), help=t("lifecycle.repeat_help"))
        st.info(t("lifecycle.economics_needs_purchases"))
        return
    columns = st.columns(4)
    columns[0].metric(
        t("lifecycle.retention_rate"),
        percent(money.retention_rate, 1),
        help=t("lifecycle.retention_help", active=money.active_at_start, lost=money.lost),
    )
    columns[1].metric(t("lifecycle.churn_rate"), percent(money.churn_rate, 1))
    columns[2].metric(t("lifecycle.repeat_rate"), percent(money.repeat_rate, 1), help=t("lifecycle.repeat_help"))
    columns[3].metric(
        t("lifecycle.at_stake"), money_of(money.revenue_at_stake), help=t("lifecycle.at_stake_help", lost=money.lost)
    )
    figures: dict[str, str | int] = {
        "lost": money.lost,
        "stake": money_of(money.revenue_at_stake),
        "keep": money_of(money.cost_to_keep_lost),
        "cost": money_of(money.retention_cost),
        "acquisition": money_of(money.acquisition_cost),
        "ratio": num(settings.acquisition_cost_ratio, 1),
        "former": money.former_last_year,
        "rate": "–" if money.win_back_rate is None else percent(money.win_back_rate, 1),
        "back": money_of(money.win_back_value),
    }
    lower = st.columns(3)
    lower[0].metric(
        t("lifecycle.keep_cost"), money_of(money.cost_to_keep_lost), help=t("lifecycle.keep_help", **figures)
    )
    lower[1].metric(
        t("lifecycle.replace_cost"),
        money_of(money.cost_to_replace_lost),
        help=t("lifecycle.replace_help", **figures),
    )
    lower[2].metric(
        t("lifecycle.win_back_value"), money_of(money.win_back_value), help=t("lifecycle.win_back_help", **figures)
    )
    st.caption(t("lifecycle.economics_how", **figures))
    st.dataframe(
        {
            t("column.relationship"): [t(f"class.{c}") for c in CLASSES],
            t("lifecycle.average_value"): [amount(money.value_by_class[c], settings.currency) for c in CLASSES],
        },
        hide_index=True,
        placeholder="",
    )


def cohort_chart(cohorts: pd.DataFrame) -> None:
    """Monthly cohorts by share still buying, months after their first purchase (drawn once per language for
    the cohorts kept)."""
    if cohorts.empty:
        st.info(t("lifecycle.no_cohorts"))
    else:
        chart(memo_of(cohorts, f"chart:{language()}", lambda: finished(_cohort_figure(cohorts))), "cohorts", ready=True)
        st.caption(t("lifecycle.cohorts_how"))


def _cohort_figure(cohorts: pd.DataFrame) -> Any:
    grid = cohorts.drop(columns="customers")
    grid.index = [f"{month} ({num(size)})" for month, size in zip(grid.index, cohorts["customers"], strict=True)]
    return charts.heatmap(
        grid,
        t("lifecycle.cohorts"),
        t("lifecycle.months_after"),
        t("lifecycle.first_month"),
        percent=True,
        colour_scale="Blues",
    )


def cooling_table(page: Page, view: pd.DataFrame, settings: Settings) -> None:
    """Prospects nobody has contacted for a while: they cool down."""
    st.subheader(t("lifecycle.cooling"))
    every = memo_of(view, f"cooling:{settings.to_json()}", lambda: cooling_prospects(view, settings))
    st.caption(t("lifecycle.cooling_how", count=len(every), days=settings.cooling_days))
    cooling = paged(every, "lifecycle_cooling", **_paging(page, ("temperature", "last_contact", "silent_days")))
    people_table(
        {
            t("column.customer_id"): cooling["customer_id"],
            t("column.name"): cooling["name"],
            t("column.temperature"): each_distinct(cooling["temperature"], partial(value_label, "temperature")),
            t("column.last_contact"): cooling["last_contact"],
            t("column.silent_days"): cooling["silent_days"],
        },
        page,
        ids=t("column.customer_id"),
        personal=(t("column.name"),),
        hide_index=True,
        column_config={t("column.last_contact"): st.column_config.DateColumn(format=date_format())},
    )


def overdue_table(page: Page, view: pd.DataFrame, settings: Settings) -> None:
    """Buying customers past their own rhythm."""
    st.subheader(t("lifecycle.overdue"))
    every = memo_of(view, "overdue", lambda: overdue_customers(view))
    st.caption(t("lifecycle.overdue_how", count=len(every), tolerance=num(settings.rhythm_tolerance, 1)))
    sortable = ("relationship", "last_purchase", "rhythm_days", "overdue_days")
    overdue = paged(every, "lifecycle_overdue", **_paging(page, sortable))
    people_table(
        {
            t("column.customer_id"): overdue["customer_id"],
            t("column.name"): overdue["name"],
            t("column.relationship"): each_distinct(overdue["relationship"], partial(value_label, "relationship")),
            t("column.last_purchase"): overdue["last_purchase"],
            t("column.rhythm_days"): overdue["rhythm_days"],
            t("column.overdue_days"): overdue["overdue_days"],
        },
        page,
        ids=t("column.customer_id"),
        personal=(t("column.name"),),
        hide_index=True,
        column_config={t("column.last_purchase"): st.column_config.DateColumn(format=date_format())},
    )


def _paging(page: Page, sortable: tuple[str, ...]) -> dict[str, Any]:
    """A customer list's search (editors: by id and name) and sort columns, named as the table names them."""
    personal = page.can("see_personal")
    return {
        "search": ("customer_id", "name") if personal else (),
        "sortable": {column: t(f"column.{column}") for column in sortable},
    }
