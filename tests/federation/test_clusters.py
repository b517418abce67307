"""Two cities and a province on three real PostgreSQL clusters (issue 22): Taiyuan (140100) and Datong (140200)
built by `qingfeng demo --scale tiny`, each publishing; the province (140000) subscribing to both.

Slow (three clusters, two demo cities: a few minutes on a busy machine), so it runs once per `./dev test` — in the
SQLite pass, where the suite's own database is not PostgreSQL — unless QINGFENG_TEST_CLUSTERS says otherwise
(always / never). Waiting for replication compares what each side holds (clusters.Cluster.fingerprint), in SQL."""

from __future__ import annotations

import json
import os
import time

import pytest
from django.db import connection

from qingfeng.federation import province as province_module
from qingfeng.federation.models import SCHEMA
from tests.federation.clusters import binaries_missing, clusters, wait_for

WHEN = os.environ.get("QINGFENG_TEST_CLUSTERS", "auto")
pytestmark = [
    pytest.mark.skipif(WHEN == "never" or (WHEN == "auto" and connection.vendor != "sqlite"),
                       reason="the cluster tests run once, in the SQLite pass (QINGFENG_TEST_CLUSTERS=always to force)"),
    pytest.mark.skipif(bool(binaries_missing()), reason=binaries_missing() or ""),
]

UNAVAILABLE = set(province_module.UNAVAILABLE)  # the province says it cannot answer them
PERSONS = {"study.reading_class_trainees", "lecture.lecturers", "grassroots.dispatched", "grassroots.stationed",
           "grassroots.adjusted", "accountability.persons", "training.rotation_trainees"}
TABLES = ("federation_city", "federation_activitykind", "federation_node", "federation_fact", "federation_item",
          "federation_warningcount")
CITIES = ("140100", "140200")


def caught_up(province, city, code: str, timeout: float, what: str) -> float:
    """Waits until the province holds exactly the city's published rows; returns the seconds it took."""
    started = time.monotonic()
    wanted = city.fingerprint(code)
    wait_for(lambda: province.fingerprint(code) == wanted, timeout=timeout, every=0.1, what=what)
    return time.monotonic() - started


def same_values(city_values: dict, province_values: dict, where: str) -> None:
    def unavailable(k: str) -> bool:
        return k.split("[")[0] in UNAVAILABLE

    differ = {k: (v, province_values[k]) for k, v in city_values.items()
              if not unavailable(k) and province_values[k] is not None and province_values[k] != v}
    assert not differ, f"{where}: (city, province) {differ}"
    assert all(province_values[k] is None for k in city_values if unavailable(k)), where
    # None otherwise only for a filter the published items do not carry (province.item_count)
    silent = [k for k, v in city_values.items() if v is not None and province_values[k] is None and not unavailable(k)]
    assert all("[" in k for k in silent), (where, silent)


def refused(cluster, *args, tier: str = "province") -> str:
    done = cluster.qingfeng("federation", *args, tier=tier, check=False)
    assert done.returncode == 2, (args, done.stdout, done.stderr)
    return done.stderr


