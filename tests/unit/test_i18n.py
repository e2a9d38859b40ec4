"""Every UI text has an English catalogue entry, so later languages only add catalogues."""

import json
import re

from lib import i18n
from lib.reading.problems import SEVERITIES
from lib.schema import FIELDS, OTHER, SHEET_KINDS
from tests.conftest import ROOT

LITERAL_KEY = re.compile(r"""\bt\(\s*(?:f?)["']([a-z_]+\.[a-z_.]+)["']""")
SOURCES = [*ROOT.glob("app.py"), *ROOT.glob("pages/*.py"), *ROOT.glob("lib/**/*.py")]


def english() -> dict[str, str]:
    return json.loads((i18n.LOCALES / "en.json").read_text(encoding="utf-8"))


def test_every_literal_key_in_the_code_is_in_the_english_catalogue():
    used = {key for path in SOURCES for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found no keys"
    assert used - set(english()) == set()


def test_every_problem_code_and_vocabulary_has_texts():
    catalogue = english()
    codes = {key.split(".", 1)[1] for key in catalogue if key.startswith("problem.")}
    assert {f"quality.kind.{code}" for code in codes} <= set(catalogue)
    assert {f"field.{name}" for fields in FIELDS.values() for name in fields} <= set(catalogue)
    assert {f"kind.{kind}" for kind in (*SHEET_KINDS, OTHER)} <= set(catalogue)
    assert {f"severity.{s}" for s in SEVERITIES} | {f"quality.group.{s}" for s in SEVERITIES} <= set(catalogue)


def test_placeholders_are_filled_and_numbers_grouped():
    assert i18n.t("problem.more_rows", count=1234) == "…and 1,234 more rows in this column with the same problem."
    assert i18n.t("no.such.key") == "⟦no.such.key⟧"


def test_a_language_without_a_text_falls_back_to_english():
    assert i18n.t("app.name", "xx") == "Loyalty Ladder"


def test_numbers_amounts_and_days_are_written_as_each_language_writes_them():
    from datetime import date

    nbsp = {"\u00a0": " ", "\u202f": " "}

    def plain(text: str) -> str:
        return "".join(nbsp.get(c, c) for c in text)

    expected = {  # number with two decimals, euros, złotys, a day
        "en": ("1,234.50", "€1,234.50", "PLN1,234.50", "01/12/2026"),
        "et": ("1 234,50", "1 234,50 €", "1 234,50 PLN", "01.12.2026"),
        "fi": ("1 234,50", "1 234,50 €", "1 234,50 PLN", "1.12.2026"),
        "lt": ("1 234,50", "1 234,50 €", "1 234,50 PLN", "2026-12-01"),
        "pl": ("1 234,50", "1 234,50 €", "1 234,50 zł", "01.12.2026"),
    }
    for lang, (number, euros, zloty, day) in expected.items():
        assert plain(i18n.number(1234.5, lang, decimals=2)) == number, lang
        assert plain(i18n.money(1234.5, lang)) == euros, lang
        assert plain(i18n.money(1234.5, lang, "PLN")) == zloty, lang
        assert i18n.day(date(2026, 12, 1), lang) == day, lang
    assert plain(i18n.number(1234567, "et")) == "1 234 567"
    shares = {"en": "82.5%", "et": "82,5%", "fi": "82,5 %", "lt": "82,5 %", "pl": "82,5%"}
    assert {lang: plain(i18n.percent(0.825, lang, 1)) for lang in shares} == shares
    assert i18n.chart_separators("en") == ".," and plain(i18n.chart_separators("fi")) == ", "


def test_the_browser_locale_picks_a_language_we_have():
    assert i18n.language_for(None) == "en"
    assert i18n.language_for("de-DE") == "en"
    for lang in i18n.available_languages():
        assert i18n.language_for(f"{lang}-XX") == lang


DYNAMIC_TEMPLATE = re.compile(r"""f["']([a-z_0-9]+\.[a-z_0-9.{}\[\]]*\{[^"']*)["']""")


def test_no_catalogue_key_is_unused():
    """Every English key is used: literally, or by a key built from a template such as ``class.{code}``."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)
    quoted = set(re.findall(r"""["']([a-z_0-9]+(?:\.[a-z_0-9]+)+)["']""", text))
    templates = set(DYNAMIC_TEMPLATE.findall(text))
    templates |= set(re.findall(r"""f'([a-z_0-9]+\.[a-z_0-9.]*\{[^']*)'""", text))
    patterns = [
        re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^.]+", re.escape(template)) + "$") for template in templates
    ]
    plural = re.compile(r"\.one$")  # singular forms, chosen when the count is one (lib.ladder)
    unused = [
        key
        for key in english()
        if key not in quoted
        and key not in code_families()
        and not any(p.match(key) for p in patterns)
        and not (plural.search(key) and key.rsplit(".", 1)[0] in english())
    ]
    assert unused == []


def code_families() -> set[str]:
    """Labels of the computed codes, looked up with a prefix held in a variable (lib.ui.customers), and every
    vocabulary's words (`lib.i18n.vocabulary_label`)."""
    from lib.analysis.lifecycle import FUNNEL_STEPS
    from lib.schema import NOT_SCORED, RFM_GROUPS, STAGES, TIERS, VOCABULARIES, VOCABULARY_LABELS

    return (
        {f"{prefix}.{code}" for name, prefix in VOCABULARY_LABELS.items() for code in VOCABULARIES[name]}
        | {f"stage.{s}" for s in STAGES}
        | {f"funnel.{s}" for s in FUNNEL_STEPS}
        | {f"tier.{s}" for s in TIERS}
        | {f"rfm.{s}" for s in (*RFM_GROUPS, NOT_SCORED)}
    )


def test_every_computed_code_has_a_label():
    assert code_families() <= set(english())


PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def test_every_language_has_exactly_the_english_keys_with_the_same_placeholders():
    reference = english()
    assert i18n.available_languages() == list(i18n.LANGUAGES)
    for lang in i18n.LANGUAGES:
        catalogue = json.loads((i18n.LOCALES / f"{lang}.json").read_text(encoding="utf-8"))
        assert sorted(set(reference) - set(catalogue)) == [], f"{lang}: missing"
        assert sorted(set(catalogue) - set(reference)) == [], f"{lang}: not in English"
        for key, text in catalogue.items():
            assert text.strip() or not reference[key].strip(), f"{lang}: {key} is empty"
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(reference[key])), f"{lang}: {key}"


