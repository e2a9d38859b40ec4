"""Stages, the funnel, migrations, cohorts and economics pinned on hand-built histories."""

import copy
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from lib.analysis.lifecycle import (
    analyse_customers,
    cohort_retention,
    cooling_prospects,
    economics,
    funnel,
    migrations,
    overdue_customers,
    revenue,
    stage_counts,
)
from lib.schema import STAGES
from lib.settings import DEFAULTS, Settings
from tests.conftest import AS_OF, write_xlsx
from tests.unit.history import EXPECTED_STAGE, full_register, read, summary_register

YEAR_AGO = AS_OF - timedelta(days=365)


@pytest.fixture(scope="module")
def _history_once(tmp_path_factory):
    return full_register(tmp_path_factory.mktemp("history"))


@pytest.fixture
def history(_history_once):
    """The register with its history, a copy of the test's own (read once per module)."""
    return copy.deepcopy(_history_once)


def view_on(register, day):
    return analyse_customers(register, day, DEFAULTS)


def stages_of(register, settings=DEFAULTS):
    view = analyse_customers(register, AS_OF, settings)
    return dict(zip(view["customer_id"], view["stage"].astype(str), strict=True))


def test_every_stage_rule_gives_its_stage(history):
    assert stages_of(history) == EXPECTED_STAGE


def test_stage_counts_are_in_funnel_order_with_zeros(history):
    counts = stage_counts(analyse_customers(history, AS_OF, DEFAULTS))
    assert list(counts) == list(STAGES)
    assert counts == {
        "prospect_cold": 2,
        "prospect_warm": 1,
        "prospect_hot": 1,
        "trial": 6,
        "development": 2,
        "defected": 1,
        "won_back": 1,
    }


def test_stages_agree_between_purchases_sheet_and_summary_columns(history, tmp_path):
    from_summary = stages_of(summary_register(tmp_path))
    from_purchases = stages_of(history)
    # Summary columns cannot show a gap in the buying, so a win-back reads as development there.
    assert from_summary.pop("WON-BACK") == "development"
    from_purchases.pop("WON-BACK")
    assert from_summary == from_purchases


def test_stage_thresholds_are_settings(history):
    assert stages_of(history, Settings(trial_days=30))["LOYAL"] == "development"
    assert stages_of(history, Settings(trial_days=30))["PARTNER"] == "development"
    assert stages_of(history, Settings(won_back_days=30))["WON-BACK"] == "development"


def test_migrations_between_two_dates(history):
    flows = migrations(view_on(history, YEAR_AGO), view_on(history, AS_OF))
    found = {(row["from"], row["to"]): row["customers"] for _, row in flows.iterrows()}
    assert found == {
        ("new", "partner"): 1,
        ("new", "loyal"): 2,  # MARKED-LOST: marked lost, but bought three times since
        ("new", "occasional"): 5,
        ("prospect", "prospect"): 4,
        ("occasional", "former"): 1,
        ("former", "loyal"): 1,
    }


def test_migrations_from_a_date_before_anyone_was_in_the_register(history):
    nobody = view_on(history, YEAR_AGO).iloc[0:0]  # a register that starts within the period
    flows = migrations(nobody, view_on(history, AS_OF))
    assert set(flows["from"]) == {"new"}
    assert flows["customers"].sum() == view_on(history, AS_OF)["relationship"].notna().sum()


def test_funnel_over_a_period(history):
    steps = funnel(view_on(history, YEAR_AGO), view_on(history, AS_OF))
    assert steps["customers"].tolist() == [12, 8, 6, 3]
    assert steps["rate"].tolist() == [1.0, round(8 / 12, 4), 0.75, 0.5]


def test_economics_of_a_period(history):
    money = economics(view_on(history, YEAR_AGO), view_on(history, AS_OF), DEFAULTS, history, YEAR_AGO, AS_OF)
    assert (money.active_at_start, money.lost, money.churn_rate, money.retention_rate) == (1, 1, 1.0, 0.0)
    # Bought in the period: nine customers, seven of them on two days or more (ONE-DAY and SINGLE-OLD once).
    assert money.repeat_rate == round(7 / 9, 4)
    assert money.revenue_at_stake == 30.0  # FORMER's three 10 € visits in the year before leaving
    assert money.cost_to_keep_lost == DEFAULTS.retention_cost and money.cost_to_replace_lost == 200.0
    # WON-BACK was former a year ago and buys again: the period's win-back rate is 1 of 1.
    assert money.win_back_rate == 1.0 and money.former_last_year == 1 and money.win_back_value == 30.0
    # LOYAL (5 visits, one returned), WON-BACK (4 visits) and MARKED-LOST (3 visits)
    assert money.value_by_class["loyal"] == round(110 / 3, 2)
    shorter = economics(
        view_on(history, AS_OF - timedelta(days=30)),
        view_on(history, AS_OF),
        DEFAULTS,
        history,
        AS_OF - timedelta(days=30),
        AS_OF,
    )
    assert shorter.repeat_rate != money.repeat_rate  # the repeat rate follows the period


def test_cooling_prospects_and_overdue_customers(history):
    view = analyse_customers(history, AS_OF, DEFAULTS)
    cooling = cooling_prospects(view, DEFAULTS)
    assert cooling["customer_id"].tolist() == ["P-DERIVED-WARM"]  # P-HOT never answered: cold, not cooling
    assert cooling["silent_days"].tolist() == [60.0]
    overdue = overdue_customers(view)
    assert overdue["customer_id"].tolist() == ["IRREGULAR", "SINGLE-OLD"]  # 228 and 205 days past expected
    assert cooling_prospects(view, Settings(cooling_days=70)).empty


