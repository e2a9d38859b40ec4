"""Feedback: what customers talk about, how they feel, and which part of satisfaction is failing.

For the manager: themes by sentiment, the four elements of satisfaction, themes over time and
by ladder class, NPS and CSAT. For the marketer: the open complaints, oldest first, and every
item with the words that placed it in a theme; the theme dictionary is edited here.
"""

from datetime import timedelta

import pandas as pd
import streamlit as st

from lib.analysis.feedback import (
    SENTIMENTS,
    csat,
    element_sentiment,
    marked_text,
    nps,
    open_complaints,
    scores_by,
    select_items,
    sentiment_coverage,
    theme_sentiment,
    theme_trend,
    themes_by,
)
from lib.analysis.ladder import CLASSES
from lib.themes import ELEMENTS, THEMES, default_dictionary, theme_key
from lib.ui import (
    analysis,
    as_of_input,
    chart,
    charts,
    date_format,
    feedback_items,
    flash,
    localised,
    num,
    people_table,
    percent,
    setup_page,
    t,
    theme_suggestions,
)
from lib.ui.customers import labels

page = setup_page("feedback.title")
st.title(t("feedback.title"))
if page.current is None:
    st.info(t("analysis.empty"))
    st.stop()
if page.current.register.feedback.empty:
    st.info(t("feedback.none"))
    st.stop()

dictionary = page.workspace.themes()
keys = dictionary.theme_keys()
as_of = as_of_input(page)
view = analysis(page, as_of, page.workspace.settings())
items = feedback_items(page, dictionary)
by_customer = view.set_index("customer_id")
items = items.assign(relationship=items["customer_id"].map(by_customer["relationship"]),
                     name=items["customer_id"].map(by_customer["name"]),
                     branch=items["customer_id"].map(by_customer["branch"]),
                     month=items["date"].dt.strftime("%Y-%m"))


def theme_label(key: str) -> str:
    return t(f"theme.{key}") if key in THEMES else key.replace("_", " ")


theme_labels = {key: theme_label(key) for key in keys}
st.caption(t("feedback.intro"))

with st.container(border=True):
    first, second, third, fourth = st.columns(4)
    chosen_themes = first.multiselect(t("feedback.filter_theme"), keys, format_func=localised(theme_label), key="fb_themes",
                                      placeholder=t("filter.all"))
    kinds = second.multiselect(t("feedback.filter_kind"), ["survey", "opinion", "complaint", "wish", "idea"],
                               format_func=localised(lambda k: t(f"feedback_kind.{k}")), key="fb_kinds", placeholder=t("filter.all"))
    tones = third.multiselect(t("feedback.filter_sentiment"), list(SENTIMENTS), format_func=localised(lambda s: t(f"sentiment.{s}")),
                              key="fb_sentiments", placeholder=t("filter.all"))
    languages = fourth.multiselect(t("feedback.filter_language"), sorted(set(items["language"])),
                                   format_func=localised(lambda lang: t(f"language.{lang}")), key="fb_languages",
                                   placeholder=t("filter.all"))
    dated = items["date"].dropna()
    lowest = dated.min().date() if len(dated) else as_of - timedelta(days=365)
    period = st.date_input(t("feedback.period"), value=(lowest, as_of), format=date_format(), key="fb_period")
start, end = (period if isinstance(period, tuple) and len(period) == 2 else (lowest, as_of))
selected = select_items(items, chosen_themes, kinds, tones, languages, pd.Timestamp(start), pd.Timestamp(end))

columns = st.columns(4)
columns[0].metric(t("feedback.items"), num(len(selected)))
score = nps(selected["rating"])
columns[1].metric(t("feedback.nps"), "–" if score is None else ("+" if score > 0 else "") + num(score), help=t("feedback.nps_help"))
satisfied = csat(selected["rating"])
columns[2].metric(t("feedback.csat"), "–" if satisfied is None else percent(satisfied / 100), help=t("feedback.csat_help"))
columns[3].metric(t("feedback.coverage"), percent(sentiment_coverage(selected)),
                  help=t("feedback.coverage_help"))
st.caption(t("feedback.coverage_line", share=percent(sentiment_coverage(selected))))

if selected.empty:
    st.info(t("feedback.nothing"))
else:
    sentiment_labels = labels("sentiment", SENTIMENTS)
    left, right = st.columns(2)
    with left:
        chart(charts.horizontal_stacked_bars(theme_sentiment(selected, keys), theme_labels, sentiment_labels,
                                                       t("feedback.themes_chart"), t("feedback.items_axis"),
                                                       charts.SENTIMENT_COLOURS), key="themes")
        st.caption(t("feedback.themes_how"))
    with right:
        chart(charts.horizontal_stacked_bars(element_sentiment(selected, dictionary),
                                                       labels("element", ELEMENTS), sentiment_labels,
                                                       t("feedback.elements_chart"), t("feedback.items_axis"),
                                                       charts.SENTIMENT_COLOURS), key="elements")
        st.caption(t("feedback.elements_how"))
    left, right = st.columns(2)
    with left:
        trend = theme_trend(selected, keys)
        chart(charts.lines(trend, theme_labels, t("feedback.trend_chart"), t("feedback.items_axis")),
                        key="trend")
        st.caption(t("feedback.trend_how"))
    with right:
        by_class = themes_by(selected, "relationship", keys, CLASSES)
        by_class.index = [t(f"class.{c}") for c in by_class.index]
        by_class.columns = [theme_label(k) for k in by_class.columns]
        chart(charts.heatmap(by_class, t("feedback.class_chart"), t("feedback.theme_axis"),
                                       t("column.relationship"), colour_scale="Purples"), key="by_class")
        st.caption(t("feedback.class_how"))

