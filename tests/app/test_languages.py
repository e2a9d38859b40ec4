"""Every page in each of the five languages: no untranslated key, no exception, the language's own words."""

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from lib import i18n
from lib.reading.workbook import read_workbook
from lib.service.registers import import_workbook
from lib.ui.page import PAGES
from lib.workspace.repository import Workspace
from tests.conftest import ROOT, SAMPLE

MISSING = "⟦"


def texts(node) -> list[str]:
    """Everything an element tree shows: each element's message as text, tables' bytes decoded."""
    if isinstance(node, Block):
        proto = getattr(node, "proto", None)
        found = [str(proto)] if proto is not None else []
        for child in node.children.values():
            found += texts(child)
        return found
    proto = node.proto
    shown = [str(proto)]
    for field in ("arrow_data_frame", "data_frame", "arrow_table"):
        data = getattr(getattr(proto, field, None), "data", b"") if hasattr(proto, field) else b""
        if isinstance(data, bytes) and data:
            shown.append(data.decode("utf-8", errors="replace"))
    return shown


def page_text(at: AppTest) -> str:
    decoded = "\n".join(texts(at._tree))
    return (
        decoded.encode("utf-8")
        .decode("unicode_escape", errors="ignore")
        .encode("latin-1", errors="ignore")
        .decode("utf-8", errors="ignore")
        + "\n"
        + decoded
    )


SAMPLE_HEADERS = {
    str(cell)
    for sheet in read_workbook(SAMPLE.read_bytes(), SAMPLE.name)
    for cell in sheet.cells.head(5).to_numpy().ravel()
    if isinstance(cell, str)
}
"""The sample register's own headers (in English, as its owner wrote them): shown as they are."""


def english_sentences(lang: str) -> list[str]:
    """The English catalogue's fixed texts long enough to be unmistakable, where the language says it otherwise.

    Messages to customers (``message.*``) are left out: they are written in each customer's own language,
    whatever language the user reads the app in.
    """
    english = i18n.catalogue("en")
    return [
        text
        for key, text in english.items()
        if len(text) >= 16 and "{" not in text and i18n.t(key, lang) != text and not key.startswith("message.")
    ]


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_every_page_speaks_the_language_with_no_untranslated_key(lang, sample_workspace, monkeypatch):
    monkeypatch.setenv("LADDER_WORKSPACE", str(sample_workspace))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["language"] = lang
    at.run()
    scripts = [("app.py", "home.title"), *((script, key) for script, key, _ in PAGES)]
    for script, title_key in scripts:
        if script != "app.py":
            at.switch_page(script).run()
        assert not at.exception, (lang, script, [e.value for e in at.exception])
        assert at.title[0].value == i18n.t(title_key, lang), (lang, script)
        shown = page_text(at)
        assert MISSING not in shown, (lang, script, shown[shown.index(MISSING) - 80 : shown.index(MISSING) + 80])
        assert not at.error, (lang, script, [e.value for e in at.error])
        # An empty cell in a table or grid is shown empty, not as Streamlit's English "None".
        assert all(table.proto.HasField("placeholder") and not table.proto.placeholder for table in at.dataframe)
        if lang != "en":  # no English sentence left on the page, and the sidebar's page links translated
            left = [text for text in english_sentences(lang) if text in shown and text not in SAMPLE_HEADERS]
            assert left == [], (lang, script, left)
            links = [link.proto.label for link in at.sidebar.get("page_link")]
            assert i18n.t("segments.title", lang) in links and i18n.t("segments.title", "en") not in links


def test_the_sidebar_picker_switches_the_language_for_the_session(sample_workspace, monkeypatch):
    monkeypatch.setenv("LADDER_WORKSPACE", str(sample_workspace))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    assert at.title[0].value == i18n.t("home.title", "en")
    at.selectbox(key="_language_widget").set_value("fi").run()
    assert at.title[0].value == i18n.t("home.title", "fi")
    assert at.metric[0].label == i18n.t("figures.customers", "fi") and at.metric[0].value == "2\u00a0000"
    at.switch_page("pages/4_Segments.py").run()  # remembered on the next page
    assert at.title[0].value == i18n.t("segments.title", "fi")
    assert not at.exception


def test_amounts_follow_the_language_and_the_register_currency(tmp_path, monkeypatch):
    folder = tmp_path / "workspace"
    import_workbook(Workspace(folder), SAMPLE.name, SAMPLE.read_bytes())
    monkeypatch.setenv("LADDER_WORKSPACE", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["language"] = "pl"
    at.run()
    revenue = i18n.t("figures.revenue", "pl")
    assert {m.label: m.value for m in at.metric}[revenue].replace("\u00a0", " ") == "907 432,00 €"
    at.switch_page("pages/7_Settings.py").run()
    at.selectbox(key="setting_currency").set_value("PLN")
    at.button[0].click().run()  # the form's save button
    assert at.success[0].value == i18n.t("settings.saved", "pl")
    at.switch_page("app.py").run()
    assert {m.label: m.value for m in at.metric}[revenue].replace("\u00a0", " ") == "907 432,00 zł"


def test_codes_are_words_in_polish_on_the_timeline_the_breakdown_the_scores_and_the_mapping(
    sample_workspace, monkeypatch
):
    monkeypatch.setenv("LADDER_WORKSPACE", str(sample_workspace))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.session_state["language"] = "pl"
    at.run()
    mapping = page_text(at)
    assert "(customer_id)" not in mapping and "(consent_email)" not in mapping  # field names, not codes
    at.switch_page("pages/2_Customers.py").run()
    story = next(frame.value for frame in at.dataframe if i18n.t("customers.col_kind", "pl") in frame.value.columns)
    kinds = set(story[i18n.t("customers.col_kind", "pl")])
    assert not kinds & {"call", "opinion", "offer", "survey", "complaint", "None", "nan"}, kinds
    at.switch_page("pages/4_Segments.py").run()
    next(box for box in at.selectbox if box.label == i18n.t("segments.breakdown_by", "pl")).set_value("stage").run()
    breakdown = page_text(at)
    assert "prospect_cold" not in breakdown and "defected" not in breakdown
    at.switch_page("pages/6_Feedback.py").run()
    scores = next(frame.value for frame in at.dataframe if "NPS" in frame.value.columns)
    assert "None" not in set(scores["NPS"].astype(str)) and "nan" not in set(scores["NPS"].astype(str))
