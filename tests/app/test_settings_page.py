"""The Settings page through AppTest: the elements of satisfaction as seed 002 defines them, changed by the
business; a question's rating scale corrected; both used by the Feedback page."""

import pytest
from streamlit.testing.v1 import AppTest

from lib.themes import ELEMENT_OF, default_dictionary
from lib.workspace.repository import Workspace
from tests.app.conftest import as_read, on_page
from tests.app.test_analysis import charts


@pytest.fixture
def app(sample_app) -> AppTest:
    return on_page(sample_app, "pages/7_Settings.py")


def test_the_shipped_themes_sit_under_the_elements_seed_002_defines():
    dictionary = default_dictionary()
    # Courtesy and the look of the premises are the environment; the service around the core is peripheral.
    assert dictionary.element_of("staff") == "environment" and dictionary.element_of("atmosphere") == "environment"
    assert dictionary.element_of("waiting_time") == "peripheral" and dictionary.element_of("equipment") == "product"
    assert {dictionary.element_of(key) for key in dictionary.theme_keys()} == set(ELEMENT_OF.values())


def test_a_theme_moved_to_another_element_in_settings_is_rolled_up_there_on_the_feedback_page(app, tmp_path):
    on_page(app, "pages/6_Feedback.py")
    before = charts(app)["The four elements of satisfaction"]
    on_page(app, "pages/7_Settings.py")
    app.selectbox(key="element_staff").set_value("psychological")  # in a form: sent with the submit
    next(button for button in app.button if button.label == "Save the elements").click().run()
    assert not app.exception and "Saved" in app.success[0].value
    assert Workspace(tmp_path / "workspace").themes().element_of("staff") == "psychological"
    on_page(app, "pages/6_Feedback.py")
    after = charts(app)["The four elements of satisfaction"]
    label = "Psychological"

    def total(figure):
        return sum(trace["x"][trace["y"].index(label)] for trace in figure["data"] if label in trace["y"])

    assert total(after) > total(before)


def test_a_question_s_rating_scale_is_shown_and_corrected_in_settings(app, tmp_path):
    box = app.selectbox(key="setting_scale_Feedback")
    assert box.value == "auto" and "As the answers show" in box.format_func("auto")
    box.set_value("0-10")
    next(button for button in app.button if button.label == "Save settings").click().run()
    assert not app.exception
    assert Workspace(tmp_path / "workspace").settings().rating_scales == "Feedback: 0-10"
    on_page(app, "pages/6_Feedback.py")
    assert any("Feedback: 0–10" in as_read(caption.value) for caption in app.caption)
