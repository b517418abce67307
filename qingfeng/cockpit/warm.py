"""The cockpit prepared at start-up (core.startup): the figures of the top organizations and of their children for
the default period, as a viewer who does not see discipline data and as one who does — the pages leaders open
first. Built through the same path as a request (views.figures_markup), so a request finds them in the shared
figures (caching.shared, caching.shared_grid) and, after writes, recomputes only the organizations and periods the
writes changed."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation


@dataclass(frozen=True)
class Viewer:  # what the figures depend on of the person asking (dashboard.visible_keys, engine.may_see)
    sees_discipline: bool


def warm(deadline: float) -> int:
    from qingfeng.cockpit import assessment, views
    from qingfeng.cockpit.forms import default_period
    from qingfeng.indicators import store
    from qingfeng.orgs.models import Organization

    if store.state() is None:  # facts never built: nothing is shared
        return 0
    start, end = default_period()
    orgs: list[Organization] = []
    for top in Organization.objects.filter(parent__isnull=True).order_by("code"):
        orgs += [top, *Organization.objects.filter(parent=top).active_on(end).order_by("code")]
    version = assessment.current_version()
    definition = version.number if version else None
    prepared = 0
    with translation.override(settings.LANGUAGE_CODE):
        for sees in (False, True):
            for org in orgs:
                if time.monotonic() >= deadline:
                    return prepared
                views.figures_markup(org, start, end, Viewer(sees), definition)
                prepared += 1
    return prepared
