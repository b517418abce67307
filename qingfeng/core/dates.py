"""Calendar arithmetic shared by indicators, warnings and the member lifecycle."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator


def add_years(day: dt.date, years: int) -> dt.date:
    """Anniversary; 29 February falls on 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day n calendar months later, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def iter_months(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """First days of every month touching [start, end]."""
    current = month_start(start)
    while current <= end:
        yield current
        current = add_months(current, 1)


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip())


# ---- the one clock --------------------------------------------------------------------

TODAY_KEY = "today"
_stored: dict[str, dt.date | None] = {}


def today() -> dt.date:
    """The platform's "today": every default day (pages, API, warnings, reports, the check that a date is not in
    the future) is this one. In order: settings.QINGFENG_TODAY (the environment, or a test's pinned day); the day a
    database was built for (`qingfeng demo` stores the last day of the year its city reproduces, so its cockpit,
    forms and warnings agree on 2021); the real local date. The stored day is read once per process."""
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    fixed = getattr(settings, "QINGFENG_TODAY", None)
    if fixed:
        return dt.date.fromisoformat(str(fixed))
    name = str(connection.settings_dict.get("NAME"))
    if name not in _stored:
        _stored[name] = _read_stored()
    return _stored[name] or timezone.localdate()


def _read_stored() -> dt.date | None:
    from django.db import DatabaseError

    from qingfeng.core.models import Setting

    try:
        value = Setting.objects.filter(key=TODAY_KEY).values_list("value", flat=True).first()
    except DatabaseError:  # a database not migrated yet has no settings
        return None
    return dt.date.fromisoformat(value) if value else None


def store_today(day: dt.date | None) -> None:
    """Fix this database's "today" (None: the real date again), for every process that starts after."""
    from qingfeng.core.models import Setting

    if day is None:
        Setting.objects.filter(key=TODAY_KEY).delete()
    else:
        Setting.objects.update_or_create(key=TODAY_KEY, defaults={"value": day.isoformat()})
    _stored.clear()


def forget_stored_today() -> None:
    """Read the stored day again on the next call (a test that flushed or rebuilt the database)."""
    _stored.clear()
