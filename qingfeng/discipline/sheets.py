"""The restricted import sheets (spec/import-formats.md): 案件, 处置 and 纪检监察建议书 — only 纪检监察 roles and
系统管理员 may import them; for anyone else a workbook holding them is rejected whole."""

from __future__ import annotations

from qingfeng.core.sheets import CODE, DATE, ENUM, FREE, ID, INT, YES_NO, Col, Sheet, choices_of, register
from qingfeng.people.models import CadreLevel

CASES = register(Sheet("案件", order=160, model="discipline.Case", key=("案件编号",), restricted=True,
                       writers="discipline", names_people=True, date_rules=(("结案日期", "立案日期", False),), columns=(
    Col("案件编号", True, CODE, max_length=40, example="AJ-2025-001", lookup="code"),
    Col("公民身份号码", True, ID, example="140105198005060011", lookup="person__id_number"),
    Col("姓名", True, FREE, max_length=50, example="张三", export="person__name"),
    Col("干部管理层级", False, ENUM, choices_of(CadreLevel.values), note="立案时的层级，不改变人员当前层级",
        lookup="cadre_level"),
    Col("组织编码", True, CODE, max_length=32, example="140100", lookup="org__code", org=True),
    Col("立案日期", True, DATE, example="2025-02-01", lookup="filed_on"),
    Col("主动投案", False, ENUM, YES_NO, note="空表示否", lookup="self_surrender", default=False),
    Col("结案日期", False, DATE, lookup="closed_on"),
)))

DISPOSITIONS = register(Sheet("处置", order=170, model="discipline.Disposition", key=("公民身份号码", "日期", "形态"),
                              restricted=True, writers="discipline", names_people=True, columns=(
    Col("公民身份号码", True, ID, example="140105198005060011", lookup="person__id_number"),
    Col("姓名", True, FREE, max_length=50, example="张三", export="person__name"),
    Col("组织编码", True, CODE, max_length=32, example="140100", lookup="org__code", org=True),
    Col("日期", True, DATE, example="2025-03-01", lookup="decided_on"),
    Col("形态", True, INT, ("1", "2", "3", "4"), example=1, note="1、2、3或4", lookup="form"),
    Col("措施", False, FREE, lookup="measure"),
    Col("案件编号", False, CODE, max_length=40, lookup="case__code", ref="案件"),
)))

RECOMMENDATIONS = register(Sheet("纪检监察建议书", order=180, model="discipline.Recommendation", key=("建议书编号",),
                                 restricted=True, writers="discipline", date_rules=(("回复日期", "发出日期", False),),
                                 columns=(
    Col("建议书编号", True, CODE, max_length=40, example="JY-2025-001", lookup="code"),
    Col("组织编码", True, CODE, max_length=32, example="140100", lookup="org__code", org=True),
    Col("发出日期", True, DATE, example="2025-04-01", lookup="issued_on"),
    Col("收文单位", True, FREE, example="某某局", lookup="recipient"),
    Col("回复日期", False, DATE, lookup="replied_on"),
)))
