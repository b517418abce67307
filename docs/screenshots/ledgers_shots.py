"""Screenshots of the ledger pages, desktop and phone, for the README tour.

Run once, by hand (not part of the suite):
    .venv/bin/pytest -q -p no:randomly docs/screenshots/ledgers_shots.py
Each PNG is reduced to a 96-colour palette to stay small."""

import datetime as dt
import io
from pathlib import Path

from django.urls import reverse
from django.utils import timezone

from tests.browser.conftest import browser, login, new_page  # noqa: F401 — fixtures
from tests.conftest import _fast_hashing, client_for, world  # noqa: F401 — fixtures
from tests.ledgers.records import ledger_records

HERE = Path(__file__).parent
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


def save(page, name):
    from PIL import Image

    image = Image.open(io.BytesIO(page.screenshot()))
    image.convert("RGB").quantize(colors=96).save(HERE / f"{name}.png", optimize=True)


def populate(city):
    from qingfeng.activities.actions import record_activity
    from qingfeng.activities.models import ActivityType
    from qingfeng.supervision import actions as supervision

    records = ledger_records(city)
    today = timezone.localdate()
    types = {t.name: t for t in ActivityType.objects.all()}
    for months_ago, name in [(2, "支部委员会"), (3, "支部委员会"), (1, "主题党日"), (2, "主题党日"), (4, "党课")]:
        day = (today.replace(day=1) - dt.timedelta(days=30 * months_ago - 15))
        if day.year == today.year:
            record_activity(user=city.clerk, org=city.branch_a, type=types[name], date=day,
                            topic=f"{name}：学习贯彻会议精神", presence={p.pk: "出席" for p in city.members_a})
    late = supervision.record_finding(user=city.district_user, org=city.branch_a, source="督导检查",
                                      found_on=today - dt.timedelta(days=60), description="发展党员程序材料不完整",
                                      deadline=today - dt.timedelta(days=5))
    supervision.submit_finding(late, user=city.clerk, note="已补齐材料，附会议记录")
    supervision.return_finding(late, user=city.district_user, reason="缺少支部委员会会议记录照片")
    return records


def test_screenshots(world, new_page, login, live_server):  # noqa: F811 — the imported fixtures
    records = populate(world)
    own = records["own"]
    pages = [
        ("activities-list", "clerk", reverse("activities:list")),
        ("activity-record", "clerk", reverse("activities:create")),
        ("calendar", "clerk", reverse("activities:calendar", args=[world.branch_a.code])),
        ("activity-detail", "clerk", reverse("activities:detail", args=[own["activity"].code])),
        ("findings-list", "district", reverse("supervision:list")),
        ("finding-detail", "district", reverse("supervision:detail", args=[own["submitted"].code])),
        ("service-list", "district", reverse("service:list")),
        ("assignments", "district", reverse("grassroots:assignments")),
        ("elections", "district", reverse("grassroots:elections")),
        ("entities", "district", reverse("entities:list")),
    ]
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        sessions = {}
        for name, persona, url in pages:
            if persona not in sessions:
                sessions[persona] = login(new_page(viewport=viewport), persona)
            page = sessions[persona]
            page.goto(f"{live_server.url}{url}")
            save(page, f"ledgers-{name}-{size}")
    assert len(list(HERE.glob("ledgers-*.png"))) == 2 * len(pages)
