"""The codified time and quantity rules of the member lifecycle (reference/domain-research.md §1.4–1.5).

Periods are calendar months and years (add_months clamps to the month's end; 29 February's
anniversary is 28 February), never day counts. Each check returns None when satisfied, or the
reason in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from qingfeng.core.dates import add_months, add_years

MIN_AGE_YEARS = 18
TALK_WITHIN_MONTHS = 1
ACTIVIST_MIN_MONTHS = 12
TRAINING_MIN_DAYS = 3
TRAINING_MIN_HOURS = 24
APPROVAL_WITHIN_MONTHS = 3
PROBATION_MONTHS = 12
EXTENSION_MIN_MONTHS = 6
EXTENSION_MAX_MONTHS = 12
FULL_APPROVAL_WITHIN_MONTHS = 3
LAPSE_MONTHS = 6  # 党章 第九条: six consecutive months


def age_problem(birth: dt.date | None, applied_on: dt.date) -> str | None:
    if birth is None:
        return _("缺少出生日期，无法核对年龄。")
    if add_years(birth, MIN_AGE_YEARS) > applied_on:
        return _("递交入党申请书时未满18周岁。")
    return None


def talk_deadline(applied_on: dt.date) -> dt.date:
    return add_months(applied_on, TALK_WITHIN_MONTHS)


def talk_problem(applied_on: dt.date, talked_on: dt.date) -> str | None:
    if talked_on < applied_on:
        return _("谈话日期早于递交申请日期。")
    if talked_on > talk_deadline(applied_on):
        return _("应在收到入党申请书后一个月内（%(date)s 前）派人谈话。") % {"date": talk_deadline(applied_on)}
    return None


def earliest_candidate_date(activist_on: dt.date) -> dt.date:
    return add_months(activist_on, ACTIVIST_MIN_MONTHS)


def candidate_problem(activist_on: dt.date | None, candidate_on: dt.date) -> str | None:
    if activist_on is None:
        return _("尚未确定为入党积极分子。")
    if candidate_on < earliest_candidate_date(activist_on):
        return _("入党积极分子须经过一年以上培养考察，最早 %(date)s 可确定为发展对象。") % {
            "date": earliest_candidate_date(activist_on)}
    return None


def training_problem(days: int | None, hours: int | None) -> str | None:
    if (days or 0) >= TRAINING_MIN_DAYS or (hours or 0) >= TRAINING_MIN_HOURS:
        return None
    return _("发展对象集中培训不少于3天或24学时。")


def introducers_problem(candidate_person, first, second, on: dt.date) -> str | None:
    if first is None or second is None:
        return _("须有两名入党介绍人。")
    if first.pk == second.pk:
        return _("两名入党介绍人不能是同一人。")
    for introducer in (first, second):
        if introducer.pk == candidate_person.pk:
            return _("本人不能担任自己的入党介绍人。")
        if introducer.category_on(on) != "正式党员":
            return _("入党介绍人 %(name)s 在 %(date)s 不是正式党员。") % {"name": introducer.name, "date": on}
    return None


def vote_problem(due: int | None, present: int | None, yes: int | None) -> str | None:
    """The branch meeting needs more than half of the voting members due; the motion more than half of them."""
    if not due or present is None or yes is None:
        return _("请填写应到、实到人数和赞成票数。")
    if present > due or yes > present:
        return _("实到人数不能多于应到人数，赞成票不能多于实到人数。")
    if present * 2 <= due:
        return _("实到有表决权党员未超过应到人数的半数，会议无效。")
    if yes * 2 <= due:
        return _("赞成票未超过应到有表决权党员的半数，未通过。")
    return None


def approval_deadline(vote_on: dt.date) -> dt.date:
    return add_months(vote_on, APPROVAL_WITHIN_MONTHS)


def approval_problem(vote_on: dt.date, approved_on: dt.date) -> str | None:
    if approved_on < vote_on:
        return _("审批日期早于支部大会讨论日期。")
    if approved_on > approval_deadline(vote_on):
        return _("上级党委应在支部大会通过后三个月内（%(date)s 前）审批。") % {"date": approval_deadline(vote_on)}
    return None


def extension_problem(months: int | None, already_extended: bool) -> str | None:
    if already_extended:
        return _("预备期只能延长一次。")
    if months is None or not EXTENSION_MIN_MONTHS <= months <= EXTENSION_MAX_MONTHS:
        return _("延长预备期不能少于半年，最长不超过一年。")
    return None


def probation_end(vote_on: dt.date, extension_months: int | None = None) -> dt.date:
    """The probation counts from the branch vote; 转正 takes effect the day it ends."""
    return add_months(vote_on, PROBATION_MONTHS + (extension_months or 0))


def full_approval_deadline(probation_ends_on: dt.date) -> dt.date:
    return add_months(probation_ends_on, FULL_APPROVAL_WITHIN_MONTHS)


ONE_DAY = dt.timedelta(days=1)


def late_steps(stage: str, applied_on: dt.date, talked_on: dt.date | None, vote_on: dt.date | None,
               approved_on: dt.date | None, extension_months: int | None, full_vote_on: dt.date | None,
               full_approved_on: dt.date | None) -> list[tuple[str, dt.date, dt.date]]:
    """The steps of a candidacy in progress, in its current stage, that fall late if still not taken:
    (kind, deadline, the first day it counts as late). The warnings and the "late" facts both read this."""
    out: list[tuple[str, dt.date, dt.date]] = []
    if stage == "applicant" and talked_on is None:
        deadline = talk_deadline(applied_on)
        out.append(("talk_late", deadline, deadline + ONE_DAY))
    elif stage == "candidate" and vote_on is not None and approved_on is None:
        deadline = approval_deadline(vote_on)
        out.append(("approval_late", deadline, deadline + ONE_DAY))
    elif stage == "probationary" and vote_on is not None:
        ends = probation_end(vote_on, extension_months)
        if full_vote_on is None:
            out.append(("probation_due", ends, ends))  # due on the day the probation ends
        if full_approved_on is None:
            deadline = full_approval_deadline(ends)
            out.append(("full_approval_late", deadline, deadline + ONE_DAY))
    return out


def full_vote_problem(probation_ends_on: dt.date, full_vote_on: dt.date) -> str | None:
    if full_vote_on < probation_ends_on:
        return _("预备期 %(date)s 才满，不能提前讨论转正。") % {"date": probation_ends_on}
    return None


def full_approval_problem(probation_ends_on: dt.date, full_vote_on: dt.date, approved_on: dt.date) -> str | None:
    if approved_on < full_vote_on:
        return _("转正审批日期早于支部大会讨论日期。")
    if approved_on > full_approval_deadline(probation_ends_on):
        return _("转正应在预备期满后三个月内（%(date)s 前）审批。") % {"date": full_approval_deadline(probation_ends_on)}
    return None


# ---- dues (党费) -------------------------------------------------------------------------

SALARY_BANDS = [(3000, Decimal("0.005")), (5000, Decimal("0.01")), (10000, Decimal("0.015")), (None, Decimal("0.02"))]
RETIRED_BANDS = [(5000, Decimal("0.005")), (None, Decimal("0.01"))]
FARMER_MIN_FEN, FARMER_MAX_FEN = 20, 100
FLAT_FEN = 20  # students, the unemployed, members on relief: 0.2 yuan a month


def monthly_dues_fen(kind: str, income: int) -> int:
    """Monthly dues in fen (1/100 yuan) for a declared monthly income in yuan.

    For farmers `income` is the amount the branch set, in fen, within 0.2–1 yuan."""
    if kind in ("salary", "self"):
        bands = SALARY_BANDS
    elif kind == "retired":
        bands = RETIRED_BANDS
    elif kind == "farmer":
        return min(max(income, FARMER_MIN_FEN), FARMER_MAX_FEN)
    else:
        return FLAT_FEN
    for ceiling, rate in bands:
        if ceiling is None or income <= ceiling:
            return int((Decimal(income) * 100 * rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    raise AssertionError("unreachable")