def test_two_cities_and_a_province():
    with clusters("taiyuan", "datong", "province") as (taiyuan, datong, province):
        city_of = {"140100": taiyuan, "140200": datong}
        # -- two demo cities, built side by side, each publishing ----------------------------------------------
        builds = [city_of[code].start_qingfeng("demo", "--scale", "tiny", "--city", code, "--no-serve", "--quiet-progress")
                  for code in CITIES]
        for build in builds:
            out, err = build.communicate(timeout=1800)
            assert build.returncode == 0, out + err
        for code in CITIES:
            assert "已发布 qingfeng_federation" in city_of[code].qingfeng("federation", "publish").stdout

        # -- the province refuses what it cannot subscribe to, and says why, changing nothing -----------------
        assert "本级党组织" in refused(province, "subscribe", "--city", "140100", "--dsn", taiyuan.conninfo())
        assert "中共山西省委" in province.qingfeng("federation", "province", "--code", "140000", "--name", "中共山西省委",
                                                  tier="province").stdout
        assert "不是 140100" in refused(province, "subscribe", "--city", "140100", "--dsn", datong.conninfo())
        datong.sql("UPDATE federation_city SET schema = 99")
        assert "表结构版本不一致" in refused(province, "subscribe", "--city", "140200", "--dsn", datong.conninfo())
        datong.sql("UPDATE federation_city SET schema = %s", [SCHEMA])
        assert "不是省级" in refused(taiyuan, "subscribe", "--city", "140100", "--dsn", datong.conninfo(), tier="city")
        assert not province.sql("SELECT * FROM pg_subscription")

        # -- subscribed: each city's rows arrive whole, side by side in the same tables ----------------------
        for code in CITIES:
            province.qingfeng("federation", "subscribe", "--city", code, "--dsn", city_of[code].conninfo(), tier="province")
        for code in CITIES:
            caught_up(province, city_of[code], code, 180, f"the initial copy of {code}")
            assert province.sql("SELECT COUNT(*) FROM federation_fact WHERE city = %s", [code])[0][0] > 10000
        status = province.qingfeng("federation", "status", tier="province").stdout
        assert "140100 中共太原市委：同步中" in status and "140200 中共大同市委：同步中" in status, status

        # -- the province's figures are the cities' own, organization by organization ------------------------
        periods = (("2020-05-12", "2021-05-11"), ("2021-02-10", "2021-03-20"))
        ours = province.values(["140000", "140100", "140105", "140200", "140212"], *periods, tier="province")
        theirs = {**taiyuan.values(["140100", "140105"], *periods), **datong.values(["140200", "140212"], *periods)}
        for (code, start, end), values in theirs.items():
            same_values(values, ours[(code, start, end)], f"{code} {start}..{end}")
        for start, end in periods:
            # the province's own figure: the sum of its cities' for what adds up (persons too: no one is in both)
            for key, value in ours[("140000", start, end)].items():
                a, b = theirs[("140100", start, end)][key], theirs[("140200", start, end)][key]
                if key not in UNAVAILABLE and isinstance(a, int) and isinstance(b, int):
                    assert value == a + b, f"140000 {key} {start}..{end}: {value} ≠ {a} + {b}"
        assert ours[("140000", *periods[0])]["members.total"] > 10000

        # -- the province's pages and API: the cities ranked, drill links down to the cities' own pages --------
        seen = json.loads(province.python(PAGES, tier="province").strip().splitlines()[-1])
        assert seen["cockpit"][0] == 200 and "中共太原市委" in seen["cockpit"][1] and "中共大同市委" in seen["cockpit"][1]
        assert "https://taiyuan.example.cn/cockpit/?org=140100" in seen["cockpit"][1]
        assert seen["drill"][0] == 200 and "https://datong.example.cn/indicators/drill/?org=140212" in seen["drill"][1]
        assert seen["api"][0] == 200
        assert seen["api"][1]["values"] == {k: v for k, v in ours[("140000", *periods[0])].items()
                                            if k in seen["api"][1]["values"]}
        assert seen["outsider"] == [404, 404]  # a user of no province organization sees nothing

        # -- warnings: each city's counts for its day, by kind, summed at the province ---------------------------
        theirs = {**json.loads(taiyuan.python(CITY_WARNINGS % {"codes": ["140100", "140105"]}).strip().splitlines()[-1]),
                  **json.loads(datong.python(CITY_WARNINGS % {"codes": ["140200", "140212"]}).strip().splitlines()[-1])}
        ours = json.loads(province.python(PROVINCE_WARNINGS % {"codes": ["140000", "140100", "140105", "140200", "140212"]},
                                          tier="province").strip().splitlines()[-1])
        for code in ("140100", "140105", "140200", "140212"):
            assert ours[code] == theirs[code], code
        both = {k: theirs["140100"].get(k, 0) + theirs["140200"].get(k, 0) for k in {*theirs["140100"], *theirs["140200"]}}
        assert ours["140000"] == both and sum(both.values()) > 0
        assert "预警" in seen["cockpit"][1] and 'data-warned' in seen["cockpit"][1]
        assert seen["warnings"][0] == 200
        assert {(r["kind"], r["red"], r["yellow"]) for r in seen["warnings"][1]["counts"]} == {
            (kind, both.get(f"{kind} red", 0), both.get(f"{kind} yellow", 0)) for kind in {k.split()[0] for k in both}}

        # -- the year-in-review of the province and of a city: the city's own figures ----------------------------
        theirs = json.loads(taiyuan.python(CITY_REVIEW).strip().splitlines()[-1])
        ours = json.loads(province.python(PROVINCE_REVIEW, tier="province").strip().splitlines()[-1])
        # the same review builder (reports.review.build_sections): the figures per value (问题类别 …) too; only the
        # city's 专题活动 section, counted from its records, stays in the city
        assert set(ours["140100"]) <= set(theirs) and set(theirs) - set(ours["140100"]) <= {
            k for k in theirs if k.startswith("activities.campaign_count")}
        assert any(k.startswith("rectify.found[category=") for k in ours["140000"])
        same_values({k: v for k, v in theirs.items() if k in ours["140100"]}, ours["140100"], "the review of 140100")
        assert ours["140000"]["members.total"] == theirs["members.total"] + json.loads(
            datong.python(CITY_REVIEW.replace("140100", "140200")).strip().splitlines()[-1])["members.total"]
        assert seen["review"][0] == 200 and "中共山西省委党建工作综述" in seen["review"][1]
        assert 'data-chart="members.total"' in seen["review"][1] and "中共大同市委" in seen["review"][1]
        assert seen["review_md"][0] == 200 and seen["review_md"][1].startswith("# 中共山西省委党建工作综述")
        assert "/province/drill/?org=140000&key=" in seen["review_md"][1]
        out = province.qingfeng("federation", "review", "--org", "140100", "--from", "2020-05-12", "--to", "2021-05-11",
                                "--format", "docx", "-o", str(province.var / "review.docx"), tier="province").stdout
        assert "review.docx" in out and (province.var / "review.docx").stat().st_size > 5000

        # -- a member moves from Taiyuan to Datong and joins a 读书班 in each: the province counts them once ---
        moved = json.loads(taiyuan.python(MOVE_OUT).strip().splitlines()[-1])
        caught_up(province, taiyuan, "140100", 60, "Taiyuan's writes")
        datong.python(MOVE_IN % moved)
        seconds = caught_up(province, datong, "140200", 30, "a page write in Datong to reach the province")
        assert seconds < 30
        key, period = "study.reading_class_trainees", ("2021-03-01", "2021-04-30")
        theirs = {**taiyuan.values(["140100"], period), **datong.values(["140200"], period)}
        ours = province.values(["140000", "140100", "140200"], period, tier="province")
        same_values(theirs["140100"], ours["140100"], "Taiyuan after the move")
        same_values(theirs["140200"], ours["140200"], "Datong after the move")
        assert theirs["140100"][key] >= 1 and theirs["140200"][key] >= 1
        assert ours["140000"][key] == theirs["140100"][key] + theirs["140200"][key] - 1
        for other in PERSONS - {key}:
            assert ours["140000"][other] == theirs["140100"][other] + theirs["140200"][other], other

        # -- a city stopped for a while: the others go on, and it catches up when it is back -----------------
        datong.stop()
        status = province.qingfeng("federation", "status", tier="province").stdout
        assert "140200 中共大同市委" in status and "未知（城市不可达）" in status, status
        taiyuan.python(WRITE % {"city": "140100", "day": "2021-04-20"})
        caught_up(province, taiyuan, "140100", 30, "Taiyuan's write while Datong is down")
        datong.start()
        datong.python(WRITE % {"city": "140200", "day": "2021-04-21"})
        caught_up(province, datong, "140200", 90, "Datong to catch up after its restart")
        # the province stopped while the cities write on: nothing is lost when it is back
        province.stop()
        for code, day in (("140100", "2021-04-22"), ("140200", "2021-04-23")):
            city_of[code].python(WRITE % {"city": code, "day": day})
        province.start()
        for code in CITIES:
            caught_up(province, city_of[code], code, 90, f"the province to catch up with {code}")
        theirs = {**taiyuan.values(["140100"], period), **datong.values(["140200"], period)}
        ours = province.values(["140100", "140200"], period, tier="province")
        for code in CITIES:
            same_values(theirs[code], ours[code], f"{code} after the stops")

        # -- nothing personal reaches the province ------------------------------------------------------------
        numbers = {r[0] for c in (taiyuan, datong) for r in c.sql("SELECT id_number FROM people_person")}
        names = {r[0] for c in (taiyuan, datong) for r in c.sql("SELECT name FROM people_person")}
        assert moved["id_number"] in numbers
        personal_values = numbers | names
        personal = province.sql(
            "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public' AND "
            "(column_name IN ('id_number', 'phone', 'birth_date', 'gender', 'person_id') OR table_name LIKE 'discipline%%' "
            "OR table_name LIKE 'files%%')")
        assert personal and all(province.sql(f"SELECT COUNT(*) FROM {t}")[0][0] == 0 for (t,) in personal), personal  # noqa: S608
        for table in TABLES:
            columns = {r[0] for r in province.sql("SELECT column_name FROM information_schema.columns "
                                                  "WHERE table_name = %s", [table])}
            assert not columns & {"id_number", "phone", "birth_date", "gender", "person_id"}, (table, columns)
            for row in province.sql(f"SELECT * FROM {table}"):  # noqa: S608
                assert not {str(v) for v in row} & personal_values, (table, row)


