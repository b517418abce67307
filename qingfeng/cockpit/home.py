"""The home page's figures: the user's organization (or the platform) as of the platform's day, each figure
from the indicator engine — the same value the cockpit and the year-in-review show — and linked to its records."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse

from qingfeng.accounts.access import scope_root
from qingfeng.cockpit import caching
from qingfeng.cockpit.dashboard import visible_keys
from qingfeng.core import dates
from qingfeng.core.home import panel
from qingfeng.indicators import figures

KEYS = ["members.total", "orgs.total", "activities.count", "orglife.compliance", "rectify.overdue"]
BRANCH_KEYS = ["members.total", "activities.count", "orglife.compliance", "rectify.overdue"]


@panel(20, "cockpit/_home.html")
def headline(request) -> dict | None:
    from qingfeng.indicators.engine import REGISTRY, compute_grid
    from qingfeng.orgs.models import Organization

    user = request.user
    try:
        root = scope_root(user)
    except Http404:
        return None
    roots = [root] if root is not None else list(Organization.objects.filter(parent__isnull=True).order_by("code"))
    if not roots:
        return None
    day = dates.today()
    start = day.replace(month=1, day=1)  # flows and rates: this year so far
    keys = visible_keys(BRANCH_KEYS if root is not None and root.is_branch else KEYS, user)

    def make() -> list[dict]:
        return compute_grid([(org, start, day, keys) for org in roots], user=user)  # every root in one read

    # shared by everyone asking of the same organizations and facts, as the cockpit's figures are (cockpit.caching):
    # one root's figures change only with writes in its subtree; several roots' (an unscoped account) with any
    values = caching.shared(make, "home", tuple(org.pk for org in roots), start, day, keys,
                            org=roots[0] if len(roots) == 1 else None)
    blocks = []
    for org, got in zip(roots, values, strict=True):
        blocks.append({
            "org": org,
            "figures": [{"key": k, "label": figures.label(k), "display": figures.fmt(got[k], k),
                         "url": figures.drill_url(k, org, start, day), "flow": REGISTRY[figures.base_id(k)].kind != "snapshot"}
                        for k in keys],
            "cockpit": f"{reverse('cockpit:cockpit')}?org={org.code}",
        })
    return {"blocks": blocks, "day": day, "start": start}
