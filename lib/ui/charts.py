"""Plotly figures from lib results: data in, figure out.

Every function takes an aggregated frame or mapping (never one point per customer) and the
texts to show, already translated by the page, so the figures speak the user's language
and this module stays free of Streamlit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from lib import i18n

CLASS_COLOURS = {
    "partner": "#1b5e20",
    "loyal": "#43a047",
    "occasional": "#f9a825",
    "prospect": "#1e88e5",
    "former": "#9e9e9e",
    "new": "#90caf9",
}
STAGE_COLOURS = {
    "prospect_cold": "#90caf9",
    "prospect_warm": "#42a5f5",
    "prospect_hot": "#1565c0",
    "trial": "#f9a825",
    "development": "#43a047",
    "defected": "#9e9e9e",
    "won_back": "#8e24aa",
}
NEUTRAL = "#607d8b"
RFM_COLOURS = {
    "champions": "#1b5e20",
    "loyal": "#43a047",
    "potential_loyalist": "#7cb342",
    "new": "#1e88e5",
    "promising": "#64b5f6",
    "need_attention": "#f9a825",
    "about_to_sleep": "#ffb300",
    "at_risk": "#e53935",
    "cant_lose": "#b71c1c",
    "hibernating": "#9e9e9e",
}
TIER_COLOURS = {"top": "#1b5e20", "threshold": "#43a047", "base": "#a5d6a7", "dormant": "#ffb300", "none": "#bdbdbd"}
_LAYOUT = {"margin": {"l": 10, "r": 10, "t": 40, "b": 10}, "height": 360}


_TEXT_PROPERTIES = ("x", "y", "labels", "text", "hovertext", "name")


def _plain_label(value: object) -> object:
    """A label that plotly shows as written: its tag syntax (``<a href=…>``, ``<b>``) turned into visible text."""
    return value.replace("<", "&lt;").replace(">", "&gt;") if isinstance(value, str) else value


def plain_figure(figure: go.Figure) -> go.Figure:
    """Every label of a chart (categories, series names, hover texts, sankey nodes, the title) shown as plain
    text: a city, tag or theme typed in a workbook can never become a link or markup in a chart."""
    for trace in figure.data:
        for name in _TEXT_PROPERTIES:
            values = getattr(trace, name, None) if name in trace else None
            if isinstance(values, str):
                trace[name] = _plain_label(values)
            elif isinstance(values, (list, tuple)) and any(isinstance(v, str) for v in values):
                trace[name] = [_plain_label(v) for v in values]
        if trace.type == "sankey" and trace.node.label is not None:
            trace.node.label = [_plain_label(v) for v in trace.node.label]
    title = figure.layout.title.text
    if isinstance(title, str):
        figure.layout.title.text = _plain_label(title)
    return figure


def _figure(title: str) -> go.Figure:
    figure = go.Figure()
    figure.update_layout(title={"text": title, "x": 0}, **_LAYOUT)
    return figure


def ladder_bars(
    counts: Mapping[str, float],
    labels: Mapping[str, str],
    title: str,
    axis: str,
    colours: Mapping[str, str] = CLASS_COLOURS,
    money: tuple[str, str] | None = None,
) -> go.Figure:
    """Horizontal bars in the given order, the first at the top: the ladder, stages, groups, tiers.

    ``money`` (language, currency) writes each bar's amount with its currency, on the bar and on hover,
    and names the currency on the axis."""
    names = list(counts)
    figure = _figure(title)
    text: list[float] | list[str]
    if money is None:
        text, template = [counts[n] for n in names], "%{text:,}"
    else:
        text, template = [i18n.money(float(counts[n]), *money) for n in names], "%{text}"
        axis = f"{axis} ({money[1]})"
    figure.add_bar(
        y=[labels[n] for n in names],
        x=[counts[n] for n in names],
        orientation="h",
        marker_color=[colours.get(n, NEUTRAL) for n in names],
        text=text,
        texttemplate=template,
        hovertemplate="%{y}: " + template + "<extra></extra>",
        textposition="auto",
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title=axis)
    return figure


def stacked_bars(
    table: pd.DataFrame, labels: Mapping[str, str], title: str, axis: str, colours: Mapping[str, str] = CLASS_COLOURS
) -> go.Figure:
    """One bar per row of ``table`` (e.g. a country), stacked by its columns (e.g. classes)."""
    figure = _figure(title)
    for column in table.columns:
        figure.add_bar(
            x=[str(i) for i in table.index],
            y=table[column].tolist(),
            name=labels.get(column, str(column)),
            marker_color=colours.get(column),
        )
    figure.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.2})
    figure.update_yaxes(title=axis)
    return figure


def heatmap(
    grid: pd.DataFrame, title: str, x_title: str, y_title: str, percent: bool = False, colour_scale: str = "Greens"
) -> go.Figure:
    """A grid of numbers (or shares shown as percent), labelled in each cell."""
    values = grid.to_numpy(dtype="float64")
    figure = _figure(title)  # cells written by plotly, with the separators of the page's language
    figure.add_heatmap(
        z=values,
        x=[str(c) for c in grid.columns],
        y=[str(i) for i in grid.index],
        texttemplate="%{z:.0%}" if percent else "%{z:,.0f}",
        colorscale=colour_scale,
        showscale=False,
        hoverongaps=False,
    )
    figure.update_xaxes(title=x_title, type="category")
    figure.update_yaxes(title=y_title, type="category", autorange="reversed")
    figure.update_layout(height=max(360, 26 * len(grid) + 120))
    return figure


def funnel_chart(
    steps: Sequence[str], values: Sequence[int], title: str, colours: Sequence[str] | None = None
) -> go.Figure:
    """A funnel: each step's count and its share of the first step."""
    figure = _figure(title)
    figure.add_funnel(
        y=list(steps),
        x=list(values),
        textinfo="value+percent initial",
        marker={"color": list(colours)} if colours else None,
    )
    return figure


