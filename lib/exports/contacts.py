"""Contact lists that never contain someone who said no: by selection and channel, in the format needed.

Consent is per channel. Opted-out people and people on the suppression list (erased, or
opted out in an earlier upload) never appear. Where consent was not recorded, only the
existing-customer exception of the Baltic states and Finland may let an existing customer
receive e-mail or text messages (a setting); Poland requires prior consent for e-mail and
phone. Every list says who was left out and why. Only the columns the channel needs are
written (a birthday list carries day and month, never the year), e-mails are normalised and
deduplicated, phones written in international form, and text that a spreadsheet would run
as a formula is written as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from lib import i18n
from lib.frames import among, each_distinct
from lib.reading.values import invalid_emails
from lib.reading.wishes import wants_no_contact
from lib.schema import CHANNELS
from lib.settings import Settings, country_list
from lib.workspace.access import LOCAL_USER, Actor, require

FORMATS = ("excel-csv", "csv", "mailchimp", "hubspot", "xlsx", "vcard")
REASONS = (
    "not_selected",
    "opted_out",
    "suppressed",
    "no_consent",
    "country_rule",
    "no_contact",
    "invalid_email",
    "invalid_phone",
    "duplicate",
)
"""Why a selected person is not on a list, in the order checks are made."""
EXISTING_CUSTOMER_COUNTRIES = frozenset({"EE", "LV", "LT", "FI"})
"""Where an existing customer may get e-mail or texts about similar products without prior consent
(unless they objected) — applied only when the setting allows it; the countries are a setting."""
PRIOR_CONSENT_COUNTRIES = frozenset({"PL"})
"""Where e-mail and phone marketing always needs prior consent (a setting)."""
COLUMNS = {
    "email": ("email", "first_name", "last_name", "language"),
    "sms": ("phone", "first_name", "language"),
    "phone": ("phone", "name", "language"),
    "post": ("name", "address", "postal_code", "city", "country"),
}
"""The columns each channel needs, and no more."""
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")
_PHONE = re.compile(r"^\+\d{6,15}$")
_LINE_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_COUNTRY_CODES = {
    "estonia": "EE",
    "eesti": "EE",
    "finland": "FI",
    "suomi": "FI",
    "lithuania": "LT",
    "lietuva": "LT",
    "latvia": "LV",
    "latvija": "LV",
    "poland": "PL",
    "polska": "PL",
}


@dataclass(frozen=True)
class ContactList:
    """The people on a list (only the channel's columns) and everyone selected who was left out, with why."""

    channel: str
    rows: pd.DataFrame
    left_out: pd.DataFrame
    """customer_id and reason, one row per person left out."""

    def left_out_counts(self) -> dict[str, int]:
        counts = self.left_out["reason"].value_counts()
        return {reason: int(counts[reason]) for reason in REASONS if counts.get(reason, 0)}


def country_code(value: object) -> str | None:
    """A country column's value as a two-letter code (``EE``, ``Estonia``, ``Eesti`` → EE)."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    return text.upper() if len(text) == 2 else _COUNTRY_CODES.get(text.lower())


@lru_cache(maxsize=400_000)
def international_phone(value: object, country: str | None) -> str | None:
    """A phone number in international form (+37251234567), or None when it is not a valid number (kept per
    number: a register's numbers are parsed once, not again for every list)."""
    import phonenumbers  # its metadata loads on first use: only phone lists pay for it

    if not isinstance(value, str) or not value.strip():
        return None
    try:
        number = phonenumbers.parse(value, country or "EE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def contact_list(
    customers: pd.DataFrame,
    channel: str,
    as_of: date,
    *,
    bought: Iterable[str] = (),
    suppressed: Iterable[str] = (),
    selection: Iterable[str] | None = None,
    existing_customer_exception: bool = False,
    with_birthday: bool = False,
    exception_countries: Iterable[str] = EXISTING_CUSTOMER_COUNTRIES,
    prior_consent_countries: Iterable[str] = PRIOR_CONSENT_COUNTRIES,
) -> ContactList:
    """The contact list of a channel for the selected customers (everyone when ``selection`` is None).

    ``customers`` is the register's customers frame; ``bought`` the ids of existing customers
    (for the exception), ``suppressed`` the ids on the suppression list.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    frame = customers.reset_index(drop=True)
    ids = frame["customer_id"].astype("string")
    reason = pd.Series(pd.NA, index=frame.index, dtype="string")

    def leave_out(mask: pd.Series, why: str) -> None:
        reason.loc[mask.fillna(False).astype(bool) & reason.isna()] = why

    if selection is not None:
        leave_out(~among(ids, selection), "not_selected")
    cutoff = pd.Timestamp(as_of)
    wishes = frame.get("preferred_contact_frequency", pd.Series(pd.NA, index=frame.index, dtype="object"))
    said_no = (frame["opted_out_at"].notna() & (frame["opted_out_at"] <= cutoff)) | wants_no_contact(wishes)
    leave_out(said_no, "opted_out")
    on_list = among(ids, suppressed)
    leave_out(on_list, "suppressed")
    consent_column = f"consent_{channel}"
    stated = frame[consent_column].astype("boolean")
    country = each_distinct(frame["country"], country_code)
    allowed = stated.fillna(False).astype(bool)
    if existing_customer_exception and channel in ("email", "sms"):
        existing = among(ids, bought) & country.isin(set(exception_countries) - set(prior_consent_countries))
        allowed |= stated.isna() & existing
    prior_needed = country.isin(set(prior_consent_countries)) & stated.isna() & (channel in ("email", "phone"))
    leave_out(prior_needed, "country_rule")
    leave_out(~allowed, "no_consent")
    detail = {"email": frame["email"], "sms": frame["phone"], "phone": frame["phone"], "post": frame["city"]}[channel]
    leave_out(detail.isna() | (detail.astype("string").str.strip() == ""), "no_contact")
    out = frame.copy()
    if channel == "email":
        out["email"] = frame["email"].astype("string").str.strip().str.lower()
        leave_out(invalid_emails(out["email"]).fillna(False) & out["email"].notna(), "invalid_email")
        seen = out["email"].where(reason.isna())
        leave_out(seen.duplicated() & seen.notna(), "duplicate")
    if channel in ("sms", "phone"):
        # Parsing a number is slow (phonenumbers): only those who may get the list need theirs, and of those
        # whose "no" holds for everyone with the same number, those whose number could be one of theirs (it
        # ends in the same seven digits, or has words in it that parsing alone understands).
        candidates = reason.isna()
        text = frame["phone"].astype("string")
        tail = text.str.replace(r"\D", "", regex=True).str[-7:]
        said_no_here = said_no | on_list | stated.eq(False).fillna(False)
        worded = text.str.contains(r"[^\d\s+()./-]", regex=True).fillna(False).astype(bool)  # "… ext. 12"
        maybe_same = tail.isin(set(tail[candidates].dropna())) | worded | bool(worded[candidates].any())
        needed = candidates | (said_no_here & maybe_same.fillna(False).astype(bool))
        at = np.flatnonzero(needed.to_numpy(dtype=bool))
        parsed = np.full(len(frame), None, dtype=object)
        parsed[at] = [
            international_phone(p, c)
            for p, c in zip(frame["phone"].astype(object).to_numpy()[at], country.to_numpy()[at], strict=True)
        ]
        out["phone"] = pd.Series(parsed, index=frame.index, dtype=object)
        leave_out(out["phone"].isna() & frame["phone"].notna(), "invalid_phone")
        seen = out["phone"].where(reason.isna())
        leave_out(seen.duplicated() & seen.notna(), "duplicate")
    if channel != "post":
        # An address is a person: if any record with it opted out, was erased or said no, it is not used.
        contact = out["email"] if channel == "email" else out["phone"]
        opted = said_no | on_list
        refused = stated.eq(False).fillna(False)
        leave_out(contact.isin(set(contact[opted & contact.notna()])), "opted_out")
        leave_out(contact.isin(set(contact[refused & contact.notna()])), "no_consent")
    keep = reason.isna()
    columns = list(COLUMNS[channel])
    rows = out.loc[keep].reindex(columns=columns)
    if with_birthday:
        rows["birthday"] = frame.loc[keep, "birth_date"].dt.strftime("%d.%m")
    left = pd.DataFrame(
        {"customer_id": ids[~keep & (reason != "not_selected")], "reason": reason[~keep & (reason != "not_selected")]}
    )
    return ContactList(channel, rows.reset_index(drop=True), left.reset_index(drop=True))


def safe_text(value: object) -> str:
    """A cell as text a spreadsheet shows and never runs: formula-like text gets a leading apostrophe.

    Phone numbers in international form (+37251234567) are left readable.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    if text.startswith(_DANGEROUS) and not _PHONE.match(text):
        return "'" + text
    return text


_MAILCHIMP = {"email": "Email Address", "first_name": "First Name", "last_name": "Last Name", "language": "Language"}
_HUBSPOT = {"email": "Email", "first_name": "First Name", "last_name": "Last Name", "language": "Preferred language"}


_COLUMN_KEYS = {
    "birthday": "contacts.birthday_col",
    "due": "plan.col_due",
    "reason": "plan.col_reason",
    "message": "plan.col_message",
}


def column_names(columns: Iterable[str], lang: str = i18n.DEFAULT_LANGUAGE) -> dict[str, str]:
    """A list's column names in the user's language: ``email`` → ``Sähköposti`` (fi), ``Nr klienta`` (pl)…"""
    return {column: i18n.t(_COLUMN_KEYS.get(column, f"field.{column}"), lang) for column in columns}


def export(
    contacts: ContactList,
    fmt: str,
    headers: dict[str, str] | None = None,
    delimiter: str = ";",
    user: Actor = LOCAL_USER,
    lang: str = i18n.DEFAULT_LANGUAGE,
) -> bytes:
    """The list as a file: Excel CSV (UTF-8 with BOM), plain CSV, Mailchimp or HubSpot CSV, XLSX or vCard.

    Columns are named ``headers`` when given, else in ``lang``; Mailchimp and HubSpot get the
    names their importers expect. Personal data: only an editor gets the file (NotAllowed otherwise).
    """
    require(user, "export_personal")
    rows = contacts.rows
    if fmt in ("mailchimp", "hubspot"):
        if contacts.channel != "email":
            raise ValueError("Mailchimp and HubSpot imports are e-mail lists")
        names = _MAILCHIMP if fmt == "mailchimp" else _HUBSPOT
        return _csv(rows, [names.get(c, c) for c in rows.columns], ",", bom=False)
    names = headers if headers is not None else column_names(rows.columns, lang)
    labels = [names.get(c, c) for c in rows.columns]
    if fmt == "excel-csv":
        return _csv(rows, labels, delimiter, bom=True)
    if fmt == "csv":
        return _csv(rows, labels, ",", bom=False)
    if fmt == "xlsx":
        return _xlsx(rows, labels, i18n.t("contacts.sheet", lang))
    if fmt == "vcard":
        return _vcard(rows)
    raise ValueError(f"unknown format {fmt!r}")


def _csv(rows: pd.DataFrame, labels: list[str], delimiter: str, bom: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_text(label) for label in labels])
    for row in rows.itertuples(index=False):
        writer.writerow([safe_text(value) for value in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def _xlsx(rows: pd.DataFrame, labels: list[str], sheet_name: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    sheet = book.add_worksheet(sheet_name[:31])
    for column, label in enumerate(labels):
        sheet.write_string(0, column, label)
    for r, row in enumerate(rows.itertuples(index=False), start=1):
        for column, value in enumerate(row):
            if value is not None and not (not isinstance(value, str) and pd.isna(value)):
                sheet.write_string(r, column, str(value))  # always text: never a formula, never a number
    book.close()
    return buffer.getvalue()


def _vcard_text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return _LINE_BREAKS.sub("\\\\n", text)  # a bare CR, a form feed or a Unicode line break ends a line too


def _vcard(rows: pd.DataFrame) -> bytes:
    cards = []
    for row in rows.to_dict("records"):
        first, last = _vcard_text(row.get("first_name")), _vcard_text(row.get("last_name"))
        full = _vcard_text(row.get("name")) or f"{first} {last}".strip()
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{last};{first};;;", f"FN:{full}"]
        if row.get("email"):
            lines.append(f"EMAIL;TYPE=INTERNET:{_vcard_text(row['email'])}")
        if row.get("phone"):
            lines.append(f"TEL;TYPE=CELL:{_vcard_text(row['phone'])}")
        if row.get("city"):
            lines.append(
                f"ADR;TYPE=HOME:;;{_vcard_text(row.get('address'))};{_vcard_text(row.get('city'))};;"
                f"{_vcard_text(row.get('postal_code'))};{_vcard_text(row.get('country'))}"
            )
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    return ("\r\n".join(cards) + "\r\n").encode("utf-8")


def contacts_for(
    customers: pd.DataFrame,
    view: pd.DataFrame,
    channel: str,
    as_of: date,
    *,
    selection: Iterable[str] | None,
    suppressed: Iterable[str],
    settings: Settings,
    with_birthday: bool = False,
) -> ContactList:
    """A register's contact list with the workspace's consent settings: existing customers from the analysis."""
    bought = view.loc[view["purchases"] > 0, "customer_id"].astype(str)
    return contact_list(
        customers,
        channel,
        as_of,
        bought=bought,
        suppressed=suppressed,
        selection=selection,
        existing_customer_exception=bool(settings.existing_customer_exception),
        with_birthday=with_birthday,
        exception_countries=country_list(settings.exception_countries),
        prior_consent_countries=country_list(settings.prior_consent_countries),
    )


FILE_SUFFIX = {"excel-csv": "csv", "csv": "csv", "mailchimp": "csv", "hubspot": "csv", "xlsx": "xlsx", "vcard": "vcf"}


def call_list(
    customers: pd.DataFrame,
    plan: pd.DataFrame,
    reasons: pd.Series,
    as_of: date,
    *,
    suppressed: Iterable[str],
    channel: str = "phone",
    messages: pd.Series | None = None,
) -> ContactList:
    """The plan's rows for one channel as a contact list: consent-checked, with each row's reason and,
    given ``messages`` (by plan row), what to say."""
    rows = plan[plan["channel"] == channel]
    contacts = contact_list(customers, channel, as_of, suppressed=suppressed, selection=list(rows["customer_id"]))
    listed = customers.reset_index(drop=True)
    # The list keeps the order of the customers frame; attach each person's due contacts to their row.
    kept = listed[
        ~among(listed["customer_id"], contacts.left_out["customer_id"])
        & among(listed["customer_id"], rows["customer_id"])
    ]["customer_id"].tolist()
    why = reasons[rows.index].groupby(rows["customer_id"]).agg("; ".join) if len(rows) else pd.Series(dtype="string")
    due = rows.groupby("customer_id")["due"].min()
    extra = pd.DataFrame(
        {"customer_id": kept, "due": [due[c].strftime("%d.%m.%Y") for c in kept], "reason": [why[c] for c in kept]}
    )
    if messages is not None:
        said = messages[rows.index].groupby(rows["customer_id"]).agg("\n".join) if len(rows) else pd.Series()
        extra["message"] = [said[c] for c in kept]
    combined = pd.concat([extra, contacts.rows.reset_index(drop=True)], axis=1)
    return ContactList(channel, combined, contacts.left_out)
