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

A write too large to refresh what is derived inside its own transaction (an import of thousands of rows) holds the
database — SQLite's one write lock, PostgreSQL's locks on the ancestors' rolled-up rows that every page write also
takes — for as long as that refresh lasts. It collects with `deferred()` instead: the Change is stored (a
`core.PendingChange` row) in the write's transaction, so it commits with the records, and `drain(pk)` announces it
after the commit in slices of a few organizations, each in a short transaction of its own (the same path a page
write takes), deleting the row with the last. Page writes go on between the slices. A process that dies half-way
leaves the row: the job worker finishes it (`drain_stale`).

    with transaction.atomic(), changes.deferred() as d:
        ...
    if d.pk:
        for done, total in changes.drain(d.pk): ...
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


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
    # The organizations of `people` are already announced (in `orgs`, here or in another slice of the same write,
    # see drain): subscribers need not look them up again. Persons stay for what is derived per person.
    resolved: bool = False
    # The models whose records were written ("app_label.model"), when every write said (`record(ledgers=…)`): what is
    # derived from other models cannot have changed, so subscribers may recompute less. None: any model may have.
    ledgers: set[str] | None = None

    def merge(self, other: Change) -> None:
        self.orgs |= other.orgs
        self.days |= other.days
        self.people |= other.people
        self.moved |= other.moved
        self.requirements |= other.requirements
        self.everything |= other.everything
        self.ledgers = None if self.ledgers is None or other.ledgers is None else self.ledgers | other.ledgers

    def __bool__(self) -> bool:
        return bool(self.orgs or self.people or self.moved or self.requirements or self.everything)


log = logging.getLogger(__name__)

Subscriber = Callable[[Change], None]
_subscribers: list[Subscriber] = []
_local = threading.local()


# Asked before a large write's persons are looked up for their organizations (drain): whether a subscriber needs
# them now (the indicator facts do once they are built; before that nothing derives from them).
_people_wanted: list[Callable[[], bool]] = []


def subscribe(func: Subscriber, wants_orgs_of_people: Callable[[], bool] | None = None) -> Subscriber:
    """Register a function called with every announced Change (idempotent; usable as a decorator).
    `wants_orgs_of_people`: the subscriber derives rows per organization from persons' changes, and says when."""
    if func not in _subscribers:
        _subscribers.append(func)
    if wants_orgs_of_people is not None and wants_orgs_of_people not in _people_wanted:
        _people_wanted.append(wants_orgs_of_people)
    return func


# What a ledger write writes beside its records (qingfeng.core.entries, the audit log's signal), named with them.
TRAIL = ("core.entry", "audit.auditlog")


def record(orgs: Iterable[int | None] = (), days: Iterable[dt.date | None] = (), people: Iterable[int | None] = (),
           moved: Iterable[int | None] = (), requirements: bool = False, everything: bool = False,
           ledgers: Iterable[Any] = ()) -> None:
    """Announce what a write changed (call it inside the write's transaction). `ledgers`: the models whose records it
    wrote (classes or "app_label.model"), every one of them but the burden entries and audit rows every ledger write
    makes (TRAIL, added here) — a write that names none may have changed any."""
    from qingfeng.core.metrics import labels

    named = labels((*ledgers, *TRAIL)) if ledgers else None
    change = Change({o for o in orgs if o is not None}, {d for d in days if d is not None},
                    {p for p in people if p is not None}, {o for o in moved if o is not None}, requirements, everything,
                    ledgers=set(named) if named and not (requirements or everything) else None)
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
    _local.pending = Change(ledgers=set())  # nothing written yet: each record() says which models, or "any"
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


# ---- large writes: stored with the records, announced after the commit in short transactions ----------

SLICE_SECONDS = 0.5  # what one slice's transaction aims at
STALE_SECONDS = 120  # a drain silent this long is gone (its process died): the job worker takes the change over
PEOPLE_SLICE = 2000  # persons announced per slice after their organizations (what is derived per person)
BUSY_TRIES = 5
# A write touching no more than this is refreshed in its own transaction, as a page write is: slices would cost
# more than they save.
INLINE_ORGS = 10
INLINE_PEOPLE = 500


@dataclass
class Deferred:
    change: Change
    pk: int | None = None  # the stored change to drain after the commit; None when announced already


@contextlib.contextmanager
def deferred() -> Iterator[Deferred]:
    """Collect like batch() inside a write's outermost transaction, then store the Change in it (see the module's
    text). Inside an enclosing transaction (a test, a caller's atomic block), or inside a batch, it is a batch: the
    change is announced in the transaction, as before — there is no commit to wait for."""
    from django.db import connection

    if getattr(_local, "pending", None) is not None or len(connection.atomic_blocks) != 1:
        with batch() as change:
            yield Deferred(change)
        return
    out = Deferred(Change(ledgers=set()))  # as in batch(): each record() says which models, or "any"
    _local.pending = out.change
    try:
        yield out
    finally:
        _local.pending = None
    change = out.change
    if change.everything or (len(change.orgs | change.moved) <= INLINE_ORGS and len(change.people) <= INLINE_PEOPLE):
        _announce(change)  # a page write's size (a 10-row ledger): refreshed in the write's transaction, at once
    elif change:
        out.pk = store(change)


