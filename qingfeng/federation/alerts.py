"""Warnings (预警) at the province: how many of each kind and severity each published organization's subtree has.

A warning is about a day — a window that ended unmet, a deadline passed, a term expired — so it changes as days
pass, without any write. The city counts them with its own warnings engine (qingfeng.indicators.warnings, the
cockpit's card and the warnings page) for its day and publishes the counts, per published organization, in
`WarningCount`; `City.warnings_on` says which day they are for. They are refreshed by `qingfeng federation
publish` and `qingfeng federation warnings` (run it daily, e.g. from cron after midnight); only the counts that
changed are written, so only those travel. Nothing of a warning but its kind and severity leaves the city.

The province adds its cities' counts (`counts`): for its own root, the sum of the cities' roots."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils.translation import gettext as _

from qingfeng.core.dates import today
from qingfeng.federation import province
from qingfeng.federation.models import City, WarningCount
from qingfeng.federation.publish import Published, PublishError, own_city
from qingfeng.indicators import warnings
from qingfeng.orgs.models import PATH_SEP

KINDS = warnings.KINDS
SEVERITIES = (warnings.RED, warnings.YELLOW)


def city_counts(pub: Published, on: dt.date) -> Counter:
    """{(published code, kind, severity): n} for the city's day: every warning of the city's subtree once, counted
    under each published organization on its organization's path (the city's root, its county …)."""
    root = pub.by_code[pub.city.code]
    counts: Counter = Counter()
    for w in warnings.warning_list(root, on):
        for code in (c for c in w.org.path.split(PATH_SEP) if c):
            if code in pub.by_code:
                counts[(code, w.kind, w.severity)] += 1
    return counts


def refresh(city: City | None = None, on: dt.date | None = None) -> int:
    """Make the city's published warning counts those of `on` (today); returns the rows written."""
    city = city or own_city()
    if city is None:
        raise PublishError(_("本库尚未发布（qingfeng federation publish），没有可更新的预警数。"))
    on = on or today()
    pub = Published(city)
    wanted = city_counts(pub, on)
    with transaction.atomic():
        existing = {(w.code, w.kind, w.severity): w.n for w in WarningCount.objects.filter(city=city.code)}
        gone = [k for k in existing if k not in wanted]
        for code, kind, severity in gone:
            WarningCount.objects.filter(city=city.code, code=code, kind=kind, severity=severity).delete()
        new = [WarningCount(city=city.code, code=k[0], kind=k[1], severity=k[2], n=n)
               for k, n in sorted(wanted.items()) if k not in existing]
        WarningCount.objects.bulk_create(new)
        changed = [k for k, n in wanted.items() if k in existing and existing[k] != n]
        for code, kind, severity in changed:
            WarningCount.objects.filter(city=city.code, code=code, kind=kind, severity=severity).update(
                n=wanted[(code, kind, severity)])
        if city.warnings_on != on:
            City.objects.filter(pk=city.pk).update(warnings_on=on)
    return len(gone) + len(new) + len(changed)


# ---- the province ---------------------------------------------------------------------------

def counts(places: list[province.Place]) -> dict[str, Counter]:
    """{place.pk: Counter({(kind, severity): n})}: a city's organization its own published counts, the province's
    root the sum of its cities' roots."""
    targets = {p.pk: province.targets(p) for p in places}
    cities = {c for ts in targets.values() for c, _code in ts}
    codes = {code for ts in targets.values() for _c, code in ts}
    got: dict[tuple[str, str], Counter] = {}
    for city, code, kind, severity, n in WarningCount.objects.filter(city__in=cities, code__in=codes).values_list(
            "city", "code", "kind", "severity", "n"):
        got.setdefault((city, code), Counter())[(kind, severity)] += n
    out = {}
    for pk, ts in targets.items():
        total: Counter = Counter()
        for t in ts:
            total.update(got.get(t, Counter()))
        out[pk] = total
    return out


def as_of(place: province.Place) -> dict[str, dt.date | None]:
    """{city code: the day its counts are for} of the cities under the place."""
    cities = City.objects.all() if place.is_province else City.objects.filter(code=place.city)
    return dict(cities.order_by("code").values_list("code", "warnings_on"))


def table(counter: Counter) -> list[dict]:
    """The counts by kind, in the kinds' order: [{kind, label, red, yellow, total}], kinds with none left out."""
    rows = []
    for kind, label in KINDS.items():
        red, yellow = counter.get((kind, warnings.RED), 0), counter.get((kind, warnings.YELLOW), 0)
        if red or yellow:
            rows.append({"kind": kind, "label": str(label), "red": red, "yellow": yellow, "total": red + yellow})
    return rows
