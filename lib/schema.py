"""Canonical sheets and fields of a customer register, their types and vocabularies.

Every other module names sheets, fields and vocabulary codes through the constants
here, so a field is spelled once. The user's own headers are mapped onto these names
by `lib.headers`; the user's own words for vocabulary values (``püsiklient``, ``TAK``)
are mapped onto the codes below by `lib.values`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SheetKind = Literal["customers", "purchases", "feedback", "actions"]
FieldType = Literal["id", "text", "date", "number", "count", "bool", "email", "phone", "choice"]

CUSTOMERS: SheetKind = "customers"
PURCHASES: SheetKind = "purchases"
FEEDBACK: SheetKind = "feedback"
ACTIONS: SheetKind = "actions"
SHEET_KINDS: tuple[SheetKind, ...] = (CUSTOMERS, PURCHASES, FEEDBACK, ACTIONS)
OTHER = "other"
"""A sheet the app does not analyse: kept and written back exactly as it was."""
COMPUTED_SHEET = "Loyalty Ladder"
"""The sheet of the app's computed columns in an exported workbook: never read back as data."""
THEMES_SHEET = "Loyalty Ladder themes"
"""The feedback theme dictionary in an exported workbook: read back into the workspace on upload."""
SETTINGS_SHEET = "Loyalty Ladder settings"
"""The analysis thresholds in an exported workbook: read back into the workspace on upload."""
APP_SHEETS = (COMPUTED_SHEET, THEMES_SHEET, SETTINGS_SHEET)
"""Sheets the app writes itself: never analysed, and replaced (not duplicated) on the next export."""

# Bookkeeping columns every register frame carries besides the canonical fields.
SHEET_COL = "_sheet"
"""The user's sheet name a row came from (a kind may be spread over several sheets)."""
ROW_COL = "_row"
"""The row number as Excel shows it; empty for customers derived from purchases."""
KEY_COL = "_key"
"""Stable key an edit is recorded against: the customer id, or sheet!row for other rows."""


@dataclass(frozen=True)
class Field:
    """One canonical column: its name, type, and vocabulary when it is a choice."""

    name: str
    type: FieldType
    vocabulary: str | None = None


def _fields(*items: Field) -> dict[str, Field]:
    return {item.name: item for item in items}


FIELDS: dict[str, dict[str, Field]] = {
    CUSTOMERS: _fields(
        Field("customer_id", "id"),
        Field("name", "text"),
        Field("first_name", "text"),
        Field("last_name", "text"),
        Field("company", "text"),
        Field("email", "email"),
        Field("phone", "phone"),
        Field("address", "text"),
        Field("postal_code", "text"),
        Field("city", "text"),
        Field("country", "text"),
        Field("language", "text"),
        Field("birth_date", "date"),
        Field("first_contact", "date"),
        Field("source", "text"),
        Field("lead_temperature", "choice", "temperature"),
        Field("relationship", "choice", "relationship"),
        Field("buys_elsewhere", "bool"),
        Field("consent_email", "bool"),
        Field("consent_sms", "bool"),
        Field("consent_phone", "bool"),
        Field("consent_post", "bool"),
        Field("opted_out_at", "date"),
        Field("preferred_contact_frequency", "text"),
        Field("interests", "text"),
        Field("tags", "text"),
        Field("branch", "text"),
        Field("owner", "text"),
        Field("notes", "text"),
        Field("last_purchase", "date"),
        Field("purchase_count", "count"),
        Field("total_spent", "number"),
        Field("tenure_months", "count"),
        Field("monthly_spend", "number"),
        Field("churned", "choice", "churn"),
        Field("churn_reason", "text"),
        Field("satisfaction", "number"),
    ),
    PURCHASES: _fields(
        Field("purchase_id", "text"),
        Field("customer_id", "id"),
        Field("name", "text"),
        Field("first_name", "text"),
        Field("last_name", "text"),
        Field("email", "email"),
        Field("phone", "phone"),
        Field("date", "date"),
        Field("product", "text"),
        Field("category", "text"),
        Field("quantity", "number"),
        Field("unit_price", "number"),
        Field("amount", "number"),
        Field("margin", "number"),
        Field("branch", "text"),
        Field("order_total", "number"),
        Field("refunded", "number"),
        Field("status", "choice", "order_status"),
        Field("cancelled", "date"),
        Field("consent_email", "bool"),
    ),
    FEEDBACK: _fields(
        Field("feedback_id", "text"),
        Field("customer_id", "id"),
        Field("date", "date"),
        Field("kind", "choice", "feedback_kind"),
        Field("channel", "text"),
        Field("rating", "number"),
        Field("text", "text"),
        Field("language", "text"),
        Field("status", "choice", "status"),
        Field("question", "text"),
        Field("name", "text"),
        Field("email", "email"),
        Field("phone", "phone"),
    ),
    ACTIONS: _fields(
        Field("action_id", "text"),
        Field("customer_id", "id"),
        Field("planned", "date"),
        Field("done", "date"),
        Field("kind", "choice", "action_kind"),
        Field("channel", "text"),
        Field("campaign", "text"),
        Field("outcome", "text"),
        Field("note", "text"),
    ),
}

