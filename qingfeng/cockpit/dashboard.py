"""What the cockpit (驾驶舱) shows for one organization subtree and period, gathered from the indicator engine.

The engine reads pre-aggregated facts, and reads them for many questions at once (engine.compute_grid): one
call for the headline and every month of the trend, one for the child organizations' scores in both periods.
The warnings panel is a separate request (`warnings_summary`)."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from qingfeng.cockpit import assessment
from qingfeng.core.dates import iter_months, month_end
from qingfeng.indicators import figures
from qingfeng.supervision.models import ProblemCategory

if TYPE_CHECKING:
    from qingfeng.orgs.models import Organization

HEADLINE_KEYS = [
    "orgs.total", "members.total", "activities.count", "orglife.compliance", "study.first_topic_rate",
    "lecture.events", "rectify.found", "rectify.overdue", "service.completed", "grassroots.dispatched",
    "discipline.cases_filed", "discipline.warning_sessions",
]
GAUGE_KEYS = ["orglife.compliance", "study.first_topic_rate", "coverage.nonpublic", "coverage.social",
              "rectify.on_time_rate", "service.completion_rate"]
COMPARE_KEYS = ["orglife.compliance", "members.total", "activities.count", "lecture.events", "rectify.found",
                "rectify.overdue", "service.completed", "discipline.warning_sessions"]
TREND_KEYS = ["activities.count", "lecture.events", "rectify.found", "rectify.closed", "service.completed"]
# 督导与整改 by 问题类别: these figures for each category, and for all findings.
SUPERVISION_KEYS = ["rectify.found", "rectify.closed", "rectify.overdue"]
MAX_TREND_MONTHS = 60
MAX_WARNINGS = 12


def visible_keys(keys: list[str], user) -> list[str]:
    """The keys the engine knows, without restricted ones for a viewer who may not see discipline data."""
    out = []
    for key in keys:
        ind = figures.indicator(key)
        if ind is None or (ind.restricted and not user.sees_discipline):
            continue
        out.append(key)
    return out


@dataclass
class Figure:
    key: str
    value: float | int | None
    url: str | None

    @property
    def label(self) -> str:
        return figures.label(self.key)

    @property
    def display(self) -> str:
        return figures.fmt(self.value, self.key)

    @property
    def is_rate(self) -> bool:
        return figures.is_rate(self.key)

    def as_json(self) -> dict:
        return {"key": self.key, "label": self.label, "value": self.value, "display": self.display, "url": self.url}


@dataclass
class Cockpit:
    org: Organization
    start: dt.date
    end: dt.date
    headline: list[Figure] = field(default_factory=list)
    gauges: list[Figure] = field(default_factory=list)
    children: list = field(default_factory=list)
    ranking: list[assessment.OrgScore] = field(default_factory=list)
    compare: list[dict] = field(default_factory=list)
    trend_months: list[str] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)
    definition: dict = field(default_factory=dict)
    # 督导与整改 by 问题类别: (category's words, [Figure for each of SUPERVISION_KEYS]); the last row all findings.
    supervision: list[tuple[str, list[Figure]]] = field(default_factory=list)

    @property
    def supervision_labels(self) -> list[str]:
        return [figures.label(k) for k in SUPERVISION_KEYS]

    def chart_data(self) -> dict:
        """Everything cockpit.js draws, for a <script type="application/json"> block."""
        return {
            "gauges": [f.as_json() for f in self.gauges],
            "compare": {
                "orgs": [c.name for c in self.children],
                "series": self.compare,
            },
            "trend": {"months": self.trend_months, "series": self.trend},
            "ranking": {
                "orgs": [r.org.name for r in self.ranking],
                "scores": [r.score for r in self.ranking],
                "colors": [r.color for r in self.ranking],
                "urls": [url for _r, url in self.ranking_rows],
            },
            "text": {"score": _("得分"), "noData": _("无数据")},
        }

    @property
    def compare_rows(self) -> list[dict]:
        """The comparison as a table (the chart's accessible twin): one row per child organization."""
        return [
            {"org": child, "cells": [{"display": figures.fmt(s["values"][i], s["key"]), "url": s["urls"][i]}
                                     for s in self.compare]}
            for i, child in enumerate(self.children)
        ]

    def assessment_url(self, org) -> str:
        return (f"{reverse('cockpit:assessment_org', args=[org.code])}"
                f"?from={self.start.isoformat()}&to={self.end.isoformat()}")

    @functools.cached_property
    def ranking_rows(self) -> list[tuple[assessment.OrgScore, str]]:
        """Each ranked organization with the page explaining its score (the table and the chart link to it)."""
        return [(r, self.assessment_url(r.org)) for r in self.ranking]


def month_windows(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """Each calendar month touching the period, clipped to it (the last MAX_TREND_MONTHS)."""
    windows = [(max(m, start), min(month_end(m), end)) for m in iter_months(start, end)]
    return windows[-MAX_TREND_MONTHS:]


def build(org, start: dt.date, end: dt.date, user) -> Cockpit:
    from qingfeng.cockpit.caching import shared_grid
    from qingfeng.orgs.models import Organization

    cockpit = Cockpit(org, start, end)
    headline_keys = visible_keys(HEADLINE_KEYS, user)
    gauge_keys = visible_keys(GAUGE_KEYS, user)
    by_category = [(c, [f"{k}[category={c}]" for k in SUPERVISION_KEYS]) for c in ProblemCategory.values]
    supervision_keys = [k for _c, keys in by_category for k in keys] + SUPERVISION_KEYS
    first = list(dict.fromkeys(headline_keys + gauge_keys + supervision_keys))
    trend_keys = visible_keys(TREND_KEYS, user)
    windows = month_windows(start, end)
    own = [(org, start, end, first)] + [(org, a, b, trend_keys) for a, b in windows]
    # Child organizations: the assessment ranks them and the comparison bars reuse the same values.
    children = list(Organization.objects.filter(parent=org).active_on(end).order_by("code"))
    cockpit.definition = assessment.current_definition()
    compare_keys = visible_keys(COMPARE_KEYS, user)
    ranking = assessment.grid_asks(children, start, end, assessment.for_viewer(cockpit.definition, user.sees_discipline),
                                   compare_keys)
    # The headline, every month of the trend and the children's scores in one computation (one read of the facts for
    # the page). Each question's values are shared under its organization's subtree version (caching.shared_grid):
    # after a write in one district, the other districts' scores come from the values an earlier request built.
    got = shared_grid(own + ranking, user=user)
    values, per_month, ranked = got[0], got[1:len(own)], got[len(own):]
    cockpit.headline = [Figure(k, values[k], figures.drill_url(k, org, start, end)) for k in headline_keys]
    cockpit.gauges = [Figure(k, values[k], figures.drill_url(k, org, start, end)) for k in gauge_keys]
    for words, keys in [(figures.value_label("category", c), keys) for c, keys in by_category] + [
            (_("全部问题"), SUPERVISION_KEYS)]:
        cockpit.supervision.append((words, [Figure(k, values[k], figures.drill_url(k, org, start, end)) for k in keys]))

    cache: dict = {}

    def grid(asks: list) -> list[dict]:  # what assess asks: the values read above (the same questions)
        return ranked if asks == ranking else shared_grid(asks, user=user)

    cockpit.ranking = assessment.assess(children, start, end, cockpit.definition, values_cache=cache,
                                        extra_keys=compare_keys, sees_discipline=user.sees_discipline, grid=grid)
    cockpit.children = children
    for key in compare_keys:
        cockpit.compare.append({
            "key": key, "label": figures.label(key), "rate": figures.is_rate(key),
            "values": [cache[c.pk].get(key) for c in children],
            "urls": [figures.drill_url(key, c, start, end) for c in children],
        })

    cockpit.trend_months = [f"{a:%Y-%m}" for a, _b in windows]
    for key in trend_keys:
        cockpit.trend.append({
            "key": key, "label": figures.label(key),
            "values": [m[key] for m in per_month],
            "urls": [figures.drill_url(key, org, a, b) for a, b in windows],
        })
    return cockpit


MAX_CARD_WARNINGS = 6  # the card names a few warnings; the kinds above them count all


def warnings_by_kind(found) -> list[tuple[str, str, int, int]]:
    """(kind, its name, red, yellow) of every kind with warnings, the most red first."""
    from qingfeng.indicators.warnings import KINDS

    tally: dict[str, list[int]] = {}
    for (kind, severity), n in found.counts().items():
        tally.setdefault(kind, [0, 0])[0 if severity == "red" else 1] += n
    rows = [(kind, str(KINDS[kind]), red, yellow) for kind, (red, yellow) in tally.items() if red or yellow]
    return sorted(rows, key=lambda r: (-r[2], -r[3], r[0]))


def warnings_summary(org, on: dt.date, user) -> tuple[list, dict]:
    """The most urgent warnings (red first, then by due date) and how many there are of each colour.

    The cockpit loads this panel separately (htmx), after the figures. The warnings are counted from
    plain rows; only the ones shown are built (organization, message, link)."""
    from qingfeng.indicators.warnings import warning_list

    found = warning_list(org, on, user=user)  # sorted: red first, then by due date
    counts = {"red": 0, "yellow": 0}
    for (_kind, severity), n in found.counts().items():
        counts[severity] += n
    return found[:MAX_WARNINGS], counts
