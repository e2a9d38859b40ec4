"""Widgets over the analysed customers: labels, the filter panel and the customer table."""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd
import streamlit as st

from lib.analysis.facts import DIMENSIONS, FLAGS, column_values, select_customers
from lib.analysis.ladder import reason_texts, with_deeper
from lib.frames import each_distinct, memo_of
from lib.schema import CLASSES
from lib.settings import Settings
from lib.ui.actions import people_table
from lib.ui.format import date_format, language, localised, t
from lib.ui.loaders import Page
from lib.ui.paged import paged
from lib.workspace.edits import find_customers

COMPUTED = {
    "relationship": "class",
    "stage": "stage",
    "rfm_group": "rfm",
    "value_tier": "tier",
    "temperature": "temperature",
}
"""Computed columns whose values are codes with a catalogue label: column → catalogue prefix."""


def column_label(column: str) -> str:
    return t(f"column.{column}") if column in COMPUTED or column in FLAGS else t(f"field.{column}")


def value_label(column: str, value: object) -> str:
    """A cell's value as shown: a class, stage or group code in words; anything else as it is."""
    if pd.isna(value):
        return "–"
    prefix = COMPUTED.get(column)
    if prefix:
        return t(f"{prefix}.{value}")
    if column in FLAGS:
        return t("value.yes") if str(value) == "True" else t("value.no")
    return str(value)


def labels(prefix: str, codes: tuple[str, ...] | list[str]) -> dict[str, str]:
    return {code: t(f"{prefix}.{code}") for code in codes}


VIEWER_DIMENSIONS = ("country", "branch", "language")
"""What a viewer may filter customer rows by: coarse groups, never a postal code, a city, a tag or an interest,
which could narrow the pseudonymous rows down to one person."""


def filter_columns(view: pd.DataFrame, personal: bool = True) -> list[str]:
    """Columns worth filtering on: the computed ones, every dimension the register fills, consent."""
    dimensions = DIMENSIONS if personal else VIEWER_DIMENSIONS
    return [*COMPUTED, *(c for c in dimensions if view[c].notna().any()), *FLAGS]


def customer_filters(view: pd.DataFrame, key: str, personal: bool = True, deeper: bool = False) -> pd.DataFrame:
    """Filter by class and by any one other column; returns the customers in the selection.

    ``personal=False`` (a viewer) offers only the computed columns, consent and coarse groups.
    ``deeper`` offers "and deeper classes" (on by default): loyal then includes the partners.
    """
    left, middle, right = st.columns([2, 1, 2])
    classes = left.multiselect(
        t("filter.classes"),
        list(view["relationship"].cat.categories),
        format_func=localised(lambda c: t(f"class.{c}")),
        key=f"{key}_classes",
        placeholder=t("filter.all"),
    )
    columns = [c for c in filter_columns(view, personal) if c != "relationship"]
    column = middle.selectbox(t("filter.by"), columns, format_func=localised(column_label), key=f"{key}_column")
    values = right.multiselect(
        t("filter.values", column=column_label(column)),
        memo_of(view, f"column_values:{column}", lambda: column_values(view, column)),
        format_func=localised(lambda v: value_label(column, v)),
        key=f"{key}_values_{column}",
        placeholder=t("filter.all"),
    )
    if deeper and classes and left.checkbox(t("filter.deeper"), value=True, key=f"{key}_deeper"):
        classes = with_deeper(classes)
    return select_customers(view, {"relationship": classes, column: values})


def customer_table(page: Page, view: pd.DataFrame, settings: Settings, extra: tuple[str, ...] = ()) -> None:
    """The customers in view with their class and its reason (the first rows, with a count).

    Viewers see pseudonymous ids without names or the extra columns (see `people_table`).
    """
    personal = page.can("see_personal")  # a viewer neither searches nor orders by who is behind a pseudonym
    sortable = ("relationship", "stage", "rfm_group", "value_tier", "purchases", "value", "last_purchase")
    shown = paged(
        view,
        "customer_table",
        search=("customer_id", "name") if personal else (),
        sortable={c: t(f"column.{c}") for c in (*(("customer_id", "name") if personal else ()), *sortable)},
    )
    table = pd.DataFrame(
        {
            t("column.customer_id"): shown["customer_id"],
            t("column.name"): shown["name"],
            t("column.relationship"): [value_label("relationship", v) for v in shown["relationship"]],
            t("column.reason"): reason_texts(shown, settings, language()),
            t("column.stage"): [value_label("stage", v) for v in shown["stage"]],
            t("column.rfm_group"): [value_label("rfm_group", v) for v in shown["rfm_group"]],
            t("column.value_tier"): [value_label("value_tier", v) for v in shown["value_tier"]],
            t("column.purchases"): shown["purchases"],
            t("column.value"): shown["value"],
            t("column.last_purchase"): shown["last_purchase"],
            **{column_label(c): shown[c] for c in extra},
        }
    )
    people_table(
        table.to_dict("series"),
        page,
        ids=t("column.customer_id"),
        personal=(t("column.name"), *(column_label(c) for c in extra)),
        hide_index=True,
        width="stretch",
        column_config={
            t("column.last_purchase"): st.column_config.DateColumn(format=date_format()),
            t("column.value"): st.column_config.NumberColumn(format="%.2f"),
        },
    )


def profile_link(customer_id: object) -> str:
    """The address of a customer's story on the Customers page, for a link in any table that names them."""
    return f"Customers?customer={quote(str(customer_id))}"


PICK_LIMIT = 500
"""At most this many customers are offered in the profile's picker at once; its own search reaches the rest."""


def profile_picker(customers: pd.DataFrame, found: pd.DataFrame, salt: str | None) -> str | None:
    """Which customer's story to show: one named in the address (``?customer=K0265``, as the plan's and the
    lists' rows link to it), one searched for in the whole register, or one of those found above."""
    wanted = st.query_params.get("customer")
    ask = st.text_input(t("customers.open"), placeholder=t("customers.open_hint"), key="customers_open")
    pool = (customers[find_customers(customers, ask, salt)] if ask else found).head(PICK_LIMIT)
    if wanted:
        pool = pd.concat([customers[customers["customer_id"].astype(str) == wanted], pool])
    pool = pool[~pool.index.duplicated()].head(PICK_LIMIT)
    if pool.empty:
        st.info(t("customers.nobody"))
        return None
    names = dict(zip(pool.index, pool["name"].fillna(""), strict=True))
    ids = dict(zip(pool.index, pool["customer_id"].astype(str), strict=True))
    return st.selectbox(
        t("customers.pick"),
        list(pool.index),
        format_func=lambda key: f"{ids.get(key, key)} · {names.get(key, '')}",
        key=f"customers_profile_{wanted}" if wanted else "customers_profile",
    )


def class_breakdown(selected: pd.DataFrame, dimension: str) -> pd.DataFrame:
    """Customers per class for the fifteen most common values of a column, its codes in words."""
    values = each_distinct(selected[dimension], lambda value: value_label(dimension, value))
    table = pd.crosstab(values, selected["relationship"]).reindex(columns=list(CLASSES), fill_value=0)
    return table.loc[table.sum(axis=1).sort_values(ascending=False).index[:15]]
