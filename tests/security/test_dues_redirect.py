"""POST /membership/dues/pay/<pk>/ with a hostile `org` (issue 16, finding 9): `org=a/b` answered 500; now the
member's own dues page, as for a code outside the user's subtree."""

from __future__ import annotations

import pytest
from django.urls import reverse


@pytest.mark.parametrize("org", ["a/b", "../../admin", "140106001O", "", "%00"])
def test_a_hostile_org_field_lands_on_the_members_own_dues_page(world, client_for, org):
    member = world.members_a[0]
    client = client_for(world.clerk)
    for name, body in (("membership:dues_pay", {"paid_on": "2024-03-05", "month": "2024-03", "org": org}),
                       ("membership:dues_declare", {"since": "2024-03", "kind": "工资", "income": "5000",
                                                    "month": "2024-03", "org": org})):
        response = client.post(reverse(name, args=[member.pk]), body)
        assert response.status_code == 302, name
        assert response["Location"] == f"{reverse('membership:dues', args=[member.org.code])}?month=2024-03"


def test_a_code_in_scope_is_kept(world, client_for):
    member = world.members_a[0]
    response = client_for(world.district_user).post(reverse("membership:dues_pay", args=[member.pk]),
                                                    {"paid_on": "2024-03-05", "month": "2024-03",
                                                     "org": world.community.code})
    assert response["Location"] == f"{reverse('membership:dues', args=[world.community.code])}?month=2024-03"