SUMMARY_FIELDS = ("last_purchase", "purchase_count", "total_spent")
"""Customer columns that stand in for a purchases sheet in a single-sheet register."""

CUSTOMER_DETAIL_FIELDS = ("name", "first_name", "last_name", "email", "phone", "consent_email")
"""Customer details a till or shop export may carry on each purchase row (Shopify's "Accepts Marketing" is the
buyer's e-mail consent)."""

DATES_THAT_MAY_BE_FUTURE = frozenset({"planned"})
"""Date fields where a future date is normal (a planned action); all others are checked."""

# fmt: off
# Vocabularies: canonical code -> words people write for it (en, et, fi, lt, pl, lv, sv, de).
# Matching is case- and accent-insensitive (see lib.values.normalise_word).
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "temperature": {
        "cold": ("cold", "külm", "kylmä", "šaltas", "zimny", "zimna", "auksts", "kall", "kalt"),
        "warm": ("warm", "soe", "lämmin", "haalea", "šiltas", "ciepły", "ciepła", "silts", "varm"),
        "hot": ("hot", "kuum", "kuuma", "karštas", "gorący", "gorąca", "karsts", "het", "heiß"),
    },
    "relationship": {
        "partner": ("partner", "partner customer", "partnerklient", "kumppani", "kumppaniasiakas",
                    "partneris", "klient partnerski", "partneris klientas"),
        "loyal": ("loyal", "regular", "püsiklient", "kanta-asiakas", "kanta asiakas",
                  "nuolatinis klientas", "nuolatinis", "stały klient", "stały", "lojalny",
                  "pastāvīgais klients", "stamkund", "stammkunde"),
        "occasional": ("occasional", "juhuklient", "satunnaisasiakas", "satunnainen",
                       "atsitiktinis klientas", "atsitiktinis", "okazjonalny", "klient okazjonalny",
                       "przypadkowy", "gadījuma klients", "tillfällig kund", "gelegenheitskunde"),
        "prospect": ("prospect", "lead", "not yet customer", "potentsiaalne klient",
                     "veel-mitte-klient", "potentiaalinen asiakas", "prospekti",
                     "potencialus klientas", "potencjalny klient", "potencjalny",
                     "potenciālais klients", "potentiell kund", "interessent"),
        "former": ("former", "lost", "churned", "endine klient", "kadunud", "entinen asiakas",
                   "menetetty", "buvęs klientas", "prarastas", "były klient", "utracony",
                   "bijušais klients", "tidigare kund", "ehemaliger kunde"),
    },
    "feedback_kind": {
        "survey": ("survey", "questionnaire", "küsitlus", "uuring", "kysely", "apklausa",
                   "ankieta", "badanie", "aptauja", "enkät", "umfrage"),
        "opinion": ("opinion", "review", "comment", "arvamus", "kommentaar", "mielipide",
                    "arvio", "nuomonė", "atsiliepimas", "opinia", "recenzja", "viedoklis",
                    "åsikt", "meinung"),
        "complaint": ("complaint", "kaebus", "pretensioon", "reklamatsioon", "valitus",
                      "reklamaatio", "skundas", "pretenzija", "reklamacja", "skarga",
                      "sūdzība", "klagomål", "beschwerde", "reklamation"),
        "wish": ("wish", "request", "special wish", "soov", "erisoov", "toive", "toivomus",
                 "pageidavimas", "prašymas", "życzenie", "prośba", "vēlme", "önskemål", "wunsch"),
        "idea": ("idea", "suggestion", "idee", "ettepanek", "idea", "ehdotus", "idėja",
                 "pasiūlymas", "pomysł", "sugestia", "ideja", "förslag", "vorschlag"),
    },
    "action_kind": {
        "call": ("call", "phone call", "kõne", "helistamine", "puhelu", "soitto", "skambutis",
                 "telefonas", "telefon", "rozmowa", "zvans", "samtal", "anruf"),
        "email": ("email", "e-mail", "mail", "newsletter", "e-kiri", "meil", "uudiskiri",
                  "sähköposti", "uutiskirje", "el. laiškas", "laiškas", "naujienlaiškis",
                  "e-mail", "mejl", "newsletter"),
        "sms": ("sms", "text message", "tekstisõnum", "tekstiviesti", "žinutė", "wiadomość sms"),
        "visit": ("visit", "meeting", "külastus", "kohtumine", "käynti", "tapaaminen", "vizitas",
                  "susitikimas", "wizyta", "spotkanie", "besök", "besuch"),
        "event": ("event", "invitation", "üritus", "kutse", "tapahtuma", "kutsu", "renginys",
                  "kvietimas", "wydarzenie", "zaproszenie", "evenemang", "veranstaltung"),
        "offer": ("offer", "discount", "pakkumine", "soodustus", "tarjous", "alennus",
                  "pasiūlymas", "nuolaida", "oferta", "rabat", "promocja", "erbjudande", "angebot"),
        "greeting": ("greeting", "birthday greeting", "card", "tervitus", "õnnitlus", "tervehdys",
                     "onnittelu", "sveikinimas", "życzenia", "pozdrowienia", "hälsning", "gruß"),
        "survey": ("survey", "küsitlus", "kysely", "apklausa", "ankieta", "enkät", "umfrage"),
    },
    "channel": {
        "email": ("email", "e-mail", "e mail", "mail", "newsletter", "e-kiri", "meil", "e-post", "sähköposti",
                  "el. paštas", "el. laiškas", "el paštas", "poczta e-mail", "e-pasts", "mejl"),
        "sms": ("sms", "text", "text message", "tekstisõnum", "sõnum", "tekstiviesti", "tekstari", "žinutė",
                "sms žinutė", "wiadomość sms", "īsziņa"),
        "phone": ("phone", "call", "telephone", "telefon", "kõne", "puhelin", "puhelu", "soitto", "telefonas",
                  "skambutis", "rozmowa telefoniczna", "tālrunis", "zvans"),
        "post": ("post", "letter", "mail letter", "postcard", "kiri", "post", "posti", "kirje", "paštas",
                 "laiškas", "poczta", "list", "pasts", "vēstule", "brev"),
    },
    "outcome": {
        # Most specific first: "not interested" is read before "interested".
        "opted_out": ("unsubscribed", "opted out", "opt-out", "opt out", "do not contact", "asked not to be contacted",
                      "loobus uudiskirjast", "ei soovi kontakti", "ei soovi pakkumisi", "peruutti tilauksen",
                      "kielsi markkinoinnin", "ei halua yhteydenottoja", "atsisake naujienlaiskio",
                      "atsisakė naujienlaiškio", "nenori kontaktu", "wypisal sie", "wypisał się", "wypisala sie",
                      "wypisała się", "rezygnacja z newslettera", "nie kontaktowac", "nie kontaktować"),
        "refused": ("refused", "declined", "keeldus", "kieltaytyi", "kieltäytyi", "atsisake",
                    "atsisakė", "odmowil", "odmówił", "odmowila", "odmówiła", "odmowa"),
        "not_interested": ("not interested", "no interest", "ei huvita", "ei ole huvitatud", "ei kiinnosta",
                           "nesidomi", "nesusidomejo", "nesusidomėjo", "niezainteresowan", "nie jest zainteresowan",
                           "brak zainteresowania"),
        "no_answer": ("no answer", "no response", "no reply", "unreachable", "did not answer", "ei vastanud",
                      "ei vasta", "ei vastannut", "ei tavoitettu", "neatsake", "neatsakė", "nepasiekta",
                      "brak odpowiedzi", "nie odebral", "nie odebrał", "nie odebrala", "nie odebrała"),
        "bought": ("bought", "purchased", "ostis", "osti", "nupirko", "pirko", "kupil", "kupił", "kupila",
                   "kupiła", "zakup"),
        "booked": ("booked", "booking", "appointment", "broneeris", "broneering", "varasi", "varaus",
                   "uzsiregistravo", "užsiregistravo", "rezervavo", "umowil", "umówił", "umowila", "umówiła",
                   "zarezerwowal", "zarezerwował", "rezerwacja"),
        "interested": ("interested", "interest", "huvitatud", "huvitub", "kiinnostunut", "kiinnostui",
                       "susidomejes", "susidomėjęs", "susidomejo", "susidomėjo", "zainteresowan"),
        "reached": ("reached", "talked", "spoke", "answered", "replied", "opened", "clicked", "raakisime", "rääkisime", "vastas",
                    "tavoitettu", "vastasi", "pasiekta", "atsake", "atsakė", "rozmawial", "rozmawiał",
                    "odebral", "odebrał", "odpowiedzial", "odpowiedział"),
    },
    "churn": {
        # A subscription's churn flag or status: "Churn" Yes/No, "Customer Status" Churned/Stayed/Joined.
        "churned": ("churned", "yes", "y", "true", "1", "left", "lost", "cancelled", "canceled", "exited",
                    "jah", "lahkunud", "kyllä", "lähtenyt", "poistunut", "taip", "išėjo", "tak",
                    "odszedł", "odszedl", "zrezygnował", "zrezygnowal", "jā", "ja"),
        "stayed": ("stayed", "no", "n", "false", "0", "joined", "active", "retained", "ei", "jäi",
                   "aktiivne", "aktiivinen", "ne", "liko", "aktyvus", "nie", "został", "zostal",
                   "aktywny", "nē", "nej", "nein"),
    },
    "order_status": {
        # An order counts as a purchase only when paid; the others stay in the workbook, not in the revenue.
        "paid": ("paid", "completed", "complete", "processing", "fulfilled", "partially refunded",
                 "partially_refunded", "partially paid", "partially_paid", "wc-completed", "wc-processing",
                 "makstud", "tasutud", "täidetud", "maksettu", "toimitettu", "apmokėta", "apmokėtas",
                 "įvykdyta", "opłacone", "opłacony", "opłacona", "zapłacono", "zrealizowane", "samaksāts",
                 "betald", "bezahlt", "abgeschlossen"),
        "unpaid": ("unpaid", "pending", "pending payment", "on-hold", "on hold", "authorized", "failed",
                   "draft", "checkout-draft", "wc-pending", "wc-on-hold", "wc-failed", "maksmata", "ootel",
                   "maksamatta", "maksamaton", "odottaa", "neapmokėta", "laukiama", "nieopłacone",
                   "nieopłacony", "oczekujące", "oczekuje na płatność", "nesamaksāts", "obetald", "unbezahlt"),
        "cancelled": ("cancelled", "canceled", "voided", "void", "wc-cancelled", "tühistatud",
                      "peruttu", "peruutettu", "atšaukta", "atšauktas", "anulowane", "anulowano",
                      "anulowany", "atcelts", "avbruten", "storniert", "abgebrochen"),
        "refunded": ("refunded", "wc-refunded", "tagastatud", "raha tagastatud", "hyvitetty", "palautettu",
                     "grąžinta", "grąžinti pinigai", "zwrócone", "zwrot", "zwrócony", "atmaksāts",
                     "återbetald", "erstattet"),
    },
    "status": {
        "open": ("open", "new", "pending", "avatud", "uus", "pooleli", "avoin", "uusi", "kesken",
                 "atviras", "naujas", "otwarte", "otwarta", "nowe", "w toku", "atvērts", "öppen",
                 "offen"),
        "resolved": ("resolved", "closed", "done", "lahendatud", "suletud", "tehtud", "ratkaistu",
                     "suljettu", "valmis", "išspręstas", "išspręsta", "uždarytas", "rozwiązane",
                     "rozwiązana", "zamknięte", "atrisināts", "löst", "erledigt"),
    },
}

