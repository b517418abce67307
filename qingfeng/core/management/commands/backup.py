"""`qingfeng backup PATH`: a portable dump of every table into one zip file.

The zip holds manifest.json (format, applied migrations, each table's columns and row count) and
one JSON-lines file per table, one row per line in primary-key order. It reads inside one
transaction (REPEATABLE READ on PostgreSQL, a read transaction on SQLite), so the dump is a
consistent snapshot while the platform keeps serving. `qingfeng restore PATH` loads it into an
empty database of either kind (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TypedDict

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Model
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = "qingfeng-backup"
VERSION = 1
# Sessions are per-login state, not records; a restored platform starts with everyone signed out.
SKIPPED = {"sessions.session"}


class Table(TypedDict):
    table: str
    columns: list[str]
    rows: int


class Manifest(TypedDict):
    format: str
    version: int
    created_at: str
    vendor: str
    migrations: dict[str, list[str]]
    tables: dict[str, Table]


def backup_models() -> list[type[Model]]:
    """Every concrete table Django manages, many-to-many tables included, in a stable order."""
    models = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in SKIPPED:
            continue
        models.append(model)
    return sorted(models, key=lambda m: m._meta.label_lower)


def columns(model: type[Model]) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def encode(value: object) -> str:
    """JSON for a database value, losing nothing (DjangoJSONEncoder would cut microseconds)."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def rows(model: type[Model]) -> Iterator[tuple[Any, ...]]:
    qs = model._base_manager.order_by("pk").values_list(*columns(model))
    yield from qs.iterator(chunk_size=5000)


def line(row: Sequence[object]) -> str:
    return json.dumps(list(row), default=encode, ensure_ascii=False, separators=(",", ":"))


def applied_migrations() -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def write_backup(path: Path) -> Manifest:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    tables: dict[str, Table] = {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for model in backup_models():
                label = model._meta.label_lower
                count = 0
                with archive.open(f"data/{label}.jsonl", "w", force_zip64=True) as member:
                    for row in rows(model):
                        member.write((line(row) + "\n").encode())
                        count += 1
                tables[label] = {"table": model._meta.db_table, "columns": columns(model), "rows": count}
            manifest: Manifest = {
                "format": FORMAT, "version": VERSION, "created_at": timezone.now().isoformat(),
                "vendor": connection.vendor, "migrations": applied_migrations(), "tables": tables,
            }
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    partial.replace(path)  # a backup file either is complete or does not exist
    return manifest


class Command(BaseCommand):
    help = "把整个数据库备份为一个可移植的 zip 文件（每张表一个 JSON 行文件）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="备份文件路径（.zip）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if path.is_dir():
            raise CommandError(f"{path} 是一个目录，请给出文件路径")
        manifest = write_backup(path)
        total = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"已备份 {len(manifest['tables'])} 张表、{total} 行到 {path}")
