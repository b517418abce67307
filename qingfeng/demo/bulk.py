"""Fast, portable bulk writes for the generator.

The generator assigns primary keys itself (from the table's current maximum), so rows can refer to each
other without reading anything back. PostgreSQL loads through COPY; every other database through
executemany in large batches. Values are adapted with the backend's own date/datetime adapters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


class Table:
    """Rows of one model, written in batches: `add(row)` with values in `columns` order (id first)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], batch: int = 20000,
                 parents: Sequence[Table] = ()):
        self.model = model
        # Tables whose rows these rows refer to: flushed first, so no row ever waits for its parent.
        self.parents = list(parents)
        self.fields, self.columns = [], []
        for name in columns:
            field = model._meta.get_field(name)
            if not isinstance(field, models.Field) or not field.column:
                raise TypeError(f"{model._meta.label}.{name} is not a column")
            self.fields.append(field)
            self.columns.append(field.column)
        self.batch = batch
        self.rows: list[Sequence[Any]] = []
        self.written = 0
        self.next_id = (model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
        self._adapters = [self._adapter(f) for f in self.fields]

    @staticmethod
    def _adapter(field):
        ops = connection.ops
        if isinstance(field, models.DateTimeField):
            return ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return ops.adapt_datefield_value
        return None

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def extend(self, rows: Iterable[tuple]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        for parent in self.parents:
            parent.flush()
        rows = self.rows
        self.rows = []
        adapters = [(i, a) for i, a in enumerate(self._adapters) if a is not None]
        if adapters and connection.vendor != "postgresql":
            adapted: list[Sequence[Any]] = []
            for original in rows:
                row = list(original)
                for i, adapt in adapters:
                    if row[i] is not None:
                        row[i] = adapt(row[i])
                adapted.append(row)
            rows = adapted
        table = connection.ops.quote_name(self.model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(values)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                # Table and column names come from model metadata; values are bound parameters.
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
        self.written += len(rows)

    def close(self) -> int:
        self.flush()
        reset_sequences([self.model])
        return self.written


class DeferredIndexes:
    """Drop a table's plain (non-unique) indexes on `leading` columns for a bulk load and build them again after.

    Indexes led by a column filled in random order (attendance by person) cost most of a million-row load
    when kept up row by row; built once at the end they are a sort. Both steps run inside the build's
    transaction, so a failed build leaves the schema as it was."""

    def __init__(self, model: type[models.Model], leading: str):
        self.table = model._meta.db_table
        self.leading = leading
        self.dropped: list[tuple[str, list[str]]] = []

    def drop(self) -> None:
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, self.table)
            for name, info in constraints.items():
                if info.get("index") and not info.get("unique") and not info.get("primary_key") \
                        and info["columns"] and info["columns"][0] == self.leading:
                    self.dropped.append((name, list(info["columns"])))
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")

    def restore(self) -> None:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for name, columns in self.dropped:
                cols = ", ".join(quote(c) for c in columns)
                cursor.execute(f"CREATE INDEX {quote(name)} ON {quote(self.table)} ({cols})")
        self.dropped = []


def tune_connection() -> None:
    """Inside the build's transaction: check foreign keys row by row on PostgreSQL (parents are always written
    first), instead of queueing millions of deferred checks for the commit; a bigger page cache on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -262144")


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite tracks its maximum itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
