"""Headers in the users' own languages are recognised; the header row is found, not assumed."""

import pytest

from lib import i18n
from lib.reading.headers import FIELD_SYNONYMS, find_header_row, guess_sheet_kind, recognise_field, recognise_sheet_name
from lib.schema import ACTIONS, CUSTOMERS, FEEDBACK, FIELDS, PURCHASES


@pytest.mark.parametrize(
    "header", ["Nr klienta", "Kliendi nr", "Asiakasnumero", "Kliento Nr.", "Customer ID", "KUNDNUMMER", "Numer klienta"]
)
def test_customer_id_headers_in_every_language(header):
    assert recognise_field("customers", header) == "customer_id"


@pytest.mark.parametrize("header", ["E-post", "Sähköposti", "El. paštas", "E-mail", "Adres e-mail", "e-pasts"])
def test_email_headers_in_every_language(header):
    assert recognise_field("customers", header) == "email"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Data ostatniego zakupu", "last_purchase"),
        ("Viimane ost", "last_purchase"),
        ("Ostot yhteensä", "total_spent"),
        ("Pirkimų skaičius", "purchase_count"),
        ("Zgoda e-mail", "consent_email"),
        ("Sünnipäev", "birth_date"),
        ("Imię i nazwisko", "name"),
    ],
)
def test_customer_fields_in_estonian_finnish_lithuanian_polish(header, field):
    assert recognise_field("customers", header) == field


def test_amount_header_with_a_currency_suffix_is_recognised():
    assert recognise_field("purchases", "Kwota (PLN)") == "amount"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Klienci", "customers"),
        ("Kliendid 2026", "customers"),
        ("Ostot", "purchases"),
        ("Atsiliepimai", "feedback"),
        ("Działania", "actions"),
    ],
)
def test_sheet_names_in_every_language(name, kind):
    assert recognise_sheet_name(name) == kind


def test_every_canonical_field_has_synonyms():
    for kind, fields in FIELDS.items():
        assert set(fields) == set(FIELD_SYNONYMS[kind]), kind


def test_header_row_below_title_and_blank_rows_is_found():
    rows = [
        ["Rejestr klientów — Studio Słońce", None, None],
        ["Stan na 31.10.2026", None, None],
        [None, None, None],
        ["Nr klienta", "Imię i nazwisko", "E-mail"],
        ["K1", "Anna", "a@b.pl"],
    ]
    assert find_header_row(rows) == 3


def test_sheet_kind_from_columns_when_the_name_says_nothing():
    assert guess_sheet_kind("Arkusz1", ["Nr klienta", "Imię i nazwisko", "E-mail", "Telefon"]) == "customers"
    assert guess_sheet_kind("Arkusz2", ["Nr klienta", "Data", "Produkt", "Kwota"]) == "purchases"


def test_a_price_list_is_not_mistaken_for_purchases():
    assert guess_sheet_kind("Price list", ["Product", "Category", "Price (EUR)"]) == "other"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Nõusolek e-kirjadeks", "consent_email"),
        ("Nõusolek SMS-ideks", "consent_sms"),
        ("Sähköpostimarkkinointilupa", "consent_email"),
        ("Tekstiviestimarkkinointilupa", "consent_sms"),
        ("Puhelinmarkkinointilupa", "consent_phone"),
        ("Sutikimas gauti naujienlaiškius", "consent_email"),
        ("Sutikimas gauti SMS", "consent_sms"),
        ("Zgoda na e-mail", "consent_email"),
        ("Zgoda na kontakt telefoniczny", "consent_phone"),
        ("Zgoda na korespondencję pocztową", "consent_post"),
        ("Accepts Email Marketing", "consent_email"),  # Shopify's customers export
        ("Accepts SMS Marketing", "consent_sms"),
        ("Email Marketing Consent", "consent_email"),
    ],
)
def test_consent_headers_in_their_common_phrasings(header, field):
    assert recognise_field("customers", header) == field


@pytest.mark.parametrize(
    "header",
    [
        "E-mail",
        "Telefon",
        "Subscriber Email",
        # The opposite of consent: reading its "yes" as consent would write to people who said no.
        "Unsubscribed from all email",  # HubSpot
        "Unsubscribe Email Campaign",
        "Consent Withdrawn Email",
        "Brak zgody na SMS",
        "Wycofanie zgody e-mail",
        "Atšauktas sutikimas el. paštu",
        # About the consent, not the consent itself.
        "Email consent date",
        "SMS consent timestamp",
        "Nõusoleku kuupäev e-post",
        "Consent Source Email",
        "Data zgody",
        # Other things people accept or agree to.
        "Nõusolek tellimuse kinnitamiseks",
        "Accepts returns by post",
        "Terms agreed by phone",
    ],
)
def test_a_header_that_negates_describes_or_is_not_about_marketing_consent_is_not_a_consent(header):
    assert not str(recognise_field("customers", header)).startswith("consent_")


