"""The real app through AppTest, on the sample register in a fresh workspace of its own."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def sample_app(sample_workspace, monkeypatch) -> AppTest:
    """The home page of a workspace of the test's own that holds the sample register."""
    monkeypatch.setenv("LADDER_WORKSPACE", str(sample_workspace))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    return at


def on_page(at: AppTest, script: str) -> AppTest:
    """Switch to a page and check it ran without an exception."""
    at.switch_page(script).run()
    assert not at.exception
    return at


def as_read(markdown: object) -> str:
    """What a person reads of an element's Markdown: text from a workbook arrives escaped (``anna\\@shop.ee``)."""
    return re.sub(r"\\(.)", r"\1", str(markdown)).replace("\u2060", "")
