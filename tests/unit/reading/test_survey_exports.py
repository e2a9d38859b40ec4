"""Survey, form and review exports opened on their own: the answers are the feedback, respondents prospects.

Each file is written here from the public layout of the tool that makes it (Google Forms' CSV download,
Microsoft Forms' Excel download, HubSpot's survey and form submission exports, a shop's review export) and
read as a person reads it: ``python -m lib report FILE --json`` and ``python -m lib feedback FILE --json``.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from lib.reading.headers import recognise_field
from lib.schema import FEEDBACK
from tests.conftest import write_xlsx
from tests.unit.cli.test_cli import run
from tests.unit.reading.test_exports_people_have import codes, report


def items(path: Path) -> list[dict]:
    result = run("feedback", str(path), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


GOOGLE_FORMS = (
    "Timestamp,Email Address,How likely are you to recommend us to a friend or colleague?,"
    "What did you like most?,What could we do better?\r\n"
    '2026/10/03 9:14:22 AM GMT+3,anna@example.com,9,"The staff were friendly, and the sauna was clean",'
    "Longer opening hours on Sundays\r\n"
    "2026/10/04 6:01:09 PM GMT+3,,4,,Way too expensive for what you get\r\n"
    "2026/10/05 11:30:00 AM GMT+3,Mark@Example.com,10,Everything,\r\n"
    "2026/10/06 8:00:00 AM GMT+3,,7,,\r\n"
    "2026/10/07 8:30:00 PM GMT+3,anna@example.com,,,The parking lot is always full\r\n"
)


def test_a_google_forms_download_is_feedback_each_answer_an_item_and_its_respondents_prospects(tmp_path):
    path = tmp_path / "Customer survey (Responses).csv"
    path.write_bytes(GOOGLE_FORMS.encode("utf-8-sig"))

    found = report(path)

    assert found["shape"] == "feedback_only"
    assert found["identity"]["key"] == "email"
    assert (found["customers"], found["ladder"]["prospect"]) == (2, 2)  # Anna (twice) and Mark; two anonymous
    assert found["feedback"] == 6  # each written answer, and the response that only gave a score
    assert found["nps"] == 25.0  # 9 and 10 promote, 4 detracts, 7 is passive: each response counted once
    assert (found["figures"]["first_date"], found["figures"]["last_date"]) == (None, None)  # nothing bought
    assert found["problems"] == []
    assert found["themes"]["price"] == 1 and found["themes"]["parking"] == 1

    said = items(path)
    assert [(i["row"], i["question"], i["rating"]) for i in said[:2]] == [
        (2, "What did you like most?", 9.0),
        (2, "What could we do better?", None),  # the score belongs to the response, counted on its first item
    ]
    assert {"staff", "cleanliness"} <= set(said[0]["themes"]) and said[1]["themes"] == ["opening_hours"]
    assert [i["row"] for i in said] == [2, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("How likely is it that you would recommend us to a friend?", "en"),
        ("Kui tõenäoliselt soovitaksite meid sõbrale või kolleegile?", "et"),
        ("Kuinka todennäköisesti suosittelisit meitä ystävällesi?", "fi"),
        ("Ar rekomenduotumėte mus draugui ar kolegai?", "lt"),
        ("Czy poleciłbyś nas znajomemu? (0-10)", "pl"),
        ("Jak bardzo jesteś zadowolony z wizyty?", "pl"),
        ("Kuinka tyytyväinen olit käyntiisi?", "fi"),
        ("How satisfied were you with your stay?", "en"),
    ],
)
def test_a_long_question_asking_for_a_recommendation_or_satisfaction_is_the_rating(header, lang):
    assert recognise_field(FEEDBACK, header) == "rating"


@pytest.mark.parametrize("header", ["Recommended by", "Satisfaction survey sent", "Soovitaja nimi"])
def test_a_header_that_is_not_a_question_is_not_a_rating_for_naming_recommending(header):
    assert recognise_field(FEEDBACK, header) is None


def test_a_question_that_asks_why_in_words_is_an_answer_even_if_it_names_recommending(tmp_path):
    path = tmp_path / "Kysely.csv"
    path.write_text(
        "Aikaleima;Kuinka todennäköisesti suosittelisit meitä ystävällesi?;"
        "Mitä suosittelisit meidän muuttavan?\n"
        "3.11.2026 10.02.11;8;Hinnat ovat liian korkeat\n"
        "4.11.2026 12.00.00;10;\n",
        encoding="utf-8",
    )

    found = report(path)

    assert found["mapping"]["Kysely"] == {
        "Aikaleima": "date",
        "Kuinka todennäköisesti suosittelisit meitä ystävällesi?": "rating",
    }
    assert (found["feedback"], found["nps"]) == (2, 50.0)
    assert [p for p in codes(found) if p[2].startswith("unreadable")] == []


def test_a_microsoft_forms_hotel_survey_with_anonymous_responses_gives_csat_and_no_false_addresses(tmp_path):
    path = write_xlsx(
        tmp_path / "Guest survey(1-4).xlsx",
        {
            "Sheet1": [
                [
                    "ID",
                    "Start time",
                    "Completion time",
                    "Email",
                    "Name",
                    "How satisfied were you with your stay?",
                    "Which room did you stay in?",
                    "What should we improve before your next visit?",
                ],
                [
                    1,
                    "11/2/26 9:01:55",
                    datetime(2026, 11, 2, 9, 3, 10),
                    "anonymous",
                    "anonymous",
                    5,
                    "Sea view",
                    "Nothing at all",
                ],
                [
                    2,
                    "11/3/26 18:20:01",
                    datetime(2026, 11, 3, 18, 22, 45),
                    "anonymous",
                    "anonymous",
                    2,
                    "12",
                    "The room was not clean and the breakfast queue was long",
                ],
                [3, "11/4/26 7:40:00", datetime(2026, 11, 4, 7, 41, 30), "liis@kask.ee", "Liis Kask", 4, "", ""],
            ]
        },
    )

    found = report(path)

    assert found["shape"] == "feedback_only"
    assert found["customers"] == 1  # only Liis said who she is; "anonymous" is nobody, not an address
    assert found["feedback"] == 3 and found["csat"] == pytest.approx(66.7, abs=0.1)  # 5 and 4 of 5 satisfied
    assert not [c for c in codes(found) if c[2] in ("invalid_email", "unreadable_date")]
    assert found["as_of"] == "2026-11-04"  # the day of the last answer: the completion time, an Excel date
    negative = next(i for i in items(path) if i["row"] == 3)
    assert "cleanliness" in negative["themes"] and negative["question"].startswith("What should we improve")


def test_hubspot_feedback_submissions_link_each_rating_to_its_contact(tmp_path):
    path = tmp_path / "hubspot-feedback-submissions.csv"
    path.write_text(
        "Record ID,Contact Id,Rating,Date,Survey Name,NPS,CSAT\n"
        "9001,501,10,2026-10-01,Loyalty NPS Q4,Yes,No\n"
        "9002,502,3,2026-10-02,Loyalty NPS Q4,Yes,No\n"
        "9003,501,9,2026-11-01,Loyalty NPS Q4,Yes,No\n",
        encoding="utf-8",
    )

    found = report(path)

    assert (found["customers"], found["feedback"], found["identity"]["key"]) == (2, 3, "customer_id")
    assert found["mapping"]["hubspot-feedback-submissions"]["Contact Id"] == "customer_id"
    assert found["mapping"]["hubspot-feedback-submissions"]["Record ID"] == "feedback_id"
    assert found["nps"] == pytest.approx(33.3, abs=0.1)
    assert [i["question"] for i in items(path)] == ["Loyalty NPS Q4"] * 3


def test_a_hubspot_form_with_a_score_and_a_reason_in_polish_links_to_the_customers_of_the_same_workbook(tmp_path):
    path = write_xlsx(
        tmp_path / "rejestr.xlsx",
        {
            "Klienci": [["Nr klienta", "Imię i nazwisko", "E-mail"], ["K1", "Anna Nowak", "anna@nowak.pl"]],
            "Formularz": [
                [
                    "Conversion Date",
                    "Email",
                    "Jak bardzo prawdopodobne jest, że polecisz nas znajomemu?",
                    "Jaki jest główny powód Twojej oceny?",
                ],
                ["2026-11-20", "ANNA@nowak.pl", 10, "Miła obsługa i czysto"],
                ["2026-11-21", "jan@kowalski.pl", 2, "Za drogo"],
            ],
        },
    )

    found = report(path)

    assert (found["shape"], found["customers"], found["feedback"]) == ("full", 1, 2)
    assert ("Formularz", 3) in {(p["sheet"], p["row"]) for p in found["problems"] if p["code"] == "unknown_customer"}
    said = items(path)
    assert said[0]["question"] == "Jaki jest główny powód Twojej oceny?" and said[0]["rating"] == 10.0


def test_a_review_export_in_tabs_is_read_with_its_month_named_dates(tmp_path):
    path = tmp_path / "amazon_alexa.tsv"
    path.write_text(
        "rating\tdate\tvariation\tverified_reviews\tfeedback\n"
        "5\t31-Jul-18\tCharcoal Fabric \tLove my Echo!\t1\n"
        "2\t30-Jul-18\tWalnut Finish \tSound quality is poor and it was too expensive\t0\n"
        "4\t29-Jul-18\tHeather Gray Fabric \t\t1\n",
        encoding="utf-8",
    )

    found = report(path)

    assert (found["shape"], found["customers"], found["feedback"]) == ("feedback_only", 0, 3)
    assert (found["csat"], found["problems"]) == (pytest.approx(66.7, abs=0.1), [])
    assert found["mapping"]["amazon_alexa"] == {"rating": "rating", "date": "date", "verified_reviews": "text"}


def test_a_survey_export_with_its_questions_and_no_answers_says_no_answers_yet(tmp_path):
    path = tmp_path / "Küsitlus.csv"
    path.write_bytes("Ajatempel,Kui tõenäoliselt soovitaksite meid sõbrale?,Mida võiksime paremini teha?\r\n".encode())

    result = run("report", str(path), "--json")

    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [result.stderr.strip()] and "no answers yet" in result.stderr


def test_a_customers_sheet_with_a_recommendation_score_among_its_columns_stays_the_customers(tmp_path):
    path = write_xlsx(
        tmp_path / "register.xlsx",
        {
            "Customers": [
                ["Customer id", "Name", "E-mail consent", "How likely are you to recommend us to a friend?"],
                ["C1", "Ann", "yes", 9],
                ["C2", "Ben", "no", 4],
            ]
        },
    )

    found = report(path)

    assert (found["customers"], found["feedback"]) == (2, 0)  # read as the customers, not as two answers
    assert found["mapping"]["Customers"]["E-mail consent"] == "consent_email"
