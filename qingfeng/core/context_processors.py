"""The navigation, built from one list so that menus, the permission matrix and docs agree.

An app adds its own pages without editing this file: its AppConfig declares
`navigation = [(group, url name, label, who)]`, `group` being the Chinese label of a group below (an unknown
one makes a new group at the end); each entry goes to the end of its group."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, TypedDict

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from qingfeng.accounts.models import User

    # (url name, label, who sees it)
    NavEntry = tuple[str, StrOrPromise, str | None]

# Menu groups of (url name, label, who sees it: None = every signed-in user, "discipline", "admin",
# "writer"). A group with a single visible entry shows as a plain link.
NAVIGATION_GROUPS: list[tuple[StrOrPromise, list[NavEntry]]] = [
    (_("首页"), [("core:home", _("首页"), None)]),
    (_("工作台"), [
        ("indicators:warnings", _("预警"), None),
        ("cockpit:cockpit", _("驾驶舱"), None),
        ("indicators:index", _("指标"), None),
        ("reports:review", _("年度综述"), None),
        ("forms:index", _("一表通"), None),
    ]),
    (_("组织与党员"), [
        ("orgs:tree", _("组织架构"), None),
        ("people:list", _("党员"), None),
        ("membership:candidates", _("发展党员"), None),
        ("membership:transfers", _("组织关系转接"), None),
        ("membership:my_dues", _("党费"), None),
        ("membership:lapses", _("失联预警"), None),
        ("grassroots:elections", _("换届"), None),
        ("entities:list", _("两新组织"), None),
    ]),
    (_("工作台账"), [
        ("activities:list", _("活动"), None),
        ("activities:teams", _("宣讲小分队"), None),
        ("supervision:list", _("问题整改"), None),
        ("service:list", _("办实事"), None),
        ("grassroots:assignments", _("选派干部"), None),
        ("grassroots:weak_cases", _("软弱涣散整顿"), None),
        ("burden:list", _("报表目录"), None),
    ]),
    (_("导入"), [("imports:start", _("导入"), "writer")]),
    (_("纪检"), [
        ("discipline:cases", _("案件"), "discipline"),
        ("discipline:dispositions", _("处置"), "discipline"),
        ("discipline:recommendations", _("纪检监察建议书"), "discipline"),
    ]),
    (_("管理"), [
        ("audit:list", _("审计"), "admin"),
        ("indicators:requirements", _("组织生活要求"), "admin"),
        ("cockpit:definition", _("评价体系"), "admin"),
    ]),
]


@functools.cache
def navigation_groups() -> list[tuple[StrOrPromise, list[NavEntry]]]:
    """NAVIGATION_GROUPS with the entries the installed apps declare (read once, after the registry is ready)."""
    from django.apps import apps

    groups: list[tuple[StrOrPromise, list[NavEntry]]] = [(label, list(entries)) for label, entries in NAVIGATION_GROUPS]
    with translation.override("zh-hans"):
        index = {str(label): i for i, (label, _entries) in enumerate(groups)}
    for config in apps.get_app_configs():
        for group, name, label, who in getattr(config, "navigation", ()):
            if group not in index:
                index[group] = len(groups)
                groups.append((translation.gettext_lazy(group), []))
            groups[index[group]][1].append((name, label, who))
    return groups


NAVIGATION = [entry for _label, entries in NAVIGATION_GROUPS for entry in entries]


class NavItem(TypedDict):
    url: str
    label: StrOrPromise
    active: bool


class NavGroup(TypedDict):
    label: StrOrPromise
    items: list[NavItem]
    active: bool


def _allowed(user: User, who: str | None) -> bool:
    if who is None:
        return True
    if who == "discipline":
        return user.sees_discipline
    if who == "admin":
        return user.is_platform_admin
    if who == "writer":
        return not user.is_read_only
    return False


def _entry(request: HttpRequest, name: str, label: StrOrPromise) -> NavItem | None:
    try:
        url = reverse(name)
    except NoReverseMatch:
        return None  # the page is not built (or not installed) here
    active = request.path == url or (url != "/" and request.path.startswith(url))
    return {"url": url, "label": label, "active": active}


def navigation(request: HttpRequest) -> dict[str, list[NavGroup]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    groups: list[NavGroup] = []
    for group_label, entries in navigation_groups():
        items = [item for name, label, who in entries if _allowed(user, who)
                 for item in [_entry(request, name, label)] if item is not None]
        if items:
            groups.append({"label": group_label, "items": items, "active": any(i["active"] for i in items)})
    return {"navigation": groups}
