"""Who to contact and the lists to do it with: one set of rules for the app, the command line and a cron job.

Every door analyses with the workspace's settings and its suppression list, builds contact lists
through the same consent checks, and logs every list it hands out. A door never calls the
analysis or the list writers directly for these; it calls here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pandas as pd

from lib import i18n
from lib.analysis.contact_plan import contact_plan
from lib.analysis.lifecycle import analyse_customers
from lib.exports.contacts import ContactList, contacts_for, export
from lib.reading.register import Register
from lib.settings import Settings
from lib.workspace.access import LOCAL_USER, Actor
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
    return contacts_for(
        register.customers,
        view,
        channel,
        as_of,
        selection=selection,
        suppressed=suppressed,
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
