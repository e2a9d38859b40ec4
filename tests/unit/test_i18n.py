"""Every UI text has an English catalogue entry, so later languages only add catalogues."""

import json
import re

from lib import i18n
from lib.quality import SEVERITIES
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
