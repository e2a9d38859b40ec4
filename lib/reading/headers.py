"""Header recognition: which sheet is which, where its header row is, and what each column means.

People write headers in their own language and their own way ("Nr klienta", "Kliendi nr",
"Asiakasnumero", "Kliento Nr."). Headers are compared in a compact form (lower case, no
accents, letters and digits only), against synonyms in English, Estonian, Finnish,
Lithuanian and Polish, with Latvian, Swedish and German where they come cheap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lib import i18n
from lib.reading.surveys import asks_rating
from lib.reading.synonyms import FIELD_SYNONYMS, SHEET_SYNONYMS
from lib.reading.values import normalise_word
from lib.schema import ACTIONS, APP_SHEETS, CUSTOMERS, FEEDBACK, FIELDS, LANGUAGES, OTHER, PURCHASES, SheetKind

_UNIT_SUFFIX = re.compile(r"(eur|euro|pln|zl|usd|sek|kr|pcs|kpl|tk|szt|vnt|pct|proc)$")


def compact(text: object) -> str:
    """Compact form of a header for comparison: ``"Kliento Nr."`` → ``"klientonr"``."""
    if not isinstance(text, str):
        return ""
    return re.sub(r"[^a-z0-9]", "", normalise_word(text))


def _lookup(synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Compact header → field, from the words people write. The app's own labels (its template's and
    the sheets it adds) are not added here: they are words a person would write, and a test holds
    every one of them to this table."""
    table: dict[str, str] = {}
    for field, words in synonyms.items():
        for word in (field, *words):
            table.setdefault(compact(word), field)
    return table


_FIELD_LOOKUP = {kind: _lookup(fields) for kind, fields in FIELD_SYNONYMS.items()}
_SHEET_LOOKUP = {compact(word): kind for kind, words in SHEET_SYNONYMS.items() for word in words}
_DISTINCTIVE: dict[SheetKind, frozenset[str]] = {
    CUSTOMERS: frozenset(
        {
            "name",
            "first_name",
            "last_name",
            "email",
            "phone",
            "birth_date",
            "consent_email",
            "city",
            "last_purchase",
            "total_spent",
        }
    ),
    PURCHASES: frozenset({"date", "product", "amount", "unit_price", "quantity", "purchase_id"}),
    FEEDBACK: frozenset({"text", "rating", "kind", "feedback_id"}),
    ACTIONS: frozenset({"planned", "done", "campaign", "outcome", "action_id"}),
}


def recognise_field(kind: SheetKind, header: object) -> str | None:
    """The canonical field a header means on a sheet of this kind, or None.

    A header unknown as a whole is known by its words before a bracket ("Phone (mobile)",
    "Kliendisuhe (käsitsi klass)") or by one side of a slash ("Ostu / arve nr").
    """
    found = _field_of(kind, header)
    if found is not None or not isinstance(header, str) or not ("(" in header or "/" in header):
        return found
    plain = re.sub(r"\(.*?\)", " ", header)
    return next(filter(None, (_field_of(kind, part) for part in (plain, *plain.split("/")))), None)


def _field_of(kind: SheetKind, header: object) -> str | None:
    key = compact(header)
    if not key:
        return None
    found = _FIELD_LOOKUP[kind].get(key)
    if found is None:
        stripped = _UNIT_SUFFIX.sub("", key)
        found = _FIELD_LOOKUP[kind].get(stripped) if stripped else None
    if found is None and kind in (CUSTOMERS, PURCHASES):  # an orders export's "Accepts Marketing"
        consent = consent_field(key)
        found = consent if consent in FIELDS[kind] else None
    if found is None and kind == FEEDBACK and asks_rating(header, key):  # "How likely … recommend us?"
        found = "rating"
    return found


# Consent headers come in endless phrasings ("Nõusolek e-kirjadeks", "Sähköpostimarkkinointilupa",
# "Sutikimas gauti naujienlaiškius", "Accepts Email Marketing"): a word for consent and a word for the
# channel, in compact form, anywhere in the header. The channels are tried in this order, so "e-post"
# is e-mail before it is post. A header that says the opposite ("Unsubscribed from all email", "Brak zgody
# na SMS", "Wycofanie zgody") or describes the consent rather than holding it (its date, source, level)
# is never a consent column: reading "yes" there as consent would write to people who said no.
_CONSENT_WORDS = (
    "consent", "optin", "permission", "subscribed", "nousolek", "lupa", "luvan", "suostum",
    "sutikim", "sutinka", "zgod", "piekrisan", "samtycke", "einwillig",
)  # fmt: skip
_MARKETING_CONSENT_WORDS = ("accepts", "agree", "allow")
"""Consent words that count only beside a word for marketing or a newsletter ("Accepts Email Marketing",
not "Accepts returns by post")."""
_MARKETING = ("marketing", "markkinoin", "rinkodar", "turundus", "reklam", "newsletter", "uudiskir", "uutiskir")
_NOT_CONSENT = (
    "unsub", "withdraw", "revok", "optout", "refus", "wycofan", "odwol", "brak", "atsauk", "nesutik",
    "kielto", "kielt", "peruttu", "peruu", "loobu", "keeld", "eiole", "noconsent",
    "date", "data", "time", "kuupaev", "paivamaara", "paiva", "updated", "source", "allikas", "lahde",
    "zrodl", "saltin", "level", "ipaddress", "version",
)  # fmt: skip
_CHANNEL_WORDS = (
    ("consent_email", ("email", "mail", "ekiri", "ekirj", "epost", "meil", "sahkopost", "elpast",
                       "newsletter", "uudiskir", "uutiskir", "naujienlaisk", "biuletyn", "elektron")),
    ("consent_sms", ("sms", "tekstivies", "tekstisonum", "sonum", "zinut", "textmessage")),
    ("consent_phone", ("phone", "telefon", "puhel", "soitto", "skamb", "call", "zvan")),
    ("consent_post", ("post", "poczt", "pasta", "pastu", "kirje", "letter")),
)  # fmt: skip


