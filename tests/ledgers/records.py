"""One record of every ledger in the clerk's branch A ("own") and in the sibling district's branch O
("sibling"), for the permission matrix rows (tests/permissions/rows_*.py of the ledger apps)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from qingfeng.core.idnumbers import make_credit_code, make_id_number
from tests.clock import TODAY

PDF = b"%PDF-1.4\n% permission matrix\n%%EOF\n"


def _side(world, org, n: int) -> dict:
    from qingfeng.activities import actions as activities
    from qingfeng.activities.models import ActivityType
    from qingfeng.burden import actions as burden
    from qingfeng.core.ledger import person_by_id
    from qingfeng.entities import actions as entities
    from qingfeng.files.models import Attachment
    from qingfeng.grassroots import actions as grassroots
    from qingfeng.service import actions as service
    from qingfeng.supervision import actions as supervision

    user, today = world.admin, TODAY
    members = world.members_a if org == world.branch_a else world.members_o
    out = {"org": org}
    out["activity"] = activities.record_activity(
        user=user, org=org, type=ActivityType.objects.get(name="支部委员会"), date=today, topic="支部委员会",
        presence={p.pk: "出席" for p in members})
    out["team"] = activities.create_lecture_team(user=user, org=org, code=f"XJ-{n}", name="宣讲队", established_on=None)
    out["lecturer"] = activities.add_lecturer(out["team"], user=user, person=members[0], joined_on=None)
    due = today + dt.timedelta(days=30)
    out["finding"] = supervision.record_finding(user=user, org=org, source="自查", found_on=today, description="问题",
                                                deadline=due)
    out["submitted"] = supervision.record_finding(user=user, org=org, source="自查", found_on=today,
                                                  description="待核验的问题", deadline=due)
    supervision.submit_finding(out["submitted"], user=user, note="已整改")
    out["item"] = service.commit_service_item(user=user, org=org, name="办实事", category="", committed_on=today,
                                              planned_on=due)
    cadre = person_by_id(make_id_number("140105", dt.date(1985, 1, 1), 700 + n), f"驻村{n}")
    out["assignment"] = grassroots.dispatch(user=user, person=cadre, org=org, role="第一书记",
                                            start_on=today - dt.timedelta(days=10))
    out["weak"] = grassroots.identify_weak_org(user=user, org=org, identified_on=today - dt.timedelta(days=10),
                                               problems="")
    out["election"] = grassroots.hold_election(user=user, org=org, held_on=today - dt.timedelta(days=10), term_years=5)
    out["entity"] = entities.register_entity(user=user, org=org, credit_code=make_credit_code(f"9114010{n}MA0K12345"),
                                             name="企业", type="非公有制企业")
    out["form"] = burden.register_form(user=user, org=org, code=f"BB-{n}", name="报表",
                                       enabled_on=today - dt.timedelta(days=10))
    # An attachment whose file lies under MEDIA_ROOT (written once, reused by every run).
    stored = f"attachments/permission-matrix/{hashlib.sha256(PDF).hexdigest()[:16]}.pdf"
    path = settings.MEDIA_ROOT / stored
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(PDF)
    out["attachment"] = Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(out["activity"]), object_id=out["activity"].pk, org=org,
        kind="minutes", name="纪要.pdf", mime="application/pdf", size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(),
        stored=stored)
    return out


def ledger_records(world) -> dict:
    """{"own": {...}, "sibling": {...}}, built once per World."""
    if not getattr(world, "ledgers", None):
        world.ledgers = {"own": _side(world, world.branch_a, 1), "sibling": _side(world, world.branch_o, 2)}
    return world.ledgers


def rec(kind: str, key: str):
    """A URL-builder argument: rec("own", "activity") → world.ledgers["own"]["activity"]."""
    return lambda world: ledger_records(world)[kind][key]
