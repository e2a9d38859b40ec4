"""The Segments, Lifecycle and Settings pages through AppTest on the sample register."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def app(sample_app) -> AppTest:
    """The app with the sample register loaded into a fresh workspace."""
    return sample_app


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def charts(at: AppTest) -> dict[str, dict]:
    """Every plotly chart on the page as its figure, by title."""
    found = {}
    for element in at.get("plotly_chart"):
        figure = json.loads(element.proto.spec)
        found[figure["layout"]["title"]["text"]] = figure
    return found


def ladder(at: AppTest) -> dict[str, int]:
    bar = charts(at)["The relationship ladder"]["data"][0]
    return dict(zip(bar["y"], bar["x"], strict=True))


def test_segments_page_shows_the_ladder_and_a_filter_changes_the_counts(app):
    app.switch_page("pages/4_Segments.py").run()
    assert not app.exception
    assert metrics(app)["Customers in selection"] == "2,000"
    found = charts(app)
    assert {
        "The relationship ladder",
        "Classes by Country",
        "RFM grid: recency × frequency",
        "RFM groups",
        "Reward tiers",
    } <= set(found)
    counts = ladder(app)
    assert sum(counts.values()) == 2000 and set(counts) == {
        "Partner customer",
        "Loyal customer",
        "Occasional customer",
        "Prospect",
        "Former customer",
    }
    assert any("How to read" in c.value for c in app.caption)

    app.multiselect(key="segments_classes").set_value(["loyal"]).run()
    assert not app.exception
    assert metrics(app)["Customers in selection"] == f"{counts['Loyal customer']:,}"
    assert ladder(app)["Former customer"] == 0

    app.multiselect(key="segments_classes").set_value([]).run()
    app.selectbox(key="segments_column").set_value("country").run()
    app.multiselect(key="segments_values_country").set_value(["EE"]).run()
    assert not app.exception
    shown = int(metrics(app)["Customers in selection"].replace(",", ""))
    assert 0 < shown < 2000
    table = app.dataframe[0].value
    assert len(table) == min(shown, 200) and table["Why"].str.len().gt(5).all()  # a page of the selection
    assert f"Rows 1–200 of {shown:,}." in [c.value for c in app.caption]
    app.selectbox(key="customer_table_sort").set_value("value").run()
    app.toggle(key="customer_table_descending").set_value(True).run()
    first = app.dataframe[0].value["Value"]
    app.number_input(key="customer_table_page").set_value(2).run()
    second = app.dataframe[0].value["Value"]
    assert first.is_monotonic_decreasing and second.is_monotonic_decreasing  # sorted over every row, not a page
    assert first.iloc[-1] >= second.iloc[0] and first.iloc[0] > second.iloc[-1]


def test_lifecycle_page_shows_funnel_sankey_cohorts_and_lists(app):
    app.switch_page("pages/5_Lifecycle.py").run()
    assert not app.exception
    titles = set(charts(app))
    assert {"From one date to the other", "Cohort retention"} <= titles
    assert any(title.startswith("Where customers stand on") for title in titles)
    assert any(title.startswith("Funnel ") for title in titles)
    assert {"Retention rate", "Churn rate", "Repeat-purchase rate", "Cost to replace the lost"} <= set(metrics(app))
    assert any("cooling" in s.value.lower() for s in app.subheader)
    assert len(app.dataframe) == 3  # value per class, cooling prospects, overdue customers


def test_changing_a_threshold_in_settings_changes_the_ladder(app):
    app.switch_page("pages/4_Segments.py").run()
    before = ladder(app)
    app.switch_page("pages/7_Settings.py").run()
    assert not app.exception
    app.number_input(key="setting_loyal_min_purchases").set_value(20)
    app.button[0].click().run()  # the form's save button
    assert not app.exception
    assert "Settings saved" in app.success[0].value
    app.switch_page("pages/4_Segments.py").run()
    after = ladder(app)
    assert after["Loyal customer"] < before["Loyal customer"]
    assert after["Occasional customer"] > before["Occasional customer"]


def test_a_new_session_sees_the_saved_settings(app, tmp_path):
    app.switch_page("pages/7_Settings.py").run()
    app.number_input(key="setting_cooling_days").set_value(45)
    app.button[0].click().run()
    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    fresh.switch_page("pages/7_Settings.py").run()
    assert fresh.number_input(key="setting_cooling_days").value == 45


def test_analysis_pages_without_a_register_invite_an_upload(tmp_path, monkeypatch):
    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "empty"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    for page in ("pages/4_Segments.py", "pages/5_Lifecycle.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert "upload your workbook" in at.info[0].value


def test_a_small_single_sheet_register_gets_the_same_pages(tmp_path, monkeypatch):
    """Two customers with summary columns only: no purchases sheet, no cohorts, no exception."""
    from tests.app.test_home import upload
    from tests.conftest import FIXTURES

    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "workspace"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    upload(at, FIXTURES / "finnish_summary.xls")
    at.switch_page("pages/4_Segments.py").run()
    assert not at.exception
    assert metrics(at)["Customers in selection"] == "2"
    assert sum(ladder(at).values()) == 2
    at.switch_page("pages/5_Lifecycle.py").run()
    assert not at.exception
    assert any("Cohorts need a purchases sheet" in i.value for i in at.info)
    # Figures the register's shape cannot give say what they need, instead of "retention 0 %, churn 100 %".
    said = " ".join(i.value for i in at.info)
    assert "Retention, churn and what lost customers took with them need dated purchases" in said
    assert "The funnel needs dated purchases" in said and "Moves between classes need dated purchases" in said
    assert "Retention rate" not in metrics(at) and "Churn rate" not in metrics(at)
    assert "Repeat-purchase rate" in metrics(at)


def test_customers_without_any_buying_data_are_all_prospects(tmp_path, monkeypatch):
    from tests.app.test_home import upload
    from tests.conftest import write_xlsx

    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "workspace"))
    path = write_xlsx(
        tmp_path / "leads.xlsx",
        {"Leads": [["Customer id", "Name", "Lead temperature"], ["1", "Anna", "hot"], ["2", "Bert", None]]},
    )
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    upload(at, path)
    at.switch_page("pages/4_Segments.py").run()
    assert not at.exception
    assert ladder(at)["Prospect"] == 2
    at.switch_page("pages/5_Lifecycle.py").run()
    assert not at.exception


def test_every_page_says_when_the_analysis_is_as_of_the_register_s_last_entry(app):
    from tests.app.conftest import as_read

    # The sample's last entry is 03.11.2026: any later day than a week after is analysed as of it.
    for script in ("app.py", "pages/2_Customers.py", "pages/4_Segments.py", "pages/8_History.py"):
        app.switch_page(script).run()
        assert not app.exception
        notes = [as_read(info.value) for info in app.info]
        assert any("last entry is 03/11/2026" in note and "as of 03/11/2026, not today" in note for note in notes), (
            script,
            notes,
        )
