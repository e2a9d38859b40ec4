"""The real app through AppTest, on the sample register in a fresh workspace of its own."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def sample_app(tmp_path, monkeypatch) -> AppTest:
    """The home page after "Start with the sample register", in a workspace under tmp_path."""
    monkeypatch.setenv("LADDER_WORKSPACE", str(tmp_path / "workspace"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.button[0].click().run()
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
