"""Fast inserts for the large tables of an import (people, relations, cadre levels, entries, attendance).

Django's bulk_create spends most of its time compiling SQL per object; for hundreds of thousands of rows
we write tuples instead: primary keys are reserved first when the caller needs them (PostgreSQL: from the table's
sequence; SQLite: above the current maximum, safe because the import holds SQLite's write lock for its whole
transaction) — otherwise the database numbers the rows itself — then rows go in with COPY on PostgreSQL and
multi-row INSERTs elsewhere. Columns not given take the field's default, exactly as the ORM would.

`gc_paused()`: an import of hundreds of thousands of rows allocates millions of lists and tuples that live until it
ends and form no cycles; the cyclic collector would walk them again and again (about a tenth of the import's CPU)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Callable, Iterator, Sequence
from itertools import chain
from typing import Any

from django.db import connection
from django.db.models import Field, Model


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
        self.columns = [model._meta.pk.column] + [f.column for f in self.fields]
        self.table = model._meta.db_table
        self.vendor = connection.vendor
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
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                               [self.table, self.model._meta.pk.column, n])
                return [r[0] for r in cursor.fetchall()]
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
                with cursor.cursor.copy(f'COPY "{self.table}" ({cols}) FROM STDIN') as copy:
                    for row in full:
                        copy.write_row(row)
            else:
                _insert_sqlite(cursor, f'INSERT INTO "{self.table}" ({cols}) VALUES ', len(names), full)  # noqa: S608 — our table name
        return list(keys)


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
