"""The Feedback page's pieces: filters, score tiles, charts, tables, and the theme dictionary editor."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib.analysis.feedback import (
    csat,
    element_sentiment,
    nps,
    open_complaints,
    scores_by,
    select_items,
    sentiment_coverage,
    theme_sentiment,
    theme_trend,
    themes_by,
)
from lib.frames import memo_of
from lib.schema import CLASSES, FEEDBACK_KINDS, LANGUAGES, SENTIMENTS
from lib.themes import ELEMENTS, THEMES, ThemeDictionary, default_dictionary, theme_key
from lib.ui import charts
from lib.ui.actions import people_table
from lib.ui.customers import labels, profile_link
from lib.ui.format import bold_words, chart, date_format, day, finished, language, localised, num, percent, t
from lib.ui.loaders import Page, kept, theme_suggestions
from lib.ui.page import flash
from lib.ui.paged import paged


def theme_label(key: str) -> str:
    """A theme's name: translated for the shipped themes, as the user wrote it for their own."""
    return t(f"theme.{key}") if key in THEMES else key.replace("_", " ")


def feedback_filters(items: pd.DataFrame, keys: list[str], as_of: date) -> tuple[pd.DataFrame, str]:
    """The items the marketer picks by theme, kind, sentiment, language and period, and the choice itself (to
    key the work done on them)."""
    with st.container(border=True):
        first, second, third, fourth = st.columns(4)
        themes = first.multiselect(
            t("feedback.filter_theme"),
            keys,
            format_func=localised(theme_label),
            key="fb_themes",
            placeholder=t("filter.all"),
        )
        kinds = second.multiselect(
            t("feedback.filter_kind"),
            list(FEEDBACK_KINDS),
            format_func=localised(lambda k: t(f"feedback_kind.{k}")),
            key="fb_kinds",
            placeholder=t("filter.all"),
        )
        tones = third.multiselect(
            t("feedback.filter_sentiment"),
            list(SENTIMENTS),
            format_func=localised(lambda s: t(f"sentiment.{s}")),
            key="fb_sentiments",
            placeholder=t("filter.all"),
        )
        languages = fourth.multiselect(
            t("feedback.filter_language"),
            memo_of(items, "languages", lambda: sorted(set(items["language"]))),
            format_func=localised(lambda lang: t(f"language.{lang}")),
            key="fb_languages",
            placeholder=t("filter.all"),
        )
        dated = items["date"].dropna()
        lowest = dated.min().date() if len(dated) else as_of - timedelta(days=365)
        period = st.date_input(t("feedback.period"), value=(lowest, as_of), format=date_format(), key="fb_period")
    start, end = period if isinstance(period, tuple) and len(period) == 2 else (lowest, as_of)
    choice = json.dumps([themes, kinds, tones, languages, start.isoformat(), end.isoformat()])
    return select_items(items, themes, kinds, tones, languages, pd.Timestamp(start), pd.Timestamp(end)), choice


def score_tiles(selected: pd.DataFrame) -> None:
    """How many items, NPS, CSAT and how many have a sentiment at all."""
    columns = st.columns(4)
    columns[0].metric(t("feedback.items"), num(len(selected)))
    score, satisfied, covered = memo_of(
        selected, "scores", lambda: (nps(selected), csat(selected), sentiment_coverage(selected))
    )
    columns[1].metric(
        t("feedback.nps"),
        "–" if score is None else ("+" if score > 0 else "") + num(score),
        help=t("feedback.nps_help"),
    )
    columns[2].metric(
        t("feedback.csat"), "–" if satisfied is None else percent(satisfied / 100), help=t("feedback.csat_help")
    )
    columns[3].metric(t("feedback.coverage"), percent(covered), help=t("feedback.coverage_help"))
    st.caption(t("feedback.coverage_line", share=percent(covered)))
    scales = memo_of(selected, "scales", lambda: selected.dropna(subset=["scale"]).drop_duplicates("sheet"))
    if len(scales):
        read = ", ".join(
            f"{sheet}: {scale.replace('-', '–')}" for sheet, scale in zip(scales["sheet"], scales["scale"], strict=True)
        )
        st.caption(t("feedback.scales", scales=read))


def feedback_charts(page: Page, selected: pd.DataFrame, dictionary: ThemeDictionary, selection: str) -> None:
    """Themes and elements by sentiment, themes over time and by class, each with how to read it; the
    charts are drawn once per ``selection`` and language (a return visit shows them at once)."""
    figures = kept(
        page,
        "feedback_charts",
        f"{selection}|{language()}",
        lambda: _feedback_figures(selected, dictionary),
        small=True,
    )
    for row in (figures[:2], figures[2:]):
        for column, (name, figure) in zip(st.columns(2), row, strict=True):
            with column:
                chart(figure, key=name, ready=True)
                st.caption(t(f"feedback.{name}_how"))


