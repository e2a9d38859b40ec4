"""Each rule of the ladder pinned on a hand-built history; RFM on five customers and on the sample."""

import copy
from datetime import timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.analysis.facts import customer_facts
from lib.analysis.ladder import classify_customers, ladder_counts, reason_texts, rfm_grid
from lib.schema import CLASSES, RFM_GROUPS
from lib.settings import DEFAULTS, Settings
from tests.conftest import AS_OF, write_xlsx
from tests.unit.history import EXPECTED_CLASS, EXPECTED_REASON, full_register, read, summary_register


@pytest.fixture(scope="module")
def _history_once(tmp_path_factory):
    return full_register(tmp_path_factory.mktemp("history"))


@pytest.fixture
def history(_history_once):
    """The register with its history, a copy of the test's own (read once per module)."""
    return copy.deepcopy(_history_once)


def classified(register, settings=DEFAULTS):
    facts = customer_facts(register, AS_OF, settings)
    return pd.concat([facts, classify_customers(facts, settings).drop(columns="customer_id")], axis=1).set_index(
        "customer_id"
    )


def test_every_class_rule_gives_its_class_and_reason(history):
    view = classified(history)
    assert view["relationship"].astype(str).to_dict() == EXPECTED_CLASS
    assert {cid: view.loc[cid, "reason"] for cid in EXPECTED_REASON} == EXPECTED_REASON


def test_a_class_marked_in_the_register_gives_way_to_later_purchases_and_says_both(history):
    view = classified(history)
    assert view.loc["MARKED-LOST", "class_source"] == "rule"
    assert view.loc["LOYAL", "class_source"] == "rule"
    text = reason_texts(view.loc[["MARKED-LOST"]], DEFAULTS).iloc[0]
    assert text == "Marked as Former customer in the register; bought on 13/11/2026, now Loyal customer"


def test_reasons_quote_the_figures_behind_the_class(history):
    view = classified(history)
    texts = reason_texts(view.loc[["LOYAL", "IRREGULAR", "FORMER", "ONE-DAY"]], DEFAULTS).to_dict()
    assert texts["LOYAL"] == "5 purchases, last 10 days ago: within the usual rhythm of about every 28 days"
    assert texts["IRREGULAR"] == "3 purchases, last 258 days ago: past the usual rhythm of about every 30 days"
    assert texts["FORMER"] == "No purchase for 479 days, longer than the churn horizon of 365 days"
    assert texts["ONE-DAY"] == "1 purchase, 3 days ago: fewer than 3 purchases"


def test_visits_count_days_not_rows_and_returns_reduce_value_only(history):
    facts = customer_facts(history, AS_OF, DEFAULTS).set_index("customer_id")
    assert facts.loc["ONE-DAY", "purchases"] == 1
    assert facts.loc["LOYAL", "purchases"] == 5 and facts.loc["LOYAL", "value"] == 40.0
    assert facts.loc["LOYAL", "interval_days"] == 28.2
    assert facts.loc["LOYAL", "open_complaints"] == 1 and facts.loc["PARTNER", "feedback_idea"] == 1
    assert facts.loc["IRREGULAR", "overdue"] and not facts.loc["LOYAL", "overdue"]
    assert str(facts.loc["LOYAL", "expected_next"].date()) == "2026-12-11"


def test_facts_as_of_an_earlier_day_ignore_what_came_after(history):
    facts = customer_facts(history, AS_OF - timedelta(days=365), DEFAULTS).set_index("customer_id")
    assert facts.loc["FORMER", "purchases"] == 3
    assert facts.loc["WON-BACK", "purchases"] == 2
    assert not facts.loc["LOYAL", "known"] and facts.loc["P-COLD", "known"]
    assert facts.loc["PARTNER", "feedback_idea"] == 0


def test_thresholds_are_settings(history):
    stricter = Settings(loyal_min_purchases=6)
    assert classified(history, stricter).loc["LOYAL", "relationship"] == "occasional"
    shorter = Settings(churn_horizon_days=200)
    assert classified(history, shorter).loc["IRREGULAR", "relationship"] == "former"
    no_partners = Settings(partner_feedback_days=30)
    assert classified(history, no_partners).loc["PARTNER", "relationship"] == "loyal"


def test_ladder_counts_list_all_five_classes_with_zeros(history):
    counts = ladder_counts(classified(history).iloc[:4])
    assert list(counts) == list(CLASSES)
    assert counts == {"partner": 0, "loyal": 0, "occasional": 0, "prospect": 4, "former": 0}


def test_prospect_temperature_from_the_register_or_from_recent_contact(history):
    view = classified(history)
    assert view.loc["P-HOT-FRESH", ["temperature", "temperature_source"]].tolist() == ["hot", "register"]
    assert view.loc["P-HOT", ["temperature", "temperature_source"]].tolist() == ["cold", "register_cooled"]
    assert view.loc["P-DERIVED-WARM", ["temperature", "temperature_source"]].tolist() == ["warm", "contact"]
    assert pd.isna(view.loc["LOYAL", "temperature"])


