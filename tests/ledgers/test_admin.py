"""The admin of the ledger apps opens, scoped like the pages, and deletes nothing."""

import pytest
from django.urls import reverse

from tests.ledgers.records import ledger_records

MODELS = ["activities_activity", "activities_lectureteam", "activities_activitytype", "activities_requirement",
          "supervision_finding", "supervision_accountability", "service_serviceitem", "grassroots_assignment",
          "grassroots_weakorgcase", "entities_entity", "burden_reportform", "core_entry", "files_attachment"]


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelists_open(world, client_for, model):
    ledger_records(world)
    response = client_for(world.admin).get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_district_staff_see_only_their_subtree_in_the_admin(world, client_for):
    records = ledger_records(world)
    from django.contrib.auth.models import Permission

    world.district_user.is_staff = True
    world.district_user.save()
    world.district_user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="supervision", codename__in=["view_finding", "change_finding", "delete_finding"]))
    body = client_for(world.district_user).get(reverse("admin:supervision_finding_changelist")).content.decode()
    assert records["own"]["finding"].code in body and records["sibling"]["finding"].code not in body
    finding = records["own"]["finding"]
    response = client_for(world.district_user).get(reverse("admin:supervision_finding_delete", args=[finding.pk]))
    assert response.status_code == 403
