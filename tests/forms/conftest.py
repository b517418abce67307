import datetime as dt

import pytest

from qingfeng.activities.models import Activity, ActivityType
from qingfeng.service.models import ServiceItem
from tests.api.conftest import api  # noqa: F401 — the API tests' token client
from tests.forms.helpers import rebuild_facts
from tests.world import member

D = dt.date


def activity(code: str, type_name: str, at, day: dt.date) -> Activity:
    return Activity.objects.create(code=code, type=ActivityType.objects.get(name=type_name), org=at, date=day,
                                   topic="学习")


@pytest.fixture
def scene(world):
    """The test city with a year and a half of organizational life, one member admitted this spring, 办实事
    items, and activities around 29 February 2024 — then the facts built, as on a running platform."""
    n = 0
    for month in range(1, 13):  # branch A: 主题党日 every month of 2025, and of 2026 until May
        n += 1
        activity(f"T{n}", "主题党日", world.branch_a, D(2025, month, 8))
        if month <= 5:
            n += 1
            activity(f"T{n}", "主题党日", world.branch_a, D(2026, month, 8))
    for month in (1, 3):  # branch B: twice in 2026
        n += 1
        activity(f"T{n}", "主题党日", world.branch_b, D(2026, month, 12))
    activity("L1", "支部党员大会", world.branch_a, D(2023, 2, 28))
    activity("L2", "支部党员大会", world.branch_a, D(2024, 2, 29))
    activity("L3", "支部党员大会", world.branch_a, D(2025, 2, 28))
    member("新党员", world.branch_b, admitted=D(2026, 3, 1), category="预备党员")
    for i, (org, done) in enumerate([(world.branch_a, D(2026, 2, 1)), (world.branch_a, None), (world.branch_b, None)]):
        ServiceItem.objects.create(code=f"SV{i}", org=org, name="加装电梯", committed_on=D(2026, 1, 10),
                                   planned_on=D(2026, 3, 31), completed_on=done, beneficiaries=30 if done else None)
    rebuild_facts()
    return world
