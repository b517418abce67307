"""The audit log through HTTP: writes with before/after, reads of restricted data, unmasking,
the administrators' page and export, and that nothing can change or remove a row."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from qingfeng.audit.models import AuditLog
from qingfeng.discipline.models import Case
from tests.security.data import discipline_records


def test_a_write_through_a_page_is_logged_with_author_and_after(world, client_for):
    client = client_for(world.discipline_user)
    person = world.members_a[2]
    response = client.post(reverse("discipline:case_create"), {
        "code": "AJ-2024-007", "id_number": person.id_number, "name": person.name, "org": world.branch_a.code,
        "filed_on": "2024-06-01", "cadre_level": "县管", "self_surrender": "on"})
    assert response.status_code == 302
    case = Case.objects.get(code="AJ-2024-007")
    row = AuditLog.objects.get(action="create", model="discipline.Case", object_id=str(case.pk))
    assert row.username == "discipline" and row.user == world.discipline_user
    assert row.after["code"] == "AJ-2024-007" and row.after["self_surrender"] is True
    assert row.ip == "127.0.0.1"


def test_an_update_records_before_and_after_of_what_changed(world, client_for):
    discipline_records(world)
    client = client_for(world.discipline_user)
    response = client.post(reverse("discipline:case_close", args=[world.case_own.code]), {"day": "2024-08-15"})
    assert response.status_code == 302
    row = AuditLog.objects.get(action="update", model="discipline.Case", object_id=str(world.case_own.pk))
    assert row.before == {"closed_on": None}
    assert row.after == {"closed_on": "2024-08-15"}
    assert row.username == "discipline"


def test_personal_numbers_are_masked_in_the_log(world):
    from qingfeng.people.models import Person

    person = Person.objects.create(name="测试", id_number="140105198001010014", phone="13912345678")
    row = AuditLog.objects.get(action="create", model="people.Person", object_id=str(person.pk))
    assert row.after["id_number"] == "140105********0014"
    assert row.after["phone"] == "139****5678"


def test_every_read_of_a_discipline_record_is_logged(world, client_for):
    discipline_records(world)
    client = client_for(world.discipline_user)
    assert client.get(reverse("discipline:case", args=[world.case_own.code])).status_code == 200
    row = AuditLog.objects.get(action="read", model="discipline.Case", object_id=str(world.case_own.pk))
    assert row.username == "discipline"
    client.get(reverse("discipline:cases"))
    listed = AuditLog.objects.filter(action="read", model="discipline.Case", object_id="").latest("id")
    assert set(listed.after["shown"]) == {world.case_own.code, world.case_sibling.code}
    client.get(reverse("discipline:recommendation", args=[world.rec_own.code]))
    assert AuditLog.objects.filter(action="read", model="discipline.Recommendation").exists()


@pytest.mark.parametrize("persona", ["city", "district", "clerk", "leader", "outsider"])
def test_discipline_pages_do_not_exist_for_other_roles(world, client_for, persona):
    discipline_records(world)
    client = client_for(world.personas[persona])
    for url in (reverse("discipline:cases"), reverse("discipline:case", args=[world.case_own.code]),
                reverse("discipline:case_create"), reverse("discipline:dispositions"),
                reverse("discipline:recommendations")):
        assert client.get(url).status_code == 404
    assert "纪检" not in client.get(reverse("core:home")).content.decode()
    assert not AuditLog.objects.filter(action="read").exists()


def test_unmasking_shows_the_full_number_and_is_logged(world, client_for):
    person = world.members_a[0]
    client = client_for(world.clerk)
    response = client.post(reverse("audit:unmask", args=[person.pk]), {"field": "id"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    row = AuditLog.objects.get(action="unmask")
    assert row.username == "clerk" and row.object_id == str(person.pk) and row.after == {"field": "id_number"}


def test_unmasking_is_refused_to_the_leader_and_outside_the_subtree(world, client_for):
    person = world.members_a[0]
    assert client_for(world.leader).post(reverse("audit:unmask", args=[person.pk])).status_code == 403
    assert client_for(world.outsider).post(reverse("audit:unmask", args=[person.pk])).status_code == 404
    assert client_for(world.city_user).get(reverse("audit:unmask", args=[person.pk])).status_code == 405
    assert not AuditLog.objects.filter(action="unmask").exists()


def test_the_audit_page_filters_and_exports_for_administrators(world, client_for):
    discipline_records(world)
    client_for(world.discipline_user).get(reverse("discipline:case", args=[world.case_own.code]))
    client = client_for(world.admin)
    page = client.get(reverse("audit:list"), {"user": "discipline", "action": "read"}).content.decode()
    assert "discipline.Case" in page
    assert page.count("data-audit-row=") == AuditLog.objects.filter(username="discipline", action="read").count() == 1
    response = client.get(reverse("audit:list"), {"user": "discipline", "action": "read", "export": "xlsx"})
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "用户", "操作")
    assert len(rows) == 2 and rows[1][1] == "discipline" and rows[1][3] == "discipline.Case"
    assert AuditLog.objects.filter(action="export", username="admin").exists()  # the export is itself logged
    assert client_for(world.city_user).get(reverse("audit:list")).status_code == 403


def test_the_log_cannot_be_changed_or_deleted(world, client_for):
    discipline_records(world)
    row = AuditLog.objects.first()
    client = client_for(world.admin)
    assert client.get(reverse("admin:audit_auditlog_changelist")).status_code == 200
    change = reverse("admin:audit_auditlog_change", args=[row.pk])
    response = client.post(change, {"summary": "tampered"})
    assert response.status_code == 403
    assert client.post(reverse("admin:audit_auditlog_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditlog_add")).status_code == 403
    assert client.post(reverse("audit:list"), {"summary": "tampered"}).status_code == 405
    row.refresh_from_db()
    assert row.summary != "tampered"
    with pytest.raises(TypeError):
        AuditLog.objects.filter(pk=row.pk).delete()
    with pytest.raises(TypeError):
        AuditLog.objects.filter(pk=row.pk).update(summary="x")
    assert AuditLog.objects.filter(pk=row.pk).exists()


def test_sign_ins_are_logged(world, client):
    client.post(reverse("accounts:login"), {"username": "city", "password": "wrong-password"})
    from tests.world import PASSWORD

    client.post(reverse("accounts:login"), {"username": "city", "password": PASSWORD})
    actions = list(AuditLog.objects.filter(username="city").order_by("id").values_list("action", flat=True))
    assert actions == ["login_failed", "login"]