st.subheader(t("feedback.scores"))
dimension = st.segmented_control(t("feedback.scores_by"), ["relationship", "branch", "month"], default="relationship",
                                 format_func=localised(lambda d: t(f"feedback.by_{d}")), key="fb_scores_by") or "relationship"
scores = scores_by(selected, dimension)
if dimension == "relationship":
    scores[dimension] = [t(f"class.{c}") for c in scores[dimension]]
st.caption(t("feedback.scores_how"))
st.dataframe(scores.rename(columns={dimension: t(f"feedback.by_{dimension}"), "items": t("feedback.items_axis"),
                                    "nps": t("feedback.nps"), "csat": t("feedback.csat")}),
             hide_index=True, column_config={t("feedback.csat"): st.column_config.NumberColumn(format="%.0f %%"),
                                             t("feedback.nps"): st.column_config.NumberColumn(format="%+.0f")})

st.subheader(t("feedback.complaints"))
complaints = open_complaints(items, pd.Timestamp(as_of))
st.caption(t("feedback.complaints_how", count=len(complaints)))
people_table({
    t("feedback.col_date"): complaints["date"], t("feedback.col_age"): complaints["age_days"],
    t("column.customer_id"): complaints["customer_id"], t("column.name"): complaints["name"],
    t("feedback.col_text"): complaints["text"],
    t("feedback.col_themes"): [", ".join(theme_label(k) for k in found) for found in complaints["themes"]],
}, page, ids=t("column.customer_id"), personal=(t("column.name"), t("feedback.col_text")), hide_index=True, column_config={t("feedback.col_date"): st.column_config.DateColumn(format=date_format())})

st.subheader(t("feedback.table"))
shown = selected.sort_values("date", ascending=False, na_position="last").head(500)
st.caption(t("table.shown_items", shown=len(shown), total=len(selected)))
people_table({
    t("feedback.col_row"): shown["row"], t("feedback.col_date"): shown["date"],
    t("column.name"): shown["name"], t("feedback.col_kind"): [t(f"feedback_kind.{k}") if isinstance(k, str) else "–"
                                                             for k in shown["kind"]],
    t("feedback.col_language"): [t(f"language.{lang}") for lang in shown["language"]],
    t("feedback.col_sentiment"): [t(f"sentiment.{s}") for s in shown["sentiment"]],
    t("feedback.col_themes"): [", ".join(theme_label(k) for k in found) for found in shown["themes"]],
    t("feedback.col_matched"): [", ".join(words) for words in shown["matched"]],
    t("feedback.col_text"): [marked_text(text, words) for text, words in zip(shown["text"], shown["matched"],
                                                                              strict=True)],
}, page, personal=(t("column.name"), t("feedback.col_text")), hide_index=True,
    column_config={t("feedback.col_date"): st.column_config.DateColumn(format=date_format())})

if not page.can("settings"):  # the dictionary and the suggestions (with example texts) are for editors
    st.stop()
st.subheader(t("feedback.dictionary"))
st.caption(t("feedback.dictionary_help"))
edited = st.data_editor(dictionary.to_frame(), num_rows="dynamic", hide_index=True, key="fb_dictionary",
                        column_config={
                            "theme": st.column_config.TextColumn(t("feedback.dict_theme"), required=True),
                            "element": st.column_config.SelectboxColumn(t("feedback.dict_element"),
                                                                        options=list(ELEMENTS), required=True),
                            "language": st.column_config.SelectboxColumn(t("feedback.dict_language"),
                                                                         options=["en", "et", "fi", "lt", "pl"],
                                                                         required=True),
                            "words": st.column_config.TextColumn(t("feedback.dict_words"), width="large"),
                            "exclude": st.column_config.TextColumn(t("feedback.dict_exclude")),
                        })
left, right = st.columns([1, 4])
if left.button(t("feedback.dict_save"), type="primary", key="fb_save"):
    page.workspace.save_themes(type(dictionary).from_frame(edited), page.user)
    flash(t("feedback.dict_saved"))
    st.rerun()
if right.button(t("feedback.dict_reset"), key="fb_reset"):
    page.workspace.save_themes(default_dictionary(), page.user)
    st.session_state.pop("fb_dictionary", None)
    flash(t("feedback.dict_reset_done"))
    st.rerun()

with st.expander(t("feedback.suggestions")):
    st.caption(t("feedback.suggestions_help"))
    suggestions = theme_suggestions(page, dictionary)
    if not suggestions:
        st.info(t("feedback.no_suggestions"))
    for number, suggestion in enumerate(suggestions[:8]):
        with st.container(border=True):
            st.markdown(f"**{t(f'language.{suggestion.language}')}** · "
                        + t("feedback.suggestion_items", items=suggestion.items))
            st.text(", ".join(suggestion.words))
            for example in suggestion.examples:
                st.text(f"“{example}”")
            name_col, element_col, add_col = st.columns([2, 2, 1])
            name = name_col.text_input(t("feedback.new_theme"), value=suggestion.words[0], key=f"fb_new_{number}")
            element = element_col.selectbox(t("feedback.dict_element"), list(ELEMENTS),
                                            format_func=localised(lambda e: t(f"element.{e}")), key=f"fb_element_{number}")
            if add_col.button(t("feedback.add_theme"), key=f"fb_add_{number}"):
                page.workspace.save_themes(dictionary.with_theme(name, element, suggestion.language,
                                                                 suggestion.words[:4]), page.user)
                flash(t("feedback.theme_added", theme=theme_key(name)))
                st.rerun()