def sankey(
    flows: pd.DataFrame, labels: Mapping[str, str], title: str, left: str, right: str, lang: str = i18n.DEFAULT_LANGUAGE
) -> go.Figure:
    """Moves between classes on two dates: ``flows`` has from, to, customers.

    Each node says its class and head count; the two dates stand above their columns instead of in every
    label, and the chart grows with the number of classes so labels do not overlap."""
    sources = list(dict.fromkeys(flows["from"]))
    targets = list(dict.fromkeys(flows["to"]))
    out = flows.groupby("from")["customers"].sum()
    into = flows.groupby("to")["customers"].sum()
    nodes = [f"{labels.get(s, s)} ({i18n.number(int(out[s]), lang)})" for s in sources]
    nodes += [f"{labels.get(t, t)} ({i18n.number(int(into[t]), lang)})" for t in targets]
    colours = [CLASS_COLOURS.get(s, NEUTRAL) for s in sources] + [CLASS_COLOURS.get(t, NEUTRAL) for t in targets]
    figure = _figure(title)
    figure.add_trace(
        go.Sankey(
            arrangement="snap",
            node={"label": nodes, "color": colours, "pad": 28, "thickness": 18},
            link={
                "source": [sources.index(s) for s in flows["from"]],
                "target": [len(sources) + targets.index(t) for t in flows["to"]],
                "value": flows["customers"].tolist(),
            },
            textfont={"size": 13},
        )
    )
    for x, text, anchor in ((0, left, "left"), (1, right, "right")):
        figure.add_annotation(x=x, y=1.06, xref="paper", yref="paper", text=text, showarrow=False, xanchor=anchor)
    figure.update_layout(height=max(460, 70 * max(len(sources), len(targets)) + 120), margin={"t": 80})
    return figure


SENTIMENT_COLOURS = {"positive": "#43a047", "neutral": "#bdbdbd", "negative": "#e53935", "unknown": "#eeeeee"}
ELEMENT_COLOURS = {"product": "#1e88e5", "peripheral": "#8e24aa", "environment": "#f9a825", "psychological": "#00897b"}


def horizontal_stacked_bars(
    table: pd.DataFrame,
    row_labels: Mapping[str, str],
    column_labels: Mapping[str, str],
    title: str,
    axis: str,
    colours: Mapping[str, str],
) -> go.Figure:
    """One horizontal bar per row (e.g. a theme), stacked by its columns (e.g. sentiments); first row on top."""
    figure = _figure(title)
    for column in table.columns:
        figure.add_bar(
            y=[row_labels.get(str(i), str(i)) for i in table.index],
            x=table[column].tolist(),
            name=column_labels.get(column, str(column)),
            orientation="h",
            marker_color=colours.get(column),
        )
    figure.update_layout(
        barmode="stack", legend={"orientation": "h", "y": -0.2}, height=max(360, 28 * len(table) + 140)
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title=axis)
    return figure


def monthly_bars(values: pd.Series, title: str, axis: str, lang: str, currency: str) -> go.Figure:
    """A value per month as bars (months without buying simply have none: no line falls to zero between
    sparse purchases), the months named and the amounts written in ``lang``, with the currency."""
    figure = _figure(title)
    months = [i18n.month(pd.Period(str(i), freq="M").to_timestamp(), lang) for i in values.index]
    figure.add_bar(
        x=months,
        y=values.tolist(),
        text=[i18n.money(float(v), lang, currency) for v in values],
        hovertemplate="%{x}: %{text}<extra></extra>",
        textposition="none",
    )
    figure.update_yaxes(title=f"{axis} ({currency})", separatethousands=True)
    figure.update_layout(separators=i18n.chart_separators(lang))
    return figure


def lines(table: pd.DataFrame, labels: Mapping[str, str], title: str, axis: str, lang: str | None = None) -> go.Figure:
    """One line per column over the index (e.g. themes by month); months named in ``lang`` when given,
    so the axis does not say "Sep 2023" in a Polish page."""
    figure = _figure(title)
    x = [str(i) for i in table.index]
    if lang is not None and len(table.index):
        with contextlib.suppress(ValueError, TypeError):  # not months: shown as they are
            x = [i18n.month(pd.Period(str(i), freq="M").to_timestamp(), lang) for i in table.index]
    for column in table.columns:
        figure.add_scatter(
            x=x,
            y=table[column].tolist(),
            mode="lines+markers",
            name=labels.get(str(column), str(column)),
        )
    figure.update_layout(legend={"orientation": "h", "y": -0.2})
    figure.update_yaxes(title=axis)
    return figure
