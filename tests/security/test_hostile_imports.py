"""Hostile import files (issue 16, findings 1 and 2), generated small (bench/hostile_imports.py builds them at the
size of the review): each is refused with a reason in Chinese and exit status 1 — never a signal, a traceback or a
server process gone — and nothing is written. Limits are lowered where a small file must cross them."""

from __future__ import annotations

import importlib.util
import io
import os
import pickle
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from qingfeng.imports.actions import check_file
from qingfeng.imports.models import ImportJob, JobStatus
from tests.imports.helpers import table_counts, workbook
from tests.imports.test_command import run

ROOT = Path(__file__).resolve().parents[2]
QINGFENG = Path(sys.executable).parent / "qingfeng"


def hostile():
    spec = importlib.util.spec_from_file_location("hostile_imports", ROOT / "bench" / "hostile_imports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


H = hostile()
MEMORY = "超过内存上限"


def refused(world, path, reason: str) -> str:
    """Through the command, in this process: exit status 1, the reason, nothing written."""
    before = table_counts()
    code, _out, err = run(path)
    assert code == 1, err
    assert reason in err, err
    assert "未写入任何数据" in err and "Traceback" not in err
    assert table_counts() == before
    return err


def test_a_cell_at_xfd1048576_is_refused_by_the_range_the_sheet_declares(world, tmp_path):
    path = H.far_cell(tmp_path / "xfd.xlsx")
    assert path.stat().st_size < 2048
    err = refused(world, path, "声明的范围是 A1:XFD1048576")
    assert "1,048,576 行 × 16,384 列" in err and "党组织" in err


@pytest.mark.parametrize("dimension", ["A1:F1", None], ids=["lying", "absent"])
def test_when_the_sheet_lies_about_its_range_the_reader_child_ends_and_the_server_does_not(world, tmp_path,
                                                                                         dimension):
    path = H.far_cell(tmp_path / "xfd.xlsx", dimension)
    refused(world, path, MEMORY)  # python-calamine asked for 512 GiB: its child aborted, this process goes on
    assert run(workbook(tmp_path / "ok.xlsx", {"报表目录": [
        {"报表编号": "OK-1", "报表名称": "好表", "主管组织编码": "140105", "启用日期": "2020-01-01"}]}))[0] == 0


def test_a_sheet_too_big_for_the_limits_is_refused_after_loading_before_any_row(world, tmp_path, settings):
    settings.QINGFENG_IMPORT_MAX_CELLS = 100_000
    path = H.far_cell(tmp_path / "z.xlsx", None, "Z5000")  # 26 columns × 5,000 rows, nothing declared
    refused(world, path, "有 5,000 行 × 26 列")


def test_shared_strings_are_counted_as_they_are_unpacked(world, tmp_path, settings):
    settings.QINGFENG_IMPORT_MAX_SHARED_STRINGS = 1000
    refused(world, H.shared_strings(tmp_path / "si.xlsx", 5000), "共享字符串超过 1,000 个")
    refused(world, H.shared_strings(tmp_path / "si2.xlsx", 5000, prefixed=True), "共享字符串超过 1,000 个")


def test_every_part_has_an_unpacked_cap_not_only_a_ratio(world, tmp_path, settings):
    # Shared strings under the ratio limit (finding 2's 1.9 GB of <si/> at ratio 177, scaled down).
    settings.QINGFENG_IMPORT_MAX_SHARED_STRINGS_PART_BYTES = 100_000
    path = H.shared_strings(tmp_path / "si.xlsx", 60_000, filler_every=1000)
    info = zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml")
    assert info.file_size / info.compress_size < 200
    refused(world, path, "“xl/sharedStrings.xml”解压后达")
    settings.QINGFENG_IMPORT_MAX_SHEET_PART_BYTES = 200_000
    refused(world, H.big_sheet_part(tmp_path / "sheet.xlsx", 400_000), "“xl/worksheets/sheet1.xml”解压后达")
    settings.QINGFENG_IMPORT_MAX_OTHER_PART_BYTES = 10_000
    path = tmp_path / "extra.xlsx"
    path.write_bytes(H.far_cell(tmp_path / "base.xlsx", "A1:F2").read_bytes())
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/media/picture.bin", os.urandom(20_000))
    refused(world, path, "“xl/media/picture.bin”解压后达")


def test_a_csv_of_blank_lines_is_refused_while_reading(world, tmp_path, settings):
    settings.QINGFENG_IMPORT_MAX_ROWS = 1000
    refused(world, H.blank_lines_csv(tmp_path / "党组织.csv", 50_000), "超过单表上限 1,000 行")


def test_a_zip_of_csv_files_is_streamed_with_the_limits(world, tmp_path, settings):
    settings.QINGFENG_IMPORT_MAX_ROWS = 1000
    refused(world, H.csv_zip(tmp_path / "rows.zip", 2_000_000), "超过单表上限 1,000 行")
    refused(world, H.csv_zip(tmp_path / "line.zip", 3_000_000, long_line=True), "第2行过长")


def test_a_csv_with_too_many_columns_or_binary_content(world, tmp_path):
    wide = tmp_path / "wide" / "党组织.csv"
    wide.parent.mkdir()
    wide.write_text(",".join(["x"] * 500) + "\n", encoding="utf-8")
    refused(world, wide, "有 500 列")
    binary = tmp_path / "bin" / "党组织.csv"
    binary.parent.mkdir()
    binary.write_bytes("组织编码\nA\x00B\n".encode())
    refused(world, binary, "不是文本格式")


def test_a_reader_that_exceeds_its_time_is_ended(world, tmp_path, settings):
    settings.QINGFENG_IMPORT_READER_CPU_SECONDS = 1
    settings.QINGFENG_IMPORT_MAX_ROWS = 50_000_000
    path = tmp_path / "slow" / "党组织.csv"
    path.parent.mkdir()
    # Seconds of reading for the child; next to nothing for the parent, which skips blank rows.
    path.write_bytes(",".join(H.ORG_HEADERS).encode() + b"\n" + b"\n" * 8_000_000)
    refused(world, path, "超过时间上限（1 秒）")


def test_an_unknown_failure_of_the_reader_ends_only_its_child(world, tmp_path, settings):
    # A reader that needs more memory than it may have stands for any bug: the child ends, the refusal is Chinese.
    settings.QINGFENG_IMPORT_READER_MEMORY_MB = 90
    path = H.far_cell(tmp_path / "mid.xlsx", None, "Z600000")  # 15.6 M cells: about 500 MB for python-calamine
    refused(world, path, MEMORY)


def test_the_parent_accepts_nothing_but_cell_values_from_the_child():
    from qingfeng.imports.reader import _PlainValues

    with pytest.raises(pickle.UnpicklingError):
        _PlainValues(io.BytesIO(pickle.dumps(("rows", [[os.system]])))).load()
    import datetime as dt

    value = ("rows", [["文字", 1.5, 2, True, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4)]])
    assert _PlainValues(io.BytesIO(pickle.dumps(value, protocol=5))).load() == value


