"""Reading a workbook (.xlsx, with python-calamine) or a folder of UTF-8 .csv files into raw rows.

Limits are checked before anything is parsed: the file size, and for .xlsx (a zip archive) the
declared uncompressed size and compression ratio of its parts, so a zip bomb is refused unopened."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from qingfeng.core.spreadsheet import csv_unescape

# A spreadsheet compresses about 5–15×; a ratio far beyond that is a bomb, not a ledger.
MAX_RATIO = 200
MAX_ROWS = 1_000_000


class FileRejected(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass
class RawSheet:
    name: str
    rows: object  # an iterable of lists of raw cell values, from Excel row 1 on (streamed for .xlsx)
    source: str  # file name, for messages
    keep: object = None  # what must stay open while the rows are read


def max_bytes() -> int:
    return int(getattr(settings, "QINGFENG_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "QINGFENG_IMPORT_MAX_UNPACKED_BYTES", 2 * 1024 * 1024 * 1024))


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def read_path(path: Path) -> list[RawSheet]:
    path = Path(path)
    if path.is_dir():
        return read_csv_folder(path)
    if not path.exists():
        raise FileRejected(_("找不到文件：%(path)s") % {"path": path})
    size = path.stat().st_size
    if size > max_bytes():
        raise FileRejected(_("文件过大：%(size)s，上限为 %(limit)s。请拆分后分批导入。") % {
            "size": _mib(size), "limit": _mib(max_bytes())})
    if size == 0:
        raise FileRejected(_("文件是空的。"))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheet = path.stem.strip()
        return [read_csv_bytes(sheet, path.read_bytes(), path.name)]
    if suffix == ".zip":
        return read_csv_zip(path)
    return read_xlsx(path)


def check_zip(path: Path, archive: zipfile.ZipFile) -> None:
    total = 0
    packed = 0
    for info in archive.infolist():
        total += info.file_size
        packed += info.compress_size
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10 * 1024 * 1024:
            raise FileRejected(_("文件中的“%(part)s”压缩比异常（%(ratio)d 倍），疑似压缩炸弹，已拒绝。") % {
                "part": info.filename, "ratio": info.file_size // info.compress_size})
    if total > max_unpacked_bytes():
        raise FileRejected(_("文件解压后达 %(size)s，超过上限 %(limit)s，已拒绝。") % {
            "size": _mib(total), "limit": _mib(max_unpacked_bytes())})


def read_xlsx(path: Path) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook

    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(path, archive)
    except zipfile.BadZipFile as exc:
        raise FileRejected(_("文件不是有效的 Excel 工作簿（.xlsx）或 CSV 文件。")) from exc
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height > MAX_ROWS + 1:
                raise FileRejected(_("工作表“%(sheet)s”有 %(rows)d 行，超过单表上限 %(limit)d 行。") % {
                    "sheet": name, "rows": sheet.height, "limit": MAX_ROWS})
            # Streamed row by row: the whole sheet is never held as Python objects at once.
            sheets.append(RawSheet(name.strip(), sheet.iter_rows(), path.name, keep=workbook))
        return sheets
    except FileRejected:
        raise
    except Exception as exc:  # noqa: BLE001 — calamine raises several types for unreadable files
        raise FileRejected(_("文件不是有效的 Excel 工作簿（.xlsx），无法读取。")) from exc


def read_csv_bytes(sheet: str, data: bytes, source: str) -> RawSheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRejected(_("“%(file)s”不是 UTF-8 编码的 CSV 文件（可在 Excel 中另存为“CSV UTF-8”）。") % {
            "file": source}) from exc
    if "\x00" in text:
        raise FileRejected(_("“%(file)s”不是文本格式的 CSV 文件。") % {"file": source})
    # Our CSV exports put an apostrophe before text that could start a formula (core.spreadsheet): undone here.
    rows = [[csv_unescape(c) if c[:1] == "'" else c for c in row] for row in csv.reader(io.StringIO(text, newline=""))]
    if len(rows) > MAX_ROWS + 1:
        raise FileRejected(_("“%(file)s”有 %(rows)d 行，超过单表上限 %(limit)d 行。") % {
            "file": source, "rows": len(rows), "limit": MAX_ROWS})
    return RawSheet(sheet, rows, source)


def read_csv_folder(folder: Path) -> list[RawSheet]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        raise FileRejected(_("文件夹中没有 .csv 文件。"))
    total = sum(p.stat().st_size for p in files)
    if total > max_bytes():
        raise FileRejected(_("文件过大：%(size)s，上限为 %(limit)s。请拆分后分批导入。") % {
            "size": _mib(total), "limit": _mib(max_bytes())})
    return [read_csv_bytes(p.stem.strip(), p.read_bytes(), p.name) for p in files]


def read_csv_zip(path: Path) -> list[RawSheet]:
    """A .zip of <sheet>.csv files: the web page's way of uploading a folder."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip(path, archive)
            sheets = []
            for info in archive.infolist():
                name = Path(info.filename).name
                if info.is_dir() or not name.lower().endswith(".csv"):
                    continue
                sheets.append(read_csv_bytes(Path(name).stem.strip(), archive.read(info), name))
    except zipfile.BadZipFile as exc:
        raise FileRejected(_("压缩包已损坏，无法读取。")) from exc
    if not sheets:
        raise FileRejected(_("压缩包中没有 .csv 文件。"))
    return sheets
