"""Templates built the way an officer builds them in Excel, and the two ways of filling them the tests use:
the command line (`qingfeng form fill`) and `qingfeng indicators` for the figures to compare with."""

from __future__ import annotations

import datetime as dt
import io
import json
from io import StringIO
from pathlib import Path

import openpyxl
from django.core.management import CommandError, call_command
from openpyxl.styles import Alignment, Font


def xlsx(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def workbook(cells: dict[str, object], title: str = "表1"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for coordinate, value in cells.items():
        ws[coordinate] = value
    return wb


def township_form():
    """党组织和党员基本情况统计表: a title over the columns, two header rows, a row per child, a total."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表1"
    ws["A1"] = "党组织和党员基本情况统计表"
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A1:F1")
    ws["A2"] = "填报单位："
    ws["B2"] = "{{ org.name }}"
    ws["D2"] = "{{ period.from }}"
    ws["E2"] = "至"
    ws["F2"] = "{{ period.to }}"
    for col, text in zip("ABCDEF", ["单位", "组织编码", "党组织数", "党员数", "三会一课落实率", "上年党员数"], strict=True):
        ws[f"{col}3"] = text
    ws["A4"] = "{{ each child }}"
    ws["B4"] = "{{ org.code }}"
    ws["C4"] = "{{ orgs.total }}"
    ws["D4"] = "{{ members.total }}"
    ws["E4"] = "{{ orglife.compliance }}"
    ws["F4"] = "{{ members.total | prior_year }}"
    ws["A5"] = "合计"
    ws["C5"] = "=SUM(C4:C4)"
    ws["D5"] = "=SUM(D4:D4)"
    ws["F5"] = "=SUM(F4:F4)"
    ws["A6"] = "本级"
    ws["C6"] = "{{ orgs.total }}"
    ws["D6"] = "{{ members.total }}"
    ws.column_dimensions["A"].width = 28
    ws.row_dimensions[1].height = 32
    ws.row_dimensions[4].height = 20
    ws["D4"].number_format = "#,##0"
    notes = wb.create_sheet("填表说明")
    notes["A1"] = "本表由平台按台账自动生成。"
    return wb


def run_fill(tmp_path: Path, *, template: bytes | None = None, form: str | None = None, org: str, start, end,
             user: str | None = None, version: int | None = None):
    """(exit code, the filled workbook or None, stderr) of `qingfeng form fill`."""
    out_path = tmp_path / "out.xlsx"
    out_path.unlink(missing_ok=True)
    args = ["form", "fill"]
    if template is not None:
        source = tmp_path / "template.xlsx"
        source.write_bytes(template)
        args.append(str(source))
    if form is not None:
        args += ["--form", form]
    if version is not None:
        args += ["--version", str(version)]
    args += ["--org", org, "--from", str(start), "--to", str(end), "-o", str(out_path)]
    if user:
        args += ["--user", user]
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command(*args, stdout=stdout, stderr=stderr)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        stderr.write(str(exc))
    filled = openpyxl.load_workbook(out_path) if out_path.exists() else None
    return code, filled, stderr.getvalue()


def indicators(org: str, start: dt.date, end: dt.date, keys: list[str], user: str | None = None) -> dict:
    """What `qingfeng indicators` prints for the same question."""
    out = StringIO()
    call_command("indicators", "--org", org, "--from", str(start), "--to", str(end), "--only", ",".join(keys),
                 "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def rebuild_facts() -> None:
    call_command("rebuild-facts", stdout=StringIO())


def values(ws, rng: str) -> list[list]:
    return [[c.value for c in row] for row in ws[rng]]
