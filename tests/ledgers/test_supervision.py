"""Findings and rectification: found → 整改中 → 待核验 → 销号, or 退回 with a reason — through HTTP."""

import datetime as dt

from django.urls import reverse

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType
from qingfeng.files.models import Attachment, FileKind
from qingfeng.supervision.models import Accountability, Finding, FindingEvent
from tests.clock import TODAY
from tests.ledgers.conftest import docx_upload, pdf_upload, png_upload


def record(client, world, **extra):
    today = TODAY
    data = {"org": world.branch_a.code, "source": "督导检查", "found_on": today.isoformat(),
            "deadline": (today + dt.timedelta(days=30)).isoformat(), "description": "三会一课记录不全"}
    data.update(extra)
    return client.post(reverse("supervision:create"), data)


def test_return_resubmit_and_close(world, client_for):
    district = client_for(world.district_user)
    assert record(district, world).status_code == 302
    finding = Finding.objects.get()
    assert finding.status == "rectifying"

    clerk = client_for(world.clerk)
    detail = reverse("supervision:detail", args=[finding.code])
    assert "data-submit-form" in clerk.get(detail).content.decode()
    response = clerk.post(reverse("supervision:submit", args=[finding.code]), {"note": "已补齐记录"})
    assert response.status_code == 302

    # The branch may not verify its own work; the officer must give a reason to send it back.
    assert clerk.post(reverse("supervision:close", args=[finding.code]), {"on": TODAY}).status_code == 403
    district = client_for(world.district_user)
    response = district.post(reverse("supervision:return", args=[finding.code]), {"reason": " "})
    assert response.status_code == 400 and "退回时必须说明理由" in response.content.decode()
    finding.refresh_from_db()
    assert finding.status == "submitted"
    district.post(reverse("supervision:return", args=[finding.code]), {"reason": "缺少会议记录照片"})
    finding.refresh_from_db()
    assert finding.status == "returned"

    clerk = client_for(world.clerk)
    page = clerk.get(detail).content.decode()
    assert "缺少会议记录照片" in page and "已退回" in page
    response = clerk.post(reverse("supervision:submit", args=[finding.code]),
                          {"note": "已补充照片", "files": [png_upload("记录本.png")]})
    assert response.status_code == 302
    evidence = Attachment.objects.get()
    assert evidence.kind == FileKind.EVIDENCE and evidence.record == finding

    district = client_for(world.district_user)
    today = TODAY
    assert district.post(reverse("supervision:close", args=[finding.code]), {"on": today, "note": "核验通过"}).status_code == 302
    finding.refresh_from_db()
    assert (finding.status, finding.closed_on) == ("closed", today)
    assert list(FindingEvent.objects.filter(finding=finding).values_list("to_status", flat=True)) == [
        "rectifying", "submitted", "returned", "submitted", "closed"]
    assert FindingEvent.objects.filter(to_status="returned").get().note == "缺少会议记录照片"


def test_a_closed_finding_cannot_be_closed_again_or_returned(world, client_for):
    from qingfeng.supervision import actions

    district = client_for(world.district_user)
    record(district, world)
    finding = Finding.objects.get()
    actions.submit_finding(finding, user=world.clerk, note="done")
    actions.close_finding(finding, user=world.district_user, on=TODAY)
    response = district.post(reverse("supervision:return", args=[finding.code]), {"reason": "again"})
    assert response.status_code == 400 and "只有待核验的问题可以退回" in response.content.decode()


def test_deadline_before_discovery_is_refused(world, client_for):
    today = TODAY
    response = record(client_for(world.district_user), world, deadline=(today - dt.timedelta(days=1)).isoformat())
    assert response.status_code == 400 and "整改期限不能早于发现日期" in response.content.decode()
    assert not Finding.objects.exists()


