"""Settings: the thresholds behind the ladder, the lifecycle and the reward tiers, the plan's messages
and the elements of satisfaction the feedback themes belong to.

For whoever owns the analysis: every rule DOMAIN knowledge leaves open is a number here,
with a line saying what it does. A saved change applies to every page and every user of
the workspace at once.
"""

import streamlit as st

from lib.service.registers import confirm_held_settings
from lib.settings import CURRENCIES, DEFAULTS, SETTING_GROUPS, SPECS
from lib.ui import flash, setup_page, t, t_text
from lib.ui.settings_view import element_editor, message_editor, scale_inputs

page = setup_page("settings.title")
st.title(t("settings.title"))
st.caption(t("settings.intro"))
current = page.workspace.settings()

with st.form("settings"):
    chosen: dict[str, float | str] = {}
    for group in SETTING_GROUPS:
        st.subheader(t(f"settings.group.{group}"))
        for spec in (s for s in SPECS.values() if s.group == group):
            whole = isinstance(getattr(DEFAULTS, spec.name), int)
            value = getattr(current, spec.name)
            if spec.unit == "currency":
                chosen[spec.name] = st.selectbox(
                    t(f"setting.{spec.name}"), CURRENCIES, index=CURRENCIES.index(value), key=f"setting_{spec.name}"
                )
                st.caption(t(f"setting.{spec.name}.help", default=getattr(DEFAULTS, spec.name)))
                continue
            if spec.unit == "scales":
                chosen[spec.name] = scale_inputs(page, value)
                continue
            if spec.unit == "countries":
                chosen[spec.name] = st.text_input(t(f"setting.{spec.name}"), value=value, key=f"setting_{spec.name}")
                st.caption(t(f"setting.{spec.name}.help", default=getattr(DEFAULTS, spec.name)))
                continue
            chosen[spec.name] = st.number_input(
                f"{t(f'setting.{spec.name}')} ({t(f'unit.{spec.unit}')})",
                min_value=int(spec.minimum) if whole else float(spec.minimum),
                max_value=int(spec.maximum) if whole else float(spec.maximum),
                value=value,
                step=int(spec.step) if whole else float(spec.step),
                key=f"setting_{spec.name}",
            )
            st.caption(t(f"setting.{spec.name}.help", default=getattr(DEFAULTS, spec.name)))
    save = st.form_submit_button(t("settings.save"), type="primary", disabled=not page.can("settings"))

if not page.can("settings"):
    st.info(t("access.not_allowed.settings"))
    st.stop()
carried = page.workspace.carried_settings()
held = (carried.get("held") or {}) if page.current and carried.get("upload") == page.current.upload.id else {}
if held:
    st.warning(t("settings.held", values="; ".join(f"{t_text(f'setting.{n}')}: {v}" for n, v in held.items())))
    if st.button(t("settings.held_apply"), key="settings_held_apply"):
        confirm_held_settings(page.workspace, page.user)
        flash(t("settings.held_applied"))
        st.rerun()
if save:
    updated = current.updated(chosen)
    page.workspace.save_settings(updated, page.user)
    flash(t("settings.saved"))
    st.rerun()
if current != DEFAULTS and st.button(t("settings.reset")):
    page.workspace.save_settings(DEFAULTS, page.user)
    for key in [key for key in st.session_state if str(key).startswith("setting_")]:
        st.session_state.pop(key, None)
    flash(t("settings.reset_done"))
    st.rerun()

st.divider()
message_editor(page)
st.divider()
element_editor(page)
