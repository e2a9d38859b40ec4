"""Figures carry the aggregated numbers they are given, labelled in the user's words."""

import pandas as pd

from lib.ui import charts


def test_ladder_bars_keep_the_ladder_order_and_counts():
    figure = charts.ladder_bars(
        {"partner": 2, "loyal": 5, "former": 0}, {"partner": "P", "loyal": "L", "former": "F"}, "Ladder", "Customers"
    )
    bar = figure.data[0]
    assert list(bar.y) == ["P", "L", "F"] and list(bar.x) == [2, 5, 0]
    assert figure.layout.title.text == "Ladder"


def test_sankey_links_carry_every_customer_once():
    flows = pd.DataFrame(
        {"from": ["new", "loyal", "loyal"], "to": ["loyal", "loyal", "former"], "customers": [3, 4, 1]}
    )
    figure = charts.sankey(flows, {"new": "New", "loyal": "Loyal", "former": "Former"}, "Moves", "2025", "2026")
    link = figure.data[0].link
    assert sum(link.value) == 8
    # Each node: its class and head count; the two dates stand once above their columns.
    assert list(figure.data[0].node.label) == ["New (3)", "Loyal (5)", "Loyal (7)", "Former (1)"]
    assert [a.text for a in figure.layout.annotations] == ["2025", "2026"]
    assert list(link.source) == [0, 1, 1] and list(link.target) == [2, 2, 3]


def test_heatmap_shows_percent_and_leaves_unknown_cells_blank():
    grid = pd.DataFrame({0: [1.0, 1.0], 1: [0.5, float("nan")]}, index=["2026-01", "2026-02"])
    figure = charts.heatmap(grid, "Cohorts", "Months", "Cohort", percent=True)
    assert figure.data[0].texttemplate == "%{z:.0%}"  # written by plotly with the page's separators
    assert figure.data[0].z[0].tolist() == [1.0, 0.5] and pd.isna(figure.data[0].z[1][1])
    assert charts.heatmap(grid, "Counts", "x", "y").data[0].texttemplate == "%{z:,.0f}"


def test_funnel_and_stacked_bars():
    funnel = charts.funnel_chart(["a", "b"], [10, 4], "Funnel")
    assert list(funnel.data[0].x) == [10, 4]
    table = pd.DataFrame({"loyal": [3, 1], "former": [0, 2]}, index=["EE", "FI"])
    stacked = charts.stacked_bars(table, {"loyal": "Loyal", "former": "Former"}, "By country", "Customers")
    assert [trace.name for trace in stacked.data] == ["Loyal", "Former"]
    assert stacked.layout.barmode == "stack"


def test_a_customer_s_months_are_bars_named_in_the_language_with_the_currency():
    import pandas as pd

    from lib.ui.charts import lines, monthly_bars

    values = pd.Series([120.5, 0.0, 40.0], index=["2023-09", "2023-10", "2024-01"])
    figure = monthly_bars(values, "Zakupy według miesięcy", "Wartość", "pl", "PLN")
    bar = figure.data[0]
    assert bar.type == "bar" and list(bar.x) == ["wrz 2023", "paź 2023", "sty 2024"]  # sparse months: no line to zero
    assert bar.text[0].replace("\u00a0", " ") == "120,50 zł" and figure.layout.yaxis.title.text == "Wartość (PLN)"
    trend = lines(pd.DataFrame({"price": [3, 4]}, index=["2023-09", "2023-10"]), {"price": "Cena"}, "T", "A", "et")
    assert list(trend.data[0].x) == ["sept 2023", "okt 2023"]
