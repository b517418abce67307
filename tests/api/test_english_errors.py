"""An action's refusal reads in English in `message_en` — its values too: a type or choice label the catalogue knows
is translated, never left Chinese inside an English sentence — while `message_zh` stays the action's own Chinese,
whatever language the client asks in."""

import datetime as dt
import re

import pytest

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityType
from qingfeng.orgs.actions import create_party_group
from tests.clock import TODAY

DAY = TODAY - dt.timedelta(days=3)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(params=["en", "zh-hans"])
def caller(request, api):
    """api(user) asking in English (Accept-Language: en), or in Chinese: message_en is English either way."""
    def make(user):
        c = api(user)
        c.headers["Accept-Language"] = request.param
        return c

    return make


def refusal(response) -> tuple[str, str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert not CJK.search(body["message_en"]), body["message_en"]
    assert CJK.search(body["message_zh"]), body["message_zh"]
    return body["message_zh"], body["message_en"]


def meeting(world, **extra):
    return {"org": world.branch_a.code, "type": "主题党日", "date": DAY.isoformat(), "topic": "学习", **extra}


def test_a_count_in_a_meetings_refusal(world, caller):
    zh, en = refusal(caller(world.clerk).post("activities", meeting(world, attendance=[{"person": world.members_o[0].pk}])))
    assert zh == "参加人员中有 1 人不是该组织的党员。"
    assert en == "1 of the participants are not members of this organization."


def test_the_party_group_of_a_meeting(world, caller):
    ours = create_party_group(world.branch_a, "G1", established_on=dt.date(2025, 1, 1))
    theirs = create_party_group(world.branch_b, "G2", established_on=dt.date(2025, 1, 1))
    clerk = caller(world.clerk)
    zh, en = refusal(clerk.post("activities", meeting(world, type="党小组会", party_group=theirs.pk)))
    assert zh == f"党小组 {theirs.pk} 不是“第一党支部”的党小组。"
    assert en == f"Party group {theirs.pk} is not a party group of organization {world.branch_a.code}."
    zh, en = refusal(clerk.post("activities", meeting(world, type="党小组会", party_group=ours.pk, date="2024-12-01")))
    assert zh == "G1 成立于 2025-01-01，晚于活动日期。"
    assert en == "G1 was set up on 2025-01-01, after the activity's date."


def test_a_supervision_rounds_type_is_named_in_english(world, caller):
    round_ = record_activity(user=world.district_user, org=world.branch_a, type=ActivityType.objects.get(name="督导检查"),
                             date=DAY - dt.timedelta(days=5), topic="督导")
    zh, en = refusal(caller(world.district_user).post("findings", {
        "org": world.branch_a.code, "source": "巡察", "found_on": DAY.isoformat(), "description": "记录不全",
        "deadline": (DAY + dt.timedelta(days=30)).isoformat(), "round": round_.code}))
    assert zh == "问题来源应与督导轮次的类型“督导检查”一致。"
    assert en == "The source must match the supervision round's type \"Supervision inspection\"."


def test_a_date_in_a_service_items_refusal(world, caller):
    district = caller(world.district_user)
    created = district.post("service-items", {"org": world.branch_a.code, "name": "修路", "committed_on": DAY.isoformat(),
                                              "planned_on": TODAY.isoformat()})
    assert created.status_code == 201, created.content
    code = created.json()["code"]
    assert district.post(f"service-items/{code}/complete", {"on": DAY.isoformat(), "beneficiaries": 10}).status_code == 200
    zh, en = refusal(district.post(f"service-items/{code}/complete", {"on": DAY.isoformat(), "beneficiaries": 10}))
    assert zh == f"该事项已于 {DAY.isoformat()} 办结。"
    assert en == f"This item was completed on {DAY.isoformat()}."


def test_a_value_someone_typed_cannot_make_the_lookup_try_every_split():
    """A reason's values are matched one way only: a value stops at the character its sentence goes on with (a title
    full of “、” or “”与“” would otherwise let a pattern of several values try every split of the message)."""
    from django.utils import translation

    from qingfeng.api import errors

    with translation.override("en"):
        sentences = errors._sentences("en")
    assert len(sentences) > 100
    for pattern, msgid, _names in sentences:
        # only a value that ends the sentence may be open-ended
        assert ".+?)" not in pattern.pattern.removesuffix(".+?)"), msgid
