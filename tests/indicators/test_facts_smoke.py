import datetime as dt

import pytest

from qingfeng.activities.models import Activity, ActivityType
from qingfeng.indicators import engine, facts


@pytest.mark.django_db
def test_facts_equal_direct_on_world(world):
    t = ActivityType.objects.get(name="主题党日")
    Activity.objects.create(code="A1", type=t, org=world.branch_a, date=dt.date(2021, 3, 5), topic="x")
    facts.rebuild_facts()
    for org in (world.city, world.xiaodian, world.branch_a):
        for start, end in ((dt.date(2021, 1, 1), dt.date(2021, 12, 31)), (dt.date(2021, 3, 5), dt.date(2021, 5, 11))):
            assert engine.compute(org, start, end) == engine.compute_direct(org, start, end)
