"""Fast inserts for the large tables of an import (people, relations, cadre levels, entries, attendance).

Django's bulk_create spends most of its time compiling SQL per object; for hundreds of thousands of rows
we write tuples instead: primary keys are reserved first when the caller needs them (PostgreSQL: from the table's
sequence; SQLite: above the current maximum, safe because the import holds SQLite's write lock for its whole
transaction) — otherwise the database numbers the rows itself — then rows go in with COPY on PostgreSQL and
multi-row INSERTs elsewhere. Columns not given take the field's default, exactly as the ORM would.

References checked by set, not by row (PostgreSQL): the database checks a foreign key by a trigger per inserted row,
queued to the commit (Django declares them DEFERRABLE INITIALLY DEFERRED) — for 400,000 members about 2.8 million
lookups, each through the trigger machinery, a third of the import's time. Where the role may (a superuser, or
PostgreSQL 15's GRANT SET ON PARAMETER), the COPY runs with `session_replication_role = replica` for this
transaction only, which fires no triggers, and the same check follows at once as one statement per referenced table:
every distinct value the rows name, looked up and locked FOR KEY SHARE — the lock the trigger takes, so nobody can
delete a row referenced until the import commits. A value with no row raises IntegrityError and the import's
transaction rolls back, as the deferred check would at the commit. Without the privilege (or outside a transaction)
the database checks each row as before.

`gc_paused()`: an import of hundreds of thousands of rows allocates millions of lists and tuples that live until it
ends and form no cycles; the cyclic collector would walk them again and again (about a tenth of the import's CPU)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from typing import Any

from django.db import IntegrityError, connection
from django.db.models import Field, ForeignKey, Model


class Table:
    """Insert rows of `model` given as tuples of the `given` attributes (attnames), in that order."""

    def __init__(self, model: type[Model], given: list[str], now: Any = None):
        self.model = model
        fields: list[Field[Any, Any]] = [f for f in model._meta.concrete_fields if not f.primary_key]
        by_attname = {f.attname: f for f in fields}
        unknown = [a for a in given if a not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}")
        rest = [f for f in fields if f.attname not in given]
        self.fields = [by_attname[a] for a in given] + rest
        tail = []
        for f in rest:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                if now is None:
                    raise ValueError(f"{model.__name__}.{f.attname} needs `now`")
                tail.append(now)
            else:
                tail.append(f.get_default())  # the ORM's own default: the declared one, "" or None
        self.tail = tuple(tail)
        self.columns: list[str] = [str(model._meta.pk.column)] + [str(f.column) for f in self.fields]
        self.table = model._meta.db_table
        self.vendor = connection.vendor
        self.sequence: str | None = None  # PostgreSQL: the key's sequence, once asked
        # (position in self.columns, referenced table, referenced column) of each foreign key the database enforces
        self.references = [(i + 1, f.target_field.model._meta.db_table, str(f.target_field.column))
                           for i, f in enumerate(self.fields)
                           if isinstance(f, ForeignKey) and getattr(f, "db_constraint", True)]  # one-to-one among them
        # SQLite stores dates and datetimes as text; adapt them the way Django does.
        self.adapters = None
        if self.vendor == "sqlite":
            ops = connection.ops
            self.adapters = []
            for i, f in enumerate(self.fields):
                internal = f.get_internal_type()
                if internal == "DateField":
                    self.adapters.append((i + 1, _cached(ops.adapt_datefield_value)))
                elif internal == "DateTimeField":
                    self.adapters.append((i + 1, _cached(ops.adapt_datetimefield_value)))

    def reserve_ids(self, n: int) -> range | list[int]:
        if n == 0:
            return []
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # The sequence named once (looked up per key it was most of the time) and one array, not a row per key.
                if self.sequence is None:
                    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [self.table, self.model._meta.pk.column])
                    self.sequence = cursor.fetchone()[0]
                cursor.execute("SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)", [self.sequence, n])
                return list(cursor.fetchone()[0])
            cursor.execute(f'SELECT MAX("{self.model._meta.pk.column}") FROM "{self.table}"')  # noqa: S608 — our table name
            top = cursor.fetchone()[0] or 0
            if self.vendor == "sqlite":
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
                row = cursor.fetchone()
                top = max(top, row[0] if row else 0)
            return range(top + 1, top + 1 + n)

    def insert(self, rows: Sequence[Sequence[Any]], *, ids: bool = True) -> list[int]:
        """Insert the rows; returns their primary keys in order (`ids=False`: the database numbers them, nothing is
        returned — no keys to reserve and send)."""
        if not rows:
            return []
        tail = self.tail
        full: list[tuple[Any, ...]]
        if ids:
            keys = self.reserve_ids(len(rows))
            full = [(pk, *row, *tail) for pk, row in zip(keys, rows, strict=True)]
            first, names = 0, self.columns
        else:
            keys = []
            full = [(*row, *tail) for row in rows]
            first, names = 1, self.columns[1:]  # the adapters count the key's column
        if self.adapters:
            # Column by column: each date column mapped through its cache of adapted values (C loops, not a Python
            # loop per row and column).
            columns = list(zip(*full, strict=True))
            for i, adapt in self.adapters:
                columns[i - first] = tuple(map(adapt, columns[i - first]))
            full = list(zip(*columns, strict=True))
        cols = ", ".join(f'"{c}"' for c in names)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                by_set = bool(self.references) and _may_skip_triggers(cursor)
                if by_set:
                    cursor.execute("SELECT current_setting('session_replication_role'), "
                                   "set_config('session_replication_role', 'replica', true)")
                    before = cursor.fetchone()[0]
                with cursor.cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                    for row in full:
                        copy.write_row(row)
                if by_set:
                    # An error above aborts the transaction, and its rollback restores the setting with it.
                    cursor.execute("SELECT set_config('session_replication_role', %s, true)", [before])
                    known = getattr(_scope, "known", None) or _Known()  # outside references_known: this call's
                    self._check_references(cursor, full, first, known)
                    if ids:  # the rows just written exist for whatever this transaction writes next to name them
                        known.add(self.table, self.columns[0], keys)
            else:
                _insert_sqlite(cursor, f'INSERT INTO "{self.table}" ({cols}) VALUES ', len(names), full)  # noqa: S608 — our table name
        return list(keys)

    def _check_references(self, cursor: Any, full: list[tuple[Any, ...]], first: int, known: _Known) -> None:
        """What the foreign keys' triggers would have checked for `full`, one statement per reference: each distinct
        value locked FOR KEY SHARE in the table it names; as many rows locked as values, or IntegrityError. Values
        this transaction already wrote or locked are not looked up again (each chunk of a large sheet names the same
        two thousand branches)."""
        for position, table, column in self.references:
            values = sorted(known.unknown(table, column, {row[position - first] for row in full} - {None}))
            if not values:
                continue
            cursor.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" WHERE "{column}" = ANY(%s) '  # noqa: S608 — our names
                           f'FOR KEY SHARE) AS found', [values])
            found = cursor.fetchone()[0]
            if found != len(values):
                missing = len(values) - found
                raise IntegrityError(f"{self.table}.{self.columns[position]}: {missing} of {len(values)} values "
                                     f"name no row of {table}")
            known.add(table, column, values)


class _Known:
    """Rows the bulk writer knows to exist where no one else can delete them before the transaction ends: those it
    inserted and those it locked FOR KEY SHARE. A row is trusted only while every savepoint open when it became known
    is still open — a rollback to one of them undoes that insert or releases that lock (a savepoint released since is
    also not trusted: the rows are looked up again, which is merely slower)."""

    def __init__(self) -> None:
        self.sets: dict[tuple[tuple[str, ...], str, str], set[Any]] = {}

    def unknown(self, table: str, column: str, values: set[Any]) -> set[Any]:
        """`values` less those known in `table`.`column` (`values` is changed)."""
        now = tuple(connection.savepoint_ids)
        for (savepoints, t, c), known in self.sets.items():
            if t == table and c == column and now[:len(savepoints)] == savepoints:
                values -= known
        return values

    def add(self, table: str, column: str, values: Iterable[Any]) -> None:
        self.sets.setdefault((tuple(connection.savepoint_ids), table, column), set()).update(values)


_scope = threading.local()  # .known: the _Known of this thread's references_known block


@contextlib.contextmanager
def references_known() -> Iterator[None]:
    """One transaction's bulk write (an import's sheets), entered inside its transaction: the rows its inserts wrote
    or locked are not looked up again by the next ones (each chunk of a large sheet names the same two thousand
    branches; relations and cadre levels name the persons just written). A lock does not stop the transaction holding
    it, so the block must not delete a row it has named. Forgotten when the block ends, committed or not (they may be
    hundreds of thousands of keys); nested blocks share the outer one's."""
    if getattr(_scope, "known", None) is not None:
        yield
        return
    _scope.known = _Known()
    try:
        yield
    finally:
        _scope.known = None


