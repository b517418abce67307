"""Importing the Excel people already keep (issue 23) from the command line: `qingfeng import FILE --map auto`
finds the header under a title and a unit line, places the roster's own headers, reads dates and values as people
write them and the branch by its name — with the template path's guarantees: nothing lands on any error, the
errors name the user's own sheet, row and header, re-import changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json

from django.core.management import CommandError, call_command

from qingfeng.core.idnumbers import make_id_number
from qingfeng.people.models import Person, Relation
from tests.imports.helpers import table_counts
from tests.imports.rosters import BIRTHS, HEADERS, members, roster
from tests.imports.test_command import run


def run_map(path, *extra, user=None):
    out, err = io.StringIO(), io.StringIO()
    args = [str(path), "--map", *extra] + (["--user", user] if user else [])
    try:
        call_command("import", *args, stdout=out, stderr=err)
        code = 0
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return code, out.getvalue(), err.getvalue()


def test_the_roster_imports_with_map_auto_and_every_member_is_placed_in_the_branch_named(world, tmp_path):
    code, out, err = run_map(roster(tmp_path / "花名册.xlsx"), "auto")
    assert code == 0, err
    assert "工作表“Sheet1”：第3行为表头，按“党员”导入" in out
    assert "身份证号码 → 公民身份号码" in out and "所在党支部 → 所在党组织编码（按名称）" in out
    assert "入党时间 → 入党日期" in out and "联系电话 → 手机号码" in out
    assert Person.objects.filter(id_number__in=[r[5] for r in members()]).count() == 7
    for person in Person.objects.filter(id_number__in=[r[5] for r in members()]):
        assert person.org == world.branch_a
        assert Relation.objects.get(person=person).org == world.branch_a
    first = Person.objects.get(name="花名0")
    assert (first.gender, first.education, first.category, first.phone) == ("男", "大学本科", "正式党员", "13800000000")
    assert first.admitted_on == dt.date(2005, 7, 1) and first.full_on == dt.date(2006, 7, 1)
    # every date form read as the same kind of date; a month alone takes the day from the ID number
    assert [p.admitted_on.year for p in Person.objects.filter(name__startswith="花名").order_by("name")] == list(
        range(2005, 2011))
    assert Person.objects.get(name="花名1").birth_date == BIRTHS[1]  # written 1971.02
    assert Person.objects.get(name="花名2").birth_date == BIRTHS[2]  # written 1972年3月
    assert Person.objects.get(name="花名2").education == "研究生"  # written 硕士
    assert Person.objects.get(name="预备员").category == "预备党员"  # no 转正时间, admitted 100 days ago
    # the same file again changes nothing
    before = table_counts()
    code, out, err = run_map(roster(tmp_path / "again.xlsx"), "auto")
    assert code == 0, err
    assert "没有需要更改的数据" in out
    assert table_counts() == before


def test_without_map_the_template_contract_stays(world, tmp_path):
    code, out, err = run(roster(tmp_path / "花名册.xlsx"))
    assert code == 1
    assert "不是导入模板中的工作表名称" in err


def test_one_bad_check_character_refuses_the_file_naming_the_users_row_and_header(world, tmp_path):
    rows = members()
    bad = rows[3][5][:-1] + ("0" if rows[3][5][-1] != "0" else "1")
    rows[3][5] = bad
    before = table_counts()
    code, out, err = run_map(roster(tmp_path / "花名册.xlsx", rows), "auto")
    assert code == 1
    assert "Sheet1 第7行 [身份证号码]" in err  # the fourth member is on row 7 of the user's file
    assert "校验" in err
    assert table_counts() == before


def test_an_ambiguous_branch_name_lists_the_candidates_and_asks_for_the_code(world, tmp_path):
    from tests.world import org

    org("140106001X", "第一党支部", world.other_street, kind="党支部", sector="社区")
    before = table_counts()
    code, out, err = run_map(roster(tmp_path / "花名册.xlsx"), "auto")
    assert code == 1
    assert "Sheet1 第4行 [所在党支部]" in err
    assert "“第一党支部”对应2个组织" in err and "14010500101A（上级：平阳景苑社区党委）" in err
    assert "140106001X（上级：柳巷街道党工委）" in err and "改填组织编码" in err
    assert table_counts() == before
    # A user whose subtree holds one of them is not asked
    code, out, err = run_map(roster(tmp_path / "花名册.xlsx"), "auto", user="district")
    assert code == 0, err


def test_a_month_only_birth_date_that_disagrees_with_the_id_number_is_refused(world, tmp_path):
    rows = members()
    rows[1][4] = "1971.03"  # the ID number says February
    code, out, err = run_map(roster(tmp_path / "花名册.xlsx", rows), "auto")
    assert code == 1
    assert "Sheet1 第5行 [出生日期]" in err and "1971年3月" in err


def test_a_required_column_not_placed_names_the_headers_seen(world, tmp_path):
    headers = [h if h != "身份证号码" else "号码" for h in HEADERS]
    code, out, err = run_map(roster(tmp_path / "花名册.xlsx", headers=headers), "auto")
    assert code == 1
    assert "[公民身份号码]" in err and "缺少必填列" in err and "号码、学历" in err


def test_save_map_then_map_file(world, tmp_path):
    saved = tmp_path / "mapping.json"
    code, out, err = run_map(roster(tmp_path / "a.xlsx"), "auto", "--dry-run", "--save-map", str(saved))
    assert code == 0, err
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["sheets"][0]["ledger"] == "党员" and data["sheets"][0]["header_row"] == 3
    assert data["sheets"][0]["columns"]["所在党支部"] == "所在党组织编码（按名称）"
    data["sheets"][0]["columns"]["联系电话"] = "职务"  # the user's own choice, taken as given
    saved.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out, err = run_map(roster(tmp_path / "b.xlsx"), str(saved))
    assert code == 0, err
    assert Person.objects.get(name="花名0").post == "138 0000 0000"


def test_dates_people_write_that_are_not_dates_get_a_reason(world, tmp_path):
    rows = members()
    rows[0][7] = "2005年"
    rows[1][7] = "2006.07"  # a month alone is not enough for 入党日期
    number = make_id_number("140105", dt.date(1990, 1, 1), 901)
    rows.append([8, "空", "男", "汉族", "", number, "", "", "", "第一党支部", ""])
    code, out, err = run_map(roster(tmp_path / "花名册.xlsx", rows), "auto")
    assert code == 1
    assert "Sheet1 第4行 [入党时间]：日期“2005年”无法识别" in err
    assert "Sheet1 第5行 [入党时间]：“2006.07”只写了年月" in err
    assert "Sheet1 第11行 [入党时间]：必填项为空" in err