REAL_HEADERS = {
    # Headers as people and tools write them (none of them the app's own catalogue labels), per sheet and field,
    # in the five languages and in Latvian, Swedish and German, which neighbours' registers use.
    (PURCHASES, "date"): [
        "Kuupäev / kellaaeg",
        "Data (sprzedaży)",
        "Ostukuupäev",
        "Ostopäivä",
        "Pirkimo data",
        "Data zakupu",
        "Data sprzedaży",
        "Pirkuma datums",
        "Köpdatum",
        "Kaufdatum",
        "Order date",
        "Created at",
        "Paid at",
        "Timestamp",
    ],
    (PURCHASES, "amount"): [
        "Summa (€)",
        "Yhteensä",
        "Wartość",
        "Kwota brutto",
        "Summa EUR",
        "Belopp",
        "Betrag",
        "Total",
        "Amount paid",
    ],
    (PURCHASES, "product"): [
        "Prekė",
        "Nazwa produktu",
        "Towar",
        "Prece",
        "Artikel",
        "Lineitem name",
        "Product name",
    ],
    (PURCHASES, "quantity"): [
        "Daudzums",
        "Antal",
        "Menge",
        "Qty",
        "Lineitem quantity",
    ],
    (PURCHASES, "customer_id"): [
        "Asiakas-ID",
        "Kliento ID",
        "ID klienta",
        "Klienta nr",
        "Kundnummer",
        "Kundennummer",
        "Client ID",
    ],
    (FEEDBACK, "text"): [
        "Kommentaar",
        "Kommentti",
        "Komentaras",
        "Komentarz",
        "Treść",
        "Atsauksme",
        "Kommentar",
        "Review text",
    ],
    (FEEDBACK, "rating"): ["Vērtējums", "Betyg", "Bewertung", "Stars"],
    (FEEDBACK, "date"): [
        "Datums",
        "Datum",
        "Timestamp",
        "Completion time",
        "Conversion Date",
        "Aikaleima",
        "Sygnatura czasowa",
    ],
    (ACTIONS, "done"): ["Data kontaktu", "Completed"],
    (ACTIONS, "planned"): ["Suplanuota", "Due date"],
    (ACTIONS, "outcome"): ["Rezultāts", "Resultat", "Ergebnis", "Result"],
    (ACTIONS, "campaign"): ["Kampaņa", "Kampanj", "Kampagne"],
    (CUSTOMERS, "phone"): ["Phone (mobile)", "Telefon (komórkowy)", "Puhelin (työ)"],
    (CUSTOMERS, "email"): ["E-post (töö)", "E-mail / login", "Customer Email", "Email *"],
    (CUSTOMERS, "customer_id"): ["klient_id", "customerID", "Customer ID", "Contact Id", "Record ID"],
    (FEEDBACK, "feedback_id"): ["Record ID", "Submission ID"],
    (FEEDBACK, "customer_id"): ["Contact Id", "Customer ID"],
    (FEEDBACK, "question"): ["Survey Name", "Form name", "Kysely", "Ankieta"],
    (FEEDBACK, "email"): ["Email Address", "Email", "Sähköpostiosoite", "Adres e-mail"],
    (PURCHASES, "name"): ["Billing Name"],
    (PURCHASES, "refunded"): ["Refunded Amount", "Order Refund Amount"],
    (PURCHASES, "order_total"): ["order_total", "Order Total Amount", "Total order value"],
    (PURCHASES, "status"): ["Financial Status", "status", "Status zamówienia"],
    (PURCHASES, "cancelled"): ["Cancelled at"],
    (PURCHASES, "email"): ["customer_email", "billing_email", "Email (Billing)"],
    (PURCHASES, "first_name"): ["billing_first_name", "First Name (Billing)"],
}
NOT_THESE = [
    # Columns of real exports that must not be read as the field next to them (a discount is not the amount).
    (PURCHASES, "Discount Amount"), (PURCHASES, "Shipping"), (PURCHASES, "Taxes"), (PURCHASES, "Fulfillment Status"),
    (PURCHASES, "Subtotal"), (PURCHASES, "Payment Method"), (PURCHASES, "Vendor"), (PURCHASES, "Tracking number"),
    (PURCHASES, "Lineitem compare at price"), (PURCHASES, "Uwagi"), (PURCHASES, "Lisainfo"),
    (ACTIONS, "Owner"), (FEEDBACK, "Start time"), (FEEDBACK, "Recommended by"), (FEEDBACK, "Which room did you stay in?"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "field", "header"), [(kind, field, h) for (kind, field), headers in REAL_HEADERS.items() for h in headers]
)
def test_real_headers_of_every_sheet_in_nine_languages_are_recognised(kind, field, header):
    labels = {i18n.t(f"field.{field}", lang) for lang in i18n.LANGUAGES}
    assert header not in labels  # a header of the world, not one the app wrote itself
    assert recognise_field(kind, header) == field


@pytest.mark.parametrize(("kind", "header"), NOT_THESE)
def test_columns_beside_a_field_are_not_read_as_it(kind, header):
    assert recognise_field(kind, header) is None


def test_every_label_the_app_writes_is_a_word_people_write():
    """The template's headers and the sheets and columns the app adds are recognised from the synonyms
    alone (the app's own labels are not added to them), so a template round trip proves something."""
    from lib.reading.headers import recognise_sheet_name
    from lib.reading.synonyms import FIELD_SYNONYMS, SHEET_SYNONYMS

    for lang in i18n.LANGUAGES:
        for kind, fields in FIELD_SYNONYMS.items():
            assert recognise_sheet_name(i18n.t(f"kind.{kind}", lang)) == kind, (lang, kind)
            for field in fields:
                assert recognise_field(kind, i18n.t(f"field.{field}", lang)) == field, (lang, kind, field)
        assert set(SHEET_SYNONYMS) == set(FIELD_SYNONYMS)
