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


def _forged(compression: int, files: int = 1) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr(MANIFEST, json.dumps({"files": [f"f{n}.csv" for n in range(files)]}))
        for n in range(files):
            archive.writestr(str(n), b"a,b\n" * 1000)
    return buffer.getvalue()


@pytest.mark.parametrize(("compression", "files"), [(zipfile.ZIP_DEFLATED, 1), (zipfile.ZIP_STORED, 13)])
def test_a_zip_dressed_as_several_files_that_the_app_did_not_make_is_refused_with_a_reason(compression, files):
    with pytest.raises(WorkbookError) as refused:
        read_workbook(_forged(compression, files), "upload.xlsx")
    assert "upload.xlsx" in refused.value.message()
