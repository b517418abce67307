"""The political-ecology assessment (政治生态评估): weighted indicators → a 0–100 score per organization.

Scoring (docs/assessment.md says the same for readers):
- an indicator scores 0–100 by where its value lies between `worst` (0 points) and `target` (100 points);
  `direction` "higher" means more is better (worst defaults to 0), "lower" means less is better (worst
  is required and above the target); values beyond the target score 100, beyond worst 0. A `prorate`
  target (a count per year) is scaled to the length of the period;
- a dimension scores the weighted mean of its indicators that have a value; the total is the weighted
  mean of the dimensions that have a score. An indicator without a value (a rate with nothing to
  count) drops out and the others' weights are renormalized, so missing data neither helps nor hurts;
- discipline indicators (纪律建设, restricted) count only for viewers who may see discipline records (纪检监察,
  系统管理员). Everyone else is scored by the definition without them (`for_viewer`: restricted indicators dropped,
  the weights renormalized), so no score, colour, rank or change they see depends on a case, a disposition or a
  recommendation — the security review derived the day a 建议书 was issued from one-day scores (issue 16,
  finding 8). docs/assessment.md states the decision.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qingfeng.core.dates import add_months
from qingfeng.core.memo import per_request
from qingfeng.indicators import figures

if TYPE_CHECKING:
    from collections.abc import Callable

    from qingfeng.indicators.engine import GridAsk
    from qingfeng.orgs.models import Organization

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "assessment.json"
DIRECTIONS = ("higher", "lower")
COLORS = ("green", "yellow", "red")
# The six dimension names of the default definition, marked for translation.
DIMENSION_NAMES = [gettext_noop("政治建设"), gettext_noop("组织建设"), gettext_noop("作风建设"),
                   gettext_noop("纪律建设"), gettext_noop("为民服务"), gettext_noop("监督整改")]


def round1(value: float) -> float:
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# ---- the definition ----------------------------------------------------------------------

def default_definition() -> dict:
    """The definition shipped in data/assessment.json, normalized like a saved version (a copy: callers may change
    theirs)."""
    return copy.deepcopy(_shipped())


@functools.cache
def _shipped() -> dict:
    return validate_definition(json.loads(DEFAULT_FILE.read_text(encoding="utf-8")))


@per_request  # the page's ETag and its figures read the same version
def current_version():
    from qingfeng.cockpit.models import AssessmentVersion

    return AssessmentVersion.objects.order_by("-number").first()


def current_definition() -> dict:
    version = current_version()
    return version.definition if version else default_definition()


def _number(value, where: str, errors: list[str], minimum: float | None = None, strict: bool = False):
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append(_("%(where)s必须是数字") % {"where": where})
        return None
    if minimum is not None and (value <= minimum if strict else value < minimum):
        errors.append(_("%(where)s必须大于%(min)s") % {"where": where, "min": minimum} if strict
                      else _("%(where)s不能小于%(min)s") % {"where": where, "min": minimum})
        return None
    return value


def validate_definition(data) -> dict:
    """Checks a definition and returns it normalized; raises ValidationError listing every problem in Chinese."""
    from qingfeng.indicators.engine import IndicatorError, parse_keys

    errors: list[str] = []
    if not isinstance(data, dict):
        raise ValidationError(_("方案必须是一个 JSON 对象"))
    thresholds = data.get("thresholds")
    green = yellow = None
    if not isinstance(thresholds, dict):
        errors.append(_("缺少阈值 thresholds（green、yellow）"))
    else:
        green = _number(thresholds.get("green"), _("绿色阈值"), errors, 0)
        yellow = _number(thresholds.get("yellow"), _("黄色阈值"), errors, 0)
        if green is not None and yellow is not None and not (0 <= yellow < green <= 100):
            errors.append(_("阈值必须满足 0 ≤ 黄色 < 绿色 ≤ 100"))
    dimensions = data.get("dimensions")
    clean_dims = []
    if not isinstance(dimensions, list) or not dimensions:
        errors.append(_("至少需要一个维度"))
        dimensions = []
    seen_dims: set[str] = set()
    seen_keys: set[str] = set()
    for d_index, dim in enumerate(dimensions, start=1):
        if not isinstance(dim, dict):
            errors.append(_("第%(n)s个维度格式不正确") % {"n": d_index})
            continue
        name = str(dim.get("name") or "").strip()
        dim_id = str(dim.get("id") or "").strip() or f"d{d_index}"
        where = _("维度“%(name)s”") % {"name": name or d_index}
        if not name:
            errors.append(_("第%(n)s个维度缺少名称") % {"n": d_index})
        if dim_id in seen_dims:
            errors.append(_("维度编号“%(id)s”重复") % {"id": dim_id})
        seen_dims.add(dim_id)
        weight = _number(dim.get("weight"), where + _("的权重"), errors, 0, strict=True)
        items = dim.get("indicators")
        if not isinstance(items, list) or not items:
            errors.append(_("%(where)s至少需要一个指标") % {"where": where})
            items = []
        clean_items = []
        for item in items:
            if not isinstance(item, dict):
                errors.append(_("%(where)s中有格式不正确的指标") % {"where": where})
                continue
            key = str(item.get("key") or "").strip()
            try:
                parsed = parse_keys(key)
            except IndicatorError as exc:
                errors.append(_("%(where)s：指标“%(key)s”无效：%(reason)s") % {"where": where, "key": key, "reason": exc})
                continue
            if len(parsed) != 1:
                errors.append(_("%(where)s：每行只能填写一个指标（“%(key)s”）") % {"where": where, "key": key})
                continue
            key = parsed[0]
            if key in seen_keys:
                errors.append(_("指标“%(key)s”在方案中出现了两次") % {"key": key})
            seen_keys.add(key)
            at = _("%(where)s的指标“%(key)s”") % {"where": where, "key": key}
            direction = item.get("direction")
            if direction not in DIRECTIONS:
                errors.append(_("%(at)s的方向必须是 higher（越高越好）或 lower（越低越好）") % {"at": at})
            i_weight = _number(item.get("weight"), at + _("的权重"), errors, 0, strict=True)
            target = _number(item.get("target"), at + _("的目标值"), errors, 0)
            worst = item.get("worst")
            if worst is None and direction == "higher":
                worst = 0
            if worst is None:
                errors.append(_("%(at)s越低越好，必须给出得零分的值 worst") % {"at": at})
            else:
                worst = _number(worst, at + _("的零分值"), errors, 0)
            if target is not None and worst is not None:
                if direction == "higher" and not worst < target:
                    errors.append(_("%(at)s越高越好，零分值必须小于目标值") % {"at": at})
                if direction == "lower" and not worst > target:
                    errors.append(_("%(at)s越低越好，零分值必须大于目标值") % {"at": at})
            prorate = item.get("prorate", False)
            if not isinstance(prorate, bool):
                errors.append(_("%(at)s的 prorate 必须是 true 或 false") % {"at": at})
            if figures.is_rate(key) and prorate:
                errors.append(_("%(at)s是比率，不能按期间折算") % {"at": at})
            clean_items.append({"key": key, "weight": i_weight, "direction": direction, "target": target,
                                "worst": worst, "prorate": bool(prorate)})
        clean_dims.append({"id": dim_id, "name": name, "weight": weight, "indicators": clean_items})
    if errors:
        raise ValidationError(errors)
    return {"thresholds": {"green": green, "yellow": yellow}, "dimensions": clean_dims}


def for_viewer(definition: dict, sees_discipline: bool) -> dict:
    """The definition a viewer is scored by: for one who may not see discipline records, without the restricted
    indicators (a dimension left empty goes too; the rest is renormalized as for missing values)."""
    if sees_discipline:
        return definition
    dims = []
    for dim in definition["dimensions"]:
        items = [item for item in dim["indicators"] if not figures.is_restricted(item["key"])]
        if items:
            dims.append({**dim, "indicators": items})
    return {**definition, "dimensions": dims}


def definition_keys(definition: dict) -> list[str]:
    return [item["key"] for dim in definition["dimensions"] for item in dim["indicators"]]


# ---- scoring -----------------------------------------------------------------------------

@dataclass
class IndicatorScore:
    key: str
    value: float | int | None
    target: float
    worst: float
    direction: str
    weight: float  # share of the dimension, 0–1, after renormalization (0 when the value is missing)
    score: float | None  # 0–100
    points: float | None  # contribution to the total score
    restricted: bool
    drill_url: str | None = None

    @property
    def label(self) -> str:
        return figures.label(self.key)

    @property
    def display(self) -> str:
        return figures.fmt(self.value, self.key)

    @property
    def target_display(self) -> str:
        return figures.fmt(self.target, self.key)


@dataclass
class DimensionScore:
    id: str
    name: str
    weight: float  # share of the total, 0–1, after renormalization
    score: float | None
    points: float | None
    indicators: list[IndicatorScore] = field(default_factory=list)

    @property
    def label(self) -> str:
        return _(self.name)

    @property
    def has_restricted(self) -> bool:
        return any(i.restricted for i in self.indicators)


@dataclass
class OrgScore:
    org: Organization
    score: float | None
    dimensions: list[DimensionScore]
    color: str | None = None
    rank: int | None = None
    previous: float | None = None

    @property
    def change(self) -> float | None:
        if self.score is None or self.previous is None:
            return None
        return round1(self.score - self.previous)


def _indicator_score(item: dict, value, factor: float) -> float | None:
    if value is None:
        return None
    target = item["target"] * factor if item["prorate"] else item["target"]
    worst = item["worst"] * factor if item["prorate"] else item["worst"]
    if target == worst:
        return 100.0 if value >= target else 0.0
    share = (value - worst) / (target - worst)
    return 100.0 * min(1.0, max(0.0, share))


def period_factor(start: dt.date, end: dt.date) -> float:
    return ((end - start).days + 1) / 365.0


def score(values: dict, definition: dict, start: dt.date, end: dt.date) -> tuple[float | None, list[DimensionScore]]:
    """The total score and its breakdown, from indicator values already computed (a pure function)."""
    factor = period_factor(start, end)
    dims: list[DimensionScore] = []
    for dim in definition["dimensions"]:
        items = []
        for item in dim["indicators"]:
            value = values.get(item["key"])
            s = _indicator_score(item, value, factor)
            target = item["target"] * factor if item["prorate"] else item["target"]
            worst = item["worst"] * factor if item["prorate"] else item["worst"]
            items.append(IndicatorScore(item["key"], value, target, worst, item["direction"], item["weight"], s, None,
                                        figures.is_restricted(item["key"])))
        scored = [i for i in items if i.score is not None]
        total_w = sum(i.weight for i in scored)
        for i in items:
            i.weight = i.weight / total_w if i.score is not None and total_w else 0.0
        dim_score = sum(i.weight * i.score for i in scored if i.score is not None) if scored else None
        dims.append(DimensionScore(dim["id"], dim["name"], dim["weight"], dim_score, None, items))
    scored_dims = [d for d in dims if d.score is not None]
    total_w = sum(d.weight for d in scored_dims)
    for d in dims:
        d.weight = d.weight / total_w if d.score is not None and total_w else 0.0
        d.points = d.weight * d.score if d.score is not None else None
        for i in d.indicators:
            i.points = d.weight * i.weight * i.score if i.score is not None and d.score is not None else None
    total: float | None = sum(d.points for d in scored_dims if d.points is not None) if scored_dims else None
    if total is not None:
        total = round1(total)
    for d in dims:
        d.score = round1(d.score) if d.score is not None else None
    return total, dims


def color_for(value: float | None, definition: dict) -> str | None:
    if value is None:
        return None
    if value >= definition["thresholds"]["green"]:
        return "green"
    if value >= definition["thresholds"]["yellow"]:
        return "yellow"
    return "red"


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The same window one month earlier, for the month-over-month change."""
    return add_months(start, -1), add_months(end, -1)


