"""The Settings page's editors beyond the thresholds: the plan's messages and the elements of satisfaction."""

from __future__ import annotations

import streamlit as st

from lib.analysis.contact_plan import RULES
from lib.analysis.feedback import question_scales
from lib.schema import LANGUAGES, RATING_SCALES
from lib.settings import scale_map, scales_text
from lib.themes import ELEMENTS
from lib.ui.feedback_view import theme_label
from lib.ui.format import language, localised, t
from lib.ui.loaders import Page
from lib.ui.page import flash


def scale_inputs(page: Page, value: str) -> str:
    """The rating scale of each question in the register (a feedback sheet's rating column): as read from
    its answers, or corrected here. Returns the corrections as the setting's text."""
    st.markdown(f"**{t('setting.rating_scales')}**")
    st.caption(t("setting.rating_scales.help"))
    register = page.current.register if page.current else None
    detected = question_scales(register.feedback) if register is not None else {}
    if not detected:
        st.caption(t("settings.no_ratings"))
        return value
    corrected = scale_map(value)
    choices: list[str] = ["auto", *RATING_SCALES]
    for question, found in detected.items():

        def label(choice: str, found: str = found) -> str:
            return (
                t("settings.scale_auto", scale=found.replace("-", "–"))
                if choice == "auto"
                else choice.replace("-", "–")
            )

        picked: str | None = st.selectbox(
            t("settings.scale_of", question=question),
            choices,
            index=choices.index(corrected.get(question, "auto")),
            format_func=localised(label),
            key=f"setting_scale_{question}",
        )
        corrected.pop(question, None)
        if picked and picked != "auto":
            corrected[question] = picked
    return scales_text(corrected)


def message_editor(page: Page) -> None:
    """Each plan rule's message (subject, text, offer) per language, with a preview for a made-up customer."""
    st.subheader(t("settings.messages"))
    st.caption(t("settings.messages_help"))
    templates = page.workspace.messages()
    left, right = st.columns(2)
    rule = left.selectbox(
        t("plan.col_rule"), RULES, format_func=localised(lambda r: t(f"plan.rule.{r}")), key="message_rule"
    )
    codes = list(LANGUAGES)
    lang = right.selectbox(
        t("settings.message_language"),
        codes,
        index=codes.index(language()) if language() in codes else 0,
        format_func=lambda code: LANGUAGES[code],
        key="message_language",
    )
    current = templates.template(rule, lang)
    with st.form(f"message_{rule}_{lang}"):
        wording = {
            "subject": st.text_input(t("settings.message_subject"), value=current["subject"]),
            "text": st.text_area(t("settings.message_text"), value=current["text"]),
            "offer": st.text_input(t("settings.message_offer"), value=current["offer"]),
        }
        save = st.form_submit_button(t("settings.message_save"), disabled=not page.can("settings"))
    example = templates.with_template(rule, lang, wording).render(
        rule, lang, t("settings.message_example_name"), t("settings.message_example_name"), t(f"plan.rule.{rule}")
    )
    st.caption(t("settings.message_preview"))
    st.text(f"{example.subject}\n\n{example.text}")  # the business's own words: plain text
    if save:
        page.workspace.save_messages(templates.with_template(rule, lang, wording), page.user)
        flash(t("settings.message_saved"))
        st.rerun()


def element_editor(page: Page) -> None:
    """Which element of satisfaction each feedback theme belongs to (product, peripheral, environment, psychological)."""
    st.subheader(t("settings.elements"))
    st.caption(t("settings.elements_help"))
    dictionary = page.workspace.themes()
    chosen: dict[str, str] = {}
    with st.form("theme_elements"):
        columns = st.columns(2)
        for number, key in enumerate(dictionary.theme_keys()):
            chosen[key] = columns[number % 2].selectbox(
                theme_label(key),
                ELEMENTS,
                index=ELEMENTS.index(dictionary.element_of(key)) if dictionary.element_of(key) in ELEMENTS else 0,
                format_func=localised(lambda e: t(f"element.{e}")),
                key=f"element_{key}",
            )
        save = st.form_submit_button(t("settings.elements_save"), disabled=not page.can("settings"))
    if save:
        page.workspace.save_themes(dictionary.with_elements(chosen), page.user)
        flash(t("settings.elements_saved"))
        st.rerun()