def consent_field(key: str) -> str | None:
    """The consent field a compact header names by a consent word and a channel word (None when it does not,
    or when it says the opposite or describes the consent instead of holding it)."""
    if any(word in key for word in _NOT_CONSENT):
        return None
    marketing = any(word in key for word in _MARKETING)
    if not any(word in key for word in _CONSENT_WORDS) and not (
        marketing and any(word in key for word in _MARKETING_CONSENT_WORDS)
    ):
        return None
    return next((field for field, words in _CHANNEL_WORDS if any(word in key for word in words)), None)


def recognise_sheet_name(name: str) -> SheetKind | None:
    """The sheet kind a sheet's name says, if it says one (``Klienci`` → customers)."""
    key = compact(name)
    if key in _SHEET_LOOKUP:
        return _SHEET_LOOKUP[key]
    for word, kind in _SHEET_LOOKUP.items():  # "Kliendid 2026", "Sales Q3"
        if len(word) >= 5 and key.startswith(word):
            return kind
    return None


def map_columns(kind: SheetKind, headers: Sequence[object]) -> dict[int, str]:
    """Column position → canonical field for the headers of one sheet; first match wins."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for position, header in enumerate(headers):
        field = recognise_field(kind, header)
        if field and field not in taken:
            mapping[position] = field
            taken.add(field)
    return mapping


def guess_sheet_kind(name: str, headers: Sequence[object]) -> SheetKind | str:
    """Which kind of sheet this is: its name when it says, else the columns it has.

    A sheet whose columns fit no kind is ``other``: kept and written back, never analysed.
    """
    if name.strip().casefold() in {sheet.casefold() for sheet in APP_SHEETS}:
        return OTHER
    by_name = recognise_sheet_name(name)
    named = set(map_columns(by_name, headers).values()) if by_name is not None else set()
    register_sheet = by_name in (CUSTOMERS, PURCHASES) and "customer_id" in named  # a score among its columns
    if not register_sheet and any(asks_rating(h, compact(h)) for h in headers):  # "How likely … recommend us?"
        return FEEDBACK  # a survey, even under a name like "Customer survey (Responses)"
    if by_name is not None and _identifies(by_name, named):
        return by_name
    scores = {}
    for kind in FIELD_SYNONYMS:
        fields = set(map_columns(kind, headers).values())
        if _identifies(kind, fields):
            scores[kind] = 2 * len(fields & _DISTINCTIVE[kind]) + len(fields)
    best = max(scores, key=lambda k: scores[k], default=None)
    return best if best is not None and scores[best] >= 4 else OTHER


def _identifies(kind: SheetKind, fields: set[str]) -> bool:
    """Whether the columns can say whose record each row is (a price list cannot): an id, or a purchase's
    e-mail, phone or buyer's name (an orders export); or whether they hold what a customer said (a survey
    export, anonymous or not)."""
    if kind == CUSTOMERS:
        return bool(fields & {"customer_id", "name", "first_name", "last_name", "email", "phone"})
    if kind == PURCHASES:
        return bool(fields & {"customer_id", "email", "phone", "name"})
    if kind == FEEDBACK:  # a survey's answers are feedback whether or not the respondent is known
        return bool(fields & {"customer_id", "email", "phone", "rating", "text"})
    return "customer_id" in fields


def _language_words() -> dict[str, set[str]]:
    """Each language's own words for sheets and columns (its catalogue labels), without the words two
    languages share ("E-mail", "SMS"), which say nothing about the language."""
    words = {
        lang: {compact(i18n.t(f"kind.{kind}", lang)) for kind in SHEET_SYNONYMS}
        | {compact(i18n.t(f"field.{field}", lang)) for fields in FIELD_SYNONYMS.values() for field in fields}
        for lang in LANGUAGES
    }
    shared = {word for lang in words for word in words[lang] if any(word in words[o] for o in words if o != lang)}
    return {lang: found - shared - {""} for lang, found in words.items()}


_LANGUAGE_WORDS = _language_words()


def workbook_language(names: Sequence[str]) -> str | None:
    """The app language a workbook's sheet names and headers are written in, or None when they do not say
    (the sheets and columns the app adds to the workbook are named in it: "Działania", "Nr klienta")."""
    found = {compact(name) for name in names}
    scores = {lang: len(found & words) for lang, words in _LANGUAGE_WORDS.items()}
    best = max(scores.values(), default=0)
    leaders = [lang for lang, score in scores.items() if score == best]
    return leaders[0] if best > 0 and len(leaders) == 1 else None


def find_header_row(rows: Sequence[Sequence[object]], scan: int = 30) -> int:
    """Index of the header row among the first ``scan`` rows (title and blank rows come first).

    The row that names the most known fields wins; without any known header, the first row
    with at least two text cells is taken, as a person would read the sheet.
    """
    best_index, best_score = None, 0
    for index, row in enumerate(rows[:scan]):
        known = max(len(map_columns(kind, row)) for kind in FIELD_SYNONYMS)
        if known > best_score:
            best_index, best_score = index, known
    if best_index is not None and best_score >= 2:
        return best_index
    for index, row in enumerate(rows[:scan]):
        texts = [cell for cell in row if isinstance(cell, str) and cell.strip()]
        if len(texts) >= 2 and not all(_looks_numeric(cell) for cell in texts):
            return index
    return 0


def _looks_numeric(text: str) -> bool:
    return bool(re.fullmatch(r"[\d\s.,:/+-]+", text.strip()))