def rank(scores: list[OrgScore]) -> list[OrgScore]:
    """Orders by score, best first; equal scores share a rank (1, 2, 2, 4); no score ranks last, unranked."""
    ordered = sorted(scores, key=lambda s: (s.score is None, -(s.score or 0), s.org.code))
    previous_score, previous_rank = None, 0
    for position, item in enumerate(ordered, start=1):
        if item.score is None:
            item.rank = None
            continue
        item.rank = previous_rank if item.score == previous_score else position
        previous_score, previous_rank = item.score, item.rank
    return ordered


def grid_asks(orgs: list[Organization], start: dt.date, end: dt.date, definition: dict,
              extra_keys: list[str] | None = None) -> list[GridAsk]:
    """What `assess` asks the engine, for a definition as the viewer sees it (for_viewer): every organization's
    values for the period (with `extra_keys`), then for the month before. A page asking for more in the same
    computation (the cockpit: its own figures too) passes assess a grid that answers these from its own."""
    keys = definition_keys(definition)
    asked = keys + [k for k in (extra_keys or []) if k not in keys]
    prev_start, prev_end = previous_period(start, end)
    now: list[GridAsk] = [(o, start, end, asked) for o in orgs]
    return now + [(o, prev_start, prev_end, keys) for o in orgs]


