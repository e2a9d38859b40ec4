"""The Feedback page through AppTest: charts for the sample, filters, and an edited theme dictionary."""

import pytest
from streamlit.testing.v1 import AppTest

from lib.themes import default_dictionary
from tests.app.conftest import on_page
from tests.app.test_analysis import charts, metrics


@pytest.fixture
def app(sample_app) -> AppTest:
    """The Feedback page on the sample register, in a workspace of the test's own."""
    return on_page(sample_app, "pages/6_Feedback.py")


def theme_total(at: AppTest, label: str) -> int:
    figure = charts(at)["Themes by sentiment"]
    return sum(trace["x"][trace["y"].index(label)] for trace in figure["data"])


def test_the_feedback_page_shows_themes_elements_trend_and_scores(app):
    assert {
        "Themes by sentiment",
        "The four elements of satisfaction",
        "Themes by month",
        "Themes by ladder class",
    } <= set(charts(app))
    shown = metrics(app)
    assert shown["Items in selection"] == "1,116"  # one item is dated 2062: outside any period
    assert shown["CSAT"].endswith("%") and shown["NPS"] == "–"
    assert any("Sentiment known for" in c.value for c in app.caption)
    assert theme_total(app, "Parking") > 0
    complaints = app.dataframe[1].value
    assert complaints["Date"].is_monotonic_increasing


def test_a_theme_filter_narrows_the_table(app):
    everything = int(metrics(app)["Items in selection"].replace(",", ""))
    app.multiselect(key="fb_themes").set_value(["parking"]).run()
    assert not app.exception
    parking = int(metrics(app)["Items in selection"].replace(",", ""))
    assert 0 < parking < everything
    table = app.dataframe[2].value
    assert len(table) == parking and table["Themes"].str.contains("Parking").all()
    assert not table["Text"].str.contains("【").any()  # the table shows the text as written
    app.session_state["fb_read_open"] = True  # and, below, opened, the words found in bold
    app.run()
    read = next(m.value for m in app.markdown if m.value.startswith("- "))
    assert read.startswith("- ") and "**" in read and "【" not in read
    app.multiselect(key="fb_themes").set_value([]).run()


def test_editing_the_dictionary_changes_the_counts(app):
    before = theme_total(app, "Price")
    frame = default_dictionary().to_frame()
    rows = frame.index[(frame["theme"] == "price") & (frame["language"].isin(["et", "fi"]))].tolist()
    app.session_state["fb_dictionary"] = {
        "edited_rows": {row: {"words": "zzzz"} for row in rows},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    app.button(key="fb_save").click().run()
    assert not app.exception
    assert "Theme dictionary saved" in app.success[0].value
    after = theme_total(app, "Price")
    assert after < before
    app.button(key="fb_reset").click().run()
    assert theme_total(app, "Price") == before


def test_scores_by_class_branch_and_month(app):
    scores = app.dataframe[0].value
    assert list(scores.columns) == ["Ladder class", "Feedback items", "NPS", "CSAT"]
    assert set(scores["Ladder class"]) <= {
        "Partner customer",
        "Loyal customer",
        "Occasional customer",
        "Prospect",
        "Former customer",
    }
    app.segmented_control(key="fb_scores_by").set_value("branch").run()
    assert not app.exception
    assert set(app.dataframe[0].value["Branch"]) == {"Tallinn", "Helsinki", "Vilnius", "Warsaw"}


def test_the_marked_texts_and_the_theme_suggestions_are_drawn_when_opened(app):
    assert "Word groups that feedback without any theme" not in " ".join(c.value for c in app.caption)
    assert not [m for m in app.markdown if m.value.startswith("- ")]  # the fifty marked texts: not while closed
    app.session_state["fb_read_open"] = True
    app.session_state["fb_suggestions_open"] = True
    app.run()
    assert not app.exception
    marked = [m.value for m in app.markdown if m.value.startswith("- ")]
    assert marked and marked[0].count("\n") >= 10 and "**" in marked[0]  # the texts, their words in bold
    assert any("Word groups that feedback without any theme" in c.value for c in app.caption)
