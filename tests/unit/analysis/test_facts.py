"""Selecting customers by any column: lists of tags match any item, yes/no columns by their value."""

from datetime import date

import pandas as pd

from lib.analysis.facts import column_values, default_as_of, select_customers
from tests.conftest import AS_OF


def view():
    return pd.DataFrame(
        {
            "customer_id": ["1", "2", "3", "4"],
            "country": pd.Series(["EE", "FI", "EE", None], dtype="string"),
            "tags": pd.Series(["vip, student", "student", None, "vip"], dtype="string"),
            "consent_email": [True, False, True, False],
        }
    )


def test_a_tag_filter_matches_any_tag_of_the_list():
    assert select_customers(view(), {"tags": ["vip"]})["customer_id"].tolist() == ["1", "4"]
    assert column_values(view(), "tags") == ["vip", "student"]


def test_filters_combine_and_an_empty_filter_accepts_everyone():
    assert select_customers(view(), {"country": ["EE"], "consent_email": ["True"]})["customer_id"].tolist() == [
        "1",
        "3",
    ]
    assert len(select_customers(view(), {"country": [], "tags": []})) == 4
    assert column_values(view(), "consent_email") == ["True", "False"]


def test_an_old_register_is_analysed_as_of_its_last_activity(sample_register):
    register, _ = sample_register
    # the last done action; a feedback typed as 2062 is an error, not activity
    assert default_as_of(register, date(2026, 11, 10)) == date(2026, 11, 10)  # a week old: today
    assert str(default_as_of(register, AS_OF)) == "2026-11-03"  # three weeks without data is not defection
    assert str(default_as_of(register, AS_OF.replace(year=2027))) == "2026-11-03"
