"""The hostile import files of the security review (issue 16), generated, and what reading each costs.

    .venv/bin/python bench/hostile_imports.py [--work DIR] [--only NAME ...]

Every file is built here at the size the review describes (the tests in tests/security/test_hostile_imports.py
build the same kinds small, with lowered limits). For each file one measuring process (Django set up, as the web
server's worker would be) runs qingfeng.imports.actions.check_file — the parse in its bounded child process, then
validation — and reports its own peak RSS, the reader child's peak RSS, wall time and the refusal; then
`qingfeng import FILE` is run as a command and its exit status recorded. The printed table is the one in
docs/reliability.md."""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                 b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                 b'<Default Extension="xml" ContentType="application/xml"/>'
                 b'<Override PartName="/xl/workbook.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                 b'<Override PartName="/xl/worksheets/sheet1.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                 b'<Override PartName="/xl/sharedStrings.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                 b'</Types>')
ROOT_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
             b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
             b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
             b'Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = ('<?xml version="1.0" encoding="UTF-8"?><workbook '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
                 b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 b'worksheet" Target="worksheets/sheet1.xml"/>'
                 b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SHEET_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
ORG_HEADERS = ["组织编码", "组织名称", "上级组织编码", "组织类别", "单位类型", "层级"]


def _cells(row: int, values) -> bytes:
    cells = "".join(f'<c r="{chr(65 + i)}{row}" t="inlineStr"><is><t>{v}</t></is></c>' for i, v in enumerate(values))
    return f'<row r="{row}">{cells}</row>'.encode()


