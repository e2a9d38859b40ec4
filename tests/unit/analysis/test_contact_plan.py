"""Every rule of the contact plan on a hand-built history, as of a date; consent decides the channel."""

import copy
from datetime import date, timedelta

import pandas as pd
import pytest

from lib.analysis.contact_plan import RULES, contact_plan, plan_counts, plan_reasons
from lib.analysis.lifecycle import analyse_customers
from lib.reading.wishes import wish_days
from lib.settings import DEFAULTS, Settings
from tests.conftest import AS_OF, write_xlsx
from tests.unit.history import read


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


# id: (temperature, relationship mark, e-mail consent, sms consent, phone consent, birth date, frequency wish,
#      visit days ago)
PEOPLE = {
    "NEW": (None, None, "yes", "no", "yes", None, None, [10]),
    "HOT": ("hot", None, "yes", "no", "no", None, None, []),
    "LOYAL": (None, None, "yes", "yes", "no", None, None, [100, 70, 40, 10]),
    "OVERDUE": (None, None, "yes", "no", "no", None, None, [200, 170, 140, 110, 80]),
    "FAR": (None, None, "no", "yes", "no", None, None, [330, 320, 310, 300]),
    "FORMER": (None, None, "yes", "no", "no", None, None, [900, 600, 500]),
    "BIRTHDAY": (None, None, "no", "yes", "no", AS_OF.replace(year=1990) + timedelta(days=5), None, []),
    "NO-CONSENT": ("hot", None, "no", "no", "no", None, None, []),
    "WEEKLY-WISH": (None, None, "yes", "no", "no", None, "quarterly", [100, 70, 40, 10]),
    "SLOW-LOYAL": (None, None, "yes", "no", "no", None, None, [800, 600, 400, 200]),
    "MARKED-LOYAL-LATE": (None, "loyal", "yes", "no", "no", None, None, [300, 250, 200]),
    "PLANNED": (None, None, "yes", "no", "yes", None, None, []),
}