YES_WORDS = ("yes", "y", "true", "x", "1", "✓", "✔", "jah", "ja", "kyllä", "k", "on", "taip",
             "tak", "t", "jā", "ok", "agreed", "consent", "nõus", "lupa", "sutinka", "zgoda")
"""Words people write for yes in a consent or flag column (en, et, fi, lt, pl, lv, sv, de)."""
NO_WORDS = ("no", "n", "false", "0", "-", "ei", "e", "ne", "nie", "nē", "nej", "nein", "off",
            "no consent", "keeldus", "kielto", "nesutinka", "brak zgody", "brak")
"""Words people write for no."""
# fmt: on


# The app's own vocabularies: each code list is defined here once and imported everywhere else.
CLASSES = tuple(VOCABULARIES["relationship"])
"""The ladder from the deepest relationship down, in the order every chart shows it."""
BUYING_CLASSES = CLASSES[:3]
"""Classes of customers who buy: partner, loyal, occasional."""
TEMPERATURES = tuple(VOCABULARIES["temperature"])
"""A prospect's temperature, coldest first."""
TIERS = ("top", "threshold", "base", "dormant", "none")
"""Value tiers after seed 003: the top group by sales (special reward), those past the reward
threshold (motivational reward), the rest, dormant buyers (special offer), and non-buyers."""
RFM_GROUPS = (
    "champions",
    "loyal",
    "potential_loyalist",
    "new",
    "promising",
    "need_attention",
    "about_to_sleep",
    "at_risk",
    "cant_lose",
    "hibernating",
)
"""Named RFM groups by recency × frequency score, the common 10-group map of the 5 × 5 grid."""
NOT_SCORED = "not_scored"
"""The RFM group of someone who has not bought."""
STAGES = ("prospect_cold", "prospect_warm", "prospect_hot", "trial", "development", "defected", "won_back")
"""Lifecycle stages in funnel order, from a cold prospect to a customer won back."""
VOCABULARY_LABELS = {
    "temperature": "temperature",
    "relationship": "class",
    "feedback_kind": "feedback_kind",
    "action_kind": "action_kind",
    "channel": "plan.channel",
    "outcome": "outcome",
    "status": "status",
    "order_status": "order_status",
    "churn": "churn",
}
"""Each vocabulary's catalogue prefix: ``class.loyal`` is how the app writes "loyal" in a language, and a
register holding that word in any of the app's languages reads back as the code."""
CHANNELS = tuple(VOCABULARIES["channel"])
"""The channels a customer can consent to, and a list or a plan row can use."""
CONSENT_SOURCES = ("upload", "edit", "form")
"""How a consent given or withdrawn reached the record: a register uploaded, an editor's edit, a form."""
FEEDBACK_KINDS = tuple(VOCABULARIES["feedback_kind"])
FEEDBACK_STATUSES = tuple(VOCABULARIES["status"])
ACTION_KINDS = tuple(VOCABULARIES["action_kind"])
OUTCOMES = ("reached", "interested", "booked", "bought", "not_interested", "no_answer", "refused")
"""What came of a contact, as the plan's "done" asks it and the register's outcome column says it."""
WARMING_OUTCOMES = frozenset({"interested", "booked", "bought"})
"""Outcomes that show interest: a prospect warms (DOMAIN.md §3)."""
COOLING_OUTCOMES = frozenset({"not_interested", "no_answer", "refused"})
"""Outcomes that show none: a prospect cools; a refusal or "not interested" makes them cold."""
OPT_OUT_OUTCOME = "opted_out"
"""An outcome saying the person asked not to be contacted (unsubscribed): an opt-out for every channel."""
RATING_SCALES = ("1-5", "0-10")
"""The scales a rating question can have: a satisfaction score (CSAT) or a recommendation score (NPS)."""
SENTIMENTS = ("positive", "neutral", "negative", "unknown")
LANGUAGES = {"en": "English", "et": "Eesti", "fi": "Suomi", "lt": "Lietuvių", "pl": "Polski"}
"""The app's languages, code → name in that language: the UI speaks them (once their catalogue is
there) and feedback in them is themed."""
MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    "vcf": "text/vcard",
}
"""The files the app hands out, by suffix."""
