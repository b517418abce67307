"""A ledger of a few hundred members goes in whole: every member with its fields, its first organizational relation,
its cadre level and its burden entry — the inserts grouped many rows to a statement lose or shift none."""

from __future__ import annotations

import datetime as dt

from qingfeng.core.idnumbers import make_id_number
from qingfeng.core.models import Entry
from qingfeng.imports.actions import run_import
from qingfeng.people.models import CadreLevelRecord, Person, Relation
from tests.imports.helpers import workbook

MEMBERS = 257  # two whole statements of 100 rows and 57 rows one by one on SQLite


def test_every_member_of_a_long_ledger_is_written_with_its_own_values(world, tmp_path):
    rows = []
    for i in range(MEMBERS):
        rows.append({"姓名": f"成员{i:03d}", "公民身份号码": make_id_number("140105", dt.date(1970, 1, 1) + dt.timedelta(days=i), 7 + i % 2),
                     "性别": "女" if i % 2 else "男", "党员类别": "正式党员", "入党日期": f"{2000 + i % 20}-03-01",
                     "转正日期": f"{2001 + i % 20}-03-01", "手机号码": f"139{i:08d}",
                     "所在党组织编码": "14010500101A" if i % 3 else "14010500101B",
                     "干部管理层级": "县管" if i % 7 == 0 else "无"})
    result = run_import(workbook(tmp_path / "long.xlsx", {"党员": rows}), world.admin)
    assert result.ok and result.written, [str(p) for p in result.problems[:3]]

    people = {p.id_number: p for p in Person.objects.filter(name__startswith="成员").select_related("org")}
    assert len(people) == MEMBERS
    relations = {r.person_id: r for r in Relation.objects.filter(person__in=people.values())}
    levels = {c.person_id: c.level for c in CadreLevelRecord.objects.filter(person__in=people.values())}
    entries = {e.object_id: e.org_id for e in Entry.objects.filter(model="people.person", channel="import")}
    for i, row in enumerate(rows):
        p = people[row["公民身份号码"]]
        assert (p.name, p.gender, p.phone, p.org.code, p.cadre_level) == (
            row["姓名"], row["性别"], row["手机号码"], row["所在党组织编码"], row["干部管理层级"])
        assert p.admitted_on == dt.date(2000 + i % 20, 3, 1) and p.full_on == dt.date(2001 + i % 20, 3, 1)
        assert relations[p.pk].org_id == p.org_id and relations[p.pk].end_on is None
        assert levels[p.pk] == row["干部管理层级"]
        assert entries[p.pk] == p.org_id
