"""Feedback: what customers talk about, how they feel, and which part of satisfaction is failing.

For the manager: themes by sentiment, the four elements of satisfaction, themes over time and
by ladder class, NPS and CSAT. For the marketer: the open complaints, oldest first, and every
item with the words that placed it in a theme; the theme dictionary is edited here.
"""

import json

import streamlit as st

from lib.analysis.feedback import with_customers
from lib.ui import analysis, as_of_input, feedback_items, kept, setup_page, t
from lib.ui.feedback_view import (
    complaints_table,
    dictionary_editor,
    feedback_charts,
    feedback_filters,
    items_table,
    score_tiles,
    scores_table,
    suggested_themes,
)

page = setup_page("feedback.title")
st.title(t("feedback.title"))
if page.current is None:
    st.info(t("analysis.empty"))
    st.stop()
if page.current.register.feedback.empty:
    st.info(t("feedback.none"))
    st.stop()

dictionary = page.workspace.themes()
as_of = as_of_input(page)
settings = page.workspace.settings()
read = feedback_items(page, dictionary)
view = analysis(page, as_of, settings)
reading = json.dumps([dictionary.to_json(), as_of.isoformat(), settings.to_json()])
items = kept(page, "feedback_items", reading, lambda: with_customers(read, view))
st.caption(t("feedback.intro"))

selected, selection = feedback_filters(items, dictionary.theme_keys(), as_of)
score_tiles(selected)
if selected.empty:
    st.info(t("feedback.nothing"))
else:
    feedback_charts(page, selected, dictionary, reading + selection)

st.subheader(t("feedback.scores"))
scores_table(selected)

st.subheader(t("feedback.complaints"))
complaints_table(page, items, as_of)

st.subheader(t("feedback.table"))
items_table(page, selected)

if not page.can("settings"):  # the dictionary and the suggestions (with example texts) are for editors
    st.stop()
st.subheader(t("feedback.dictionary"))
dictionary_editor(page, dictionary)
with st.expander(t("feedback.suggestions"), key="fb_suggestions_open", on_change="rerun") as suggestions:
    if suggestions.open:  # drawn when opened
        suggested_themes(page, dictionary)