def _feedback_figures(selected: pd.DataFrame, dictionary: ThemeDictionary) -> list[tuple[str, go.Figure]]:
    keys = dictionary.theme_keys()
    theme_labels = {key: theme_label(key) for key in keys}
    sentiment_labels = labels("sentiment", SENTIMENTS)
    by_class = themes_by(selected, "relationship", keys, CLASSES)
    by_class = by_class.set_axis([t(f"class.{c}") for c in by_class.index], axis=0).set_axis(
        [theme_label(k) for k in by_class.columns], axis=1
    )
    figures = {
        "themes": charts.horizontal_stacked_bars(
            theme_sentiment(selected, keys),
            theme_labels,
            sentiment_labels,
            t("feedback.themes_chart"),
            t("feedback.items_axis"),
            charts.SENTIMENT_COLOURS,
        ),
        "elements": charts.horizontal_stacked_bars(
            element_sentiment(selected, dictionary),
            labels("element", ELEMENTS),
            sentiment_labels,
            t("feedback.elements_chart"),
            t("feedback.items_axis"),
            charts.SENTIMENT_COLOURS,
        ),
        "trend": charts.lines(
            top_themes(theme_trend(selected, keys), TREND_THEMES),
            theme_labels,
            t("feedback.trend_chart"),
            t("feedback.items_axis"),
            language(),
        ),
        "class": charts.heatmap(
            by_class,
            t("feedback.class_chart"),
            t("feedback.theme_axis"),
            t("column.relationship"),
            colour_scale="Purples",
        ),
    }
    return [(name, finished(figure)) for name, figure in figures.items()]


def scores_table(selected: pd.DataFrame) -> None:
    """NPS and CSAT by class, branch or month."""
    dimension = (
        st.segmented_control(
            t("feedback.scores_by"),
            ["relationship", "branch", "month"],
            default="relationship",
            format_func=localised(lambda d: t(f"feedback.by_{d}")),
            key="fb_scores_by",
        )
        or "relationship"
    )
    scores = memo_of(selected, f"scores_by:{dimension}", lambda: scores_by(selected, dimension)).copy()
    if dimension == "relationship":
        scores[dimension] = [t(f"class.{c}") for c in scores[dimension]]
    # A group without answers on a scale has no score: a dash, not "None".
    scores["nps"] = ["–" if pd.isna(v) else ("+" if v > 0 else "") + num(v) for v in scores["nps"]]
    scores["csat"] = ["–" if pd.isna(v) else percent(v / 100) for v in scores["csat"]]
    st.caption(t("feedback.scores_how"))
    st.dataframe(
        scores.rename(
            columns={
                dimension: t(f"feedback.by_{dimension}"),
                "items": t("feedback.items_axis"),
                "nps": t("feedback.nps"),
                "csat": t("feedback.csat"),
            },
        ),
        hide_index=True,
        placeholder="",
    )


def _themes_texts(found: pd.Series) -> list[str]:
    """Each item's themes named in the session's language (each theme's name looked up once)."""
    names = {key: theme_label(key) for keys in found for key in keys}
    return [", ".join(names[key] for key in keys) for keys in found]


def complaints_table(page: Page, items: pd.DataFrame, as_of: date) -> None:
    """The open complaints, oldest first."""
    every = memo_of(items, f"open_complaints:{as_of}", lambda: open_complaints(items, pd.Timestamp(as_of)))
    st.caption(t("feedback.complaints_how", count=len(every)))
    personal = page.can("see_personal")
    complaints = paged(
        every,
        "feedback_complaints",
        search=("customer_id", "name", "text") if personal else (),
        sortable={"date": t("feedback.col_date"), "age_days": t("feedback.col_age")},
    )
    people_table(
        {
            t("feedback.col_date"): complaints["date"],
            t("feedback.col_age"): complaints["age_days"],
            t("column.customer_id"): complaints["customer_id"],
            t("column.name"): complaints["name"],
            t("feedback.col_text"): complaints["text"],
            t("feedback.col_themes"): _themes_texts(complaints["themes"]),
        },
        page,
        ids=t("column.customer_id"),
        personal=(t("column.name"), t("feedback.col_text")),
        hide_index=True,
        column_config={t("feedback.col_date"): st.column_config.DateColumn(format=date_format())},
    )


READ_ITEMS = 50
"""Items shown to read with their matched words in bold, below the table."""
TREND_THEMES = 4
"""Themes followed month by month: the most mentioned in the selection (ten lines tangle)."""


def top_themes(trend: pd.DataFrame, count: int) -> pd.DataFrame:
    """The trend's columns of the ``count`` themes mentioned most in it."""
    return trend[trend.sum().sort_values(ascending=False).index[:count]] if len(trend.columns) else trend


