"""专题 (campaign) counts: activities.campaign_count and activities.count[campaign=…], a free-text filter answered
from the records whether or not the facts are built, and the review's 专题活动 section."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qingfeng.activities.models import Activity, ActivityType
from qingfeng.indicators.store import rebuild_facts

D = dt.date
YEAR = ("--from", "2021-01-01", "--to", "2021-12-31")


def run(*args) -> dict:
    out = StringIO()
    call_command("indicators", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def campaign_records(world):
    theme, lecture = ActivityType.objects.get(name="主题党日"), ActivityType.objects.get(name="宣讲")
    for n, (org, type_, day, campaign) in enumerate([
        (world.branch_a, theme, D(2021, 3, 5), "党史学习教育"), (world.branch_a, lecture, D(2021, 4, 5), "党史学习教育"),
        (world.branch_b, theme, D(2021, 4, 6), "党史学习教育"), (world.branch_o, theme, D(2021, 4, 7), "党史学习教育"),
        (world.branch_a, theme, D(2020, 12, 1), "党史学习教育"),  # before the period
        (world.branch_a, theme, D(2021, 5, 1), "乡村振兴"), (world.branch_a, theme, D(2021, 5, 2), ""),
    ]):
        Activity.objects.create(code=f"C{n}", type=type_, org=org, date=day, topic="学习", campaign=campaign)


@pytest.mark.django_db
@pytest.mark.parametrize("facts", [False, True])
def test_a_campaign_counted_by_organization_and_type_with_or_without_facts(world, facts):
    campaign_records(world)
    if facts:
        rebuild_facts()
    keys = ",".join(["activities.campaign_count[campaign=党史学习教育]",
                     "activities.campaign_count[campaign=党史学习教育,type=主题党日]",
                     "activities.count[campaign=党史学习教育|乡村振兴]", "activities.count",
                     "activities.campaign_count[campaign=无此专题]"])
    assert run("--org", "140105", *YEAR, "--only", keys) == {
        "activities.campaign_count[campaign=党史学习教育]": 3,  # A's two and B's one; 140106's is outside
        "activities.campaign_count[campaign=党史学习教育,type=主题党日]": 2,
        "activities.count[campaign=党史学习教育|乡村振兴]": 4,
        "activities.count": 5,
        "activities.campaign_count[campaign=无此专题]": 0,  # any words are a campaign; one nobody used counts 0
    }
    assert run("--org", "140100", *YEAR, "--only", "activities.campaign_count[campaign=党史学习教育]") == {
        "activities.campaign_count[campaign=党史学习教育]": 4}


@pytest.mark.django_db
@pytest.mark.parametrize("only, reason", [
    ("activities.campaign_count", "campaign"),
    ("activities.campaign_count[type=主题党日]", "campaign"),
    ("activities.campaign_count[campaign=]", "1 至 50"),
    (f"activities.count[campaign={'长' * 51}]", "1 至 50"),
])
def test_a_campaign_count_needs_its_campaign_in_bounded_words(world, only, reason):
    with pytest.raises(CommandError) as info:
        run("--org", "140100", *YEAR, "--only", only)
    assert info.value.returncode == 2 and reason in str(info.value)


@pytest.mark.django_db
def test_every_indicator_leaves_out_those_that_need_a_filter(world):
    data = run("--org", "140100", *YEAR)
    assert "activities.count" in data and "activities.campaign_count" not in data


@pytest.mark.django_db
def test_the_review_counts_each_campaign_by_type_linked_to_its_records(world):
    from qingfeng.orgs.models import Organization
    from qingfeng.reports.review import build_review

    campaign_records(world)
    review = build_review(Organization.objects.get(code="140105"), D(2021, 1, 1), D(2021, 12, 31), world.district_user)
    section = next(s for s in review.sections if s.id == "campaigns")
    text = section.plain_sentences()
    assert text[0] == "专题“党史学习教育”开展活动3次，其中主题党日2次、宣讲1次。"
    assert text[1] == "专题“乡村振兴”开展活动1次，其中主题党日1次。"
    figure = section.figures[0]
    assert figure.key == "activities.campaign_count[campaign=党史学习教育]" and figure.url and "/indicators/drill/" in figure.url
