"""Values as people type them are read correctly, and what cannot be read is flagged, not guessed."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.reading.values import (
    invalid_emails,
    parse_bools,
    parse_choices,
    parse_counts,
    parse_dates,
    parse_ids,
    parse_numbers,
    unreadable_phones,
)


@pytest.mark.parametrize(
    "typed",
    [
        "31.10.2026",
        "2026-10-31",
        "31/10/2026",
        "31-10-2026",
        "2026-10-31 00:00:00",
        "31.10.26",
        "2026/10/31",
        "46326",
        "31.10.2026.",
    ],
)
def test_dates_written_every_usual_way_read_as_the_same_day(typed):
    dates, bad = parse_dates(pd.Series([typed]))
    assert dates.iloc[0] == pd.Timestamp("2026-10-31")
    assert not bad.iloc[0]


def test_day_first_wins_and_month_first_only_when_day_first_is_impossible():
    dates, _ = parse_dates(pd.Series(["03.04.2026", "04/13/2026"]))
    assert dates.tolist() == [pd.Timestamp("2026-04-03"), pd.Timestamp("2026-04-13")]


SLASHED = {"day_first": "{d}/{m}/{y}", "month_first": "{m}/{d}/{y}", "dotted": "{d}.{m}.{y}", "iso": "{y}-{m}-{d}"}


@settings(deadline=None)
@given(
    days=st.lists(st.dates(min_value=date(1950, 1, 1), max_value=date(2035, 12, 31)), min_size=1, max_size=25),
    style=st.sampled_from(sorted(SLASHED)),
    padded=st.booleans(),
    clock=st.sampled_from(["", " 14:05", " 09:30:59"]),
)
def test_a_column_of_dates_reads_as_the_days_written_whichever_way_the_column_writes_them(days, style, padded, clock):
    """A column is written one way (a European register day first, a US tool's export month first, with or
    without leading zeros and a time of day); where every cell reads both ways, day first wins."""

    def written(day: date) -> str:
        d, m = (f"{day.day:02}", f"{day.month:02}") if padded or style == "iso" else (str(day.day), str(day.month))
        return SLASHED[style].format(d=d, m=m, y=day.year) + (clock if "/" in SLASHED[style] else "")

    dates, bad = parse_dates(pd.Series([written(day) for day in days]))
    if style == "month_first" and all(day.day <= 12 for day in days):  # nothing in the column says month first
        expected = [date(day.year, day.day, day.month) for day in days]
    else:
        expected = days
    assert dates.dt.date.tolist() == expected
    assert not bad.any()


def test_a_google_forms_timestamp_column_is_read_month_first_in_a_real_workbook(tmp_path):
    """Google Forms in a US locale writes ``11/23/2026 14:05:00`` as text; the early-month answers
    (``11/5/2026``) follow the column, not the European default."""
    from lib.reading.register import build_register
    from lib.reading.workbook import read_workbook
    from tests.conftest import write_xlsx

    sheet = [["Customer id", "Date", "Amount"], ["A", "11/5/2026 09:12:44", 10], ["B", "11/23/2026 14:05:00", 20]]
    path = write_xlsx(tmp_path / "orders.xlsx", {"Purchases": sheet})
    register, _ = build_register(read_workbook(path.read_bytes(), path.name))
    assert register.purchases["date"].dt.date.tolist() == [date(2026, 11, 5), date(2026, 11, 23)]


def test_unreadable_dates_are_flagged_and_blanks_are_not():
    dates, bad = parse_dates(pd.Series(["sometime in May", "31.13.2026", None, "  "]))
    assert dates.isna().all()
    assert bad.tolist() == [True, True, False, False]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1 234,50 €", 1234.5),
        ("1.234,50", 1234.5),
        ("1,234.50", 1234.5),
        ("12,5", 12.5),
        ("12.5", 12.5),
        ("(12,50)", -12.5),
        ("-12.5 zł", -12.5),
        ("PLN 99", 99.0),
        ("1\u00a0000", 1000.0),
        ("EUR 49,00", 49.0),
        ("1.234.567", 1234567.0),
        ("7", 7.0),
    ],
)
def test_amounts_with_decimal_commas_thousand_separators_and_currency(typed, expected):
    numbers, bad = parse_numbers(pd.Series([typed]))
    assert numbers.iloc[0] == pytest.approx(expected)
    assert not bad.iloc[0]


def test_text_in_an_amount_column_is_flagged():
    _numbers, bad = parse_numbers(pd.Series(["twelve euros", "", None]))
    assert bad.tolist() == [True, False, False]


@given(st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False))
def test_any_amount_written_with_a_decimal_comma_reads_back(amount):
    typed = f"{amount:.2f}".replace(".", ",")
    numbers, bad = parse_numbers(pd.Series([typed]))
    assert not bad.iloc[0]
    assert numbers.iloc[0] == pytest.approx(float(amount))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("TAK", True),
        ("nie", False),
        ("jah", True),
        ("ei", False),
        ("kyllä", True),
        ("Taip", True),
        ("ne", False),
        ("yes", True),
        ("no", False),
        ("x", True),
        ("1", True),
        ("0", False),
        ("03.01.2025", True),
    ],
)
def test_yes_no_words_in_five_languages(typed, expected):
    values, bad = parse_bools(pd.Series([typed]))
    assert values.iloc[0] is expected or values.iloc[0] == expected
    assert not bad.iloc[0]


def test_a_word_that_is_neither_yes_nor_no_is_flagged():
    values, bad = parse_bools(pd.Series(["maybe"]))
    assert pd.isna(values.iloc[0]) and bad.iloc[0]


def test_class_words_in_the_users_language_map_to_codes_and_unknown_words_are_kept():
    codes, unknown = parse_choices(pd.Series(["Püsiklient", "stały klient", "kanta-asiakas", "VIP"]), "relationship")
    assert codes.tolist() == ["loyal", "loyal", "loyal", "vip"]
    assert unknown.tolist() == [False, False, False, True]


def test_ids_stay_text_and_number_cells_lose_their_decimal_zero():
    assert parse_ids(pd.Series(["100001.0", "00123", " A-7 "])).tolist() == ["100001", "00123", "A-7"]


def test_counts_must_be_whole_numbers():
    counts, bad = parse_counts(pd.Series(["3", "2,5", "abc"]))
    assert counts.iloc[0] == 3
    assert bad.tolist() == [False, True, True]


def test_email_syntax_is_checked_without_sending_anything():
    bad = invalid_emails(pd.Series(["anna@example.pl", "maria.tamm@", "jonas@@post.lt", "piotr at wp.pl", None]))
    assert bad.tolist() == [False, True, True, True, False]


@pytest.mark.parametrize(
    ("phone", "readable"),
    [
        ("+372 5123 4567", True),
        ("00372 5123 4567", True),
        ("5123 4567", True),
        ("+48 600-123-456", True),
        ("(040) 765 4321", True),
        ("+358\u202f40\u202f765\u202f4321", True),  # narrow no-break spaces, as a phone's contact card writes
        ("+48\u00a0600\u2009123\u2007456", True),
        ("ask at reception", False),
        ("12", False),
        ("+372 51", False),
        ("5123 4567 ext 2", False),
        ("++372 5123 4567", False),
    ],
)
def test_phone_numbers_that_can_be_read(phone, readable):
    assert unreadable_phones(pd.Series([phone])).tolist() == [not readable]


def test_email_with_letters_beyond_ascii_is_checked_by_the_full_rules():
    bad = invalid_emails(pd.Series(["jüri@näide.ee", "jüri@@näide.ee", "a.b@c.d.ee", "a..b@c.ee"]))
    assert bad.tolist() == [False, True, False, True]


def test_a_choice_column_holding_only_words_the_app_does_not_know_is_kept_and_flagged():
    """A class column that says "VIP" and "Gold" everywhere: nothing maps, every word is kept as written
    (lower case) and flagged for the quality report, and the register still opens."""
    from lib.reading.values import parse_choices

    codes, unknown = parse_choices(pd.Series(["VIP", None, "Gold"], dtype="string[pyarrow]"), "relationship")
    assert codes.tolist()[0::2] == ["vip", "gold"] and pd.isna(codes.iloc[1])
    assert unknown.tolist() == [True, False, True]
