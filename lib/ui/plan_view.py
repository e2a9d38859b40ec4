"""The Contact plan page's pieces: filters, counts, what worked, the due list, the call list, done and snooze."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from lib.analysis.contact_plan import RULES, filter_plan, plan_counts, plan_reasons, week_after
from lib.analysis.effectiveness import action_effectiveness
from lib.exports.contacts import ContactList, call_list
from lib.messages import Message, plan_messages
from lib.reading.register import Register
from lib.schema import CHANNELS, CLASSES, MIME_TYPES
from lib.service.outreach import contact_changes, log_contact_export
from lib.settings import Settings
from lib.ui.actions import people_table, personal_download, save_edits
from lib.ui.customers import profile_link
from lib.ui.format import date_format, day, language, localised, num, t
from lib.ui.loaders import Page, Prepared, frame_key, kept, prepare_in_background, prepared
from lib.ui.page import flash
from lib.ui.paged import paged

SNOOZE_DAYS = 7
DONE_OUTCOMES = ("reached", "interested", "bought", "not_interested", "no_answer")
"""What a contact marked done brought, one button each."""
EFFECT_DAYS = 30  # a purchase this soon after an action counts as its result


NO_FILTER = json.dumps([[], []])
"""`plan_filters`' choice when nothing is chosen: every rule, every channel."""


