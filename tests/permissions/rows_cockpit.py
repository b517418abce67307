"""Rows for the cockpit (驾驶舱) and the political-ecology assessment pages."""

import json

from django.urls import reverse

from tests.permissions import ADMIN, READ, Row

PERIOD = "from=2021-01-01&to=2021-06-30"


def _cockpit(code):
    return lambda w: f"{reverse('cockpit:cockpit')}?org={code}&{PERIOD}"


def _assessment(code):
    return lambda w: f"{reverse('cockpit:assessment_org', args=[code])}?{PERIOD}"


def _new_definition(world, target):
    from qingfeng.cockpit.assessment import default_definition

    return {"definition": json.dumps(default_definition(), ensure_ascii=False), "note": "权限矩阵"}


ROWS = [
    # Without ?org the cockpit shows the user's own scope; with it, an organization outside the scope is 404.
    Row("cockpit:cockpit", READ, page=lambda w: f"{reverse('cockpit:cockpit')}?{PERIOD}",
        own=_cockpit("14010500101A"), sibling=_cockpit("140106001O")),
    Row("cockpit:warnings", READ, page=lambda w: f"{reverse('cockpit:warnings')}?{PERIOD}",
        own=lambda w: f"{reverse('cockpit:warnings')}?org=14010500101A&{PERIOD}",
        sibling=lambda w: f"{reverse('cockpit:warnings')}?org=140106001O&{PERIOD}"),
    Row("cockpit:assessment_org", READ, own=_assessment("14010500101A"), sibling=_assessment("140106001O")),
    Row("cockpit:definition", READ, page=lambda w: reverse("cockpit:definition")),
    Row("cockpit:edit_definition", ADMIN, page=lambda w: reverse("cockpit:edit_definition")),
    Row("cockpit:edit_definition", ADMIN, method="POST", page=lambda w: reverse("cockpit:edit_definition"),
        data=_new_definition),
]
