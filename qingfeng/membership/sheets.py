"""The 发展党员 import sheet (docs/import-development.md): one row per person on the way from application to full
membership. Membership itself (入党日期, 转正日期) stays in the 党员 sheet; this sheet keeps the procedure's
milestones, and the stage follows from them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from qingfeng.core.idnumbers import id_birth_date
from qingfeng.core.sheets import (
    CODE,
    DATE,
    FREE,
    ID,
    INT,
    Col,
    Context,
    Ledger,
    Problems,
    Row,
    Sheet,
    SheetPlan,
    register,
)
from qingfeng.membership import rules
from qingfeng.membership.models import stage_from_dates

# Each stage needs the one before it (a missing talk date, common in old ledgers, is allowed).
STEPS = [("确定发展对象日期", "确定积极分子日期"), ("支部大会日期", "确定发展对象日期"), ("审批日期", "支部大会日期"),
         ("转正支部大会日期", "审批日期"), ("转正审批日期", "转正支部大会日期")]


def check_candidate(row: Row) -> Problems:
    """The procedure's rules that no later fact can excuse (membership.rules); deadlines that were missed are
    facts, recorded and shown late, not errors."""
    problems = []
    number = row["公民身份号码"]
    birth = id_birth_date(number) if number else None
    if birth is not None and (p := rules.age_problem(birth, row["递交申请日期"])):
        problems.append(("递交申请日期", p))
    for later, earlier in STEPS:
        if row[later] is not None and row[earlier] is None:
            problems.append((later, _("填写了%(later)s，须先填写%(earlier)s") % {"later": later, "earlier": earlier}))
    if row["确定发展对象日期"] and row["确定积极分子日期"] and (
            p := rules.candidate_problem(row["确定积极分子日期"], row["确定发展对象日期"])):
        problems.append(("确定发展对象日期", p))
    if row["确定发展对象日期"]:
        intro = [row["入党介绍人一"], row["入党介绍人二"]]
        if not all(intro):
            problems.append(("入党介绍人一", _("确定发展对象须有两名入党介绍人")))
        elif intro[0] == intro[1] or number in intro:
            problems.append(("入党介绍人二", _("两名入党介绍人须是本人以外的两个人")))
    problems += _check_vote(row)
    if row["终止原因"] and not row["终止日期"]:
        problems.append(("终止日期", _("填写了终止原因时须填写终止日期")))
    return problems


def _check_vote(row: Row) -> list[tuple[str, str]]:
    problems = []
    if row["支部大会日期"]:
        if p := rules.training_problem(row["培训天数"], row["培训学时"]):
            problems.append(("培训天数", p))
        if p := rules.vote_problem(row["应到人数"], row["实到人数"], row["赞成票数"]):
            problems.append(("赞成票数", p))
    if row["延长预备期月数"] is not None and (p := rules.extension_problem(row["延长预备期月数"], False)):
        problems.append(("延长预备期月数", p))
    if row["转正支部大会日期"] and row["支部大会日期"] and (p := rules.full_vote_problem(
            rules.probation_end(row["支部大会日期"], row["延长预备期月数"]), row["转正支部大会日期"])):
        problems.append(("转正支部大会日期", p))
    return problems


class CandidateLedger(Ledger):
    """Imports write the milestones' dates; the stage follows from them (membership.models.stage_from_dates)."""

    def create(self, ctx: Context, plan: SheetPlan, objs: list, rows: list) -> None:
        for obj in objs:
            obj.stage = stage_from_dates(obj)
        super().create(ctx, plan, objs, rows)

    def update(self, ctx: Context, plan: SheetPlan, objs: list, fields: list[str], rows: list) -> None:
        for obj in objs:
            obj.stage = stage_from_dates(obj)
        super().update(ctx, plan, objs, [*fields, "stage"], rows)


PERSON = "正式党员的公民身份号码"
CANDIDATES = register(Sheet("发展党员", order=40, model="membership.Candidate", key=("公民身份号码", "递交申请日期"),
                            names_people=True, check=check_candidate, ledger=CandidateLedger(), date_rules=(
    ("谈话日期", "递交申请日期", False), ("确定积极分子日期", "递交申请日期", False),
    ("政治审查日期", "确定发展对象日期", False), ("支部大会日期", "确定发展对象日期", False),
    ("审批日期", "支部大会日期", False), ("转正审批日期", "转正支部大会日期", False), ("终止日期", "递交申请日期", False),
), columns=(
    Col("公民身份号码", True, ID, example="140105200001010014", lookup="person__id_number"),
    Col("姓名", True, FREE, max_length=50, example="李四", export="person__name"),
    Col("组织编码", True, CODE, max_length=32, example="14010500101", note="受理申请的党支部", lookup="org__code", org=True),
    Col("递交申请日期", True, DATE, example="2023-03-01", lookup="applied_on"),
    Col("谈话日期", False, DATE, example="2023-03-20", note="应在递交申请后一个月内", lookup="talked_on"),
    Col("确定积极分子日期", False, DATE, example="2023-06-01", lookup="activist_on"),
    Col("培养联系人", False, ID, note=PERSON, lookup="contact_1__id_number", known_person=True),
    Col("确定发展对象日期", False, DATE, note="确定积极分子满一年以后", lookup="candidate_on"),
    Col("入党介绍人一", False, ID, note=PERSON, lookup="introducer_1__id_number", known_person=True),
    Col("入党介绍人二", False, ID, note=PERSON, lookup="introducer_2__id_number", known_person=True),
    Col("政治审查日期", False, DATE, lookup="review_on"),
    Col("培训天数", False, INT, note="不少于3天或24学时", lookup="training_days"),
    Col("培训学时", False, INT, lookup="training_hours"),
    Col("支部大会日期", False, DATE, note="预备期从此日算起", lookup="vote_on"),
    Col("应到人数", False, INT, note="有表决权的正式党员", lookup="votes_due"),
    Col("实到人数", False, INT, lookup="votes_present"),
    Col("赞成票数", False, INT, lookup="votes_yes"),
    Col("审批日期", False, DATE, note="应在支部大会后三个月内", lookup="approved_on"),
    Col("延长预备期月数", False, INT, note="6至12，只能延长一次", lookup="extension_months"),
    Col("转正支部大会日期", False, DATE, note="预备期满以后", lookup="full_vote_on"),
    Col("转正审批日期", False, DATE, lookup="full_approved_on"),
    Col("终止日期", False, DATE, lookup="closed_on"),
    Col("终止原因", False, FREE, lookup="closed_reason"),
)))