def plan_filters(plan: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The rules and channels the marketer looks at, with how many contacts that leaves; and the choice."""
    left, middle, right = st.columns(3)
    rules = left.multiselect(
        t("plan.rules"),
        list(RULES),
        format_func=localised(lambda r: t(f"plan.rule.{r}")),
        placeholder=t("filter.all"),
        key="plan_rules",
    )
    channels = middle.multiselect(
        t("plan.channels"),
        [*CHANNELS, "none"],
        format_func=localised(lambda c: t(f"plan.channel.{c}")),
        placeholder=t("filter.all"),
        key="plan_channels",
    )
    plan = filter_plan(plan, rules, channels)
    reachable = int(plan["channel"].notna().sum())  # who cannot be contacted is listed apart, not counted here
    right.metric(t("plan.due"), num(reachable), help=t("plan.due_help", people=reachable))
    return plan, json.dumps([rules, channels])


def plan_count_table(plan: pd.DataFrame) -> None:
    """Due contacts by rule and channel."""
    counts = plan_counts(plan)
    counts.index = [t(f"plan.rule.{r}") for r in counts.index]
    counts.columns = [t(f"plan.channel.{c}") for c in counts.columns]
    st.dataframe(counts.loc[counts.sum(axis=1) > 0], width="stretch", placeholder="")
    st.caption(t("plan.counts_how"))


def what_worked(page: Page, register: Register, view: pd.DataFrame, analysed: str) -> None:
    """Response and purchase rates after actions, by kind, campaign or class (worked out once per register
    version, ``analysed``: the day and settings of ``view``, and grouping)."""
    st.caption(t("plan.effect_help", days=EFFECT_DAYS))
    by = (
        st.segmented_control(
            t("plan.effect_by"),
            ["kind", "campaign", "class"],
            default="kind",
            key="plan_effect_by",
            format_func=localised(lambda b: t(f"plan.effect_{b}")),
        )
        or "kind"
    )
    effect = kept(
        page,
        "action_effectiveness",
        f"{analysed}|{by}",
        lambda: action_effectiveness(
            register.actions,
            register.purchases,
            view.set_index("customer_id")["relationship"].astype("string"),
            by,
            EFFECT_DAYS,
        ),
    ).copy()
    if by == "class":
        effect[by] = [t(f"class.{c}") if c in CLASSES else c for c in effect[by]]
    st.dataframe(
        effect.rename(
            columns={
                by: t(f"plan.effect_{by}"),
                "actions": t("plan.effect_actions"),
                "response_rate": t("plan.effect_response"),
                "purchase_rate": t("plan.effect_purchase", days=EFFECT_DAYS),
            },
        ),
        hide_index=True,
        column_config={
            t("plan.effect_response"): st.column_config.NumberColumn(format="percent"),
            t("plan.effect_purchase", days=EFFECT_DAYS): st.column_config.NumberColumn(format="percent"),
        },
        placeholder="",
    )


def plan_texts(page: Page, plan: pd.DataFrame) -> tuple[pd.Series, list[Message]]:
    """Each row's reason and the message to send, in the customer's language where the register gives it
    (worked out once per register version, language, templates and rows)."""
    assert page.current is not None
    current = page.current
    settings, templates, lang = page.workspace.settings(), page.workspace.messages(), language()

    def texts() -> tuple[pd.Series, list[Message]]:
        reasons = plan_reasons(plan, lang, settings.currency)
        return reasons, plan_messages(plan, current.register.customers, reasons, templates, lang)

    key = f"{lang}|{settings.currency}|{templates.to_json()}|{frame_key(plan)}"
    return kept(page, "plan_texts", key, texts)


def _rules_text(also: object) -> str:
    return ", ".join(t(f"plan.rule.{rule}") for rule in str(also or "").split(",") if rule)


def table_key(customers: pd.Series) -> str:
    """The due table's widget key: the customers it lists, in order (another list is another table)."""
    listed = "\n".join(str(customer) for customer in customers)
    return f"plan_table_{hashlib.sha256(listed.encode()).hexdigest()[:16]}"


def due_table(page: Page, plan: pd.DataFrame) -> pd.DataFrame:
    """The first 500 due contacts with their reason and message; returns the rows ticked.

    A tick belongs to a customer, not to a row position: the table's key names the contacts it
    shows (`table_key`), so when they change (a contact done, a filter, another day) the ticks go
    with them instead of moving on to whoever now sits in that row.
    """
    shown = plan.head(500).reset_index(drop=True)
    reasons, messages = plan_texts(page, shown)
    late = shown["fell_due"] < shown["due"]
    selection = people_table(
        pd.DataFrame(
            {
                t("plan.col_due"): shown["due"],
                t("plan.col_fell_due"): shown["fell_due"].where(late),
                t("column.customer_id"): shown["customer_id"],
                t("column.name"): shown["name"],
                t("plan.col_rule"): [t(f"plan.rule.{r}") for r in shown["rule"]],
                t("plan.col_reason"): reasons,
                t("plan.col_also"): [_rules_text(also) for also in shown["also"]],
                t("plan.col_channel"): [
                    t(f"plan.channel.{c}") if isinstance(c, str) else t("plan.channel.none") for c in shown["channel"]
                ],
                t("plan.col_open"): [profile_link(c) for c in shown["customer_id"]],
                t("plan.col_subject"): [message.subject for message in messages],
                t("plan.col_message"): [message.text for message in messages],
            }
        ).to_dict("series"),
        page,
        ids=t("column.customer_id"),
        personal=(t("column.name"), t("plan.col_open"), t("plan.col_subject"), t("plan.col_message")),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key=table_key(shown["customer_id"]),
        column_config={
            t("plan.col_due"): st.column_config.DateColumn(format=date_format()),
            t("plan.col_fell_due"): st.column_config.DateColumn(format=date_format()),
            t("plan.col_open"): st.column_config.LinkColumn(display_text=t("plan.open")),
        },
    )
    st.caption(t("plan.shown", shown=len(shown), total=len(plan)))
    if not page.can("edit"):  # a viewer's table offers no ticking
        return shown.iloc[0:0]
    rows = selection.selection.rows if selection else []
    return shown.iloc[list(rows)] if rows else shown.iloc[0:0]


def no_consent_list(page: Page, unreachable: pd.DataFrame) -> None:
    """The customers a rule finds but who allow none of its channels: not to-dos, but worth knowing."""
    if unreachable.empty:
        return
    with st.expander(t("plan.no_consent", count=len(unreachable))):
        st.caption(t("plan.no_consent_help"))
        personal = page.can("see_personal")
        rules = {rule: t(f"plan.rule.{rule}") for rule in unreachable["rule"].unique()}
        shown = paged(
            unreachable,
            "plan_no_consent",
            search=("customer_id", "name") if personal else (),
            sortable={"rule": t("plan.col_rule"), **({"name": t("column.name")} if personal else {})},
        )
        people_table(
            {
                t("column.customer_id"): shown["customer_id"],
                t("column.name"): shown["name"],
                t("plan.col_rule"): shown["rule"].map(rules),
                t("plan.col_open"): [profile_link(c) for c in shown["customer_id"]],
            },
            page,
            ids=t("column.customer_id"),
            personal=(t("column.name"), t("plan.col_open")),
            hide_index=True,
            column_config={t("plan.col_open"): st.column_config.LinkColumn(display_text=t("plan.open"))},
        )


def day_load(plan: pd.DataFrame, capacity: int, beyond: int = 0) -> None:
    """Contacts per day of the period, against the daily capacity when one is set, and how many no day could hold."""
    per_day = plan.groupby(plan["due"].dt.date).size()
    if per_day.empty:
        return
    text = ", ".join(f"{day(pd.Timestamp(when))}: {num(count)}" for when, count in per_day.items())
    if capacity:
        st.caption(t("plan.capacity", capacity=capacity, days=text))
        if beyond:
            st.caption(t("plan.beyond_capacity", count=beyond))
    else:
        st.caption(t("plan.per_day", days=text))


CALL_LIST_WAIT = 0.3
"""Seconds the Plan page waits for its call list before showing itself with the list still being prepared."""


def call_list_download(page: Page, plan: pd.DataFrame, start: date, which: str) -> None:
    """The plan's phone contacts as a call list (consent-checked, logged when taken), prepared in the
    background: at 100,000 customers checking thousands of numbers takes seconds the page need not wait.
    ``which`` names the plan's rows (`plan_key`)."""
    calls = prepared_call_list(page, lambda: plan, start, which)
    ready = calls.ready(CALL_LIST_WAIT)
    st.fragment(_call_list_button, run_every=None if ready else 1.0)(page, calls, start, waiting=not ready)


def plan_key(as_of: date, settings: Settings, start: date, end: date, chosen: str = NO_FILTER) -> str:
    """What names a plan's rows: the day analysed, the settings, the period and the rules and channels chosen."""
    return f"{as_of}|{settings.to_json()}|{start}|{end}|{chosen}"


def prepared_call_list(page: Page, plan: Callable[[], pd.DataFrame], start: date, which: str) -> Prepared[ContactList]:
    """The call list of the plan's rows ``plan()`` gives (named by ``which``), worked out in the background once
    per register version, rows, language and message wording."""
    assert page.current is not None
    current, settings = page.current, page.workspace.settings()
    templates, lang = page.workspace.messages(), language()

    def listed() -> ContactList:
        rows = plan()
        phoned = rows[rows["channel"] == "phone"]
        reasons = plan_reasons(phoned, lang, settings.currency)
        messages = plan_messages(phoned, current.register.customers, reasons, templates, lang)
        said = pd.Series([f"{m.subject}: {m.text}" for m in messages], index=phoned.index, dtype="string")
        return call_list(
            current.register.customers, phoned, reasons, start, suppressed=current.suppressed, messages=said
        )

    return prepared(page, "call_list", f"{which}|{lang}|{settings.currency}|{templates.to_json()}", listed)


def prepare_plan_in_background(page: Page, as_of: date) -> None:
    """Start working out the customers as of ``as_of``, the week's contact plan and its call list, so the
    analysis pages and the Plan page find them done when they are first opened."""
    settings, end = page.workspace.settings(), week_after(as_of)
    planned = prepare_in_background(page, as_of, settings, end)
    prepared_call_list(page, planned.result, as_of, plan_key(as_of, settings, as_of, end))


def _call_list_button(page: Page, prepared_calls: Prepared[ContactList], start: date, waiting: bool) -> None:
    """The call list's download button, or, while the list is being prepared, a note (the part of the page
    that looks again every second until it is there, then runs the page again to stop looking)."""
    if not prepared_calls.ready():
        st.button(t("plan.call_list_preparing"), disabled=True, key="plan_call_list_waiting")
        return
    if waiting:
        st.rerun()  # a whole run: the button drawn without the every-second look that a fragment's run keeps
    calls = prepared_calls.result()
    ids = list(calls.rows["customer_id"])
    st.download_button(
        t("plan.call_list", count=len(calls.rows)),
        data=(write := personal_download(page, calls, "excel-csv")) or b"",
        file_name=f"call-list-{start:%Y%m%d}.csv",
        mime=MIME_TYPES["csv"],
        disabled=calls.rows.empty or write is None,
        on_click=lambda: log_contact_export(page.workspace, page.user, calls, "call-list", ids, t("plan.title")),
        key="plan_call_list",
    )


def done_or_snoozed(page: Page, chosen: pd.DataFrame, as_of: date) -> None:
    """Mark the ticked contacts done with what came of them (one click per outcome), or snooze them.

    A plan contact becomes an action in the register; a contact planned in the register gets its
    done day and outcome (or, snoozed, a later planned day) on its own row.
    """
    st.caption(t("plan.done_how", count=len(chosen)))
    columns = st.columns(len(DONE_OUTCOMES) + 1)
    clicked = None
    for column, outcome in zip(columns, DONE_OUTCOMES, strict=False):
        if column.button(
            t(f"plan.done_{outcome}"),
            disabled=chosen.empty,
            type="primary",
            key=f"plan_done_{outcome}",
            width="stretch",
        ):
            clicked = outcome
    snooze = columns[-1].button(
        t("plan.snooze", count=len(chosen), days=SNOOZE_DAYS), disabled=chosen.empty, key="plan_snooze", width="stretch"
    )
    if not (clicked or snooze):
        return
    assert page.current is not None
    changes = contact_changes(page.current.register, chosen, as_of, clicked, SNOOZE_DAYS if snooze else 0, language())
    review = save_edits(page, changes)
    if review is None:
        st.stop()
    flash(t("plan.logged" if clicked else "plan.snoozed", count=len(chosen)))
    st.rerun()
