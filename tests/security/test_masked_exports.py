"""Exports mask ID and phone numbers for everyone (issue 16, finding 3); a full-number export exists only for the
roles that may unmask, asked for explicitly and logged as an unmasking; the birth date — the middle of the ID
number — is never shown beside a masked number to a role that may not unmask (finding 5)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse

from qingfeng.audit.models import AuditAction, AuditLog
from qingfeng.core.idnumbers import make_id_number
from qingfeng.people.models import Person
from tests.clock import TODAY


@pytest.fixture
def phones(world):
    for i, person in enumerate(Person.objects.order_by("id")):
        person.phone = f"139{i:08d}"
        person.save(update_fields=["phone"])
    return {p.pk: p for p in Person.objects.all()}


def _rows(response) -> list[dict]:
    if response["Content-Type"].startswith("text/csv"):
        reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
        return list(reader)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_leaders_member_export_holds_no_full_number_and_no_birth_date(world, client_for, phones, fmt):
    response = client_for(world.leader).get(reverse("people:list"), {"export": fmt})
    assert response.status_code == 200
    rows = _rows(response)
    assert len(rows) == 15
    body = response.content.decode("utf-8-sig", errors="replace") if fmt == "csv" else str(rows)
    for person in phones.values():
        assert person.id_number not in body and person.phone not in body
    by_masked = {r["公民身份号码"]: r for r in rows}
    for person in phones.values():
        row = by_masked[person.masked_id]
        assert row["手机号码"] == person.masked_phone
        assert row["出生日期"] in ("", None)  # region + birth date + last four would be the whole number
    log = AuditLog.objects.get(user=world.leader)
    assert log.action == AuditAction.EXPORT and "党员" in log.summary


def test_full_numbers_are_refused_to_roles_that_may_not_unmask(world, client_for, phones):
    from qingfeng.accounts.models import Role
    from tests.world import user

    propaganda = user("propaganda", Role.PROPAGANDA, world.city)
    for who in (world.leader, propaganda):
        client = client_for(who)
        assert client.get(reverse("people:list"), {"export": "csv", "numbers": "full"}).status_code == 403
        assert client.get(reverse("grassroots:assignments"), {"export": "xlsx", "numbers": "full"}).status_code == 403
        page = client.get(reverse("people:list")).content.decode()
        assert "numbers=full" not in page
    assert not AuditLog.objects.filter(action=AuditAction.UNMASK).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_clerk_asks_for_full_numbers_and_the_export_is_logged_as_an_unmasking(world, client_for, phones, fmt):
    client = client_for(world.clerk)
    page = client.get(reverse("people:list")).content.decode()
    assert "numbers=full" in page
    response = client.get(reverse("people:list"), {"export": fmt, "numbers": "full"})
    assert response.status_code == 200 and "完整号码" in unquote(response["Content-Disposition"])
    rows = _rows(response)
    expected = {p.id_number: p for p in world.members_a}
    assert {r["公民身份号码"] for r in rows} == set(expected)  # the clerk's own branch, in full
    for row in rows:
        person = phones[expected[row["公民身份号码"]].pk]
        assert row["手机号码"] == person.phone
        assert str(row["出生日期"])[:10] == person.birth_date.isoformat()
    log = AuditLog.objects.get(user=world.clerk, action=AuditAction.UNMASK)
    assert "完整号码导出" in log.summary and log.after["full_numbers"] is True


def test_the_dispatched_cadre_export_masks_id_numbers(world, client_for):
    from qingfeng.core.ledger import person_by_id
    from qingfeng.grassroots import actions

    number = make_id_number("140105", dt.date(1979, 3, 4), 321)
    cadre = person_by_id(number, "驻村干部", user=world.admin)
    actions.dispatch(user=world.admin, person=cadre, org=world.branch_a, role="第一书记",
                     start_on=TODAY - dt.timedelta(days=5))
    masked = client_for(world.leader).get(reverse("grassroots:assignments"), {"export": "csv"})
    assert number not in masked.content.decode("utf-8-sig") and cadre.masked_id in masked.content.decode("utf-8-sig")
    full = client_for(world.district_user).get(reverse("grassroots:assignments"), {"export": "csv", "numbers": "full"})
    assert number in full.content.decode("utf-8-sig")
    assert AuditLog.objects.filter(user=world.district_user, action=AuditAction.UNMASK).exists()


def test_the_full_export_imports_back_and_the_masked_one_is_refused_with_a_reason(world, client_for, phones, tmp_path):
    from qingfeng.imports.actions import run_import
    from tests.imports.helpers import table_counts

    client = client_for(world.district_user)
    before = table_counts()
    full = tmp_path / "full" / "党员.csv"
    full.parent.mkdir()
    full.write_bytes(client.get(reverse("people:list"), {"export": "csv", "numbers": "full"}).content)
    result = run_import(full, world.district_user)
    assert result.ok, [str(p) for p in result.problems]
    assert result.changes == 0 and table_counts() == before
    masked = tmp_path / "masked" / "党员.csv"
    masked.parent.mkdir()
    masked.write_bytes(client.get(reverse("people:list"), {"export": "csv"}).content)
    result = run_import(masked, world.district_user)
    assert not result.ok and "已脱敏" in str(result.problems[0])
    assert table_counts() == before


def test_the_birth_date_is_shown_only_to_roles_that_may_unmask(world, client_for):
    person = world.members_a[0]
    url = reverse("people:detail", args=[person.pk])
    birth = person.birth_date.isoformat()
    assert birth not in client_for(world.leader).get(url).content.decode()
    assert birth in client_for(world.clerk).get(url).content.decode()
