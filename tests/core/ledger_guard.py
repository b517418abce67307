"""A write that names the models it wrote (`changes.record(ledgers=…)`) refreshes only the fact sources reading them;
a model it leaves out leaves the figures made from it stale, silently. `LedgerGuard` watches the statements a block
sends to the database and, at each announcement, compares the tables written since the previous one with the models
the announcement names.

A written table passes when its model is named (the burden entries and audit rows, changes.TRAIL, are named by
`changes.record` itself), or when no fact source reads it: the derived tables (indicators_*, core_pendingchange,
federation_*), sessions, the registers no figure is made from (a committee seat, a transfer request). That list is
derived from what the sources declare they read (core.metrics.read_models, with the store's compliance windows),
never kept by hand. An announcement that names no models refreshes everything of its organizations, so it covers
whatever was written before it. A table that a source reads, written after the last announcement, is a problem too:
nothing refreshed after it.

Statements are seen through `connection.execute_wrapper` (INSERT INTO, UPDATE, DELETE FROM, REPLACE INTO, also
behind a WITH) and, on PostgreSQL, psycopg's `Cursor.copy` (COPY … FROM STDIN bypasses Django's cursor wrapper)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from qingfeng.core import changes, metrics

NAME = r'(?:"[^"]+"|`[^`]+`|\w+)(?:\.(?:"[^"]+"|`[^`]+`|\w+))?'
WRITE = re.compile(rf"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+({NAME})",
                   re.IGNORECASE)
# A data-modifying statement behind common table expressions: the first INSERT/UPDATE/DELETE after a closing bracket.
AFTER_WITH = re.compile(rf"\)\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+({NAME})", re.IGNORECASE)
PACKAGE = Path(metrics.__file__).resolve().parents[1]  # qingfeng/
SKIPPED = {PACKAGE / "core" / "changes.py", PACKAGE / "core" / "ledger.py", PACKAGE / "core" / "entries.py",
           PACKAGE / "audit" / "models.py", PACKAGE / "audit" / "signals.py", Path(__file__).resolve()}


def written_table(sql: str) -> str | None:
    """The table a statement writes ("" for none), lower case and without schema or quotes."""
    found = WRITE.match(sql)
    if found is None and sql.lstrip()[:4].upper() == "WITH":
        found = AFTER_WITH.search(sql)
    if found is None:
        return None
    return found.group(1).split(".")[-1].strip('"`').lower()


def model_labels() -> dict[str, str]:
    """{table: "app_label.model"} of every model, the many-to-many tables included."""
    return {m._meta.db_table.lower(): m._meta.label_lower for m in apps.get_models(include_auto_created=True)}


def read_by_facts() -> frozenset[str]:
    """The models some fact source reads (with the compliance windows the store keeps itself)."""
    from qingfeng.indicators.store import WINDOW_READS

    return metrics.read_models() | WINDOW_READS


def writer() -> str:
    """Where the current statement comes from: its innermost frame in the project (qingfeng/, tests/) outside the
    plumbing every write passes through (the action wrapper, the entry log, the audit signal, this guard)."""
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename).resolve()
        if PACKAGE.parent in path.parents and ".venv" not in path.parts and path not in SKIPPED:
            return f"{path.relative_to(PACKAGE.parent)}:{frame.f_lineno} {frame.f_code.co_name}"
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


@dataclass
class LedgerGuard:
    tables: dict[str, str] = field(default_factory=model_labels)
    read: frozenset[str] = field(default_factory=read_by_facts)
    pending: list[tuple[str, str]] = field(default_factory=list)  # (model label or table, writer) not yet announced
    problems: list[str] = field(default_factory=list)
    announced: list[frozenset[str] | None] = field(default_factory=list)  # the models each announcement named
    written: set[str] = field(default_factory=set)  # every label written inside the guard

    def saw(self, sql: str) -> None:
        table = written_table(sql)
        if table:
            label = self.tables.get(table, table)
            self.written.add(label)
            if label in self.read:
                self.pending.append((label, writer()))

    def execute(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.saw(sql)
        return execute(sql, params, many, context)

    def check(self, named: set[str] | None) -> None:
        """An announcement: what was written since the last one must be named (or the announcement names none)."""
        if named is not None:
            unnamed: dict[str, set[str]] = {}
            for label, where in self.pending:
                if label not in named:
                    unnamed.setdefault(label, set()).add(where)
            for label, where in sorted(unnamed.items()):
                self.problems.append(f"{label} written by {', '.join(sorted(where))}, "
                                     f"but the announcement named only {sorted(named)}")
        self.announced.append(None if named is None else frozenset(named))
        self.pending.clear()

    def finish(self) -> None:
        for label, where in self.pending:
            self.problems.append(f"{label} written by {where} after the last announcement: nothing refreshed it")
        self.pending.clear()

    def assert_clean(self) -> None:
        assert self.problems == [], "\n".join(self.problems)


@contextmanager
def guarding() -> Iterator[LedgerGuard]:
    """Watch the writes inside the block (see the module's text); `assert_clean()` afterwards."""
    guard = LedgerGuard()
    announce = changes._announce

    def checked(change: changes.Change) -> None:
        guard.check(change.ledgers)
        announce(change)
        guard.pending.clear()  # the refresh's own writes: derived tables

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(changes, "_announce", checked)
        if connection.vendor == "postgresql":
            import psycopg

            copy = psycopg.Cursor.copy

            def copy_seen(cursor: Any, statement: Any, *args: Any, **kwargs: Any) -> Any:
                guard.saw(statement if isinstance(statement, str) else statement.as_string(cursor))
                return copy(cursor, statement, *args, **kwargs)

            patch.setattr(psycopg.Cursor, "copy", copy_seen)
        with connection.execute_wrapper(guard.execute):
            yield guard
    guard.finish()
