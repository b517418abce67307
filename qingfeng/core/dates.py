"""Calendar arithmetic shared by indicators, warnings and the member lifecycle."""

from __future__ import annotations

import calendar
import datetime as dt


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


def iter_months(start: dt.date, end: dt.date):
    """First days of every month touching [start, end]."""
    current = month_start(start)
    while current <= end:
        yield current
        current = add_months(current, 1)


def parse_date(text: str) -> dt.date:
    return dt.date.fromisoformat(text.strip())


def reference_day():
    """The day pages take as "today" when the user gives none: the real date; on a demo database, whose
    records tell of a past year, the last day of that year (the year the demo city reproduces), so its
    cockpit, warnings and review open on the article's year. settings.QINGFENG_TODAY overrides both."""
    from django.conf import settings
    from django.utils import timezone

    fixed = getattr(settings, "QINGFENG_TODAY", None)
    if fixed:
        return dt.date.fromisoformat(str(fixed))
    from qingfeng.demo.models import DemoRun

    if DemoRun.objects.exists():
        from qingfeng.demo.figures import Y

        return Y[1]
    return timezone.localdate()
