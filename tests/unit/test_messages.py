"""The plan's messages: shipped wording per rule and language, a business's own wording kept, placeholders
filled in and nothing else interpreted."""

import pandas as pd

from lib.analysis.contact_plan import RULES
from lib.messages import MessageTemplates, first_names, plan_messages
from lib.schema import LANGUAGES
from lib.workspace.repository import Workspace


def test_every_rule_has_a_subject_and_a_text_in_every_language():
    shipped = MessageTemplates()
    for rule in RULES:
        for lang in LANGUAGES:
            message = shipped.render(rule, lang, "Anna", "Anna Tamm", "a reason")
            assert message.subject and message.text, (rule, lang)
            assert "{" not in message.subject + message.text, (rule, lang)
    assert "Anna" in shipped.render("birthday", "pl", "Anna", "Anna Nowak", "").subject


def test_a_business_s_own_wording_is_kept_and_only_where_it_differs(tmp_path):
    shipped = MessageTemplates()
    own = shipped.with_template("win_back_offer", "et", {**shipped.template("win_back_offer", "et"), "offer": "-30 %"})
    assert own.changed == {"win_back_offer|et|offer": "-30 %"}
    assert "-30 %" in own.render("win_back_offer", "et", "Mari", "Mari Maasikas", "").text
    assert (
        own.render("win_back_offer", "fi", "Mari", "Mari", "").text
        == shipped.render("win_back_offer", "fi", "Mari", "Mari", "").text
    )  # other languages untouched
    workspace = Workspace(tmp_path / "ws")
    workspace.save_messages(own)
    assert Workspace(tmp_path / "ws").messages() == own
    back = own.with_template("win_back_offer", "et", shipped.template("win_back_offer", "et"))
    assert back.changed == {}


def test_a_template_is_text_not_code():
    hostile = MessageTemplates().with_template(
        "birthday", "en", {"subject": "{first_name.__class__} {0} {name!r}", "text": "{reason} {unknown}", "offer": ""}
    )
    message = hostile.render("birthday", "en", "Ann", "Ann Lee", "=HYPERLINK(1)")
    assert message.subject == "{first_name.__class__} {0} {name!r}"  # only the four placeholders are filled in
    assert message.text == "=HYPERLINK(1) {unknown}"


def test_first_names_and_the_customer_s_language():
    customers = pd.DataFrame(
        {
            "customer_id": ["1", "2", "3"],
            "name": ["Anna Kowalska", "Jüri Tamm", None],
            "first_name": [None, "Jüri-Mart", None],
            "language": ["Polski", "et", "xx"],
        }
    )
    assert first_names(customers).tolist() == ["Anna", "Jüri-Mart", ""]
    plan = pd.DataFrame({"customer_id": ["1", "2", "3"], "rule": ["birthday"] * 3})
    messages = plan_messages(plan, customers, pd.Series(["", "", ""]), MessageTemplates(), "en")
    shipped = MessageTemplates()
    assert messages[0] == shipped.render("birthday", "pl", "Anna", "Anna Kowalska", "")  # a name is a language too
    assert messages[1] == shipped.render("birthday", "et", "Jüri-Mart", "Jüri Tamm", "")
    assert messages[2] == shipped.render("birthday", "en", "", "", "")  # an unknown language: the user's
