"""Texts, numbers, amounts, days and charts in the session's language (chosen in the sidebar, at
first the browser's).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from lib import i18n
from lib.schema import LANGUAGES
from lib.ui.charts import plain_figure

_FORMATTING_IN: ContextVar[str | None] = ContextVar("formatting_in", default=None)
"""The language a widget's options are being labelled in (see `localised`)."""


def language() -> str:
    """The UI language of this session: chosen in the sidebar, at first the browser's when we speak it."""
    if formatting := _FORMATTING_IN.get():
        return formatting
    chosen = st.session_state.get("language")
    if chosen not in LANGUAGES:
        chosen = i18n.language_for(st.context.locale)
        st.session_state["language"] = chosen
    return chosen


def _language_picker() -> None:
    """The sidebar's language choice, remembered for the session (shown once there is more than English)."""
    languages = i18n.available_languages()
    if len(languages) < 2:
        return

    def remember() -> None:
        st.session_state["language"] = st.session_state["_language_widget"]

    st.selectbox(
        t("sidebar.language"),
        languages,
        index=languages.index(language()),
        key="_language_widget",
        format_func=lambda code: LANGUAGES[code],
        on_change=remember,
    )


def localised(format_func: Callable[[Any], str]) -> Callable[[Any], str]:
    """A widget's ``format_func`` that labels options in this run's language, whenever it is called.

    Streamlit keeps the function and may call it again outside the page's run (AppTest does),
    where the session, and so the chosen language, cannot be read.
    """
    lang = language()

    def label(option: Any) -> str:
        token = _FORMATTING_IN.set(lang)
        try:
            return format_func(option)
        finally:
            _FORMATTING_IN.reset(token)

    return label


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$:!])")
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto|www|@)")
_JOINER = "\u2060"
"""An invisible word joiner: put after ``http``, ``www`` or ``@`` it stops Markdown from making a link of an
address (which no escape does), and the text still reads the same."""


def plain(text: object) -> str:
    """Text from a workbook or a person, made safe for an element that renders Markdown (captions, labels,
    messages, expanders, tables): every sign Markdown would act on is escaped and addresses are kept from
    becoming links, so ``![x](http://host/p.png)`` shows as those characters and never fetches or links."""
    return _MARKDOWN.sub(r"\\\1", _AUTOLINK.sub(rf"\1{_JOINER}", str(text)))


def bold_words(text: object, words: Sequence[str]) -> str:
    """Text from a person, `plain`, with each of ``words`` in bold: a highlight every font shows.

    One pass over the text, longest words first, so a phrase and a word inside it are bolded once; the
    text's line breaks become spaces, so it stays one line of a list.
    """
    raw = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    out = plain(" ".join(raw.split()))  # one line: a line break in the text cannot start a list or a heading
    found = sorted({plain(w) for w in words if w}, key=len, reverse=True)
    if not found:
        return out
    pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, found)) + r")(?!\w)", flags=re.IGNORECASE)
    return pattern.sub(r"**\1**", out)


def t(key: str, /, **params: Any) -> str:
    """Translate a UI text into the session's language, its text values made `plain` (they may come from a
    workbook: a file, sheet, header or customer id). For `st.text` and table cells use `t_text`."""
    return i18n.t(key, language(), **{name: plain(v) if isinstance(v, str) else v for name, v in params.items()})


def t_text(key: str, /, **params: Any) -> str:
    """Translate a UI text for an element that shows text as it is (`st.text`, a table cell)."""
    return i18n.t(key, language(), **params)


def chart(figure: Any, key: str, ready: bool = False) -> None:
    """Show a plotly chart with the numbers written the session's language's way (``ready``: made so by
    `finished` already, as a chart kept for a return visit is; it is not changed again)."""
    st.plotly_chart(figure if ready else finished(figure), key=key)


def finished(figure: Any) -> Any:
    """A plotly chart with its numbers written the session's language's way and its labels as plain text."""
    figure.update_layout(separators=i18n.chart_separators(language()))
    # Whole numbers on the axes, grouped the language's way: "63 609", never "63.609k" or "50k".
    figure.update_xaxes(exponentformat="none", separatethousands=True)
    figure.update_yaxes(exponentformat="none", separatethousands=True)
    return plain_figure(figure)


def num(value: float | int, decimals: int = 0) -> str:
    """A number as the session's language writes it (``1 234,5`` in Estonian, ``1,234.5`` in English)."""
    return i18n.number(value, language(), decimals)


def percent(share: float, decimals: int = 0) -> str:
    """A share as the session's language writes a percentage (``83%``, ``83 %``)."""
    return i18n.percent(share, language(), decimals)


def amount(value: float | int, currency: str = "EUR") -> str:
    """An amount in the register's currency as the session's language writes it (``1 234,50 €``)."""
    return i18n.money(value, language(), currency)


def date_format() -> str:
    """The date pickers' and date columns' format in the session's language (``DD.MM.YYYY`` in Estonian)."""
    return i18n.DATE_INPUT_FORMATS.get(language(), i18n.DATE_INPUT_FORMATS[i18n.DEFAULT_LANGUAGE])


def day(value: date | pd.Timestamp) -> str:
    """A day as the session's language writes it (``23.11.2026`` in Estonian, ``2026-11-23`` in Lithuanian)."""
    return i18n.day(value, language())
