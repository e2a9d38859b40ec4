"""What to say: a message per contact-plan rule and language (seed 000: a different message for each class).

Each rule has a subject, a text and, where the rule carries one, an offer, in each of the app's
languages. The shipped wording lives in the catalogues (``message.<rule>.subject|text|offer``); a
business rewrites any of it on the Settings page and the workspace keeps only what was changed.
Placeholders: ``{first_name}``, ``{name}``, ``{reason}`` (why the contact is due), ``{offer}``.
Only those are filled in: a template is the user's text, never code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from lib import i18n
from lib.frames import among, each_distinct
from lib.schema import LANGUAGES

PARTS = ("subject", "text", "offer")
"""What a message template holds."""
PLACEHOLDERS = ("first_name", "name", "reason", "offer")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


@dataclass(frozen=True)
class MessageTemplates:
    """The workspace's message wording: the shipped one, with the business's own changes on top."""

    changed: Mapping[str, str] = field(default_factory=dict)
    """``rule|lang|part`` → the business's wording, only where it differs from the shipped one."""

    def part(self, rule: str, lang: str, part: str) -> str:
        key = f"{rule}|{lang}|{part}"
        if key in self.changed:
            return self.changed[key]
        shipped = i18n.t(f"message.{rule}.{part}", lang)
        return "" if shipped.startswith("⟦") else shipped

    def template(self, rule: str, lang: str) -> dict[str, str]:
        return {part: self.part(rule, lang, part) for part in PARTS}

    def with_template(self, rule: str, lang: str, wording: Mapping[str, str]) -> MessageTemplates:
        """A copy with one rule's wording in one language; wording equal to the shipped one is not kept."""
        changed = dict(self.changed)
        for part in PARTS:
            key = f"{rule}|{lang}|{part}"
            changed.pop(key, None)
            text = str(wording.get(part, "")).strip()
            if text != MessageTemplates().part(rule, lang, part):
                changed[key] = text
        return MessageTemplates(changed)

    def render(self, rule: str, lang: str, first_name: str, name: str, reason: str) -> Message:
        """The message for one person: the placeholders filled in, nothing else interpreted."""
        lang = lang if lang in LANGUAGES else i18n.DEFAULT_LANGUAGE
        values = {"first_name": first_name, "name": name, "reason": reason, "offer": self.part(rule, lang, "offer")}

        def fill(text: str) -> str:
            return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text).strip()

        return Message(fill(self.part(rule, lang, "subject")), fill(self.part(rule, lang, "text")))

    def to_json(self) -> str:
        return json.dumps(dict(sorted(self.changed.items())), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> MessageTemplates:
        data = json.loads(text) if text else {}
        return cls({str(k): str(v) for k, v in data.items() if k.count("|") == 2})


def first_names(customers: pd.DataFrame) -> pd.Series:
    """Each customer's first name, by id: the register's first-name column, else the first word of the name."""
    by_name = customers["name"].astype("string").str.strip().str.split().str[0]
    given = customers["first_name"].astype("string").str.strip() if "first_name" in customers else by_name
    names = given.where(given.notna() & (given != ""), by_name).fillna("")
    return pd.Series(names.to_numpy(), index=customers["customer_id"].astype("string"), dtype="string")


def plan_messages(
    plan: pd.DataFrame, customers: pd.DataFrame, reasons: pd.Series, templates: MessageTemplates, lang: str
) -> list[Message]:
    """The message for each plan row, in the customer's language where the register gives one of ours
    (as a code or a name: ``fi``, ``FIN``, ``suomi``, ``Finnish``).

    ``{reason}`` is the plan's reason, and for a contact planned in the register, its note.
    """
    customers = customers[among(customers["customer_id"], plan["customer_id"])]  # only those the plan names
    known = customers.drop_duplicates("customer_id").set_index(customers["customer_id"].astype("string"))
    firsts = first_names(customers.drop_duplicates("customer_id"))
    spoken = each_distinct(known["language"], i18n.language_code) if "language" in known else None
    found = []
    notes = plan["note"] if "note" in plan else pd.Series(pd.NA, index=plan.index)
    rows = zip(plan["customer_id"].astype("string"), plan["rule"], reasons, notes, strict=True)
    for customer, rule, reason, note in rows:
        if rule == "planned_action":  # what the marketer planned is what to say
            reason = note if isinstance(note, str) else ""
        theirs = spoken.get(customer) if spoken is not None else None
        name = known["name"].get(customer) if customer in known.index else None
        found.append(
            templates.render(
                str(rule),
                theirs if isinstance(theirs, str) and theirs in LANGUAGES else lang,
                str(firsts.get(customer) or ""),
                str(name) if isinstance(name, str) else "",
                str(reason),
            )
        )
    return found
