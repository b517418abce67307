"""`qingfeng backup` / `qingfeng restore` on the test database (SQLite or PostgreSQL, whichever the
suite runs on): the restored database holds the same rows and gives identical indicator values."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from django.core.management import call_command

from qingfeng.audit.models import AuditLog
from qingfeng.core.management.commands.backup import backup_models, line, rows
from qingfeng.orgs.models import Organization
from tests.security.data import discipline_records


def digest(max_audit_id=None) -> dict[str, str]:
    out = {}
    for model in backup_models():
        label = model._meta.label_lower
        h = hashlib.sha256()
        for row in rows(model):
            if label == "audit.auditlog" and max_audit_id is not None and row[0] > max_audit_id:
                continue
            h.update(line(row).encode())
        out[label] = h.hexdigest()
    return out


def indicator_values():
    from qingfeng.indicators.engine import compute

    city = Organization.objects.get(code="140100")
    return {code: compute(Organization.objects.get(code=code), dt.date(2024, 1, 1), dt.date(2024, 12, 31))
            for code in (city.code, "140105", "140106")}


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_gives_identical_rows_and_indicators(tmp_path):
    from tests.world import World

    world = World()
    discipline_records(world)
    world.members_a[0].phone = "13912345678"
    world.members_a[0].save()
    before_values = indicator_values()
    before = digest()
    max_audit = AuditLog.objects.order_by("-id").values_list("id", flat=True).first()
    path = tmp_path / "qingfeng.zip"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert "已备份" in out.getvalue()
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert manifest["tables"]["discipline.case"]["rows"] == 2
    assert manifest["tables"]["people.person"]["rows"] == 15

    call_command("flush", interactive=False, verbosity=0)  # an empty, migrated database
    assert not Organization.objects.exists()
    call_command("restore", str(path), stdout=io.StringIO())

    assert digest(max_audit_id=max_audit) == before
    assert indicator_values() == before_values
    assert AuditLog.objects.filter(model="core.backup").count() == 1  # the restore itself is on the log
    # New rows get fresh keys after the restored ones (sequences were reset on PostgreSQL).
    new = Organization.objects.create(code="140199", name="新组织", parent=None, kind="党委", sector="党政机关", path="/140199/")
    assert new.pk > max(Organization.objects.exclude(pk=new.pk).values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    from tests.world import World

    World()
    path = tmp_path / "b.zip"
    call_command("backup", str(path), stdout=io.StringIO())
    count = Organization.objects.count()
    with pytest.raises(SystemExit) as exit_:
        call_command("restore", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_.value.code == 1
    assert Organization.objects.count() == count


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path, db):
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hi")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("restore", str(path), stdout=io.StringIO(), stderr=err)
    assert exit_.value.code == 1
    assert "不是清风备份" in err.getvalue()

