"""Activity types are data (issue 14): the import validates 活动类型 against the table, so a type added in the admin
can be imported, and the rules keyed on a role (第一议题) follow the role whatever the type is called."""

from __future__ import annotations

from qingfeng.activities.models import Activity, ActivityRole, ActivityType
from tests.imports.helpers import table_counts, workbook
from tests.imports.test_command import run


def row(**changes):
    return {"活动编号": "HD-T1", "活动类型": "主题党日", "组织编码": "14010500101A", "日期": "2025-01-05", "主题": "学习",
            **changes}


def test_a_type_added_in_the_admin_is_imported(world, tmp_path):
    ActivityType.objects.create(name="学习强国集中学习")
    code, out, err = run(workbook(tmp_path / "a.xlsx", {"活动": [row(活动类型="学习强国集中学习")]}))
    assert code == 0, err
    assert Activity.objects.get(code="HD-T1").type.name == "学习强国集中学习"


def test_an_unknown_type_is_refused_naming_it(world, tmp_path):
    before = table_counts()
    code, out, err = run(workbook(tmp_path / "a.xlsx", {"活动": [row(活动类型="没有这种活动")]}))
    assert code == 1 and "活动 第2行 [活动类型]：系统中没有活动类型“没有这种活动”" in err
    assert table_counts() == before


def test_first_topic_follows_the_role_after_a_rename(world, tmp_path):
    ActivityType.objects.filter(role=ActivityRole.FIRST_TOPIC).update(name="党委会")
    code, out, err = run(workbook(tmp_path / "a.xlsx", {"活动": [row(活动类型="党委会", 第一议题="是")]}))
    assert code == 0, err
    assert Activity.objects.get(code="HD-T1").first_topic is True
    code, out, err = run(workbook(tmp_path / "b.xlsx", {"活动": [row(活动编号="HD-T2", 第一议题="是")]}))
    assert code == 1 and "[第一议题]" in err and "只用于" in err
