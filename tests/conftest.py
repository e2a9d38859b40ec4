"""Shared fixtures: real workbooks written to tmp_path, the sample register, a fresh workspace."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "studio_register.xlsx"
FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2026, 11, 23)
"""The date tests check against, so 'in the future' means the same thing every day."""

Rows = Sequence[Sequence[object]]


def write_xlsx(path: Path, sheets: Mapping[str, Rows]) -> Path:
    """Write sheets of rows as a person would type them: text stays text, dates are Excel dates."""
    workbook = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_formulas": False})
    day = workbook.add_format({"num_format": "dd.mm.yyyy"})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, (date, datetime)):
                    sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write_string(r, c, str(value))
    workbook.close()
    return path


def zip_of(parts: dict[str, bytes]) -> bytes:
    """A zip archive of the given parts, for files that pretend to be workbooks."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def xlsx(tmp_path: Path) -> Callable[..., Path]:
    """``xlsx({"Sheet": rows}, name="file.xlsx")`` writes a workbook into tmp_path."""

    def make(sheets: Mapping[str, Rows], name: str = "register.xlsx") -> Path:
        return write_xlsx(tmp_path / name, sheets)

    return make


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture(scope="session")
def sample_register(sample_bytes: bytes):
    from lib.register import build_register
    from lib.workbook import read_workbook

    return build_register(read_workbook(sample_bytes, SAMPLE.name), as_of=AS_OF)
