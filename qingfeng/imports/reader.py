"""Reading an uploaded file — an .xlsx workbook (python-calamine), a <sheet>.csv file, a .zip of .csv files or a
folder of them — into raw rows, bounded, in a child process.

The parse runs in a child process (`python -m qingfeng.imports.reader`, no Django) under resource limits: address
space (`QINGFENG_IMPORT_READER_MEMORY_MB`, 1024 by default), CPU time, no core file. Whatever a hostile file makes a
reader do — python-calamine sizing a sheet by a cell at XFD1048576, a decompression bomb, a bug nobody knows yet —
ends that child, never the web server or the command; the parent turns it into a refusal in Chinese.

Before asking python-calamine for anything the child checks what the file declares, cheaply:

- the zip's directory: the number of parts, every part's unpacked size (worksheets, the shared strings and any
  other part each have a cap), the compression ratio and the total;
- the shared strings: counted while they are unpacked (the unpacked bytes counted too, whatever the directory says);
- each worksheet's declared dimension (`<dimension ref="A1:XFD1048576"/>`, read from its first bytes): rows,
  columns and cells within MAX_ROWS, MAX_COLUMNS and MAX_CELLS;

and after python-calamine has loaded a sheet, its real size against the same limits, before a row is read. CSV is
streamed: the row, column, line-length and size limits apply while reading. The rows come back through a pipe in
batches, as they are read, so the parent validates while the child reads. The parent unpickles only plain values
(text, numbers, booleans, dates), whatever the child sends.

`read_path(path)` returns the sheets (raising FileRejected for a refusal found before the first row);
iterating a sheet's rows may raise FileRejected too; `finish(sheets)` waits for the end of the file and
`close(sheets)` ends the child. qingfeng.imports.actions.check_file does all three."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import pickle
import re
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import weakref
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypedDict

from qingfeng.core.spreadsheet import csv_unescape

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
    from python_calamine import CalamineWorkbook

# A spreadsheet compresses about 5–15×; a ratio far beyond that is a bomb, not a ledger.
MAX_RATIO = 200
MAX_ROWS = 1_000_000  # data rows of one sheet (plus the header)
MAX_COLUMNS = 200  # the widest sheet has 23 columns; room for columns of one's own, which are ignored
MAX_CELLS = 6_000_000  # rows × columns of one sheet (e.g. 460,000 members with all 13 columns): python-calamine
# holds a sheet as a dense grid of about 140 bytes a cell, so this is what fits the child's memory
MAX_PARTS = 10_000
MAX_SHARED_STRINGS = 4_000_000
MAX_SHEET_PART = 1024 * 1024 * 1024  # one worksheet's XML, unpacked (400,000 members take 290 MB)
MAX_SHARED_STRINGS_PART = 256 * 1024 * 1024
MAX_OTHER_PART = 64 * 1024 * 1024
MAX_CSV_LINE = 1024 * 1024  # characters in one physical line of a CSV file
CSV_FIELD = 128 * 1024  # characters in one CSV field (the csv module's default)
READER_MEMORY_MB = 1024
READER_CPU_SECONDS = 300
BATCH = 2000  # rows per message
MAX_MESSAGE = 64 * 1024 * 1024
PIPE_BYTES = 1024 * 1024  # Linux's default pipe-max-size
HEAD_BYTES = 64 * 1024  # of a worksheet, unpacked, to find its <dimension>


# What a cell of a sheet can hold as the child sends it (_PlainValues lets nothing else through).
CellValue = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None
# A message of the child: ("sheets", [(name, source)]), ("rows", [[cell, …]]), ("end",), ("done",) or
# ("refused", code, parameters) — unpickled data, read by its first item.
Message = tuple[Any, ...]


class Limits(TypedDict):
    """What the child enforces (limits()), sent to it as JSON."""

    max_rows: int
    max_columns: int
    max_cells: int
    max_parts: int
    max_shared_strings: int
    max_sheet_part: int
    max_shared_strings_part: int
    max_other_part: int
    max_unpacked: int
    memory_mb: int
    cpu_seconds: int
    skip: list[str]


class FileRejected(ValueError):
    """The file as a whole cannot be read; the message says why, in Chinese."""


@dataclass
class RawSheet:
    name: str
    rows: Iterable[list[CellValue]]  # the raw cell values of each row, from Excel row 1 on (streamed from the child)
    source: str  # file name, for messages
    keep: object = None  # what must stay open while the rows are read


# ---- the parent ------------------------------------------------------------------------------

def _setting(name: str, default: int) -> int:
    from django.conf import settings

    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return _setting("QINGFENG_IMPORT_MAX_BYTES", 200 * 1024 * 1024)


def max_unpacked_bytes() -> int:
    return _setting("QINGFENG_IMPORT_MAX_UNPACKED_BYTES", 2 * 1024 * 1024 * 1024)


def limits() -> Limits:
    """What the child enforces; settings may lower (or raise) each."""
    from qingfeng.core.sheets import IGNORED_SHEETS

    return {
        "max_rows": _setting("QINGFENG_IMPORT_MAX_ROWS", MAX_ROWS),
        "max_columns": _setting("QINGFENG_IMPORT_MAX_COLUMNS", MAX_COLUMNS),
        "max_cells": _setting("QINGFENG_IMPORT_MAX_CELLS", MAX_CELLS),
        "max_parts": MAX_PARTS,
        "max_shared_strings": _setting("QINGFENG_IMPORT_MAX_SHARED_STRINGS", MAX_SHARED_STRINGS),
        "max_sheet_part": _setting("QINGFENG_IMPORT_MAX_SHEET_PART_BYTES", MAX_SHEET_PART),
        "max_shared_strings_part": _setting("QINGFENG_IMPORT_MAX_SHARED_STRINGS_PART_BYTES", MAX_SHARED_STRINGS_PART),
        "max_other_part": _setting("QINGFENG_IMPORT_MAX_OTHER_PART_BYTES", MAX_OTHER_PART),
        "max_unpacked": max_unpacked_bytes(),
        "memory_mb": _setting("QINGFENG_IMPORT_READER_MEMORY_MB", READER_MEMORY_MB),
        "cpu_seconds": _setting("QINGFENG_IMPORT_READER_CPU_SECONDS", READER_CPU_SECONDS),
        "skip": sorted(IGNORED_SHEETS),
    }


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def _n(n: int) -> str:
    return f"{n:,}"


def message(code: str, p: dict[str, Any]) -> str:
    """The Chinese (or English) reason for a refusal the child reported as (code, parameters)."""
    from django.utils.translation import gettext as _

    lim = p.get("limits") or {}
    texts = {
        "not_xlsx": lambda: _("文件不是有效的 Excel 工作簿（.xlsx）或 CSV 文件。"),
        "unreadable_xlsx": lambda: _("文件不是有效的 Excel 工作簿（.xlsx），无法读取。"),
        "zip_broken": lambda: _("压缩包已损坏，无法读取。"),
        "too_many_parts": lambda: _("文件由 %(count)s 个部件组成，超过上限 %(limit)s 个，已拒绝。") % {
            "count": _n(p["count"]), "limit": _n(p["limit"])},
        "bomb_ratio": lambda: _("文件中的“%(part)s”压缩比异常（%(ratio)d 倍），疑似压缩炸弹，已拒绝。") % {
            "part": p["part"], "ratio": p["ratio"]},
        "part_too_big": lambda: _("文件中的“%(part)s”解压后达 %(size)s，超过单个部件的上限 %(limit)s，已拒绝。") % {
            "part": p["part"], "size": _mib(p["size"]), "limit": _mib(p["limit"])},
        "unpacked_total": lambda: _("文件解压后达 %(size)s，超过上限 %(limit)s，已拒绝。") % {
            "size": _mib(p["size"]), "limit": _mib(p["limit"])},
        "shared_strings": lambda: _("工作簿的共享字符串超过 %(limit)s 个，已拒绝。") % {"limit": _n(p["limit"])},
        "declared_range": lambda: _(
            "工作表“%(sheet)s”声明的范围是 %(ref)s（%(rows)s 行 × %(cols)s 列），超过上限（每表 %(max_rows)s 行、"
            "%(max_cols)s 列、%(max_cells)s 个单元格），已拒绝。请删除数据区域以外的单元格，或拆分后分批导入。") % {
            "sheet": p["sheet"], "ref": p["ref"], "rows": _n(p["rows"]), "cols": _n(p["cols"]),
            "max_rows": _n(lim["rows"]), "max_cols": _n(lim["cols"]), "max_cells": _n(lim["cells"])},
        "sheet_range": lambda: _(
            "工作表“%(sheet)s”有 %(rows)s 行 × %(cols)s 列，超过上限（每表 %(max_rows)s 行、%(max_cols)s 列、"
            "%(max_cells)s 个单元格），已拒绝。请删除数据区域以外的单元格，或拆分后分批导入。") % {
            "sheet": p["sheet"], "rows": _n(p["rows"]), "cols": _n(p["cols"]),
            "max_rows": _n(lim["rows"]), "max_cols": _n(lim["cols"]), "max_cells": _n(lim["cells"])},
        "csv_encoding": lambda: _("“%(file)s”不是 UTF-8 编码的 CSV 文件（可在 Excel 中另存为“CSV UTF-8”）。") % {
            "file": p["file"]},
        "csv_binary": lambda: _("“%(file)s”不是文本格式的 CSV 文件。") % {"file": p["file"]},
        "csv_rows": lambda: _("“%(file)s”超过单表上限 %(limit)s 行，已拒绝。请拆分后分批导入。") % {
            "file": p["file"], "limit": _n(p["limit"])},
        "csv_columns": lambda: _("“%(file)s”第%(row)d行有 %(count)s 列，超过上限 %(limit)s 列，已拒绝。") % {
            "file": p["file"], "row": p["row"], "count": _n(p["count"]), "limit": _n(p["limit"])},
        "csv_line": lambda: _("“%(file)s”第%(row)d行过长（超过 %(limit)s 个字符），不像是 CSV 文件，已拒绝。") % {
            "file": p["file"], "row": p["row"], "limit": _n(p["limit"])},
        "csv_malformed": lambda: _("“%(file)s”第%(row)d行不是有效的 CSV 格式（例如单元格超过 %(limit)s 个字符或引号不成对）。") % {
            "file": p["file"], "row": p["row"], "limit": _n(CSV_FIELD)},
        "no_csv_in_zip": lambda: _("压缩包中没有 .csv 文件。"),
        "no_csv_in_folder": lambda: _("文件夹中没有 .csv 文件。"),
        "memory": lambda: _(
            "读取文件时超过内存上限（%(limit)s）或读取程序出错，已停止读取并拒绝该文件。请检查工作表中是否有远离数据区域"
            "的单元格，或拆分后分批导入。") % {"limit": _mib(p["memory_mb"] * 1024 * 1024)},
        "cpu": lambda: _("读取文件超过时间上限（%(seconds)s 秒），已拒绝。") % {"seconds": _n(p["seconds"])},
        "crashed": lambda: _("读取文件的进程意外终止（%(reason)s），文件已拒绝。请确认它是正常的 Excel 工作簿或 CSV 文件。") % {
            "reason": p["reason"]},
    }
    text = texts.get(code)
    return text() if text else _("文件无法读取，已拒绝。")


def read_path(path: Path) -> list[RawSheet]:
    from django.utils.translation import gettext as _

    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv")
        total = sum(p.stat().st_size for p in files)
    elif not path.exists():
        raise FileRejected(_("找不到文件：%(path)s") % {"path": path})
    else:
        total = path.stat().st_size
        if total == 0:
            raise FileRejected(_("文件是空的。"))
    if total > max_bytes():
        raise FileRejected(_("文件过大：%(size)s，上限为 %(limit)s。请拆分后分批导入。") % {
            "size": _mib(total), "limit": _mib(max_bytes())})
    stream = _Stream(path, limits())
    names = stream.sheet_names()
    return [RawSheet(name, stream.rows(i), source, keep=stream) for i, (name, source) in enumerate(names)]


def _stream_of(sheets: Iterable[RawSheet] | None) -> _Stream | None:
    for sheet in sheets or ():
        if isinstance(sheet.keep, _Stream):
            return sheet.keep
    return None


def finish(sheets: Iterable[RawSheet] | None) -> None:
    """Wait for the end of the file: a refusal in a part nobody iterated (a sheet the import ignores) counts too."""
    stream = _stream_of(sheets)
    if stream is not None:
        stream.finish()


def close(sheets: Iterable[RawSheet] | None) -> None:
    stream = _stream_of(sheets)
    if stream is not None:
        stream.close()


class _PlainValues(pickle.Unpickler):
    """Only the values a cell can hold; anything else in the child's answer is refused."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta")}

    def find_class(self, module: str, name: str) -> Any:  # typeshed's Unpickler.find_class answers Any
        if (module, name) in self.ALLOWED:
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