@pytest.fixture(scope="module")
def _register_once(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plan")
    customers = [
        [
            "Customer id",
            "Name",
            "E-mail",
            "Phone",
            "Customer since",
            "Lead temperature",
            "Relationship",
            "Email consent",
            "SMS consent",
            "Phone consent",
            "Birth date",
            "Contact frequency",
        ]
    ]
    purchases = [["Customer id", "Date", "Amount"]]
    for cid, (temp, mark, mail, sms, phone, born, wish, visits) in PEOPLE.items():
        customers.append(
            [
                cid,
                f"Name {cid}",
                f"{cid.lower()}@example.com",
                "+372 5123 4567",
                ago(1000),
                temp,
                mark,
                mail,
                sms,
                phone,
                born,
                wish,
            ]
        )
        purchases += [[cid, ago(days), 25.0] for days in visits]
    feedback = [
        ["Customer id", "Date", "Type", "Text", "Status"],
        ["LOYAL", ago(5), "complaint", "Too cold", "open"],
        ["OVERDUE", ago(20), "complaint", "Dirty", "resolved"],
    ]
    actions = [
        ["Customer id", "Planned", "Done", "Type", "Outcome", "Channel", "Campaign"],
        ["HOT", None, ago(9), "call", "interested", None, None],
        ["NO-CONSENT", None, ago(9), "call", "interested", None, None],
        ["WEEKLY-WISH", None, ago(30), "call", "reached", None, None],
        ["PLANNED", ago(-3), None, "call", None, "telefon", "Spring invitation"],
        ["PLANNED", ago(400), None, "offer", None, "e-mail", "Summer 2025"],  # missed long ago
    ]
    path = write_xlsx(
        folder / "plan.xlsx", {"Customers": customers, "Purchases": purchases, "Feedback": feedback, "Actions": actions}
    )
    return read(path)


@pytest.fixture
def register(_register_once):
    """The plan's register, a copy of the test's own (read once per module)."""
    return copy.deepcopy(_register_once)


@pytest.fixture(scope="module")
def _view_once(_register_once):
    return analyse_customers(_register_once, AS_OF, DEFAULTS)


@pytest.fixture
def view(_view_once):
    """The analysed register, a copy of the test's own."""
    return copy.deepcopy(_view_once)


def rules_of(plan, customer):
    """The rule of the customer's row and the other rules it lists."""
    rows = plan.loc[plan["customer_id"] == customer]
    return set(rows["rule"]) | {rule for also in rows["also"] for rule in str(also).split(",") if rule}


def test_each_rule_finds_its_customer(view):
    plan = contact_plan(view, AS_OF, DEFAULTS)
    assert rules_of(plan, "NEW") == {"aftercare"}
    assert rules_of(plan, "HOT") == {"hot_prospect"}
    assert "loyal_reminder" in rules_of(plan, "LOYAL") and "open_complaint" in rules_of(plan, "LOYAL")
    assert "overdue_reminder" in rules_of(plan, "OVERDUE")
    assert "win_back_offer" in rules_of(plan, "FAR")
    assert "former_win_back" in rules_of(plan, "FORMER")
    assert rules_of(plan, "BIRTHDAY") == {"birthday"}
    assert not rules_of(plan, "OVERDUE") & {"open_complaint"}  # a resolved complaint is not due


def test_channels_need_consent(view):
    plan = contact_plan(view, AS_OF, DEFAULTS).set_index(["customer_id", "rule"])
    assert plan.loc[("NEW", "aftercare"), "channel"] == "phone"  # after-care prefers a call
    assert plan.loc[("HOT", "hot_prospect"), "channel"] == "email"  # no phone consent
    assert plan.loc[("BIRTHDAY", "birthday"), "channel"] == "sms"
    assert pd.isna(plan.loc[("NO-CONSENT", "hot_prospect"), "channel"])


def test_the_plan_is_computed_as_of_a_date(view):
    assert rules_of(contact_plan(view, AS_OF, DEFAULTS), "HOT") == {"hot_prospect"}  # called 9 days ago
    earlier = contact_plan(view, ago(3), DEFAULTS)  # six days after the call: not yet due
    assert "HOT" not in set(earlier["customer_id"])
    week = contact_plan(view, ago(3), DEFAULTS, until=AS_OF)
    assert rules_of(week, "HOT") == {"hot_prospect"}


def test_a_contact_frequency_wish_moves_the_due_date(view):
    # Loyal, called 30 days ago: the reminder between purchases is due in 30 days, the quarterly wish says 61.
    plan = contact_plan(view, AS_OF, DEFAULTS, until=AS_OF + timedelta(days=45))
    assert "WEEKLY-WISH" not in set(plan["customer_id"])
    assert "LOYAL" in set(plan["customer_id"])  # the same rule without a wish
    later = contact_plan(view, AS_OF, DEFAULTS, until=AS_OF + timedelta(days=61))
    assert rules_of(later, "WEEKLY-WISH") == {"loyal_reminder"}
    assert wish_days("kord kuus") == 30 and wish_days("co tydzień") == 7 and wish_days(None) == 0


def test_a_rule_set_to_zero_is_switched_off(view):
    plan = contact_plan(view, AS_OF, Settings(plan_hot_days=0, plan_birthday_days=0))
    assert not {"hot_prospect", "birthday"} & set(plan["rule"])


def test_reasons_and_counts(view):
    plan = contact_plan(view, AS_OF, DEFAULTS)
    reasons = plan_reasons(plan.loc[plan["rule"] == "birthday"])
    assert reasons.tolist() == ["Birthday in 5 days: a greeting"]
    counts = plan_counts(plan)
    assert list(counts.index) == list(RULES) and int(counts.to_numpy().sum()) == len(plan)
    assert counts.loc["hot_prospect", "none"] == 1


def test_done_and_snoozed_rows_leave_the_plan(view):
    from lib.analysis.contact_plan import plan_action

    plan = contact_plan(view, AS_OF, DEFAULTS)
    done = plan_action("BIRTHDAY", "birthday", "sms", AS_OF, lang="pl")
    snoozed = plan_action("FORMER", "former_win_back", "email", AS_OF, snooze_days=7, lang="et")
    # Written as a person writes the register, in their language, and read back as the plan's own.
    assert (done["kind"], done["channel"], done["note"]) == ("Życzenia", "SMS", "Z planu kontaktów: Urodziny")
    assert "planned" not in done
    assert snoozed["planned"] == AS_OF + timedelta(days=7) and "done" not in snoozed
    assert snoozed["note"] == "Kontaktplaanist: Tagasivõitmine" and snoozed["channel"] == "E-kiri"
    actions = pd.DataFrame(
        {
            "customer_id": ["BIRTHDAY", "FORMER"],
            "done": [pd.Timestamp(AS_OF), pd.NaT],
            "planned": [pd.NaT, pd.Timestamp(AS_OF + timedelta(days=7))],
            "note": [done["note"], snoozed["note"]],
        }
    )
    after = contact_plan(view, AS_OF, DEFAULTS, actions=actions)
    assert len(after) == len(plan) - 2
    assert "birthday" not in rules_of(after, "BIRTHDAY") and "former_win_back" not in rules_of(after, "FORMER")
    week_later = contact_plan(view, AS_OF + timedelta(days=8), DEFAULTS, actions=actions)
    assert "former_win_back" in rules_of(week_later, "FORMER")  # the snooze is over


def test_action_effectiveness_counts_responses_and_purchases_soon_after():
    from lib.analysis.effectiveness import action_effectiveness

    actions = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "A"],
            "done": pd.to_datetime(["2026-01-01", "2026-01-01", None, "2026-03-01"]),
            "kind": ["offer", "offer", "offer", "call"],
            "campaign": ["Spring", "Spring", "Spring", None],
            "outcome": ["bought", "no answer", None, "interested"],
        }
    )
    purchases = pd.DataFrame(
        {"customer_id": ["A", "B", "A"], "date": pd.to_datetime(["2026-01-10", "2026-03-01", "2026-06-01"])}
    )
    classes = pd.Series({"A": "loyal", "B": "former"})
    by_kind = action_effectiveness(actions, purchases, classes, "kind").set_index("kind")
    assert by_kind.loc["offer", "actions"] == 2  # the action never done does not count
    assert by_kind.loc["offer", "response_rate"] == 0.5 and by_kind.loc["offer", "purchase_rate"] == 0.5
    assert by_kind.loc["call", "purchase_rate"] == 0.0  # the next purchase came three months later
    by_class = action_effectiveness(actions, purchases, classes, "class").set_index("class")
    assert by_class.loc["loyal", "actions"] == 2 and by_class.loc["former", "response_rate"] == 0.0


