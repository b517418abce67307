"""A city publishing its tree and facts upward (issue 22, step 1): `qingfeng federation publish`, the published
rows kept in the writing transaction, nothing personal in them."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityRole, ActivityType
from qingfeng.federation import publish
from qingfeng.federation.models import ActivityKind, City, Fact, Item, Node
from qingfeng.indicators.models import Fact as StoreFact
from qingfeng.indicators.store import rebuild_facts
from qingfeng.people.models import Person

KEY = "province-and-cities-share-this"
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="publishing needs PostgreSQL")


def run(*args) -> str:
    out = StringIO()
    call_command("federation", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def key(monkeypatch):
    monkeypatch.setenv("QINGFENG_FEDERATION_KEY", KEY)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the refusal a SQLite database gives")
def test_sqlite_refuses_in_chinese_and_writes_nothing(world, key):
    rebuild_facts()
    with pytest.raises(CommandError, match="PostgreSQL 的逻辑复制") as e:
        run("publish")
    assert e.value.returncode == 2
    assert not City.objects.exists() and not Fact.objects.exists()


@postgres_only
@pytest.mark.django_db
def test_refusals_say_why_and_write_nothing(world, monkeypatch):
    with pytest.raises(CommandError, match="rebuild-facts"):
        run("publish")
    rebuild_facts()
    monkeypatch.delenv("QINGFENG_FEDERATION_KEY", raising=False)
    with pytest.raises(CommandError, match="QINGFENG_FEDERATION_KEY"):
        run("publish")
    monkeypatch.setenv("QINGFENG_FEDERATION_KEY", KEY)
    with pytest.raises(CommandError, match="上报层级"):
        run("publish", "--depth", "-1")
    with pytest.raises(CommandError, match="不是本库的根党组织"):
        run("publish", "--root", "140105")
    assert not City.objects.exists() and not Fact.objects.exists() and not Node.objects.exists()


def published_from_store(city_code: str) -> set[tuple]:
    """What the published facts must be, from the store's own rows: the published organizations' rolled-up rows
    with activity types by name and transfers summed over the sending organization."""
    names = {str(pk): name for pk, name in ActivityType.objects.values_list("pk", "name")}
    codes = dict(Node.objects.filter(city=city_code).values_list("code", "code"))
    sums: dict[tuple, list[int]] = {}
    for code, metric, grain, day, d1, d2, d3, n, total in StoreFact.objects.filter(org__code__in=codes).values_list(
            "org__code", "metric", "grain", "day", "d1", "d2", "d3", "n", "total"):
        d1 = names.get(d1, d1) if metric in ("act", "win") else "" if metric == "xfer" else d1
        cell = sums.setdefault((code, metric, grain, day, d1, d2, d3), [0, 0])
        cell[0] += n
        cell[1] += total
    return {(*k, n, t) for k, (n, t) in sums.items() if n or t}


def published() -> set[tuple]:
    return set(Fact.objects.values_list("code", "metric", "grain", "day", "d1", "d2", "d3", "n", "total"))


@postgres_only
@pytest.mark.django_db
def test_publish_creates_the_publication_and_the_rows_of_the_published_organizations(world, key):
    rebuild_facts()
    out = run("publish", "--url", "https://taiyuan.example.cn")
    assert "qingfeng_federation" in out
    assert publish.publication_tables() == sorted(m._meta.db_table for m in publish.PUBLISHED)
    city = City.objects.get()
    assert (city.code, city.url, city.depth) == ("140100", "https://taiyuan.example.cn", 1)
    # county level by default: the city and its two districts, nothing below
    assert set(Node.objects.values_list("code", "depth", "parent_code")) == {
        ("140100", 0, ""), ("140105", 1, "140100"), ("140106", 1, "140100")}
    assert ActivityKind.objects.filter(city="140100").count() == ActivityType.objects.count()
    assert published() == published_from_store("140100") and published()
    # activity types travel by name, never by this database's ids
    assert Fact.objects.filter(metric="act").exclude(d1__in=ActivityType.objects.values("name")).count() == 0
    # publishing again changes nothing; a deeper tree publishes more organizations
    assert publish.sync_facts(publish.Published(city)) == 0
    run("publish", "--depth", "2")
    assert Node.objects.filter(code="140105001").exists()
    assert published() == published_from_store("140100")


@postgres_only
@pytest.mark.django_db
def test_a_write_updates_the_published_rows_in_its_own_transaction(world, key):
    rebuild_facts()
    run("publish")
    reading = ActivityType.objects.get(role=ActivityRole.READING_CLASS)
    members = list(world.branch_a.relations.values_list("person_id", flat=True)[:2])
    record_activity(user=world.personas["clerk"], org=world.branch_a, type=reading, date=dt.date(2021, 3, 3),
                    topic="读书班", presence={p: "出席" for p in members})
    assert published() == published_from_store("140100")
    act = Fact.objects.get(code="140105", metric="act", grain="d", day=dt.date(2021, 3, 3), d1=reading.name)
    assert act.n == 1
    trainees = Item.objects.filter(indicator="study.reading_class_trainees", day=dt.date(2021, 3, 3))
    assert trainees.count() == 2 and set(trainees.values_list("code", flat=True)) == {"140105"}
    # the items equal a full recomputation; nothing more to write
    city = City.objects.get()
    assert publish.sync_items(publish.Published(city)) == 0


@postgres_only
@pytest.mark.django_db
def test_nothing_personal_is_published(world, key):
    rebuild_facts()
    run("publish")
    columns = {f.column for m in publish.PUBLISHED for f in m._meta.concrete_fields}
    assert not columns & {"id_number", "phone", "birth_date", "gender", "person_id", "address"}
    numbers = set(Person.objects.values_list("id_number", flat=True))
    names = set(Person.objects.values_list("name", flat=True))
    personal = numbers | names
    for m in publish.PUBLISHED:
        for row in m.objects.values_list(*[f.column for f in m._meta.concrete_fields if f.column != "pk"]):
            assert not {str(v) for v in row} & personal
    # persons travel only as 32-hex-digit keyed hashes
    keys = set(Item.objects.filter(indicator="cadre").values_list("key", flat=True)) | set(
        Item.objects.filter(indicator="level").values_list("key", flat=True))
    assert all(len(k) == 32 and int(k, 16) >= 0 for k in keys)


@postgres_only
@pytest.mark.django_db
def test_a_new_district_is_published_with_its_facts(world, key):
    from tests.world import org

    rebuild_facts()
    run("publish")
    org("140107", "中共杏花岭区委", world.city, level="县(市、区)")
    assert Node.objects.filter(city="140100", code="140107", parent_code="140100", depth=1).exists()
    assert published() == published_from_store("140100")
    assert Fact.objects.filter(code="140107", metric="org").exists()


@postgres_only
@pytest.mark.django_db
def test_warning_counts_are_published_per_organization_for_the_day(world, key):
    from qingfeng.federation import alerts
    from qingfeng.federation.models import WarningCount
    from qingfeng.indicators.warnings import warning_list
    from qingfeng.orgs.models import Organization

    rebuild_facts()
    run("publish")
    city = City.objects.get()
    for day in (dt.date(2021, 5, 11), dt.date(2022, 3, 1)):
        alerts.refresh(city, day)
        for code in Node.objects.filter(city="140100").values_list("code", flat=True):
            theirs = warning_list(Organization.objects.get(code=code), day).counts()
            ours = {(w.kind, w.severity): w.n for w in WarningCount.objects.filter(city="140100", code=code)}
            assert ours == {k: n for k, n in theirs.items() if n}, (code, day)
        assert City.objects.get().warnings_on == day
        assert alerts.refresh(city, day) == 0  # the same day again: nothing to send
    assert WarningCount.objects.filter(code="140100").exists()
    # the city's root holds the sum of its districts' and its own
    root = {(w.kind, w.severity): w.n for w in WarningCount.objects.filter(code="140100")}
    assert sum(root.values()) >= sum(WarningCount.objects.exclude(code="140100").values_list("n", flat=True))


def test_every_indicator_is_answered_at_the_province_or_said_not_to_be():
    """An indicator read from a city's records needs its items published (province.ITEM_COUNTS) or a reason in
    province.UNAVAILABLE: never a silent empty value at the province."""
    from qingfeng.core.indicators import REGISTRY
    from qingfeng.federation import province
    from qingfeng.indicators import facts

    silent = [i.id for i in REGISTRY.values() if facts.reads_records(i) and i.id not in province.ITEM_COUNTS
              and i.id not in province.UNAVAILABLE and i.id not in province.SPECIAL and i.id not in province.WINDOW_IDS]
    assert not silent


@postgres_only
@pytest.mark.django_db
def test_the_province_counts_distinct_persons_of_every_place_in_one_statement_per_count(world, key):
    """The province's distinct counts (province.Counts): one grouped statement per count whatever the number of
    places, each place's value the city's own. On a city's database the published rows are there to read: its root
    stands for the province (the sum of its one city), the city's root and the districts below for themselves."""
    from django.test.utils import CaptureQueriesContext

    from qingfeng.federation import province
    from qingfeng.indicators import engine
    from qingfeng.orgs.models import Organization

    rebuild_facts()
    run("publish", "--depth", "2")
    reading = ActivityType.objects.get(role=ActivityRole.READING_CLASS)
    for org, day in ((world.branch_a, dt.date(2021, 3, 3)), (world.branch_o, dt.date(2021, 3, 4))):
        members = list(org.relations.values_list("person_id", flat=True)[:3])
        record_activity(user=world.personas["city"], org=org, type=reading, date=day, topic="读书班",
                        presence={p: "出席" for p in members})
    keys = ["study.reading_class_trainees", "lecture.lecturers", "grassroots.dispatched",
            "grassroots.dispatched[role=党组织书记]", "training.rotation_trainees",
            "training.rotation_trainees[cadre_level=市管]", "training.rotation_coverage"]
    start, end = dt.date(2020, 5, 12), dt.date(2021, 5, 11)
    places = [province.root(), *(province.find(code) for code in ("140100", "140105", "140106"))]
    places += province.children(places[2])  # the organizations published below a district

    def statements(asked) -> tuple[int, list]:
        with CaptureQueriesContext(connection) as queries:
            answers = province.compute_grid([(p, start, end, keys) for p in asked])
        return sum("federation_item" in q["sql"] for q in queries.captured_queries), answers

    one, _answers = statements(places[2:3])
    every, answers = statements(places)
    assert len(places) >= 5 and every == one <= len(keys)
    assert answers[1].values == answers[0].values  # the province of one city is that city
    assert answers[2].values["study.reading_class_trainees"] > 0
    for place, answer in zip(places[1:], answers[1:], strict=True):
        assert answer.values == engine.compute(Organization.objects.get(code=place.code), start, end, keys), place
