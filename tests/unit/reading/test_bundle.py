"""Several files kept as one upload: each comes back byte for byte, sheets never share a name, and a zip the
app did not make is refused with a reason."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from lib.reading.bundle import MANIFEST, Part, bundle_name, is_bundle, pack, sheet_names, unpack
from lib.reading.workbook import WorkbookError, read_workbook
from tests.conftest import write_xlsx


def test_files_come_back_byte_for_byte_in_their_order_and_a_name_given_twice_is_told_apart():
    files = [Part("export.csv", b"a;b\r\n1;2\r\n"), Part("export.csv", b"\xef\xbb\xbfc\n3\n")]

    data = pack(files)

    assert is_bundle(data)
    assert [(p.name, p.data) for p in unpack(data, 1 << 20)] == [
        ("export.csv", files[0].data),
        ("export (2).csv", files[1].data),
    ]
    assert bundle_name(files) == "export.csv + export (2).csv"


def test_an_xlsx_is_not_a_bundle(tmp_path):
    assert not is_bundle(write_xlsx(tmp_path / "a.xlsx", {"Sheet1": [["x"]]}).read_bytes())


def test_sheets_of_two_files_never_share_a_name_and_every_name_is_one_excel_accepts():
    taken: set[str] = set()
    assert sheet_names("customers.xlsx", ["Sheet1", "Kliendid"], taken) == ["Sheet1", "Kliendid"]
    assert sheet_names("orders.xlsx", ["Sheet1"], taken) == ["orders – Sheet1"]
    assert sheet_names("orders_export_with_a_long_name_2026-11-30.csv", ["x/y:z"], taken) == ["x_y_z"]
    long = sheet_names("a.csv", ["orders_export_with_a_very_long_name_2026-11-30"], taken)
    assert long == ["orders_export_with_a_very_long_"] and len(long[0]) == 31
    assert sheet_names("b.csv", ["orders_export_with_a_very_long_name_2026-11-30"], taken) == [
        "b – orders_export_with_a_very_l"
    ]


def test_the_sheets_of_several_files_are_read_as_one_workbook_each_marked_with_its_file(tmp_path):
    first = write_xlsx(tmp_path / "customers.xlsx", {"Sheet1": [["Customer id"], ["A1"]]}).read_bytes()
    second = write_xlsx(tmp_path / "orders.xlsx", {"Sheet1": [["Customer id", "Amount"], ["A1", 5]]}).read_bytes()

    sheets = read_workbook(pack([Part("customers.xlsx", first), Part("orders.xlsx", second)]), "x")

    assert [(s.name, s.file) for s in sheets] == [("Sheet1", "customers.xlsx"), ("orders – Sheet1", "orders.xlsx")]


def _forged(manifest: object, entries: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr(MANIFEST, json.dumps(manifest))
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


CSV = b"a,b\n" * 1000
FORGED = {
    "compressed": _forged({"files": ["f.csv"]}, {"0": CSV}, zipfile.ZIP_DEFLATED),
    "too many files": _forged({"files": [f"f{n}.csv" for n in range(13)]}, {str(n): CSV for n in range(13)}),
    "a list for a manifest": _forged(["f.csv"], {"0": CSV}),
    "a name that is no text": _forged({"files": [7]}, {"0": CSV}),
    "an entry not listed": _forged({"files": ["f.csv"]}, {"0": CSV, "1": CSV}),
    "a listed file missing": _forged({"files": ["f.csv", "g.csv"]}, {"0": CSV}),
    "a bundle inside": _forged({"files": ["inner.xlsx"]}, {"0": pack([Part("f.csv", CSV)])}),
}


@pytest.mark.parametrize("name", FORGED)
def test_a_zip_dressed_as_several_files_that_the_app_did_not_make_is_refused_with_a_reason(name):
    with pytest.raises(WorkbookError) as refused:
        read_workbook(FORGED[name], "upload.xlsx")
    assert "'upload.xlsx' is not a readable .xlsx workbook" in refused.value.message()


def test_a_compressed_list_of_files_is_refused_before_it_is_unpacked():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, json.dumps({"files": ["f.csv"]}) + " " * 50_000_000)  # 50 MB from a few KB
        archive.writestr("0", CSV)
    assert len(buffer.getvalue()) < 200_000
    with pytest.raises(WorkbookError):
        read_workbook(buffer.getvalue(), "upload.xlsx")
