"""Every write to the platform's own models, recorded with its author, before and after.

Connected per model in AuditConfig.ready(): pre_save reads the row as stored, post_save and
post_delete write an AuditLog row in the same transaction as the change. Raw saves (fixtures,
restore) are not writes by a person and are skipped. Bulk writes (bulk_create, QuerySet.update)
send no signals: the import path records one `import` row per file instead.
Personal numbers are masked in the log and secrets never enter it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save

from qingfeng.audit.context import current_actor
from qingfeng.core.masking import mask_id, mask_phone

# Logs of their own, derived tables and sign-in counters: auditing them would only add noise.
# core.pendingchange: the facts' to-do list after a large import (the persons and organizations it touched, megabytes),
# written and deleted by the platform itself; the import it follows is audited once.
EXCLUDED = {"audit.auditlog", "core.entry", "core.pendingchange", "accounts.loginthrottle", "forms.filling",
            "forms.draft"}
EXCLUDED_APPS = {"indicators"}  # facts are recomputed from audited records
REDACTED = {"password", "secret", "key", "token", "token_hash", "digest"}
MASKED: dict[str, Callable[[str], str]] = {"id_number": mask_id, "phone": mask_phone}
# A row as the log shows it: field name → JSON value.
Snapshot = dict[str, Any]
BEFORE = "_audit_before"  # the row as stored, kept on the instance between pre_save and post_save


def audited_models() -> Iterator[type[Model]]:
    for model in apps.get_models():
        meta = model._meta
        if not model.__module__.startswith("qingfeng."):
            continue
        if meta.label_lower in EXCLUDED or meta.app_label in EXCLUDED_APPS:
            continue
        if meta.proxy or not meta.managed:
            continue
        yield model


def _jsonable(value: Mapping[str, object]) -> Snapshot:
    out: Snapshot = json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    return out


def snapshot_values(model: type[Model], values: Mapping[str, object]) -> Snapshot:
    out: dict[str, object] = {}
    for field in model._meta.concrete_fields:
        if field.attname not in values:
            continue
        value = values[field.attname]
        if field.name in REDACTED:
            value = "***" if value else ""
        elif field.name in MASKED and value:
            value = MASKED[field.name](str(value))
        elif isinstance(value, bytes | memoryview):  # a stored file: its size, not its bytes
            value = f"{len(value)} bytes"
        out[field.name] = value
    return _jsonable(out)


def snapshot(instance: Model) -> Snapshot:
    return snapshot_values(type(instance), {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields})


def _before(sender: type[Model], instance: Model, raw: bool = False, update_fields: Iterable[str] | None = None,
            **kwargs: object) -> None:
    if raw or instance._state.adding or instance.pk is None:
        instance.__dict__[BEFORE] = None
        return
    attnames = [f.attname for f in sender._meta.concrete_fields]
    row = sender._base_manager.filter(pk=instance.pk).values(*attnames).first()
    instance.__dict__[BEFORE] = snapshot_values(sender, row) if row is not None else None


def _skip(sender: type[Model], update_fields: Iterable[str] | None) -> bool:
    # Django stamps last_login on every sign-in; the sign-in itself is logged as `login`.
    return sender._meta.label_lower == "accounts.user" and update_fields is not None and set(update_fields) == {"last_login"}


def _after_save(sender: type[Model], instance: Model, created: bool, raw: bool = False,
                update_fields: Iterable[str] | None = None, **kwargs: object) -> None:
    from qingfeng.audit.models import record

    if raw or _skip(sender, update_fields):
        return
    after = snapshot(instance)
    before: Snapshot | None = instance.__dict__.get(BEFORE)
    before_out: Snapshot | None
    if created or before is None:
        action, before_out, after_out = "create", None, after
    else:
        changed = [k for k, v in after.items() if before.get(k) != v]
        if not changed:
            return
        action = "update"
        before_out = {k: before.get(k) for k in changed}
        after_out = {k: after[k] for k in changed}
    user, ip = current_actor()
    record(user, action, instance, before=before_out, after=after_out, ip=ip)


def _after_delete(sender: type[Model], instance: Model, **kwargs: object) -> None:
    from qingfeng.audit.models import record

    user, ip = current_actor()
    record(user, "delete", instance, before=snapshot(instance), ip=ip)


def connect() -> None:
    for model in audited_models():
        uid = f"qingfeng.audit:{model._meta.label_lower}"
        pre_save.connect(_before, sender=model, dispatch_uid=uid + ":pre", weak=False)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid + ":post", weak=False)
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + ":delete", weak=False)
