"""A hand-built customer history with known answers, written as real workbooks.

One customer per rule of the ladder and the lifecycle, as of AS_OF (2026-11-23) with the
default settings: the id says what the customer is meant to show.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from lib.reading.register import Register, build_register
from lib.reading.workbook import read_workbook
from tests.conftest import AS_OF, write_xlsx

D = date.fromisoformat


def days_ago(n: int) -> date:
    return AS_OF - timedelta(days=n)


# customer id → (customer since, lead temperature, relationship mark, buys elsewhere, visit dates).
# P-HOT was written "hot" but met in January 2025 and has not answered since: cold now. MARKED-LOST was
# marked lost but bought three times since: the purchases move them back up the ladder.
CUSTOMERS: dict[str, tuple[date, str | None, str | None, str | None, list[date]]] = {
    "P-COLD": (D("2025-01-01"), "cold", None, None, []),
    "P-HOT": (D("2025-01-01"), "hot", None, None, []),
    "P-HOT-FRESH": (D("2025-01-01"), "hot", None, None, []),
    "P-DERIVED-WARM": (D("2025-01-01"), None, None, None, []),
    "LOYAL": (
        D("2026-07-23"),
        None,
        None,
        None,
        [D("2026-07-23"), D("2026-08-23"), D("2026-09-23"), D("2026-10-23"), D("2026-11-13")],
    ),
    "PARTNER": (D("2026-09-20"), None, None, None, [D("2026-09-20"), D("2026-10-20"), D("2026-11-10")]),
    "FEW": (D("2026-11-01"), None, None, None, [D("2026-11-01"), D("2026-11-10")]),
    "IRREGULAR": (D("2026-01-10"), None, None, None, [D("2026-01-10"), D("2026-02-10"), D("2026-03-10")]),
    "ELSEWHERE": (D("2026-09-23"), None, None, "yes", [D("2026-09-23"), D("2026-10-23"), D("2026-11-13")]),
    "FORMER": (D("2025-06-01"), None, None, None, [D("2025-06-01"), D("2025-07-01"), D("2025-08-01")]),
    "MARKED-LOST": (D("2026-09-23"), None, "lost", None, [D("2026-09-23"), D("2026-10-23"), D("2026-11-13")]),
    "ONE-DAY": (D("2026-11-20"), None, None, None, [D("2026-11-20"), D("2026-11-20"), D("2026-11-20")]),
    "SINGLE-OLD": (D("2026-02-01"), None, None, None, [D("2026-02-01")]),
    "WON-BACK": (
        D("2024-01-01"),
        None,
        None,
        None,
        [D("2024-01-01"), D("2024-02-01"), D("2026-10-01"), D("2026-11-01")],
    ),
}
EXPECTED_CLASS = {
    "P-COLD": "prospect",
    "P-HOT": "prospect",
    "P-HOT-FRESH": "prospect",
    "P-DERIVED-WARM": "prospect",
    "LOYAL": "loyal",
    "PARTNER": "partner",
    "FEW": "occasional",
    "IRREGULAR": "occasional",
    "ELSEWHERE": "occasional",
    "FORMER": "former",
    "MARKED-LOST": "loyal",
    "ONE-DAY": "occasional",
    "SINGLE-OLD": "occasional",
    "WON-BACK": "loyal",
}
EXPECTED_REASON = {
    "P-COLD": "no_purchase",
    "LOYAL": "loyal",
    "PARTNER": "partner",
    "FEW": "few_purchases",
    "IRREGULAR": "irregular",
    "ELSEWHERE": "buys_elsewhere",
    "FORMER": "churned",
    "MARKED-LOST": "marked_bought",
    "ONE-DAY": "few_purchases",
}
EXPECTED_STAGE = {
    "P-COLD": "prospect_cold",
    "P-HOT": "prospect_cold",
    "P-HOT-FRESH": "prospect_hot",
    "P-DERIVED-WARM": "prospect_warm",
    "LOYAL": "development",
    "PARTNER": "trial",
    "FEW": "trial",
    "IRREGULAR": "development",
    "ELSEWHERE": "trial",
    "FORMER": "defected",
    "MARKED-LOST": "trial",
    "ONE-DAY": "trial",
    "SINGLE-OLD": "trial",
    "WON-BACK": "won_back",
}
# Feedback: the partner's idea; actions: contacts that warm prospects up.
FEEDBACK = [
    ["F1", "PARTNER", D("2026-06-01"), "idea", "Open a second studio", None],
    ["F2", "LOYAL", D("2026-10-01"), "complaint", "Too cold", "open"],
]
ACTIONS = [
    ["A1", "P-HOT", days_ago(40), days_ago(40), "call", "no answer"],
    ["A2", "P-HOT-FRESH", days_ago(5), days_ago(5), "call", "interested"],
    ["A3", "P-DERIVED-WARM", days_ago(60), days_ago(60), "email", "opened"],
]

CUSTOMER_HEADERS = [
    "Customer id",
    "Name",
    "Customer since",
    "Lead temperature",
    "Relationship",
    "Buys elsewhere",
    "Country",
]
FEEDBACK_SHEET = [["Feedback id", "Customer id", "Date", "Type", "Text", "Status"], *FEEDBACK]
ACTIONS_SHEET = [["Action id", "Customer id", "Planned", "Done", "Type", "Outcome"], *ACTIONS]


def _customer_rows(since_is_first_purchase: bool = False) -> list[list[object]]:
    rows: list[list[object]] = [CUSTOMER_HEADERS]
    for index, (cid, (since, temperature, mark, elsewhere, visits)) in enumerate(CUSTOMERS.items()):
        first = min(visits) if visits and since_is_first_purchase else since
        rows.append([cid, f"Customer {index}", first, temperature, mark, elsewhere, "EE" if index % 2 else "FI"])
    return rows


def read(path: Path) -> Register:
    register, _ = build_register(read_workbook(path.read_bytes(), path.name), as_of=AS_OF)
    return register


def full_register(folder: Path) -> Register:
    """Customers with a purchases sheet (a 10 € visit each, plus one return), feedback and actions."""
    purchases: list[list[object]] = [["Invoice", "Customer id", "Date", "Quantity", "Amount"]]
    for cid, (*_, visits) in CUSTOMERS.items():
        purchases += [[f"I{len(purchases)}", cid, day, 1, 10.0] for day in visits]
    purchases.append(["R1", "LOYAL", D("2026-11-14"), -1, -10.0])  # a return is not a visit
    path = write_xlsx(
        folder / "full.xlsx",
        {"Customers": _customer_rows(), "Purchases": purchases, "Feedback": FEEDBACK_SHEET, "Actions": ACTIONS_SHEET},
    )
    return read(path)


def summary_register(folder: Path) -> Register:
    """The same customers in one sheet with summary columns (customer since = first purchase)."""
    rows = _customer_rows(since_is_first_purchase=True)
    rows[0] = [*rows[0], "Last purchase", "Number of purchases", "Total spent"]
    for row, (*_, visits) in zip(rows[1:], CUSTOMERS.values(), strict=True):
        days = sorted(set(visits))
        row += [max(days), len(days), 10.0 * len(visits)] if days else [None, None, None]
    path = write_xlsx(
        folder / "summary.xlsx", {"Customers": rows, "Feedback": FEEDBACK_SHEET, "Actions": ACTIONS_SHEET}
    )
    return read(path)
