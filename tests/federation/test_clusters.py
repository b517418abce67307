"""Two cities and a province on three real PostgreSQL clusters (issue 22): Taiyuan (140100) and Datong (140200)
built by `qingfeng demo --scale tiny`, each publishing; the province (140000) subscribing to both.

Slow (a minute or two: three clusters, two demo cities), so it runs once per `./dev test` — in the SQLite pass,
where the suite's own database is not PostgreSQL — unless QINGFENG_TEST_CLUSTERS says otherwise (always/never)."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from tests.federation.clusters import binaries_missing, clusters, wait_for

WHEN = os.environ.get("QINGFENG_TEST_CLUSTERS", "auto")
pytestmark = [
    pytest.mark.skipif(WHEN == "never" or (WHEN == "auto" and connection.vendor != "sqlite"),
                       reason="the cluster tests run once, in the SQLite pass (QINGFENG_TEST_CLUSTERS=always to force)"),
    pytest.mark.skipif(bool(binaries_missing()), reason=binaries_missing() or ""),
]

TABLES = ("federation_city", "federation_activitykind", "federation_node", "federation_fact", "federation_item")


def rows_of(cluster, city: str) -> dict[str, int]:
    out = {}
    for table in TABLES:
        column = "code" if table == "federation_city" else "city"
        out[table] = cluster.sql(f"SELECT COUNT(*) FROM {table} WHERE {column} = %s", [city])[0][0]  # noqa: S608
    return out


def test_two_cities_and_a_province():
    with clusters("taiyuan", "datong", "province") as (taiyuan, datong, province):
        # -- two demo cities, built side by side --------------------------------------------------------------
        builds = [c.start_qingfeng("demo", "--scale", "tiny", "--city", code, "--no-serve", "--quiet-progress")
                  for c, code in ((taiyuan, "140100"), (datong, "140200"))]
        for build in builds:
            out, err = build.communicate(timeout=900)
            assert build.returncode == 0, out + err
        for city in (taiyuan, datong):
            assert "已发布 qingfeng_federation" in city.qingfeng("federation", "publish").stdout

        # -- the province refuses what it cannot subscribe to, and says why ---------------------------------
        done = province.qingfeng("federation", "subscribe", "--city", "140100", "--dsn", taiyuan.conninfo(),
                                 tier="province", check=False)
        assert done.returncode == 2 and "本级党组织" in done.stderr
        assert "中共山西省委" in province.qingfeng("federation", "province", "--code", "140000", "--name", "中共山西省委",
                                                  tier="province").stdout
        done = province.qingfeng("federation", "subscribe", "--city", "140100", "--dsn", datong.conninfo(),
                                 tier="province", check=False)
        assert done.returncode == 2 and "不是 140100" in done.stderr
        datong.sql("UPDATE federation_city SET schema = 99")
        done = province.qingfeng("federation", "subscribe", "--city", "140200", "--dsn", datong.conninfo(),
                                 tier="province", check=False)
        assert done.returncode == 2 and "表结构版本不一致" in done.stderr
        datong.sql("UPDATE federation_city SET schema = 1")
        done = taiyuan.qingfeng("federation", "subscribe", "--city", "140100", "--dsn", datong.conninfo(), check=False)
        assert done.returncode == 2 and "不是省级" in done.stderr
        assert not province.sql("SELECT * FROM pg_subscription")

        # -- subscribed: each city's rows arrive whole, side by side ------------------------------------------
        for city, code in ((taiyuan, "140100"), (datong, "140200")):
            province.qingfeng("federation", "subscribe", "--city", code, "--dsn", city.conninfo(), tier="province")
        for city, code in ((taiyuan, "140100"), (datong, "140200")):
            wanted = rows_of(city, code)
            assert wanted["federation_fact"] > 10000 and wanted["federation_item"] > 1000
            wait_for(lambda city=city, code=code, wanted=wanted: rows_of(province, code) == wanted, timeout=120,
                     what=f"the initial copy of {code}")
        status = province.qingfeng("federation", "status", tier="province").stdout
        assert "140100 中共太原市委：同步中" in status and "140200 中共大同市委：同步中" in status, status
