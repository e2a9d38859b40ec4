"""Shared fixtures: real workbooks written to tmp_path, the sample register, a fresh workspace."""

from __future__ import annotations

import copy
import io
import re
import shutil
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import settings

# Properties judge behaviour, not speed (that is the benchmark's): no example fails for taking longer than
# 200 ms on a machine busy with the rest of the suite.
settings.register_profile("ladder", deadline=None)
settings.load_profile("ladder")

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


def hostile_files() -> dict[str, tuple[bytes, str]]:
    """Every kind of hostile or broken upload, built here (never downloaded): name → (bytes, message)."""
    import openpyxl

    sample = SAMPLE.read_bytes()
    far = openpyxl.Workbook()
    far.active.append(["Customer id", "Name"])
    far.active.append(["A", "Anna"])
    far.active["XFD1048576"] = "x"
    far_bytes = io.BytesIO()
    far.save(far_bytes)
    small = io.BytesIO()
    book = xlsxwriter.Workbook(small, {"in_memory": True})  # texts go to the shared-string table
    book.add_worksheet("Customers").write_row(0, 0, ["Customer id", "Name", "E-mail"])
    book.close()
    with zipfile.ZipFile(small) as archive:
        strings = {name: archive.read(name) for name in archive.namelist()}
    strings["xl/sharedStrings.xml"] = re.sub(
        rb'uniqueCount="\d+"', b'uniqueCount="999999999"', strings["xl/sharedStrings.xml"]
    )
    # An Excel 97-2003 file saved with a password: a FILEPASS record (0x002F) follows the globals' BOF.
    xls = bytearray((FIXTURES / "finnish_summary.xls").read_bytes())
    bof = xls.find(b"\x09\x08\x10\x00\x00\x06\x05\x00")
    xls[bof + 20 : bof + 22] = b"\x2f\x00"
    late_doctype = b'<?xml version="1.0"?><!--' + b" " * 100_000 + b'--><!DOCTYPE x [<!ENTITY a "a">]><T/>'
    # Read in 1 MB chunks after the first 64 KB: this DOCTYPE starts 4 bytes before the first chunk's end.
    split_doctype = b"<T>" + b" " * (65536 + (1 << 20) - 3 - 4) + b"<!DOCTYPE x><T/>"
    # A survey's answers full of exclamation marks, then a DOCTYPE among them.
    loud_doctype = b"<T>" + b"great!!! " * 5000 + b"<!doctype x>" + b"wow! " * 100 + b"</T>"
    return {
        "huge.xlsx": (b"x" * (100 * 1024 * 1024 + 1), "largest file"),
        "late-doctype.xlsx": (zip_of({"[Content_Types].xml": late_doctype}), "DOCTYPE"),
        "utf16-doctype.xlsx": (
            zip_of({"[Content_Types].xml": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><T/>'.encode("utf-16")}),
            "DOCTYPE",
        ),
        "split-doctype.xlsx": (zip_of({"[Content_Types].xml": split_doctype}), "DOCTYPE"),
        "loud-doctype.xlsx": (zip_of({"xl/sharedStrings.xml": loud_doctype}), "DOCTYPE"),
        "quiet-doctype.xlsx": (
            zip_of({"xl/sharedStrings.xml": b"<T>" + b"hi! " * 50 + b"<!doctype x></T>"}),
            "DOCTYPE",
        ),
        "utf16be-doctype.xlsx": (
            zip_of(
                {"[Content_Types].xml": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><T/>'.encode("utf-16-be")}
            ),
            "DOCTYPE",
        ),
        "password.xls": (bytes(xls), "password"),
        "bomb.xlsx": (zip_of({"xl/worksheets/sheet1.xml": bytes(60_000_000)}), "unpacks to far more"),
        "doctype.xlsx": (
            zip_of({"[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "a">]><T/>'}),
            "DOCTYPE",
        ),
        "encrypted.xlsx": (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + bytes(100),
            "password",
        ),
        "truncated.xlsx": (sample[: len(sample) // 2], "damaged"),
        "renamed.xlsx": (b"Customer id;Name\nA;Anna\n", "not a readable .xlsx"),
        "far-cell.xlsx": (far_bytes.getvalue(), "XFD1048576"),
        "string-bomb.xlsx": (zip_of(strings), "table of texts"),
        "garbled.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00\xff" * 600, "could not be read"),
        "excel4.xls": (b"\x09\x04\x06\x00\x00\x00\x10\x00" + bytes(200), "Excel 2.0–4.0"),
        "empty.csv": (b"", "empty"),
        "prices.csv": (b"Product;Price\nTan;8\n", "No sheet was recognised"),
    }


@pytest.fixture(scope="session", autouse=True)
def parse_in_process() -> Iterator[None]:
    """Tests read files they wrote themselves: parse them in the test's own process (a fresh reader process
    per file would only add its start-up). The reader process's own tests ask for it back, and the
    browser tests' servers run with it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LADDER_READ_IN_PROCESS", "1")
        yield


@pytest.fixture
def in_reader_process(monkeypatch) -> None:
    """Parse in the reader process under its budget, as the app does."""
    monkeypatch.delenv("LADDER_READ_IN_PROCESS", raising=False)


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
def _sample_register_once(sample_bytes: bytes):
    from lib.reading.register import build_register
    from lib.reading.workbook import read_workbook

    return build_register(read_workbook(sample_bytes, SAMPLE.name), as_of=AS_OF)


@pytest.fixture
def sample_register(_sample_register_once):
    """The sample register and its problems as read, a copy of the test's own (read once per test process)."""
    return copy.deepcopy(_sample_register_once)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the session (one per test worker), on a free port of its own."""
    from tests.postgres import find_postgres, postgres_server

    binaries = find_postgres()
    if binaries is None:
        pytest.fail(
            "PostgreSQL is not installed: run 'make test' (as root it installs it) or 'sudo apt-get install -y postgresql'."
        )
    with postgres_server(binaries) as url:
        yield url


def _import_sample(workspace) -> None:
    from lib.service.feedback import themed_feedback
    from lib.service.registers import import_workbook

    now = import_workbook(workspace, SAMPLE.name, SAMPLE.read_bytes(), as_of=AS_OF)
    themed_feedback(workspace, now.register, workspace.themes())  # as the app does after an import
    workspace.close()  # no connection left: the copies start from a quiet store


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory) -> Path:
    """A workspace folder holding the sample register imported as of AS_OF, built once per test process."""
    import sqlite3

    from lib.workspace.repository import Workspace

    folder = tmp_path_factory.mktemp("sample") / "workspace"
    workspace = Workspace(folder)
    _import_sample(workspace)
    with sqlite3.connect(folder / "ladder.sqlite") as db:  # everything in the file itself, the log empty
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return folder


@pytest.fixture
def sample_workspace(sample_folder: Path, tmp_path: Path) -> Path:
    """A workspace folder of the test's own (``tmp_path/workspace``) holding the imported sample register:
    a copy, so the import is paid once per test process and no test sees another's changes."""
    target = tmp_path / "workspace"
    shutil.copytree(sample_folder, target)
    return target


@pytest.fixture(scope="session")
def _sample_database(postgres_url: str) -> str:
    """A database on the session's PostgreSQL holding the imported sample: the template of the copies."""
    from lib.workspace.repository import Workspace
    from tests.postgres import new_database

    _import_sample(Workspace(url=new_database(postgres_url, "sample_template")))
    return "sample_template"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> Callable[..., str]:
    """Make the URL of a new workspace store of the test's own: a SQLite file, or a database on a real
    PostgreSQL; empty, or with ``sample=True`` a copy of one holding the imported sample register."""
    from tests.postgres import new_database

    made = iter(range(1_000))

    def new(name: str = "ws", sample: bool = False) -> str:
        if request.param == "sqlite":
            folder = tmp_path / name
            if sample:
                shutil.copytree(request.getfixturevalue("sample_folder"), folder)
            folder.mkdir(parents=True, exist_ok=True)
            return f"sqlite:///{folder / 'ladder.sqlite'}"
        server = request.getfixturevalue("postgres_url")
        template = request.getfixturevalue("_sample_database") if sample else None
        return new_database(server, f"ladder_{abs(hash(request.node.nodeid)) % 10**9}_{next(made)}", template)

    return new