# Run in the province: its cockpit, a drill-through to Datong's counties and the API, as a province officer.
PAGES = """
import json
from django.test import Client
from qingfeng.accounts.models import Role, User
from qingfeng.api.actions import issue_token
from qingfeng.orgs.models import Organization
officer = User.objects.create_user(username="sheng", password="Province-officer-2026", role=Role.ORGANIZATION,
                                   org=Organization.objects.get(code="140000"))
stranger = User.objects.create_user(username="other", password="Province-officer-2026", role=Role.ORGANIZATION)
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(officer)
period = "from=2020-05-12&to=2021-05-11"
cockpit = client.get("/province/?" + period)
drill = client.get("/province/drill/?org=140200:140200&key=members.total&" + period)
_token, raw = issue_token(officer, "测试", 30)
api = client.get("/api/v1/province/indicators?only=members.total,orgs.total,study.reading_class_trainees&" + period,
                 HTTP_AUTHORIZATION="Bearer " + raw)
client.force_login(stranger)
warnings = client.get("/api/v1/province/warnings", HTTP_AUTHORIZATION="Bearer " + raw)
client.force_login(officer)
review = client.get("/province/review/?" + period)
review_md = client.get("/province/review/download/md/?" + period)
client.force_login(stranger)
outsider = [client.get("/province/?" + period).status_code, client.get("/province/drill/?key=members.total").status_code]
print(json.dumps({"cockpit": [cockpit.status_code, cockpit.content.decode()],
                  "drill": [drill.status_code, drill.content.decode()],
                  "api": [api.status_code, api.json()], "outsider": outsider,
                  "warnings": [warnings.status_code, warnings.json()],
                  "review": [review.status_code, review.content.decode()],
                  "review_md": [review_md.status_code, review_md.content.decode()]}, ensure_ascii=False))
"""

