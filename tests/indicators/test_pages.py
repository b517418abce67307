"""The indicator pages through HTTP: values, drill-through with export, warnings with export, requirements."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.activities.models import Activity, ActivityType, Requirement
from qingfeng.audit.models import AuditLog
from qingfeng.discipline.models import Case
from qingfeng.entities.models import Entity
from qingfeng.indicators import engine, store
from qingfeng.orgs.actions import record_election
from qingfeng.service.models import ServiceItem
from qingfeng.supervision.models import Finding
from tests.world import member, org

D = dt.date


def finding(code, at, deadline, closed=None):
    return Finding.objects.create(code=code, source="督战", found_on=D(2021, 1, 4), org=at, description="问题",
                                  deadline=deadline, closed_on=closed)


@pytest.mark.django_db
def test_index_lists_values_linked_to_their_records(world, client_for):
    page = client_for(world.district_user).get(reverse("indicators:index"), {"start": "2021-01-01", "end": "2021-05-11"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "党员总数" in text and "11" in text  # 8 + 3 members in 小店区
    assert "key=members.total" in text and "org=140105" in text
    assert "立案数" not in text  # discipline indicators only for discipline roles


@pytest.mark.django_db
def test_drill_lists_records_and_exports_them(world, client_for):
    t = ActivityType.objects.get(name="主题党日")
    Activity.objects.create(code="HD-1", type=t, org=world.branch_a, date=D(2021, 3, 5), topic="学习党章")
    Activity.objects.create(code="HD-2", type=t, org=world.branch_o, date=D(2021, 3, 5), topic="学习党史")
    client = client_for(world.district_user)
    args = {"key": "activities.count[type=主题党日]", "org": "140105", "start": "2021-01-01", "end": "2021-12-31"}
    page = client.get(reverse("indicators:drill"), args)
    text = page.content.decode()
    assert page.status_code == 200 and "HD-1" in text and "学习党章" in text and "HD-2" not in text
    xlsx = client.get(reverse("indicators:drill"), {**args, "export": "xlsx"})
    ws = load_workbook(io.BytesIO(xlsx.getvalue())).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "活动编号" and [r[0] for r in rows[1:]] == ["HD-1"]
    csv_text = client.get(reverse("indicators:drill"), {**args, "export": "csv"}).getvalue().decode("utf-8-sig")
    assert csv_text.splitlines()[1].startswith("HD-1,")
    # Another district's subtree is out of reach.
    assert client.get(reverse("indicators:drill"), {**args, "org": "140106"}).status_code == 404


@pytest.mark.django_db
def test_drill_of_a_rate_shows_numerator_and_denominator(world, client_for):
    ServiceItem.objects.create(code="SV-1", org=world.branch_a, name="修路灯", committed_on=D(2021, 1, 2),
                               planned_on=D(2021, 2, 1), completed_on=D(2021, 1, 20))
    ServiceItem.objects.create(code="SV-2", org=world.branch_a, name="装扶手", committed_on=D(2021, 1, 2),
                               planned_on=D(2021, 2, 1))
    page = client_for(world.clerk).get(reverse("indicators:drill"), {
        "key": "service.completion_rate", "org": "14010500101A", "start": "2021-01-01", "end": "2021-12-31"})
    text = page.content.decode()
    numerator = text.split('data-block="numerator"')[1].split('data-block="denominator"')[0]
    denominator = text.split('data-block="denominator"')[1]
    assert "50.0%" in text and "装扶手" in denominator and "装扶手" not in numerator
    assert "<span class=\"badge bg-secondary-lt ms-1\" data-count>1</span>" in numerator
    assert "<span class=\"badge bg-secondary-lt ms-1\" data-count>2</span>" in denominator


@pytest.mark.django_db
def test_drill_rejects_unknown_keys_and_hides_discipline_records(world, client_for):
    Case.objects.create(code="AJ-1", person=world.members_a[0], org=world.xiaodian, filed_on=D(2021, 2, 1))
    args = {"org": "140100", "start": "2021-01-01", "end": "2021-12-31"}
    bad = client_for(world.city_user).get(reverse("indicators:drill"), {**args, "key": "orgs.totl"})
    assert bad.status_code == 400 and "可用指标" in bad.content.decode()
    assert client_for(world.city_user).get(reverse("indicators:drill"),
                                           {**args, "key": "discipline.cases_filed"}).status_code == 404
    ok = client_for(world.discipline_user).get(reverse("indicators:drill"), {**args, "key": "discipline.cases_filed"})
    assert ok.status_code == 200 and "AJ-1" in ok.content.decode()
    assert AuditLog.objects.filter(username="discipline", action="read", model="indicators.drill").exists()


@pytest.mark.django_db
def test_warnings_page_filters_and_exports(world, client_for):
    finding("WF-1", world.branch_a, deadline=D(2021, 3, 1))  # overdue on 10 March
    finding("WF-2", world.branch_a, deadline=D(2021, 3, 15))  # due within a week of 10 March
    finding("WF-3", world.branch_a, deadline=D(2021, 3, 1), closed=D(2021, 2, 27))
    finding("WF-4", world.branch_o, deadline=D(2021, 3, 1))  # the sibling district
    client = client_for(world.district_user)
    page = client.get(reverse("indicators:warnings"), {"on": "2021-03-10", "kind": "findings"})
    text = page.content.decode()
    assert page.status_code == 200
    assert "WF-1" in text and "WF-2" in text and "WF-3" not in text and "WF-4" not in text
    xlsx = client.get(reverse("indicators:warnings"), {"on": "2021-03-10", "kind": "findings", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("级别", "类型", "组织编码")
    assert [(r[0], r[2]) for r in rows[1:]] == [("红色", "14010500101A"), ("黄色", "14010500101A")]
    assert client.get(reverse("indicators:warnings"), {"org": "140106"}).status_code == 404


@pytest.mark.django_db
def test_warnings_cover_every_kind(world):
    from qingfeng.indicators.warnings import warnings_for

    on = D(2021, 3, 10)
    record_election(world.street, D(2016, 2, 29), 5)  # term ended 28 Feb 2021
    ServiceItem.objects.create(code="SV-9", org=world.branch_b, name="修车棚", committed_on=D(2021, 1, 2),
                               planned_on=D(2021, 3, 1))
    Entity.objects.create(credit_code="911401000000000009", name="丁公司", type="非公有制企业", org=world.street,
                          coverage="未覆盖")
    big = org("14010500101Z", "大党支部", world.community, kind="党支部", sector="社区")
    for i in range(51):
        member(f"庚{i}", big)
    found = warnings_for(world.xiaodian, on)
    kinds = {(w.kind, w.org.code) for w in found}
    assert ("elections", "140105001") in kinds
    assert ("service", "14010500101B") in kinds
    assert ("coverage", "140105001") in kinds
    assert ("oversize", "14010500101Z") in kinds
    assert ("setup", "14010500101Z") not in kinds  # 51 members: over 50, not yet the 100 of a 党委
    assert ("setup", "14010500101B") not in kinds  # 3 正式党员 is enough for a branch
    assert ("setup", "140105S01") not in kinds  # no members at all: nothing to judge
    # Branch B held no 主题党日 in February: 应开未开, red, linked to its calendar.
    missing = [w for w in found if w.kind == "meetings" and w.org.code == "14010500101B" and w.due == D(2021, 2, 28)]
    assert missing and missing[0].severity == "red" and "/calendar/14010500101B/" in missing[0].url
    assert all(w.org.path.startswith(world.xiaodian.path) for w in found)
    small = org("14010500101S", "小党支部", world.community, kind="党支部", sector="社区")
    member("辛", small)
    assert ("setup", "14010500101S") in {(w.kind, w.org.code) for w in warnings_for(world.community, on, kinds=["setup"])}


@pytest.mark.django_db
def test_requirements_are_read_by_all_and_changed_by_the_administrator(world, client_for):
    theme = Requirement.objects.get(activity_type__name="主题党日")
    page = client_for(world.city_user).get(reverse("indicators:requirements"))
    assert page.status_code == 200 and "主题党日" in page.content.decode() and "name=\"min_full_members\"" not in page.content.decode()
    post = {"requirement": theme.pk, "cadence": "quarter", "min_full_members": "0", "is_active": "on"}
    assert client_for(world.city_user).post(reverse("indicators:requirements"), post).status_code == 403
    store.rebuild_facts()
    span = (D(2021, 1, 1), D(2021, 6, 30))
    Activity.objects.create(code="Q-1", type=theme.activity_type, org=world.branch_b, date=D(2021, 2, 3), topic="学习")
    store.rebuild_facts()
    key = ["orglife.theme_day_compliance"]
    assert engine.compute(world.community, *span, key) == {key[0]: 8.3}  # 1 of 2 branches × 6 months
    admin = client_for(world.admin)
    bad = admin.post(reverse("indicators:requirements"), {**post, "min_full_members": "-1"})
    assert bad.status_code == 400 and Requirement.objects.get(pk=theme.pk).cadence == "month"
    done = admin.post(reverse("indicators:requirements"), post)
    assert done.status_code == 302 and Requirement.objects.get(pk=theme.pk).cadence == "quarter"
    # Quarterly now: 2 branches × 2 quarters, one met; the facts follow at once.
    assert engine.compute(world.community, *span, key) == engine.compute_direct(world.community, *span, key) == {
        key[0]: 25.0}


@pytest.mark.django_db
def test_meeting_warnings_read_from_facts_match_the_records(world):
    from qingfeng.indicators.warnings import warnings_for

    t = ActivityType.objects.get(name="主题党日")
    Activity.objects.create(code="W-1", type=t, org=world.branch_a, date=D(2021, 2, 3), topic="学习")
    on = D(2021, 3, 25)

    def meetings():
        return sorted((w.org.code, w.message, w.severity, w.due) for w in warnings_for(world.city, on, kinds=["meetings"]))

    from_records = meetings()
    store.rebuild_facts()
    assert meetings() == from_records
    assert ("14010500101A", "主题党日：2021-03-01 至 2021-03-31 应开未开", "red", D(2021, 3, 31)) not in from_records
    assert any(code == "14010500101A" and sev == "yellow" and due == D(2021, 3, 31) for code, _m, sev, due in from_records)
    assert not any(code == "14010500101A" and due == D(2021, 2, 28) and "主题党日" in m for code, m, _s, due in from_records)


@pytest.mark.django_db
def test_drill_pages_through_every_record_and_links_each(world, client_for):
    t = ActivityType.objects.get(name="主题党日")
    Activity.objects.bulk_create([Activity(code=f"HD-{n:03d}", type=t, org=world.branch_a, date=D(2021, 1, 1) + dt.timedelta(days=n),
                                           topic=f"第{n}次") for n in range(230)])
    client = client_for(world.district_user)
    args = {"key": "activities.count[type=主题党日]", "org": "140105", "start": "2021-01-01", "end": "2021-12-31"}
    first = client.get(reverse("indicators:drill"), args).content.decode()
    assert "第 1–200 条，共 230 条" in first and "HD-199" in first and "HD-200" not in first
    assert f'<a href="{reverse("activities:detail", args=["HD-000"])}">HD-000</a>' in first
    assert f'<a href="{reverse("orgs:detail", args=[world.branch_a.code])}">{world.branch_a.code}</a>' in first
    second_link = re.search(r'href="([^"]*records_page=2)"', first).group(1).replace("&amp;", "&")
    second = client.get(reverse("indicators:drill") + second_link).content.decode()
    assert "第 201–230 条，共 230 条" in second and "HD-229" in second and "HD-199" not in second
    # the picker names indicators by section; the filtered key is an option named in words
    assert '<optgroup label="组织生活">' in first
    assert '<option value="activities.count[type=主题党日]" selected>活动次数（主题党日）</option>' in first
    assert "type=主题党日</code>" not in first
