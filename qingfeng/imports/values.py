"""Values as people write them in their own workbooks (docs/import-own-excel.md).

Used only when a sheet is read through a column mapping (the wizard, `qingfeng import --map`); the templates'
contract (YYYY-MM-DD, values exactly as listed) is unchanged. Every function answers the value, or None when the
text is not a form it knows (the caller then says why, in Chinese)."""

from __future__ import annotations

import datetime as dt
import re

from qingfeng.core.sheets import Month

# 1980-01-01, 1980/1/1, 1980.01.01, 1980年1月1日, 1980-1-1 (any of - / . between the parts)
FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")  # 19800101
MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")  # 1980.01, 1980-1, 1980年1月
COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")  # 198001
# Excel stores a date as days since 1899-12-30 (its 1900 leap-year bug included); a serial number between these
# bounds is a date from 1900-03-01 to 2099-12-31.
EXCEL_EPOCH = dt.date(1899, 12, 30)
SERIAL_MIN, SERIAL_MAX = 61, 73415
FORMS = "1980-01-01、1980/1/1、1980.01.01、1980年1月1日、19800101"


def loose_date(value: object) -> dt.date | Month | None:
    """A date (or a month alone) from a cell: an Excel date cell, a serial number, or text in the forms above."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not float(value).is_integer():
            # “1980.01” typed into a General cell is the number 1980.01, and “1980.10” the number 1980.1: the
            # hundredths are the month.
            year, month = int(value), round((value - int(value)) * 100)
            return Month(year, month) if 1900 <= year <= 2100 and 1 <= month <= 12 else None
        if SERIAL_MIN <= value <= SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        return loose_date(str(int(value)))
    if not isinstance(value, str):
        return None
    text = value.strip()
    for pattern in (FULL, COMPACT):
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    for pattern in (MONTH, COMPACT_MONTH):
        m = pattern.match(text)
        if m and 1 <= int(m[2]) <= 12:
            return Month(int(m[1]), int(m[2]))
    return None


def compact_name(text: str) -> str:
    """An organization's name as compared: without spaces (people pad names to align them)."""
    return re.sub(r"\s+", "", text)
