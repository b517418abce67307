"""What a write changed, announced once: the one interface between the ledgers and what is derived from them.

Every write — an app's action, an import, an admin save, the demo — says which organizations' records it
created, changed or removed (and, where it matters, which persons and which organizations moved in the tree)
by calling `record(...)` inside its transaction. Whoever derives figures from the records (the indicator
facts; `qingfeng.indicators` subscribes in its AppConfig.ready) is called with the accumulated `Change` before
that transaction commits, in it, so derived rows and records commit or roll back together. Ledgers never
import the derived layer; the derived layer never needs to be told by name who wrote.

    with changes.batch():            # optional: many writes, one announcement (imports, bulk actions)
        ...
        changes.record(orgs=[org.pk], days=[day])

Outside a batch a call announces at once. `qingfeng.core.ledger.ledger_action` opens a batch per action, so
an action announces once however many records it touches.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field


@dataclass
class Change:
    """Accumulated changes; every field is a set, so announcing the same thing twice costs nothing."""

    # Organizations whose own records (any ledger) were created, updated or removed.
    orgs: set[int] = field(default_factory=set)
    # The days those records concern (an activity's date, a finding's deadline …); informative: subscribers
    # recompute an organization's contribution whole, so a missed day cannot leave derived rows stale.
    days: set[dt.date] = field(default_factory=set)
    # Persons whose membership, category, cadre level, attendance or dues changed: what is derived per member
    # (lapse, dues) belongs to the organizations holding their relations.
    people: set[int] = field(default_factory=set)
    # Organizations moved, created or removed in the tree: roll-ups over their subtrees change.
    moved: set[int] = field(default_factory=set)
    # Requirement definitions (三会一课 cadences) changed: every compliance window may change.
    requirements: bool = False
    # A bulk load the caller cannot describe (the demo generator): derive everything again.
    everything: bool = False

    def merge(self, other: Change) -> None:
        self.orgs |= other.orgs
        self.days |= other.days
        self.people |= other.people
        self.moved |= other.moved
        self.requirements |= other.requirements
        self.everything |= other.everything

    def __bool__(self) -> bool:
        return bool(self.orgs or self.people or self.moved or self.requirements or self.everything)


Subscriber = Callable[[Change], None]
_subscribers: list[Subscriber] = []
_local = threading.local()


def subscribe(func: Subscriber) -> Subscriber:
    """Register a function called with every announced Change (idempotent; usable as a decorator)."""
    if func not in _subscribers:
        _subscribers.append(func)
    return func


def record(orgs: Iterable[int | None] = (), days: Iterable[dt.date | None] = (), people: Iterable[int | None] = (),
           moved: Iterable[int | None] = (), requirements: bool = False, everything: bool = False) -> None:
    """Announce what a write changed (call it inside the write's transaction)."""
    change = Change({o for o in orgs if o is not None}, {d for d in days if d is not None},
                    {p for p in people if p is not None}, {o for o in moved if o is not None}, requirements, everything)
    if not change:
        return
    pending: Change | None = getattr(_local, "pending", None)
    if pending is not None:
        pending.merge(change)
    else:
        _announce(change)


@contextlib.contextmanager
def batch() -> Iterator[Change]:
    """Collect every record() made inside and announce them once on the way out (nested batches join the
    outermost). Nothing is announced when the block raises: its transaction rolls back anyway."""
    if getattr(_local, "pending", None) is not None:
        yield _local.pending
        return
    _local.pending = Change()
    try:
        yield _local.pending
        pending = _local.pending
    finally:
        _local.pending = None
    if pending:
        _announce(pending)


@contextlib.contextmanager
def suppressed() -> Iterator[Change]:
    """Collect and drop: for a caller that derives everything itself afterwards (a full rebuild)."""
    previous = getattr(_local, "pending", None)
    _local.pending = Change()
    try:
        yield _local.pending
    finally:
        _local.pending = previous


def _announce(change: Change) -> None:
    for func in list(_subscribers):
        func(change)