def _write(path: Path, sheet_xml, shared=None, sheet: str = "党组织") -> Path:
    """A minimal .xlsx: one sheet (bytes, or an iterable of byte chunks streamed into the zip) and optional shared
    strings (idem)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=sheet).encode())
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        for name, body in (("xl/worksheets/sheet1.xml", sheet_xml), ("xl/sharedStrings.xml", shared)):
            if body is None:
                continue
            with archive.open(name, "w", force_zip64=True) as out:
                for chunk in ([body] if isinstance(body, bytes) else body):
                    out.write(chunk)
    return path


def far_cell(path: Path, dimension: str | None = "A1:XFD1048576", cell: str = "XFD1048576") -> Path:
    """Sheet 党组织: a header row and one cell far away (finding 1: python-calamine sizes the sheet by it). The
    dimension the sheet declares may tell the truth, lie (a small range) or be absent (None)."""
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    body = (SHEET_HEAD + dim + b"<sheetData>" + _cells(1, ORG_HEADERS)
            + f'<row r="{cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}"><c r="{cell}" t="inlineStr"><is><t>x</t></is>'
              f'</c></row>'.encode() + b"</sheetData></worksheet>")
    return _write(path, body)


def _filler(rng: random.Random, n: int) -> bytes:
    return base64.b64encode(rng.randbytes(n))


def shared_strings(path: Path, count: int, filler_every: int = 0, prefixed: bool = False) -> Path:
    """Shared strings of `count` empty items (<si/>, 5 bytes each: python-calamine keeps every one) — with a few
    incompressible bytes every `filler_every` items, the compression ratio stays under the bomb limit (finding 2)."""
    rng = random.Random(16)
    item = b"<x:si/>" if prefixed else b"<si/>"
    ns = b' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' if prefixed else b""

    def chunks():
        yield (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
               b'main"' + ns + b">")
        block = filler_every or 100_000
        done = 0
        while done < count:
            n = min(block, count - done)
            yield item * n
            if filler_every:
                yield b"<si><t>" + _filler(rng, 24) + b"</t></si>"
            done += n
        yield b"</sst>"

    sheet = SHEET_HEAD + b"<sheetData>" + _cells(1, ORG_HEADERS) + b"</sheetData></worksheet>"
    return _write(path, sheet, chunks())


def big_sheet_part(path: Path, unpacked: int) -> Path:
    """A worksheet whose XML unpacks to `unpacked` bytes of text that barely compresses (under every ratio limit)."""
    rng = random.Random(17)

    def chunks():
        yield SHEET_HEAD + b"<sheetData>" + _cells(1, ORG_HEADERS)
        row, written = 2, 0
        while written < unpacked:
            text = _filler(rng, 60).decode() + "平阳景苑社区党委" * 100  # about 20× compressible
            chunk = _cells(row, [f"C{row}", text])
            written += len(chunk)
            row += 1
            yield chunk
        yield b"</sheetData></worksheet>"

    return _write(path, chunks())


def blank_lines_csv(path: Path, size: int) -> Path:
    """党组织.csv: a header, then `size` bytes of blank lines (finding 2: read whole before the row limit)."""
    with open(path, "wb") as f:
        f.write(",".join(ORG_HEADERS).encode("utf-8-sig") + b"\n")
        left = size
        while left > 0:
            n = min(left, 1 << 22)
            f.write(b"\n" * n)
            left -= n
    return path


def csv_zip(path: Path, unpacked: int, long_line: bool = False) -> Path:
    """A .zip of 党组织.csv whose content unpacks to `unpacked` bytes at a ratio of about 50 (under the bomb limit):
    short rows (far past the row limit), or one line that never ends."""
    rng = random.Random(18)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("党组织.csv", "w", force_zip64=True) as out:
        out.write(",".join(ORG_HEADERS).encode("utf-8-sig") + b"\n")
        written = 0
        while written < unpacked:
            if long_line:
                piece = b"," * 40_000 + _filler(rng, 750)
            else:
                piece = b"C,x\n" * 10_000 + b"R," + _filler(rng, 750) + b"\n"
            out.write(piece)
            written += len(piece)
    return path


ATTACKS = {
    # name: (description, builder(path))
    "xfd": ("1.5 KB .xlsx, 党组织 with a header and one cell at XFD1048576 (dimension declared)",
            lambda p: far_cell(p / "xfd.xlsx")),
    "xfd-lying": ("the same, the dimension claiming A1:F1",
                  lambda p: far_cell(p / "xfd-lying.xlsx", "A1:F1")),
    "xfd-none": ("the same, no dimension element at all",
                 lambda p: far_cell(p / "xfd-none.xlsx", None)),
    "z1000000": ("no dimension, one cell at Z1000000: 26 M cells, fits the child's memory, refused after loading",
                 lambda p: far_cell(p / "z1000000.xlsx", None, "Z1000000")),
    "si-1.9G": ("shared strings unpacking to 1.9 GB of <si/> at a ratio under 200",
                lambda p: shared_strings(p / "si-1.9G.xlsx", 380_000_000, filler_every=1000)),
    "si-250M": ("shared strings of 250 MB (under the part cap): 50 M empty items",
                lambda p: shared_strings(p / "si-250M.xlsx", 50_000_000, filler_every=1000)),
    "sheet-1.1G": ("a worksheet part unpacking to 1.1 GB of barely compressible text",
                   lambda p: big_sheet_part(p / "sheet-1.1G.xlsx", 1100 * 1024 * 1024)),
    "blank-csv": ("20 MB 党组织.csv of blank lines", lambda p: blank_lines_csv(p / "党组织.csv", 20 * 1024 * 1024)),
    "csv-zip-rows": ("34 MB .zip of 党组织.csv unpacking to 1.9 GB of short rows",
                     lambda p: csv_zip(p / "rows.zip", 1900 * 1024 * 1024)),
    "csv-zip-line": ("a .zip of 党组织.csv whose one line never ends (1.9 GB unpacked)",
                     lambda p: csv_zip(p / "line.zip", 1900 * 1024 * 1024, long_line=True)),
    "csv-zip-rows-900M": ("a .zip of 党组织.csv of 900 MB of short rows (under the part cap: read until the row limit)",
                          lambda p: csv_zip(p / "rows.zip", 900 * 1024 * 1024)),
    "csv-zip-line-900M": ("a .zip of 党组织.csv whose one line of 900 MB never ends (under the part cap)",
                          lambda p: csv_zip(p / "line.zip", 900 * 1024 * 1024, long_line=True)),
}


# ---- measuring -------------------------------------------------------------------------------------

def _django(db_url: str, var: str):
    os.environ["DATABASE_URL"] = db_url
    os.environ["QINGFENG_VAR"] = var
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _hwm_mb(pid: int | str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class ReaderWatch(threading.Thread):
    """Polls the reader child's own peak (VmHWM: its high-water mark since exec) every 20 ms."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.stop = 0.0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            for children in Path("/proc/self/task").glob("*/children"):
                for pid in children.read_text().split():
                    try:
                        if b"qingfeng.imports.reader" in Path(f"/proc/{pid}/cmdline").read_bytes():
                            self.peak = max(self.peak, _hwm_mb(pid))
                    except OSError:
                        pass
            self.stop.wait(0.02)