# Run in Taiyuan: a member of a branch of 小店区 attends a 读书班 on 2021-03-03, then transfers out to Datong.
MOVE_OUT = """
import datetime as dt, json
from qingfeng.accounts.models import User
from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityRole, ActivityType
from qingfeng.membership.actions import issue_transfer_letter
from qingfeng.people.models import Relation
rel = (Relation.objects.filter(end_on__isnull=True, org__kind="党支部", org__path__startswith="/140100/140105/",
                               person__admitted_on__lt=dt.date(2020, 1, 1), person__org__isnull=False)
       .select_related("person", "org").order_by("id").first())
p, admin = rel.person, User.objects.get(username="admin")
record_activity(user=admin, org=rel.org, type=ActivityType.objects.get(role=ActivityRole.READING_CLASS),
                date=dt.date(2021, 3, 3), topic="读书班（第一期）", presence={p.pk: "出席"})
issue_transfer_letter(p, "中共大同市委", dt.date(2021, 3, 15), user=admin)
print(json.dumps({"name": p.name, "id_number": p.id_number, "gender": p.gender, "birth": str(p.birth_date),
                  "category": p.category, "admitted": str(p.admitted_on), "full": str(p.full_on or "")}))
"""

# Run in Datong: the same person arrives (by ID number) in a branch of 平城区 and attends a 读书班 there.
MOVE_IN = """
import datetime as dt
from qingfeng.accounts.models import User
from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityRole, ActivityType
from qingfeng.orgs.models import Organization
from qingfeng.people.actions import register_person
from qingfeng.people.models import Person
admin = User.objects.get(username="admin")
branch = Organization.objects.filter(kind="党支部", path__startswith="/140200/140213/").order_by("code").first()
full = "%(full)s"
person = register_person(Person(name="%(name)s", id_number="%(id_number)s", gender="%(gender)s",
                                birth_date=dt.date.fromisoformat("%(birth)s"), category="%(category)s",
                                admitted_on=dt.date.fromisoformat("%(admitted)s"),
                                full_on=dt.date.fromisoformat(full) if full else None, org=branch), user=admin)
record_activity(user=admin, org=branch, type=ActivityType.objects.get(role=ActivityRole.READING_CLASS),
                date=dt.date(2021, 4, 6), topic="读书班（第二期）", presence={person.pk: "出席"})
print(branch.code)
"""