def test_top_group_rewards_and_dormant_offers(view):
    plan = contact_plan(view, AS_OF, DEFAULTS)
    top = view.loc[view["value_tier"] == "top", "customer_id"].tolist()
    assert top and all("top_reward" in rules_of(plan, customer) for customer in top)
    assert view.set_index("customer_id").loc["FAR", "value_tier"] == "dormant"
    assert "dormant_offer" in rules_of(plan, "FAR")
    assert "dormant_offer" not in rules_of(plan, "FORMER")  # former customers get the win-back programme instead


def test_one_row_per_customer_the_most_important_rule_first_the_others_listed(view):
    plan = contact_plan(view, AS_OF, DEFAULTS, until=AS_OF + timedelta(days=7))
    assert plan["customer_id"].is_unique
    loyal = plan.set_index("customer_id").loc["LOYAL"]
    assert loyal["rule"] == "open_complaint"  # a complaint is answered before anything else
    assert loyal["also"].split(",")[0] == "top_reward" or "loyal_reminder" in loyal["also"].split(",")
    assert list(plan.columns[:6]) == ["customer_id", "name", "rule", "due", "fell_due", "also"]


def test_nothing_is_due_before_the_period_an_overdue_contact_is_due_on_its_first_day_once(view):
    plan = contact_plan(view, AS_OF, DEFAULTS, until=AS_OF + timedelta(days=7)).set_index("customer_id")
    assert (plan["due"] >= pd.Timestamp(AS_OF)).all()
    far = plan.loc["FAR"]  # fell due months ago
    assert far["due"] == pd.Timestamp(AS_OF) and far["fell_due"] < pd.Timestamp(AS_OF) - pd.Timedelta(days=30)
    next_week = contact_plan(view, AS_OF + timedelta(days=7), DEFAULTS, until=AS_OF + timedelta(days=14))
    assert (next_week["due"] >= pd.Timestamp(AS_OF + timedelta(days=7))).all()


