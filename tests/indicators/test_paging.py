"""Paging that costs a page: a drill-through page (and the API's /drill) reads the rows of the page asked, whatever
the number of records behind the value; exports read them all, streamed."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from qingfeng.activities.models import Activity, ActivityType
from qingfeng.core.indicators import RecordSet, stream
from qingfeng.indicators import views as indicator_views
from qingfeng.orgs.models import Organization
from tests.api.conftest import bearer

D = dt.date


def _org_set(*querysets) -> tuple[RecordSet, list]:
    """A record set listing organizations of several querysets one after another, and how many rows it built."""
    built: list = []

    def rows():
        for qs in querysets:
            for o in stream(qs.order_by("path")):
                built.append(o.code)
                yield [o.code, o.name]

    return RecordSet("orgs.organization", ["组织编码", "组织名称"], rows, lambda: sum(q.count() for q in querysets)), built


@pytest.mark.django_db
def test_a_slice_reads_its_rows_only_and_equals_the_whole_list_cut(world):
    everything = Organization.objects.all()
    branches = everything.filter(kind__in=["党支部"])
    committees = everything.exclude(kind__in=["党支部"])
    whole_set, _built = _org_set(committees, branches)
    whole = list(whole_set.rows())  # no page asked: every row, streamed
    assert len(whole) == whole_set.size() == everything.count() > 6
    for start, stop in itertools.combinations(range(len(whole) + 2), 2):
        rs, built = _org_set(committees, branches)
        assert rs.slice(start, stop) == whole[start:stop], (start, stop)
        assert len(built) == len(whole[start:stop])  # only the rows of the page were built
    rs, built = _org_set(committees, branches)
    with CaptureQueriesContext(connection) as queries:
        assert rs.head(2) == whole[:2]
    assert len(queries) == 1 and "LIMIT 2" in queries[0]["sql"]
    assert rs.slice(5, 5) == [] and rs.slice(len(whole) + 3, len(whole) + 9) == []


@pytest.mark.django_db
def test_a_set_listed_from_memory_is_cut_the_same(world):
    items = [[n, f"第{n}项"] for n in range(9)]
    rs = RecordSet("x.item", ["编号", "名称"], lambda: iter(items), lambda: len(items))
    for start, stop in itertools.combinations(range(12), 2):
        assert rs.slice(start, stop) == items[start:stop]


def _activities(world, n: int) -> None:
    t = ActivityType.objects.get(name="主题党日")
    Activity.objects.bulk_create([Activity(code=f"PG-{k:04d}", type=t, org=world.branch_a, date=D(2021, 3, 1) +
                                           dt.timedelta(days=k % 200), topic="学习") for k in range(n)])


def _page_queries(client, url, params) -> tuple[list[str], object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    # the numbers in a query (ids, counts, dates) aside, the same statements
    return [re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'S'", q["sql"])) for q in queries
            if "django_session" not in q["sql"]], response


@pytest.mark.django_db
@pytest.mark.parametrize("total", [30, 300])
def test_a_drill_page_costs_the_same_for_many_records_as_for_few(world, client_for, total, monkeypatch):
    monkeypatch.setattr(indicator_views, "DRILL_PAGE_ROWS", 10)
    args = {"key": "activities.count[type=主题党日]", "org": "140105", "start": "2021-01-01", "end": "2021-12-31"}
    client = client_for(world.district_user)
    client.get(reverse("indicators:drill"), args)  # the first request of a process reads what is cached afterwards
    few, _page = _page_queries(client, reverse("indicators:drill"), args)
    _activities(world, total)
    many, page = _page_queries(client, reverse("indicators:drill"), args)
    assert many == few  # the same statements, as many, before and after the records were added
    limited = [q for q in many if "activities_activity" in q and "LIMIT" in q]
    assert limited and all("LIMIT N" in q for q in limited)
    text = page.content.decode()
    assert f"共 {total}" in text or str(total) in text
    assert len(set(re.findall(r"PG-\d{4}", text))) == 10  # one page of rows


@pytest.mark.django_db
def test_the_api_drill_reads_a_page_and_counts_all(world, client):
    _activities(world, 45)
    headers = bearer(world.district_user)
    params = {"id": "activities.count[type=主题党日]", "org": "140105", "from": "2021-01-01", "to": "2021-12-31"}
    everything = client.get("/api/v1/drill", {**params, "page_size": 5000}, headers=headers).json()
    assert everything["count"] == {"rows": 45} and len(everything["rows"]) == 45
    for page in (1, 2, 5, 9, 10):
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/drill", {**params, "page": page, "page_size": 5}, headers=headers).json()
        assert body["rows"] == everything["rows"][(page - 1) * 5:page * 5] and body["count"] == {"rows": 45}
        reads = [q["sql"] for q in queries if "FROM \"activities_activity\"" in q["sql"] and "LIMIT" in q["sql"]]
        assert reads and all("LIMIT 5" in q or "LIMIT " + str(page * 5) in q for q in reads)


@pytest.mark.django_db
def test_exports_stream_every_record(world, client_for):
    _activities(world, 120)
    client = client_for(world.district_user)
    args = {"key": "activities.count[type=主题党日]", "org": "140105", "start": "2021-01-01", "end": "2021-12-31"}
    csv_response = client.get(reverse("indicators:drill"), {**args, "export": "csv"})
    assert csv_response.streaming
    lines = csv_response.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("活动编号") and len(lines) == 121
    xlsx = client.get(reverse("indicators:drill"), {**args, "export": "xlsx"})
    assert xlsx.streaming and "drill.xlsx" in xlsx["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 121 and sorted(r[0] for r in rows[1:]) == [f"PG-{k:04d}" for k in range(120)]