class _Stream:
    """The child and its pipe: messages are read in order; sheet i's rows after sheet i-1's."""

    def __init__(self, path: Path, lim: Limits):
        self.limits = lim
        self.errors = tempfile.TemporaryFile()  # the child's stderr, for the log (a Rust abort prints there)
        from django.conf import settings

        # The interpreter running us, unless the server embeds Python (uWSGI, say): then the one settings name.
        python = getattr(settings, "QINGFENG_READER_PYTHON", "") or sys.executable
        self.proc = subprocess.Popen(  # noqa: S603 — our own interpreter and module, the path as one argument
            [python, "-m", "qingfeng.imports.reader", str(path), json.dumps(lim)],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.errors, close_fds=True, bufsize=PIPE_BYTES,
            env={**os.environ, "RUST_BACKTRACE": "0"})
        if self.proc.stdout is None:  # stdout=PIPE always gives one
            raise RuntimeError("the reader's pipe is missing")
        self._stdout = self.proc.stdout
        try:  # a larger pipe: the child writes whole batches without waiting for the parent at every 64 KiB
            import fcntl

            fcntl.fcntl(self._stdout.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
        except OSError:
            pass
        self.current = 0  # the sheet whose messages come next
        self.done = False
        self._finalizer = weakref.finalize(self, _end, self.proc, self.errors)

    def _message(self) -> Message:
        head = self._stdout.read(4)
        if len(head) < 4:
            self._died()
        (size,) = struct.unpack(">I", head)
        if size > MAX_MESSAGE:
            self.close()
            raise FileRejected(message("crashed", {"reason": "message too large"}))
        body = self._stdout.read(size)
        if len(body) < size:
            self._died()
        try:
            msg: Message = _PlainValues(io.BytesIO(body)).load()
        except Exception as exc:  # noqa: BLE001 — anything but plain values means the child is not itself
            self.close()
            raise FileRejected(message("crashed", {"reason": "bad message"})) from exc
        if msg[0] == "refused":
            self.close()
            raise FileRejected(message(msg[1], {**msg[2], "limits": self._named_limits()}))
        return msg

    def _named_limits(self) -> dict[str, int]:
        return {"rows": self.limits["max_rows"], "cols": self.limits["max_columns"], "cells": self.limits["max_cells"]}

    def _died(self) -> NoReturn:
        """The pipe ended before the child said it was done: say why in Chinese."""
        import logging

        code = self.proc.wait()
        self.errors.seek(0)
        first = self.errors.read(4000).decode("utf-8", "replace").strip().splitlines()[:1]
        logging.getLogger(__name__).warning("import reader ended with %s: %s", code, first[0][:300] if first else "")
        self.close()
        if code == -signal.SIGXCPU:  # RLIMIT_CPU
            raise FileRejected(message("cpu", {"seconds": self.limits["cpu_seconds"]}))
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS):
            # A failed allocation under RLIMIT_AS aborts python-calamine's Rust code (SIGABRT).
            raise FileRejected(message("memory", {"memory_mb": self.limits["memory_mb"]}))
        raise FileRejected(message("crashed", {"reason": f"exit {code}"}))

    def sheet_names(self) -> list[tuple[str, str]]:
        msg = self._message()
        if msg[0] != "sheets":
            self.close()
            raise FileRejected(message("crashed", {"reason": "protocol"}))
        names: list[tuple[str, str]] = msg[1]
        return names

    def rows(self, index: int) -> Iterator[list[CellValue]]:
        while self.current < index:  # skip what is left of earlier sheets
            if self._message()[0] == "end":
                self.current += 1
        if self.current != index:
            raise RuntimeError("the sheets of an import are read in order")
        while True:
            msg = self._message()
            if msg[0] == "rows":
                yield from msg[1]
            elif msg[0] == "end":
                self.current += 1
                return

    def finish(self) -> None:
        while not self.done:
            if self._message()[0] == "done":
                self.done = True
        self.proc.wait()

    def close(self) -> None:
        self._finalizer()