def test_translations_use_the_domain_words_of_each_language():
    """The ladder in the words marketers of each country use (../shared/seeds)."""
    words = {
        "et": ("püsiklient", "juhuklient"),
        "fi": ("kanta-asiakas", "satunnaisasiakas"),
        "lt": ("nuolatinis klientas", "atsitiktinis klientas"),
        "pl": ("stały klient", "klient okazjonalny"),
    }
    for lang, (loyal, occasional) in words.items():
        assert i18n.t("class.loyal", lang).lower() == loyal, lang
        assert i18n.t("class.occasional", lang).lower() == occasional, lang


def test_file_errors_are_worded_in_each_language_with_the_file_and_sheet_named():
    from lib.reading.workbook import WorkbookError

    error = WorkbookError("error.huge_range", sheet="Kliendid", cell="XFD1048576")
    assert "Kliendid" in str(error) and "XFD1048576" in str(error)
    worded = {lang: error.message(lang) for lang in i18n.LANGUAGES}
    assert len(set(worded.values())) == 5
    assert all("Kliendid" in text and "XFD1048576" in text for text in worded.values())


def test_the_template_is_offered_in_every_language_and_reads_back_fully_recognised():
    from lib.reading.register import build_register
    from lib.reading.template import template_workbook
    from lib.reading.workbook import read_workbook

    for lang in i18n.LANGUAGES:
        data = template_workbook(lang)
        sheets = read_workbook(data, f"template-{lang}.xlsx")
        assert [s.cells.iloc[0, 0] for s in sheets[1:]] == [
            i18n.t(f"field.{next(iter(FIELDS[k]))}", lang) for k in SHEET_KINDS
        ]
        register, _ = build_register(sheets)
        for source in register.sources:
            if source.kind == OTHER:
                assert source.sheet == i18n.t("template.instructions", lang)
                continue
            assert source.sheet == i18n.t(f"kind.{source.kind}", lang)
            assert sorted(source.fields.values()) == sorted(FIELDS[source.kind]), (lang, source.sheet)


def test_quality_messages_plan_and_ladder_reasons_speak_each_language_with_the_same_places(sample_register):
    from lib.analysis.contact_plan import contact_plan, plan_reasons
    from lib.analysis.ladder import reason_texts
    from lib.analysis.lifecycle import analyse_customers
    from lib.reading.problems import problems_frame
    from lib.settings import DEFAULTS
    from tests.conftest import AS_OF

    register, problems = sample_register
    where = ["sheet", "row", "column", "severity", "code"]
    english = problems_frame(problems, "en")
    view = analyse_customers(register, AS_OF, DEFAULTS)
    plan = contact_plan(view, AS_OF, DEFAULTS)
    reasons = {lang: reason_texts(view.head(200), DEFAULTS, lang) for lang in i18n.LANGUAGES}
    for lang in i18n.LANGUAGES:
        worded = problems_frame(problems, lang)
        assert worded[where].equals(english[where]), lang  # the same sheet, Excel row and the user's column
        if lang != "en":
            assert (worded["message"] != english["message"]).all(), lang
            assert (reasons[lang] != reasons["en"]).all(), lang
            assert (plan_reasons(plan, lang) != plan_reasons(plan, "en")).all(), lang
        for problem in problems:  # the quoted cell is still quoted
            value = problem.params.get("value")
            if isinstance(value, str):
                assert value in problem.message(lang), (lang, problem.code)