def _may_skip_triggers(cursor: Any) -> bool:
    """Whether this transaction may set session_replication_role (a superuser, or granted SET on it: PostgreSQL 15);
    asked once per database connection. Only inside a transaction: the setting is the transaction's (SET LOCAL)."""
    if not connection.in_atomic_block:
        return False
    raw = connection.connection
    known = getattr(connection, "_qingfeng_may_skip_triggers", None)
    if known is None or known[0] is not raw:  # a new connection (reconnected) asks again
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        allowed = bool(row and row[0])
        if not allowed and getattr(connection, "pg_version", 0) >= 150000:
            cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
            allowed = bool(cursor.fetchone()[0])
        known = (raw, allowed)
        connection._qingfeng_may_skip_triggers = known  # type: ignore[attr-defined]  # the wrapper is this thread's
    return known[1]


ROWS_PER_STATEMENT = 100  # SQLite: rows per INSERT … VALUES (…), (…) — fewer statement runs (a fifth less time)


def _insert_sqlite(cursor: Any, head: str, width: int, rows: list[tuple[Any, ...]]) -> None:
    """`rows` inserted ROWS_PER_STATEMENT at a time (within SQLite's limit on a statement's parameters), the rest one
    by one: each run of a statement costs its own reset and bookkeeping (AUTOINCREMENT's counter among them)."""
    import sqlite3

    one = "(" + ", ".join(["%s"] * width) + ")"
    per = max(1, min(ROWS_PER_STATEMENT, cursor.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    whole = len(rows) // per * per
    if whole:
        flat = chain.from_iterable
        cursor.executemany(head + ", ".join([one] * per),
                           [tuple(flat(rows[i:i + per])) for i in range(0, whole, per)])
    if whole < len(rows):
        cursor.executemany(head + one, rows[whole:])


class _Adapted(dict[Any, Any]):
    """Dates repeat a lot across a ledger (and `now` is one value): each distinct one adapted once; None stays."""

    def __init__(self, adapt: Callable[[Any], Any]):
        super().__init__({None: None})
        self.adapt = adapt

    def __missing__(self, value: Any) -> Any:
        self[value] = result = self.adapt(value)
        return result


def _cached(adapt: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return _Adapted(adapt).__getitem__


def entries_table(now: Any) -> Table:
    """core.Entry rows written as tuples for the large sheets; the same fields core.entries.log_entries writes
    (that function builds model instances, too slow for hundreds of thousands of rows)."""
    from qingfeng.core.models import Entry

    return Table(Entry, ["org_id", "at", "model", "object_id", "channel", "user_id"], now=now)


_paused = 0
_paused_lock = threading.Lock()
_was_enabled = True


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a bulk check or write runs (nested and threads counted: on again
    when the last ends, if it was on). Reference counting still frees everything that forms no cycle."""
    global _paused, _was_enabled
    with _paused_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
