"""The assessment hides discipline data from roles that may not see it (issue 16, finding 8): as `city`, the
assessment of 140105 for single days showed the 纪律建设 points jump on the day a 纪检监察建议书 was issued.
Those roles are now scored without the discipline indicators, so no total, rank or change moves with them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from qingfeng.discipline.models import Recommendation
from tests.cockpit import scene

ISSUED = "2021-05-01"  # scene.build: recommendation R1 of 140105


@pytest.fixture
def city(world):
    scene.build(world)
    return world


def _day(client, code, day):
    page = client.get(reverse("cockpit:assessment_org", args=[code]), {"from": day, "to": day}).content.decode()
    return re.search(r"data-total-score>([^<]+)<", page).group(1).strip(), page


def test_one_day_scores_do_not_reveal_a_recommendation_to_the_organization_department(city, client):
    assert Recommendation.objects.filter(org=city.xiaodian, issued_on=ISSUED).exists()
    client.force_login(city.discipline_user)
    before, _page = _day(client, "140105", "2021-04-30")
    on, _page = _day(client, "140105", ISSUED)
    assert before != on  # the attack of the review works for the role that may see the recommendation …
    for viewer in (city.city_user, city.leader, city.district_user):
        client.force_login(viewer)
        before, page_before = _day(client, "140105", "2021-04-30")
        on, page_on = _day(client, "140105", ISSUED)
        assert before == on, viewer.username  # … and shows nothing to those who may not
        for page in (page_before, page_on):
            assert "纪律建设" not in page.split("data-explanation", 1)[1] and "data-hidden-indicators" not in page


def test_the_cockpit_ranking_of_those_roles_leaves_discipline_out(city, client):
    client.force_login(city.leader)
    page = client.get(reverse("cockpit:cockpit"), {"org": "140100", "from": ISSUED, "to": ISSUED}).content.decode()
    from qingfeng.cockpit import assessment

    without = assessment.for_viewer(assessment.current_definition(), sees_discipline=False)
    expected = assessment.assess([city.xiaodian, city.yingze], scene.START, scene.END, without)
    assert "discipline" not in assessment.definition_keys(without)
    table = page.split("data-ranking", 1)[1].split("</table>", 1)[0]
    assert "纪律建设" not in table
    assert expected  # scored without discipline indicators for the leader, as assess(sees_discipline=False) does