def test_rules_that_contradict_each_other_never_both_fire(view):
    year = contact_plan(view, AS_OF, DEFAULTS, until=AS_OF + timedelta(days=365))
    facts = view.set_index("customer_id")
    assert facts.loc["SLOW-LOYAL", "relationship"] == "loyal" and facts.loc["SLOW-LOYAL", "value_tier"] == "dormant"
    assert "loyal_reminder" in rules_of(year, "SLOW-LOYAL") and "dormant_offer" not in rules_of(year, "SLOW-LOYAL")
    assert facts.loc["MARKED-LOYAL-LATE", "overdue"]  # marked loyal, past their rhythm
    late = rules_of(year, "MARKED-LOYAL-LATE")
    assert "overdue_reminder" in late and "loyal_reminder" not in late
    for customer in year["customer_id"]:  # win-back only for former customers, and never with a reminder
        rules = rules_of(year, customer)
        assert not ({"former_win_back"} & rules and {"overdue_reminder", "loyal_reminder", "aftercare"} & rules)


def test_a_daily_capacity_fills_each_day_most_important_first_and_rolls_the_rest_forward(view):
    week = contact_plan(view, AS_OF, DEFAULTS, until=AS_OF + timedelta(days=7))
    capped = contact_plan(view, AS_OF, Settings(plan_daily_capacity=2), until=AS_OF + timedelta(days=7))
    assert capped["due"].value_counts().max() <= 2
    first_day = capped[capped["due"] == pd.Timestamp(AS_OF)]
    due_first_day = week[week["due"] == pd.Timestamp(AS_OF)]
    order = {rule: i for i, rule in enumerate(RULES)}
    best = sorted(due_first_day["rule"].map(order))[:2]
    assert sorted(first_day["rule"].map(order)) == best  # the two most important of the day's contacts
    rolled = set(due_first_day["customer_id"]) - set(first_day["customer_id"])
    assert rolled and rolled <= set(capped["customer_id"])  # rolled to a later day of the week, not dropped
    assert (capped.set_index("customer_id").loc[list(rolled), "due"] > pd.Timestamp(AS_OF)).all()
    one_day = contact_plan(view, AS_OF, Settings(plan_daily_capacity=2))
    assert len(one_day) == 2  # what no day of the period can hold leaves it


def test_contacts_planned_in_the_register_are_in_the_plan_on_their_day(register, view):
    from lib.analysis.contact_plan import plan_reasons

    week = AS_OF + timedelta(days=7)
    plan = contact_plan(view, AS_OF, DEFAULTS, until=week, actions=register.actions).set_index("customer_id")
    row = plan.loc["PLANNED"]
    assert row["rule"] == "planned_action" and row["due"] == pd.Timestamp(AS_OF + timedelta(days=3))
    assert row["channel"] == "phone" and row["note"] == "Spring invitation" and row["action_key"]
    assert plan_reasons(plan.loc[["PLANNED"]]).iloc[0] == "Planned in the register: Spring invitation"
    today = contact_plan(view, AS_OF, DEFAULTS, actions=register.actions)
    assert "PLANNED" not in set(today["customer_id"])  # not before its day; the 2025 one was missed
    assert "PLANNED" not in set(contact_plan(view, AS_OF, DEFAULTS, until=week)["customer_id"])  # the actions say it


def test_a_contact_settles_the_reminders_listed_with_it_but_not_a_greeting_or_a_reward(view):
    from lib.analysis.contact_plan import filter_plan, plan_action
    from lib.analysis.plan_notes import rules_of as note_rules

    done = plan_action(
        "LOYAL", "open_complaint", "phone", AS_OF, outcome="reached", also="birthday,loyal_reminder,threshold_reward"
    )
    assert note_rules(done["note"]) == ("open_complaint", "loyal_reminder") and done["outcome"] == "reached"
    assert done["note"] == "From the contact plan: Open complaints; Loyal customers"
    assert note_rules("plan:open_complaint,loyal_reminder") == ("open_complaint", "loyal_reminder")  # older files
    assert note_rules("Z planu kontaktów: Reklamacja klienta") is None  # a person's own note that looks alike
    week = contact_plan(view, AS_OF, DEFAULTS, until=AS_OF + timedelta(days=7))
    listed = week[week["also"].str.contains("loyal_reminder")]
    assert len(listed) and set(listed["customer_id"]) <= set(filter_plan(week, ["loyal_reminder"], [])["customer_id"])
