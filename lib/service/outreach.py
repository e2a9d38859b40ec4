"""Who to contact and the lists to do it with: one set of rules for the app, the command line and a cron job.

Every door analyses with the workspace's settings and its suppression list, builds contact lists
through the same consent checks, and logs every list it hands out. A door never calls the
analysis or the list writers directly for these; it calls here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd

from lib import i18n
from lib.analysis.contact_plan import contact_plan, plan_action
from lib.analysis.ladder import reason_texts
from lib.analysis.lifecycle import analyse_customers
from lib.exports.contacts import ContactList, contacts_for, export
from lib.reading.outcomes import opted_out_by_outcome, outcome_label
from lib.reading.register import Register
from lib.schema import KEY_COL
from lib.settings import Settings
from lib.workspace.access import LOCAL_USER, Actor
from lib.workspace.edits import Change, new_row, text_of
from lib.workspace.repository import Workspace
from lib.workspace.suppression import consent_history_of


def analyse(
    register: Register, as_of: date, settings: Settings, suppressed: frozenset[str] = frozenset()
) -> pd.DataFrame:
    """Facts, class, RFM, tier, temperature and stage per customer on the day; the suppressed have no consent."""
    return analyse_customers(register, as_of, settings, suppressed)


def due_contacts(
    register: Register, view: pd.DataFrame, start: date, settings: Settings, until: date | None = None
) -> pd.DataFrame:
    """The contact plan from ``start`` to ``until``: rule, due day, permitted channel and reason per contact."""
    return contact_plan(view, start, settings, until=until or start, actions=register.actions)


CUSTOMER_ANSWERS = (
    "customer_id",
    "class",
    "class_reason",
    "stage",
    "temperature",
    "value_tier",
    "rfm_group",
    "last_purchase",
    "next_contact",
    "next_rule",
)


def customer_answers(
    register: Register, view: pd.DataFrame, as_of: date, settings: Settings, lang: str = i18n.DEFAULT_LANGUAGE
) -> pd.DataFrame:
    """One row per customer with the answers the pages give: class and its reason in words, stage,
    temperature, value tier, RFM group, last purchase, and the next contact due within a year and its rule."""
    plan = contact_plan(view, as_of, settings, until=as_of + timedelta(days=365), actions=register.actions)
    following = plan.drop_duplicates("customer_id").set_index("customer_id")  # the plan is in due order
    ids = view["customer_id"]

    def day_of(values: pd.Series) -> list[str | None]:
        return [value.date().isoformat() if pd.notna(value) else None for value in values]

    return pd.DataFrame(
        {
            "customer_id": ids,
            "class": view["relationship"].astype("string"),
            "class_reason": reason_texts(view, settings, lang).to_numpy(),
            "stage": view["stage"].astype("string"),
            "temperature": view["temperature"].astype("string"),
            "value_tier": view["value_tier"].astype("string"),
            "rfm_group": view["rfm_group"].astype("string"),
            "last_purchase": day_of(view["last_purchase"]),
            "next_contact": day_of(ids.map(following["due"])),
            "next_rule": ids.map(following["rule"]).astype("string"),
        }
    )[list(CUSTOMER_ANSWERS)]


def contact_changes(
    register: Register,
    chosen: pd.DataFrame,
    day: date,
    outcome: str | None,
    snooze_days: int = 0,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> list[Change]:
    """The register changes that record plan contacts done (with their outcome) or snoozed.

    A contact the plan found becomes a new action; one planned in the register's actions gets its
    done day and outcome, or a later planned day, on its own row (so it is not planned twice).
    The outcome is written in the user's language, as a person would write it in the register.
    """
    actions = register.actions.set_index(register.actions[KEY_COL].astype("string"))
    written = outcome_label(outcome, lang) if outcome else None
    changes: list[Change] = []
    for row in chosen.itertuples(index=False):
        channel = row.channel if isinstance(row.channel, str) else None
        key = getattr(row, "action_key", None)
        if row.rule == "planned_action" and isinstance(key, str) and key in actions.index:
            if snooze_days:
                values: dict[str, object] = {"planned": day + timedelta(days=snooze_days)}
            else:
                values = {"done": day, "outcome": written}
            for name, new in values.items():
                old = text_of(actions.at[key, name])
                if text_of(new) != old:
                    changes.append(
                        {"op": "set", "sheet": "actions", "key": key, "field": name, "old": old, "new": text_of(new)}
                    )
            continue
        also = str(getattr(row, "also", "") or "")
        changes += new_row(
            "actions",
            plan_action(str(row.customer_id), str(row.rule), channel, day, snooze_days, written, also, lang),
        )
    return changes


def contact_list(
    register: Register,
    view: pd.DataFrame,
    channel: str,
    as_of: date,
    settings: Settings,
    *,
    selection: Iterable[str] | None,
    suppressed: Iterable[str],
    with_birthday: bool = False,
) -> ContactList:
    """The consent-safe list of a selection for a channel, and who was left out and why."""
    # A contact's outcome saying they unsubscribed is an opt-out, even in a file the workspace never kept.
    said_no = opted_out_by_outcome(register.actions, pd.Timestamp(as_of))
    return contacts_for(
        register.customers,
        view,
        channel,
        as_of,
        selection=selection,
        suppressed=[*suppressed, *said_no],
        settings=settings,
        with_birthday=with_birthday,
    )


def contact_file(
    contacts: ContactList,
    fmt: str,
    user: Actor = LOCAL_USER,
    *,
    lang: str = i18n.DEFAULT_LANGUAGE,
    delimiter: str = ";",
    headers: dict[str, str] | None = None,
) -> bytes:
    """The list as a file for someone allowed to take personal data out (NotAllowed otherwise)."""
    return export(contacts, fmt, headers, delimiter, user=user, lang=lang)


def consent_record(workspace: Workspace, register: Register, customer_id: str) -> pd.DataFrame:
    """A customer's consents given and withdrawn in the app, oldest first: when, who, channel, given, source.

    Consent never changed in the app stands as the register upload recorded it (its date, file and who).
    """
    return consent_history_of(workspace, register.customers, customer_id)


def log_contact_export(
    workspace: Workspace, user: Actor, contacts: ContactList, fmt: str, selected: Iterable[str], note: str
) -> None:
    """Log a list handed out: who, when, channel and format, the selection, the people on it as pseudonyms."""
    left_out = set(contacts.left_out["customer_id"])
    kept = [customer for customer in selected if customer not in left_out]
    workspace.log_export(user, f"{contacts.channel}/{fmt}", note, kept)
