"""Building workbooks and CSV folders for import tests, and counting every table."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.apps import apps
from openpyxl import Workbook

from qingfeng.core.idnumbers import make_id_number

_seq = iter(range(500, 999))


def new_id(birth=dt.date(1990, 3, 4), male=True, region="140105") -> str:
    while True:
        n = next(_seq)
        if (n % 2 == 1) == male:
            return make_id_number(region, birth, n)


def workbook(path: Path, sheets: dict[str, list[dict]], headers: dict[str, list[str]] | None = None) -> Path:
    """sheets: name → rows (dicts header → cell). Headers default to the keys of the first row."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        cols = (headers or {}).get(name) or (list(rows[0]) if rows else [])
        ws.append(cols)
        for row in rows:
            ws.append([row.get(c) for c in cols])
    wb.save(path)
    return path


def csv_folder(folder: Path, sheets: dict[str, list[dict]], bom: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in sheets.items():
        with open(folder / f"{name}.csv", "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
            writer = csv.writer(f)
            cols = list(rows[0])
            writer.writerow(cols)
            for row in rows:
                writer.writerow([row.get(c, "") for c in cols])
    return folder


def table_counts() -> dict[str, int]:
    """Rows in every table of the project's apps (the audit log excepted: refusals may be audited)."""
    counts = {}
    for model in apps.get_models():
        label = model._meta.label
        if label.startswith(("qingfeng.", "accounts.", "orgs.", "people.", "activities.", "grassroots.", "supervision.",
                             "service.", "entities.", "burden.", "discipline.", "indicators.", "imports.")):
            if label in ("imports.ImportJob",):
                continue
            counts[label] = model.objects.count()
    return counts
