"""Property: whatever sequence of imports, page writes, transfers and tree moves runs on built facts, each
refreshing only what it changed (issue 15), the facts then equal a full rebuild — every own row, every rolled-up
row, every ancestor pair — and an indicator read from them equals the direct computation."""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from qingfeng.activities.actions import record_activity, update_activity
from qingfeng.activities.models import Activity, ActivityType
from qingfeng.core.distinct import period_end, period_start, rolling_start
from qingfeng.imports.actions import run_import
from qingfeng.indicators import engine, store
from qingfeng.indicators.models import Fact, OrgAncestor, OwnFact
from qingfeng.orgs.actions import save_organization
from qingfeng.orgs.models import Organization
from qingfeng.people.actions import transfer_member
from qingfeng.people.models import Person
from tests.clock import TODAY
from tests.imports.helpers import new_id, workbook

days = st.dates(min_value=dt.date(2023, 1, 1), max_value=TODAY)
_codes = itertools.count(1)
KEYS = ["members.total", "orglife.compliance", "activities.count", "members.lapsed", "rectify.overdue",
        "members.transferred_in", "study.reading_class_trainees", "training.rotation_trainees",
        "training.rotation_coverage[cadre_level=县管]"]


class Rollback(Exception):
    pass


def snapshot() -> tuple:
    own = sorted(OwnFact.objects.exclude(n=0, total=0).values_list("org_id", "day", "metric", "d1", "d2", "d3", "n", "total"))
    fact = sorted(Fact.objects.exclude(n=0, total=0).values_list(
        "org_id", "grain", "day", "metric", "d1", "d2", "d3", "n", "total"))
    anc = sorted(OrgAncestor.objects.values_list("ancestor_id", "descendant_id", "ancestor_is_branch"))
    return own, fact, anc


def branches():
    return list(Organization.objects.filter(kind__in=["党支部", "联合党支部"]).order_by("code"))


def page_write(draw, world):
    org = draw(st.sampled_from(branches()))
    members = list(Person.objects.filter(org=org, admitted_on__isnull=False).order_by("pk")[:6])
    chosen = draw(st.lists(st.sampled_from(members), max_size=3, unique=True)) if members else []
    # 读书班 and 专题轮训: their trainees are distinct counts, whose rows at one organization depend on the trainees'
    # other trainings
    kind = ActivityType.objects.get(name=draw(st.sampled_from(["支部党员大会", "支部委员会", "党课", "主题党日", "读书班",
                                                               "专题轮训"])))
    record_activity(user=world.admin, org=org, type=kind, date=draw(days), topic="页面记录",
                    presence={p.pk: draw(st.sampled_from(["出席", "缺席"])) for p in chosen})


def attendance_change(draw, world):
    """A trainee's attendance changed on an earlier training (or its date or type), through the page's action."""
    trainings = list(Activity.objects.filter(type__name__in=["读书班", "专题轮训"]).order_by("pk"))
    if not trainings:
        return
    activity = draw(st.sampled_from(trainings))
    presence = {a.person_id: draw(st.sampled_from(["出席", "缺席"])) for a in activity.attendance.all()}
    kind = ActivityType.objects.get(name=draw(st.sampled_from(["读书班", "专题轮训", "党课"])))
    update_activity(activity, user=world.admin, date=draw(st.sampled_from([activity.date, draw(days)])),
                    topic=activity.topic, channel=activity.channel, audience=None, first_topic=False, lecture_team=None,
                    minutes="", presence=presence, type=kind)


def transfer(draw, world):
    person = draw(st.sampled_from(list(Person.objects.filter(org__isnull=False).order_by("pk"))))
    to_org = draw(st.sampled_from(branches()))
    try:
        transfer_member(person, to_org, draw(days))
    except ValidationError:
        pass  # same organization, or a day before the current relation: refused, nothing written


def move(draw, world):
    """A branch, or the community with its branches, under another parent (never under itself)."""
    org = Organization.objects.get(pk=draw(st.sampled_from([world.branch_b.pk, world.community.pk, world.school.pk])))
    parents = [o for o in Organization.objects.exclude(kind__in=["党支部", "联合党支部"]).order_by("code")
               if not o.path.startswith(org.path)]
    org.parent = draw(st.sampled_from(parents))
    save_organization(org)


def kind_change(draw, world):
    """A branch (三会一课 windows of its own) becomes a 党总支 (whose windows are its branches'), or back."""
    org = Organization.objects.get(pk=world.branch_o.pk)
    org.kind = "党总支" if org.kind == "党支部" else "党支部"
    save_organization(org)


