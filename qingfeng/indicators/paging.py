"""A drill-through page (the drill page, /api/v1/drill) in what a page costs: the figure and the totals it shows
come from the facts where they hold them, the rows of the page alone from the records.

A record set lists one row per unit of its value unless it says otherwise (`RecordSet.count`), so the number of
rows of a count indicator is its value, and the facts hold the value (engine.compute; the property test keeps it
equal to the records'). Counting the 90,000 activities of a district for a page of 25 would cost what the whole
list costs; the facts answer in a few indexed reads. A set whose rows are not its value (受益人数), and the
numerator and denominator of a rate, are still counted."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from qingfeng.core.indicators import Parts, RecordSet, Value
from qingfeng.indicators import engine

if TYPE_CHECKING:
    from qingfeng.accounts.models import User
    from qingfeng.orgs.models import Organization


def figure_and_sizes(key: engine.Key, parts: Parts, org: Organization, start: dt.date, end: dt.date,
                     user: User | None = None) -> tuple[Value, dict[str, int]]:
    """The value behind a drill-through and the number of rows of each of its record sets ("records", or
    "numerator" and "denominator")."""
    value = engine.compute(org, start, end, [key.text], user=user)[key.text]
    if parts.records is not None:
        return value, {"records": _size(parts.records, value)}
    assert parts.numerator is not None and parts.denominator is not None
    return value, {"numerator": parts.numerator.size(), "denominator": parts.denominator.size()}


def _size(rs: RecordSet, value: Value) -> int:
    if rs.count is None and isinstance(value, int) and not isinstance(value, bool):
        return value  # its rows are its value's units
    return rs.size()
