"""Contact lists: nobody without consent, opted out, erased or suppressed; valid unique e-mails; safe files."""

import csv
import io
import re
from datetime import date

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.exports.contacts import ContactList, contact_list, export, safe_text
from lib.schema import CHANNELS
from tests.conftest import AS_OF

COLUMNS = [
    "customer_id",
    "first_name",
    "last_name",
    "name",
    "email",
    "phone",
    "address",
    "postal_code",
    "city",
    "country",
    "language",
    "birth_date",
    "opted_out_at",
    "consent_email",
    "consent_sms",
    "consent_phone",
    "consent_post",
]


def customers(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows).reindex(columns=COLUMNS)
    frame["opted_out_at"] = pd.to_datetime(frame["opted_out_at"])
    frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    for channel in CHANNELS:
        frame[f"consent_{channel}"] = frame[f"consent_{channel}"].astype("boolean")
    for column in (
        "customer_id",
        "first_name",
        "last_name",
        "name",
        "email",
        "phone",
        "address",
        "postal_code",
        "city",
        "country",
        "language",
    ):
        frame[column] = frame[column].astype("string")
    return frame


person = st.fixed_dictionaries(
    {
        "first_name": st.sampled_from(["Mari", "Jüri", "Agnė", "Łukasz", "=cmd", "@sum"]),
        "last_name": st.sampled_from(["Tamm", "Õunapuu", "Żak", "Šimkus"]),
        "email": st.sampled_from(
            [
                "mari@example.com",
                "MARI@example.com ",
                "bad@",
                "",
                None,
                "juri@example.ee",
                "agne@example.lt",
                "=1+1@x.com",
            ]
        ),
        "phone": st.sampled_from(["+372 5123 4567", "5123 4567", "12", None, "+48 600 123 456"]),
        "city": st.sampled_from(["Tallinn", None]),
        "country": st.sampled_from(["EE", "FI", "LT", "PL", "Estonia", None]),
        "opted_out_at": st.sampled_from([None, "2026-01-01", "2027-06-01"]),
        **{f"consent_{c}": st.sampled_from([True, False, None]) for c in CHANNELS},
    }
)


EMAIL_SHAPE = re.compile(r"^[^@\s]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}$")
"""What a usable address looks like, written here apart from the app's own check."""
COUNTRIES = {"EE": "EE", "Estonia": "EE", "FI": "FI", "LT": "LT", "PL": "PL"}
"""The sample's country values as the two-letter codes they mean, written here apart from the app's reading."""


def some_of(data, n: int):
    """Positions in a list of ``n``: often everyone, otherwise any subset (never numbers beyond the list)."""
    return data.draw(st.one_of(st.just(set(range(n))), st.sets(st.integers(0, n - 1))))


@settings(max_examples=60, deadline=None)
@given(
    people=st.lists(person, min_size=1, max_size=25),
    channel=st.sampled_from(CHANNELS),
    exception=st.booleans(),
    data=st.data(),
)
def test_no_list_ever_holds_someone_who_said_no(people, channel, exception, data):
    n = len(people)
    chosen, bought, suppressed = some_of(data, n), some_of(data, n), some_of(data, n)
    frame = customers([{**p, "customer_id": f"C{i}"} for i, p in enumerate(people)])
    ids = [f"C{i}" for i in chosen]
    result = contact_list(
        frame,
        channel,
        AS_OF,
        bought=[f"C{i}" for i in bought],
        suppressed=[f"C{i}" for i in suppressed],
        selection=ids,
        existing_customer_exception=exception,
    )
    on_list = result.rows
    selected = frame[frame["customer_id"].isin(ids)]
    assert len(on_list) + len(result.left_out) == len(selected)
    left = set(result.left_out["customer_id"])
    kept = selected[~selected["customer_id"].isin(left)]
    assert len(kept) == len(on_list)
    for row in kept.itertuples():
        assert not (pd.notna(row.opted_out_at) and row.opted_out_at <= pd.Timestamp(AS_OF))
        assert row.customer_id not in {f"C{i}" for i in suppressed}
        consent = getattr(row, f"consent_{channel}")
        if not (pd.notna(consent) and bool(consent)):  # only the existing-customer exception lets unknown consent in
            assert pd.isna(consent) and exception and channel in ("email", "sms")
            assert row.customer_id in {f"C{i}" for i in bought} and COUNTRIES.get(row.country) in ("EE", "FI", "LT")
    # An address is a person: whoever said no under it (opted out, erased, refused this channel) keeps it off.
    said_no = (
        (frame["opted_out_at"].notna() & (frame["opted_out_at"] <= pd.Timestamp(AS_OF)))
        | frame[f"consent_{channel}"].eq(False).fillna(False)
        | frame["customer_id"].isin([f"C{i}" for i in suppressed])
    )
    if channel == "email":
        emails = on_list["email"]
        assert all(EMAIL_SHAPE.match(e) for e in emails) and emails.is_unique
        assert not set(emails) & set(frame.loc[said_no, "email"].dropna().str.strip().str.lower())
    if channel in ("sms", "phone"):
        refused = {re.sub(r"\D", "", p) for p in frame.loc[said_no, "phone"].dropna() if p.startswith("+")}
        listed = [re.sub(r"\D", "", p) for p in on_list["phone"]]
        assert not [p for p in listed for no in refused if p.endswith(no)]


