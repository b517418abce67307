"""The day every test runs on: the platform's clock (qingfeng.core.dates.today) is pinned to it.

Set QINGFENG_TEST_TODAY to run the suite on another day (a month's first or last day, 29 February); no test may
depend on the real date."""

import datetime as dt
import os

TODAY = dt.date.fromisoformat(os.environ.get("QINGFENG_TEST_TODAY") or "2026-06-17")
