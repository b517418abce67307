"""The navigation, built from one list so that menus, the permission matrix and docs agree."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, who sees it: None = every signed-in user, "discipline", "admin", "writer")
NAVIGATION = [
    ("core:home", _("首页"), None),
    ("orgs:tree", _("组织架构"), None),
    ("people:list", _("党员"), None),
    ("activities:list", _("活动"), None),
    ("supervision:list", _("问题整改"), None),
    ("service:list", _("办实事"), None),
    ("grassroots:assignments", _("选派干部"), None),
    ("membership:candidates", _("发展党员"), None),
    ("entities:list", _("两新组织"), None),
    ("indicators:warnings", _("预警"), None),
    ("cockpit:cockpit", _("驾驶舱"), None),
    ("reports:review", _("年度综述"), None),
    ("imports:start", _("导入"), "writer"),
    ("discipline:cases", _("纪检"), "discipline"),
    ("audit:list", _("审计"), "admin"),
]


def _allowed(user, who) -> bool:
    if who is None:
        return True
    if who == "discipline":
        return user.sees_discipline
    if who == "admin":
        return user.is_platform_admin
    if who == "writer":
        return not user.is_read_only
    return False


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = []
    for name, label, who in NAVIGATION:
        if not _allowed(user, who):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the page is not built yet
        items.append({"url": url, "label": label, "active": request.path == url or (url != "/" and request.path.startswith(url))})
    return {"navigation": items}