def assess(orgs, start: dt.date, end: dt.date, definition: dict | None = None, values_cache: dict | None = None,
           extra_keys: list[str] | None = None, sees_discipline: bool = True,
           grid: Callable[[list[GridAsk]], list[dict]] | None = None) -> list[OrgScore]:
    """Scores, ranks and colours these organizations (siblings) for the period, with the month-over-month change.

    Values come from the indicator engine (which reads facts). A viewer who may not see discipline records
    (`sees_discipline` False — pages pass user.sees_discipline) is scored without the restricted indicators, which
    are then not even computed. `values_cache` (org pk → values) lets a caller reuse values it computed for the
    same period; `extra_keys` are computed along (for that cache). `grid`: how the values are computed (default
    engine.compute_grid; the cockpit shares each organization's, cockpit.caching.shared_grid)."""
    from qingfeng.indicators.engine import compute_grid

    grid = grid or compute_grid

    definition = for_viewer(definition or current_definition(), sees_discipline)
    prev_start, prev_end = previous_period(start, end)
    orgs = list(orgs)
    # Both periods of every organization in one go: the engine reads their facts together.
    got = grid(grid_asks(orgs, start, end, definition, extra_keys))
    results = []
    for n, org in enumerate(orgs):
        values = got[n]
        if values_cache is not None:
            values_cache[org.pk] = values
        total, dims = score(values, definition, start, end)
        for dim in dims:
            for item in dim.indicators:
                item.drill_url = figures.drill_url(item.key, org, start, end)
        prev_total, _dims = score(got[len(orgs) + n], definition, prev_start, prev_end)
        results.append(OrgScore(org, total, dims, color_for(total, definition), previous=prev_total))
    return rank(results)


@dataclass
class Explanation:
    """What one viewer may see of a score: restricted indicators folded into one line without values."""

    rows: list[dict]
    hidden_points: float | None


def explain(org_score: OrgScore, sees_discipline: bool) -> Explanation:
    rows = []
    hidden = None
    for dim in org_score.dimensions:
        visible_items = [i for i in dim.indicators if sees_discipline or not i.restricted]
        secret = [i for i in dim.indicators if i.restricted and not sees_discipline]
        secret_points = sum(i.points for i in secret if i.points is not None) if secret else None
        if secret_points is not None:
            hidden = round1((hidden or 0) + secret_points)
        rows.append({"dimension": dim, "indicators": visible_items, "hidden_count": len(secret),
                     "hidden_points": round1(secret_points) if secret_points is not None else None,
                     "show_dimension_score": not secret})
    return Explanation(rows, hidden)