def test_the_polish_rule_and_the_existing_customer_exception():
    frame = customers(
        [
            {"customer_id": "EE1", "email": "a@example.ee", "country": "EE", "consent_email": None},
            {"customer_id": "PL1", "email": "b@example.pl", "country": "PL", "consent_email": None},
            {"customer_id": "PL2", "email": "c@example.pl", "country": "PL", "consent_email": True},
            {"customer_id": "EE2", "email": "d@example.ee", "country": "EE", "consent_email": False},
        ]
    )
    result = contact_list(frame, "email", AS_OF, bought=["EE1", "PL1", "EE2"], existing_customer_exception=True)
    assert result.rows["email"].tolist() == ["a@example.ee", "c@example.pl"]
    assert result.left_out_counts() == {"no_consent": 1, "country_rule": 1}
    strict = contact_list(frame, "email", AS_OF, bought=["EE1"], existing_customer_exception=False)
    assert strict.rows["email"].tolist() == ["c@example.pl"]


def test_lists_carry_only_what_the_channel_needs_and_birthdays_without_the_year():
    frame = customers(
        [
            {
                "customer_id": "1",
                "first_name": "Mari",
                "last_name": "Tamm",
                "email": "m@example.ee",
                "phone": "5123 4567",
                "country": "EE",
                "birth_date": "1990-03-07",
                "consent_email": True,
                "consent_sms": True,
            }
        ]
    )
    email = contact_list(frame, "email", AS_OF, with_birthday=True)
    assert list(email.rows.columns) == ["email", "first_name", "last_name", "language", "birthday"]
    assert email.rows["birthday"].tolist() == ["07.03"]
    sms = contact_list(frame, "sms", AS_OF)
    assert list(sms.rows.columns) == ["phone", "first_name", "language"] and sms.rows["phone"].tolist() == [
        "+37251234567"
    ]


def sample_list():
    frame = customers(
        [
            {
                "customer_id": "1",
                "first_name": "Jüri",
                "last_name": "Õunapuu",
                "email": "juri@example.ee",
                "consent_email": True,
            },
            {
                "customer_id": "2",
                "first_name": "Łukasz",
                "last_name": "Żak",
                "email": "lukasz@example.pl",
                "consent_email": True,
            },
            {
                "customer_id": "3",
                "first_name": '=HYPERLINK("x")',
                "last_name": "Šimkus",
                "email": "s@example.lt",
                "consent_email": True,
            },
        ]
    )
    return contact_list(frame, "email", date(2026, 11, 23))