def store(change: Change) -> int:
    """Keep a change to announce later with drain(pk) (in the caller's transaction, so it commits with what it
    describes); returns the stored row's key."""
    from django.utils import timezone

    from qingfeng.core.models import PendingChange

    row = PendingChange.objects.create(claimed_at=timezone.now(), change={
        "orgs": sorted(change.orgs), "people": sorted(change.people), "moved": sorted(change.moved),
        "days": sorted(d.isoformat() for d in change.days), "requirements": change.requirements, "resolved": False,
        "ledgers": None if change.ledgers is None else sorted(change.ledgers)})
    return row.pk


def _in_transaction(work: Callable[[], None]) -> bool:
    """Run one slice in a transaction of its own; a slice the database cannot take in time (busy) is tried again
    a few times. False when it never could: the change stays stored for later."""
    from django.db import OperationalError, transaction

    from qingfeng.core.busy import is_busy_error

    for attempt in range(BUSY_TRIES):
        try:
            with transaction.atomic():
                work()
            return True
        except OperationalError as exc:
            if not is_busy_error(exc):
                raise
            time.sleep(1 + attempt)
    return False


def drain(pk: int) -> Iterator[tuple[int, int]]:
    """Announce a stored change in slices, each in a short transaction of its own that also records how far it got
    (so a slice is announced once, and a drain that dies is resumed where it stopped); yields (done, total) after
    each. The tree moves and requirement changes go first, then the organizations — the persons' organizations
    looked up once — a few at a time (as many as fit SLICE_SECONDS), then the persons for what is derived per
    person. Errors are logged, not raised: the records are committed, and the job worker finishes the change."""
    from django.utils import timezone

    from qingfeng.core.metrics import organizations_of_people
    from qingfeng.core.models import PendingChange

    row = PendingChange.objects.filter(pk=pk).first()
    if row is None:
        return
    data = row.change
    days = {dt.date.fromisoformat(d) for d in data["days"]}
    state = PendingChange.objects.filter(pk=pk)
    done = {"orgs": row.orgs_done, "people": row.people_done}

    def save(**lists: Any) -> None:
        fields: dict[str, Any] = {"orgs_done": done["orgs"], "people_done": done["people"], "claimed_at": timezone.now()}
        if lists:
            data.update(lists)
            fields["change"] = data
        state.update(**fields)

    try:
        if data["moved"] or data["requirements"]:
            def tree() -> None:
                _announce(Change(days=days, moved=set(data["moved"]), requirements=data["requirements"]))
                save(moved=[], requirements=False)
            if not _in_transaction(tree):
                return
        if data["people"] and not data["resolved"]:
            orgs = set(data["orgs"])
            if any(wanted() for wanted in _people_wanted):
                people = data["people"]
                for i in range(0, len(people), 5000):
                    orgs |= organizations_of_people(people[i:i + 5000])
            done["orgs"] = 0
            if not _in_transaction(lambda: save(orgs=sorted(orgs), resolved=True)):
                return
        if (yield from _drain_slices(data, done, days, save)):
            PendingChange.objects.filter(pk=pk).delete()
    except Exception:
        log.exception("derived rows of pending change %s not brought up to date; the job worker will retry", pk)


def _ledgers(data: dict[str, Any]) -> set[str] | None:
    """The models a stored change's write named (None: any; a change stored before they were kept)."""
    named = data.get("ledgers")
    return None if named is None else set(named)


def _drain_slices(data: dict[str, Any], done: dict[str, int], days: set[dt.date],
                  save: Callable[..., None]) -> Generator[tuple[int, int], None, bool]:
    orgs, people = data["orgs"], data["people"]
    total = len(orgs) + len(people)
    size = 1  # grows to what fits SLICE_SECONDS
    while done["orgs"] < len(orgs):
        lo = done["orgs"]
        part = orgs[lo:lo + size]
        began = time.monotonic()

        def refresh(part: list[int] = part, lo: int = lo) -> None:
            _announce(Change(set(part), days, resolved=True, ledgers=_ledgers(data)))
            done["orgs"] = lo + len(part)
            save()
        if not _in_transaction(refresh):
            done["orgs"] = lo
            return False
        took = time.monotonic() - began
        # As many organizations per slice as fit its time: a slice's cost follows the records of its organizations.
        size = max(1, min(200, int(size * SLICE_SECONDS / max(took, 0.01))))
        yield done["orgs"], total
    while done["people"] < len(people):
        lo = done["people"]
        part = people[lo:lo + PEOPLE_SLICE]

        def per_person(part: list[int] = part, lo: int = lo) -> None:
            _announce(Change(people=set(part), resolved=True, ledgers=_ledgers(data)))
            done["people"] = lo + len(part)
            save()
        if not _in_transaction(per_person):
            done["people"] = lo
            return False
        yield len(orgs) + done["people"], total
    return True


def drain_stale() -> int:
    """Finish the stored changes whose drain stopped (its process died, or the database stayed busy): the job
    worker calls it now and then. Returns how many it took over."""
    from django.utils import timezone

    from qingfeng.core.models import PendingChange

    limit = timezone.now() - dt.timedelta(seconds=STALE_SECONDS)
    taken = 0
    for pk, claimed in PendingChange.objects.filter(claimed_at__lt=limit).values_list("pk", "claimed_at"):
        if PendingChange.objects.filter(pk=pk, claimed_at=claimed).update(claimed_at=timezone.now()):
            for _step in drain(pk):
                pass
            taken += 1
    return taken