def test_overdue_findings_are_highlighted_and_filterable(world, client_for):
    today = TODAY
    client = client_for(world.district_user)
    record(client, world, found_on=(today - dt.timedelta(days=40)).isoformat(),
           deadline=(today - dt.timedelta(days=10)).isoformat(), description="逾期的问题")
    record(client, world, description="未到期的问题")
    body = client.get(reverse("supervision:list"), {"overdue": "on"}).content.decode().split("data-ledger-table")[1]
    assert "逾期的问题" in body and "未到期的问题" not in body  # each finding by its code and what it is
    overdue = Finding.objects.get(description="逾期的问题")
    fresh = Finding.objects.get(description="未到期的问题")
    assert overdue.code in body and fresh.code not in body and "bg-red-lt" in body
    assert "已超过整改期限" in client.get(reverse("supervision:detail", args=[overdue.code])).content.decode()


def test_a_finding_from_a_political_supervision_round_with_its_documents(world, client_for):
    today = TODAY
    political = ActivityType.objects.get(name="政治监督专项检查")
    round_ = record_activity(user=world.district_user, org=world.xiaodian, type=political, date=today,
                             topic="2026年度政治监督专项检查")
    client = client_for(world.district_user)
    page = client.get(reverse("activities:detail", args=[round_.code])).content.decode()
    assert page.count('bg-red-lt">未上传') == 4  # 一书一报告两清单, none uploaded yet
    for kind, upload in [("opinion", pdf_upload("意见书.pdf")), ("report", docx_upload("报告.docx")),
                         ("problems", pdf_upload("问题清单.pdf"))]:
        client.post(reverse("activities:attach", args=[round_.code]), {"kind": kind, "files": [upload]})
    page = client.get(reverse("activities:detail", args=[round_.code])).content.decode()
    assert page.count('bg-green-lt">已上传') == 3 and page.count('bg-red-lt">未上传') == 1

    form = client.get(reverse("supervision:create"), {"round": round_.code}).content.decode()
    assert f'value="{round_.code}"' in form
    response = record(client, world, round=round_.code, source="督导检查")
    assert "问题来源应与督导轮次的类型" in response.content.decode()
    assert record(client, world, round=round_.code, source="政治监督专项检查").status_code == 302
    finding = Finding.objects.get()
    assert finding.round == round_
    assert finding.code in client.get(reverse("activities:detail", args=[round_.code])).content.decode()


def test_accountability_decision_linked_to_a_finding(world, client_for):
    client = client_for(world.district_user)
    record(client, world)
    finding = Finding.objects.get()
    person = world.members_a[0]
    url = reverse("supervision:accountability", args=[finding.code])
    assert client_for(world.clerk).get(url).status_code == 403
    client = client_for(world.district_user)
    response = client.post(url, {"id_number": person.id_number, "name": "别人", "org": world.xiaodian.code,
                                 "decided_on": TODAY, "mode": "诫勉"})
    assert response.status_code == 400 and "无法在您的管理范围内使用该公民身份号码和姓名" in response.content.decode()
    response = client.post(url, {"id_number": person.id_number, "name": person.name, "org": world.xiaodian.code,
                                 "decided_on": TODAY, "mode": "诫勉"})
    assert response.status_code == 302
    decision = Accountability.objects.get()
    assert (decision.person, decision.finding, decision.org) == (person, finding, world.xiaodian)
    assert "诫勉" in client.get(reverse("supervision:detail", args=[finding.code])).content.decode()


def test_sibling_district_sees_nothing(world, client_for):
    record(client_for(world.district_user), world)
    finding = Finding.objects.get()
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("supervision:detail", args=[finding.code])).status_code == 404
    assert outsider.post(reverse("supervision:return", args=[finding.code]), {"reason": "x"}).status_code == 404
    assert finding.code not in outsider.get(reverse("supervision:list")).content.decode().split("data-ledger-table")[1]


def test_export_of_the_filtered_list_reads_back(world, client_for):
    import io

    import openpyxl

    client = client_for(world.district_user)
    record(client, world, description="导出的问题")
    record(client, world, source="巡察", description="另一个问题")
    response = client.get(reverse("supervision:list"), {"source": "巡察", "export": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("问题编号", "来源") and len(rows) == 2 and rows[1][1] == "巡察"
