"""`qingfeng restore PATH`: load a `qingfeng backup` zip into an empty database (SQLite or PostgreSQL).

"Empty" means freshly migrated: no users, organizations, people or audit rows. Rows that migrations
themselves create (content types, permissions, default activity types) are replaced by the backup's,
so every primary key comes back as it was. The whole load is one transaction: a failure leaves the
database as it was. Exit status 1, with the reason, when the file or the database is not suitable."""

from __future__ import annotations

import contextlib
import json
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandParser, OutputWrapper
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateField, Model, TimeField

from qingfeng.core.management.commands.backup import FORMAT, Manifest, applied_migrations, backup_models

BATCH = 2000
# Tables that must be empty before a restore: anything a person or an import would have written.
MUST_BE_EMPTY = ("accounts.user", "orgs.organization", "people.person", "audit.auditlog")


class RestoreRefused(Exception):
    pass


def _check(archive: zipfile.ZipFile) -> Manifest:
    try:
        manifest: Manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError) as exc:
        raise RestoreRefused("文件不是清风备份（缺少 manifest.json）") from exc
    if manifest.get("format") != FORMAT:
        raise RestoreRefused("文件不是清风备份（格式标记不符）")
    here = applied_migrations()
    missing = sorted(f"{app}.{name}" for app, names in manifest["migrations"].items() for name in names
                     if name not in here.get(app, []))
    if missing:
        raise RestoreRefused("备份来自更新的版本，本数据库缺少迁移：" + ", ".join(missing[:10]))
    models = {m._meta.label_lower: m for m in backup_models()}
    unknown = sorted(set(manifest["tables"]) - set(models))
    if unknown:
        raise RestoreRefused("备份中有本版本没有的表：" + ", ".join(unknown))
    for label, table in manifest["tables"].items():
        have = [f.attname for f in models[label]._meta.concrete_fields]
        if table["columns"] != have:
            raise RestoreRefused(f"表 {label} 的列与本版本不一致")
    for label in MUST_BE_EMPTY:
        if label in models and models[label]._base_manager.exists():
            raise RestoreRefused(f"目标数据库不是空的（{label} 已有数据）；请恢复到新建的空数据库")
    return manifest


def _convert(model: type[Model], attnames: Sequence[str]) -> Callable[[Sequence[Any]], Model]:
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    fields = [by_attname[a] for a in attnames]

    def build(values: Sequence[Any]) -> Model:
        kwargs = {}
        for field, value in zip(fields, values, strict=True):
            if value is not None:
                if field.get_internal_type() == "BinaryField":
                    value = bytes.fromhex(value)
                elif field.get_internal_type() != "JSONField":
                    value = field.to_python(value)
            kwargs[field.attname] = value
        return model(**kwargs)

    return build


@contextlib.contextmanager
def stored_timestamps(models: Iterable[type[Model]]) -> Iterator[None]:
    """auto_now / auto_now_add would stamp the time of the restore over the stored one."""
    switched: list[tuple[DateField[Any, Any] | TimeField[Any, Any], bool, bool]] = []
    for model in models:
        for field in model._meta.concrete_fields:
            # DateTimeField is a DateField; these are the fields with auto_now.
            if isinstance(field, DateField | TimeField) and (field.auto_now or field.auto_now_add):
                switched.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in switched:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def load(path: Path, out: TextIO | OutputWrapper | None = None) -> Manifest:
    models = {m._meta.label_lower: m for m in backup_models()}
    with zipfile.ZipFile(path) as archive:
        manifest = _check(archive)
        with transaction.atomic():
            with stored_timestamps(models.values()):
                # Replace what migrations created; foreign keys are checked at commit (deferred on both databases).
                with connection.cursor() as cursor:
                    for label in models:
                        name = connection.ops.quote_name(models[label]._meta.db_table)  # a model table, not input
                        cursor.execute(f"DELETE FROM {name}")  # noqa: S608
                for label, table in manifest["tables"].items():
                    model = models[label]
                    build = _convert(model, table["columns"])
                    batch: list[Model] = []
                    with archive.open(f"data/{label}.jsonl") as member:
                        for raw in member:
                            batch.append(build(json.loads(raw)))
                            if len(batch) >= BATCH:
                                model._base_manager.bulk_create(batch)
                                batch = []
                    if batch:
                        model._base_manager.bulk_create(batch)
                    if out is not None and table["rows"]:
                        out.write(f"  {label}: {table['rows']}\n")
                statements = connection.ops.sequence_reset_sql(no_style(), list(models.values()))
                if statements:
                    with connection.cursor() as cursor:
                        for sql in statements:
                            cursor.execute(sql)
            from qingfeng.audit.models import record

            record(None, "import", model="core.backup", summary=f"从备份恢复：{Path(path).name}",
                   after={"created_at": manifest["created_at"], "vendor": manifest["vendor"]})
    return manifest


class Command(BaseCommand):
    help = "把 qingfeng backup 生成的 zip 文件恢复到一个空数据库"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="备份文件路径（.zip）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            self.stderr.write(f"找不到备份文件 {path}")
            sys.exit(1)
        try:
            manifest = load(path, out=self.stdout if options["verbosity"] > 1 else None)
        except (RestoreRefused, zipfile.BadZipFile) as exc:
            self.stderr.write(f"无法恢复：{exc}")
            sys.exit(1)
        total = sum(t["rows"] for t in manifest["tables"].values())
        self.stdout.write(f"已恢复 {len(manifest['tables'])} 张表、{total} 行（备份时间 {manifest['created_at']}）")