def child_measure(db_url: str, var: str, path: str) -> dict:
    """The upload through the import page, in this process as in a server's worker: Django's upload handling, the
    stored file, the bounded parse, the page."""
    _django(db_url, var)
    from django.test import Client
    from django.urls import reverse

    from qingfeng.accounts.models import User
    from qingfeng.imports.models import ImportJob

    client = Client()
    client.force_login(User.objects.get(username="bench"))
    watch = ReaderWatch()
    watch.start()
    started = time.perf_counter()
    with open(path, "rb") as f:
        response = client.post(reverse("imports:start"), {"file": f})
    seconds = time.perf_counter() - started
    watch.stop.set()
    watch.join()
    job = ImportJob.objects.order_by("-pk").first()
    refusal = "; ".join(p[3] for p in job.problems[:1]) if job and job.problems else f"(HTTP {response.status_code})"
    return {"seconds": seconds, "server_mb": _hwm_mb("self"), "reader_mb": watch.peak, "refusal": refusal}


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(child_measure(*sys.argv[2:5]), ensure_ascii=False))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default=tempfile.gettempdir())
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    work = Path(args.work) / "qf-hostile"
    work.mkdir(parents=True, exist_ok=True)
    db = tempfile.mkdtemp(prefix="qf-hostile-db-")
    db_url, var = f"sqlite:///{db}/h.sqlite3", tempfile.mkdtemp(prefix="qf-hostile-var-")
    env = {**os.environ, "DATABASE_URL": db_url, "QINGFENG_VAR": var, "DJANGO_SUPERUSER_PASSWORD": "Bench-pass-2026"}
    qingfeng = Path(sys.executable).parent / "qingfeng"
    subprocess.run([qingfeng, "migrate", "-v0"], env=env, check=True)
    subprocess.run([qingfeng, "createsuperuser", "--noinput", "--username", "bench", "--email", "b@example.cn"],
                   env=env, check=True, capture_output=True)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores", flush=True)
    rows = []
    for name, (description, build) in ATTACKS.items():
        if args.only and name not in args.only:
            continue
        folder = work / name
        folder.mkdir(exist_ok=True)
        existing = [p for p in folder.iterdir() if p.is_file()]
        path = existing[0] if existing else build(folder)
        out = subprocess.run([sys.executable, __file__, "--child", db_url, var, str(path)], capture_output=True,
                             text=True, check=False)
        if out.returncode != 0:
            raise SystemExit(f"{name}: the measuring process failed:\n{out.stderr[-3000:]}")
        measured = json.loads(out.stdout.strip().splitlines()[-1])
        command = subprocess.run([qingfeng, "import", path], env=env, capture_output=True, text=True, check=False)
        unpacked = sum(i.file_size for i in zipfile.ZipFile(path).infolist()) if zipfile.is_zipfile(path) else 0
        rows.append((name, description, path.stat().st_size, unpacked, measured, command.returncode))
        print(f"{name}: {path.stat().st_size:,} bytes → {measured['refusal'][:90]} | server {measured['server_mb']:.0f} MB,"
              f" reader {measured['reader_mb']:.0f} MB, {measured['seconds']:.1f} s; qingfeng import exit "
              f"{command.returncode}; load {os.getloadavg()[0]:.1f}", flush=True)
    print("\n| file | size | unpacked (declared) | refusal | server process peak | reader child peak | time | "
          "`qingfeng import` exit |")  # peaks: VmHWM of each process
    print("|---|---|---|---|---|---|---|---|")
    for _name, description, size, unpacked, m, code in rows:
        print(f"| {description} | {size / 1024 / 1024:.1f} MB | {unpacked / 1024 / 1024:,.0f} MB | {m['refusal']} | "
              f"{m['server_mb']:.0f} MB | {m['reader_mb']:.0f} MB | {m['seconds']:.1f} s | {code} |")


if __name__ == "__main__":
    main()
