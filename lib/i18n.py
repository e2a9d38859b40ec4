"""Every UI text goes through `t`: one catalogue per language in `lib/locales/`.

Catalogues are flat JSON maps from a dotted key to a text with ``{named}`` placeholders.
A key missing from a language falls back to English, so a half-done translation never
breaks a page; a key missing from English is a programming error and shows as ``⟦key⟧``
so a test can find it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).parent / "locales"
DEFAULT_LANGUAGE = "en"
LANGUAGES = {"en": "English"}
"""UI languages offered, code → name in that language."""


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The texts of one language (read once per process)."""
    path = LOCALES / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The text for ``key`` in ``lang`` with ``params`` filled in (numbers grouped by thousands)."""
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)
    if text is None:
        return f"⟦{key}⟧"
    shown = {name: _show(value) for name, value in params.items()}
    try:
        return text.format(**shown)
    except (KeyError, IndexError, ValueError):
        return text


def _show(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return f"{value:,}"
    return value