def test_cohort_retention_on_a_hand_built_history(tmp_path):
    customers = [["Customer id", "Name"], ["A", "Anna"], ["B", "Bert"], ["C", "Carl"]]
    purchases = [
        ["Customer id", "Date", "Amount"],
        ["A", date(2026, 1, 5), 10],
        ["A", date(2026, 2, 10), 10],
        ["A", date(2026, 4, 1), 10],
        ["B", date(2026, 1, 20), 10],
        ["B", date(2026, 2, 2), 10],
        ["B", date(2026, 2, 3), -10],
        ["C", date(2026, 2, 15), 10],
        ["C", date(2026, 3, 15), 10],
        ["C", date(2026, 6, 1), 10],
    ]
    register = read(write_xlsx(tmp_path / "cohorts.xlsx", {"Customers": customers, "Purchases": purchases}))
    table = cohort_retention(register, date(2026, 4, 30))
    assert table.index.tolist() == ["2026-01", "2026-02"]
    assert table["customers"].tolist() == [2, 1]
    assert table.loc["2026-01", [0, 1, 2, 3]].tolist() == [1.0, 1.0, 0.0, 0.5]
    feb = table.loc["2026-02", [0, 1, 2, 3]].tolist()
    assert feb[:3] == [1.0, 1.0, 0.0] and np.isnan(feb[3])  # May 2026 has not happened on 30 April


def test_cohorts_need_a_purchases_sheet(tmp_path):
    assert cohort_retention(summary_register(tmp_path), AS_OF).empty


def test_revenue_is_after_returns(history, sample_register):
    assert revenue(history) == 10.0 * 30 - 10.0  # 30 purchase rows, one return
    register, _ = sample_register
    assert revenue(register) == 907_432.0


def test_class_columns_for_the_export_are_in_words(history):
    from lib.analysis.lifecycle import class_columns

    words = class_columns(analyse_customers(history, AS_OF, DEFAULTS), DEFAULTS).set_index("customer_id")
    assert words.loc["WON-BACK"].tolist() == [
        "Loyal customer",
        "4 purchases, last 22 days ago: within the usual rhythm of about every 345 days",
        "Won back",
        "Cannot lose them",
        "Other active buyers",
    ]  # R 2 among ten buyers, F 5
    assert words.loc["P-COLD", ["relationship", "stage"]].tolist() == ["Prospect", "Cold prospect"]
    assert words.loc["P-COLD", ["rfm_group", "value_tier"]].tolist() == ["Not scored (no purchase)", "No purchase"]


def test_the_sample_tells_the_same_story_from_summary_columns(sample_register, tmp_path):
    """The sample's customers rewritten as one sheet with summary columns get the same classes and stages."""
    register, _ = sample_register
    view = analyse_customers(register, AS_OF, DEFAULTS)
    customers = [
        [
            "Customer id",
            "Name",
            "Customer since",
            "Lead temperature",
            "Relationship",
            "Buys elsewhere",
            "Last purchase",
            "Number of purchases",
            "Total spent",
        ]
    ]
    for row in view.itertuples():
        bought = row.purchases > 0
        customers.append(
            [
                row.customer_id,
                row.name,
                (row.first_purchase if bought else row.first_contact).date(),
                row.lead_temperature if isinstance(row.lead_temperature, str) else None,
                row.marked_class if isinstance(row.marked_class, str) else None,
                "yes" if pd.notna(row.buys_elsewhere) and bool(row.buys_elsewhere) else None,
                row.last_purchase.date() if bought else None,
                row.purchases if bought else None,
                row.value if bought else None,
            ]
        )
    feedback = register.feedback
    actions = register.actions
    sheets = {
        "Customers": customers,
        "Feedback": [
            ["Customer id", "Date", "Type"],
            *[
                [c, d.date(), k]
                for c, d, k in zip(feedback["customer_id"], feedback["date"], feedback["kind"], strict=True)
                if isinstance(c, str) and not pd.isna(d)
            ],
        ],
        "Actions": [
            ["Customer id", "Done", "Type", "Outcome"],
            *[
                [c, d.date(), k, o if isinstance(o, str) else None]
                for c, d, k, o in zip(
                    actions["customer_id"], actions["done"], actions["kind"], actions["outcome"], strict=True
                )
                if isinstance(c, str) and not pd.isna(d)
            ],
        ],
    }
    summary = analyse_customers(read(write_xlsx(tmp_path / "summary.xlsx", sheets)), AS_OF, DEFAULTS)
    assert summary["customer_id"].tolist() == view["customer_id"].tolist()
    differ = summary["relationship"] != view["relationship"]
    assert not differ.any(), (
        pd.concat(
            [
                view.loc[
                    differ,
                    [
                        "customer_id",
                        "relationship",
                        "reason",
                        "purchases",
                        "days_since_last",
                        "rhythm_days",
                        "rhythm_window_days",
                        "interval_days",
                    ],
                ],
                summary.loc[
                    differ, ["relationship", "reason", "purchases", "days_since_last", "rhythm_days", "interval_days"]
                ],
            ],
            axis=1,
        )
        .head(8)
        .to_string()
    )
    won_back = (view["stage"] == "won_back").to_numpy()
    assert won_back.sum() > 0  # summary columns cannot show the gap a win-back needs
    assert (summary["stage"].to_numpy()[~won_back] == view["stage"].to_numpy()[~won_back]).all()