def test_the_excel_csv_keeps_letters_and_defuses_formulas():
    data = export(sample_list(), "excel-csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:3] == ["juri@example.ee", "Jüri", "Õunapuu"]
    assert rows[2][1:3] == ["Łukasz", "Żak"] and rows[3][2] == "Šimkus"
    assert rows[3][1] == '\'=HYPERLINK("x")'
    assert safe_text("+37251234567") == "+37251234567" and safe_text("-5") == "'-5"


def test_mailchimp_and_hubspot_headers():
    mailchimp = export(sample_list(), "mailchimp").decode("utf-8")
    assert mailchimp.splitlines()[0] == "Email Address,First Name,Last Name,Language"
    hubspot = export(sample_list(), "hubspot").decode("utf-8")
    assert hubspot.splitlines()[0] == "Email,First Name,Last Name,Preferred language"


def test_the_xlsx_writes_a_name_beginning_with_equals_as_text():
    book = openpyxl.load_workbook(io.BytesIO(export(sample_list(), "xlsx")))
    cell = book.active["B4"]
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'


def test_the_vcard_parses_back():
    text = export(sample_list(), "vcard").decode("utf-8")
    cards = [card for card in text.split("END:VCARD") if "BEGIN:VCARD" in card]
    assert len(cards) == 3
    fields = dict(line.split(":", 1) for line in cards[0].strip().splitlines()[1:])
    assert fields["N"] == "Õunapuu;Jüri;;;" and fields["FN"] == "Jüri Õunapuu"
    assert fields["EMAIL;TYPE=INTERNET"] == "juri@example.ee"


def test_a_vcard_line_break_of_any_kind_in_a_cell_cannot_start_a_property_of_its_own():
    rows = pd.DataFrame({"name": ["Mari\rEMAIL:evil@example.com", "Jaan\u2028TEL:+1"], "phone": ["+37251234567", None]})
    text = export(ContactList("phone", rows, pd.DataFrame(columns=["customer_id", "reason"])), "vcard").decode()
    lines = [line for card in text.split("END:VCARD") for line in card.replace("\r\n", "\n").split("\n")]
    assert not [line for line in lines if line.startswith(("EMAIL", "TEL:+1"))]
    assert "\r" not in text.replace("\r\n", "")
    assert "FN:Mari\\nEMAIL:evil@example.com" in text


def test_a_call_list_from_the_plan_carries_due_date_and_reason_only_for_consenting_people():
    from lib.exports.contacts import call_list

    frame = customers(
        [
            {"customer_id": "1", "name": "Mari Tamm", "phone": "5123 4567", "country": "EE", "consent_phone": True},
            {"customer_id": "2", "name": "Jüri Kask", "phone": "5123 4568", "country": "EE", "consent_phone": False},
        ]
    )
    plan = pd.DataFrame(
        {
            "customer_id": ["1", "2", "1"],
            "rule": ["aftercare", "aftercare", "birthday"],
            "due": pd.to_datetime(["2026-11-20", "2026-11-21", "2026-11-25"]),
            "channel": ["phone", "phone", "sms"],
        }
    )
    reasons = pd.Series(["First purchase 7 days ago", "First purchase 8 days ago", "Birthday in 2 days"])
    calls = call_list(frame, plan, reasons, AS_OF, suppressed=[])
    assert calls.rows.to_dict("records") == [
        {
            "customer_id": "1",
            "due": "20.11.2026",
            "reason": "First purchase 7 days ago",
            "phone": "+37251234567",
            "name": "Mari Tamm",
            "language": None,
        }
    ]
    assert calls.left_out_counts() == {"no_consent": 1}


def test_the_consent_rules_by_country_are_settings():
    from lib.exports.contacts import contacts_for
    from lib.settings import DEFAULTS

    frame = customers(
        [
            {"customer_id": "LV1", "email": "a@example.lv", "country": "LV", "consent_email": None},
            {"customer_id": "DE1", "email": "b@example.de", "country": "DE", "consent_email": None},
        ]
    )
    view = pd.DataFrame({"customer_id": ["LV1", "DE1"], "purchases": [3, 3]})
    on = DEFAULTS.updated({"existing_customer_exception": 1, "exception_countries": "lv; de"})
    assert contacts_for(frame, view, "email", AS_OF, selection=None, suppressed=[], settings=on).rows[
        "email"
    ].tolist() == ["a@example.lv", "b@example.de"]
    strict = on.updated({"prior_consent_countries": "PL, DE"})
    result = contacts_for(frame, view, "email", AS_OF, selection=None, suppressed=[], settings=strict)
    assert result.rows["email"].tolist() == ["a@example.lv"] and result.left_out_counts() == {"country_rule": 1}
    assert (
        strict.prior_consent_countries == "PL, DE"
        and DEFAULTS.updated({"exception_countries": "x, EE"}).exception_countries == "EE"
    )


def test_polish_and_baltic_letters_survive_the_excel_csv():
    frame = customers(
        [
            {
                "customer_id": "1",
                "first_name": "Mściwój",
                "last_name": "Ząbek",
                "email": "m@example.pl",
                "consent_email": True,
            }
        ]
    )
    data = export(contact_list(frame, "email", AS_OF), "excel-csv")
    assert "Mściwój;Ząbek" in data.decode("utf-8-sig")


@pytest.mark.parametrize(
    ("lang", "email", "first_name", "sheet"),
    [
        ("en", "E-mail", "First name", "Contacts"),
        ("et", "E-post", "Eesnimi", "Kontaktid"),
        ("fi", "Sähköposti", "Etunimi", "Yhteystiedot"),
        ("lt", "El. paštas", "Vardas", "Kontaktai"),
        ("pl", "E-mail", "Imię", "Kontakty"),
    ],
)
def test_the_list_is_written_with_column_names_in_the_chosen_language(lang, email, first_name, sheet):
    book = openpyxl.load_workbook(io.BytesIO(export(sample_list(), "xlsx", lang=lang)))
    assert book.sheetnames == [sheet]
    assert [c.value for c in book.active[1]][:2] == [email, first_name]
    text = export(sample_list(), "excel-csv", lang=lang).decode("utf-8-sig")
    assert text.splitlines()[0].split(";")[:2] == [email, first_name]
    assert export(sample_list(), "mailchimp", lang=lang).decode().startswith("Email Address,")  # the importer's own


@pytest.mark.parametrize("channel", ["sms", "phone"])
def test_a_phone_number_someone_said_no_under_stays_off_however_it_is_written(channel):
    """The same number written two ways ("+372 5123 4567", "5123 4567" in Estonia) is one person's: a no from
    one record (no consent, opted out) keeps the other record off the list too."""
    frame = customers(
        [
            {"customer_id": "A", "phone": "+372 5123 4567", "country": "EE", f"consent_{channel}": False},
            {"customer_id": "B", "phone": "5123 4567", "country": "EE", f"consent_{channel}": True},
            {"customer_id": "C", "phone": "+48 600 123 456", "country": "PL", "opted_out_at": "2026-01-01"},
            {"customer_id": "D", "phone": "600 123 456", "country": "PL", f"consent_{channel}": True},
            {"customer_id": "E", "phone": "+372 5999 0000", "country": "EE", f"consent_{channel}": True},
        ]
    )
    result = contact_list(frame, channel, AS_OF)
    assert list(result.rows["phone"].str.replace(" ", "")) == ["+37259990000"]
    assert dict(zip(result.left_out["customer_id"], result.left_out["reason"], strict=True)) == {
        "A": "no_consent",
        "B": "no_consent",
        "C": "opted_out",
        "D": "opted_out",
    }


@pytest.mark.parametrize("channel", ["phone", "sms"])
def test_a_no_under_a_number_written_with_an_extension_or_words_still_holds_for_the_same_number(channel):
    frame = customers(
        [
            {"customer_id": "A", "phone": "+372 5123 4567 ext. 12", "country": "EE", f"consent_{channel}": False},
            {"customer_id": "B", "phone": "5123 4567", "country": "EE", f"consent_{channel}": True},
            {"customer_id": "C", "phone": "tel. 5999 0000", "country": "EE", f"consent_{channel}": True},
            {"customer_id": "D", "phone": "+372 5999 0000", "country": "EE", "opted_out_at": "2026-01-01"},
        ]
    )
    result = contact_list(frame, channel, AS_OF)
    assert result.rows.empty
    assert dict(zip(result.left_out["customer_id"], result.left_out["reason"], strict=True)) == {
        "A": "no_consent",
        "B": "no_consent",
        "C": "opted_out",
        "D": "opted_out",
    }