def _end(proc: subprocess.Popen[bytes], errors: IO[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    if proc.stdout:
        proc.stdout.close()
    errors.close()


# ---- the child -------------------------------------------------------------------------------

class Refusal(Exception):
    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code, self.params = code, params


def _send(out: IO[bytes], msg: Message) -> None:
    body = pickle.dumps(msg, protocol=5)
    out.write(struct.pack(">I", len(body)))
    out.write(body)


def _limit_resources(lim: Limits) -> None:
    memory = lim["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (lim["cpu_seconds"], lim["cpu_seconds"] + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def child_main(argv: list[str]) -> int:
    path = Path(argv[0])
    lim: Limits = json.loads(argv[1])  # as limits() made it
    _limit_resources(lim)
    out = sys.stdout.buffer
    try:
        for msg in _messages(path, lim):
            _send(out, msg)
        out.flush()
        return 0
    except Refusal as refusal:
        _send(out, ("refused", refusal.code, refusal.params))
    except MemoryError:
        _send(out, ("refused", "memory", {"memory_mb": lim["memory_mb"]}))
    except BrokenPipeError:
        return 0  # the parent stopped reading: nothing more to say
    except Exception as exc:  # noqa: BLE001 — an unforeseen reader error is a refusal, never a traceback upstairs
        _send(out, ("refused", "crashed", {"reason": type(exc).__name__}))
    out.flush()
    return 1


def _messages(path: Path, lim: Limits) -> Iterator[Message]:
    if path.is_dir():
        yield from _csv_folder(path, lim)
    elif path.suffix.lower() == ".csv":
        with open(path, "rb") as f:
            yield ("sheets", [(path.stem.strip(), path.name)])
            yield from _csv_sheet(f, path.name, lim)
    elif path.suffix.lower() == ".zip":
        yield from _csv_zip(path, lim)
    else:
        yield from _xlsx(path, lim)
    yield ("done",)


# -- CSV

def _csv_sheet(binary: IO[bytes], source: str, lim: Limits) -> Iterator[Message]:
    """One CSV file's rows, streamed: the limits apply while reading."""
    csv.field_size_limit(CSV_FIELD)
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    line_no = [0]

    def lines() -> Iterator[str]:
        while True:
            line = text.readline(MAX_CSV_LINE)
            if not line:
                return
            line_no[0] += 1
            if len(line) >= MAX_CSV_LINE and not line.endswith(("\n", "\r")):
                raise Refusal("csv_line", file=source, row=line_no[0], limit=MAX_CSV_LINE)
            if "\x00" in line:
                raise Refusal("csv_binary", file=source)
            yield line

    max_rows, max_columns = lim["max_rows"] + 1, lim["max_columns"]
    batch: list[list[str]] = []
    count = 0
    try:
        for row in csv.reader(lines()):
            count += 1
            if count > max_rows:
                raise Refusal("csv_rows", file=source, limit=lim["max_rows"])
            if len(row) > max_columns:
                raise Refusal("csv_columns", file=source, row=count, count=len(row), limit=max_columns)
            # Our CSV exports put an apostrophe before text that could start a formula (core.spreadsheet).
            batch.append([csv_unescape(c) if c[:1] == "'" else c for c in row])
            if len(batch) >= BATCH:
                yield ("rows", batch)
                batch = []
    except UnicodeDecodeError as exc:
        raise Refusal("csv_encoding", file=source) from exc
    except csv.Error as exc:
        raise Refusal("csv_malformed", file=source, row=line_no[0]) from exc
    if batch:
        yield ("rows", batch)
    yield ("end",)


def _csv_folder(folder: Path, lim: Limits) -> Iterator[Message]:
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    if not files:
        raise Refusal("no_csv_in_folder")
    yield ("sheets", [(p.stem.strip(), p.name) for p in files])
    for p in files:
        with open(p, "rb") as f:
            yield from _csv_sheet(f, p.name, lim)


class _Capped(io.RawIOBase):
    """A part of a zip read with its unpacked size counted, whatever the directory declared."""

    def __init__(self, raw: IO[bytes], name: str, limit: int):
        self.raw, self.name_in_zip, self.limit, self.seen = raw, name, limit, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer)  # a bytearray or a memoryview of one: written through
        data = self.raw.read(len(view))
        self.seen += len(data)
        if self.seen > self.limit:
            raise Refusal("part_too_big", part=self.name_in_zip, size=self.seen, limit=self.limit)
        view[:len(data)] = data
        return len(data)


def _check_zip(archive: zipfile.ZipFile, lim: Limits, cap: Callable[[str], int]) -> None:
    """The directory's declarations: parts, each part's unpacked size, ratios, the total."""
    infos = archive.infolist()
    if len(infos) > lim["max_parts"]:
        raise Refusal("too_many_parts", count=len(infos), limit=lim["max_parts"])
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > cap(info.filename):
            raise Refusal("part_too_big", part=info.filename, size=info.file_size, limit=cap(info.filename))
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10 * 1024 * 1024:
            raise Refusal("bomb_ratio", part=info.filename, ratio=info.file_size // info.compress_size)
    if total > lim["max_unpacked"]:
        raise Refusal("unpacked_total", size=total, limit=lim["max_unpacked"])


def _csv_zip(path: Path, lim: Limits) -> Iterator[Message]:
    """A .zip of <sheet>.csv files: the web page's way of uploading a folder."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refusal("zip_broken") from exc
    with archive:
        _check_zip(archive, lim, lambda name: lim["max_sheet_part"])
        members = [i for i in archive.infolist()
                   if not i.is_dir() and PurePosixPath(i.filename).name.lower().endswith(".csv")]
        if not members:
            raise Refusal("no_csv_in_zip")
        yield ("sheets", [(PurePosixPath(i.filename).stem.strip(), PurePosixPath(i.filename).name) for i in members])
        for info in members:
            try:
                with archive.open(info) as raw:
                    yield from _csv_sheet(io.BufferedReader(_Capped(raw, info.filename, lim["max_sheet_part"])),
                                          PurePosixPath(info.filename).name, lim)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:  # a damaged member, a wrong CRC
                raise Refusal("zip_broken") from exc


# -- .xlsx

DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*[\"']([A-Za-z]{1,3}[0-9]{1,7})"
                       rb"(?::([A-Za-z]{1,3}[0-9]{1,7}))?[\"']")
CELL = re.compile(rb"([A-Za-z]{1,3})([0-9]{1,7})")


def _position(ref: bytes) -> tuple[int, int]:
    cell = CELL.fullmatch(ref)
    if cell is None:
        raise ValueError(ref)
    letters, digits = cell.groups()
    column = 0
    for ch in letters.upper():
        column = column * 26 + ch - 64
    return int(digits), column


def _part_cap(lim: Limits) -> Callable[[str], int]:
    def cap(name: str) -> int:
        lower = name.lower()
        if lower.startswith("xl/worksheets/") and lower.endswith(".xml"):
            return lim["max_sheet_part"]
        if lower == "xl/sharedstrings.xml":
            return lim["max_shared_strings_part"]
        return lim["max_other_part"]

    return cap


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its worksheet part, from xl/workbook.xml and its relationships ({} when they cannot be read:
    the dimension check is then skipped, python-calamine's own size check and the memory limit remain)."""
    from xml.etree import ElementTree

    try:
        book_xml, rels_xml = archive.read("xl/workbook.xml"), archive.read("xl/_rels/workbook.xml.rels")
        if b"<!DOCTYPE" in book_xml.upper() or b"<!DOCTYPE" in rels_xml.upper():
            return {}  # Office never writes a DTD: no entity expansion is ever parsed here
        book = ElementTree.fromstring(book_xml)  # noqa: S314 — no DTD, size capped by MAX_OTHER_PART
        rels = ElementTree.fromstring(rels_xml)  # noqa: S314 — idem
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target") or ""
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = os.path.normpath(target).replace(os.sep, "/")
    parts: dict[str, str] = {}
    for element in book.iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet":
            rid = next((v for k, v in element.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
            name = element.get("name")
            if name is not None and rid in targets:
                parts[name] = targets[rid]
    return parts


def _check_dimension(archive: zipfile.ZipFile, sheet: str, part: str, lim: Limits) -> None:
    try:
        with archive.open(part) as f:
            head = f.read(HEAD_BYTES)
    except KeyError:
        return  # python-calamine will say the workbook is broken
    found = DIMENSION.search(head)
    if not found:
        return
    first = _position(found.group(1))
    last = _position(found.group(2)) if found.group(2) else first
    rows, cols = abs(last[0] - first[0]) + 1, abs(last[1] - first[1]) + 1
    if rows > lim["max_rows"] + 1 or cols > lim["max_columns"] or rows * cols > lim["max_cells"]:
        ref = found.group(1).decode() + (":" + found.group(2).decode() if found.group(2) else "")
        raise Refusal("declared_range", sheet=sheet, ref=ref, rows=rows, cols=cols)


def _check_shared_strings(archive: zipfile.ZipFile, lim: Limits) -> None:
    """Count the shared strings while unpacking them (python-calamine keeps every one in memory)."""
    try:
        info = archive.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return
    count, tail = 0, b""
    with archive.open(info) as raw:
        f = _Capped(raw, info.filename, lim["max_shared_strings_part"])
        buffer = bytearray(4 * 1024 * 1024)
        while True:
            n = f.readinto(buffer)
            if not n:
                break
            chunk = tail + bytes(buffer[:n])
            count += chunk.count(b"<si") + chunk.count(b":si")
            tail = chunk[-3:]
            count -= tail.count(b"<si") + tail.count(b":si")  # counted again with the next chunk
            if count > lim["max_shared_strings"]:
                raise Refusal("shared_strings", limit=lim["max_shared_strings"])


def _xlsx(path: Path, lim: Limits) -> Iterator[Message]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise Refusal("not_xlsx") from exc
    with archive:
        try:
            _check_zip(archive, lim, _part_cap(lim))
            _check_shared_strings(archive, lim)
            parts = _sheet_parts(archive)
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            raise Refusal("unreadable_xlsx") from exc
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(str(path))
            names = list(workbook.sheet_names)
        except Exception as exc:  # noqa: BLE001 — python-calamine raises several types for unreadable files
            raise Refusal("unreadable_xlsx") from exc
        skip = set(lim["skip"])
        for name in names:
            if name.strip() not in skip and name in parts:
                try:
                    _check_dimension(archive, name, parts[name], lim)
                except (zipfile.BadZipFile, EOFError, OSError) as exc:
                    raise Refusal("unreadable_xlsx") from exc
        yield ("sheets", [(name.strip(), path.name) for name in names])
        for name in names:
            if name.strip() in skip:
                yield ("end",)
                continue
            yield from _xlsx_sheet(workbook, name, lim)


def _xlsx_sheet(workbook: CalamineWorkbook, name: str, lim: Limits) -> Iterator[Message]:
    try:
        sheet = workbook.get_sheet_by_name(name)
        rows, cols = sheet.height, sheet.width
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise Refusal("unreadable_xlsx") from exc
    if rows > lim["max_rows"] + 1 or cols > lim["max_columns"] or rows * cols > lim["max_cells"]:
        raise Refusal("sheet_range", sheet=name, rows=rows, cols=cols)
    batch: list[list[CellValue]] = []
    seen: dict[str, str] = {}
    for row in sheet.iter_rows():
        # One object per distinct short text in a batch (codes, dates, enumerations repeat in every row): pickled
        # once, unpickled once — less to send and fewer strings for the parent to make.
        batch.append([seen.setdefault(v, v) if type(v) is str and len(v) < 24 else v for v in row])
        if len(batch) >= BATCH:
            yield ("rows", batch)
            batch, seen = [], {}
    if batch:
        yield ("rows", batch)
    yield ("end",)


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1:]))
