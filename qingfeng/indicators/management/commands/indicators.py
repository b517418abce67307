"""`qingfeng indicators --org CODE --from DATE --to DATE [--only ID,ID…] [--format json|table]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from qingfeng.indicators.engine import IndicatorError, compute, parse_key, parse_keys
from qingfeng.indicators.management.commands._common import add_scope_arguments, scope_from, usage_error


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # reading values needs no URL or admin checks
    help = "Prints indicator values (spec/indicators.md) for an organization's subtree and a period."

    def add_arguments(self, parser: CommandParser) -> None:
        add_scope_arguments(parser)
        parser.add_argument("--only", default=None, help="keys with filters, e.g. grassroots.dispatched[role=党组织书记]")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        org, start, end = scope_from(options)
        try:
            keys = parse_keys(options["only"]) if options["only"] is not None else None
            values = compute(org, start, end, keys)
        except IndicatorError as exc:
            raise usage_error(str(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(values, ensure_ascii=False))
            return
        rows = [(key, parse_key(key).indicator.name, "—" if v is None else str(v)) for key, v in values.items()]
        width = max((len(r[0]) for r in rows), default=0)
        self.stdout.write(f"{org.code} {org.name}  {start} .. {end}")
        for key, name, text in rows:
            self.stdout.write(f"{key.ljust(width)}  {text.rjust(10)}  {name}")