def items_table(page: Page, selected: pd.DataFrame) -> None:
    """The items, a page at a time (newest first), with their language, sentiment, themes and the words that
    placed them there."""
    personal = page.can("see_personal")
    shown = paged(
        memo_of(selected, "newest_first", lambda: selected.sort_values("date", ascending=False, na_position="last")),
        "feedback_items",
        search=("customer_id", "name", "text") if personal else (),
        sortable={
            "date": t("feedback.col_date"),
            "sentiment": t("feedback.col_sentiment"),
            "language": t("feedback.col_language"),
            "kind": t("feedback.col_kind"),
        },
    )
    people_table(
        {
            t("feedback.col_row"): shown["row"],
            t("feedback.col_date"): shown["date"],
            t("column.name"): shown["name"],
            t("feedback.col_kind"): [t(f"feedback_kind.{k}") if isinstance(k, str) else "–" for k in shown["kind"]],
            t("feedback.col_language"): [t(f"language.{lang}") for lang in shown["language"]],
            t("feedback.col_sentiment"): [t(f"sentiment.{s}") for s in shown["sentiment"]],
            t("feedback.col_themes"): _themes_texts(shown["themes"]),
            t("feedback.col_matched"): [", ".join(words) for words in shown["matched"]],
            **({t("feedback.col_question"): shown["question"].fillna("")} if shown["question"].notna().any() else {}),
            t("feedback.col_text"): shown["text"].fillna(""),
            t("plan.col_open"): [profile_link(c) if isinstance(c, str) else None for c in shown["customer_id"]],
        },
        page,
        personal=(t("column.name"), t("feedback.col_text"), t("plan.col_open")),
        hide_index=True,
        column_config={
            t("feedback.col_date"): st.column_config.DateColumn(format=date_format()),
            t("plan.col_open"): st.column_config.LinkColumn(display_text=t("plan.open")),
        },
    )
    if personal and len(shown):
        read = shown[shown["matched"].map(len) > 0].head(READ_ITEMS)
        # Written out when opened: fifty texts with their words in bold are a lot for the browser to draw each visit.
        with st.expander(t("feedback.read_marked", count=len(read)), key="fb_read_open", on_change="rerun") as box:
            if box.open:
                st.markdown(
                    "\n".join(
                        f"- {day(when) if pd.notna(when) else '–'} · {bold_words(text, words)}"
                        for when, text, words in zip(read["date"], read["text"], read["matched"], strict=True)
                    )
                )


def _rerun_with(message: str, change: Callable[[], None]) -> None:
    change()
    flash(message)
    st.rerun()


def _language_name(code: object) -> str:
    return LANGUAGES.get(str(code), str(code))


def dictionary_editor(page: Page, dictionary: ThemeDictionary) -> None:
    """The theme dictionary as a table to edit, save or reset to the shipped one."""
    st.caption(t("feedback.dictionary_help"))
    edited = st.data_editor(
        dictionary.to_frame(),
        placeholder="",  # an empty cell stays empty, not Streamlit's English "None"
        num_rows="dynamic",
        hide_index=True,
        key="fb_dictionary",
        column_config={
            "theme": st.column_config.TextColumn(t("feedback.dict_theme"), required=True),
            "element": st.column_config.SelectboxColumn(
                t("feedback.dict_element"),
                options=list(ELEMENTS),
                required=True,
                format_func=localised(lambda e: t(f"element.{e}")),
            ),
            "language": st.column_config.SelectboxColumn(
                t("feedback.dict_language"),
                options=list(LANGUAGES),
                required=True,
                format_func=_language_name,
            ),
            "words": st.column_config.TextColumn(t("feedback.dict_words"), width="large"),
            "exclude": st.column_config.TextColumn(t("feedback.dict_exclude")),
        },
    )
    left, right = st.columns([1, 4])
    if left.button(t("feedback.dict_save"), type="primary", key="fb_save"):
        _rerun_with(
            t("feedback.dict_saved"), lambda: page.workspace.save_themes(ThemeDictionary.from_frame(edited), page.user)
        )
    if right.button(t("feedback.dict_reset"), key="fb_reset"):
        st.session_state.pop("fb_dictionary", None)
        _rerun_with(t("feedback.dict_reset_done"), lambda: page.workspace.save_themes(default_dictionary(), page.user))


def suggested_themes(page: Page, dictionary: ThemeDictionary) -> None:
    """New themes found in the feedback no theme matched, each with examples and a button to add it."""
    st.caption(t("feedback.suggestions_help"))
    suggestions = theme_suggestions(page, dictionary)
    if suggestions is None:
        st.info(t("feedback.suggestions_pending"))
        return
    if not suggestions:
        st.info(t("feedback.no_suggestions"))
    for number, suggestion in enumerate(suggestions[:8]):
        with st.container(border=True):
            st.markdown(
                f"**{t(f'language.{suggestion.language}')}** · "
                + t("feedback.suggestion_items", items=suggestion.items)
            )
            st.text(", ".join(suggestion.words))
            for example in suggestion.examples:
                st.text(f"“{example}”")
            name_col, element_col, add_col = st.columns([2, 2, 1])
            name = name_col.text_input(t("feedback.new_theme"), value=suggestion.words[0], key=f"fb_new_{number}")
            element = element_col.selectbox(
                t("feedback.dict_element"),
                list(ELEMENTS),
                format_func=localised(lambda e: t(f"element.{e}")),
                key=f"fb_element_{number}",
            )
            if add_col.button(t("feedback.add_theme"), key=f"fb_add_{number}"):
                added = dictionary.with_theme(name, element, suggestion.language, suggestion.words[:4])
                _rerun_with(
                    t("feedback.theme_added", theme=theme_key(name)),
                    partial(page.workspace.save_themes, added, page.user),
                )
