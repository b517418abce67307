"""The one place the federation reads the indicator store (qingfeng.indicators): keep every dependency on the
store's layout here, so that a change of the store (new grains, a shadow rebuild) is adapted in one module.

What it relies on:
* `store.cell_listeners`: told the rolled-up cells (org_id, grain, day, metric, d1, d2, d3) each write changed,
  or None after a rebuild;
* the rolled-up rows `indicators.models.Fact` (org_id, metric, grain, day, d1, d2, d3, n, total), one row per
  key, where activities and compliance windows carry the activity type's id in d1 and transfers in the sending
  organization's id;
* `store.state()`: whether the facts are built, and the compliance windows they hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from qingfeng.indicators import store
from qingfeng.indicators.models import Fact

CellKeys = Iterable[tuple] | None

# Metrics whose d1 is an activity type's id (published as the type's name), and the one whose d1 is an
# organization's id (published summed over it).
TYPE_METRICS = ("act", "win")
ORG_METRICS = ("xfer",)


def listen(func: Callable[[CellKeys], None]) -> None:
    if func not in store.cell_listeners:
        store.cell_listeners.append(func)


def cell_parts(key: tuple) -> tuple[int, str, str, dt.date]:
    """(org id, metric, grain, day) of a changed cell's key."""
    org_id, grain, day, metric = key[0], key[1], key[2], key[3]
    return org_id, metric, grain, day


def built() -> bool:
    return store.state() is not None


def windows() -> tuple[dt.date | None, dt.date | None]:
    st = store.state()
    return (st.windows_from, st.windows_to) if st is not None else (None, None)


def rolled_up_sql() -> str:
    """A SELECT of the rolled-up rows, columns org_id, metric, grain, day, d1, d2, d3, n, total."""
    return f"SELECT org_id, metric, grain, day, d1, d2, d3, n, total FROM {store.table(Fact)}"  # noqa: S608 — a table name
