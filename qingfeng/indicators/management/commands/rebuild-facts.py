"""`qingfeng rebuild-facts`: rebuild the pre-aggregated indicator facts from the raw records (idempotent)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from qingfeng.indicators.models import Fact, OwnFact
from qingfeng.indicators.store import rebuild_facts


class Command(BaseCommand):
    help = "Rebuilds the indicator facts from the raw records; safe to run at any time."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        from qingfeng.core.jobs import yield_to_requests

        yield_to_requests()  # run beside the pages, it takes the cores their requests leave
        began = time.perf_counter()

        def progress(label: str, done: int, total: int) -> None:
            self.stderr.write(f"[{done}/{total}] {label} ({time.perf_counter() - began:.1f} s)")

        rebuild_facts(progress=progress)
        self.stdout.write(f"facts rebuilt: {OwnFact.objects.count()} own rows, {Fact.objects.count()} rolled-up rows, "
                          f"{time.perf_counter() - began:.1f} s")
