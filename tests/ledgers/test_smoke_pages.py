"""Every ledger page renders for a writer and a reader (a cheap net under the detailed tests)."""

import pytest
from django.urls import reverse

LIST_PAGES = ["activities:list", "activities:create", "activities:teams", "activities:team_create",
              "supervision:list", "supervision:create", "service:list", "service:create",
              "grassroots:assignments", "grassroots:assignment_create", "grassroots:weak_cases",
              "grassroots:weak_case_create", "grassroots:elections", "grassroots:election_create",
              "entities:list", "entities:create", "burden:list", "burden:create"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_pages_render_for_the_clerk(world, client_for, name):
    response = client_for(world.clerk).get(reverse(name))
    assert response.status_code == 200, response.content.decode()[:2000]
