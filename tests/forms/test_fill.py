"""`qingfeng form fill` on the test city: every kind of placeholder, repeated rows, formulas, merged cells, the
officer's layout kept, and every refusal naming its sheet and cell with no file written."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl.workbook.defined_name import DefinedName

from qingfeng.orgs.models import Organization
from tests.forms.helpers import indicators, run_fill, township_form, values, workbook, xlsx
from tests.world import org

D = dt.date
YEAR = (D(2026, 1, 1), D(2026, 5, 31))


@pytest.mark.django_db
def test_a_district_form_filled_for_the_district_equals_qingfeng_indicators(scene, tmp_path):
    code, filled, err = run_fill(tmp_path, template=xlsx(township_form()), org="140105", start=YEAR[0], end=YEAR[1],
                                 user="district")
    assert code == 0, err
    ws = filled["表1"]
    assert ws["B2"].value == "中共小店区委"
    assert (ws["D2"].value.date(), ws["F2"].value.date()) == YEAR
    assert ws["D2"].number_format == "yyyy-mm-dd"
    # One row per child active at `to`, in 组织编码 order: the street and the school.
    children = list(Organization.objects.filter(parent=scene.xiaodian).order_by("code"))
    assert [c.code for c in children] == ["140105001", "140105S01"]
    keys = ["orgs.total", "members.total", "orglife.compliance"]
    for n, child in enumerate(children):
        row = 4 + n
        expected = indicators(child.code, *YEAR, keys)
        prior = indicators(child.code, D(2025, 1, 1), D(2025, 5, 31), ["members.total"])
        assert [ws[f"{c}{row}"].value for c in "ABCDEF"] == [
            child.name, child.code, expected["orgs.total"], expected["members.total"], expected["orglife.compliance"],
            prior["members.total"]]
    # 三会一课 rates are numbers with one decimal: the school branch held none of its 主题党日.
    assert isinstance(ws["E4"].value, float) and ws["E4"].number_format == "0.0"
    assert ws["E5"].value == 0 and ws["E5"].number_format == "0.0"
    assert ws["D4"].value == 12 and ws["F4"].value == 11  # a member admitted in March 2026
    # The total moves down a row and sums both children; the row below it moves too.
    assert [ws["A6"].value, ws["C6"].value, ws["D6"].value, ws["F6"].value] == ["合计", "=SUM(C4:C5)", "=SUM(D4:D5)",
                                                                              "=SUM(F4:F5)"]
    own = indicators("140105", *YEAR, ["orgs.total", "members.total"])
    assert [ws["A7"].value, ws["C7"].value, ws["D7"].value] == ["本级", own["orgs.total"], own["members.total"]]


@pytest.mark.django_db
def test_the_officers_layout_is_kept(scene, tmp_path):
    wb = township_form()
    wb.defined_names["合计行"] = DefinedName("合计行", attr_text="'表1'!$C$5:$F$5")
    wb.defined_names["明细"] = DefinedName("明细", attr_text="'表1'!$C$4:$D$4")
    wb["填表说明"]["A2"] = "='表1'!D5"
    code, filled, err = run_fill(tmp_path, template=xlsx(wb), org="140105", start=YEAR[0], end=YEAR[1])
    assert code == 0, err
    ws = filled["表1"]
    assert ws["A1"].value == "党组织和党员基本情况统计表" and ws["A1"].font.bold and ws["A1"].font.size == 16
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:F1"}
    assert ws.column_dimensions["A"].width == 28
    assert ws.row_dimensions[1].height == 32
    assert ws.row_dimensions[4].height == ws.row_dimensions[5].height == 20  # each copy keeps the row's height
    assert ws["D4"].number_format == ws["D5"].number_format == "#,##0"
    assert filled.sheetnames == ["表1", "填表说明"]
    assert filled["填表说明"]["A1"].value == "本表由平台按台账自动生成。"
    # References from another sheet and defined names follow the rows they point at.
    assert filled["填表说明"]["A2"].value == "='表1'!D6"
    assert filled.defined_names["合计行"].attr_text == "'表1'!$C$6:$F$6"
    assert filled.defined_names["明细"].attr_text == "'表1'!$C$4:$D$5"


@pytest.mark.django_db
def test_filters_rates_nulls_and_fields(scene, tmp_path):
    template = workbook({
        "A1": "{{ org.code }}", "B1": "{{ org.name }}",
        "A2": "{{ members.total[category=预备党员] }}",
        "A3": "{{ activities.count[type=主题党日] }}",
        "A4": "{{ service.completion_rate }}",
        "A5": "{{ coverage.social }}",
        "A6": "{{ orglife.compliance[requirement=主题党日] }}",
        "A7": "{{ activities.count[type=主题党日] | prior_year }}",
        "A8": "  {{   service.beneficiaries   }}  ",
    })
    template["表1"]["A6"].number_format = "0.00"
    code, filled, err = run_fill(tmp_path, template=xlsx(template), org="14010500101", start=YEAR[0], end=YEAR[1])
    assert code == 0, err
    ws = filled["表1"]
    expected = indicators("14010500101", *YEAR, ["members.total[category=预备党员]", "activities.count[type=主题党日]",
                                                 "service.completion_rate", "coverage.social",
                                                 "orglife.compliance[requirement=主题党日]", "service.beneficiaries"])
    assert [ws[f"A{r}"].value for r in range(2, 7)] == [
        expected["members.total[category=预备党员]"], expected["activities.count[type=主题党日]"],
        expected["service.completion_rate"], None, expected["orglife.compliance[requirement=主题党日]"]]
    assert (ws["A1"].value, ws["B1"].value) == ("14010500101", "平阳景苑社区党委")
    assert ws["A2"].value == 1 and ws["A3"].value == 7 and ws["A4"].value == 33.3 and ws["A4"].number_format == "0.0"
    assert ws["A5"].value is None  # no social organizations: a null rate leaves the cell empty
    assert ws["A6"].number_format == "0.00"  # the officer's own format wins over the default 0.0
    assert ws["A7"].value == indicators("14010500101", D(2025, 1, 1), D(2025, 5, 31),
                                        ["activities.count[type=主题党日]"])["activities.count[type=主题党日]"] == 5
    assert ws["A8"].value == 30


@pytest.mark.django_db
@pytest.mark.parametrize("period, prior_count", [
    # 29 February 2024 ends the period: the year before ends on 28 February 2023, which counts.
    ((D(2024, 2, 1), D(2024, 2, 29)), 1),
    # A period ending 28 February 2025: the year before ends 28 February 2024 — the meeting of the 29th is outside.
    ((D(2025, 2, 1), D(2025, 2, 28)), 0),
    # Ending 1 March 2025: the year before runs to 1 March 2024 and holds the 29th.
    ((D(2025, 2, 1), D(2025, 3, 1)), 1),
])
def test_prior_year_across_29_february(scene, tmp_path, period, prior_count):
    template = workbook({"A1": "{{ activities.count[type=支部党员大会] | prior_year }}",
                         "A2": "{{ activities.count[type=支部党员大会] }}"})
    code, filled, err = run_fill(tmp_path, template=xlsx(template), org="14010500101A", start=period[0], end=period[1])
    assert code == 0, err
    assert filled["表1"]["A1"].value == prior_count
    assert filled["表1"]["A2"].value == 1


def _repeat_template(mark: str):
    wb = workbook({"A1": "标题", "A2": "单位", "B2": "党员", "A3": mark, "B3": "{{ members.total }}", "C3": "=B3*2",
                   "A4": "合计", "B4": "=SUM(B3:B3)", "A5": "制表人"})
    wb["表1"].merge_cells("C1:D1")
    return wb


@pytest.mark.django_db
@pytest.mark.parametrize("mark, org_code, expected", [
    ("{{ each child }}", "14010500101A", []),  # a branch has no children
    ("{{ each child }}", "140105001", [("平阳景苑社区党委", 11)]),
    ("{{ each child }}", "140100", [("中共小店区委", 11), ("中共迎泽区委", 4)]),
    ("{{ each branch }}", "140105E", []),  # a committee with no branch under it
    ("{{ each branch }}", "14010500101A", [("第一党支部", 8)]),  # a branch is its own only branch
    ("{{ each branch }}", "140105", [("第一党支部", 8), ("第二党支部", 3), ("小店区实验学校党支部", 0)]),
])
def test_repeated_rows_with_zero_one_and_many_organizations(world, tmp_path, mark, org_code, expected):
    org("140105E", "新设党委", world.xiaodian)
    code, filled, err = run_fill(tmp_path, template=xlsx(_repeat_template(mark)), org=org_code, start=D(2026, 1, 1),
                                 end=D(2026, 6, 1))
    assert code == 0, err
    ws = filled["表1"]
    n = len(expected)
    if not expected:
        # The row stays once, emptied: the layout and the total below it are as the officer drew them.
        assert values(ws, "A3:C5") == [[None, None, "=B3*2"], ["合计", "=SUM(B3:B3)", None], ["制表人", None, None]]
        return
    assert [(ws[f"A{3 + k}"].value, ws[f"B{3 + k}"].value) for k in range(n)] == expected
    assert [ws[f"C{3 + k}"].value for k in range(n)] == [f"=B{3 + k}*2" for k in range(n)]
    assert (ws[f"A{3 + n}"].value, ws[f"B{3 + n}"].value) == ("合计", f"=SUM(B3:B{2 + n})")
    assert ws[f"A{4 + n}"].value == "制表人"
    assert {str(r) for r in ws.merged_cells.ranges} == {"C1:D1"}


@pytest.mark.django_db
def test_formulas_above_inside_and_below_repeated_rows(world, tmp_path):
    wb = workbook({
        "A1": "=SUM(B4:B4)",  # above, over the repeated row: widened
        "B1": "=B6",  # above, pointing below: moves with its row
        "C1": "=$B$3",  # a header cell above: unchanged
        "A2": "=SUM(B3:B5)",  # from the row above to the row below: widened
        "B3": "党员数",
        "A4": "{{ each child }}", "B4": "{{ members.total }}",
        "C4": "=B4/SUM($B$4:$B$4)",  # inside: its own row; the absolute range spans the copies
        "D4": "=SUM($B$4:B4)",  # a running total: first copy to this copy
        "E4": "=B5",  # inside, pointing below the repeated row
        "A5": "合计", "B5": "=SUM(B4:B4)", "C5": "=B4",  # below: widened; a single cell on the row → its first copy
        "B6": "=B5+1", "C6": "=SUM(A:A)", "D6": "=SUM(3:4)",
    })
    ws = wb["表1"]
    ws.merge_cells("A7:B7")
    ws.merge_cells("F3:F4")  # starts above the repeated row and ends on it: widened
    ws.merge_cells("G4:H4")  # inside the row: copied with it
    ws.conditional_formatting.add("B4:B4", __import__("openpyxl").formatting.rule.CellIsRule(operator="greaterThan",
                                                                                            formula=["5"]))
    ws.print_area = "A1:H7"
    code, filled, err = run_fill(tmp_path, template=xlsx(wb), org="140100", start=D(2026, 1, 1), end=D(2026, 6, 1))
    assert code == 0, err
    ws = filled["表1"]  # two districts: row 4 becomes rows 4–5, everything below moves down one row
    assert [ws["A1"].value, ws["B1"].value, ws["C1"].value, ws["A2"].value] == ["=SUM(B4:B5)", "=B7", "=$B$3",
                                                                              "=SUM(B3:B6)"]
    assert [ws["C4"].value, ws["D4"].value, ws["E4"].value] == ["=B4/SUM($B$4:$B$5)", "=SUM($B$4:B4)", "=B6"]
    assert [ws["C5"].value, ws["D5"].value, ws["E5"].value] == ["=B5/SUM($B$4:$B$5)", "=SUM($B$4:B5)", "=B6"]
    assert [ws["A6"].value, ws["B6"].value, ws["C6"].value] == ["合计", "=SUM(B4:B5)", "=B4"]
    assert [ws["B7"].value, ws["C7"].value, ws["D7"].value] == ["=B6+1", "=SUM(A:A)", "=SUM(3:5)"]
    assert {str(r) for r in ws.merged_cells.ranges} == {"A8:B8", "F3:F5", "G4:H4", "G5:H5"}
    assert [str(cf.sqref) for cf in ws.conditional_formatting] == ["B4:B5"]
    assert ws.print_area == "'表1'!$A$1:$H$8"


@pytest.mark.django_db
def test_a_merged_range_from_a_repeated_row_downwards_is_refused(world, tmp_path):
    wb = _repeat_template("{{ each child }}")
    wb["表1"].merge_cells("D3:D4")  # would overlap its own copies
    code, filled, err = run_fill(tmp_path, template=xlsx(wb), org="140100", start=D(2026, 1, 1), end=D(2026, 6, 1))
    assert code == 2 and filled is None
    assert "表1!D3:D4: 合并单元格从重复行延伸到下面的行" in err


@pytest.mark.django_db
def test_every_problem_names_its_sheet_and_cell_and_nothing_is_written(world, tmp_path):
    wb = workbook({"D4": "{{ x.y }}", "D5": "{{ members.total[colour=红] }}", "D6": "填报单位：{{ org.name }}",
                   "D7": "{{ orgs.total | last_year }}", "D8": "{{ org.address }}", "D9": "{{ members.total }}"})
    wb.create_sheet("表2")["B2"] = "{{ orgs.totl }}"
    code, filled, err = run_fill(tmp_path, template=xlsx(wb), org="140105", start=D(2026, 1, 1), end=D(2026, 6, 1))
    assert code == 2 and filled is None
    lines = err.splitlines()
    assert lines[0] == "表1!D4: 未知指标 “x.y”"
    assert lines[1].startswith("表1!D5: 指标“members.total”没有筛选“colour”")
    assert lines[2].startswith("表1!D6: 占位符须独占一个单元格")
    assert lines[3] == "表1!D7: 无法识别的写法 “| last_year”，只支持 “| prior_year”"
    assert lines[4] == "表1!D8: 无法识别的占位符 “org.address”"
    assert lines[5] == "表2!B2: 未知指标 “orgs.totl”"
    assert "发现 6 个问题，未生成文件" in lines[6]


@pytest.mark.django_db
def test_scope_and_discipline_refusals(world, tmp_path):
    template = xlsx(workbook({"A1": "{{ org.name }}", "B3": "{{ discipline.cases_filed }}"}))
    code, filled, err = run_fill(tmp_path, template=template, org="140105", start=D(2026, 1, 1), end=D(2026, 6, 1),
                                 user="district")
    assert code == 2 and filled is None
    assert "表1!B3: 无权查看指标 “discipline.cases_filed”" in err
    code, filled, err = run_fill(tmp_path, template=template, org="140105", start=D(2026, 1, 1), end=D(2026, 6, 1),
                                 user="discipline")
    assert code == 0, err
    assert filled["表1"]["B3"].value == 0
    plain = xlsx(workbook({"A1": "{{ org.name }}"}))
    code, filled, err = run_fill(tmp_path, template=plain, org="140106", start=D(2026, 1, 1), end=D(2026, 6, 1),
                                 user="district")
    assert code == 2 and filled is None
    assert "140106" in err and "不在您的管理范围内" in err


@pytest.mark.django_db
def test_a_name_starting_with_an_equals_sign_stays_text(world, tmp_path):
    org("140105X", "=HYPERLINK(\"http://evil.example\",\"x\")", world.xiaodian)
    code, filled, err = run_fill(tmp_path, template=xlsx(workbook({"A1": "{{ org.name }}"})), org="140105X",
                                 start=D(2026, 1, 1), end=D(2026, 6, 1))
    assert code == 0, err
    cell = filled["表1"]["A1"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


@pytest.mark.django_db
def test_unreadable_files_and_usage_errors(world, tmp_path):
    code, filled, err = run_fill(tmp_path, template=b"not a workbook", org="140105", start=D(2026, 1, 1),
                                 end=D(2026, 6, 1))
    assert code == 2 and "无法读取该文件" in err
    code, filled, err = run_fill(tmp_path, template=xlsx(workbook({"A1": "表"})), org="140105", start=D(2026, 1, 1),
                                 end=D(2026, 6, 1))
    assert code == 2 and "模板中没有找到占位符" in err
    code, filled, err = run_fill(tmp_path, template=xlsx(workbook({"A1": "{{ org.name }}"})), org="140105",
                                 start=D(2026, 6, 1), end=D(2026, 1, 1))
    assert code == 2 and "晚于结束日期" in err


@pytest.mark.django_db
def test_hostile_templates_are_read_within_bounds(world, tmp_path):
    import io
    import zipfile

    # One cell at the last position of a sheet: only the cells the file holds are visited.
    far = workbook({"A1": "{{ org.name }}", "XFD1048576": "末"})
    code, filled, err = run_fill(tmp_path, template=xlsx(far), org="140105", start=D(2026, 1, 1), end=D(2026, 6, 1))
    assert code == 0, err
    assert filled["表1"]["A1"].value == "中共小店区委" and filled["表1"]["XFD1048576"].value == "末"
    # A package whose parts unpack to far more than any form: refused before it is parsed.
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx(workbook({"A1": "{{ org.name }}"})))) as source, \
            zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item.filename))
        bomb.writestr("xl/media/padding.bin", b"\0" * (12 * 1024 * 1024))
    assert len(packed.getvalue()) < 100 * 1024
    code, filled, err = run_fill(tmp_path, template=packed.getvalue(), org="140105", start=D(2026, 1, 1),
                                 end=D(2026, 6, 1))
    assert code == 2 and filled is None and "文件解压后过大" in err