def test_classes_agree_between_purchases_sheet_and_summary_columns(history, tmp_path):
    from_purchases = classified(history)
    from_summary = classified(summary_register(tmp_path))
    assert from_summary["relationship"].astype(str).to_dict() == from_purchases["relationship"].astype(str).to_dict()
    assert (from_summary["reason"] == from_purchases["reason"]).all()


def rfm_register(tmp_path):
    """Five customers, each better than the next on recency, frequency and value."""
    customers = [["Customer id", "Name"], *[[f"C{i}", f"Customer {i}"] for i in range(1, 6)]]
    purchases = [["Customer id", "Date", "Amount"]]
    for i, (visits, last) in enumerate([(5, 2), (4, 10), (3, 30), (2, 100), (1, 200)], start=1):
        purchases += [[f"C{i}", AS_OF - timedelta(days=last + 7 * k), 10.0 * (6 - i)] for k in range(visits)]
    return read(write_xlsx(tmp_path / "rfm.xlsx", {"Customers": customers, "Purchases": purchases}))


def test_rfm_on_five_customers_spreads_scores_one_to_five(tmp_path):
    view = classified(rfm_register(tmp_path))
    assert view["r"].tolist() == [5, 4, 3, 2, 1]
    assert view["f"].tolist() == [5, 4, 3, 2, 1]
    assert view["m"].tolist() == [5, 4, 3, 2, 1]
    assert view["rfm_group"].astype(str).tolist() == [
        "champions",
        "loyal",
        "need_attention",
        "hibernating",
        "hibernating",
    ]
    assert rfm_grid(view).loc[5, 5] == 1 and int(rfm_grid(view).to_numpy().sum()) == 5


def test_rfm_on_the_sample_forms_quintiles_and_scores_every_buyer(sample_register):
    register, _ = sample_register
    view = classified(register)
    buyers = view[view["purchases"] > 0]
    assert buyers["rfm_group"].isin(RFM_GROUPS).all()
    assert (view.loc[view["purchases"] == 0, "rfm_group"] == "not_scored").all()
    shares = buyers["m"].value_counts(normalize=True)
    assert sorted(shares.index) == [1, 2, 3, 4, 5]
    assert shares.between(0.18, 0.22).all()  # values are nearly all distinct: true quintiles


def test_value_tiers_after_seed_003(sample_register):
    register, _ = sample_register
    view = classified(register)
    active = view[(view["purchases"] > 0) & (view["days_since_last"] <= DEFAULTS.dormant_days)]
    top = view[view["value_tier"] == "top"]
    assert len(top) == -(-len(active) // 10)  # the top 10 % of active buyers, rounded up
    assert top["value"].min() >= active.loc[active["value_tier"] != "top", "value"].max()
    assert (view.loc[view["value_tier"] == "threshold", "value"] >= DEFAULTS.reward_threshold).all()
    dormant = view[view["value_tier"] == "dormant"]
    assert (dormant["days_since_last"] > DEFAULTS.dormant_days).all()
    assert (view.loc[view["purchases"] == 0, "value_tier"] == "none").all()


def test_a_purchase_count_without_dates_makes_an_occasional_customer(tmp_path):
    rows = [
        ["Customer id", "Name", "Number of purchases", "Total spent"],
        ["1", "Anna", 12, 480.0],
        ["2", "Bert", None, None],
    ]
    register = read(write_xlsx(tmp_path / "counts.xlsx", {"Customers": rows}))
    view = classified(register)
    assert view["relationship"].astype(str).tolist() == ["occasional", "prospect"]
    assert reason_texts(view, DEFAULTS).iloc[0] == "12 purchases, but the register gives no date of the last one"


written_class = st.sampled_from([None, "partner", "loyal", "occasional", "prospect", "former", "püsiklient", "???"])
timeline = st.lists(st.tuples(st.integers(0, 1400), st.floats(-50, 500, allow_nan=False)), max_size=6)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(written_class, st.sampled_from([None, "hot", "cold"]), timeline), min_size=1, max_size=8)
)
def test_every_customer_is_in_exactly_one_class_and_one_stage_whatever_their_timeline(tmp_path, people):
    """Any mix of written classes (even words the app does not know), temperatures and purchases years apart,
    refunds included: each customer gets one class of the ladder and one stage of the funnel, never none."""
    from lib.schema import STAGES
    from lib.service.outreach import analyse

    header = ["Customer ID", "Name", "Relationship", "Lead temperature"]
    rows = [header] + [[f"C{i}", f"Person {i}", written, warmth] for i, (written, warmth, _) in enumerate(people)]
    bought = [["Customer ID", "Date", "Amount"]] + [
        [f"C{i}", AS_OF - timedelta(days=days), round(amount, 2)]
        for i, (_, _, purchases) in enumerate(people)
        for days, amount in purchases
    ]
    register = read(write_xlsx(tmp_path / "r.xlsx", {"Customers": rows, "Purchases": bought}))
    view = analyse(register, AS_OF, DEFAULTS, frozenset())
    assert sorted(view["customer_id"]) == sorted(f"C{i}" for i in range(len(people)))
    assert view["relationship"].isin(CLASSES).all(), view["relationship"].tolist()
    assert view["stage"].isin(STAGES).all(), view["stage"].tolist()