def import_file(draw, world, folder: Path):
    """A small ledger: activities with attendance, a new member, a finding, maybe a new branch or a moved one."""
    org = draw(st.sampled_from(branches()))
    known = list(Person.objects.filter(org__isnull=False).order_by("pk")[:10])
    n = next(_codes)
    sheets: dict[str, list[dict]] = {}
    if draw(st.booleans()):
        parent = draw(st.sampled_from([world.community, world.street, world.other_street]))
        sheets["党组织"] = [{"组织编码": f"{parent.code}N{n}", "组织名称": f"新建支部{n}", "上级组织编码": parent.code,
                          "组织类别": "党支部", "单位类型": "社区", "层级": "", "行政区划代码": "", "成立日期": dt.date(2020, 1, 1),
                          "撤销日期": None}]
        org_code = sheets["党组织"][0]["组织编码"]
    else:
        org_code = org.code
    if draw(st.booleans()):
        admitted = draw(st.dates(min_value=dt.date(2023, 1, 1), max_value=TODAY - dt.timedelta(days=400)))
        sheets["党员"] = [{"姓名": f"导入{n}", "公民身份号码": new_id(dt.date(1990, 1, 1)), "性别": "男", "出生日期": "1990-01-01",
                         "民族": "汉族", "学历": "大学本科", "党员类别": "正式党员", "入党日期": admitted,
                         "转正日期": admitted + dt.timedelta(days=366), "所在党组织编码": org_code, "干部管理层级": "", "职务": "", "手机号码": ""}]
    activities = []
    for k in range(draw(st.integers(1, 3))):
        activities.append({"活动编号": f"IMP-{n}-{k}", "活动类型": draw(st.sampled_from(["支部党员大会", "党课", "主题党日", "读书班"])),
                           "组织编码": org_code, "日期": draw(days), "主题": "导入", "形式": "线下", "受众人数": None,
                           "第一议题": "", "宣讲小分队编码": ""})
    sheets["活动"] = activities
    attendance = [{"活动编号": a["活动编号"], "公民身份号码": p.id_number, "出席情况": "出席"}
                  for a in activities for p in draw(st.lists(st.sampled_from(known), max_size=3, unique=True))]
    if attendance:
        sheets["参加人员"] = attendance
    if draw(st.booleans()):
        found = draw(days)
        sheets["问题整改"] = [{"问题编号": f"WT-I{n}", "来源": "巡察", "发现日期": found, "责任组织编码": org_code,
                             "问题描述": "导入", "整改期限": found + dt.timedelta(days=30), "销号日期": None}]
    result = run_import(workbook(folder / f"ledger{n}.xlsx", sheets), world.admin)
    assert result.ok, result.problems


OPS = {"page": page_write, "attendance": attendance_change, "transfer": transfer, "move": move, "kind": kind_change, "import": import_file}


@pytest.mark.django_db(transaction=False)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # shrinking a sequence of imports takes minutes
@given(data=st.data())
def test_incremental_refreshes_equal_a_full_rebuild(world, data):
    draw = data.draw
    try:
        with transaction.atomic(), tempfile.TemporaryDirectory() as tmp:
            # Meetings at both ends of the drawn days: the compliance windows the facts hold (from the year before
            # the first meeting to the end of the last one's year, fixed when they are built) cover every write.
            meeting = ActivityType.objects.get(name="支部党员大会")
            for day in (dt.date(2023, 1, 1), TODAY):
                record_activity(user=world.admin, org=world.branch_a, type=meeting, date=day, topic="界")
            store.rebuild_facts()
            for op in draw(st.lists(st.sampled_from(sorted(OPS)), min_size=2, max_size=6)):
                if op == "import":
                    import_file(draw, world, Path(tmp))
                else:
                    OPS[op](draw, world)
            incremental = snapshot()
            # any period, the twelve months to the day and the quarter (distinct counts kept by the facts)
            for start, end in ((dt.date(2023, 1, 1), TODAY), (rolling_start(TODAY), TODAY),
                               (period_start(TODAY, "q"), period_end(period_start(TODAY, "q"), "q"))):
                values = engine.compute(world.city, start, end, KEYS)
                assert values == engine.compute_direct(world.city, start, end, KEYS), (start, end)
            store.rebuild_facts()
            rebuilt = snapshot()
            assert incremental[2] == rebuilt[2], "ancestor pairs"
            assert incremental[0] == rebuilt[0], "own rows"
            assert incremental[1] == rebuilt[1], "rolled-up rows"
            raise Rollback
    except Rollback:
        pass
