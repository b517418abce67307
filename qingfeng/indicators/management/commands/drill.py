"""`qingfeng drill ID --org CODE --from DATE --to DATE [--format json|csv]`: the records behind a value."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qingfeng.core.spreadsheet import csv_writer
from qingfeng.indicators.engine import IndicatorError, drill
from qingfeng.indicators.management.commands._common import add_scope_arguments, scope_from, usage_error


def plain(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reading values needs no URL or admin checks
    help = "Lists the records behind one indicator value (for a rate: numerator and denominator)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("key", help="indicator id, with filters if any")
        add_scope_arguments(parser)
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        org, start, end = scope_from(options)
        try:
            result = drill(options["key"], org, start, end)
        except IndicatorError as exc:
            raise usage_error(str(exc)) from exc
        is_rate = result.is_rate
        if options["format"] == "json":
            body: dict[str, object] = {"key": result.key, "value": result.value, "model": result.model, "columns": result.columns}
            if is_rate:
                body["numerator"] = [[plain(v) for v in r] for r in result.numerator]
                body["denominator"] = [[plain(v) for v in r] for r in result.denominator]
            else:
                body["rows"] = [[plain(v) for v in r] for r in result.rows]
            self.stdout.write(json.dumps(body, ensure_ascii=False))
            return
        writer = csv_writer(self.stdout, lineterminator="\n")
        if is_rate:
            writer.writerow(["部分", *result.columns])
            for part, rows in (("分子", result.numerator), ("分母", result.denominator)):
                for r in rows:
                    writer.writerow([part, *[plain(v) for v in r]])
        else:
            writer.writerow(result.columns)
            for r in result.rows:
                writer.writerow([plain(v) for v in r])
