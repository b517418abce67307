"""Pre-aggregated indicator facts (see the module docstring once materialized)."""

from __future__ import annotations

import datetime as dt

from qingfeng.indicators import direct


def compute_keys(org, start: dt.date, end: dt.date, parsed) -> dict:
    return {k.text: direct.value(k.indicator.id, direct.Ask(org, start, end, k.effective_filters())) for k in parsed}


def refresh(org_id: int, *days: dt.date) -> None:
    """Recompute what a change to a record of organization `org_id` dated on `days` affects.

    Values are currently computed from the raw records, so there is nothing to bring up to date."""


def rebuild_facts() -> None:
    """Idempotent full rebuild of the facts (nothing is materialized yet)."""