# A 读书班 with two members of the city's first branch present, on a day (the page's record_activity).
WRITE = """
import datetime as dt
from qingfeng.accounts.models import User
from qingfeng.activities.actions import record_activity
from qingfeng.activities.models import ActivityRole, ActivityType
from qingfeng.people.models import Relation
day = dt.date.fromisoformat("%(day)s")
rel = (Relation.objects.filter(end_on__isnull=True, org__kind="党支部", org__path__startswith="/%(city)s/")
       .select_related("org").order_by("org__code", "id").first())
present = list(Relation.objects.filter(org=rel.org, end_on__isnull=True).values_list("person_id", flat=True)[:2])
record_activity(user=User.objects.get(username="admin"), org=rel.org,
                type=ActivityType.objects.get(role=ActivityRole.READING_CLASS), date=day, topic="读书班",
                presence={pk: "出席" for pk in present})
"""

# Run in a city: its own warnings engine's counts for its day, per organization ("kind severity": n).
CITY_WARNINGS = """
import json
from qingfeng.core.dates import today
from qingfeng.indicators.warnings import warning_list
from qingfeng.orgs.models import Organization
print(json.dumps({c: {f"{k} {s}": n for (k, s), n in warning_list(Organization.objects.get(code=c), today()).counts().items() if n}
                  for c in %(codes)r}))
"""

# Run in the province: the published counts, per place.
PROVINCE_WARNINGS = """
import json
from qingfeng.federation import alerts, province
places = [province.find(c) for c in %(codes)r]
got = alerts.counts(places)
print(json.dumps({p.code: {f"{k} {s}": n for (k, s), n in got[p.pk].items() if n} for p in places}))
"""

# The review's figures for a year, in a city (its own review) and at the province (of 140000 and 140100).
CITY_REVIEW = """
import datetime as dt, json
from qingfeng.accounts.models import User
from qingfeng.orgs.models import Organization
from qingfeng.reports.review import build_review
r = build_review(Organization.objects.get(code="140100"), dt.date(2020, 5, 12), dt.date(2021, 5, 11),
                 User.objects.get(username="admin"))
print(json.dumps({f.key: f.value for s in r.sections for f in s.figures}))
"""
PROVINCE_REVIEW = """
import datetime as dt, json
from qingfeng.accounts.models import User
from qingfeng.federation import province, review
user = User.objects.filter(username="sheng-admin").first() or User.objects.create_superuser("sheng-admin", "", "Province-admin-2026")
out = {}
for code in ("140000", "140100"):
    r = review.build(province.find(code), dt.date(2020, 5, 12), dt.date(2021, 5, 11), user)
    out[code] = {f.key: f.value for s in r.sections for f in s.figures}
print(json.dumps(out))
"""
