"""Fast, portable bulk writes for the generator.

The generator assigns primary keys itself (from the table's current maximum), so rows can refer to each
other without reading anything back. PostgreSQL loads through COPY; every other database through
executemany in large batches. Values are adapted with the backend's own date/datetime adapters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max


class Table:
    """Rows of one model, written in batches: `add(row)` with values in `columns` order (id first)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], batch: int = 20000):
        self.model = model
        self.fields = [model._meta.get_field(name) for name in columns]
        self.columns = [f.column for f in self.fields]
        self.batch = batch
        self.rows: list[tuple] = []
        self.written = 0
        self.next_id = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
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
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.rows:
            return
        rows = self.rows
        self.rows = []
        adapters = [(i, a) for i, a in enumerate(self._adapters) if a is not None]
        if adapters and connection.vendor != "postgresql":
            adapted = []
            for row in rows:
                row = list(row)
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
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                # Table and column names come from model metadata; values are bound parameters.
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
        self.written += len(rows)

    def close(self) -> int:
        self.flush()
        reset_sequences([self.model])
        return self.written


def reset_sequences(model_list: list[type[models.Model]]) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite tracks its maximum itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