def test_the_upload_page_refuses_the_workbook_and_the_server_goes_on(world, client_for, tmp_path):
    client = client_for(world.clerk)
    for path, reason in ((H.far_cell(tmp_path / "xfd.xlsx"), "声明的范围是 A1:XFD1048576"),
                         (H.far_cell(tmp_path / "lying.xlsx", "A1:F1"), MEMORY)):
        with open(path, "rb") as f:
            response = client.post(reverse("imports:start"), {"file": f}, follow=True)
        assert response.status_code == 200 and reason in response.content.decode()
        assert ImportJob.objects.filter(user=world.clerk).latest("pk").status == JobStatus.REJECTED
    assert client.get(reverse("imports:start")).status_code == 200


def test_the_command_exits_1_with_the_reason_never_a_signal(tmp_path):
    """`qingfeng import` as its own process (on its own SQLite file): finding 1 ended it with status 134."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "QINGFENG_VAR": str(tmp_path / "var"),
           "DJANGO_SUPERUSER_PASSWORD": "Hostile-test-2026"}
    subprocess.run([QINGFENG, "migrate", "-v0"], env=env, check=True, capture_output=True)
    subprocess.run([QINGFENG, "createsuperuser", "--noinput", "--username", "admin", "--email", "a@example.cn"],
                   env=env, check=True, capture_output=True)
    for path, reason in ((H.far_cell(tmp_path / "xfd.xlsx"), "声明的范围是"),
                         (H.far_cell(tmp_path / "lying.xlsx", "A1:F1"), MEMORY)):
        done = subprocess.run([QINGFENG, "import", path], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 1, (done.returncode, done.stderr[-500:])
        assert reason in done.stderr and "Traceback" not in done.stderr


def _reader_children() -> list[int]:
    pids = []
    for children in Path("/proc/self/task").glob("*/children"):
        pids += [int(p) for p in children.read_text().split()]
    return [p for p in pids if b"qingfeng.imports.reader" in Path(f"/proc/{p}/cmdline").read_bytes()]


def test_check_file_ends_its_reader_child(world, tmp_path):
    ok = workbook(tmp_path / "ok.xlsx", {"报表目录": [
        {"报表编号": "OK-1", "报表名称": "好表", "主管组织编码": "140105", "启用日期": "2020-01-01"}]})
    bad = workbook(tmp_path / "bad.xlsx", {"报表目录": [{"报表编号": "X"}], "另一张表": [{"a": 1}]})
    for path, ok_wanted in ((ok, True), (bad, False)):
        result, _importer = check_file(path, world.admin)
        assert result.ok is ok_wanted
        assert _reader_children() == []
