"""The History page's words: each thing a person did, said as a sentence in the user's language."""

from __future__ import annotations

import contextlib
from datetime import date

from lib.schema import FIELDS, VOCABULARY_LABELS
from lib.service.history import Action
from lib.ui.format import day, t_text

_SUMMARY_FIELDS = {
    "actions": ("outcome", "campaign", "note"),
    "feedback": ("text",),
    "purchases": ("product", "amount"),
}
"""What an added row's sentence quotes, by sheet; the other values are in its details."""


def _label(prefix: str, code: str | None) -> str:
    if not code:
        return ""
    label = t_text(f"{prefix}.{code}")
    return code if label.startswith("⟦") else label


def value_text(sheet: str, field: str | None, text: str | None) -> str:
    """A value as the journal keeps it, in words: a class, a kind or a status by its label, yes/no, a day."""
    if text is None or text == "":
        return "–"
    spec = FIELDS.get(sheet, {}).get(field or "")
    if spec is None:
        return text
    if spec.type == "bool" and text.lower() in ("yes", "no", "true", "false"):
        return t_text("value.yes" if text.lower() in ("yes", "true") else "value.no")
    if spec.vocabulary in VOCABULARY_LABELS:
        return _label(VOCABULARY_LABELS[spec.vocabulary], text)
    if spec.type == "date":
        with contextlib.suppress(ValueError):
            return day(date.fromisoformat(text[:10]))
    return text


def action_text(action: Action) -> str:
    """ "Call to 10265 logged: reached", "E-mail of 10154 changed from … to …" (plain text, for a table cell)."""
    if action.op == "add" and action.sheet == "customers":
        return t_text("history.added_customer", customer=action.customer)
    if action.op == "add":
        kind = _label("action_kind" if action.sheet == "actions" else "feedback_kind", action.values.get("kind"))
        said = ", ".join(
            value_text(action.sheet, f, action.values[f])
            for f in _SUMMARY_FIELDS.get(action.sheet, ())
            if action.values.get(f)
        )
        return t_text(
            f"history.logged_{action.sheet}",
            kind=kind or _label("kind", action.sheet),
            customer=action.customer,
            said=said or "–",
        )
    if action.op == "delete":
        return t_text("history.deleted_row", kind=_label("kind", action.sheet), customer=action.customer)
    return t_text(
        "history.changed",
        field=_label("field", action.field),
        customer=action.customer,
        old=value_text(action.sheet, action.field, action.old),
        new=value_text(action.sheet, action.field, action.new),
    )


def action_details(action: Action) -> str:
    """Every value an added row was given (empty for a single change: its sentence says it all)."""
    return "; ".join(
        f"{_label('field', name)}: {value}" for name, value in action.values.items() if name != "customer_id"
    )
