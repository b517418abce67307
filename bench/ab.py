"""Two arms of a write benchmark side by side in one run (now, and a baseline patched in): each write timed inside a
transaction rolled back afterwards, so the database stays as it was; the arms alternate, the first round warms both,
and the medians are compared. Import after django.setup()."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


class Rollback(Exception):
    pass


def rolled_back(work: Callable[[], object]) -> tuple[float, int]:
    """(milliseconds, statements) of work() in a transaction that is then rolled back."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            work()
            raise Rollback((time.perf_counter() - began) * 1000, len(queries))
    except Rollback as done:
        return done.args[0], done.args[1]


def alternate(arms: dict[str, Callable[[], tuple[float, int]]], runs: int) -> dict[str, tuple[float, int]]:
    """Each arm's median milliseconds over `runs` alternating rounds after a warming one, with its statements."""
    times: dict[str, list[float]] = {name: [] for name in arms}
    counts: dict[str, int] = {}
    for run in range(runs + 1):
        for name, arm in arms.items():
            ms, n = arm()
            if run:
                times[name].append(ms)
                counts[name] = n
    return {name: (statistics.median(times[name]), counts[name]) for name in arms}
